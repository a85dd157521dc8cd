// A read timeout of 0 (proxy_read_timeout 0) on the real nginx (Debian 1.22.1): 0 is not "no limit", the timer fires
// before the backend can answer, so every request gets 504 ("upstream timed out … while reading response header from
// upstream"), even from a healthy backend on 127.0.0.1, and in a health-probe location as much as anywhere else.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NGX_LOG } from '../../server/src/core/docs/log-lines';
import { lintText, requireBinary } from '../helpers';
import { request } from './harness/client';
import { prepareNginx, startNginx } from './harness/nginx';
import { startHttpStandin } from './standins/http';

requireBinary('nginx');

const CONF = (backend: string) => `http {
    server {
        listen 127.0.0.1:18053;
        location = /healthz {
            proxy_pass http://${backend};
            proxy_read_timeout 0;
        }
        location /ok/ {
            proxy_pass http://${backend};
        }
    }
}
`;

test('proxy_read_timeout 0: every request 504 from a healthy backend, a health probe too; proxylint reports it (real nginx)', async () => {
  const backend = await startHttpStandin({ behaviour: 'ok', deadlineMs: 30_000 });
  const setup = await prepareNginx(CONF(backend.address));
  const nginx = await startNginx(setup);
  try {
    const port = setup.ports.get('127.0.0.1:18053')!;
    const statuses: (number | string)[] = [];
    for (let k = 0; k < 5; k++) statuses.push((await request({ port, path: '/healthz' })).status);
    assert.deepEqual(statuses, [504, 504, 504, 504, 504]);
    assert.equal((await request({ port, path: '/ok/x' })).status, 200, 'the backend itself answers');
    await new Promise((r) => setTimeout(r, 200));
    const log = nginx.errorLog();
    assert.ok(log.split('\n').filter((l) => l.includes(NGX_LOG.headerTimeout)).length >= 5, log);
  } finally {
    await nginx.stop();
    await backend.stop();
    setup.cleanup();
  }
  const r = lintText(CONF('127.0.0.1:18054').replace(/^/, 'events {}\n'));
  const found = r.findings.filter((f) => f.ruleId === 'read-timeout-too-low');
  assert.equal(found.length, 1, JSON.stringify(r.findings.map((f) => f.message), null, 1));
  assert.match(found[0].message, /0 does not turn the timeout off/);
});
