// proxy-timeout-too-low, proxytimeout-inherits-timeout and no-connectiontimeout judge a main-server ProxyPass with the
// ProxyTimeout or Timeout of each server that reaches it. This runs the real httpd with three Listen ports (two
// virtual hosts, one left to the main server) and checks the waits the three rules' messages state against the times
// measured through each server: a slow HTTP stand-in for the reads, a port that never completes the handshake for the
// connects.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintApache } from '../../server/src/core/lint-apache';
import { defaultSettings } from '../../server/src/core/settings';
import { createNodeHost } from '../../server/src/node/node-host';
import { requireBinary } from '../helpers';
import { prepareApache, startApache } from './harness/apache';
import { request, type Response } from './harness/client';
import { sleep } from './harness/proc';
import { startBlackhole } from './standins/blackhole';
import { startHttpStandin } from './standins/http';

requireBinary('apache2');

/** `r` came after about `seconds` with `status` (httpd's timers fire on time; the machine may answer a little after). */
function about(r: Response, status: number, seconds: number, what: string): void {
  assert.equal(r.status, status, `${what}: ${r.status} after ${r.ms} ms`);
  assert.ok(r.ms >= seconds * 1000 - 300 && r.ms < seconds * 1000 + 1500, `${what}: ${r.ms} ms, not about ${seconds} s`);
}

test('the waits proxy-timeout-too-low, proxytimeout-inherits-timeout and no-connectiontimeout state for a main-server ProxyPass reached through virtual hosts are the ones httpd keeps (real apache2)', async (t) => {
  // b.test's Timeout 61 is the shortest value proxytimeout-inherits-timeout reports (above 60 s): its two requests
  // take a minute, run alongside the others.
  const backend = await startHttpStandin({ behaviour: 'ok', delayFor: (p) => (p.includes('/slow') ? 75_000 : undefined), deadlineMs: 100_000 });
  const hole = await startBlackhole(100_000);
  const setup = await prepareApache(
    [
      'Listen 8001',
      'Listen 8002',
      'Listen 8003',
      'Timeout 8',
      `ProxyPass "/m/" "http://${backend.address}/m/"`,
      `ProxyPass "/c/" "http://${hole.address}/c/"`,
      '<VirtualHost *:8001>',
      '    ServerName a.test',
      '    ProxyTimeout 2',
      '</VirtualHost>',
      '<VirtualHost *:8002>',
      '    ServerName b.test',
      '    Timeout 61',
      '</VirtualHost>',
      '',
    ].join('\n'),
  );
  const [a, b, main] = ['8001', '8002', '8003'].map((p) => setup.ports.get(p)!);
  const lineOf = (start: string) => setup.text.split('\n').findIndex((l) => l.trimStart().startsWith(start)) + 1;
  const lineAt = (offset: number) => setup.text.slice(0, offset).split('\n').length;
  const findings = lintApache(setup.confPath, setup.text, createNodeHost(), { settings: defaultSettings() }).findings;
  const of = (id: string) => findings.filter((f) => f.ruleId === id);

  // What the rules say, before anything runs.
  const low = of('proxy-timeout-too-low');
  assert.deepEqual(low.map((f) => lineAt(f.start)), [lineOf('ProxyTimeout 2')], low.map((f) => f.message).join('\n'));
  assert.match(low[0].message, new RegExp(`^requests to a\\.test \\(<VirtualHost 127\\.0\\.0\\.1:${a}> on line \\d+\\) get 2 s \\(ProxyTimeout 2, line \\d+\\) for http://${backend.address}/m/ .*: a slower answer gets 502 from mod_proxy_http \\("\\(70007\\)The timeout specified has expired: AH01102`), low[0].message);
  const inherits = of('proxytimeout-inherits-timeout');
  assert.deepEqual(inherits.map((f) => lineAt(f.start)), [lineOf('Timeout 61')], inherits.map((f) => f.message).join('\n'));
  assert.match(inherits[0].message, new RegExp(`in <VirtualHost 127\\.0\\.0\\.1:${b}> \\(line \\d+\\), .*a stalled backend holds each request 61 s before httpd answers 502`), inherits[0].message);
  // /m/ and /c/ wait the same for a connect: one finding at /m/, with /c/ as a related location.
  const cLine = lineOf('ProxyPass "/c/"');
  const connect = of('no-connectiontimeout').filter((f) => lineAt(f.start) === cLine || f.related.some((r) => lineAt(r.start) === cLine));
  assert.equal(connect.length, 1, of('no-connectiontimeout').map((f) => f.message).join('\n'));
  assert.match(connect[0].message, new RegExp(`each request to b\\.test \\(<VirtualHost 127\\.0\\.0\\.1:${b}> on line \\d+\\) waits for the TCP connection up to 61 s \\(Timeout 61 on line ${lineOf('Timeout 61')}, which ProxyTimeout inherits\\); then httpd answers 503`), connect[0].message);
  assert.doesNotMatch(connect[0].message, /a\.test|main server/, 'a.test (2 s) and the main server (8 s) connect within 10 s');

  const httpd = await startApache(setup);
  try {
    const get = (port: number, path: string) => request({ port, path, timeoutMs: 70_000 });
    const [am, mm, bm, ac, mc, bc] = await Promise.all([get(a, '/m/slow'), get(main, '/m/slow'), get(b, '/m/slow'), get(a, '/c/'), get(main, '/c/'), get(b, '/c/')]);
    t.diagnostic(`measured: /m/ a.test ${am.status} after ${am.ms} ms, main ${mm.status} after ${mm.ms} ms, b.test ${bm.status} after ${bm.ms} ms; /c/ a.test ${ac.status} after ${ac.ms} ms, main ${mc.status} after ${mc.ms} ms, b.test ${bc.status} after ${bc.ms} ms`);
    about(am, 502, 2, 'a.test /m/ (ProxyTimeout 2, proxy-timeout-too-low)');
    about(mm, 502, 8, 'the main server /m/ (Timeout 8, not reported)');
    about(bm, 502, 61, 'b.test /m/ (Timeout 61, proxytimeout-inherits-timeout)');
    about(ac, 503, 2, 'a.test /c/ (connect within ProxyTimeout 2)');
    about(mc, 503, 8, 'the main server /c/ (connect within Timeout 8)');
    about(bc, 503, 61, 'b.test /c/ (connect within Timeout 61, no-connectiontimeout)');
    await sleep(200);
    const log = httpd.errorLog();
    assert.match(log, /\(70007\)The timeout specified has expired: \[client [^\]]+\] AH01102: error reading status line from remote server/, log);
    assert.match(log, /AH00957: http: attempt to connect to 127\.0\.0\.1:\d+ \(127\.0\.0\.1:\d+\) failed/, log);
  } finally {
    await httpd.stop();
    await backend.stop();
    await hole.stop();
    setup.cleanup();
  }
});
