import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { AddressList, FtpOptionsError, FtpServer, MemoryFileSystem, VERSION } from '../../src/index.js';
import { FailureLog } from '../../src/security/failure-log.js';

test('AddressList: IPv4 and IPv6 ranges, single addresses, v4-mapped both ways', () => {
  const list = new AddressList(['10.0.0.0/8', '192.0.2.7', '2001:db8::/32', '::1', '::ffff:172.16.0.0/108']);
  assert.deepEqual(list.invalid, []);
  for (const inside of ['10.1.2.3', '::ffff:10.1.2.3', '::FFFF:0a01:0203', '192.0.2.7', '2001:db8:1::5', '2001:0db8:0000::1', '::1', '0:0::1', '172.16.5.5', 'fe80::1%eth0'.replace('fe80::1', '::1')]) {
    assert.ok(list.includes(inside), `${inside} is inside`);
  }
  for (const outside of ['11.0.0.1', '192.0.2.8', '2001:db9::1', '::2', '172.32.0.1', '', 'not-an-address', undefined]) {
    assert.ok(!list.includes(outside), `${String(outside)} is outside`);
  }
});

test('AddressList: entries that do not parse match nothing and are reported', () => {
  const list = new AddressList(['10.0.0.0/33', 'example.com', '1.2.3.4/x', '::/129', '127.1', '0.0.0.0/0']);
  assert.deepEqual(list.invalid, ['10.0.0.0/33', 'example.com', '1.2.3.4/x', '::/129', '127.1']);
  assert.ok(list.includes('203.0.113.9'), '0.0.0.0/0 is every IPv4 address');
  assert.ok(!list.includes('2001:db8::1'), 'but no IPv6 address');
  assert.ok(!new AddressList(['bogus']).includes('127.0.0.1'));
});

test('FailureLog: locks after the threshold inside the window, expires, stays bounded', () => {
  let now = 1_000_000;
  const log = new FailureLog(3, 1000, 5000, () => now);
  assert.equal(log.record('a'), false);
  now += 600;
  assert.equal(log.record('a'), false);
  now += 600; // the first failure left the window
  assert.equal(log.record('a'), false);
  assert.equal(log.isLocked('a'), false);
  assert.equal(log.record('a'), true, 'three failures within one second lock');
  assert.equal(log.isLocked('a'), true);
  assert.equal(log.isLocked('b'), false);
  log.clear('a');
  assert.equal(log.isLocked('a'), true, 'a success does not lift a lockout');
  now += 5001;
  assert.equal(log.isLocked('a'), false, 'the lockout expires');
  for (let i = 0; i < 60_000; i++) log.record(`k${i}`);
  assert.ok(log.size <= 50_000, `at most 50,000 keys (${log.size})`);
  assert.equal(new FailureLog(Infinity, 1000, 1000).record('x'), false, 'threshold Infinity never locks');
});

test('security options: defaults, off switches and one aggregated error', () => {
  const fs = new MemoryFileSystem();
  const users = [{ username: 'u', password: 'p' }];
  const defaults = new FtpServer({ filesystem: fs, users }).options;
  assert.deepEqual(defaults.limits, { maxConnections: 2000, maxConnectionsPerAddress: 64 });
  assert.deepEqual(defaults.loginThrottle, { delay: 1000, maxAttempts: 3, lockout: { perAddress: 10, perUser: 10, window: 900_000, duration: 900_000 } });
  assert.deepEqual(defaults.antiFlood, { commandsPerSecond: 50, afterLogin: false, banDuration: 60_000 });
  assert.equal(defaults.greetingVersion, false);
  assert.equal(defaults.active.enabled, true);
  assert.equal(defaults.active.allowAnyAddress, false);
  assert.equal(defaults.active.allowLowPorts, false);
  assert.equal(defaults.passive.allowAnyAddress, false);

  const off = new FtpServer({ filesystem: fs, users, loginThrottle: false, antiFlood: false, limits: { maxConnections: 0, maxConnectionsPerAddress: 0 } }).options;
  assert.equal(off.loginThrottle.delay, 0);
  assert.equal(off.loginThrottle.maxAttempts, Infinity);
  assert.equal(off.loginThrottle.lockout.perAddress, Infinity);
  assert.equal(off.antiFlood.commandsPerSecond, Infinity);
  assert.equal(off.limits.maxConnections, Infinity);

  assert.throws(
    () => new FtpServer({ filesystem: fs, users, limits: { maxConnections: -1 }, loginThrottle: { delay: -5, lockout: { window: 0 } }, antiFlood: { commandsPerSecond: 1.5 } }),
    (error: unknown) => {
      assert.ok(error instanceof FtpOptionsError);
      assert.equal(error.problems.length, 4, error.problems.join('; '));
      return true;
    },
  );
});

test('VERSION matches package.json', () => {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  assert.equal(VERSION, pkg.version);
});
