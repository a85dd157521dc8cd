import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nginxHover } from '../../server/src/core/features/hover';
import { definitions } from '../../server/src/core/features/navigation';
import { locate } from '../../server/src/core/features/locate';
import { defaultSettings } from '../../server/src/core/settings';
import { assertPlaceLink, lintText, readable } from '../helpers';
import { docLookup } from '../../server/src/lsp/docs';

/**
 * Hover markdown at the first `needle` in /cfg/<path>, with no directive docs (only the effective-value part), with
 * the targets of its links to config lines.
 */
function rawHoverAt(main: string, files: Record<string, string>, path: string, needle: string, version: string | null = null): string {
  const r = lintText(main, { files, settings: (s) => void (s.nginx.version = version ? (version.split('.').map(Number) as [number, number, number]) : null) });
  const text = path === 'nginx.conf' ? main : files[path];
  const at = text.indexOf(needle);
  assert.ok(at >= 0, needle);
  const target = { ...defaultSettings().nginx, version: version ? (version.split('.').map(Number) as [number, number, number]) : null };
  return nginxHover(r, '/cfg/' + path, at + 1, target, () => undefined)?.markdown ?? '';
}
/** The same as a reader sees it: each link to a config line as its label. */
const hoverAt = (...args: Parameters<typeof rawHoverAt>): string => readable(rawHoverAt(...args));

test('hover on a line of a snippet included in several places shows each distinct value with the include it comes through', () => {
  const main = `events {}
http {
    server {
        listen 8080;
        proxy_read_timeout 10s;
        location / { include snip/p.conf; }
    }
    server {
        listen 8081;
        proxy_read_timeout 300s;
        location / { include snip/p.conf; }
    }
}
`;
  const md = hoverAt(main, { 'snip/p.conf': 'proxy_pass http://127.0.0.1:9000;\n' }, 'snip/p.conf', 'proxy_pass');
  const raw = rawHoverAt(main, { 'snip/p.conf': 'proxy_pass http://127.0.0.1:9000;\n' }, 'snip/p.conf', 'proxy_pass');
  for (const line of [5, 6, 10, 11]) assertPlaceLink(raw, `../nginx.conf:${line}`, '/cfg/nginx.conf', line);
  assert.match(md, /`proxy_read_timeout` \| differs by inclusion \| `10s` \(via \.\.\/nginx\.conf:6; inherited from \.\.\/nginx\.conf:5\) \/ `300s` \(via \.\.\/nginx\.conf:11; inherited from \.\.\/nginx\.conf:10\)/);
  // Settings the inclusions agree on stay one plain row.
  assert.match(md, /`proxy_connect_timeout` \| `60s` \| built-in default \|/);
});

test('hover on a snippet included in many places lists at most three distinct values, then how many more', () => {
  const servers = [1, 2, 3, 4, 5].map((k) => `    server { listen ${8000 + k}; proxy_read_timeout ${k}0s; location / { include snip/p.conf; } }`).join('\n');
  const md = hoverAt(`events {}\nhttp {\n${servers}\n}\n`, { 'snip/p.conf': 'proxy_pass http://127.0.0.1:9000;\n' }, 'snip/p.conf', 'proxy_pass');
  const row = md.split('\n').find((l) => l.startsWith('| `proxy_read_timeout`'))!;
  assert.equal(row.match(/\(via /g)?.length, 3, row);
  assert.match(row, /and 2 more/);
});

test('hover on a directive written twice at one level (one via include) says nginx will not start, and where both are', () => {
  const main = `events {}
http {
    server {
        listen 8080;
        location / {
            proxy_read_timeout 30s;
            include loc.conf;
            proxy_pass http://127.0.0.1:9000;
        }
    }
}
`;
  const md = hoverAt(main, { 'loc.conf': 'proxy_read_timeout 40s;\n' }, 'loc.conf', 'proxy_read_timeout');
  assertPlaceLink(rawHoverAt(main, { 'loc.conf': 'proxy_read_timeout 40s;\n' }, 'loc.conf', 'proxy_read_timeout'), 'nginx.conf:6', '/cfg/nginx.conf', 6);
  assertPlaceLink(rawHoverAt(main, { 'loc.conf': 'proxy_read_timeout 40s;\n' }, 'loc.conf', 'proxy_read_timeout'), 'loc.conf:1', '/cfg/loc.conf', 1);
  assert.match(md, /Effective value here:\*\* none: nginx will not start — "proxy_read_timeout" directive is duplicate — written 2 times at one level: `30s` at nginx\.conf:6 and `40s` at loc\.conf:1/);
  assert.doesNotMatch(md, /30s; 40s/);
  // An array directive (proxy_set_header) written twice is fine and lists both lines.
  const arr = hoverAt(main.replace('proxy_read_timeout 30s;', 'proxy_set_header A 1;'), { 'loc.conf': 'proxy_set_header B 2;\n' }, 'loc.conf', 'proxy_set_header');
  assert.match(arr, /`A 1; B 2` — set here \(nginx\.conf:6, loc\.conf:1\)/);
});

test('hover with no nginx version set states both possible proxy_http_version defaults', () => {
  const main = 'events {}\nhttp { server { listen 80; location / { proxy_pass http://127.0.0.1:9000; } } }\n';
  assert.match(hoverAt(main, {}, 'nginx.conf', 'proxy_pass'), /`proxy_http_version` \| `1\.0` \(`1\.1` from nginx 1\.29\.7\) \| built-in default; which one depends on the nginx version/);
  assert.match(hoverAt(main, {}, 'nginx.conf', 'proxy_pass', '1.22.1'), /`proxy_http_version` \| `1\.0` \| built-in default \|/);
  assert.match(hoverAt(main, {}, 'nginx.conf', 'proxy_pass', '1.30.0'), /`proxy_http_version` \| `1\.1` \| built-in default \|/);
});

test('hover on an upstream name tells the keep-alive default, which nginx 1.29.7 changed, when the group has no keepalive line', () => {
  const main = 'events {}\nhttp { upstream app { server 127.0.0.1:9000; } server { listen 80; location / { proxy_pass http://app; } } }\n';
  assert.match(hoverAt(main, {}, 'nginx.conf', 'app;'), /No keep-alive line, zone or balancing method set\. Idle connections kept by default: none before nginx 1\.29\.7, `keepalive 32 local` from it/);
  assert.match(hoverAt(main, {}, 'nginx.conf', 'app;', '1.22.1'), /No idle connections are kept \(the default before nginx 1\.29\.7\)/);
  assert.match(hoverAt(main, {}, 'nginx.conf', 'app;', '1.30.0'), /Idle connections kept by default: `keepalive 32 local` \(nginx 1\.29\.7 and later\)/);
  const written = main.replace('server 127.0.0.1:9000;', 'server 127.0.0.1:9000; keepalive 8;');
  const h = hoverAt(written, {}, 'nginx.conf', 'app;');
  assert.match(h, /Settings: `keepalive 8`\./);
  assert.doesNotMatch(h, /by default/);
});

test('hover on an unknown directive presents no effective value', () => {
  const md = hoverAt('events {}\nhttp { frobnicate on; }\n', {}, 'nginx.conf', 'frobnicate');
  assert.doesNotMatch(md, /Effective value/);
});

test('reference docs for a name several modules define show the entry for where the directive sits', () => {
  const headers = (md: string | undefined) => [...(md ?? '').matchAll(/^\*\*[a-z_]+\*\* \((ngx_[a-z_]+)\)$/gm)].map((m) => m[1]);
  // A virtual server block in http: not the upstream server line, not stream's or mail's server block.
  assert.deepEqual(headers(docLookup('listen', 'server')), ['ngx_http_core_module']);
  assert.deepEqual(headers(docLookup('listen', 'stream-server')), ['ngx_stream_core_module']);
  assert.deepEqual(headers(docLookup('deny', 'limit_except')), ['ngx_http_access_module']);
  assert.deepEqual(headers(docLookup('allow', 'stream-server')), ['ngx_stream_access_module']);
  assert.deepEqual(headers(docLookup('server', 'http')), ['ngx_http_core_module']);
  assert.deepEqual(headers(docLookup('server', 'mail')), ['ngx_mail_core_module']);
  // Unknown place, or a place the directive does not belong: every entry, so nothing is hidden.
  assert.deepEqual(headers(docLookup('listen')), ['ngx_http_core_module', 'ngx_mail_core_module', 'ngx_stream_core_module']);
  assert.deepEqual(headers(docLookup('listen', 'location')), ['ngx_http_core_module']);
  assert.equal(headers(docLookup('listen', 'events')).length, 3);
});

test('hover on a stream proxy_pass lists stream settings (proxy_timeout), not the http ones nginx refuses there', () => {
  const main = `events {}
stream {
    proxy_timeout 3s;
    upstream db_pool { server 127.0.0.1:5432; server 127.0.0.1:5433; }
    server {
        listen 127.0.0.1:15432;
        proxy_connect_timeout 2s;
        proxy_pass db_pool;
    }
}
`;
  const md = hoverAt(main, {}, 'nginx.conf', 'proxy_pass db_pool');
  assertPlaceLink(rawHoverAt(main, {}, 'nginx.conf', 'proxy_pass db_pool'), 'nginx.conf:3', '/cfg/nginx.conf', 3);
  assert.match(md, /\*\*Effective at this stream server\*\*/);
  assert.match(md, /`proxy_timeout` \| `3s` \| inherited from nginx\.conf:3 \|/);
  assert.match(md, /`proxy_connect_timeout` \| `2s` \|/);
  assert.doesNotMatch(md, /proxy_read_timeout|proxy_send_timeout|proxy_http_version|proxy_buffering/);
});

test('hover on a stream group name speaks of closed connections, not HTTP statuses, and has no keep-alive default (stream has no upstream keepalive)', () => {
  const main = `events {}
stream {
    upstream pg { server 10.0.0.1:5432; server 10.0.0.2:5432; }
    upstream redis { server 127.0.0.1:6379; }
    server { listen 5432; proxy_pass pg; }
    server { listen 6379; proxy_pass redis; }
}
`;
  for (const version of [null, '1.22.1', '1.30.0']) {
    const group = hoverAt(main, {}, 'nginx.conf', 'pg;', version);
    const single = hoverAt(main, {}, 'nginx.conf', 'redis;', version);
    for (const md of [group, single]) {
      assert.doesNotMatch(md, /keep-alive|keepalive|idle connections/i, md);
      assert.doesNotMatch(md, /\b50[24]\b(?! in the stream access log)/, md);
    }
    assert.match(group, /when all are skipped nginx closes new connections at once \("no live upstreams"; \$status 502 in the stream access log\)/);
    assert.match(single, /every failure of it closes the client connection/);
  }
  // The http group keeps its wording.
  const http = 'events {}\nhttp { upstream app { server 127.0.0.1:9000; } server { listen 80; location / { proxy_pass http://app; } } }\n';
  assert.match(hoverAt(http, {}, 'nginx.conf', 'app;', '1.22.1'), /reaches clients as a 502 or 504/);
});

test('hover and go to definition on a pass to a name two upstream blocks share (one per site) show both blocks, not silently the first', () => {
  const main = 'events {}\nhttp {\n    include conf.d/*.conf;\n}\n';
  const files = {
    'conf.d/a.conf': 'upstream app { server 127.0.0.1:9001; }\n',
    'conf.d/b.conf': 'upstream app { server 127.0.0.1:9002; }\nserver { listen 80; location / { proxy_pass http://app; } }\n',
  };
  const h = hoverAt(main, files, 'conf.d/b.conf', 'app;');
  assert.match(h, /nginx will not start:\*\* 2 `upstream` blocks are named `app`/);
  assert.match(h, /127\.0\.0\.1:9001/);
  assert.match(h, /127\.0\.0\.1:9002/);
  const r = lintText(main, { files });
  const at = files['conf.d/b.conf'].indexOf('app;') + 1;
  const targets = definitions(locate(r.config, '/cfg/conf.d/b.conf', at), r.config, r.upstreams);
  assert.deepEqual(targets.map((t) => t.path), ['/cfg/conf.d/a.conf', '/cfg/conf.d/b.conf']);
  // One block of the name: one definition, as before.
  const single = lintText(main, { files: { 'conf.d/b.conf': files['conf.d/b.conf'] } });
  assert.equal(definitions(locate(single.config, '/cfg/conf.d/b.conf', at), single.config, single.upstreams).length, 1);
  assert.doesNotMatch(hoverAt(main, { 'conf.d/b.conf': files['conf.d/b.conf'] }, 'conf.d/b.conf', 'app;'), /will not start/);
});

test('hover on a directive written without its value says the value is missing, not an empty value (here and where it is inherited)', () => {
  // nginx 1.22.1: `proxy_read_timeout;` is "[emerg] invalid number of arguments", so nothing is in force.
  const main = `events {}
http {
    proxy_read_timeout;
    server {
        listen 8080;
        location / {
            proxy_pass http://127.0.0.1:9000;
        }
    }
}
`;
  const own = hoverAt(main, {}, 'nginx.conf', 'proxy_read_timeout;');
  assertPlaceLink(rawHoverAt(main, {}, 'nginx.conf', 'proxy_read_timeout;'), 'nginx.conf:3', '/cfg/nginx.conf', 3);
  assert.doesNotMatch(own, /``/, own);
  assert.match(own, /\*\*Effective value here:\*\* none: the value is missing — nginx\.conf:3 has no value, so nginx refuses to start/);
  const row = hoverAt(main, {}, 'nginx.conf', 'proxy_pass').split('\n').find((l) => l.startsWith('| `proxy_read_timeout`'))!;
  assert.match(row, /none: the value is missing \| nginx\.conf:3 has no value/, row);
  // Directives that take no value (least_conn, ip_hash) are not "missing" one.
  const up = hoverAt('events {}\nhttp {\n    upstream u {\n        least_conn;\n        server 127.0.0.1:9000;\n    }\n}\n', {}, 'nginx.conf', 'least_conn');
  assert.doesNotMatch(up, /missing/, up);
});

test('hover on a directive that takes no value (least_conn, internal) shows no "Effective value" line with an empty value', () => {
  const main = 'events {}\nhttp {\n    upstream u {\n        least_conn;\n        server 127.0.0.1:9000;\n    }\n    server {\n        listen 8080;\n        location /i/ {\n            internal;\n        }\n    }\n}\n';
  for (const needle of ['least_conn', 'internal']) {
    const md = hoverAt(main, {}, 'nginx.conf', needle);
    assert.doesNotMatch(md, /Effective value here/, `${needle}: ${md}`);
  }
});

test('hover on a directive nginx does not allow where it stands says nginx will not start, not that its value is in force', () => {
  // nginx 1.22.1: '"proxy_read_timeout" directive is not allowed here' (in an if block, or in an upstream block).
  const main = `events {}
http {
    upstream u {
        server 127.0.0.1:9001;
        proxy_read_timeout 5s;
    }
    server {
        listen 8080;
        location / {
            if ($arg_x) {
                proxy_read_timeout 20s;
                proxy_pass http://u;
            }
        }
    }
}
`;
  for (const needle of ['proxy_read_timeout 5s', 'proxy_read_timeout 20s']) {
    const md = hoverAt(main, {}, 'nginx.conf', needle);
    const line = main.slice(0, main.indexOf(needle)).split('\n').length;
    assertPlaceLink(rawHoverAt(main, {}, 'nginx.conf', needle), `nginx.conf:${line}`, '/cfg/nginx.conf', line);
    assert.match(md, /\*\*Effective value here:\*\* none: nginx will not start — "proxy_read_timeout" is not allowed where nginx\.conf:(5|11) stands/, md);
  }
  const row = hoverAt(main, {}, 'nginx.conf', 'proxy_pass').split('\n').find((l) => l.startsWith('| `proxy_read_timeout`'))!;
  assert.match(row, /none: nginx will not start/, row);
});

test('hover on an upstream server line is about that server: its parameters with values or defaults, what an unreachable server costs, the group in one line', () => {
  const main = `events {}
http {
    upstream app {
        server 10.0.0.1:8080 max_fails=3;
        server 10.0.0.2:8080 weight=2 backup;
        server 10.0.0.3:8080 down;
        server 10.0.0.4:8080 max_fails=0 fail_timeout=30s slow_start=30s;
    }
    upstream one { server backend; }
}
`;
  const first = hoverAt(main, {}, 'nginx.conf', '10.0.0.1:8080');
  assert.match(first, /\*\*upstream server `10\.0\.0\.1:8080`\*\*/);
  assert.match(first, /\| `max_fails` \| `3` — /);
  assert.match(first, /\| `fail_timeout` \| `10s` \(default\) — /);
  assert.match(first, /\| `weight` \| `1` \(default\) — /);
  assert.match(first, /\| `backup` \| no \(default\)/);
  assert.match(first, /connect\(\) failed \(111: Connection refused\) while connecting to upstream/);
  assert.match(first, /next server/);
  assert.match(first, /After 3 failed attempts within 10s it is skipped for 10s/);
  assert.match(first, /\*\*502\*\*.*no live upstreams while connecting to upstream/);
  // The group: one line, no list of the other servers (that is the hover of the group's name).
  assert.match(first, /Server 1 of 4 in `upstream app` \(nginx\.conf:3\)\./);
  assertPlaceLink(rawHoverAt(main, {}, 'nginx.conf', '10.0.0.1'), 'nginx.conf:3', '/cfg/nginx.conf', 3);
  assert.doesNotMatch(first, /10\.0\.0\.2|Effective value here/);
  // The same card on the directive name.
  assert.equal(hoverAt(main, {}, 'nginx.conf', 'server 10.0.0.1'), first);

  const backup = hoverAt(main, {}, 'nginx.conf', '10.0.0.2:8080');
  assert.match(backup, /\| `weight` \| `2` — /);
  assert.match(backup, /\| `backup` \| yes: gets requests only while every primary server is unavailable/);
  assert.match(hoverAt(main, {}, 'nginx.conf', '10.0.0.3:8080'), /marked `down`, so nginx sends it nothing/);
  const uncounted = hoverAt(main, {}, 'nginx.conf', '10.0.0.4:8080');
  assert.match(uncounted, /`max_fails=0` its failures are not counted: it is never skipped/);
  assert.match(uncounted, /\| other \| `slow_start=30s` \|/);

  // One server: never skipped, every failure is the client's; no port written: 80.
  const only = hoverAt(main, {}, 'nginx.conf', 'server backend');
  assert.match(only, /`backend`\*\* \(no port written: nginx uses 80\)/);
  assert.match(only, /`max_fails` \| `1` \(default\) — .* ignored: the only server of its group/);
  assert.match(only, /every request still tries it .* \*\*502\*\*/);
  assert.match(only, /Server 1 of 1 in `upstream one`/);
  assert.match(only, /\| `resolve` \| no \(default\): the name is resolved once, when the configuration loads/);
  assert.match(first, /\| `resolve` \| no \(default\): nothing to look up/);
});

test('hover on a server line of a stream upstream and of an upstream fragment checked alone', () => {
  const stream = hoverAt('events {}\nstream {\n    upstream db {\n        server 10.0.0.1:5432;\n        server 10.0.0.2:5432;\n    }\n}\n', {}, 'nginx.conf', '10.0.0.1:5432');
  assert.match(stream, /the client connection is closed/);
  assert.match(stream, /`proxy_next_upstream on`/);
  assert.doesNotMatch(stream, /\*\*502\*\*/);
  const r = lintText('server 10.0.0.1:8080;\nserver 10.0.0.2:8080;\n', { path: 'upstreams/app.conf' });
  const md = nginxHover(r, '/cfg/upstreams/app.conf', 8, defaultSettings().nginx, () => undefined)?.markdown ?? '';
  assert.match(md, /Server 1 of 2 in the upstream that includes this file\./, md);
});

test('hover on an upstream server line follows the passes to the group: where proxy_next_upstream is off a dead server is the client\'s 502, not a retry (nginx 1.22.1)', () => {
  // Checked on nginx 1.22.1: two servers with nothing listening and "proxy_next_upstream off": one connect() failed per
  // request and 502 at once, the other server never tried for that request.
  const conf = (a: string, b: string) => `events {}
http {
    upstream app {
        server 10.0.0.1:8080;
        server 10.0.0.2:8080;
    }
    server {
        listen 80;
        location /a/ { proxy_pass http://app; ${a} }
        location /b/ { proxy_pass http://app; ${b} }
    }
}
`;
  const off = hoverAt(conf('proxy_next_upstream off;', 'proxy_next_upstream http_503;'), {}, 'nginx.conf', '10.0.0.1:8080');
  assert.match(off, /the client gets \*\*502\*\* at once .*nginx does not try another server, because every pass to this group has `proxy_next_upstream` without `error` \(`proxy_pass http:\/\/app` \(nginx\.conf:9\)\)/);
  assert.doesNotMatch(off, /goes on to the next server/);
  const mixed = hoverAt(conf('proxy_next_upstream off;', ''), {}, 'nginx.conf', '10.0.0.1:8080');
  assert.match(mixed, /where the pass keeps nginx's default it goes on to the next server, but at `proxy_pass http:\/\/app` \(nginx\.conf:9\) the client gets \*\*502\*\* at once/);
  const dflt = hoverAt(conf('', ''), {}, 'nginx.conf', '10.0.0.1:8080');
  assert.match(dflt, /goes on to the next server \(`proxy_next_upstream error timeout`, the default\)/);
  // Passed on everywhere, but one pass sets its own list: not called "the default".
  const own = hoverAt(conf('', 'proxy_next_upstream error timeout http_502;'), {}, 'nginx.conf', '10.0.0.1:8080');
  assert.match(own, /goes on to the next server \(every pass to this group has `error` in its `\*_next_upstream`\)/);
  const stream = hoverAt('events {}\nstream {\n    upstream db {\n        server 10.0.0.1:5432;\n        server 10.0.0.2:5432;\n    }\n    server { listen 5432; proxy_pass db; proxy_next_upstream off; }\n}\n', {}, 'nginx.conf', '10.0.0.1:5432');
  assert.match(stream, /the client connection is closed at once: nginx does not try another server, because every pass to this group has `proxy_next_upstream off`/);
});

test('hover on the name of an upstream block shows the group, as on a pass target, and the pass targets that use it', () => {
  const main = 'events {}\nhttp {\n  upstream app_backend { server 127.0.0.1:9001; server 127.0.0.1:9002; keepalive 8; }\n  upstream unused { server 127.0.0.1:9003; }\n  server { listen 80; location / { proxy_pass http://app_backend; } location /api/ { proxy_pass http://app_backend/; } }\n}\n';
  const h = hoverAt(main, {}, 'nginx.conf', 'app_backend {');
  assertPlaceLink(rawHoverAt(main, {}, 'nginx.conf', 'app_backend {'), 'nginx.conf:3', '/cfg/nginx.conf', 3);
  assertPlaceLink(rawHoverAt(main, {}, 'nginx.conf', 'app_backend {'), 'nginx.conf:5', '/cfg/nginx.conf', 5);
  assert.match(h, /^\*\*upstream `app_backend`\*\* \(nginx\.conf:3\)/);
  assert.match(h, /- `127\.0\.0\.1:9001`\n- `127\.0\.0\.1:9002`/);
  assert.match(h, /Settings: `keepalive 8`\./);
  assert.match(h, /Used by 2 pass targets:\n\n- `http:\/\/app_backend` \(nginx\.conf:5\)\n- `http:\/\/app_backend\/` \(nginx\.conf:5\)/);
  assert.match(hoverAt(main, {}, 'nginx.conf', 'unused {'), /No pass target of this configuration uses it\./);
  // The directive name itself still shows the upstream directive's documentation.
  assert.doesNotMatch(hoverAt(main, {}, 'nginx.conf', 'upstream app_backend'), /Used by/);
});

test('grpc_next_upstream hover says a gRPC request once sent is never passed on (non_idempotent changes nothing); proxy_next_upstream keeps the non_idempotent note', () => {
  const grpc = docLookup('grpc_next_upstream', 'location') ?? '';
  assert.match(grpc, /Once a request was sent, it is never passed to another server, whatever is listed/);
  assert.doesNotMatch(grpc, /not retried unless `non_idempotent` is listed/);
  assert.match(grpc, /listing `http_502`, `http_503`, `http_504` here changes nothing for gRPC/);
  assert.doesNotMatch(grpc, /A server that answers 503 during a deploy therefore stays in rotation/);
  assert.match(docLookup('proxy_next_upstream', 'location') ?? '', /not retried unless `non_idempotent` is listed/);
});
