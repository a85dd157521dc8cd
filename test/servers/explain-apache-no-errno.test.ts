// With the default ErrorLogFormat, httpd writes the error in front of AH01102 (%E): "(70007)The timeout specified has
// expired" for a backend that sent nothing in time, "(20014)Internal error" or "(104)Connection reset by peer" for one
// that closed the connection. A format without %E drops it, and the two read alike. explain used to call every such
// line a closed connection; this runs the real httpd 2.4.71 with such a format, a slow backend and a closing one,
// and checks that explain names both causes for each line instead of guessing one (and still tells them apart with
// the default format).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { requireBinary } from '../helpers';
import { prepareApache, startApache } from './harness/apache';
import { request } from './harness/client';
import { explainApacheLog } from './harness/explain';
import { sleep } from './harness/proc';
import { startHttpStandin } from './standins/http';

requireBinary('apache2');

interface Entry {
  id: string;
  status: string;
  example: string;
}

async function run(errorLogFormat: string | undefined) {
  const slow = await startHttpStandin({ behaviour: 'ok', delayMs: 5000, deadlineMs: 30_000 });
  const closer = await startHttpStandin({ behaviour: 'close', deadlineMs: 30_000 });
  const setup = await prepareApache(
    [
      ...(errorLogFormat ? [errorLogFormat] : []),
      `ProxyPass "/slow/" "http://${slow.address}/slow/" timeout=1`,
      `ProxyPass "/close/" "http://${closer.address}/close/"`,
      '',
    ].join('\n'),
  );
  const httpd = await startApache(setup);
  try {
    const timedOut = await request({ port: setup.port, path: '/slow/x', timeoutMs: 10_000 });
    const closed = await request({ port: setup.port, path: '/close/x', timeoutMs: 10_000 });
    assert.equal(timedOut.status, 502);
    assert.ok(timedOut.ms >= 800, `the timeout=1 502 came after ${timedOut.ms} ms`);
    assert.equal(closed.status, 502);
    assert.ok(closed.ms < 800, `the close's 502 came after ${closed.ms} ms`);
    await sleep(200);
    const log = httpd.errorLog();
    const entries = (explainApacheLog(setup).report as unknown as { explained: Entry[] }).explained;
    return { log, entries };
  } finally {
    await httpd.stop();
    setup.cleanup();
    await slow.stop();
    await closer.stop();
  }
}

test('explain: with an ErrorLogFormat without %E, AH01102 says "timed out or closed", not "closed" (real apache2)', async () => {
  const { log, entries } = await run('ErrorLogFormat "[%{u}t] [%-m:%l] [pid %P:tid %T] [client\\ %a] %M"');
  const ah01102 = log.split('\n').filter((l) => l.includes('AH01102'));
  assert.equal(ah01102.length, 2, log);
  for (const l of ah01102) assert.doesNotMatch(l, /\(\d+\)/, `the format still wrote an error: ${l}`);
  // One entry per backend (the slow one and the closing one), both with the cause left open.
  const ids = entries.filter((e) => /AH01102/.test(e.example)).map((e) => e.id);
  assert.deepEqual(ids, ['apache-status-line-unknown-cause', 'apache-status-line-unknown-cause'], JSON.stringify(entries, null, 1));
  const e = entries.find((x) => x.id === 'apache-status-line-unknown-cause')!;
  assert.equal(e.status, '502');
});

test('explain: with the default ErrorLogFormat the same two requests are a timeout and a closed connection (real apache2)', async () => {
  const { log, entries } = await run(undefined);
  assert.match(log, /\(70007\)The timeout specified has expired: \[client [^\]]+\] AH01102/);
  assert.match(log, /\((20014|104|70014)\)[^\n]*AH01102/);
  const ids = entries.filter((e) => /AH01102/.test(e.example)).map((e) => e.id).sort();
  assert.deepEqual(ids, ['apache-closed-by-backend', 'apache-read-timeout'], JSON.stringify(entries, null, 1));
});
