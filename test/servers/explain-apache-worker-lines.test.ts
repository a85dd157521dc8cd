// `proxylint explain --in` on the error log of a real httpd (Debian 2.4.71) for the two lines httpd writes when it
// gives a worker up without connecting, each naming the worker's backend as "(host:port)":
// - AH00940 "disabled connection for": a ProxyPass with retry=5 status=-I to a refused port (the first request fails
//   to connect and puts the worker in error state, the next ones get 503 at once), and one with status=+D. A ProxyPass
//   without status=-I is not put in error state: each request tries the backend again.
// - AH00941 "failed to acquire connection for": max=1 acquire=500, a second request while the first holds the
//   connection.
// Each line is placed at the ProxyPass of its own port, although other workers share the host.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { APX_LOG } from '../../server/src/core/docs/log-lines';
import { explainProblems } from '../evidence/explain-check';
import type { Observation } from '../evidence/scenario';
import { requireBinary, runCli } from '../helpers';
import { logHasLine, prepareApache, startApache } from './harness/apache';
import { request } from './harness/client';
import { freePort } from './harness/ports';
import { explainApacheLog, proxyPassLine } from './harness/explain';
import { waitFor } from './harness/proc';
import { refusedPort, startHttpStandin } from './standins/http';

requireBinary('apache2');


test('explain: AH00940 lines of a real httpd are placed at the ProxyPass of the host and port they name (real apache2)', async () => {
  const a = await refusedPort();
  const d = await refusedPort();
  const b = await freePort();
  const live = await startHttpStandin({ behaviour: 'ok', deadlineMs: 20_000 });
  const setup = await prepareApache(
    [
      `ProxyPass "/a/" "http://127.0.0.1:${a.port}/" retry=5 status=-I`,
      `ProxyPass "/b/" "http://127.0.0.1:${b}/" status=+D`,
      `ProxyPass "/c/" "http://${live.address}/"`,
      `ProxyPass "/d/" "http://127.0.0.1:${d.port}/" retry=5`,
      '',
    ].join('\n'),
  );
  const httpd = await startApache(setup);
  try {
    const statuses: string[] = [];
    for (const path of ['/a/1', '/a/2', '/a/3', '/b/1', '/d/1', '/d/2', '/c/1']) statuses.push(String((await request({ port: setup.port, path, timeoutMs: 5000 })).status));
    assert.deepEqual(statuses, ['503', '503', '503', '503', '503', '503', '200']);
    const inError = (port: number, log = httpd.errorLog()) => (log.match(new RegExp(`^\\[[^\\]]+\\] \\[proxy:error\\] \\[pid \\d+:tid \\d+\\] AH00940: http: disabled connection for \\(127\\.0\\.0\\.1:${port}\\)$`, 'gm')) ?? []).length;
    // The error log lines follow the responses: wait for the last ones expected (bounded; a loaded machine can take
    // longer than a fixed pause), then check every count on one reading.
    await waitFor(() => inError(a.port) >= 2 && inError(b) >= 1, 5000);
    const log = httpd.errorLog();
    assert.ok(logHasLine(log, APX_LOG.workerInError), log);
    assert.equal(inError(a.port, log), 2, `after the failed connect (AH00959 … for 5s), the next two requests: ${log}`);
    assert.equal(inError(b, log), 1, 'status=+D: from the first request on');
    assert.equal(inError(d.port, log), 0, 'without status=-I the worker is not put in error state');
    assert.equal((log.match(new RegExp(`AH00957: http: attempt to connect to 127\\.0\\.0\\.1:${d.port} `, 'g')) ?? []).length, 2, 'each request tried it again');
    assert.match(log, new RegExp(`AH00959: ap_proxy_connect_backend disabling worker for \\(127\\.0\\.0\\.1:${a.port}\\) for 5s`));
    // Every line is from a request that got 503.
    assert.deepEqual(explainProblems({ statuses: ['503'], errorLog: log } as Observation, 'apache', 'server test'), []);

    const j = explainApacheLog(setup).report;
    const at = j.explained.filter((e) => e.id === 'apache-worker-in-error').map((e) => ({ line: e.backend?.line, count: e.count, alone: e.alone, how: e.backend?.how }));
    assert.deepEqual(at, [
      { line: proxyPassLine(setup, 'a'), count: 2, alone: 2, how: `its backend is 127.0.0.1:${a.port}` },
      { line: proxyPassLine(setup, 'b'), count: 1, alone: 1, how: `its backend is 127.0.0.1:${b}` },
    ], JSON.stringify(j, null, 1));
    // Each of these workers is a plain ProxyPass, with no balancer member to go on to: every request got 503
    // (asserted above), and the explanation says so without an "unless".
    const text = runCli(['explain', '--in', setup.confPath, '--log', setup.errorLogPath]);
    assert.equal(text.code, 0, text.stderr);
    const said = (text.stdout.match(/^ *Apache httpd: the client got [^\n]*$/gm) ?? []).map((l) => l.trim());
    assert.ok(said.length >= 2, text.stdout);
    assert.deepEqual([...new Set(said)], ['Apache httpd: the client got 503.'], text.stdout);
  } finally {
    await httpd.stop();
    await live.stop();
    await a.stop();
    await d.stop();
    setup.cleanup();
  }
});

test('explain: the AH00941 line of a real httpd is placed at the ProxyPass of the host and port it names (real apache2)', async () => {
  const backend = await startHttpStandin({ behaviour: 'ok', delayMs: 2000, deadlineMs: 20_000 });
  const other = await freePort();
  const setup = await prepareApache(`ProxyPass "/other/" "http://127.0.0.1:${other}/"\nProxyPass "/app/" "http://${backend.address}/" max=1 acquire=500\n`);
  const httpd = await startApache(setup);
  try {
    const first = request({ port: setup.port, path: '/app/1', timeoutMs: 8000 });
    // The second request must come while the first holds the one connection: wait until the backend has it (the
    // backend answers after 2 s), not a fixed pause that a loaded machine can outrun.
    assert.ok(await waitFor(() => backend.requests.length >= 1, 1500), 'the first request reached the backend');
    const second = await request({ port: setup.port, path: '/app/2', timeoutMs: 8000 });
    assert.equal((await first).status, 200);
    assert.equal(second.status, 503);
    await waitFor(() => logHasLine(httpd.errorLog(), APX_LOG.acquireFailed), 5000); // the line follows the response
    const log = httpd.errorLog();
    assert.ok(logHasLine(log, APX_LOG.acquireFailed), log);
    assert.match(log, new RegExp(`^\\[[^\\]]+\\] \\[proxy:error\\] \\[pid \\d+:tid \\d+\\] \\(70007\\)The timeout specified has expired: AH00941: http: failed to acquire connection for \\(127\\.0\\.0\\.1:${backend.port}\\)$`, 'm'));

    const j = explainApacheLog(setup).report;
    const acquire = j.explained.filter((e) => e.id === 'apache-acquire-failed');
    assert.deepEqual(acquire.map((e) => ({ line: e.backend?.line, count: e.count, how: e.backend?.how })), [{ line: proxyPassLine(setup, 'app'), count: 1, how: `its backend is 127.0.0.1:${backend.port}` }], JSON.stringify(j, null, 1));
  } finally {
    await httpd.stop();
    await backend.stop();
    setup.cleanup();
  }
});
