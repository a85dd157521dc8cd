// A connect timeout of 0 (proxy_connect_timeout 0, any module's *_connect_timeout 0) on the real nginx (Debian 1.22.1):
// the timer fires before the connection to the backend is up, so every request gets 504 ("upstream timed out … while
// connecting to upstream"), even with a healthy backend on 127.0.0.1; in stream, every connection is closed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { NGX_LOG } from '../../server/src/core/docs/log-lines';
import { lintText, requireBinary } from '../helpers';
import { request } from './harness/client';
import { prepareNginx, startNginx } from './harness/nginx';
import { startHttpStandin } from './standins/http';

requireBinary('nginx');

const CONF = (backend: string) => `http {
    server {
        listen 127.0.0.1:18050;
        location /zero/ {
            proxy_pass http://${backend};
            proxy_connect_timeout 0;
        }
        location /ok/ {
            proxy_pass http://${backend};
        }
    }
}
stream {
    server {
        listen 127.0.0.1:18051;
        proxy_connect_timeout 0;
        proxy_pass ${backend};
    }
}
`;

test('proxy_connect_timeout 0: every request 504 before the backend is reached, every stream connection closed; proxylint reports both (real nginx)', async () => {
  const backend = await startHttpStandin({ behaviour: 'ok', deadlineMs: 30_000 });
  const setup = await prepareNginx(CONF(backend.address));
  const nginx = await startNginx(setup);
  try {
    const port = setup.ports.get('127.0.0.1:18050')!;
    const statuses: (number | string)[] = [];
    for (let k = 0; k < 5; k++) statuses.push((await request({ port, path: '/zero/x' })).status);
    assert.deepEqual(statuses, [504, 504, 504, 504, 504]);
    assert.equal((await request({ port, path: '/ok/x' })).status, 200, 'the backend itself answers');
    const streamPort = setup.ports.get('127.0.0.1:18051')!;
    const got = await new Promise<string>((resolve) => {
      const s = connect({ port: streamPort, host: '127.0.0.1' });
      let data = '';
      s.on('connect', () => s.write('GET / HTTP/1.0\r\n\r\n'));
      s.on('data', (d) => (data += d.toString()));
      s.on('error', () => undefined);
      s.on('close', () => resolve(data));
      setTimeout(() => s.destroy(), 5000).unref();
    });
    assert.equal(got, '', 'no byte of the backend reached the client');
    await new Promise((r) => setTimeout(r, 200));
    const log = nginx.errorLog();
    assert.ok(log.split('\n').filter((l) => l.includes(NGX_LOG.connectTimeout)).length >= 6, log);
  } finally {
    await nginx.stop();
    await backend.stop();
    setup.cleanup();
  }
  const r = lintText(CONF('127.0.0.1:18052').replace(/^/, 'events {}\n'));
  const found = r.findings.filter((f) => f.ruleId === 'read-timeout-too-low' && /connect_timeout 0/.test(f.message));
  assert.equal(found.length, 2, JSON.stringify(r.findings.map((f) => f.message), null, 1));
});
