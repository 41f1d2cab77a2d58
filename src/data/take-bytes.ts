import { Readable } from 'node:stream';

/**
 * The first `limit` bytes of `source`, as a stream that stops reading the
 * source once it has them (RETR of a RANG range does not read the rest).
 * Iterating the source, rather than piping into a step, is what lets it end
 * early: leaving the loop destroys the source instead of waiting for it.
 */
export function takeBytes(source: Readable, limit: number): Readable {
  return Readable.from(
    (async function* () {
      let remaining = limit;
      if (remaining <= 0) return;
      for await (const chunk of source as AsyncIterable<Buffer>) {
        if (chunk.length >= remaining) {
          yield chunk.subarray(0, remaining);
          return;
        }
        remaining -= chunk.length;
        yield chunk;
      }
    })(),
    { objectMode: false },
  );
}
