import { isIP, SocketAddress } from 'node:net';

/**
 * One spelling per address, so comparisons cannot be fooled: IPv4-mapped IPv6
 * ("::ffff:1.2.3.4") becomes IPv4, and IPv6 is canonical ("0:0::1" → "::1").
 */
export function canonicalAddress(address: string | undefined): string {
  if (!address) return '';
  // An IPv4 address (what most sessions have) is already canonical: no regex, no parse.
  if (!address.includes(':') && !address.includes('%')) return address;
  let a = address;
  const zone = a.indexOf('%');
  if (zone !== -1) a = a.slice(0, zone);
  if (/^::ffff:\d+\.\d+\.\d+\.\d+$/i.test(a)) return a.slice(7);
  if (isIP(a) === 6) {
    const canonical = new SocketAddress({ address: a, family: 'ipv6' }).address;
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(canonical);
    return mapped ? mapped[1]! : canonical;
  }
  return a;
}

export function sameAddress(a: string | undefined, b: string | undefined): boolean {
  return canonicalAddress(a) === canonicalAddress(b);
}

/** IP family of an address as FTP numbers it (EPRT/EPSV): 1 for IPv4, 2 for IPv6. */
export function ftpFamily(address: string | undefined): 1 | 2 {
  return isIP(canonicalAddress(address)) === 6 ? 2 : 1;
}
