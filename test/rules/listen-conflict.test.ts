// listen-conflict and listen-ssl-without-certificate where the text alone does not decide: the target version (stream
// servers share addresses from 1.25.5 on), configurations that show which versions they are written for, fragments
// whose http block is elsewhere, includes proxylint could not read, and certificates a module picks at run time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseVersion } from '../../server/src/core/model/version';
import { lintText } from '../helpers';

const stream = (a: string, b: string) => `events {}\nstream {\n    server {\n        listen 127.0.0.1:18710;\n        ${a}proxy_pass 127.0.0.1:18720;\n    }\n    server {\n        listen 127.0.0.1:18710;\n        ${b}proxy_pass 127.0.0.1:18721;\n    }\n}\n`;
const conflicts = (text: string, version?: string, rule = 'listen-conflict', opts: Parameters<typeof lintText>[1] = {}) =>
  lintText(text, { ...opts, settings: (s) => { if (version) s.nginx.version = parseVersion(version)!; } }).findings.filter((f) => f.ruleId === rule);

test('listen-conflict: two stream servers on one address are reported before 1.25.5 only', () => {
  const text = stream('', '');
  const old = conflicts(text, '1.22.1');
  assert.equal(old.length, 1);
  assert.match(old[0].message, /^nginx will not start: duplicate "127\.0\.0\.1:18710" address and port pair/);
  assert.deepEqual(conflicts(text, '1.25.5'), []);
  const unknown = conflicts(text);
  assert.equal(unknown.length, 1);
  assert.match(unknown[0].message, /^nginx before 1\.25\.5 will not start: .*1\.25\.5 added virtual servers/);
});

test('listen-conflict: with no version set, server_name in a stream server (1.25.5+) turns the stream check off', () => {
  assert.deepEqual(conflicts(stream('server_name a.example;\n        ', 'server_name b.example;\n        ')), []);
  // A version known to be older wins: nginx 1.22.1 refuses the configuration (at server_name first, then here).
  assert.equal(conflicts(stream('server_name a.example;\n        ', ''), '1.22.1').length, 1);
});

test('listen-conflict: a snippet with default_server included in two servers is reported at the second include', () => {
  const text = 'events {}\nhttp {\n    server {\n        include snippets/listen.conf;\n    }\n    server {\n        server_name b;\n        include snippets/listen.conf;\n    }\n}\n';
  const found = conflicts(text, '1.22.1', 'listen-conflict', { files: { 'snippets/listen.conf': 'listen 127.0.0.1:18700 default_server;\n' } });
  assert.equal(found.length, 1);
  assert.equal(found[0].path, '/cfg/nginx.conf');
  assert.match(found[0].message, /a duplicate default server for 127\.0\.0\.1:18700/);
});

test('listen-conflict: host names, variables and template markup are not compared', () => {
  const text = (a: string) => `events {}\nhttp {\n    server {\n        listen ${a} default_server;\n    }\n    server {\n        listen ${a} default_server;\n    }\n}\n`;
  for (const a of ['localhost:18700', '{{ port }}', '$port', '@PORT@']) assert.deepEqual(conflicts(text(a), '1.22.1').map((f) => f.message), [], a);
  assert.equal(conflicts(text('127.0.0.1:18700'), '1.22.1').length, 1);
});

const ssl = (extra = '') => `server {\n    listen 127.0.0.1:18730 ssl;\n    ${extra}\n    return 204;\n}\n`;

test('listen-ssl-without-certificate: silent in a fragment whose http block is not in sight (it may set the certificate)', () => {
  assert.deepEqual(conflicts(ssl(), undefined, 'listen-ssl-without-certificate', { path: 'conf.d/site.conf', rootContext: 'http' }), []);
  assert.equal(conflicts(`events {}\nhttp {\n${ssl()}}\n`, undefined, 'listen-ssl-without-certificate').length, 1);
});

test('listen-ssl-without-certificate: silent where an include proxylint could not read may hold the certificate', () => {
  assert.deepEqual(conflicts(`events {}\nhttp {\n${ssl('include snippets/missing-cert.conf;')}}\n`, undefined, 'listen-ssl-without-certificate'), []);
  assert.deepEqual(conflicts(`events {}\nhttp {\n    include conf.d/missing.conf;\n${ssl()}}\n`, undefined, 'listen-ssl-without-certificate'), []);
  // An include that was read and holds no certificate changes nothing.
  const found = conflicts(`events {}\nhttp {\n${ssl('include snippets/params.conf;')}}\n`, undefined, 'listen-ssl-without-certificate', { files: { 'snippets/params.conf': 'ssl_protocols TLSv1.2 TLSv1.3;\n' } });
  assert.equal(found.length, 1);
});

test('listen-ssl-without-certificate: silent where a module picks the certificate (ssl_certificate_by_lua_block)', () => {
  assert.deepEqual(conflicts(`events {}\nhttp {\n${ssl('ssl_certificate_by_lua_block { ngx.log(ngx.INFO, "sni") }')}}\n`, undefined, 'listen-ssl-without-certificate'), []);
  assert.equal(conflicts(`events {}\nhttp {\n${ssl('ssl_session_timeout 5m;')}}\n`, undefined, 'listen-ssl-without-certificate').length, 1);
});

test('listen-ssl-without-certificate: a server without listen may be the first on *:80, so that address is left alone', () => {
  const text = 'events {}\nhttp {\n    server {\n        ssl_certificate /etc/nginx/c.pem;\n        ssl_certificate_key /etc/nginx/c.key;\n    }\n    server {\n        listen 80 ssl;\n    }\n}\n';
  assert.deepEqual(conflicts(text, undefined, 'listen-ssl-without-certificate'), []);
  // With a listen of its own, the first server is not on *:80: the ssl server is the first there, without a certificate.
  assert.equal(conflicts(text.replace('server {\n        ssl_certificate', 'server {\n        listen 8080;\n        ssl_certificate'), undefined, 'listen-ssl-without-certificate').length, 1);
});
