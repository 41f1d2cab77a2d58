import { isIP, SocketAddress } from 'node:net';
import { canonicalAddress } from '../net/address.js';
import { ReplyCode } from '../protocol/reply-codes.js';
import type { Session } from '../session/session.js';
import { activeAllowed, announcedAddress, openPassive, refusedByEpsvAll, setActiveTarget } from './data-connection.js';
import { command } from './spec.js';

/**
 * RFC 1639 "FTP Operation Over Big Address Records": LPRT and LPSV carry an
 * address family, the address bytes and the port bytes, so they work for IPv4
 * (af 4) and IPv6 (af 6). The same rules as PORT/EPRT and PASV/EPSV hold:
 * active connections only to the client's own address and not to privileged
 * ports, EPSV ALL refuses both, and LPSV announces the NAT address option.
 */

/** "1.2.3.4" → [1,2,3,4]; "2001:db8::1" → 16 bytes. */
export function addressBytes(address: string): number[] {
  if (isIP(address) === 4) return address.split('.').map(Number);
  const [head = '', tail = ''] = address.split('::') as [string, string?];
  const groups = (part: string) => (part === '' ? [] : part.split(':'));
  let words = groups(head);
  let rest = groups(tail);
  // An embedded IPv4 tail ("::ffff:1.2.3.4") is two words.
  const last = (rest.length > 0 ? rest : words).at(-1);
  if (last?.includes('.')) {
    const [a, b, c, d] = last.split('.').map(Number) as [number, number, number, number];
    const replace = [((a << 8) | b).toString(16), ((c << 8) | d).toString(16)];
    if (rest.length > 0) rest = [...rest.slice(0, -1), ...replace];
    else words = [...words.slice(0, -1), ...replace];
  }
  const all = address.includes('::') ? [...words, ...Array<string>(8 - words.length - rest.length).fill('0'), ...rest] : words;
  return all.flatMap((word) => {
    const n = parseInt(word, 16);
    return [n >> 8, n & 255];
  });
}

/** 4 or 16 bytes → the address text. */
function bytesToAddress(bytes: readonly number[]): string {
  if (bytes.length === 4) return bytes.join('.');
  const words: string[] = [];
  for (let i = 0; i < 16; i += 2) words.push(((bytes[i]! << 8) | bytes[i + 1]!).toString(16));
  return new SocketAddress({ address: words.join(':'), family: 'ipv6' }).address;
}

function familyOf(address: string): 4 | 6 {
  return isIP(address) === 6 ? 6 : 4;
}

export const LPSV = command({
  name: 'LPSV',
  argument: 'none',
  help: 'LPSV (enter long passive mode, IPv4 or IPv6)',
  async handler({ session }) {
    if (refusedByEpsvAll(session)) return;
    const address = await longPassiveAddress(session);
    const listener = address ? await openPassive(session).catch(() => undefined) : undefined;
    if (!address || !listener) {
      session.say(ReplyCode.CannotOpenDataConnection, 'pasvFailed');
      return;
    }
    const bytes = addressBytes(address);
    const { port } = listener;
    const fields = [familyOf(address), bytes.length, ...bytes, 2, port >> 8, port & 255];
    session.say(ReplyCode.EnteringLongPassiveMode, 'lpsvOk', { address: fields.join(',') });
  },
});

/** IPv4: what PASV would announce (NAT option included); IPv6: the address the client reached. */
async function longPassiveAddress(session: Session): Promise<string | undefined> {
  const local = canonicalAddress(session.localAddress);
  if (isIP(local) === 6) return local;
  try {
    return await announcedAddress(session);
  } catch (error) {
    session.server.reportError(error, session);
    return undefined;
  }
}

export const LPRT = command({
  name: 'LPRT',
  argument: 'required',
  help: 'LPRT <sp> af,hal,h1,...,pal,p1,p2 (af 4 or 6)',
  handler({ session, argument }) {
    if (!activeAllowed(session)) return;
    const fields = argument.trim().split(',').map((f) => (/^\d{1,3}$/.test(f.trim()) ? Number(f) : NaN));
    if (fields.some((n) => !(n >= 0 && n <= 255)) || fields.length < 2) {
      session.say(ReplyCode.ArgumentSyntaxError, 'lprtBadSyntax');
      return;
    }
    const [family, length] = fields as [number, number];
    if (family !== 4 && family !== 6) {
      session.say(ReplyCode.AddressFamilyNotSupported, 'addressFamilies', { families: '4,6' });
      return;
    }
    const hostBytes = fields.slice(2, 2 + length);
    const portLength = fields[2 + length];
    const portBytes = fields.slice(3 + length);
    if (length !== (family === 4 ? 4 : 16) || hostBytes.length !== length || portLength !== 2 || portBytes.length !== 2) {
      session.say(ReplyCode.ArgumentSyntaxError, 'lprtBadSyntax');
      return;
    }
    const port = portBytes[0]! * 256 + portBytes[1]!;
    if (port === 0) {
      session.say(ReplyCode.ArgumentSyntaxError, 'lprtBadSyntax');
      return;
    }
    setActiveTarget(session, bytesToAddress(hostBytes), port);
  },
});
