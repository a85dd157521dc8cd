// cached-error-responses and where a *_cache_valid list applies, on a real nginx (Debian 1.22.1). An http-level
// `proxy_cache_valid any 10m` keeps nginx's own 502 only in a location that caches and has no list of its own:
// with the backend down and then back, /own/ (its own list) and / (no proxy_cache) answered 200 at once, /inherits/
// kept answering the cached 502. The rule reports the http line once, pointing at /inherits/ only; without that
// location it reports nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { lintText, requireBinary } from '../helpers';
import { request } from './harness/client';
import { prepareNginx, startNginx, tempDir } from './harness/nginx';
import { refusedPort } from './standins/http';

requireBinary('nginx');

const config = (dir: string, backend: string, inherits: boolean) => `http {
    proxy_cache_path ${join(dir, 'cache')} keys_zone=pages:1m;
    proxy_cache_valid any 10m;
    server {
        listen 127.0.0.1:8000;
        location /own/ {
            proxy_cache pages;
            proxy_cache_valid 200 10m;
            proxy_pass http://${backend};
        }
${inherits ? `        location /inherits/ {
            proxy_cache pages;
            proxy_pass http://${backend};
        }
` : ''}        location / {
            proxy_pass http://${backend};
        }
    }
}
`;

test('cached-error-responses: an http-level list is reported where a caching location takes it, not where locations write their own or cache nothing', { timeout: 60_000 }, async () => {
  const backend = await refusedPort();
  const dir = tempDir('proxylint-cache-scope-');
  const setup = await prepareNginx(config(dir, backend.address, true), { dir });
  const nginx = await startNginx(setup);
  try {
    const get = async (path: string) => (await request({ port: setup.port, path, timeoutMs: 10_000 })).status;
    const down = { own: await get('/own/x'), inherits: await get('/inherits/x'), plain: await get('/x') };
    await backend.revive();
    const back = { own: await get('/own/x'), inherits: await get('/inherits/x'), plain: await get('/x') };
    assert.deepEqual({ down, back }, { down: { own: 502, inherits: 502, plain: 502 }, back: { own: 200, inherits: 502, plain: 200 } }, nginx.errorLog());
    assert.equal(backend.requests.filter((r) => r.path.startsWith('/inherits/')).length, 0, 'the cached 502 was answered without the backend');
  } finally {
    await nginx.stop();
    await backend.stop();
    setup.cleanup();
  }

  const lineOf = (text: string, needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;
  const text = config('/tmp/c', '127.0.0.1:9', true);
  const r = lintText('events {}\n' + text);
  const found = r.findings.filter((f) => f.ruleId === 'cached-error-responses');
  assert.equal(found.length, 1, found.map((f) => f.message).join('\n'));
  assert.equal(r.at(found[0]).line, lineOf('events {}\n' + text, 'proxy_cache_valid any 10m'));
  assert.deepEqual(found[0].related?.map((x) => x.message), ['applies here: location /inherits/ caches ("proxy_cache pages;") and takes this list']);
  const none = lintText('events {}\n' + config('/tmp/c', '127.0.0.1:9', false));
  assert.deepEqual(none.findings.filter((f) => f.ruleId === 'cached-error-responses'), []);
});
