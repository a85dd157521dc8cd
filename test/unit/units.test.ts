import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatDuration, formatSize, parseNginxSize, parseNginxSizeT, parseNginxTime } from '../../server/src/core/model/units';
import { atLeast, parseVersion } from '../../server/src/core/model/version';

test('nginx times: bare seconds, units, combinations, and rejects', () => {
  const ms = (t: string) => parseNginxTime(t, 'msec');
  assert.equal(ms('90'), 90_000);
  assert.equal(ms('90s'), 90_000);
  assert.equal(ms('1m30s'), 90_000);
  assert.equal(ms('500ms'), 500);
  assert.equal(ms('1h'), 3_600_000);
  assert.equal(ms('1d2h'), 93_600_000);
  for (const bad of ['', 's', '1x', '30s1m', '1m1m', '-5', '1.5s', '5 s']) assert.equal(ms(bad), null, bad);
});

test('nginx times: a number without a unit after the units counts seconds, as ngx_parse_time reads it', () => {
  assert.equal(parseNginxTime('1h30', 'msec'), 3_630_000);
  assert.equal(parseNginxTime('1h30', 'sec'), 3_630_000);
  assert.equal(parseNginxTime('1m 30', 'msec'), 90_000);
  assert.equal(parseNginxTime('5ms500', 'msec'), 500_005);
  assert.equal(parseNginxTime('0s0', 'msec'), 0);
  // A unit without digits counts nothing, but some digit must be there.
  assert.equal(parseNginxTime('s5', 'msec'), 5000);
  assert.equal(parseNginxTime('s', 'msec'), null);
});

// nginx -t 1.22.1 takes "5 " and "7 1" (a blank ends a number of seconds) but not "5 s", "1s5 " or "7 1 ".
test('nginx times: a blank after a number makes it seconds, before any "s" and once', () => {
  assert.equal(parseNginxTime('5 ', 'msec'), 5000);
  assert.equal(parseNginxTime(' 7', 'msec'), 7000);
  assert.equal(parseNginxTime('7 1', 'msec'), 8000);
  assert.equal(parseNginxTime('7 1', 'sec'), 8000);
  assert.equal(parseNginxTime('1m5 ', 'msec'), 65_000);
  for (const bad of ['5 s', '5 ms', '1s5 ', '5ms1 ', '7 1 ', '5 1s', ' ']) assert.equal(parseNginxTime(bad, 'msec'), null, bad);
});

// What nginx 1.22.1 -t said for proxy_read_timeout (milliseconds) and ssl_session_timeout (seconds); the server test
// test/servers/nginx-time.test.ts asks the real nginx again for these and many more.
test('nginx times as nginx reads them: what a timeout line accepts and refuses', () => {
  for (const ok of ['5', '0', '5s', '30m', '1h', '1d', '1w', '500ms', '1m30s', '1m 30s', '1h30', '5ms500', '10m1', '2147484s', '1m '])
    assert.notEqual(parseNginxTime(ok, 'msec'), null, ok);
  for (const bad of ['5x', '5S', '1M', '1y', '1.5s', '-1', 's', '', '99999999999999999', '1s1s', '1m1h', '5sec', '$t', '10MS', ' 5s', '5 s'])
    assert.equal(parseNginxTime(bad, 'msec'), null, bad);
  // In seconds, years and months are allowed and milliseconds are not.
  assert.equal(parseNginxTime('1y', 'sec'), 31_536_000_000);
  assert.equal(parseNginxTime('1M2w', 'sec'), (2_592_000 + 2 * 604_800) * 1000);
  assert.equal(parseNginxTime('500ms', 'sec'), null);
  assert.equal(parseNginxTime('1y1y', 'sec'), null);
});

test("nginx times: the 64-bit limit is exact, in the form's own unit", () => {
  const max = 2n ** 63n - 1n;
  // Seconds: the total is counted in seconds.
  assert.equal(parseNginxTime(String(max), 'sec'), Number(max * 1000n));
  assert.equal(parseNginxTime(String(max + 1n), 'sec'), null);
  assert.equal(parseNginxTime(`1s${max - 1n}`, 'sec'), Number(max * 1000n));
  assert.equal(parseNginxTime(`2s${max - 1n}`, 'sec'), null);
  // Milliseconds: a bare number is multiplied by 1000 first; "ms" is not.
  assert.equal(parseNginxTime(`${max}ms`, 'msec'), Number(max));
  assert.equal(parseNginxTime(`${max + 1n}ms`, 'msec'), null);
  assert.equal(parseNginxTime(String(max / 1000n), 'msec'), Number((max / 1000n) * 1000n));
  assert.equal(parseNginxTime(String(max / 1000n + 1n), 'msec'), null);
  assert.equal(parseNginxTime(`1s${max - 1000n}ms`, 'msec'), Number(max));
  assert.equal(parseNginxTime(`1s${max - 999n}ms`, 'msec'), null);
  // Digits far past the limit, and totals past 2^53 that are still times.
  assert.equal(parseNginxTime('9'.repeat(400), 'msec'), null);
  assert.equal(parseNginxTime('9007199254740993ms', 'msec'), 9007199254740992);
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

test('nginx size_t sizes (ngx_parse_size): k and m only, nothing past 63 bits; limits as nginx 1.22.1 -t drew them', () => {
  assert.equal(parseNginxSizeT('16k'), 16384);
  assert.equal(parseNginxSizeT('2048m'), 2048 * 1048576);
  assert.equal(parseNginxSizeT('0'), 0);
  // "proxy_max_temp_file_size 1g" and "proxy_buffer_size 99999999999999999999k": "directive invalid value".
  assert.equal(parseNginxSizeT('1g'), null);
  assert.equal(parseNginxSizeT('99999999999999999999k'), null);
  assert.equal(parseNginxSizeT('k'), null);
  // (2^63 − 1) / 1024 = 9007199254740991: nginx reads that many k, and refuses one more.
  assert.notEqual(parseNginxSizeT('9007199254740991k'), null);
  assert.equal(parseNginxSizeT('9007199254740992k'), null);
  assert.notEqual(parseNginxSizeT('9223372036854775807'), null);
  assert.equal(parseNginxSizeT('9223372036854775808'), null);
});
