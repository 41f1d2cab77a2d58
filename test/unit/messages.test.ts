import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fillMessage } from '../../src/protocol/messages.js';

test('fillMessage fills every placeholder, repeated or adjacent, and keeps the rest of the text', () => {
  assert.equal(fillMessage('User {user} logged in.', { user: 'ann' }), 'User ann logged in.');
  assert.equal(fillMessage('{a}{b} and {a}', { a: 1, b: 'x' }), '1x and 1');
  assert.equal(fillMessage('{a}', { a: '' }), '');
  // The same template again (split once, then reused) with other values.
  assert.equal(fillMessage('User {user} logged in.', { user: 'bob' }), 'User bob logged in.');
});

test('fillMessage leaves unknown placeholders, inherited names and text without parameters as they are', () => {
  assert.equal(fillMessage('Hello {who}, {what}.', { who: 'ann' }), 'Hello ann, {what}.');
  assert.equal(fillMessage('{constructor} {toString}', {}), '{constructor} {toString}');
  assert.equal(fillMessage('No {placeholders} filled.'), 'No {placeholders} filled.');
  assert.equal(fillMessage('{not a name} {x-y}', { x: 1 }), '{not a name} {x-y}');
  assert.equal(fillMessage('$& $1 {a}', { a: '$&' }), '$& $1 $&');
});
