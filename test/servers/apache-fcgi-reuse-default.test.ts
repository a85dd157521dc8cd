// The enablereuse= hover gave its default as "On" for every scheme. On the real apache2 (2.4.71) that holds for
// mod_proxy_http only: an fcgi:// worker opens a new connection per request (FastCGI requests without FCGI_KEEP_CONN)
// until enablereuse=on (or disablereuse=off) is written. PHP-FPM operators tune pools on the strength of this.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { apacheWorkerParamDoc } from '../../server/src/core/docs/directive-doc';
import { requireBinary } from '../helpers';
import { prepareApache, startApache } from './harness/apache';
import { request } from './harness/client';
import { startFastcgiStandin } from './standins/fastcgi';
import { startHttpStandin } from './standins/http';

requireBinary('apache2');

/** Three requests in a row through one ProxyPass; how many backend connections they used, and FCGI_KEEP_CONN per request. */
async function threeRequests(kind: 'fcgi' | 'http', params: string): Promise<{ statuses: string[]; connections: number; keepConn?: boolean[] }> {
  const backend = kind === 'fcgi' ? await startFastcgiStandin({ deadlineMs: 20_000 }) : await startHttpStandin({ behaviour: 'ok', deadlineMs: 20_000 });
  const setup = await prepareApache(`ProxyPass "/app/" "${kind}://${backend.address}/" ${params}\n`);
  const httpd = await startApache(setup);
  try {
    const statuses: string[] = [];
    for (let i = 0; i < 3; i++) statuses.push(String((await request({ port: setup.port, path: '/app/x', timeoutMs: 5000 })).status));
    const keepConn = kind === 'fcgi' ? (backend.requests as { keepConn: boolean }[]).map((r) => r.keepConn) : undefined;
    return { statuses, connections: backend.connections, keepConn };
  } finally {
    await httpd.stop();
    await backend.stop();
    setup.cleanup();
  }
}

test('fcgi:// is not pooled by default, http:// is; enablereuse=on pools fcgi:// (real apache2)', async () => {
  const fcgiDefault = await threeRequests('fcgi', '');
  assert.deepEqual(fcgiDefault.statuses, ['200', '200', '200']);
  assert.equal(fcgiDefault.connections, 3);
  assert.deepEqual(fcgiDefault.keepConn, [false, false, false]);
  const fcgiReuse = await threeRequests('fcgi', 'enablereuse=on');
  assert.equal(fcgiReuse.connections, 1);
  assert.deepEqual(fcgiReuse.keepConn, [true, true, true]);
  const httpDefault = await threeRequests('http', '');
  assert.deepEqual(httpDefault.statuses, ['200', '200', '200']);
  assert.equal(httpDefault.connections, 1);
});

test('the enablereuse= and disablereuse= hovers say fcgi:// is not pooled unless enablereuse=on is written', () => {
  const enable = apacheWorkerParamDoc('enablereuse')!;
  assert.notEqual(enable.defaultValue, 'On');
  assert.match(enable.defaultValue!, /mod_proxy_fcgi does not reuse unless it is written/);
  assert.match(enable.failure, /an `fcgi:\/\/` worker without it opened a new connection for every request/);
  const disable = apacheWorkerParamDoc('disablereuse')!;
  assert.match(disable.failure, /`fcgi:\/\/` backends are not pooled unless `enablereuse=on` is written/);
});
