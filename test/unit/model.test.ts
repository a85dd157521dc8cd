import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadNginxConfig, inferContext, parseSourceFile, type ConfigNode } from '../../server/src/core/model/nginx-tree';
import { effective } from '../../server/src/core/model/nginx-effective';
import { buildUpstreamGraph, parseAddress } from '../../server/src/core/model/nginx-upstreams';
import { defaultSettings } from '../../server/src/core/settings';
import { parseVersion } from '../../server/src/core/model/version';
import { memHost } from '../helpers';

const load = (files: Record<string, string>, entry = '/cfg/nginx.conf', opts = {}) => loadNginxConfig(entry, files[entry], memHost(files), opts);
const find = (nodes: ConfigNode[], pred: (n: ConfigNode) => boolean) => nodes.find(pred)!;

test('includes are spliced in place, relative to the prefix, with globs sorted', () => {
  const cfg = load({
    '/cfg/nginx.conf': 'events {}\nhttp {\n    include conf.d/*.conf;\n    server_tokens off;\n}\n',
    '/cfg/conf.d/b.conf': 'server { listen 127.0.0.1:2; }\n',
    '/cfg/conf.d/a.conf': 'server { listen 127.0.0.1:1; }\n',
    '/cfg/conf.d/sub/c.conf': 'server { listen 127.0.0.1:3; }\n',
  });
  assert.deepEqual(cfg.problems, []);
  const http = find(cfg.all, (n) => n.name === 'http');
  assert.deepEqual(http.children.map((c) => c.name), ['include', 'server', 'server', 'server_tokens']);
  assert.deepEqual(http.children.filter((c) => c.name === 'server').map((s) => s.file.path), ['/cfg/conf.d/a.conf', '/cfg/conf.d/b.conf']);
  const listen = find(cfg.all, (n) => n.name === 'listen' && n.file.path.endsWith('a.conf'));
  assert.equal(listen.context, 'server');
  assert.equal(listen.parent!.parent, http);
  assert.equal(http.children[1].via, http.children[0]);
});

test('relative includes resolve against the prefix, not the including file, and the prefix is configurable', () => {
  const files = {
    '/cfg/nginx.conf': 'http { include sites/app.conf; }\n',
    '/cfg/sites/app.conf': 'include snippets/proxy.conf;\n',
    '/cfg/snippets/proxy.conf': 'proxy_read_timeout 30s;\n',
  };
  const cfg = load(files);
  assert.deepEqual(cfg.problems, []);
  assert.ok(cfg.all.some((n) => n.name === 'proxy_read_timeout'));
  const other = loadNginxConfig('/elsewhere/main.conf', 'http { include sites/app.conf; }\n', memHost(files), { prefix: '/cfg' });
  assert.deepEqual(other.problems, []);
});

test('each included file is read once per load, however often and however it is included', () => {
  const files = {
    '/cfg/nginx.conf': 'http {\n    include sites/app.conf;\n    include sites/*.conf;\n    server { include snippets/proxy.conf; }\n    server { include snippets/proxy.conf; }\n}\n',
    '/cfg/sites/app.conf': 'include snippets/proxy.conf;\n',
    '/cfg/snippets/proxy.conf': 'proxy_read_timeout 30s;\n',
  };
  const host = memHost(files);
  const reads = new Map<string, number>();
  const counting = { ...host, readFile: (p: string) => (reads.set(p, (reads.get(p) ?? 0) + 1), host.readFile(p)) };
  const cfg = loadNginxConfig('/cfg/nginx.conf', files['/cfg/nginx.conf'], counting, {});
  assert.deepEqual(cfg.problems, []);
  assert.equal(cfg.all.filter((n) => n.name === 'proxy_read_timeout').length, 4);
  assert.deepEqual([...reads].sort(), [['/cfg/sites/app.conf', 1], ['/cfg/snippets/proxy.conf', 1]]);
});

test('missing includes are positioned problems; a glob with no match is fine', () => {
  const text = 'http {\n    include missing.conf;\n    include nothing/*.conf;\n}\n';
  const cfg = load({ '/cfg/nginx.conf': text });
  assert.equal(cfg.problems.length, 1);
  assert.equal(cfg.problems[0].kind, 'include-not-found');
  assert.equal(text.slice(cfg.problems[0].span.start, cfg.problems[0].span.end), 'missing.conf');
  assert.equal(cfg.problems[0].mayExistOnServer, false);
});

test('include cycles are reported once per closing include, not followed forever', () => {
  const cfg = load({
    '/cfg/nginx.conf': 'http { include a.conf; }\n',
    '/cfg/a.conf': 'include b.conf;\n',
    '/cfg/b.conf': 'include a.conf;\n',
  });
  assert.equal(cfg.problems.length, 1);
  assert.equal(cfg.problems[0].kind, 'include-cycle');
  assert.equal(cfg.problems[0].file.path, '/cfg/b.conf');
  assert.match(cfg.problems[0].message, /a\.conf → b\.conf → a\.conf/);
});

test('an include of a folder is unreadable, not a crash', () => {
  const cfg = load({ '/cfg/nginx.conf': 'http { include conf.d; }\n', '/cfg/conf.d/x.conf': 'server {}\n' });
  assert.equal(cfg.problems[0].kind, 'include-unreadable');
});

test('absolute includes are re-rooted into a checkout that mirrors /etc/nginx, or mapped by pathMap', () => {
  const files = {
    '/repo/etc/nginx/nginx.conf': 'http { include /etc/nginx/conf.d/*.conf; include /etc/nginx/mime.types; }\n',
    '/repo/etc/nginx/conf.d/app.conf': 'server { listen 127.0.0.1:1; }\n',
    '/repo/etc/nginx/mime.types': 'types { text/html html; }\n',
  };
  const cfg = load(files, '/repo/etc/nginx/nginx.conf');
  assert.deepEqual(cfg.problems, []);
  assert.equal(cfg.files.length, 3);
  const mapped = loadNginxConfig('/x/main.conf', 'http { include /srv/conf/app.conf; }\n', memHost({ '/x/main.conf': '', '/x/app.conf': 'server {}\n' }), { pathMap: { '/srv/conf/': '/x/' } });
  assert.deepEqual(mapped.problems, []);
});

test('fragments: context declared by comment, else inferred from their directives', () => {
  const infer = (t: string) => inferContext(parseSourceFile('/f.conf', t));
  assert.equal(infer('server { listen 80; }'), 'http');
  assert.equal(infer('location / { }'), 'server');
  assert.equal(infer('proxy_pass http://a;'), 'location');
  assert.equal(infer('proxy_set_header Host $host;\nproxy_read_timeout 5s;'), 'http');
  assert.equal(infer('events {}\nhttp {}'), 'main');
  assert.equal(infer('server 127.0.0.1:1;\nkeepalive 8;'), 'upstream');
  const cfg = load({ '/cfg/nginx.conf': '# proxylint: context location\nproxy_read_timeout 5s;\n' });
  assert.equal(cfg.rootContext, 'location');
  assert.equal(cfg.rootContextSource, 'comment');
});

test('effective values follow nginx inheritance: nearest level that sets it, array directives replace as a whole', () => {
  const cfg = load({
    '/cfg/nginx.conf': [
      'http {',
      '    proxy_read_timeout 90;',
      '    proxy_set_header Host $host;',
      '    proxy_set_header X-Real-IP $remote_addr;',
      '    server {',
      '        location /a { proxy_pass http://127.0.0.1:1; }',
      '        location /b { proxy_set_header X-B 1; proxy_read_timeout 1m30s; }',
      '        location /c { location /c/d { } }',
      '    }',
      '}',
    ].join('\n'),
  });
  const target = { ...defaultSettings().nginx, version: parseVersion('1.22.1') };
  const loc = (p: string) => find(cfg.all, (n) => n.name === 'location' && n.directive.args[0].value === p);
  const a = effective(cfg, loc('/a'), 'proxy_read_timeout', target);
  assert.equal(a.origin, 'inherited');
  assert.equal(a.nodes[0].directive.args[0].value, '90');
  const b = effective(cfg, loc('/b'), 'proxy_set_header', target);
  assert.equal(b.origin, 'here');
  assert.deepEqual(b.nodes.map((n) => n.directive.args[0].value), ['X-B']);
  const a2 = effective(cfg, loc('/a'), 'proxy_set_header', target);
  assert.deepEqual(a2.nodes.map((n) => n.directive.args[0].value), ['Host', 'X-Real-IP']);
  assert.equal(effective(cfg, loc('/c/d'), 'proxy_read_timeout', target).nodes[0].directive.args[0].value, '90');
  const d = effective(cfg, loc('/a'), 'proxy_connect_timeout', target);
  assert.equal(d.origin, 'default');
  assert.equal(d.defaultValue, '60s');
  // Not inherited: a location does not get its parent's proxy_pass.
  assert.equal(effective(cfg, loc('/c/d'), 'proxy_pass', target).origin, 'unset');
});

test('version-aware defaults: keepalive and proxy_http_version changed in 1.29.7; unknown stays unknown', () => {
  const cfg = load({ '/cfg/nginx.conf': 'http { upstream u { server 127.0.0.1:1; } server { location / { proxy_pass http://u; } } }' });
  const loc = find(cfg.all, (n) => n.name === 'location');
  const up = find(cfg.all, (n) => n.name === 'upstream');
  const old = { ...defaultSettings().nginx, version: parseVersion('1.22.1') };
  const neu = { ...defaultSettings().nginx, version: parseVersion('1.30.0') };
  const unknown = defaultSettings().nginx;
  assert.equal(effective(cfg, loc, 'proxy_http_version', old).defaultValue, '1.0');
  assert.equal(effective(cfg, loc, 'proxy_http_version', neu).defaultValue, '1.1');
  assert.equal(effective(cfg, loc, 'proxy_http_version', unknown).origin, 'unset');
  assert.equal(effective(cfg, up, 'keepalive', neu).defaultValue, '32 local');
  assert.equal(effective(cfg, loc, 'proxy_buffer_size', { ...old, pageSize: 8192 }).defaultValue, '8k');
});

test('upstream graph: groups across files, pass targets resolved to groups or addresses', () => {
  const cfg = load({
    '/cfg/nginx.conf': 'http { include up.conf; server { location / { proxy_pass http://Backend; } location /x { proxy_pass http://10.0.0.1:8080/api/; } location /v { proxy_pass http://$host; } location ~ \\.php$ { fastcgi_pass unix:/run/php.sock; } } }\nstream { upstream backend { server 127.0.0.1:5; } server { proxy_pass backend; } }',
    '/cfg/up.conf': 'upstream backend { server 127.0.0.1:1 weight=2 backup; server [::1]:2; }\n',
  });
  const g = buildUpstreamGraph(cfg);
  assert.equal(g.upstreams.length, 2);
  const http = g.find('http', 'backend')!;
  assert.equal(http.node.file.path, '/cfg/up.conf');
  assert.equal(http.servers[0].params.get('weight'), '2');
  assert.equal(http.servers[0].params.get('backup'), true);
  assert.equal(http.servers[1].address!.ipv6, true);
  assert.equal(http.servers[1].address!.port, 2);
  const [p1, p2, p3, p4, p5] = g.passes;
  assert.equal(p1.upstream, http);
  assert.equal(p2.upstream, undefined);
  assert.equal(p2.address!.host, '10.0.0.1');
  assert.equal(p2.uri, '/api/');
  assert.equal(p3.hasVariables, true);
  assert.equal(p4.address!.unix, '/run/php.sock');
  assert.equal(p5.module, 'stream');
  assert.equal(p5.upstream, g.find('stream', 'backend'));
  assert.deepEqual(g.usersOf(http), [p1]);
});

test('address parsing mirrors nginx errors', () => {
  assert.match(parseAddress('127.0.0.1:70000').error!, /invalid port/);
  assert.match(parseAddress('127.0.0.1:0').error!, /invalid port/);
  assert.match(parseAddress('256.1.1.1:80').error!, /not a valid IPv4/);
  // nginx 1.22.1: an unclosed bracket is an invalid host; a bracketed text that is no IPv6 address an invalid IPv6 address.
  assert.match(parseAddress('[::1').error!, /^invalid host in upstream "\[::1"/);
  assert.match(parseAddress('[fe80::1%eth0]:80').error!, /^invalid IPv6 address in upstream "\[fe80::1%eth0\]:80"/);
  assert.equal(parseAddress('app:3000').address!.host, 'app');
  assert.equal(parseAddress('unix:/tmp/x.sock').address!.unix, '/tmp/x.sock');
});

test('a safe fix that edits a snippet included in several places is only offered, never applied by --fix', async () => {
  const { lintText } = await import('../helpers');
  const snippet = 'proxy_pass 127.0.0.1:18950;\n';
  const shared = lintText('events {}\nhttp { server { listen 127.0.0.1:18951; location /a { include snip.conf; } location /b { include snip.conf; } } }\n', { files: { 'snip.conf': snippet } });
  const f = shared.findings.find((x) => x.ruleId === 'pass-scheme-mismatch')!;
  assert.equal(f.fix, undefined);
  assert.match(f.suggestions[0].title, /edits snip\.conf, which is included in 2 places/);
  const single = lintText('events {}\nhttp { server { listen 127.0.0.1:18951; location /a { include snip.conf; } } }\n', { files: { 'snip.conf': snippet } });
  assert.ok(single.findings.find((x) => x.ruleId === 'pass-scheme-mismatch')!.fix, 'included once: the fix stays safe');
});

test('an absolute include prefers the checkout that mirrors it over the same path on this machine', () => {
  const files = {
    '/repo/nginx/nginx.conf': 'http { include /etc/nginx/sites-enabled/*.conf; include /etc/nginx/proxy.conf; }\n',
    '/repo/nginx/sites-enabled/app.conf': 'server { listen 127.0.0.1:1; }\n',
    '/repo/nginx/proxy.conf': 'proxy_read_timeout 5s;\n',
    // What the CI runner happens to have installed: must not be read instead of the checkout.
    '/etc/nginx/sites-enabled/default.conf': 'server { listen 80 default_server; }\n',
    '/etc/nginx/proxy.conf': 'proxy_read_timeout 60s;\n',
  };
  const cfg = load(files, '/repo/nginx/nginx.conf');
  assert.deepEqual(cfg.problems, []);
  assert.deepEqual(cfg.files.map((f) => f.path).sort(), ['/repo/nginx/nginx.conf', '/repo/nginx/proxy.conf', '/repo/nginx/sites-enabled/app.conf']);
});

test('effective values: defaults of the stream module are its own (proxy_buffer_size 16k, proxy_timeout 10m, proxy_next_upstream on), not http\'s', () => {
  const cfg = load({
    '/cfg/nginx.conf': 'http { server { listen 80; location / { proxy_pass http://127.0.0.1:1; } } }\nstream { server { listen 5432; proxy_pass 127.0.0.1:2; } }\n',
  });
  const target = { ...defaultSettings().nginx, version: parseVersion('1.22.1') };
  const loc = find(cfg.all, (n) => n.name === 'location');
  const streamServer = find(cfg.all, (n) => n.name === 'server' && n.context === 'stream');
  const at = (scope: ConfigNode, name: string) => effective(cfg, scope, name, target).defaultValue;
  assert.equal(at(streamServer, 'proxy_buffer_size'), '16k');
  assert.equal(at(streamServer, 'proxy_timeout'), '10m');
  assert.equal(at(streamServer, 'proxy_connect_timeout'), '60s');
  assert.equal(at(streamServer, 'proxy_next_upstream'), 'on');
  // The http one follows the page size (4k on the default target).
  assert.equal(at(loc, 'proxy_buffer_size'), '4k');
  assert.equal(at(loc, 'proxy_next_upstream'), 'error timeout');
});

test('version-aware defaults: the TLS protocols gained TLSv1.3 in 1.23.4 and lost TLSv1 and TLSv1.1 in 1.27.3', () => {
  const cfg = load({ '/cfg/nginx.conf': 'http { server { location / { proxy_pass https://127.0.0.1:1; } } }\nstream { server { proxy_pass 127.0.0.1:2; proxy_ssl on; } }' });
  const loc = find(cfg.all, (n) => n.name === 'location');
  const streamServer = find(cfg.all, (n) => n.name === 'server' && n.context === 'stream');
  const at = (v: string) => ({ ...defaultSettings().nginx, version: parseVersion(v) });
  for (const [version, value] of [['1.22.1', 'TLSv1 TLSv1.1 TLSv1.2'], ['1.23.4', 'TLSv1 TLSv1.1 TLSv1.2 TLSv1.3'], ['1.26.2', 'TLSv1 TLSv1.1 TLSv1.2 TLSv1.3'], ['1.27.3', 'TLSv1.2 TLSv1.3']] as const) {
    for (const name of ['proxy_ssl_protocols', 'grpc_ssl_protocols', 'uwsgi_ssl_protocols', 'ssl_protocols']) assert.equal(effective(cfg, loc, name, at(version)).defaultValue, value, `${name} on ${version}`);
    assert.equal(effective(cfg, streamServer, 'proxy_ssl_protocols', at(version)).defaultValue, value, `stream proxy_ssl_protocols on ${version}`);
  }
  assert.equal(effective(cfg, loc, 'proxy_ssl_protocols', defaultSettings().nginx).origin, 'unset');
});
