// `proxylint explain --in` on the log of a real httpd where the worker a ProxyPass request goes through is not the
// worker of its own line. mod_proxy looks the worker up again at request time by the URL the rule made, and takes the
// longest worker name that finds it (ap_proxy_get_worker_ex): a ProxyPassMatch worker "http://h/$1" (its $1 matches
// any text) finds every URL to http://h/ at least as long as its name, so a request of "ProxyPass /api/ http://h/
// timeout=20" to /api/report waits that worker's timeout=2; /api/x makes a URL shorter than the name, which keeps its
// own worker. Likewise a plain worker whose name is longer ("ProxyPass /b/ http://h/b/ timeout=2", written first so
// that it is no shared worker) takes /a/b/x of "ProxyPass /a/ http://h/". The values explain gives must be the ones
// the request met (on 2.4.71: 502 after 2 s for /api/report and /a/b/x, 200 after 4 s for /api/x).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { requireBinary, runCli } from '../helpers';
import { prepareApache, startApache } from './harness/apache';
import { request } from './harness/client';
import { sleep } from './harness/proc';
import { startHttpStandin } from './standins/http';

requireBinary('apache2');

interface Entry {
  id: string;
  fields: { path?: string };
  backend: { line: number; directive: string; how: string } | null;
  timeouts: { name: string; value: string }[];
}

test('explain: a request goes through the worker whose name is the longest that finds the URL its rule made, and explain gives that worker\'s timeout (real apache2)', async () => {
  const backend = await startHttpStandin({ behaviour: 'ok', delayFor: () => 4000, deadlineMs: 60_000 });
  const setup = await prepareApache(
    [
      'Listen 80',
      '<VirtualHost *:80>',
      '    ServerName localhost',
      '    ProxyTimeout 30',
      `    ProxyPass "/b/" "http://${backend.address}/b/" timeout=2`,
      `    ProxyPass "/a/" "http://${backend.address}/" timeout=20`,
      `    ProxyPass "/api/" "http://${backend.address}/" timeout=20`,
      `    ProxyPassMatch "^/static/(.*)$" "http://${backend.address}/$1" timeout=2`,
      '</VirtualHost>',
      '',
    ].join('\n'),
  );
  const httpd = await startApache(setup);
  try {
    const [report, ab, short] = await Promise.all([
      request({ port: setup.port, path: '/api/report', timeoutMs: 30_000 }),
      request({ port: setup.port, path: '/a/b/x', timeoutMs: 30_000 }),
      request({ port: setup.port, path: '/api/x', timeoutMs: 30_000 }),
    ]);
    assert.equal(report.status, 502);
    assert.ok(report.ms >= 1700 && report.ms < 3500, `/api/report: ${report.ms} ms, not the ProxyPassMatch worker's 2 s`);
    assert.equal(ab.status, 502);
    assert.ok(ab.ms >= 1700 && ab.ms < 3500, `/a/b/x: ${ab.ms} ms, not the /b/ worker's 2 s`);
    // "http://127.0.0.1:PORT/x" is one character shorter than "http://127.0.0.1:PORT/$1": the rule's own worker.
    assert.equal(short.status, 200, `/api/x: ${short.status} after ${short.ms} ms`);
    await sleep(200);
    const log = httpd.errorLog();
    assert.match(log, /AH00898: Error reading from remote server returned by \/api\/report/);
    assert.match(log, /AH00898: Error reading from remote server returned by \/a\/b\/x/);

    const out = runCli(['explain', '--in', setup.confPath, '--log', setup.errorLogPath, '--format', 'json']);
    assert.equal(out.code, 0, out.stderr);
    const parsed = JSON.parse(out.stdout) as { explained: Entry[] };
    const lineOf = (text: string) => setup.text.split('\n').findIndex((l) => l.includes(text)) + 1;
    const read = parsed.explained.filter((e) => e.id === 'apache-read-timeout');
    assert.equal(read.length, 2, out.stdout);
    for (const e of read) {
      const byMatch = /AH01102/.test(JSON.stringify(e)) && e.backend!.line === lineOf('ProxyPass "/api/"');
      const rule = e.backend!.line === lineOf('ProxyPass "/api/"') ? 'ProxyPassMatch "^/static/' : 'ProxyPass "/b/"';
      assert.ok(byMatch || e.backend!.line === lineOf('ProxyPass "/a/"'), JSON.stringify(e));
      assert.equal(e.timeouts.find((t) => t.name === 'backend timeout')?.value, '2 s', JSON.stringify(e));
      assert.match(e.backend!.how, new RegExp(`through the worker of line ${lineOf(rule)} `), e.backend!.how);
    }
  } finally {
    await httpd.stop();
    await backend.stop();
    setup.cleanup();
  }
});

test('explain: a ProxyPassMatch request whose URL is shorter than the worker name goes through the default worker, and explain gives the server\'s ProxyTimeout (real apache2)', async () => {
  const backend = await startHttpStandin({ behaviour: 'ok', delayFor: () => 4000, deadlineMs: 60_000 });
  const setup = await prepareApache(
    [
      'Listen 80',
      '<VirtualHost *:80>',
      '    ServerName localhost',
      '    ProxyTimeout 2',
      `    ProxyPassMatch "^/m/(.*)$" "http://${backend.address}/$1" timeout=20`,
      '</VirtualHost>',
      '',
    ].join('\n'),
  );
  const httpd = await startApache(setup);
  try {
    const [bare, long] = await Promise.all([
      request({ port: setup.port, path: '/m/', timeoutMs: 30_000 }),
      request({ port: setup.port, path: '/m/abc', timeoutMs: 30_000 }),
    ]);
    // "http://127.0.0.1:PORT/" is shorter than the worker's name "http://127.0.0.1:PORT/$1": no worker finds it.
    assert.equal(bare.status, 502);
    assert.ok(bare.ms >= 1700 && bare.ms < 3500, `/m/: ${bare.ms} ms, not ProxyTimeout's 2 s`);
    assert.equal(long.status, 200, `/m/abc: ${long.status} after ${long.ms} ms`);
    await sleep(200);
    const out = runCli(['explain', '--in', setup.confPath, '--log', setup.errorLogPath, '--format', 'json']);
    assert.equal(out.code, 0, out.stderr);
    const parsed = JSON.parse(out.stdout) as { explained: Entry[] };
    const read = parsed.explained.filter((e) => e.id === 'apache-read-timeout');
    assert.equal(read.length, 1, out.stdout);
    assert.equal(read[0].timeouts.find((t) => t.name === 'backend timeout')?.value, '2 s', JSON.stringify(read[0]));
    assert.match(read[0].backend!.how, /default worker/, read[0].backend!.how);
  } finally {
    await httpd.stop();
    await backend.stop();
    setup.cleanup();
  }
});
