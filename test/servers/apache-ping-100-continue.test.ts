// The worker ping= hover once promised that a hung backend "fails the request quickly instead of after the full
// timeout". On the real apache2 (2.4.71) mod_proxy_http sends `Expect: 100-continue` only with a request body: a GET
// to a hung backend still waits the whole timeout (502), a POST gets 503 after ping seconds. A backend that never
// sends 100 Continue (the stand-in, like some small servers, waits for the body) fails every POST the same way.
// explain takes the AH01102 of such a request (the AH00898 after it says "Timeout on 100-Continue") for that 503, not
// for a read timeout's 502, with the wait it ran into: ping= when set, else the backend timeout.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { apacheWorkerParamDoc } from '../../server/src/core/docs/directive-doc';
import { APX_LOG } from '../../server/src/core/docs/log-lines';
import { requireBinary, runCli } from '../helpers';
import { prepareApache, startApache } from './harness/apache';
import { request } from './harness/client';
import { explainApacheLog } from './harness/explain';
import { startHttpStandin, type HttpBehaviour } from './standins/http';

requireBinary('apache2');

async function once(behaviour: HttpBehaviour, params: string, method: 'GET' | 'POST') {
  const backend = await startHttpStandin({ behaviour, deadlineMs: 20_000 });
  const setup = await prepareApache(`ProxyPass "/app/" "http://${backend.address}/" ${params}\n`);
  const httpd = await startApache(setup);
  try {
    const r = await request({ port: setup.port, path: '/app/x', method, ...(method === 'POST' ? { bodyBytes: 100 } : {}), timeoutMs: 8000 });
    await new Promise((res) => setTimeout(res, 150)); // the error log line follows the response
    return { status: String(r.status), ms: r.ms, log: httpd.errorLog(), answered: backend.requests.length };
  } finally {
    await httpd.stop();
    await backend.stop();
    setup.cleanup();
  }
}

test('ping=1 timeout=3: a GET to a hung backend still waits 3 s (502), a POST gets 503 after 1 s (real apache2)', async () => {
  const get = await once('silent', 'ping=1 timeout=3', 'GET');
  assert.equal(get.status, '502', get.log);
  assert.ok(get.ms >= 2800, `GET answered after ${get.ms} ms`);
  assert.doesNotMatch(get.log, /100-Continue/);

  const post = await once('silent', 'ping=1 timeout=3', 'POST');
  assert.equal(post.status, '503', post.log);
  assert.ok(post.ms < 2500, `POST answered after ${post.ms} ms`);
  assert.ok(post.log.includes(APX_LOG.pingTimeout), post.log);

  // A healthy backend that does not send 100 Continue: 503 with ping, 200 without.
  const noContinue = await once('ok', 'ping=1 timeout=3', 'POST');
  assert.equal(noContinue.status, '503', noContinue.log);
  assert.equal(noContinue.answered, 0, 'the body never reached the backend');
  assert.ok(noContinue.log.includes(APX_LOG.pingTimeout), noContinue.log);
  assert.equal((await once('ok', 'timeout=3', 'POST')).status, '200');
});

test('the ping= hover says it covers requests with a body only, and what a backend without 100 Continue gets', () => {
  const doc = apacheWorkerParamDoc('ping')!;
  assert.doesNotMatch(doc.failure, /fails the request quickly instead of after the full timeout/);
  assert.match(doc.failure, /covers requests with a body only/);
  assert.match(doc.failure, /a GET to the same backend still waited the full 3 s and got the usual 502/);
  assert.match(doc.failure, /never sends `100 Continue`/);
  assert.deepEqual(doc.statusCodes, ['503']);
  assert.ok(doc.logLines.includes(APX_LOG.pingTimeout));
});

test('explain: an AH01102 followed by "AH00898: Timeout on 100-Continue" is a 503, after ping= when set, else after the backend timeout (real apache2)', async () => {
  const backend = await startHttpStandin({ behaviour: 'silent', deadlineMs: 20_000 });
  const setup = await prepareApache(`ProxyPass "/ping/" "http://${backend.address}/ping/" ping=1 timeout=3\nProxyPass "/up/" "http://${backend.address}/up/" timeout=2\n`);
  const httpd = await startApache(setup);
  try {
    // With ping=1 httpd asks for 100 Continue itself; without it, a client that sends "Expect: 100-continue" makes it ask.
    const [ping, up] = await Promise.all([
      request({ port: setup.port, path: '/ping/x', method: 'POST', bodyBytes: 100, timeoutMs: 8000 }),
      request({ port: setup.port, path: '/up/x', method: 'POST', bodyBytes: 100, headers: { Expect: '100-continue' }, timeoutMs: 8000 }),
    ]);
    assert.equal(ping.status, 503);
    assert.ok(ping.ms >= 800 && ping.ms < 2500, `ping=1: ${ping.ms} ms`);
    assert.equal(up.status, 503);
    assert.ok(up.ms >= 1800 && up.ms < 3500, `timeout=2: ${up.ms} ms`);
    await new Promise((res) => setTimeout(res, 200));
    const log = httpd.errorLog();
    assert.equal((log.match(/AH01102: error reading status line/g) ?? []).length, 2, log);
    assert.equal((log.match(/AH00898: Timeout on 100-Continue returned by \/(ping|up)\/x/g) ?? []).length, 2, log);

    const j = explainApacheLog(setup).report as unknown as { explained: { id: string; status: string; backend: { line: number } | null; timeouts: { name: string; value: string; origin: string }[] }[] };
    const waits = j.explained.filter((e) => e.id === 'apache-100-continue-no-answer');
    const lineOf = (route: string) => setup.text.split('\n').findIndex((l) => l.startsWith(`ProxyPass "/${route}/"`)) + 1;
    assert.deepEqual(
      waits.map((e) => [e.backend?.line, e.status, e.timeouts.map((t) => `${t.name} ${t.value} (${t.origin})`)]).sort(),
      [
        [lineOf('ping'), '503', ['wait for 100 Continue 1 s (ping=1 on the worker)']],
        [lineOf('up'), '503', ['wait for 100 Continue 2 s (timeout=2 on the worker: no ping= on the worker, so the backend timeout)']],
      ].sort(),
      JSON.stringify(j, null, 1),
    );
    assert.equal(j.explained.filter((e) => e.id === 'apache-read-timeout').length, 0, 'no AH01102 of these requests is said to be a 502');
    const text = runCli(['explain', '--in', setup.confPath, '--log', setup.errorLogPath]);
    assert.doesNotMatch(text.stdout, /the client got 502/, text.stdout);
  } finally {
    await httpd.stop();
    await backend.stop();
    setup.cleanup();
  }
});
