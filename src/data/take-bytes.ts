import { Duplex } from 'node:stream';

/**
 * A pipeline step that passes the first `limit` bytes and then stops reading,
 * which ends the source early (RETR of a RANG range does not read the rest).
 */
export function takeBytes(limit: number): Duplex {
  return Duplex.from(async function* (source: AsyncIterable<Buffer>) {
    let remaining = limit;
    if (remaining <= 0) return;
    for await (const chunk of source) {
      if (chunk.length >= remaining) {
        yield chunk.subarray(0, remaining);
        return;
      }
      remaining -= chunk.length;
      yield chunk;
    }
  });
}
