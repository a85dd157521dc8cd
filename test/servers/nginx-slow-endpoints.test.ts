// long-lived-location-default-timeout on endpoints that answer late (a long poll the backend holds, an LLM completion
// that is not streamed): while no response header has come back, nginx waits proxy_read_timeout, then answers 504
// and logs "upstream timed out (110: Connection timed out) while reading response header from upstream" at [error].
// Checked on the real nginx (Debian 1.22.1) with a 1 s read timeout and a stand-in that answers after 2 s; the
// rule's suggestion (proxy_read_timeout 10m) then lets the answer through (200).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyEdits } from '../../server/src/core/fix';
import { lintNginx } from '../../server/src/core/lint';
import { defaultSettings } from '../../server/src/core/settings';
import { memHost, requireBinary } from '../helpers';
import { nginxConfigTest, prepareNginx, rewriteNginx, startNginx, type NginxSetup } from './harness/nginx';
import { request } from './harness/client';
import { startHttpStandin } from './standins/http';

requireBinary('nginx');

const RULE = 'long-lived-location-default-timeout';
const lint = (setup: NginxSetup) => lintNginx(setup.confPath, setup.text, memHost({ [setup.confPath]: setup.text }), { settings: defaultSettings() }).findings.filter((f) => f.ruleId === RULE);
const PATHS: [string, string][] = [['/v1/chat/completions', 'POST'], ['/api/generate', 'POST'], ['/longpoll', 'GET'], ['/long-polling/', 'GET']];

async function statuses(setup: NginxSetup): Promise<{ status: number | string; ms: number }[]> {
  const nginx = await startNginx(setup);
  try {
    return await Promise.all(PATHS.map(([path, method]) => request({ port: setup.port, path, method, ...(method === 'POST' ? { body: '{"stream": false}' } : {}), timeoutMs: 8000 }).then((r) => ({ status: r.status, ms: r.ms }))));
  } finally {
    await new Promise((r) => setTimeout(r, 150));
    const log = nginx.errorLog();
    await nginx.stop();
    lastLog = log;
  }
}
let lastLog = '';

test(`${RULE}: a late answer past proxy_read_timeout is a 504 with "while reading response header from upstream" on the long-poll and LLM locations it reports, and its suggestion lets it through (real nginx)`, async () => {
  const backend = await startHttpStandin({ behaviour: 'ok', delayMs: 2000, deadlineMs: 60_000 });
  const setup = await prepareNginx(`events {}
http {
    proxy_read_timeout 1s;
    server {
        listen 127.0.0.1:8000;
        location = /v1/chat/completions {
            proxy_pass http://${backend.address};
        }
        location ~ ^/api/generate$ {
            proxy_read_timeout 1s;
            proxy_pass http://${backend.address};
        }
        location /longpoll {
            proxy_pass http://${backend.address};
        }
        location /long-polling/ {
            proxy_buffering off;
            proxy_pass http://${backend.address};
        }
    }
}
`);
  try {
    const found = lint(setup);
    const lineOf = (o: number) => setup.text.slice(0, o).split('\n').length;
    const lines = setup.text.split('\n');
    assert.deepEqual(found.map((f) => lines[lineOf(f.start) - 1].trim().split(' ')[0]), ['proxy_pass', 'proxy_read_timeout', 'proxy_pass', 'proxy_pass'], found.map((f) => f.message).join('\n'));
    assert.match(found[0].message, /^location "\/v1\/chat\/completions" serves an LLM API \(its path is a text-generation endpoint\) and keeps proxy_read_timeout 1s: a completion that is not streamed .* takes longer than 1 s gets 504 from nginx \("upstream timed out \(110: Connection timed out\) while reading response header from upstream"/);
    assert.match(found[2].message, /^long-poll location "\/longpoll" keeps proxy_read_timeout 1s: a poll the backend holds for longer than 1 s before it answers gets 504/);
    // /long-polling/ with buffering off is the event-stream kind the rule had before: its own wording.
    assert.match(found[3].message, /^event-stream location "\/long-polling\/"/);

    const before = await statuses(setup);
    for (const [k, r] of before.entries()) {
      assert.equal(r.status, 504, PATHS[k][0]);
      assert.ok(r.ms >= 900 && r.ms < 1900, `${PATHS[k][0]}: ${r.ms} ms`);
    }
    for (const [path, method] of PATHS) {
      assert.match(lastLog, new RegExp(`\\[error\\] [^\\n]*upstream timed out \\(110: Connection timed out\\) while reading response header from upstream, [^\\n]*request: "${method} ${path} HTTP/1\\.1"`), path);
    }

    rewriteNginx(setup, applyEdits(setup.text, found.flatMap((f) => f.suggestions[0]?.edits ?? [])).text);
    assert.equal(setup.text.match(/proxy_read_timeout 10m;/g)?.length, 3, setup.text);
    assert.ok(nginxConfigTest(setup).ok, nginxConfigTest(setup).output);
    assert.deepEqual(lint(setup).map((f) => f.message.slice(0, 30)), []);
    const after = await statuses(setup);
    for (const [k, r] of after.entries()) assert.equal(r.status, 200, PATHS[k][0]);
  } finally {
    await backend.stop();
    setup.cleanup();
  }
});
