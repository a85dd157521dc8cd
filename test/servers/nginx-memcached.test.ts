// What the memcached module of nginx 1.22.1 answers when memcached misses, is dead, slow, closes, or answers an error,
// in front of a small memcached-protocol stand-in (standins/memcached.ts); the memcached_* hovers must say the same.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nginxDirectiveDoc } from '../../server/src/core/docs/directive-doc';
import { NGX_LOG } from '../../server/src/core/docs/log-lines';
import { requireBinary } from '../helpers';
import { request, type RequestSpec, type Response } from './harness/client';
import { nginxConfigTest, prepareNginx, startNginx } from './harness/nginx';
import { freePort } from './harness/ports';
import { startBlackhole } from './standins/blackhole';
import { startHttpStandin, type Standin } from './standins/http';
import { startMemcachedStandin } from './standins/memcached';

requireBinary('nginx');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const LONG_KEY = '/' + 'k'.repeat(300);

test('memcached_pass: a miss is a 404, a dead memcached a 502, a slow one a 504 (real nginx, memcached stand-in)', async () => {
  const cache = await startMemcachedStandin({ values: { '/hit': 'cached page\n', '/gz': { value: 'gzipped?', flags: 2 }, '/big': 'x'.repeat(64 * 1024) }, deadlineMs: 40_000 });
  const backupOnly = await startMemcachedStandin({ values: { '/only-on-backup': 'from the backup\n' }, deadlineMs: 40_000 });
  const slow = await startMemcachedStandin({ values: { '/slow': 'late\n' }, delayMs: 2500, deadlineMs: 40_000 });
  const stalls = await startMemcachedStandin({ values: { '/stall': 'y'.repeat(10_000) }, stallHalfway: true, deadlineMs: 40_000 });
  const closes = await startMemcachedStandin({ close: true, deadlineMs: 40_000 });
  const hole = await startBlackhole(30_000);
  const app = await startHttpStandin({ behaviour: 'ok', deadlineMs: 40_000 });
  const dead = await freePort();
  const standins: Pick<Standin, 'stop'>[] = [cache, backupOnly, slow, stalls, closes, hole, app];
  const key = 'set $memcached_key $uri;';
  try {
    const setup = await prepareNginx(`http {
    upstream with_backup { server ${cache.address}; server ${backupOnly.address} backup; }
    server {
        listen 127.0.0.1:8000;
        location / { ${key} memcached_gzip_flag 2; memcached_pass ${cache.address}; }
        location /fallback/ { ${key} error_page 404 502 504 = @app; memcached_pass 127.0.0.1:${dead}; }
        location /miss-fallback/ { ${key} error_page 404 = @app; memcached_pass ${cache.address}; }
        location @app { proxy_pass http://${app.address}; }
        location /dead { ${key} memcached_pass 127.0.0.1:${dead}; }
        location /slow { ${key} memcached_read_timeout 1s; memcached_pass ${slow.address}; }
        location /stall { ${key} memcached_read_timeout 1s; memcached_pass ${stalls.address}; }
        location /closes { ${key} memcached_pass ${closes.address}; }
        location /hole { ${key} memcached_connect_timeout 1s; memcached_pass ${hole.address}; }
        location /empty { set $memcached_key ""; memcached_pass ${cache.address}; }
        location /only-on-backup { ${key} memcached_pass with_backup; }
        location /retry/only-on-backup { set $memcached_key /only-on-backup; memcached_next_upstream error timeout not_found; memcached_pass with_backup; }
        location /tiny { set $memcached_key /hit; memcached_buffer_size 8; memcached_pass ${cache.address}; }
        location /bind { ${key} memcached_bind 192.0.2.77; memcached_pass ${cache.address}; }
    }
}
`);
    const nginx = await startNginx(setup);
    const got: Record<string, Response> = {};
    try {
      const ask = async (name: string, spec: Partial<RequestSpec> = {}) => (got[name] = await request({ port: setup.port, path: name, timeoutMs: 8000, ...spec }));
      for (const p of ['/hit', '/miss', '/gz', '/big', '/fallback/x', '/miss-fallback/x', '/dead', '/slow', '/stall', '/closes', '/hole', '/empty', '/only-on-backup', '/retry/only-on-backup', '/tiny', '/bind', LONG_KEY]) await ask(p);
      const asked = cache.requests.length;
      await ask('/hit-post', { path: '/hit', method: 'POST', body: 'x' });
      assert.equal(cache.requests.length, asked, 'POST never reached memcached');
      await sleep(200);
      const log = nginx.errorLog();
      const status = Object.fromEntries(Object.entries(got).map(([k, r]) => [k === LONG_KEY ? 'long key' : k, r.status]));
      assert.deepEqual(
        status,
        {
          '/hit': 200, '/miss': 404, '/gz': 200, '/big': 200, '/fallback/x': 200, '/miss-fallback/x': 200, '/dead': 502, '/slow': 504, '/stall': 200, '/closes': 502, '/hole': 504,
          '/empty': 500, '/only-on-backup': 404, '/retry/only-on-backup': 200, '/tiny': 502, '/bind': 500, 'long key': 502, '/hit-post': 405,
        },
        log,
      );
      assert.equal(got['/hit'].body.toString(), 'cached page\n');
      assert.equal(got['/big'].body.length, 64 * 1024, 'a value larger than the buffer streams through');
      assert.ok(got['/stall'].truncated, 'a value that stops halfway is a cut 200');
      assert.equal(got['/gz'].headers['content-encoding'], 'gzip', 'the flag sets Content-Encoding although the client sent no Accept-Encoding');
      assert.equal(got['/hit'].headers['content-encoding'], undefined);
      assert.match(got['/retry/only-on-backup'].body.toString(), /from the backup/);

      const lines = (path: string) => log.split('\n').filter((l) => l.includes(`GET ${path} `) && /\[(info|warn|error|crit)\]/.test(l) && !l.includes('closed keepalive'));
      const one = (path: string, level: string, line: string) => {
        const found = lines(path);
        assert.ok(found.length === 1 && found[0].includes(`[${level}]`) && found[0].includes(line), `${path}:\n${found.join('\n')}`);
      };
      one('/miss', 'info', NGX_LOG.memcachedNotFound);
      one('/dead', 'error', NGX_LOG.refused);
      one('/slow', 'error', NGX_LOG.headerTimeout);
      one('/stall', 'error', NGX_LOG.bodyTimeout);
      one('/closes', 'error', NGX_LOG.premature);
      one('/hole', 'error', NGX_LOG.connectTimeout);
      one('/empty', 'error', NGX_LOG.memcachedKeyNotSet);
      one('/tiny', 'error', NGX_LOG.tooBig);
      one('/bind', 'crit', NGX_LOG.bindFailed);
      one(LONG_KEY, 'error', NGX_LOG.memcachedInvalid);
      assert.ok(lines('/fallback/x').some((l) => l.includes(NGX_LOG.refused)), 'the fallback still logs the refused connection');
    } finally {
      await nginx.stop();
      setup.cleanup();
    }
    // nginx -t: no `set $memcached_key` anywhere, a scheme, and a keyword only the HTTP-speaking modules have.
    for (const [lines, expected] of [
      [`memcached_pass ${cache.address};`, NGX_LOG.memcachedUnknownKeyVar],
      [`${key} memcached_pass http://${cache.address};`, 'invalid host in upstream "http://'],
      [`${key} memcached_next_upstream http_502; memcached_pass ${cache.address};`, 'invalid value "http_502"'],
    ]) {
      const t = await prepareNginx(`http {\n    server {\n        listen 127.0.0.1:8000;\n        location / { ${lines} }\n    }\n}\n`);
      try {
        const r = nginxConfigTest(t);
        assert.ok(!r.ok && r.output.includes(expected), `${lines}\n${r.output}`);
      } finally {
        t.cleanup();
      }
    }
  } finally {
    for (const s of standins) await s.stop();
  }

  const pass = nginxDirectiveDoc('memcached_pass')!;
  for (const code of ['404', '502', '504', '500', 'startup-failure']) assert.ok(pass.statusCodes.includes(code), code);
  for (const line of [NGX_LOG.memcachedNotFound, NGX_LOG.refused, NGX_LOG.premature, NGX_LOG.memcachedInvalid, NGX_LOG.headerTimeout, NGX_LOG.memcachedKeyNotSet, NGX_LOG.memcachedUnknownKeyVar]) {
    assert.ok(pass.logLines.includes(line), line);
  }
  assert.match(pass.failure, /\*\*404\*\*: memcached does not have the key\. nginx logs it only at `info`/);
  assert.match(pass.failure, /other methods get \*\*405\*\*/);
  assert.deepEqual(nginxDirectiveDoc('memcached_read_timeout')!.statusCodes, ['504', 'truncated-200']);
  assert.deepEqual(nginxDirectiveDoc('memcached_connect_timeout')!.statusCodes, ['504']);
  assert.match(nginxDirectiveDoc('memcached_next_upstream')!.failure, /A miss is a 404 and is not retried unless `not_found` is listed/);
  assert.match(nginxDirectiveDoc('memcached_buffer_size')!.failure, /served 64 KiB through the default buffer/);
  assert.deepEqual(nginxDirectiveDoc('memcached_bind')!.statusCodes, ['500']);
  assert.match(nginxDirectiveDoc('memcached_gzip_flag')!.failure, /even to a client that did not ask for gzip/);
});
