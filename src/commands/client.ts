import { ReplyCode } from '../protocol/reply-codes.js';
import { command } from './spec.js';

/** Longest client name kept: enough for "FileZilla 3.66.4 (Windows 11)", not for abuse. */
const MAX_CLIENT_NAME = 128;

/**
 * CLNT <name>: the client says what software it is. Kept on `session.clientName`
 * (so every event payload and hook sees it) and logged; it changes nothing else.
 */
export const CLNT = command({
  name: 'CLNT',
  beforeLogin: true,
  beforeTls: true,
  argument: 'required',
  feat: 'CLNT',
  help: 'CLNT <sp> client-name (identify the client software)',
  handler({ session, argument }) {
    // Control characters would corrupt logs and transcripts.
    const name = argument.replace(/[\x00-\x1f\x7f]/g, ' ').trim().slice(0, MAX_CLIENT_NAME);
    session.clientName = name;
    session.log.info('session', 'client identified itself', { client: name });
    session.say(ReplyCode.CommandOkay, 'clientNoted');
  },
});
