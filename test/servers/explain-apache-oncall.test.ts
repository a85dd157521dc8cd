// `proxylint explain --in` on what a real httpd (Debian 2.4.71) logs for failures an on-call review reproduced:
// - a backend that closes the connection without answering: AH01102 (20014 or 104) and then AH00898 for the same
//   request; with that AH00898 the client got 502, not "no answer at all" (a later request of a kept-alive client
//   connection, which logs no AH00898);
// - a pooled fcgi:// connection (enablereuse=on) the backend closed while httpd still sends the request: "AH01074:
//   Failed writing Environment to :port:" and 503, a line explain did not know;
// - a response header over responsefieldsize=: the value in force there is that limit, not the timeouts;
// - lines of a request with a Referer header, which httpd ends with ", referer: <url>";
// - an ErrorLogFormat that writes the virtual host's name after the message: the name is read there.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { apacheWorkerParamDoc } from '../../server/src/core/docs/directive-doc';
import { APX_LOG } from '../../server/src/core/docs/log-lines';
import { explainProblems } from '../evidence/explain-check';
import type { Observation } from '../evidence/scenario';
import { requireBinary, runCli } from '../helpers';
import { logHasLine, prepareApache, startApache } from './harness/apache';
import { request } from './harness/client';
import { sleep, waitFor } from './harness/proc';
import { startFastcgiStandin } from './standins/fastcgi';
import { startHttpStandin } from './standins/http';

requireBinary('apache2');

interface Entry {
  id: string;
  status: string;
  example: string;
  backend: { line: number; url: string; how: string } | null;
  timeouts: { name: string; value: string; origin: string }[];
}

/** httpd writes a request's error log lines after its response: wait (bounded) until they are there, not for a fixed
 * pause that a loaded machine can outrun. The assertions that follow read the log once and say what is missing. */
const logShows = (httpd: { errorLog(): string }, lines: RegExp[]) => waitFor(() => { const log = httpd.errorLog(); return lines.every((r) => r.test(log)); }, 5000);

const lineOf = (text: string, start: string) => text.split('\n').findIndex((l) => l.startsWith(start)) + 1;

test('explain: an AH01102 for a backend that closed the connection, with the AH00898 of its request after it, is a 502 for sure (real httpd)', async () => {
  const close = await startHttpStandin({ behaviour: 'close', deadlineMs: 30_000 });
  const setup = await prepareApache(`ProxyTimeout 7\nProxyPass "/close/" "http://${close.address}/"\n`);
  const httpd = await startApache(setup);
  try {
    const status = (await request({ port: setup.port, path: '/close/a', timeoutMs: 5000 })).status;
    await logShows(httpd, [/AH00898: Error reading from remote server returned by \/close\/a/]);
    const log = httpd.errorLog();
    assert.equal(status, 502, log);
    assert.match(log, /\((20014|104)\)[^\n]*AH01102: error reading status line from remote server[^\n]*\n[^\n]*AH00898: Error reading from remote server returned by \/close\/a/);
    const text = runCli(['explain', '--in', setup.confPath, '--log', setup.errorLogPath]);
    assert.equal(text.code, 0, text.stderr);
    const closed = text.stdout.split('\n\n').find((b) => b.includes('returned by /close/a'))!;
    // Said of the request as a whole (its one try), for sure: no "unless" and no "on the first request".
    assert.match(closed, /\n  The client got 502 \(this failure ends the request\)\.\n/, closed);
    assert.match(closed, /AH01102: error reading status line[^\n]*\n    Apache httpd: the request's last try, which decided what the client got \(above\)\.\n/, closed);
    assert.doesNotMatch(closed, /on the first request of a client connection/);
  } finally {
    await httpd.stop();
    await close.stop();
    setup.cleanup();
  }
});

test('explain: a response header over responsefieldsize= shows that limit in force (set on the worker, or the default), not the timeouts (real httpd)', async () => {
  const big = await startHttpStandin({ behaviour: 'big-header', headerKiB: 12, deadlineMs: 30_000 });
  // Its own backend: a second ProxyPass to the same URL would share the first one's worker and its parameters.
  const bigger = await startHttpStandin({ behaviour: 'big-header', headerKiB: 12, deadlineMs: 30_000 });
  const setup = await prepareApache(`ProxyTimeout 7
ProxyPass "/big/" "http://${big.address}/"
ProxyPass "/bigger/" "http://${bigger.address}/" responsefieldsize=10000
`);
  const httpd = await startApache(setup);
  try {
    const statuses = [];
    for (const path of ['/big/a', '/bigger/a']) statuses.push((await request({ port: setup.port, path, timeoutMs: 5000 })).status);
    await logShows(httpd, [/AH10124:[^\n]*\(8192 bytes\)/, /AH10124:[^\n]*\(10000 bytes\)/]);
    const log = httpd.errorLog();
    assert.deepEqual(statuses, [502, 502], log);
    assert.match(log, /AH10124: header size is over the limit allowed by ResponseFieldSize \(8192 bytes\)/);
    assert.match(log, /AH10124: header size is over the limit allowed by ResponseFieldSize \(10000 bytes\)/);
    const json = JSON.parse(runCli(['explain', '--in', setup.confPath, '--log', setup.errorLogPath, '--format', 'json']).stdout) as { explained: Entry[] };
    const sizes = json.explained.filter((e) => e.id === 'apache-big-header').map((e) => ({ line: e.backend?.line, values: e.timeouts.map((v) => `${v.name} ${v.value} (${v.origin})`) }));
    assert.deepEqual(sizes.sort((a, b) => a.line! - b.line!), [
      { line: lineOf(setup.text, 'ProxyPass "/big/"'), values: ['responsefieldsize 8192 bytes (the default (no responsefieldsize= on the worker))'] },
      { line: lineOf(setup.text, 'ProxyPass "/bigger/"'), values: ['responsefieldsize 10000 bytes (responsefieldsize=10000 on the worker)'] },
    ]);
    const text = runCli(['explain', '--in', setup.confPath, '--log', setup.errorLogPath]).stdout;
    assert.doesNotMatch(text, /backend timeout/, text);
  } finally {
    await httpd.stop();
    await big.stop();
    await bigger.stop();
    setup.cleanup();
  }
});

test('explain: "AH01074: Failed writing Environment" of a pooled fcgi:// connection the backend closed is known, placed at the fcgi:// worker, and a 503 (real httpd); the enablereuse hover says 503 for fcgi://', async () => {
  // Closes a kept connection idle for 300 ms when httpd reuses it; the second request carries a big environment, so
  // httpd is often still writing it when the reset comes (else it logs AH01067 and AH01075 while reading: also 503).
  const fpm = await startFastcgiStandin({ closeOnReuseAfterIdleMs: 300, deadlineMs: 60_000 });
  const setup = await prepareApache(`ProxyPass "/fpm/" "fcgi://${fpm.address}/" enablereuse=on\n`);
  const httpd = await startApache(setup);
  try {
    const pad: Record<string, string> = {};
    for (let h = 0; h < 80; h++) pad[`X-Pad-${h}`] = 'p'.repeat(8000);
    const statuses: string[] = [];
    // On a loaded machine the stand-in reacts late, httpd has sent everything, and the try logs AH01075: more tries.
    for (let i = 0; i < 16 && !/AH01074/.test(httpd.errorLog()); i++) {
      assert.equal((await request({ port: setup.port, path: `/fpm/${i}a.php`, timeoutMs: 5000 })).status, 200);
      await sleep(500);
      statuses.push(String((await request({ port: setup.port, path: `/fpm/${i}b.php`, timeoutMs: 5000, headers: pad })).status));
      await sleep(100);
    }
    const log = httpd.errorLog();
    assert.ok(statuses.every((s) => s === '503'), `${statuses}\n${log}`);
    const sent = /\((32|104)\)[^:\n]*: \[client [^\]]*\] AH01074: Failed writing Environment to :(\d+):/.exec(log);
    assert.ok(sent, `no AH01074 in ${statuses.length} tries:\n${log}`);
    assert.ok(logHasLine(log.replace(sent[0], sent[0].replace(/^\(104\)Connection reset by peer/, '(32)Broken pipe').replace(/:\d+:$/, ':46627:')), APX_LOG.fcgiSendFailed), log);
    assert.equal(sent[2], String(setup.port), 'the port is httpd\'s own (the Host header\'s), not the backend\'s');
    // Every proxy_fcgi line is known and claims the status the client got.
    const fcgiLines = log.split('\n').filter((l) => l.includes('[proxy_fcgi:'));
    assert.deepEqual(explainProblems({ statuses: ['503'], errorLog: fcgiLines.join('\n') } as Observation, 'apache', 'server test'), []);

    const json = JSON.parse(runCli(['explain', '--in', setup.confPath, '--log', setup.errorLogPath, '--format', 'json']).stdout) as { explained: Entry[] };
    const e = json.explained.find((x) => x.id === 'apache-fcgi-send-failed');
    assert.ok(e, JSON.stringify(json.explained.map((x) => x.id)));
    assert.equal(e.status, '503');
    assert.equal(e.backend?.line, lineOf(setup.text, 'ProxyPass "/fpm/"'));
    assert.match(e.backend!.how, /the line comes from mod_proxy_fcgi, which names no backend/);
    assert.deepEqual(e.timeouts, [], 'the timeouts do not decide a failed send');

    const doc = apacheWorkerParamDoc('enablereuse')!;
    assert.ok(doc.statusCodes.includes('503'), JSON.stringify(doc.statusCodes));
    assert.ok(doc.logLines.includes(APX_LOG.fcgiSendFailed));
    assert.match(doc.failure, /\*\*503\*\* through mod_proxy_fcgi/);
  } finally {
    await httpd.stop();
    await fpm.stop();
    setup.cleanup();
  }
});

test('explain reads the backend and path of httpd lines that end with ", referer: <url>" (a request with a Referer header, default ErrorLogFormat) (real httpd)', async () => {
  const silent = await startHttpStandin({ behaviour: 'silent', deadlineMs: 30_000 });
  const refused = await startHttpStandin({ behaviour: 'ok', deadlineMs: 30_000 });
  await refused.stop(); // its port now refuses connections
  const setup = await prepareApache(`ProxyPass "/slow/" "http://${silent.address}/" timeout=1\nProxyPass "/down/" "http://${refused.address}/"\n`);
  const httpd = await startApache(setup);
  try {
    const headers = { Referer: 'https://shop.example/cart?step=2' };
    const statuses = [];
    for (const path of ['/slow/a', '/down/a']) statuses.push(String((await request({ port: setup.port, path, headers, timeoutMs: 5000 })).status));
    await logShows(httpd, [/AH01102:[^\n]*, referer: /, /AH01114:[^\n]*, referer: /]);
    const log = httpd.errorLog();
    assert.deepEqual(statuses, ['502', '503'], log);
    assert.match(log, /AH01102: error reading status line from remote server 127\.0\.0\.1:\d+, referer: https:\/\/shop\.example\/cart\?step=2\n/);
    assert.match(log, /AH01114: HTTP: failed to make connection to backend: 127\.0\.0\.1, referer: https:\/\/shop\.example\/cart\?step=2\n/);
    const json = JSON.parse(runCli(['explain', '--in', setup.confPath, '--log', setup.errorLogPath, '--format', 'json']).stdout) as { explained: (Entry & { fields: { path?: string; upstream?: string } })[] };
    const at = (id: string) => json.explained.filter((e) => e.id === id).map((e) => ({ line: e.backend?.line ?? null, path: e.fields.path ?? null, upstream: e.fields.upstream ?? null }));
    const slow = lineOf(setup.text, 'ProxyPass "/slow/"');
    const down = lineOf(setup.text, 'ProxyPass "/down/"');
    assert.deepEqual(at('apache-read-timeout'), [{ line: slow, path: null, upstream: silent.address }]);
    assert.deepEqual(at('apache-read-error'), [{ line: slow, path: '/slow/a', upstream: null }]);
    assert.deepEqual(at('apache-connect-failed'), [{ line: down, path: null, upstream: refused.address }]);
    assert.deepEqual(at('apache-no-connection'), [{ line: down, path: null, upstream: '127.0.0.1' }]);
  } finally {
    await httpd.stop();
    await silent.stop();
    setup.cleanup();
  }
});

test('explain reads the server from an ErrorLogFormat that writes %v after the message ("… %M … [vhost %v]"), and gives that virtual host\'s timeout (real httpd)', async () => {
  const silent = await startHttpStandin({ behaviour: 'silent', deadlineMs: 30_000 });
  const setup = await prepareApache(
    [
      'Listen 8001',
      // Debian's format (the default's fields) with the virtual host's name added at the end.
      'ErrorLogFormat "[%{u}t] [%-m:%l] [pid %P:tid %T] %7F: %E: [client\\ %a] %M% ,\\ referer\\ %{Referer}i [vhost %v]"',
      'Timeout 4',
      `ProxyPass "/m/" "http://${silent.address}/m/"`,
      '<VirtualHost *:8001>',
      '    ServerName one.test',
      '    ProxyTimeout 1',
      '</VirtualHost>',
      '<VirtualHost *:8001>',
      '    ServerName two.test',
      '    ProxyTimeout 2',
      '</VirtualHost>',
      '',
    ].join('\n'),
  );
  const httpd = await startApache(setup);
  try {
    const port = setup.ports.get('8001')!;
    const [one, two] = await Promise.all([
      request({ port, path: '/m/a', headers: { Host: 'one.test' }, timeoutMs: 8000 }),
      request({ port, path: '/m/b', headers: { Host: 'two.test', Referer: 'http://two.test/from' }, timeoutMs: 8000 }),
    ]);
    await logShows(httpd, [/AH01102:[^\n]*\[vhost one\.test\]/, /AH00898:[^\n]*\[vhost two\.test\]/]);
    const log = httpd.errorLog();
    assert.deepEqual([one.status, two.status], [502, 502], log);
    assert.ok(one.ms >= 900 && one.ms < 1900 && two.ms >= 1900 && two.ms < 2900, `${one.ms} ms through one.test, ${two.ms} ms through two.test`);
    assert.match(log, /AH01102: error reading status line from remote server [^\n]* \[vhost one\.test\]\n/);
    // With the referer field before it, httpd 2.4.71 left the name off the AH01102 line; the AH00898 of the same
    // request has it, and the request's lines are read together.
    assert.match(log, /AH00898: Error reading from remote server returned by \/m\/b, referer http:\/\/two\.test\/from \[vhost two\.test\]\n/);
    const json = JSON.parse(runCli(['explain', '--in', setup.confPath, '--log', setup.errorLogPath, '--format', 'json']).stdout) as { explained: (Entry & { fields: { path?: string } })[] };
    const reads = json.explained.filter((e) => e.id === 'apache-read-timeout');
    const said = reads.map((e) => ({ server: /the line names the server (\S+) \(ErrorLogFormat %v\)/.exec(e.backend!.how)?.[1], timeouts: e.timeouts.map((t) => `${t.name} ${t.value} (${t.origin})`) }));
    assert.deepEqual(said.sort((a, b) => String(a.server).localeCompare(String(b.server))), [
      { server: 'one.test', timeouts: ['backend timeout 1 s (ProxyTimeout 1)', 'connect timeout 1 s (ProxyTimeout 1)'] },
      { server: 'two.test', timeouts: ['backend timeout 2 s (ProxyTimeout 2)', 'connect timeout 2 s (ProxyTimeout 2)'] },
    ], JSON.stringify(reads, null, 1));
  } finally {
    await httpd.stop();
    await silent.stop();
    setup.cleanup();
  }
});

test('explain --in: an AH01102 timeout placed at a ProxyPass lists the finding on the ProxyTimeout line that sets its wait, not only those on the ProxyPass line (real httpd)', async () => {
  // The on-call case: the app needs 3 s, ProxyTimeout says 1, users get 502. The finding that names the cause is on
  // the ProxyTimeout line; explain showed the value and its line but not what proxylint says about it.
  const slow = await startHttpStandin({ behaviour: 'ok', delayMs: 3000, deadlineMs: 30_000 });
  const setup = await prepareApache(`ProxyTimeout 1\nProxyPass "/reports/" "http://${slow.address}/reports/"\n`);
  const httpd = await startApache(setup);
  try {
    const status = (await request({ port: setup.port, path: '/reports/q3', timeoutMs: 10_000 })).status;
    await logShows(httpd, [/AH01102: error reading status line from remote server/]);
    const log = httpd.errorLog();
    assert.equal(status, 502, log);
    assert.match(log, /\(70007\)The timeout specified has expired: \[client [^\]]+\] AH01102: error reading status line from remote server/, log);
    const out = runCli(['explain', '--in', setup.confPath, '--log', setup.errorLogPath, '--format', 'json']);
    assert.equal(out.code, 0, out.stderr);
    const j = JSON.parse(out.stdout) as { explained: { id: string; findings: { ruleId: string; message: string }[] }[] };
    const e = j.explained.find((x) => x.id === 'apache-read-timeout');
    assert.ok(e, out.stdout);
    const timeoutFinding = e.findings.find((f) => f.ruleId === 'proxy-timeout-too-low');
    assert.ok(timeoutFinding, JSON.stringify(e.findings));
    assert.match(timeoutFinding.message, new RegExp(`^backends get 1 s \\(ProxyTimeout 1, line ${lineOf(setup.text, 'ProxyTimeout 1')}\\)`));
  } finally {
    await httpd.stop();
    await slow.stop();
    setup.cleanup();
  }
});
