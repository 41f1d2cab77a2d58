import { ReplyCode } from '../protocol/reply-codes.js';
import { clearRange } from './hash.js';
import { answerModeOpts } from './mode-z.js';
import { answerAllocation } from './space.js';
import { command } from './spec.js';

/**
 * TYPE A [N] (the RFC 959 default: line endings converted), TYPE I and TYPE L 8
 * (bytes as they are). Telnet and carriage-control formats, EBCDIC and other
 * byte sizes are refused with 504.
 */
export const TYPE = command({
  name: 'TYPE',
  beforeLogin: true,
  argument: 'required',
  help: 'TYPE <sp> A [N] | I | L 8',
  handler({ session, argument }) {
    const parts = argument.trim().toUpperCase().split(/\s+/);
    const [code, param] = parts;
    let type: 'A' | 'I' | undefined;
    if (code === 'A' && (param === undefined || param === 'N') && parts.length <= 2) type = 'A';
    else if (code === 'I' && parts.length === 1) type = 'I';
    else if (code === 'L' && param === '8' && parts.length === 2) type = 'I';
    if (!type) {
      const known = ['A', 'E', 'I', 'L'].includes(code ?? '');
      session.say(known ? ReplyCode.ParameterNotImplemented : ReplyCode.ArgumentSyntaxError, 'typeUnsupported', { type: argument.trim() });
      return;
    }
    session.type = type;
    session.say(ReplyCode.CommandOkay, 'typeSet', { type: type === 'A' ? 'A' : 'I' });
  },
});

export const STRU = command({
  name: 'STRU',
  beforeLogin: true,
  argument: 'required',
  help: 'STRU <sp> F',
  handler({ session, argument }) {
    const code = argument.trim().toUpperCase();
    if (code === 'F') session.say(ReplyCode.CommandOkay, 'struOk');
    else session.say(['R', 'P'].includes(code) ? ReplyCode.ParameterNotImplemented : ReplyCode.ArgumentSyntaxError, 'struUnsupported');
  },
});

export const MODE = command({
  name: 'MODE',
  beforeLogin: true,
  argument: 'required',
  help: 'MODE <sp> S | Z',
  feat: (session) => (session.server.options.modeZ.enabled ? 'MODE Z' : undefined),
  opts: answerModeOpts,
  handler({ session, argument }) {
    const mode = argument.trim().toUpperCase();
    if (mode === 'S' || (mode === 'Z' && session.server.options.modeZ.enabled)) {
      session.mode = mode;
      session.say(ReplyCode.CommandOkay, 'modeOk', { mode });
      return;
    }
    session.say(['B', 'C', 'Z'].includes(mode) ? ReplyCode.ParameterNotImplemented : ReplyCode.ArgumentSyntaxError, 'modeUnsupported', { mode });
  },
});

export const REST = command({
  name: 'REST',
  argument: 'required',
  feat: 'REST STREAM',
  help: 'REST <sp> byte-offset',
  handler({ session, argument }) {
    const value = argument.trim();
    if (!/^\d{1,15}$/.test(value)) {
      session.say(ReplyCode.ArgumentSyntaxError, 'restInvalid');
      return;
    }
    session.restOffset = Number(value);
    clearRange(session); // REST replaces a RANG range
    session.say(ReplyCode.PendingFurtherInformation, 'restOk', { offset: session.restOffset });
  },
});

export const ALLO = command({
  name: 'ALLO',
  argument: 'required',
  help: 'ALLO <sp> bytes [<sp> R <sp> record-size]',
  async handler({ session, argument }) {
    if (!/^\d+(\s+R\s+\d+)?$/i.test(argument.trim())) {
      session.say(ReplyCode.ArgumentSyntaxError, 'argumentRequired', { command: 'ALLO' });
      return;
    }
    await answerAllocation(session, Number(argument.trim().split(/\s+/)[0]));
  },
});
