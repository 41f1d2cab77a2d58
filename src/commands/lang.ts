import { ReplyCode } from '../protocol/reply-codes.js';
import type { Session } from '../session/session.js';
import { command } from './spec.js';

/**
 * RFC 2640 LANG: the language of reply texts. English is built in; every other
 * language is a message table in the `languages` option (any key of
 * `defaultMessages`, or a reply code for the stock texts), so a host adds a
 * language without code. Tags match without case, and "fr-CA" falls back to
 * "fr" when only the primary language is offered.
 */

/** Language tags offered: "en" first, then the host's, as configured. */
export function languagesOf(session: Session): string[] {
  const tags = Object.keys(session.server.options.languages);
  return ['en', ...tags.filter((tag) => tag.toLowerCase() !== 'en')];
}

function findLanguage(session: Session, requested: string): string | undefined {
  const offered = languagesOf(session);
  const wanted = requested.toLowerCase();
  return offered.find((tag) => tag.toLowerCase() === wanted) ?? offered.find((tag) => tag.toLowerCase() === wanted.split('-')[0]);
}

export const LANG = command({
  name: 'LANG',
  beforeLogin: true,
  beforeTls: true,
  argument: 'optional',
  feat: (session) => {
    const current = session.language.toLowerCase();
    return 'LANG ' + languagesOf(session).map((tag) => tag.toUpperCase() + (tag.toLowerCase() === current ? '*' : '')).join(';');
  },
  help: 'LANG [<sp> language-tag] (language of replies; no argument: the default)',
  handler({ session, argument }) {
    const requested = argument.trim();
    if (requested !== '' && !/^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$/.test(requested)) {
      session.say(ReplyCode.ArgumentSyntaxError, 'langUnsupported', { language: requested });
      return;
    }
    const language = requested === '' ? 'en' : findLanguage(session, requested);
    if (!language) {
      session.say(ReplyCode.ParameterNotImplemented, 'langUnsupported', { language: requested });
      return;
    }
    session.language = language;
    session.say(ReplyCode.CommandOkay, 'langOk', { language: language.toUpperCase() });
  },
});
