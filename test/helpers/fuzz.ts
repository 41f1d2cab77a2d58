import fc, { type IAsyncProperty, type IProperty, type Parameters as FcParameters } from 'fast-check';

/**
 * Fuzz runs are bounded (CI stays fast) and reproducible: fast-check prints the
 * seed and path of a failure; replay it with FTPKIT_FUZZ_SEED=<seed> (and
 * FTPKIT_FUZZ_PATH=<path>). FTPKIT_FUZZ_RUNS multiplies every run count for a
 * longer local hunt (e.g. FTPKIT_FUZZ_RUNS=20).
 */
export function fuzzParameters<T>(runs: number): FcParameters<T> {
  const seed = process.env.FTPKIT_FUZZ_SEED;
  const path = process.env.FTPKIT_FUZZ_PATH;
  const factor = Number(process.env.FTPKIT_FUZZ_RUNS ?? 1);
  return {
    numRuns: Math.max(1, Math.round(runs * (Number.isFinite(factor) && factor > 0 ? factor : 1))),
    ...(seed !== undefined ? { seed: Number(seed) } : {}),
    ...(path !== undefined ? { path } : {}),
    // Shrinking replays whole sessions; keep it short so a failure reports quickly.
    endOnFailure: process.env.FTPKIT_FUZZ_SHRINK === undefined,
  };
}

/**
 * fc.assert with `fuzzParameters`, and the failure's own error in the message
 * (fast-check keeps it in `cause`, which the test report does not show).
 */
export async function checkProperty<T>(property: IAsyncProperty<T> | IProperty<T>, runs: number): Promise<void> {
  try {
    await fc.assert(property as IAsyncProperty<T>, fuzzParameters<T>(runs));
  } catch (error) {
    const cause = (error as Error).cause;
    const why = cause instanceof Error ? (cause.stack ?? cause.message) : String(cause);
    throw new Error(`${(error as Error).message.split('\nHint:')[0]}\ncaused by: ${why.slice(0, 4000)}`);
  }
}

export interface ParsedReply {
  code: number;
  lines: string[];
}

/**
 * Splits what a server sent into RFC 959 replies and fails on anything that is
 * not one: every line ends with CRLF (no bare CR or LF anywhere), a reply starts
 * with a code whose first digit is 1-5 and second 0-5, followed by a space (one
 * line) or a hyphen (several lines, ended by a line starting with the same code
 * and a space). Returns the replies and the unfinished rest (a partial line or
 * an open multi-line reply).
 */
export function parseReplies(text: string): { replies: ParsedReply[]; rest: string } {
  const replies: ParsedReply[] = [];
  let offset = 0;
  let open: ParsedReply | undefined;
  let openAt = 0;
  for (;;) {
    const end = text.indexOf('\r\n', offset);
    if (end === -1) break;
    const line = text.slice(offset, end);
    if (line.includes('\r') || line.includes('\n')) throw new Error(`bare CR or LF inside a reply line: ${JSON.stringify(line)}`);
    offset = end + 2;
    if (open) {
      open.lines.push(line);
      if (line.startsWith(`${open.code} `)) {
        replies.push(open);
        open = undefined;
      }
      continue;
    }
    const match = /^([1-5][0-5]\d)([ -])/.exec(line);
    if (!match) throw new Error(`not the start of a reply: ${JSON.stringify(line)}`);
    const reply = { code: Number(match[1]), lines: [line] };
    if (match[2] === ' ') replies.push(reply);
    else {
      open = reply;
      openAt = offset - line.length - 2;
    }
  }
  const tail = text.slice(offset);
  if (tail.includes('\n')) throw new Error(`bare LF in the reply stream: ${JSON.stringify(tail)}`);
  return { replies, rest: open ? text.slice(openAt) : tail };
}
