import { ReplyCode } from '../protocol/reply-codes.js';
import type { Session } from '../session/session.js';
import { sessionEngine, startControlTls } from '../tls/control.js';
import type { TlsEngine } from '../tls/engine.js';
import { dataTlsRequired } from '../tls/policy.js';
import { setDataProtection, tlsOf } from '../tls/state.js';
import { clearControlTls } from '../tls/ccc.js';
import { command } from './spec.js';

/**
 * RFC 2228 security commands as RFC 4217 uses them for TLS: AUTH, PBSZ, PROT
 * and CCC do their work; ADAT, MIC, CONF and ENC belong to mechanisms this
 * server does not have and get the replies RFC 2228 gives for that. All of
 * them exist only when the server has a certificate (`tls` option).
 */
const tlsConfigured = (session: Session) => session.server.options.tls !== undefined;

/** AUTH mechanisms clients send for TLS; the old SSL and TLS-P spellings also protect data (draft-murray). */
const MECHANISMS: Readonly<Record<string, { protectData: boolean }>> = {
  TLS: { protectData: false },
  'TLS-C': { protectData: false },
  SSL: { protectData: true },
  'TLS-P': { protectData: true },
};

export const AUTH = command({
  name: 'AUTH',
  beforeLogin: true,
  beforeTls: true,
  argument: 'required',
  feat: 'AUTH TLS',
  help: 'AUTH <sp> TLS',
  enabled: tlsConfigured,
  async handler({ session, argument }) {
    const name = argument.trim().toUpperCase();
    const mechanism = MECHANISMS[name];
    if (!mechanism) {
      session.say(ReplyCode.ParameterNotImplemented, 'authUnknown', { mechanism: argument.trim() });
      return;
    }
    if (session.secure) {
      session.say(ReplyCode.BadSequence, 'tlsActive');
      return;
    }
    // Nothing that arrives from now on may be read as a plain command.
    session.pauseReading();
    let engine: TlsEngine;
    try {
      engine = await sessionEngine(session);
    } catch (error) {
      // A certificate the context function could not provide: the session stays plain.
      session.server.reportError(error, session);
      session.resumeReading();
      session.say(ReplyCode.NeedUnavailableSecurityResource, 'tlsUnavailable');
      return;
    }
    if (session.closed) return;
    session.discardPendingInput();
    // RFC 2228: a new security exchange resets the login.
    if (session.user) session.logout();
    session.say(ReplyCode.SecurityDataExchangeComplete, 'authOk');
    const secured = await startControlTls(session, engine);
    if (secured && mechanism.protectData) {
      tlsOf(session).pbsz = true;
      setDataProtection(session, true);
    }
  },
});

export const PBSZ = command({
  name: 'PBSZ',
  beforeLogin: true,
  beforeTls: true,
  argument: 'required',
  feat: 'PBSZ',
  help: 'PBSZ <sp> 0',
  enabled: tlsConfigured,
  handler({ session, argument }) {
    if (!session.secure) {
      session.say(ReplyCode.BadSequence, 'tlsFirst');
      return;
    }
    if (!/^\d{1,20}$/.test(argument.trim())) {
      session.say(ReplyCode.ArgumentSyntaxError, 'pbszInvalid');
      return;
    }
    // TLS has no protection buffer: any size is answered with PBSZ=0 (RFC 4217 section 8).
    tlsOf(session).pbsz = true;
    session.say(ReplyCode.CommandOkay, 'pbszOk');
  },
});

const LEVELS: Readonly<Record<string, string>> = { C: 'Clear', S: 'Safe', E: 'Confidential', P: 'Private' };

export const PROT = command({
  name: 'PROT',
  beforeLogin: true,
  beforeTls: true,
  argument: 'required',
  feat: 'PROT',
  help: 'PROT <sp> C | P',
  enabled: tlsConfigured,
  handler({ session, argument }) {
    const level = argument.trim().toUpperCase();
    if (!(level in LEVELS)) {
      session.say(ReplyCode.ParameterNotImplemented, 'protUnknown', { level: argument.trim() });
      return;
    }
    if (!session.secure) {
      session.say(ReplyCode.BadSequence, 'tlsFirst');
      return;
    }
    if (!tlsOf(session).pbsz) {
      session.say(ReplyCode.BadSequence, 'pbszFirst');
      return;
    }
    if (level === 'S' || level === 'E') {
      session.say(ReplyCode.ProtLevelNotSupported, 'protUnsupported', { level });
      return;
    }
    if (level === 'C' && dataTlsRequired(session)) {
      session.say(ReplyCode.PolicyDenied, 'protClearRefused');
      return;
    }
    setDataProtection(session, level === 'P');
    session.say(ReplyCode.CommandOkay, 'protOk', { level: LEVELS[level]! });
  },
});

export const CCC = command({
  name: 'CCC',
  beforeTls: true,
  argument: 'none',
  feat: (session) => (session.server.options.tls?.allowCcc ? 'CCC' : undefined),
  help: 'CCC (clear the control connection)',
  enabled: tlsConfigured,
  async handler({ session }) {
    if (!session.secure) {
      session.say(ReplyCode.ProtectionLevelDenied, 'cccNotProtected');
      return;
    }
    if (!session.server.options.tls?.allowCcc) {
      session.say(ReplyCode.PolicyDenied, 'cccRefused');
      return;
    }
    await clearControlTls(session);
  },
});

export const ADAT = command({
  name: 'ADAT',
  beforeLogin: true,
  beforeTls: true,
  argument: 'optional',
  help: 'ADAT <sp> base64data',
  enabled: tlsConfigured,
  handler({ session }) {
    // RFC 2228: 503 when no security exchange expects data; TLS never does.
    session.say(ReplyCode.BadSequence, session.secure ? 'adatUnused' : 'tlsFirst');
  },
});

/** MIC, CONF, ENC: protected commands of RFC 2228 mechanisms; with TLS the whole channel is protected instead. */
function protectedCommand(name: 'MIC' | 'CONF' | 'ENC') {
  return command({
    name,
    beforeLogin: true,
    beforeTls: true,
    argument: 'optional',
    help: `${name} <sp> base64data`,
    enabled: tlsConfigured,
    handler({ session }) {
      if (!session.secure) session.say(ReplyCode.BadSequence, 'tlsFirst');
      else session.say(ReplyCode.ProtectionNotSupported, 'protectedCommandUnused', { command: name });
    },
  });
}

export const MIC = protectedCommand('MIC');
export const CONF = protectedCommand('CONF');
export const ENC = protectedCommand('ENC');
