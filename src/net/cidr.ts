import { BlockList, isIP } from 'node:net';
import { canonicalAddress } from './address.js';

/**
 * A list of addresses and CIDR ranges ("10.0.0.0/8", "2001:db8::/32",
 * "192.0.2.7", "::1"). IPv4-mapped IPv6 addresses match their IPv4 rules and
 * the other way round, so "::ffff:10.1.2.3" is inside "10.0.0.0/8". Entries
 * that do not parse match nothing and are kept in `invalid`: a typo in an
 * allow-list must close the door, not open it.
 */
export class AddressList {
  readonly invalid: readonly string[];
  private readonly ranges = new BlockList();

  constructor(entries: readonly string[]) {
    const invalid: string[] = [];
    for (const entry of entries) {
      if (!this.add(String(entry).trim())) invalid.push(String(entry));
    }
    this.invalid = invalid;
  }

  /** Whether `address` (any spelling: mapped, zone id, IPv6 shorthand) is in the list. */
  includes(address: string | undefined): boolean {
    const canonical = canonicalAddress(address);
    const family = isIP(canonical);
    if (family === 0) return false;
    return this.ranges.check(canonical, family === 4 ? 'ipv4' : 'ipv6');
  }

  private add(entry: string): boolean {
    const slash = entry.indexOf('/');
    const address = canonicalAddress(slash === -1 ? entry : entry.slice(0, slash));
    const family = isIP(address);
    if (family === 0) return false;
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (slash === -1) {
      this.ranges.addAddress(address, type);
      return true;
    }
    const text = entry.slice(slash + 1);
    let prefix = /^\d{1,3}$/.test(text) ? Number(text) : NaN;
    // "::ffff:10.0.0.0/104" was canonicalized to IPv4: shift its prefix too.
    if (family === 4 && isIP(entry.slice(0, slash)) === 6) prefix -= 96;
    if (!(prefix >= 0 && prefix <= (family === 4 ? 32 : 128))) return false;
    this.ranges.addSubnet(address, prefix, type);
    return true;
  }
}
