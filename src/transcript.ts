import type { FtpServerEvents, GuardedEmitter } from './events.js';
import type { SessionInfo } from './session/info.js';

/**
 * A FileZilla-Server-style transcript, one line per command and reply:
 * `(000001) 2026-11-25 14:27:07 - alice (127.0.0.1)> RETR a.txt`.
 * PASS is already redacted in the command event.
 */
export function attachTranscript(server: GuardedEmitter<FtpServerEvents>, write: (line: string) => void): void {
  const line = (session: SessionInfo, arrow: '>' | '<' | '-', text: string) => {
    const time = new Date().toISOString().replace('T', ' ').slice(0, 19);
    const who = session.user?.username ?? session.username ?? '(not logged in)';
    try {
      write(`(${session.id}) ${time} - ${who} (${session.remoteAddress})${arrow} ${text}`);
    } catch {
      // A failing transcript sink must not break the session.
    }
  };
  server.on('connection', ({ session }) => line(session, '-', 'Connected'));
  server.on('command', ({ session, command, argument }) => line(session, '>', argument === '' ? command : `${command} ${argument}`));
  server.on('reply', ({ session, code, text }) => {
    for (const part of text.split('\n')) line(session, '<', `${code} ${part}`);
  });
  server.on('transferProgress', ({ session, command, path, bytes }) => line(session, '-', `${command} ${path}: ${bytes} bytes so far`));
  server.on('disconnect', ({ session, reason }) => line(session, '-', `Disconnected (${reason})`));
}
