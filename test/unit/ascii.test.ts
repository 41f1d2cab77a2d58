import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import fc from 'fast-check';
import { FromNetworkLineEndings, ToNetworkLineEndings } from '../../src/data/ascii.js';

async function through(transform: NodeJS.ReadWriteStream, chunks: readonly string[]): Promise<string> {
  const out: Buffer[] = [];
  for await (const chunk of Readable.from(chunks.map((c) => Buffer.from(c, 'latin1'))).pipe(transform)) out.push(chunk as Buffer);
  return Buffer.concat(out).toString('latin1');
}

test('TYPE A out: LF becomes CRLF, an existing CRLF is not doubled, even across chunks', async () => {
  assert.equal(await through(new ToNetworkLineEndings(), ['a\nb\r\nc\n']), 'a\r\nb\r\nc\r\n');
  assert.equal(await through(new ToNetworkLineEndings(), ['a\r', '\nb', '\n', '\n']), 'a\r\nb\r\n\r\n');
  assert.equal(await through(new ToNetworkLineEndings(), ['no line end']), 'no line end');
});

test('TYPE A in: CRLF becomes LF, a CR split from its LF across chunks too; a lone CR is kept', async () => {
  assert.equal(await through(new FromNetworkLineEndings(), ['a\r\nb\r\n']), 'a\nb\n');
  assert.equal(await through(new FromNetworkLineEndings(), ['a\r', '\nb\r', '\r\n']), 'a\nb\r\n');
  assert.equal(await through(new FromNetworkLineEndings(), ['a\rb']), 'a\rb');
  assert.equal(await through(new FromNetworkLineEndings(), ['end\r']), 'end\r', 'a CR at the very end survives the flush');
  assert.equal(await through(new FromNetworkLineEndings(), ['x\r', 'y']), 'x\ry');
});

test('property: text with LF line ends survives a TYPE A round trip, however it is chunked', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(fc.constantFrom('a', 'b', '\n', ' ', 'é'), { maxLength: 60 }), fc.integer({ min: 1, max: 5 }), async (chars, size) => {
      const text = chars.join('');
      const chunks: string[] = [];
      for (let i = 0; i < text.length; i += size) chunks.push(text.slice(i, i + size));
      const wire = await through(new ToNetworkLineEndings(), chunks);
      assert.equal(wire.replace(/\r\n/g, ''), text.replace(/\n/g, ''));
      assert.ok(!/[^\r]\n|^\n/.test(wire), 'every LF on the wire follows a CR');
      const wireChunks: string[] = [];
      for (let i = 0; i < wire.length; i += size) wireChunks.push(wire.slice(i, i + size));
      assert.equal(await through(new FromNetworkLineEndings(), wireChunks), text);
    }),
  );
});
