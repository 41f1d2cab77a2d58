import { errorToReply } from '../errors.js';
import { ReplyCode } from '../protocol/reply-codes.js';
import type { Session } from '../session/session.js';
import { Transfer, watchProgress } from './transfer.js';

/**
 * Runs a long command that works on the control connection only (HASH and the
 * X-digests) the way a transfer runs: while it works, ABOR, STAT, QUIT and NOOP
 * are answered at once and the idle timer is off. ABOR stops it: the command
 * answers 426 (RFC 959: the service terminated abnormally), then ABOR its 226.
 * Every reply of the command is sent here, before the job counts as finished,
 * so a QUIT waiting for it says goodbye last.
 */
export async function runControlJob(
  session: Session,
  info: { command: string; path: string },
  work: (job: Transfer) => Promise<void>,
): Promise<void> {
  const job = new Transfer({ direction: 'download', command: info.command, path: info.path, offset: 0, opening: '' });
  session.startTransfer(job);
  const watch = watchProgress(session, job);
  try {
    const running = work(job);
    running.catch(() => undefined); // settled below, or abandoned after an abort
    session.server.track?.(running);
    await Promise.race([running, job.whenAborted()]);
  } catch (error) {
    if (job.reason) {
      session.say(ReplyCode.TransferAborted, 'hashAborted');
    } else {
      const { code, text } = errorToReply(error, (key) => session.t(key));
      if (code === ReplyCode.LocalError) session.server.reportError(error, session);
      session.reply(code, text);
    }
  } finally {
    clearInterval(watch);
    job.finish();
    session.transferFinished();
  }
}
