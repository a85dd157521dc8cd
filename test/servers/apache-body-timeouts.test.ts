// Request bodies that do not move, on the real apache2 (2.4.71). Two directions, two different answers:
// - the backend does not read the body: once the backend timeout (ProxyTimeout, Timeout, or timeout=) runs out while
//   httpd is still sending, the client gets 504 (AH01084 with (70007), then AH01097). A body small enough to sit in the
//   socket buffers is "sent" at once, and the same backend gives the usual 502 for the missing status line;
// - the client stops sending its body: RequestReadTimeout body= answers 408, and httpd logs it as a [proxy:error]
//   with (70007), which reads like a backend timeout (AH01095 while the body is still being prefetched, AH02608 and
//   AH01097 once it is streamed); mod_reqtimeout's own AH01382 only shows at LogLevel reqtimeout:info.
// Each request is also put through `proxylint explain`, which must claim the status the client got.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { apacheDirectiveDoc, apacheWorkerParamDoc } from '../../server/src/core/docs/directive-doc';
import { APX_LOG } from '../../server/src/core/docs/log-lines';
import { explainLogLine } from '../../server/src/core/explain/log-patterns';
import { explainProblems } from '../evidence/explain-check';
import type { Observation } from '../evidence/scenario';
import { requireBinary } from '../helpers';
import { DEFAULT_APACHE_MODULES, logHasLine, prepareApache, startApache } from './harness/apache';
import { request } from './harness/client';
import { startHttpStandin } from './standins/http';

requireBinary('apache2');

/** What `proxylint explain` gets wrong about this error log, for a client that got `status`. */
function explainWrong(log: string, status: string): string[] {
  const o = { statuses: [status], errorLog: log } as Observation;
  return explainProblems(o, 'apache', 'server test');
}

/** One POST of `bodyBytes` through httpd to a backend that accepts the connection and never reads from it. */
async function toDeafBackend(conf: (backend: string) => string, bodyBytes: number) {
  const backend = await startHttpStandin({ behaviour: 'silent', deadlineMs: 20_000 });
  const setup = await prepareApache(conf(backend.address));
  const httpd = await startApache(setup);
  try {
    const r = await request({ port: setup.port, path: '/app/x', method: 'POST', bodyBytes, timeoutMs: 8000 });
    await new Promise((res) => setTimeout(res, 150)); // the error log lines follow the response
    return { status: String(r.status), ms: r.ms, log: httpd.errorLog() };
  } finally {
    await httpd.stop();
    await backend.stop();
    setup.cleanup();
  }
}

// 16 MB: far more than loopback's socket buffers took in the lab (3 MB still went through to a 502).
const HUGE = 16_000_000;

test('a backend that never reads a large body: 504 after ProxyTimeout, with AH01084 (70007) and AH01097 (real apache2)', async () => {
  const big = await toDeafBackend((b) => `ProxyTimeout 2\nProxyPass "/app/" "http://${b}/"\n`, HUGE);
  assert.equal(big.status, '504', big.log);
  assert.ok(big.ms >= 1800 && big.ms < 6000, `answered after ${big.ms} ms`);
  assert.ok(logHasLine(big.log, APX_LOG.passBodyTimeout), big.log);
  assert.ok(logHasLine(big.log, APX_LOG.passBodyFailedHttp), big.log);
  assert.deepEqual(explainWrong(big.log, big.status), []);

  // The control: a small body lands in the socket buffers, and the wait for the status line gives 502.
  const small = await toDeafBackend((b) => `ProxyTimeout 2\nProxyPass "/app/" "http://${b}/"\n`, 100);
  assert.equal(small.status, '502', small.log);
  assert.match(small.log, /\(70007\)The timeout specified has expired: \[client [^\]]+\] AH01102: error reading status line/);
  assert.doesNotMatch(small.log, /AH01084/);
  assert.deepEqual(explainWrong(small.log, small.status), []);
});

test('the same 504 with Timeout alone and with a worker timeout= (real apache2)', async () => {
  for (const conf of [(b: string) => `Timeout 2\nProxyPass "/app/" "http://${b}/"\n`, (b: string) => `ProxyPass "/app/" "http://${b}/" timeout=2\n`]) {
    const r = await toDeafBackend(conf, HUGE);
    assert.equal(r.status, '504', r.log);
    assert.ok(logHasLine(r.log, APX_LOG.passBodyTimeout), r.log);
    assert.deepEqual(explainWrong(r.log, r.status), []);
  }
});

/** Sends a POST head announcing `total` body bytes, then only `sent` of them, and waits for httpd's answer. */
function stalledUpload(port: number, sent: number, total: number): Promise<{ status: string; ms: number }> {
  return new Promise((resolve) => {
    const started = Date.now();
    const s = connect({ port, host: '127.0.0.1' });
    let raw = '';
    s.on('connect', () => s.write(`POST /app/x HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: ${total}\r\nConnection: close\r\n\r\n` + 'x'.repeat(sent)));
    s.on('data', (d) => (raw += d.toString('latin1')));
    s.on('error', () => undefined);
    s.on('close', () => resolve({ status: /^HTTP\/1\.1 (\d{3})/.exec(raw)?.[1] ?? 'no-response', ms: Date.now() - started }));
    setTimeout(() => s.destroy(), 8000).unref();
  });
}

async function stalledThrough(sent: number, total: number) {
  const backend = await startHttpStandin({ behaviour: 'ok', deadlineMs: 20_000 });
  const setup = await prepareApache(`RequestReadTimeout body=2\nProxyPass "/app/" "http://${backend.address}/"\n`, {
    modules: [...DEFAULT_APACHE_MODULES, 'reqtimeout'],
    logLevel: 'warn reqtimeout:info',
  });
  const httpd = await startApache(setup);
  try {
    const r = await stalledUpload(setup.port, sent, total);
    await new Promise((res) => setTimeout(res, 150));
    return { ...r, log: httpd.errorLog(), connections: backend.connections, requests: backend.requests.length };
  } finally {
    await httpd.stop();
    await backend.stop();
    setup.cleanup();
  }
}

test('RequestReadTimeout body=2: a client that stops sending its body gets 408, logged as a (70007) proxy error (real apache2)', async () => {
  // A short body is prefetched before httpd connects: the backend never sees a connection.
  const short = await stalledThrough(10, 1000);
  assert.equal(short.status, '408', short.log);
  assert.ok(short.ms >= 1800 && short.ms < 6000, `answered after ${short.ms} ms`);
  assert.equal(short.connections, 0);
  assert.ok(short.log.includes(APX_LOG.bodyReadTimeout), short.log);
  assert.ok(logHasLine(short.log, APX_LOG.prefetchTimeout), short.log);
  assert.deepEqual(explainWrong(short.log, short.status), []);

  // A long one is streamed: the backend has a connection but no whole request, and AH01097 shows up again.
  const long = await stalledThrough(50_000, 100_000);
  assert.equal(long.status, '408', long.log);
  assert.equal(long.requests, 0);
  assert.ok(long.log.includes(APX_LOG.bodyReadTimeout), long.log);
  assert.ok(logHasLine(long.log, APX_LOG.readBodyTimeout), long.log);
  assert.ok(logHasLine(long.log, APX_LOG.passBodyFailedHttp), long.log);
  assert.deepEqual(explainWrong(long.log, long.status), []);
});

test('the timeout hovers say when an unread body gives 504 and when 502; RequestReadTimeout quotes its lines', () => {
  for (const doc of [apacheDirectiveDoc('Timeout')!, apacheDirectiveDoc('ProxyTimeout')!, apacheWorkerParamDoc('timeout')!]) {
    assert.match(doc.failure, /\*\*504\*\*/, doc.name);
    assert.match(doc.failure, /socket buffers/, doc.name);
    assert.ok(doc.logLines.includes(APX_LOG.passBodyTimeout), doc.name);
  }
  const rrt = apacheDirectiveDoc('RequestReadTimeout')!;
  assert.deepEqual(rrt.statusCodes, ['408']);
  for (const line of [APX_LOG.prefetchTimeout, APX_LOG.readBodyTimeout, APX_LOG.bodyReadTimeout]) assert.ok(rrt.logLines.includes(line), line);
  assert.match(rrt.failure, /reqtimeout:info/);
  for (const line of [APX_LOG.passBodyTimeout, APX_LOG.prefetchTimeout, APX_LOG.readBodyTimeout]) assert.ok(explainLogLine(line), line);
});
