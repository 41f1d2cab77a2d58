import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatReply, quotePath } from '../../src/protocol/reply-format.js';

test('a single-line reply', () => {
  assert.equal(formatReply(200, 'Command okay.'), '200 Command okay.\r\n');
  assert.equal(formatReply(200, ''), '200 \r\n');
});

test('a multi-line reply: code-dash first line, code-space last line', () => {
  assert.equal(formatReply(211, ['Features:', ' SIZE', 'End']), '211-Features:\r\n SIZE\r\n211 End\r\n');
  assert.equal(formatReply(214, 'a\nb'), '214-a\r\n214 b\r\n');
});

test('a middle line starting with three digits is indented, so no client takes it for the end', () => {
  assert.equal(formatReply(211, ['x', '211 fake end', 'End']), '211-x\r\n 211 fake end\r\n211 End\r\n');
});

test('CR, LF and NUL inside a text cannot smuggle a second reply', () => {
  // A string with LF is several lines of the same reply: "200 injected" stays inside the 550.
  assert.equal(formatReply(550, 'bad\r\n200 injected'), '550-bad \r\n550 200 injected\r\n');
  assert.equal(formatReply(550, ['a\rb\0c']), '550 a b c\r\n');
});

test('quotePath doubles quotes (RFC 959 appendix II)', () => {
  assert.equal(quotePath('/a"b'), '"/a""b"');
  assert.equal(quotePath('/'), '"/"');
});
