import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FileStat } from '../../src/fs/types.js';
import { formatListLine, formatTimeVal, parseTimeVal } from '../../src/protocol/list-format.js';
import { DEFAULT_MLSX_FACTS, formatFacts, mlstFeatLine, selectFacts } from '../../src/protocol/mlsx.js';

const now = Date.UTC(2024, 5, 15, 12, 0, 0); // 2024-06-15 12:00:00 UTC
const file = (over: Partial<FileStat> = {}): FileStat => ({ name: 'a.txt', type: 'file', size: 1234, mtime: new Date(Date.UTC(2024, 4, 1, 9, 7)), ...over });

test('ls -l line: type, permissions, links, owner, group, size, date, name', () => {
  assert.equal(formatListLine(file(), now), '-rw-r--r--   1 ftp      ftp              1234 May  1 09:07 a.txt');
  assert.equal(
    formatListLine(file({ name: 'dir', type: 'directory', size: 0, mode: 0o750, nlink: 3, owner: 'alice', group: 'staff' }), now),
    'drwxr-x---   3 alice    staff               0 May  1 09:07 dir',
  );
  assert.match(formatListLine(file({ mode: 0o4777 }), now), /^-rwxrwxrwx /);
  assert.match(formatListLine(file({ type: 'symlink' }), now), /^l/);
  assert.match(formatListLine(file({ owner: 'a b' }), now), / a_b /, 'no space inside a column');
});

test('recent files show the time, files older than six months (or far in the future) show the year', () => {
  assert.match(formatListLine(file({ mtime: new Date(Date.UTC(2024, 0, 20, 23, 59)) }), now), / Jan 20 23:59 a\.txt$/);
  assert.match(formatListLine(file({ mtime: new Date(Date.UTC(2023, 11, 1, 8, 0)) }), now), / Dec  1  2023 a\.txt$/);
  assert.match(formatListLine(file({ mtime: new Date(Date.UTC(2001, 1, 3)) }), now), / Feb  3  2001 a\.txt$/);
  assert.match(formatListLine(file({ mtime: new Date(now + 3600_000) }), now), / Jun 15 13:00 a\.txt$/, 'clock skew of an hour');
  assert.match(formatListLine(file({ mtime: new Date(Date.UTC(2030, 0, 1)) }), now), / Jan  1  2030 a\.txt$/);
});

test('times are UTC whatever the local time zone, like MLSx facts', () => {
  const d = new Date(Date.UTC(2024, 5, 1, 0, 30));
  assert.match(formatListLine(file({ mtime: d }), now), / Jun  1 00:30 /);
  assert.equal(formatTimeVal(d), '20240601003000');
});

test('RFC 3659 time-val: formatted and parsed in UTC, milliseconds optional, garbage refused', () => {
  const d = new Date(Date.UTC(2001, 1, 3, 4, 5, 6, 789));
  assert.equal(formatTimeVal(d), '20010203040506');
  assert.equal(formatTimeVal(d, true), '20010203040506.789');
  assert.equal(formatTimeVal(new Date(Date.UTC(2001, 1, 3, 4, 5, 6)), true), '20010203040506');
  assert.equal(parseTimeVal('20010203040506.789')?.getTime(), d.getTime());
  assert.equal(parseTimeVal('20010203040506.7')?.getTime(), Date.UTC(2001, 1, 3, 4, 5, 6, 700));
  for (const bad of ['2001020304050', '20011303040506', '20010230040506', '20010203250506', 'abcd0203040506', '']) {
    assert.equal(parseTimeVal(bad), undefined, bad);
  }
});

test('MLSx facts: exact RFC 3659 syntax, UTC modify, size only for files, selected facts only', () => {
  const stat = file({ mtime: new Date(Date.UTC(2001, 1, 3, 4, 5, 6)), mode: 0o640, unique: 'u1' });
  assert.equal(formatFacts(stat, DEFAULT_MLSX_FACTS, 'rw'), 'type=file;size=1234;modify=20010203040506;perm=rw;unique=u1;UNIX.mode=0640; a.txt');
  const dir = file({ name: 'd', type: 'directory', size: 0, mode: 0o755 });
  assert.equal(formatFacts(dir, DEFAULT_MLSX_FACTS, 'el'), 'type=dir;modify=20240501090700;perm=el;UNIX.mode=0755; d');
  assert.equal(formatFacts(stat, DEFAULT_MLSX_FACTS, 'r', 'cdir'), 'type=cdir;size=1234;modify=20010203040506;perm=r;unique=u1;UNIX.mode=0640; a.txt');
  assert.equal(formatFacts(stat, selectFacts('size;TYPE;bogus;'), ''), 'type=file;size=1234; a.txt');
  assert.equal(mlstFeatLine(selectFacts('type;size')), 'MLST type*;size*;modify;perm;unique;UNIX.mode;create;');
});
