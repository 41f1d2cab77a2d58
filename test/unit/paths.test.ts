import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { isFtpError } from '../../src/errors.js';
import { baseName, isWithin, joinPath, parentPath, resolvePath } from '../../src/session/paths.js';

test('relative and absolute paths resolve against the working directory', () => {
  assert.equal(resolvePath('/', 'a.txt'), '/a.txt');
  assert.equal(resolvePath('/docs', 'a.txt'), '/docs/a.txt');
  assert.equal(resolvePath('/docs', '/a.txt'), '/a.txt');
  assert.equal(resolvePath('/docs', '.'), '/docs');
  assert.equal(resolvePath('/docs', './sub/../b'), '/docs/b');
});

test('".." never climbs above "/"', () => {
  assert.equal(resolvePath('/', '..'), '/');
  assert.equal(resolvePath('/a', '../../../../etc/passwd'), '/etc/passwd');
  assert.equal(resolvePath('/a/b', '/../..'), '/');
});

test('"//", trailing slashes and backslashes are normalized', () => {
  assert.equal(resolvePath('/', '//a///b//'), '/a/b');
  assert.equal(resolvePath('/', 'a\\b'), '/a/b');
  assert.equal(resolvePath('/x', '..\\..\\..\\windows'), '/windows');
  assert.equal(resolvePath('/', '\\\\server\\share'), '/server/share');
});

test('NUL, CR and LF in a path are refused with name-not-allowed', () => {
  for (const bad of ['a\0b', 'a\rb', 'a\nb', '\0']) {
    assert.throws(() => resolvePath('/', bad), (e: unknown) => isFtpError(e) && e.kind === 'name-not-allowed' && e.publicMessage !== undefined);
  }
});

test('over-long names and paths are refused before any storage call', () => {
  assert.throws(() => resolvePath('/', 'x'.repeat(256)), (e: unknown) => isFtpError(e) && e.kind === 'name-not-allowed');
  assert.throws(() => resolvePath('/', 'a/'.repeat(3000)), (e: unknown) => isFtpError(e) && e.kind === 'name-not-allowed');
  assert.equal(resolvePath('/', 'x'.repeat(255)), '/' + 'x'.repeat(255));
});

test('parentPath, baseName, joinPath, isWithin', () => {
  assert.equal(parentPath('/a/b'), '/a');
  assert.equal(parentPath('/a'), '/');
  assert.equal(parentPath('/'), '/');
  assert.equal(baseName('/a/b.txt'), 'b.txt');
  assert.equal(baseName('/'), '');
  assert.equal(joinPath('/', 'a'), '/a');
  assert.equal(joinPath('/a', 'b'), '/a/b');
  assert.equal(isWithin('/a/b', '/a'), true);
  assert.equal(isWithin('/a', '/a'), true);
  assert.equal(isWithin('/ab', '/a'), false);
  assert.equal(isWithin('/anything', '/'), true);
});

test('property: any argument resolves to a normalized absolute path with no "." or ".." segment', () => {
  const segment = fc.constantFrom('..', '.', '', 'a', 'b c', 'ü', '\\', '...', '..\\..');
  fc.assert(
    fc.property(fc.array(segment, { maxLength: 12 }), fc.boolean(), (parts, absolute) => {
      const path = resolvePath('/x/y', (absolute ? '/' : '') + parts.join('/'));
      assert.ok(path.startsWith('/'));
      assert.ok(path === '/' || !path.endsWith('/'));
      assert.ok(!path.includes('//'));
      assert.ok(!path.includes('\\'));
      for (const s of path.split('/').slice(1)) assert.ok(s !== '.' && s !== '..', path);
    }),
  );
});
