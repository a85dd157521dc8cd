import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatDuration, formatSize, isValidNginxTime, parseNginxSize, parseNginxTime } from '../../server/src/core/model/units';
import { atLeast, parseVersion } from '../../server/src/core/model/version';

test('nginx times: bare seconds, units, combinations, and rejects', () => {
  assert.equal(parseNginxTime('90'), 90_000);
  assert.equal(parseNginxTime('90s'), 90_000);
  assert.equal(parseNginxTime('1m30s'), 90_000);
  assert.equal(parseNginxTime('500ms'), 500);
  assert.equal(parseNginxTime('1h'), 3_600_000);
  assert.equal(parseNginxTime('1d2h'), 93_600_000);
  for (const bad of ['', 's', '1x', '30s1m', '1m1m', '-5', '1.5s', '5 s']) assert.equal(parseNginxTime(bad), null, bad);
});

// What nginx 1.22.1 -t said for proxy_read_timeout (milliseconds) and ssl_session_timeout (seconds); the server test
// test/servers/argument-values.test.ts asks the real nginx for the time directives it knows.
test('nginx times as nginx reads them: what a timeout line accepts and refuses', () => {
  for (const ok of ['5', '0', '5s', '30m', '1h', '1d', '1w', '500ms', '1m30s', '1m 30s', '1h30', '5ms500', '10m1', '2147484s', '1m '])
    assert.equal(isValidNginxTime(ok, false), true, ok);
  for (const bad of ['5x', '5S', '1M', '1y', '1.5s', '-1', 's', '', '99999999999999999', '1s1s', '1m1h', '5sec', '$t', '10MS', ' 5s', '5 s'])
    assert.equal(isValidNginxTime(bad, false), false, bad);
  // In seconds, years and months are allowed and milliseconds are not.
  assert.equal(isValidNginxTime('1y', true), true);
  assert.equal(isValidNginxTime('1M2w', true), true);
  assert.equal(isValidNginxTime('500ms', true), false);
  assert.equal(isValidNginxTime('1y1y', true), false);
});

test('nginx sizes', () => {
  assert.equal(parseNginxSize('8k'), 8192);
  assert.equal(parseNginxSize('8K'), 8192);
  assert.equal(parseNginxSize('1m'), 1048576);
  assert.equal(parseNginxSize('4096'), 4096);
  for (const bad of ['', 'k', '1.5k', '8kb', '-1']) assert.equal(parseNginxSize(bad), null, bad);
});

test('formatting picks the largest exact unit', () => {
  assert.equal(formatDuration(90_000), '90s');
  assert.equal(formatDuration(120_000), '2m');
  assert.equal(formatDuration(500), '500ms');
  assert.equal(formatSize(16384), '16k');
  assert.equal(formatSize(1048576), '1m');
});

test('versions: unknown stays undefined so rules can stay conservative', () => {
  assert.equal(atLeast(parseVersion('1.22.1'), '1.29.7'), false);
  assert.equal(atLeast(parseVersion('1.30.0'), '1.29.7'), true);
  assert.equal(atLeast(parseVersion('1.29.7'), '1.29.7'), true);
  assert.equal(atLeast(parseVersion('unknown'), '1.29.7'), undefined);
  assert.equal(parseVersion('banana'), null);
});
