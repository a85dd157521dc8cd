// location-proxy-pass-slash-mismatch where the location is meant for one exact path, on a real nginx (Debian 1.22.1)
// in front of an echo stand-in that records the paths it gets:
// - a location that an auth_request names is only asked for that exact path: not reported (adding the slash, as a
//   suggestion used to, made the subrequest get a 301 and every protected request a 500);
// - `proxy_pass …/t.html` under `location /page/` sends /page/x as /t.htmlx; the suggestion is `location = /page/`,
//   after which /page/ still reaches /t.html and nothing longer is garbled.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyEdits } from '../../server/src/core/fix';
import { lintNginx } from '../../server/src/core/lint';
import { defaultSettings } from '../../server/src/core/settings';
import { createNodeHost } from '../../server/src/node/node-host';
import { requireBinary } from '../helpers';
import { request } from './harness/client';
import { nginxConfigTest, prepareNginx, rewriteNginx, startNginx } from './harness/nginx';
import { startHttpStandin } from './standins/http';

requireBinary('nginx');

const findings = (path: string, text: string) => lintNginx(path, text, createNodeHost(), { settings: defaultSettings() }).findings.filter((f) => f.ruleId === 'location-proxy-pass-slash-mismatch');

test('location-proxy-pass-slash-mismatch: an auth_request target is not reported, and a one-file target gets an exact location that a real nginx serves as before', async () => {
  const backend = await startHttpStandin({ behaviour: 'ok', deadlineMs: 60_000 });
  const setup = await prepareNginx(`http {
    server {
        listen 127.0.0.1:8000;
        location /private/ {
            auth_request /check;
            proxy_pass http://${backend.address};
        }
        location /check {
            proxy_pass http://${backend.address}/;
        }
        location /page/ {
            proxy_pass http://${backend.address}/t.html;
        }
        location / {
            return 404;
        }
    }
}
`);
  let nginx = await startNginx(setup);
  try {
    const seen = () => backend.requests.map((r) => r.path);
    assert.equal((await request({ port: setup.port, path: '/private/a' })).status, 200);
    assert.deepEqual(seen(), ['/', '/private/a'], 'the auth subrequest for /check reaches the backend as /, then the request itself');
    const f = findings(setup.confPath, setup.text);
    assert.deepEqual(f.map((x) => setup.text.slice(0, x.start).split('\n').length), [setup.text.split('\n').findIndex((l) => l.includes('/t.html')) + 1], JSON.stringify(f, null, 1));
    assert.match(f[0].message, /an exact location \(location = \/page\/\) says so/);
    assert.equal(f[0].suggestions.length, 1);
    assert.match(f[0].suggestions[0].title, /^Use "location = \/page\/"/);

    backend.requests.length = 0;
    assert.equal((await request({ port: setup.port, path: '/page/' })).status, 200);
    assert.equal((await request({ port: setup.port, path: '/page/x' })).status, 200);
    assert.deepEqual(seen(), ['/t.html', '/t.htmlx'], 'before: the longer path is garbled');

    await nginx.stop();
    rewriteNginx(setup, applyEdits(setup.text, f[0].suggestions[0].edits).text);
    assert.ok(nginxConfigTest(setup).ok, nginxConfigTest(setup).output);
    assert.deepEqual(findings(setup.confPath, setup.text), []);
    nginx = await startNginx(setup);
    backend.requests.length = 0;
    assert.equal((await request({ port: setup.port, path: '/page/' })).status, 200);
    assert.equal((await request({ port: setup.port, path: '/page/x' })).status, 404, 'a longer path now goes to another location');
    assert.deepEqual(seen(), ['/t.html'], 'after: the exact path still reaches /t.html');
  } finally {
    await nginx.stop();
    await backend.stop();
    setup.cleanup();
  }
});
