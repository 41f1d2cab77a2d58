import assert from 'node:assert/strict';
import { test } from 'node:test';
import { canonicalAddress, ftpFamily, sameAddress } from '../../src/net/address.js';

test('canonicalAddress: one spelling per address (IPv4 as is, IPv4-mapped IPv6 as IPv4, IPv6 compressed, no zone)', () => {
  assert.equal(canonicalAddress('127.0.0.1'), '127.0.0.1');
  assert.equal(canonicalAddress('::ffff:127.0.0.1'), '127.0.0.1');
  assert.equal(canonicalAddress('::FFFF:10.0.0.1'), '10.0.0.1');
  assert.equal(canonicalAddress('0:0:0:0:0:ffff:7f00:1'), '127.0.0.1');
  assert.equal(canonicalAddress('0:0::1'), '::1');
  assert.equal(canonicalAddress('2001:DB8:0:0:0:0:0:1'), '2001:db8::1');
  assert.equal(canonicalAddress('fe80::1%eth0'), 'fe80::1');
  assert.equal(canonicalAddress(''), '');
  assert.equal(canonicalAddress(undefined), '');
});

test('sameAddress and ftpFamily see through the spellings', () => {
  assert.equal(sameAddress('::ffff:192.0.2.7', '192.0.2.7'), true);
  assert.equal(sameAddress('::1', '0:0:0:0:0:0:0:1'), true);
  assert.equal(sameAddress('192.0.2.7', '192.0.2.8'), false);
  assert.equal(ftpFamily('::ffff:192.0.2.7'), 1);
  assert.equal(ftpFamily('192.0.2.7'), 1);
  assert.equal(ftpFamily('2001:db8::1'), 2);
});
