import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { LineReader, ON_LINE, ON_OVERFLOW } from '../../src/session/line-reader.js';

const IAC = 0xff;
const IP = 0xf4;
const DM = 0xf2;
const WILL = 0xfb;
const SB = 0xfa;
const SE = 0xf0;

function reader(max = 100) {
  const lines: string[] = [];
  const overflows: number[] = [];
  const r = new LineReader(max, { [ON_LINE]: (l: string) => lines.push(l), [ON_OVERFLOW]: (n: number) => overflows.push(n) });
  return { r, lines, overflows, push: (...chunks: (string | number[] | Buffer)[]) => chunks.forEach((c) => r.push(typeof c === 'string' ? Buffer.from(c, 'latin1') : Buffer.from(c))) };
}

test('line ends: CRLF, bare LF and bare CR each end a line; a CRLF split across chunks is one line end', () => {
  const { lines, push } = reader();
  push('USER a\r\nPASS b\nNOOP\rPWD\r', '\nSYST\r\n');
  assert.deepEqual(lines, ['USER a', 'PASS b', 'NOOP', 'PWD', 'SYST']);
});

test('ftplib abort: only "ABOR\\r" arrives when the urgent LF went out of band', () => {
  const { lines, push } = reader();
  push('ABOR\r');
  assert.deepEqual(lines, ['ABOR']);
  push('NOOP\r\n');
  assert.deepEqual(lines, ['ABOR', 'NOOP']);
});

test('a command byte by byte, and many commands in one chunk', () => {
  const { lines, push } = reader();
  for (const ch of 'RETR file.txt\r\n') push(ch);
  push('NOOP\r\nNOOP\r\nQUIT\r\n');
  assert.deepEqual(lines, ['RETR file.txt', 'NOOP', 'NOOP', 'QUIT']);
});

test('UTF-8 characters split across chunks decode whole', () => {
  const { lines, r } = reader();
  const bytes = Buffer.from('MKD 日本\r\n', 'utf8');
  for (let i = 0; i < bytes.length; i++) r.push(bytes.subarray(i, i + 1));
  assert.deepEqual(lines, ['MKD 日本']);
});

test('latin1 decoding when the session switched UTF-8 off', () => {
  const { lines, r, push } = reader();
  r.encoding = 'latin1';
  push([0x4d, 0x4b, 0x44, 0x20, 0xe9, 0x0d, 0x0a]);
  assert.deepEqual(lines, ['MKD é']);
});

test('Telnet: IAC IP IAC DM before ABOR (in band), lftp style with DM out of band, option negotiation, subnegotiation', () => {
  const { lines, push } = reader();
  push([IAC, IP, IAC, DM], 'ABOR\r\n');
  push([IAC, IP, IAC], 'ABOR\r\n'); // the DM byte was urgent data and never arrived in band
  push([IAC, WILL, 0x01], 'NOOP\r\n');
  push([IAC, SB, 0x18, 0x01, 0x41, IAC, SE], 'PWD\r\n');
  push([IAC], [IP], 'SYST\r\n'); // a sequence split across chunks
  assert.deepEqual(lines, ['ABOR', 'ABOR', 'NOOP', 'PWD', 'SYST']);
});

test('IAC IAC is a literal 0xFF byte', () => {
  const { lines, r, push } = reader();
  r.encoding = 'latin1';
  push('MKD a', [IAC, IAC], 'b\r\n');
  assert.deepEqual(lines, ['MKD a\u00ffb']);
});

test('an over-long line is dropped and reported once, with its length; the next line is read normally', () => {
  const { lines, overflows, push, r } = reader(10);
  push('X'.repeat(8), 'Y'.repeat(8), 'Z'.repeat(1000));
  assert.equal(r.pendingLength, 1016, 'the length keeps counting (for abuse detection)');
  push('\r\nNOOP\r\n');
  assert.deepEqual(overflows, [1016]);
  assert.deepEqual(lines, ['NOOP']);
  assert.equal(r.pendingLength, 0);
});

test('a line of exactly the limit is accepted', () => {
  const { lines, overflows, push } = reader(10);
  push('0123456789\r\n');
  assert.deepEqual(lines, ['0123456789']);
  assert.deepEqual(overflows, []);
});

test('property: however the bytes are chunked, the same lines come out', () => {
  const line = fc.stringMatching(/^[A-Za-z0-9 ./_-]{1,30}$/);
  fc.assert(
    fc.property(fc.array(line, { minLength: 1, maxLength: 10 }), fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1 }), fc.constantFrom('\r\n', '\n'), (input, cuts, eol) => {
      const bytes = Buffer.from(input.map((l) => l + eol).join(''), 'utf8');
      const { r, lines } = reader(1000);
      let at = 0;
      for (let i = 0; at < bytes.length; i++) {
        const size = cuts[i % cuts.length]!;
        r.push(bytes.subarray(at, at + size));
        at += size;
      }
      assert.deepEqual(lines, input);
    }),
  );
});
