// Rules judge times as nginx reads them (parseNginxTime, after ngx_parse_time): "1m30" is 90 s and "1s500" is 501 s
// to nginx, and rules used to skip such values as unreadable. Each line below passed nginx 1.22.1 -t when written
// (test/servers/nginx-time.test.ts checks the forms themselves).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintText } from '../helpers';

/** [line, message] of one rule's findings. */
function findings(text: string, ruleId: string): [number, string][] {
  const r = lintText(text);
  return r.findings.filter((f) => f.ruleId === ruleId).map((f) => [r.at(f).line, f.message]);
}

const site = (lines: string[]) =>
  ['events {}', 'http {', '    upstream app { server 10.0.0.1:8080; server 10.0.0.2:8080; server 10.0.0.3:8080; }', '    server {', '        listen 127.0.0.1:18700;', '        location / {', ...lines.map((l) => `            ${l}`), '            proxy_pass http://app;', '        }', '    }', '}', ''].join('\n');

test('read-timeout-too-low: "0m3" is 3 s and is reported; "1s500" is 501 s to nginx (not 1.5 s) and is not', () => {
  const low = findings(site(['proxy_read_timeout 0m3;']), 'read-timeout-too-low');
  assert.equal(low.length, 1);
  assert.equal(low[0][0], 7);
  assert.match(low[0][1], /^proxy_read_timeout 0m3: a backend that needs more than 3 s /);
  assert.deepEqual(findings(site(['proxy_read_timeout 1s500;']), 'read-timeout-too-low'), []);
  // A blank after the number is seconds as well: '2 ' is 2 s.
  assert.match(findings(site(["proxy_send_timeout '2 ';"]), 'read-timeout-too-low')[0]?.[1] ?? '', /more than 2 s/);
});

test('connect-timeout-above-os-limit: "1m30" is 90 s, past the kernel\'s 75 s', () => {
  const f = findings(site(['proxy_connect_timeout 1m30;']), 'connect-timeout-above-os-limit');
  assert.equal(f.length, 1);
  assert.equal(f[0][0], 7);
  assert.match(f[0][1], /hangs up to 90 s/);
  assert.deepEqual(findings(site(['proxy_connect_timeout 1m10;']), 'connect-timeout-above-os-limit'), []);
});

test('unbounded-retries: a location whose connect timeout is written "1m30" is judged, with that time in the message', () => {
  const f = findings(site(['proxy_connect_timeout 1m30;']), 'unbounded-retries');
  assert.equal(f.length, 1);
  assert.equal(f[0][0], 8);
  assert.match(f[0][1], /1m30/);
  // A retry limit written "0s0" is still 0: no limit.
  assert.equal(findings(site(['proxy_next_upstream_timeout 0s0;']), 'unbounded-retries').length, 1);
  // "1m30" as the limit bounds the retries.
  assert.deepEqual(findings(site(['proxy_next_upstream_timeout 1m30;']), 'unbounded-retries'), []);
});
