import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FtpError, errorKind, errorToReply, isFtpError } from '../../src/errors.js';

const errno = (code: string) => Object.assign(new Error(`${code}: something, open '/srv/secret/path'`), { code });

test('every errno storage throws maps to a reply code, with a stock text that leaks nothing', () => {
  const expected: Record<string, number> = {
    ENOENT: 550, EEXIST: 550, EACCES: 550, EPERM: 550, EROFS: 550, ENOTDIR: 550, EISDIR: 550, ENOTEMPTY: 550,
    ENOSPC: 452, EDQUOT: 552, ENAMETOOLONG: 553, EINVAL: 501, ELOOP: 550, EXDEV: 502, EBUSY: 450, EAGAIN: 450, EMFILE: 450, ENFILE: 450,
  };
  for (const [code, reply] of Object.entries(expected)) {
    const { code: got, text } = errorToReply(errno(code));
    assert.equal(got, reply, code);
    assert.doesNotMatch(text, /srv|secret|E[A-Z]{3,}/, `${code}: ${text}`);
  }
});

test('anything unknown is 451 with a stock text, never the error message', () => {
  for (const error of [new Error('/etc/shadow: kaboom'), 'a string', undefined, null, 42, { code: 'EWHATEVER' }, Object.assign(new Error('x'), { code: 17 })]) {
    assert.deepEqual(errorToReply(error), { code: 451, text: 'Local error in processing.' });
  }
});

test('FtpError: kind decides the code, a public message replaces the stock text, a private one never shows', () => {
  assert.deepEqual(errorToReply(new FtpError('not-found')), { code: 550, text: 'No such file or directory.' });
  assert.deepEqual(errorToReply(new FtpError('not-found', 'internal detail /srv/x')), { code: 550, text: 'No such file or directory.' });
  assert.deepEqual(errorToReply(new FtpError('permission-denied', 'Uploads are closed today.', { public: true })), { code: 550, text: 'Uploads are closed today.' });
  assert.deepEqual(errorToReply(new FtpError('permission-denied', 'Nope.', { public: true, code: 553 })), { code: 553, text: 'Nope.' });
  assert.equal(errorToReply(new FtpError('quota-exceeded')).code, 552);
  assert.equal(errorToReply(new FtpError('no-space')).code, 452);
  assert.equal(errorToReply(new FtpError('transient')).code, 450);
  assert.equal(errorToReply(new FtpError('aborted')).code, 451);
});

test('isFtpError is a brand check: it holds across copies of the class (ESM and CJS builds) and rejects look-alikes', () => {
  const foreign = Object.assign(new Error('x'), { kind: 'not-found' });
  Object.defineProperty(foreign, Symbol.for('ftpkit.FtpError'), { value: true });
  assert.equal(isFtpError(foreign), true);
  assert.equal(isFtpError({ kind: 'not-found' }), false);
  assert.equal(isFtpError(null), false);
  assert.equal(isFtpError(new FtpError('exists')), true);
});

test('errorKind: FtpError kind, errno mapping, AbortError', () => {
  assert.equal(errorKind(new FtpError('exists')), 'exists');
  assert.equal(errorKind(errno('ENOENT')), 'not-found');
  assert.equal(errorKind(Object.assign(new Error('aborted'), { name: 'AbortError' })), 'aborted');
  assert.equal(errorKind(new Error('plain')), undefined);
});
