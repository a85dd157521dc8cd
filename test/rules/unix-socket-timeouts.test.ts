// A pass that reaches only UNIX sockets has no TCP handshake: nginx 1.22.1 answers a socket nobody listens on, and a
// full backlog (EAGAIN, which ngx_event_connect_peer treats as a refusal), with an immediate 502, so the
// *_connect_timeout never runs there. Rules that add the connect timeout into a wait must leave it out for such
// passes. Found linting a stock PHP-FPM vhost and a Puma group on sockets.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintText } from '../helpers';

function findings(text: string, ruleId: string, outerSeconds?: number): [number, string][] {
  const r = lintText(text, outerSeconds === undefined ? {} : { settings: (s) => (s.environment.outerIdleTimeoutMs = outerSeconds * 1000) });
  return r.findings.filter((f) => f.ruleId === ruleId).map((f) => [r.at(f).line, f.message]);
}

const conf = (servers: string[], lines: string[]) =>
  [
    'events {}',
    'http {',
    `    upstream app { ${servers.map((s) => `server ${s};`).join(' ')} }`,
    '    server {',
    '        listen 127.0.0.1:18700;',
    '        location / {',
    ...lines.map((l) => `            ${l}`),
    '            proxy_pass http://app;',
    '        }',
    '    }',
    '}',
    '',
  ].join('\n');

const SOCKETS = ['unix:/run/app/0.sock', 'unix:/run/app/1.sock', 'unix:/run/app/2.sock'];
const TCP = ['10.0.0.1:8080', '10.0.0.2:8080', '10.0.0.3:8080'];

test('connect-timeout-above-read-timeout: silent for fastcgi_pass to a UNIX socket, reported for the same on TCP', () => {
  const php = (target: string) =>
    ['events {}', 'http {', '    server {', '        listen 127.0.0.1:18700;', '        location ~ \\.php$ {', '            fastcgi_read_timeout 10s;', `            fastcgi_pass ${target};`, '        }', '    }', '}', ''].join('\n');
  assert.deepEqual(findings(php('unix:/run/php/php-fpm.sock'), 'connect-timeout-above-read-timeout'), []);
  assert.equal(findings(php('127.0.0.1:9000'), 'connect-timeout-above-read-timeout').length, 1);
});

test('unbounded-retries: three sockets with a 20 s read timeout wait at most 1 m, not 4 m (no finding)', () => {
  assert.deepEqual(findings(conf(SOCKETS, ['proxy_read_timeout 20s;']), 'unbounded-retries'), []);
  assert.equal(findings(conf(TCP, ['proxy_read_timeout 20s;']), 'unbounded-retries').length, 1);
});

test('unbounded-retries: on sockets the worst case counts the read timeout only, and says why', () => {
  const f = findings(conf(SOCKETS, ['proxy_read_timeout 30s;']), 'unbounded-retries');
  assert.equal(f.length, 1);
  assert.match(f[0][1], /with proxy_read_timeout 30s \(connecting to a UNIX socket never waits\) a client can wait up to 1m30s /);
  assert.doesNotMatch(f[0][1], /proxy_connect_timeout/);
});

test('unbounded-retries: a group with one TCP server still counts the connect timeout', () => {
  const f = findings(conf([...SOCKETS.slice(0, 2), TCP[0]], ['proxy_read_timeout 20s;']), 'unbounded-retries');
  assert.equal(f.length, 1);
  assert.match(f[0][1], /proxy_connect_timeout 60s and proxy_read_timeout 20s a client can wait up to 4m /);
});

test('retry-budget-exceeds-outer-timeout: sockets are judged by their read timeouts alone', () => {
  // 3 × 20 s = 60 s against a 50 s load balancer: still too long, but without the 60 s connect timeout, and no
  // suggestion to shorten a connect timeout that never runs.
  const lines = ['proxy_read_timeout 20s;', 'proxy_next_upstream_tries 3;'];
  const f = findings(conf(SOCKETS, lines), 'retry-budget-exceeds-outer-timeout', 50);
  assert.equal(f.length, 1);
  assert.match(f[0][1], /each for up to 20s to read \(connecting to a UNIX socket never waits\): up to 60 s /);
  // 3 × 20 s = 60 s fits under a 70 s one; with TCP servers (3 × 80 s) it does not.
  assert.deepEqual(findings(conf(SOCKETS, lines), 'retry-budget-exceeds-outer-timeout', 70), []);
  assert.equal(findings(conf(TCP, lines), 'retry-budget-exceeds-outer-timeout', 70).length, 1);
});
