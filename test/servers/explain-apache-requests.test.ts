// `proxylint explain --in` on the error log of a real httpd (Debian 2.4.71): three ProxyPass routes to refused ports,
// two by 127.0.0.1 and one by localhost. Each failed request logs AH00957 (the port) and then AH01114, which names the
// host only; httpd's threads serve the requests in parallel, and one thread may serve several of them in a row. The
// lines of one request are grouped by [pid:tid], and each AH01114 is placed at the ProxyPass of its own port.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { explainProblems } from '../evidence/explain-check';
import type { Observation } from '../evidence/scenario';
import { requireBinary, runCli } from '../helpers';
import { prepareApache, startApache } from './harness/apache';
import { explainApacheLog, proxyPassLine } from './harness/explain';
import { request } from './harness/client';
import { refusedPort } from './standins/http';

requireBinary('apache2');


test('explain: each AH01114 a real httpd logs (host only) is placed at the ProxyPass of the port its AH00957 names, and the two lines are one request', async () => {
  const a = await refusedPort();
  const b = await refusedPort();
  const c = await refusedPort();
  const setup = await prepareApache(`ProxyPass "/a/" "http://127.0.0.1:${a.port}/"\nProxyPass "/b/" "http://127.0.0.1:${b.port}/"\nProxyPass "/c/" "http://localhost:${c.port}/"\n`);
  const httpd = await startApache(setup);
  try {
    // In parallel (several threads, lines interleaved) and one after the other (often the same thread again).
    const wanted: Record<string, number> = { a: 4, b: 2, c: 2 };
    const parallel = await Promise.all(['a', 'b', 'a', 'c', 'b', 'a'].map((r, i) => request({ port: setup.port, path: `/${r}/${i}`, timeoutMs: 5000 })));
    const serial = [await request({ port: setup.port, path: '/c/6', timeoutMs: 5000 }), await request({ port: setup.port, path: '/a/7', timeoutMs: 5000 })];
    const statuses = [...parallel, ...serial].map((r) => String(r.status));
    assert.deepEqual(statuses, Array(8).fill('503'));
    await new Promise((res) => setTimeout(res, 200)); // the error log lines follow the response
    const log = httpd.errorLog();
    assert.equal(log.match(/AH01114/g)?.length, 8, log);
    assert.deepEqual(explainProblems({ statuses, errorLog: log } as Observation, 'apache', 'server test'), []);

    const { report: j, stdout } = explainApacheLog(setup);
    const lineOf = (route: string) => proxyPassLine(setup, route);
    for (const route of ['a', 'b', 'c']) {
      for (const id of ['apache-connect-failed', 'apache-no-connection']) {
        const at = j.explained.filter((e) => e.id === id && e.backend?.line === lineOf(route));
        assert.equal(at.reduce((n, e) => n + e.count, 0), wanted[route], `${id} at /${route}/ (line ${lineOf(route)}):\n${stdout}\n${log}`);
      }
    }
    const noConnection = j.explained.filter((e) => e.id === 'apache-no-connection');
    assert.ok(noConnection.every((e) => /the AH00957 line before it in the same request \(same httpd thread\) names the port/.test(e.backend!.how) && !/does not say which/.test(e.backend!.how)), stdout);
    // Every request is one group of its two lines: AH00957, then AH01114 naming the same backend.
    assert.equal(j.requests.reduce((n, r) => n + r.count, 0), 8, stdout);
    for (const r of j.requests) {
      assert.deepEqual(r.lines.map((l) => j.explained[l.explained].id), ['apache-connect-failed', 'apache-no-connection'], JSON.stringify(r));
      assert.equal(j.explained[r.lines[0].explained].backend!.line, j.explained[r.lines[1].explained].backend!.line);
    }
    assert.ok(j.explained.every((e) => e.alone === 0), 'no line of a failed request is left on its own');

    const text = runCli(['explain', '--in', setup.confPath, '--log', setup.errorLogPath]);
    assert.match(text.stdout, /one request, logged in 2 lines by one httpd thread \((the first: )?pid \d+:tid \d+, client 127\.0\.0\.1:\d+\):/);
    assert.match(text.stdout, /16 lines explained \(6 distinct; 8 httpd requests of several lines\)/);
  } finally {
    await httpd.stop();
    await a.stop();
    await b.stop();
    await c.stop();
    setup.cleanup();
  }
});
