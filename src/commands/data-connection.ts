import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { FtpUser } from '../auth/types.js';
import { ActiveTarget } from '../data/active.js';
import { PassiveListener } from '../data/passive.js';
import { canonicalAddress, ftpFamily, sameAddress } from '../net/address.js';
import { ReplyCode } from '../protocol/reply-codes.js';
import type { Session } from '../session/session.js';
import { command } from './spec.js';

/** RFC 2428: after EPSV ALL only EPSV may set up data connections. */
export function refusedByEpsvAll(session: Session): boolean {
  if (!session.epsvAll) return false;
  session.say(ReplyCode.BadSequence, 'epsvAllActive');
  return true;
}

export async function openPassive(session: Session): Promise<PassiveListener> {
  session.closeDataSetup();
  const { options, passivePorts } = session.server;
  const listener = await PassiveListener.open({
    pool: passivePorts,
    host: canonicalAddress(session.localAddress),
    clientAddress: session.remoteAddress,
    allowAnyAddress: options.passive.allowAnyAddress,
    wrap: session.dataWrapper,
    onStranger: (address) => {
      session.log.warn('data', 'refused a data connection from another address', { address });
    },
  });
  if (session.closed) {
    listener.close();
    throw new Error('session closed');
  }
  session.dataSetup = listener;
  return listener;
}

/** The IPv4 address a PASV reply announces (NAT/Docker: the `passive.address` option). */
export async function announcedAddress(session: Session): Promise<string | undefined> {
  const configured = session.server.options.passive.address;
  let address = typeof configured === 'function' ? await configured(session) : configured;
  if (address === undefined) address = canonicalAddress(session.localAddress);
  if (isIP(address) === 0) address = (await lookup(address, { family: 4 })).address;
  return isIP(address) === 4 ? address : undefined;
}

export const PASV = command({
  name: 'PASV',
  argument: 'none',
  help: 'PASV (enter passive mode)',
  async handler({ session }) {
    if (refusedByEpsvAll(session)) return;
    let address: string | undefined;
    try {
      address = await announcedAddress(session);
    } catch (error) {
      session.server.reportError(error, session);
    }
    if (!address || (ftpFamily(session.localAddress) === 2 && session.server.options.passive.address === undefined)) {
      session.say(ReplyCode.CannotOpenDataConnection, 'pasvIpv6');
      return;
    }
    const listener = await openPassive(session).catch(() => undefined);
    if (!listener) {
      session.say(ReplyCode.CannotOpenDataConnection, 'pasvFailed');
      return;
    }
    const { port } = listener;
    const h = address.split('.').join(',');
    session.say(ReplyCode.EnteringPassiveMode, 'pasvOk', { address: `${h},${port >> 8},${port & 255}` });
  },
});

export const EPSV = command({
  name: 'EPSV',
  argument: 'optional',
  feat: 'EPSV',
  help: 'EPSV [<sp> 1 | 2 | ALL]',
  async handler({ session, argument }) {
    const arg = argument.trim().toUpperCase();
    if (arg === 'ALL') {
      session.epsvAll = true;
      session.say(ReplyCode.CommandOkay, 'epsvAllOk');
      return;
    }
    const family = ftpFamily(session.localAddress);
    if (arg !== '' && arg !== String(family)) {
      const code = /^\d+$/.test(arg) ? ReplyCode.NetworkProtocolNotSupported : ReplyCode.ArgumentSyntaxError;
      session.say(code, 'networkProtocol', { protocols: String(family) });
      return;
    }
    const listener = await openPassive(session).catch(() => undefined);
    if (!listener) {
      session.say(ReplyCode.CannotOpenDataConnection, 'pasvFailed');
      return;
    }
    session.say(ReplyCode.EnteringExtendedPassiveMode, 'epsvOk', { port: listener.port });
  },
});

/** Checks an active-mode target (RFC 2577: no bounce, no privileged ports) and sets it up. */
export function setActiveTarget(session: Session, host: string, port: number): void {
  const { active } = session.server.options;
  if (!active.allowAnyAddress && !sameAddress(host, session.remoteAddress)) {
    session.log.warn('data', 'refused an active connection to another address', { host });
    session.say(ReplyCode.ArgumentSyntaxError, 'portOtherHost');
    return;
  }
  if (port < 1024 && !active.allowLowPorts) {
    session.say(ReplyCode.ParameterNotImplemented, 'portLowPort');
    return;
  }
  session.closeDataSetup();
  const local = canonicalAddress(session.localAddress);
  const sameFamily = isIP(local) === isIP(canonicalAddress(host));
  session.dataSetup = new ActiveTarget(canonicalAddress(host), port, sameFamily ? local : undefined, session.dataWrapper);
  session.say(ReplyCode.CommandOkay, 'portOk');
}

export function activeAllowed(session: Session): boolean {
  if (refusedByEpsvAll(session)) return false;
  if (session.server.options.active.enabled) return true;
  session.say(ReplyCode.NotImplemented, 'activeDisabled');
  return false;
}

export const PORT = command({
  name: 'PORT',
  argument: 'required',
  help: 'PORT <sp> h1,h2,h3,h4,p1,p2',
  handler({ session, argument }) {
    if (!activeAllowed(session)) return;
    const parts = argument.trim().split(',');
    const numbers = parts.map((p) => (/^\d{1,3}$/.test(p.trim()) ? Number(p) : NaN));
    if (numbers.length !== 6 || numbers.some((n) => !(n >= 0 && n <= 255))) {
      session.say(ReplyCode.ArgumentSyntaxError, 'portBadSyntax');
      return;
    }
    const port = numbers[4]! * 256 + numbers[5]!;
    if (port === 0) {
      session.say(ReplyCode.ArgumentSyntaxError, 'portBadSyntax');
      return;
    }
    setActiveTarget(session, numbers.slice(0, 4).join('.'), port);
  },
});

export const EPRT = command({
  name: 'EPRT',
  argument: 'required',
  // Not announced when active mode is off: clients only try what FEAT lists.
  feat: (session) => (session.server.options.active.enabled ? 'EPRT' : undefined),
  help: 'EPRT <sp> |protocol|address|port|',
  handler({ session, argument }) {
    if (!activeAllowed(session)) return;
    const arg = argument.trim();
    const delimiter = arg[0];
    const fields = delimiter ? arg.split(delimiter) : [];
    const valid = delimiter !== undefined && delimiter.charCodeAt(0) >= 33 && delimiter.charCodeAt(0) <= 126 && !/[0-9a-fA-F.:]/.test(delimiter);
    if (!valid || fields.length !== 5 || fields[0] !== '' || fields[4] !== '') {
      session.say(ReplyCode.ArgumentSyntaxError, 'eprtBadSyntax');
      return;
    }
    const [, protocol, rawAddress, rawPort] = fields as [string, string, string, string, string];
    if (protocol !== '1' && protocol !== '2') {
      session.say(ReplyCode.NetworkProtocolNotSupported, 'networkProtocol', { protocols: '1,2' });
      return;
    }
    // lftp sends |2|::|port| to mean "my own address".
    const address = rawAddress === '::' || rawAddress === '0.0.0.0' ? canonicalAddress(session.remoteAddress) : rawAddress;
    const port = /^\d{1,5}$/.test(rawPort) ? Number(rawPort) : NaN;
    if (isIP(address) !== (protocol === '1' ? 4 : 6) && !(rawAddress === '::' || rawAddress === '0.0.0.0') || !(port >= 1 && port <= 65535)) {
      session.say(ReplyCode.ArgumentSyntaxError, 'eprtBadSyntax');
      return;
    }
    setActiveTarget(session, address, port);
  },
});
