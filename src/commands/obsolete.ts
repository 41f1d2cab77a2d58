import { ReplyCode } from '../protocol/reply-codes.js';
import { command, type CommandSpec } from './spec.js';

/**
 * Mail and terminal-message commands of the early FTP (RFC 765's MAIL, MLFL,
 * MSND, MSOM, MSAM, MRSQ, MRCP; RFC 737's XSEN, XSEM; RFC 743's XRSQ, XRCP),
 * dropped by RFC 959 in favour of SMTP. A client that still sends one gets 502
 * with the reason, not a puzzling 500 — and they stay out of HELP's list.
 */
const OBSOLETE: readonly { name: string; what: string; rfc: string; help: string }[] = [
  { name: 'MAIL', what: 'mail', rfc: '765', help: 'MAIL [<sp> recipient] (obsolete: mail to a user terminal)' },
  { name: 'MLFL', what: 'mail', rfc: '765', help: 'MLFL [<sp> recipient] (obsolete: mail file)' },
  { name: 'MSND', what: 'terminal message', rfc: '765', help: 'MSND [<sp> recipient] (obsolete: send to terminal)' },
  { name: 'MSOM', what: 'terminal message', rfc: '765', help: 'MSOM [<sp> recipient] (obsolete: send to terminal or mailbox)' },
  { name: 'MSAM', what: 'terminal message', rfc: '765', help: 'MSAM [<sp> recipient] (obsolete: send to terminal and mailbox)' },
  { name: 'MRSQ', what: 'mail', rfc: '765', help: 'MRSQ [<sp> scheme] (obsolete: mail recipient scheme question)' },
  { name: 'MRCP', what: 'mail', rfc: '765', help: 'MRCP <sp> recipient (obsolete: mail recipient)' },
  { name: 'XSEN', what: 'terminal message', rfc: '737', help: 'XSEN [<sp> recipient] (obsolete: send to terminal)' },
  { name: 'XSEM', what: 'terminal message', rfc: '737', help: 'XSEM [<sp> recipient] (obsolete: send to terminal or mail)' },
  { name: 'XRSQ', what: 'mail', rfc: '743', help: 'XRSQ [<sp> scheme] (obsolete: recipient scheme question)' },
  { name: 'XRCP', what: 'mail', rfc: '743', help: 'XRCP <sp> recipient (obsolete: recipient)' },
];

export const obsoleteCommands: readonly CommandSpec[] = OBSOLETE.map(({ name, what, rfc, help }) =>
  command({
    name,
    beforeLogin: true,
    argument: 'optional',
    hidden: true,
    help,
    handler({ session }) {
      session.say(ReplyCode.NotImplemented, 'obsoleteCommand', { command: name, what, rfc });
    },
  }),
);
