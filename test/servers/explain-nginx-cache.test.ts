// `proxylint explain` and the cache: a real nginx (Debian 1.22.1) with proxy_cache in front of a backend that goes
// away. With proxy_cache_use_stale listing "error", a URL the cache held an expired copy of still got 200 although
// the error log has the refused connect; a URL it never held got 502, with a line of the same kind. With
// proxy_cache_valid covering 502, the 502 nginx made is answered again from the cache after the backend is back,
// with no new error-log line. explain must not claim 502 for the first, must keep the two requests apart, and must
// say that the 502 is kept.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { requireBinary, runCli } from '../helpers';
import { request } from './harness/client';
import { prepareNginx, startNginx, tempDir } from './harness/nginx';
import { refusedPort } from './standins/http';

requireBinary('nginx');

interface EntryJson {
  id: string;
  count: number;
  alone: number;
  fields: { path?: string };
  outcome: { status: string | null; final: boolean; why: string; stale?: { line: number } } | null;
  cache: { stale: { line: number; word: string } | null; keepsError: { line: number; status: string; time: string } | null } | null;
  notes: string[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('explain: a stale copy the cache sent, and a 502 the cache keeps, as a real nginx does them', async () => {
  const backend = await refusedPort();
  const dir = tempDir('proxylint-cache-');
  const setup = await prepareNginx(
    `http {
    proxy_cache_path ${join(dir, 'cache')} keys_zone=pages:1m;
    server {
        listen 127.0.0.1:8000;
        location / {
            proxy_cache pages;
            proxy_cache_valid 200 1s;
            proxy_cache_use_stale error timeout http_502 http_504;
            proxy_pass http://${backend.address};
        }
        location /any/ {
            proxy_cache pages;
            proxy_cache_valid 200 10m;
            proxy_cache_valid any 1m;
            proxy_pass http://${backend.address};
        }
    }
}
`,
    { dir },
  );
  const nginx = await startNginx(setup);
  try {
    const get = async (path: string) => (await request({ port: setup.port, path, timeoutMs: 10_000 })).status;
    await backend.revive();
    assert.equal(await get('/page'), 200, 'fetched while the backend is up: cached for 1 s');
    await backend.reset!();
    await sleep(2500);
    const got = { stale: await get('/page'), never: await get('/other'), any: await get('/any/x') };
    await sleep(300);
    const linesBefore = nginx.errorLog().split('\n').filter((l) => l.includes('[error]')).length;
    // The backend is back: the 502 of /any/x is answered from the cache, and nothing is logged for it.
    await backend.revive();
    const again = await get('/any/x');
    await sleep(300);
    const log = nginx.errorLog();
    const errors = log.split('\n').filter((l) => l.includes('[error]'));
    assert.deepEqual({ ...got, again }, { stale: 200, never: 502, any: 502, again: 502 }, log);
    assert.equal(errors.length, linesBefore, `no new error line for the cached 502:\n${log}`);
    assert.equal(backend.requests.filter((r) => r.path.startsWith('/any/')).length, 0, 'the backend never saw /any/x');
    // Both the stale 200 and the 502 left a refused line.
    for (const path of ['/page', '/other', '/any/x']) assert.ok(errors.some((l) => l.includes(`"GET ${path} HTTP/1.1"`) && l.includes('(111: Connection refused)')), `${path}:\n${log}`);

    const out = runCli(['explain', '--in', setup.confPath, '--log', setup.errorLogPath, '--format', 'json']);
    assert.equal(out.code, 0, out.stderr);
    const j = JSON.parse(out.stdout) as { explained: EntryJson[] };
    const refused = j.explained.filter((e) => e.id === 'nginx-refused');
    const of = (path: string) => {
      const e = refused.filter((x) => x.fields.path === path);
      assert.equal(e.length, 1, `one entry shown by ${path}:\n${JSON.stringify(refused, null, 1)}`);
      return e[0];
    };
    const lineOf = (text: string) => setup.text.split('\n').findIndex((l) => l.includes(text)) + 1;
    // /page (stale 200) and /other (502) failed alike at one location: the log cannot tell which got the stale copy,
    // so they are one entry of two lines, which says it may have been either.
    const both = refused.filter((x) => x.fields.path === '/page' || x.fields.path === '/other');
    assert.equal(both.length, 1, JSON.stringify(refused, null, 1));
    const e = both[0];
    assert.equal(e.count, 2);
    assert.equal(e.cache?.stale?.line, lineOf('proxy_cache_use_stale'), JSON.stringify(e));
    assert.equal(e.cache?.stale?.word, 'error');
    assert.equal(e.outcome?.stale?.line, lineOf('proxy_cache_use_stale'), JSON.stringify(e.outcome));
    assert.ok(e.notes.some((n) => /expired copy/.test(n)), JSON.stringify(e.notes));
    const any = of('/any/x');
    assert.equal(any.cache?.stale, null);
    assert.deepEqual(any.cache?.keepsError, { path: setup.confPath, line: lineOf('proxy_cache_valid any 1m'), status: '502', time: '1m' });
    assert.equal(any.outcome?.status, '502');

    const text = runCli(['explain', '--in', setup.confPath, '--log', setup.errorLogPath]).stdout;
    assert.match(text, /the client got a stale copy from the cache if it held an expired one for this request \(proxy_cache_use_stale at \S*nginx\.conf:\d+\), else 502/);
    assert.match(text, /Note: proxy_cache_valid any 1m \(\S*nginx\.conf:\d+\) covers 502: .*no new error-log line/);
    assert.match(text, /^2 × .*"GET \/(page|other) HTTP\/1\.1"/m);
  } finally {
    await nginx.stop();
    await backend.stop();
    setup.cleanup();
  }
});
