// `proxylint explain --in` on the error log of a real nginx: the line nginx wrote for a 504 is placed at the server
// block and location that handled the request (two servers, nested and regex locations), with the value in force.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { requireBinary, runCli } from '../helpers';
import { request } from './harness/client';
import { prepareNginx, startNginx } from './harness/nginx';
import { startHttpStandin } from './standins/http';

requireBinary('nginx');

test('explain: the line a real nginx logs for a read timeout is placed at the location that handled it, with its proxy_read_timeout', async () => {
  const slow = await startHttpStandin({ behaviour: 'silent', deadlineMs: 30_000 });
  const setup = await prepareNginx(`http {
    proxy_read_timeout 30s;
    server {
        listen 127.0.0.1:8000;
        server_name a.test;
        location / { proxy_pass http://${slow.address}; }
    }
    server {
        listen 127.0.0.1:8000;
        server_name b.test;
        location / { proxy_pass http://${slow.address}; }
        location /reports/ {
            proxy_read_timeout 1s;
            location ~ \\.csv$ {
                proxy_pass http://${slow.address};
            }
            proxy_pass http://${slow.address};
        }
    }
}
`);
  const nginx = await startNginx(setup);
  try {
    const r = await request({ port: setup.port, path: '/reports/2026/q3.csv?x=1', headers: { Host: 'b.test' } });
    assert.equal(r.status, 504);
    const log = setup.errorLogPath;
    const out = runCli(['explain', '--in', setup.confPath, '--log', log, '--format', 'json']);
    assert.equal(out.code, 0, out.stderr);
    const j = JSON.parse(out.stdout);
    const e = j.explained.find((x: { id: string }) => x.id === 'nginx-header-timeout');
    assert.ok(e, out.stdout);
    assert.equal(e.status, '504');
    assert.equal(e.fields.serverName, 'b.test');
    assert.equal(e.place.location.match, '~ \\.csv$');
    assert.deepEqual(e.values[0], { directive: 'proxy_read_timeout', value: '1s', origin: 'inherited', at: { path: setup.confPath, line: setup.text.split('\n').findIndex((l) => l.includes('proxy_read_timeout 1s')) + 1 } });
  } finally {
    await nginx.stop();
    await slow.stop();
    setup.cleanup();
  }
});
