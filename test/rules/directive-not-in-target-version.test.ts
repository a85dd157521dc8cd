// directive-not-in-target-version: directives newer than the target nginx, or removed by it, judged only when the
// target version is set. What nginx 1.22.1 itself says for each entry of the table is test/servers/directive-versions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { applyEdits } from '../../server/src/core/fix';
import { parseVersion } from '../../server/src/core/model/version';
import type { Settings } from '../../server/src/core/settings';
import { lintText, ROOT } from '../helpers';
import { lintFixture } from './rule-harness';

const ID = 'directive-not-in-target-version';
const target = (version?: string, edition?: Settings['nginx']['edition']) => (s: Settings) => {
  if (version) s.nginx.version = parseVersion(version);
  if (edition) s.nginx.edition = edition;
};
const mine = (text: string, version?: string, edition?: Settings['nginx']['edition']) => {
  const r = lintText(text, { settings: target(version, edition) });
  return r.findings.filter((f) => f.ruleId === ID).map((f) => ({ ...r.at(f), message: f.message }));
};

const location = (line: string) => `events {}\nhttp {\n    server {\n        listen 127.0.0.1:8080;\n        location / {\n            proxy_pass http://127.0.0.1:9000;\n            ${line}\n        }\n    }\n}\n`;
const upstream = (line: string) => `events {}\nhttp {\n    upstream app {\n        server 127.0.0.1:9000;\n        ${line}\n    }\n    server {\n        listen 127.0.0.1:8080;\n        location / { proxy_pass http://app; }\n    }\n}\n`;

test(`${ID}: a directive newer than the target is reported on its name, with the version it appeared in and its page`, () => {
  assert.deepEqual(mine(location('proxy_ssl_conf_command Options PrioritizeChaCha;'), '1.18.0'), [
    {
      line: 7,
      column: 13,
      message:
        'nginx 1.18.0 will not start: "proxy_ssl_conf_command" appeared in nginx 1.19.4 ([emerg] unknown directive "proxy_ssl_conf_command"); remove the line or upgrade nginx; see https://nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_ssl_conf_command',
    },
  ]);
  // The release it appeared in, and any later one, has it.
  assert.deepEqual(mine(location('proxy_ssl_conf_command Options PrioritizeChaCha;'), '1.19.4'), []);
  assert.deepEqual(mine(location('proxy_ssl_conf_command Options PrioritizeChaCha;'), '1.22.1'), []);
});

test(`${ID}: with no target version, or for NGINX Plus, nothing is said`, () => {
  for (const line of ['proxy_pass_trailers on;', 'proxy_ssl_certificate_cache max=10;']) {
    assert.deepEqual(mine(location(line)), []);
    assert.deepEqual(mine(location(line), '1.22.1', 'plus'), []);
    assert.equal(mine(location(line), '1.22.1', 'oss').length, 1);
    assert.equal(mine(location(line), '1.22.1', 'unknown').length, 1);
  }
});

test(`${ID}: a name older elsewhere is "not allowed here" in an upstream block before its version there`, () => {
  assert.deepEqual(mine(upstream('keepalive_timeout 30s;'), '1.14.2'), [
    {
      line: 5,
      column: 9,
      message:
        'nginx 1.14.2 will not start: "keepalive_timeout" is allowed in an "upstream" block only from nginx 1.15.3 on ([emerg] "keepalive_timeout" directive is not allowed here); remove the line or upgrade nginx; see https://nginx.org/en/docs/http/ngx_http_upstream_module.html#keepalive_timeout',
    },
  ]);
  assert.deepEqual(mine(upstream('keepalive_timeout 30s;'), '1.15.3'), []);
  // In http, server and location the name is as old as nginx's keep-alive.
  assert.deepEqual(mine(location('keepalive_timeout 30s;'), '1.14.2'), []);
  assert.equal(mine(upstream('resolver 127.0.0.53;'), '1.27.2').length, 1);
  assert.deepEqual(mine(upstream('resolver 127.0.0.53;'), '1.27.3'), []);
  assert.deepEqual(mine(location('resolver 127.0.0.53;'), '1.18.0'), []);
});

test(`${ID}: "ssl on" is reported from 1.25.1, which removed it, and not before`, () => {
  const text = 'events {}\nhttp {\n    server {\n        listen 127.0.0.1:443;\n        ssl on;\n        ssl_certificate a.pem;\n        ssl_certificate_key a.key;\n    }\n}\n';
  assert.deepEqual(mine(text, '1.24.0'), []);
  assert.deepEqual(mine(text, '1.25.1'), [
    {
      line: 5,
      column: 9,
      message:
        'nginx 1.25.1 will not start: "ssl" was removed in nginx 1.25.1 ([emerg] unknown directive "ssl"); use the "ssl" parameter of the listen lines instead; see https://nginx.org/en/docs/http/ngx_http_ssl_module.html#ssl',
    },
  ]);
  const fixture = lintFixture(join(ROOT, 'test/rules/nginx', ID, 'removed.conf'));
  assert.deepEqual(fixture.findings.filter((f) => f.ruleId === ID).map((f) => fixture.text.slice(0, f.start).split('\n').length), [7]);
});

const streamServer = (line: string) => `events {}\nstream {\n    server {\n        listen 127.0.0.1:9001;\n        proxy_pass 127.0.0.1:9002;\n        ${line}\n    }\n}\n`;

test(`${ID}: a stream block's directives are judged by the stream versions, not the http ones`, () => {
  // Stream's proxy_socket_keepalive has its own page (1.15.6, as in http); proxy_half_close exists in stream only (1.21.4).
  const [keepalive] = mine(streamServer('proxy_socket_keepalive on;'), '1.14.2');
  assert.match(keepalive.message, /"proxy_socket_keepalive" appeared in nginx 1\.15\.6 \(\[emerg\] unknown directive "proxy_socket_keepalive"\).*ngx_stream_proxy_module\.html#proxy_socket_keepalive$/);
  assert.deepEqual(mine(streamServer('proxy_socket_keepalive on;'), '1.15.6'), []);
  assert.equal(mine(streamServer('proxy_half_close on;'), '1.18.0').length, 1);
  assert.deepEqual(mine(streamServer('proxy_half_close on;'), '1.22.1'), []);
  // http has had set and resolver for long: before their stream versions nginx knows the name and says "not allowed here".
  assert.match(mine(streamServer('set $x 1;'), '1.18.0')[0].message, /"set" is allowed in .* only from nginx 1\.19\.3 on \(\[emerg\] "set" directive is not allowed here\)/);
  assert.deepEqual(mine(streamServer('set $x 1;'), '1.19.3'), []);
  // The upstream block's resolver (1.27.3) is http's; stream's has been there since 1.11.3.
  assert.deepEqual(mine(streamServer('resolver 127.0.0.53;'), '1.18.0'), []);
});

test(`${ID}: a stream upstream block is its own part: stream's resolver (1.11.3) says nothing about it`, () => {
  const text = 'events {}\nstream {\n    upstream u {\n        server 127.0.0.1:9002 max_conns=10;\n        random;\n        resolver 127.0.0.53;\n    }\n}\n';
  assert.deepEqual(mine(text, '1.22.1'), []);
  assert.deepEqual(
    mine(text, '1.11.4').map((f) => f.line),
    [4, 5],
  );
});

test(`${ID}: parameters: stream listen deferred (1.25.5), and http_429 of the *_next_upstream directives (1.11.13)`, () => {
  const [deferred] = mine(streamServer('').replace('listen 127.0.0.1:9001;', 'listen 127.0.0.1:9001 deferred;'), '1.24.0');
  assert.match(deferred.message, /the "deferred" parameter of listen appeared in nginx 1\.25\.5 \(\[emerg\] the invalid "deferred" parameter\)/);
  assert.deepEqual(mine(streamServer('').replace('listen 127.0.0.1:9001;', 'listen 127.0.0.1:9001 deferred;'), '1.25.5'), []);
  assert.match(mine(location('proxy_next_upstream error http_429;'), '1.10.3')[0].message, /\(\[emerg\] invalid value "http_429"\)/);
  assert.deepEqual(mine(location('fastcgi_next_upstream error http_429;'), '1.11.13'), []);
  // memcached_next_upstream never took http_429; the table does not judge it.
  assert.deepEqual(mine(location('memcached_next_upstream error http_429;'), '1.10.3'), []);
});

test(`${ID}: in a block it never belongs in, a name the target has nowhere is still "unknown directive"`, () => {
  // nginx looks the name up before it checks the block: 1.22.1 says unknown directive "http2" in a location too.
  assert.equal(mine(location('http2 on;'), '1.22.1').length, 1);
  assert.match(mine(location('http2 on;'), '1.22.1')[0].message, /\(\[emerg\] unknown directive "http2"\)/);
});

test(`${ID}: the suggestion removes the line, except "ssl on" (the port would then serve plain HTTP)`, () => {
  const one = (text: string, version: string) => lintText(text, { settings: target(version) }).findings.filter((f) => f.ruleId === ID);
  const [f] = one(location('proxy_pass_trailers on;'), '1.22.1');
  assert.equal(f.fix, undefined);
  assert.deepEqual(f.suggestions.map((s) => s.title), ['Remove "proxy_pass_trailers" (nginx 1.22.1 does not have it)']);
  assert.equal(applyEdits(location('proxy_pass_trailers on;'), f.suggestions[0].edits).text, location('').replace('            \n', ''));
  assert.deepEqual(one(upstream('resolver 127.0.0.53;'), '1.22.1')[0].suggestions.map((s) => s.title), ['Remove "resolver" (nginx 1.22.1 does not have it here)']);
  const ssl = 'events {}\nhttp {\n    server {\n        listen 127.0.0.1:443;\n        ssl on;\n    }\n}\n';
  assert.deepEqual(one(ssl, '1.26.0')[0].suggestions, []);
});

test(`${ID}: resolver's ipv4= parameter before 1.23.1 is reported on the parameter`, () => {
  const text = location('resolver 127.0.0.53 ipv4=off;');
  assert.deepEqual(mine(text, '1.22.1'), [
    {
      line: 7,
      column: 33,
      message:
        'nginx 1.22.1 will not start: the "ipv4=" parameter of resolver appeared in nginx 1.23.1 ([emerg] host not found in resolver "ipv4=off"); remove it or upgrade nginx; see https://nginx.org/en/docs/http/ngx_http_core_module.html#resolver',
    },
  ]);
  assert.deepEqual(mine(text, '1.23.1'), []);
  assert.deepEqual(mine(text), []);
  assert.deepEqual(mine(location('resolver 127.0.0.53 ipv6=off;'), '1.18.0'), []);
  const [f] = lintText(text, { settings: target('1.22.1') }).findings.filter((x) => x.ruleId === ID);
  assert.equal(applyEdits(text, f.suggestions[0].edits).text, location('resolver 127.0.0.53;'));
});
