import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { faultScenario } from '../helpers/fault.js';
import { checkProperty, parseReplies } from '../helpers/fuzz.js';
import { Wire } from './wire.js';

/**
 * Random bytes on the control connection, before and after login: the server
 * never crashes, everything it sends is a well-formed RFC 959 reply stream,
 * and a NOOP sent after the noise is still answered in order.
 */

const SENTINEL = '\r\n\xff\xf0\r\nNOOP\r\n'; // ends a line, closes any Telnet subnegotiation, then NOOP

/** Bytes a hostile or broken client might send: noise, Telnet, line ends, verbs, long runs. */
const fragment = fc.oneof(
  fc.uint8Array({ maxLength: 64 }),
  fc.constantFrom('\r', '\n', '\r\n', '\0', ' ', '\t', '\xff', '\xff\xff', '\xff\xf4\xff\xf2', '\xff\xfb\x01', '\xff\xfa\x18', '\xff\xf0', '\xc3\x28', '\xe2\x82'),
  fc.constantFrom('USER ', 'PASS ', 'SITE ', 'OPTS ', 'TYPE ', 'PORT ', 'EPRT ', 'REST ', 'MODE ', 'STRU ', 'HELP ', 'STAT ', 'FEAT', 'CWD ', 'MKD ', 'RNFR ', 'RNTO ', 'LANG ', 'HOST ', 'AUTH ', 'PBSZ ', 'PROT ', 'MLST ', 'SIZE ', 'HASH ', 'NOOP', 'SYST'),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.integer({ min: 100, max: 3000 }).map((n) => 'A'.repeat(n)),
);

/** Removes what would end the session on purpose (QUIT, REIN) so the sentinel is always due an answer. */
function noise(parts: (string | Uint8Array)[]): Buffer {
  const bytes = Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p))));
  return Buffer.from(bytes.toString('latin1').replace(/QUIT|REIN|ABOR/gi, 'XXXX'), 'latin1');
}

async function throwNoise(port: number, bytes: Buffer, cuts: number[], loggedIn: boolean): Promise<void> {
  const wire = await Wire.open(port);
  try {
    if (loggedIn) await wire.login();
    else await wire.until((r) => r.length >= 1);
    const before = wire.replies().length;
    let at = 0;
    for (const cut of cuts) {
      if (at >= bytes.length) break;
      wire.write(bytes.subarray(at, at + cut));
      at += cut;
    }
    if (at < bytes.length) wire.write(bytes.subarray(at));
    wire.write(SENTINEL);
    // Well-formed all along (parseReplies throws otherwise), and the sentinel answered last, in step.
    const replies = await wire.until((r) => r.length > before && r.at(-1)!.lines[0] === '200 NOOP ok.');
    if (!wire.closed) assert.equal(replies.at(-1)!.lines[0], '200 NOOP ok.');
    for (const reply of replies) assert.ok(reply.code >= 200 || reply.code === 150, `a preliminary reply without a transfer: ${reply.lines[0]}`);
  } finally {
    wire.close();
  }
}

const options = {
  files: { '/f.txt': 'x', '/d/': null },
  loginThrottle: false,
  antiFlood: false,
  timeouts: { dataConnection: 300 },
} as const;

for (const loggedIn of [false, true]) {
  test(`random bytes on the control connection ${loggedIn ? 'after' : 'before'} login: only well-formed replies, the session stays in step`, async (t) => {
    await faultScenario(t, options, async ({ port }) => {
      await checkProperty(
        fc.asyncProperty(fc.array(fragment, { maxLength: 24 }), fc.array(fc.integer({ min: 1, max: 200 }), { maxLength: 8 }), async (parts, cuts) => {
          await throwNoise(port, noise(parts), cuts, loggedIn);
        }),
        loggedIn ? 120 : 150,
      );
    });
  });
}

test('parseReplies accepts exactly RFC 959 reply streams', () => {
  // The oracle the fuzzers rely on must be able to fail.
  assert.deepEqual(parseReplies('220 ok\r\n211-a\r\n x\r\n211 end\r\n230 par').replies.map((r) => r.code), [220, 211]);
  for (const bad of ['22 short\r\n', '220 a\rb\r\n', '220 a\nb\r\n', 'hello\r\n', '620 bad\r\n', '290 bad\r\n', '220-open\r\n230 other\r\n220 x\nx\r\n']) {
    assert.throws(() => parseReplies(bad), JSON.stringify(bad));
  }
});
