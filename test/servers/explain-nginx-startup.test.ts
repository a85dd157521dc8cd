// explain on what the real nginx 1.22.1 says when it refuses a configuration (`nginx -t`, a failed reload): each
// [emerg] line is known, said to be a start-up failure, and names the rule that catches its cause; and that rule
// reports the configuration nginx refused. Before, only "host not found in upstream" was known, and the lines an
// on-call engineer pastes after a failed reload were "not known to proxylint".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { explainLogLine } from '../../server/src/core/explain/log-patterns';
import { lintText, nginxTestText, requireBinary } from '../helpers';
import { parseVersion } from '../../server/src/core/model/version';

requireBinary('nginx');

const http = (body: string) => `events {}\nhttp {\n${body}\n}\n`;
const loc = (lines: string) => http(`server {\n    listen 127.0.0.1:18810;\n    location / {\n        ${lines}\n    }\n}`);

const CASES: [string, string, string][] = [
  ['nginx-buffer-arithmetic', loc('proxy_buffer_size 16k;\n        proxy_pass http://127.0.0.1:18811;'), 'buffer-size-arithmetic'],
  ['nginx-buffer-arithmetic', loc('proxy_buffers 1 4k;\n        proxy_pass http://127.0.0.1:18811;'), 'buffer-size-arithmetic'],
  ['nginx-invalid-upstream-address', loc('proxy_pass http://127.0.0.1:99999;'), 'invalid-upstream-address'],
  ['nginx-invalid-upstream-address', loc('grpc_pass http://grpcapp;'), 'pass-scheme-mismatch'],
  ['nginx-invalid-url-prefix', loc('proxy_pass ftp://127.0.0.1:18811;'), 'pass-scheme-mismatch'],
  ['nginx-uri-part-not-allowed', http('upstream app { server 127.0.0.1:18811; }\nserver {\n    listen 127.0.0.1:18810;\n    location ~ ^/api {\n        proxy_pass http://app/v1/;\n    }\n}'), 'uri-part-not-allowed'],
  ['nginx-unknown-directive', loc('grpc_buffers 8 4k;\n        grpc_pass 127.0.0.1:18811;'), 'unknown-directive'],
  // An NGINX Plus directive on open source nginx: the same [emerg] line, caught by plus-only-directive.
  ['nginx-unknown-directive', loc('api write=on;'), 'plus-only-directive'],
  ['nginx-unknown-directive', http('upstream app { zone app 64k; server 127.0.0.1:18811; health_check; }'), 'health-check-requires-plus'],
  // A stream directive in an http location, the stream module not loaded: nginx does not know the name at all.
  ['nginx-unknown-directive', loc('proxy_timeout 60s;\n        proxy_pass http://127.0.0.1:18811;'), 'directive-not-allowed-here'],
  // A server parameter nginx does not take: NGINX Plus's slow_start= (plus-only-directive quotes this very line), a
  // bad value, or resolve before 1.27.3. Before, explain said "No line explained" for all of them.
  ['nginx-invalid-parameter', http('upstream app { zone app 64k; server 127.0.0.1:18811 slow_start=30s; }'), 'plus-only-directive'],
  ['nginx-invalid-parameter', http('upstream app { server 127.0.0.1:18811 max_fails=abc; }'), 'invalid-server-parameter'],
  ['nginx-invalid-parameter', http('upstream app { zone app 64k; server 127.0.0.1:18811 resolve; }'), 'resolve-without-prerequisites'],
  ['nginx-unknown-cache-zone', loc('proxy_cache nozone;\n        proxy_pass http://127.0.0.1:18811;'), 'undefined-cache-zone'],
  ['nginx-duplicate-upstream', http('upstream app { server 127.0.0.1:18811; }\nupstream app { server 127.0.0.1:18812; }'), 'duplicate-upstream-name'],
  ['nginx-duplicate-directive', loc('proxy_read_timeout 10s;\n        proxy_read_timeout 20s;\n        proxy_pass http://127.0.0.1:18811;'), 'duplicate-directive'],
  ['nginx-directive-not-allowed', http('proxy_pass http://127.0.0.1:18811;'), 'directive-not-allowed-here'],
  ['nginx-invalid-arguments', loc('proxy_read_timeout 10s\n        proxy_pass http://127.0.0.1:18811;'), 'syntax-error'],
  // NGINX Plus parameters of open source directives: each error names something else (the word read as an extra
  // argument, a DNS server's name, a log level, a value). Before, the last three were "No line explained".
  ['nginx-invalid-arguments', http('limit_req_zone $binary_remote_addr zone=one:10m rate=1r/s sync;'), 'plus-only-directive'],
  ['nginx-invalid-parameter', http('proxy_cache_path /tmp/proxylint-explain-cache keys_zone=c:1m purger=on;'), 'plus-only-directive'],
  ['nginx-resolver-host-not-found', http('resolver 127.0.0.1 status_zone=dns;'), 'plus-only-directive'],
  ['nginx-invalid-log-level', http('error_log /tmp/proxylint-explain-error.log warn json;'), 'plus-only-directive'],
  ['nginx-invalid-value', http('server_tokens MyServer;'), 'plus-only-directive'],
  ['nginx-invalid-value', loc('proxy_buffering yes;\n        proxy_pass http://127.0.0.1:18811;'), 'invalid-argument-value'],
  ['nginx-unknown-variable', loc('proxy_set_header Connection $connection_upgrade;\n        proxy_pass http://127.0.0.1:18811;'), 'undefined-variable'],
  // Refusals whose cause a rule reports, but whose line explain did not know ("No line explained").
  ['nginx-no-servers-in-upstream', http('upstream app { server 127.0.0.1:18811 backup; }\nserver {\n    listen 127.0.0.1:18810;\n    location / { proxy_pass http://app; }\n}'), 'no-primary-server'],
  ['nginx-backup-with-hash', http('upstream app { hash $request_uri; server 127.0.0.1:18811; server 127.0.0.1:18812 backup; }'), 'backup-with-hash-balancing'],
  ['nginx-duplicate-listen', http('server {\n    listen 127.0.0.1:18810;\n    listen 127.0.0.1:18810;\n}'), 'listen-conflict'],
  ['nginx-duplicate-listen', http('server {\n    listen 127.0.0.1:18810 default_server;\n}\nserver {\n    listen 127.0.0.1:18810 default_server;\n}'), 'listen-conflict'],
  ['nginx-verify-without-ca', loc('proxy_ssl_verify on;\n        proxy_pass https://127.0.0.1:18811;'), 'tls-verify-without-trusted-certificate'],
  ['nginx-certificate-without-key', http('server {\n    listen 127.0.0.1:18810 ssl;\n    ssl_certificate /etc/nginx/site.pem;\n}'), 'tls-certificate-without-key'],
  ['nginx-listen-ssl-without-certificate', http('server {\n    listen 127.0.0.1:18810 ssl;\n}'), 'listen-ssl-without-certificate'],
  ['nginx-zero-size-zone', http('upstream app { zone backends; server 127.0.0.1:18811; }'), 'undefined-shared-memory-zone'],
  ['nginx-zone-other-use', http('limit_req_zone $binary_remote_addr zone=one:10m rate=1r/s;\nproxy_cache_path /tmp/proxylint-explain-cache2 keys_zone=one:10m;'), 'shared-memory-zone-conflict'],
  ['nginx-invalid-regex', http('server {\n    listen 127.0.0.1:18810;\n    location ~ ^/old/(.*$ { return 404; }\n}'), 'invalid-regex'],
  // What a hand edit at 3 a.m. most often breaks: a file not found, a ";" or a brace.
  ['nginx-include-not-found', http('include /tmp/proxylint-explain-no-such-site.conf;'), 'include-not-found'],
  ['nginx-syntax', http('server {\n    listen 127.0.0.1:18810;\n    location / {\n        proxy_pass http://127.0.0.1:18811\n    }\n}'), 'syntax-error'],
  ['nginx-syntax', http('server {\n    listen 127.0.0.1:18810;\n    location / {\n        proxy_pass http://127.0.0.1:18811;\n}'), 'syntax-error'],
  ['nginx-syntax', http('server {\n    listen 127.0.0.1:18810;\n    location / {\n        proxy_pass http://127.0.0.1:18811;\n    }\n}\n}'), 'syntax-error'],
  ['nginx-syntax', http('server {\n    listen 127.0.0.1:18810;\n    location / proxy_pass http://127.0.0.1:18811;\n}'), 'syntax-error'],
];

for (const [id, conf, rule] of CASES) {
  test(`explain knows nginx -t's [emerg] line as ${id}, and ${rule} reports its configuration`, () => {
    const t = nginxTestText(conf);
    assert.ok(!t.ok, `nginx -t accepted:\n${conf}`);
    const line = t.output.split('\n').find((l) => l.includes('[emerg]'));
    assert.ok(line, t.output);
    const e = explainLogLine(line!);
    assert.equal(e?.pattern.id, id, line);
    assert.deepEqual(e!.pattern.statuses, ['startup-failure']);
    assert.ok(e!.pattern.rules.includes(rule), `${id} names ${e!.pattern.rules.join(', ')}`);
    assert.ok(lintText(conf).findings.some((f) => f.ruleId === rule), `${rule} is silent on:\n${conf}`);
  });
}

test('explain does not take a runtime line for a start-up failure', () => {
  // The same words at [error] level come from a request (a variable pass target with a bad port): not an [emerg].
  const e = explainLogLine('2026/11/24 03:10:01 [error] 811#811: *42 invalid port in upstream "app:99999", client: 10.1.2.3, server: a, request: "GET / HTTP/1.1", host: "a"');
  assert.notEqual(e?.pattern.statuses[0], 'startup-failure');
});

// Parameters older nginx does not have, each reported by directive-not-in-target-version once nginx.version says
// 1.22.1, quoting nginx's own line; explain named only other rules (plus-only-directive, invalid-server-parameter …),
// and directive-not-in-target-version did not know listen's quic at all.
const OLDER: [string, string, string][] = [
  ['nginx-resolver-host-not-found', http('resolver 127.0.0.1 ipv4=on;'), 'host not found in resolver "ipv4=on"'],
  ['nginx-invalid-parameter', http('server {\n    listen 127.0.0.1:18812 quic;\n}'), 'invalid parameter "quic"'],
];
for (const [id, conf, said] of OLDER) {
  test(`explain's ${id} names directive-not-in-target-version, which reports ${said} on nginx 1.22.1`, () => {
    const t = nginxTestText(conf);
    assert.ok(!t.ok, `nginx -t accepted:\n${conf}`);
    const line = t.output.split('\n').find((l) => l.includes('[emerg]'))!;
    assert.ok(line.includes(said), line);
    const e = explainLogLine(line);
    assert.equal(e?.pattern.id, id, line);
    assert.ok(e!.pattern.rules.includes('directive-not-in-target-version'), e!.pattern.rules.join(', '));
    const found = lintText(conf, { settings: (s) => void (s.nginx.version = parseVersion('1.22.1')) }).findings;
    assert.ok(found.some((f) => f.ruleId === 'directive-not-in-target-version' && f.message.includes(said)), found.map((f) => f.message).join('\n'));
  });
}

// A port another socket holds: nginx -t passes (it binds nothing), and the start or restart fails with a line per
// try, then "still could not bind()". listen-address-in-use reports the case it can see (two modules of this
// configuration on one port); explain did not know the line ("No line explained").
test('explain knows "bind() … (98: Address already in use)" and "still could not bind()" from a real nginx start', async () => {
  const { createServer } = await import('node:net');
  const { spawnSync } = await import('node:child_process');
  const { mkdtempSync, rmSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const holder = createServer();
  await new Promise<void>((r) => holder.listen(0, '127.0.0.1', r));
  const port = (holder.address() as { port: number }).port;
  const dir = mkdtempSync(join(tmpdir(), 'proxylint-bind-'));
  try {
    writeFileSync(join(dir, 'nginx.conf'), `pid ${dir}/nginx.pid;\nevents {}\nhttp {\n    access_log off;\n    server {\n        listen 127.0.0.1:${port};\n    }\n}\n`);
    const r = spawnSync('nginx', ['-p', dir + '/', '-e', join(dir, 'error.log'), '-c', join(dir, 'nginx.conf'), '-g', 'daemon off;'], { encoding: 'utf8', timeout: 20_000 });
    const lines = r.stderr.split('\n').filter((l) => l.includes('[emerg]'));
    assert.ok(lines.length >= 2, r.stderr);
    for (const line of [lines[0], lines[lines.length - 1]]) {
      const e = explainLogLine(line);
      assert.equal(e?.pattern.id, 'nginx-address-in-use', line);
      assert.deepEqual(e!.pattern.statuses, ['startup-failure']);
      assert.ok(e!.pattern.rules.includes('listen-address-in-use'));
    }
    assert.match(lines[0], new RegExp(`bind\\(\\) to 127\\.0\\.0\\.1:${port} failed \\(98: Address already in use\\)`));
    assert.match(lines[lines.length - 1], /still could not bind\(\)/);
  } finally {
    holder.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

// Certificate, key and CA files nginx cannot load: no rule looks at the files, but the line is a start-up failure
// explain now says so (it was "No line explained"). nginx 1.22.1's words: BIO_new_file() for a missing file,
// PEM_read_bio_X509_AUX() for one that is not PEM.
const TLS_FILES: [string, RegExp][] = [
  [http('server {\n    listen 127.0.0.1:18810 ssl;\n    ssl_certificate /tmp/proxylint-explain-none.pem;\n    ssl_certificate_key /tmp/proxylint-explain-none.key;\n}'), /cannot load certificate "[^"]*": BIO_new_file\(\) failed/],
  [loc('proxy_pass https://127.0.0.1:18811;\n        proxy_ssl_verify on;\n        proxy_ssl_trusted_certificate /tmp/proxylint-explain-none-ca.pem;'), /SSL_CTX_load_verify_locations\("[^"]*"\) failed/],
];
for (const [conf, said] of TLS_FILES) {
  test(`explain knows nginx -t's line for a TLS file it cannot load (${said.source.slice(0, 30)}…)`, () => {
    const t = nginxTestText(conf);
    const line = t.output.split('\n').find((l) => l.includes('[emerg]'));
    assert.match(line ?? '', said, t.output);
    const e = explainLogLine(line!);
    assert.equal(e?.pattern.id, 'nginx-tls-file-unreadable', line);
    assert.deepEqual(e!.pattern.statuses, ['startup-failure']);
  });
}
