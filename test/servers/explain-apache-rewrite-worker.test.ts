// `proxylint explain --in` on the log of a real httpd where a RewriteRule [P] sends a path to a backend that
// ProxyPass lines name too, for other paths. The log lines name the backend and (AH00898) the path: no ProxyPass to
// that backend matches the path, the [P] rule does, so the lines are placed at the rule, with the timeouts of the
// worker mod_proxy used for the URL it made (a ProxyPass worker whose name starts it: timeout=3 here, not the virtual
// host's Timeout 1 nor the worker of the ProxyPass listed first).
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
  backend: { line: number; directive: string; how: string } | null;
  timeouts: { name: string; value: string }[];
}

test('explain: a read timeout of a request a RewriteRule [P] sent is placed at the rule, with the timeout of the worker whose name starts its URL (real apache2)', async () => {
  const backend = await startHttpStandin({ behaviour: 'ok', delayFor: () => 6000, deadlineMs: 30_000 });
  const setup = await prepareApache(
    [
      'Listen 80',
      '<VirtualHost *:80>',
      '    ServerName localhost',
      '    Timeout 1',
      `    ProxyPass "/a/" "http://${backend.address}/a/"`,
      `    ProxyPass "/b/" "http://${backend.address}/" timeout=3`,
      '    RewriteEngine On',
      `    RewriteRule "^/c/(.*)$" "http://${backend.address}/c/$1" [P]`,
      '</VirtualHost>',
      '',
    ].join('\n'),
  );
  const httpd = await startApache(setup);
  try {
    const r = await request({ port: setup.port, path: '/c/x', timeoutMs: 20_000 });
    assert.equal(r.status, 502);
    assert.ok(r.ms >= 2700 && r.ms < 4500, `${r.ms} ms, not about the worker's 3 s`);
    await sleep(200);
    const log = httpd.errorLog();
    assert.match(log, /AH01102: error reading status line/);
    assert.match(log, /AH00898: Error reading from remote server returned by \/c\/x/);

    const out = runCli(['explain', '--in', setup.confPath, '--log', setup.errorLogPath, '--format', 'json']);
    assert.equal(out.code, 0, out.stderr);
    const report = JSON.parse(out.stdout) as { explained: Entry[] };
    const lineOf = (text: string) => setup.text.split('\n').findIndex((l) => l.includes(text)) + 1;
    const read = report.explained.filter((e) => e.id === 'apache-read-timeout');
    assert.ok(read.length > 0, out.stdout);
    for (const e of read) {
      assert.equal(e.backend?.line, lineOf('RewriteRule "^/c/'), JSON.stringify(e));
      assert.match(e.backend!.how, new RegExp(`through the worker of line ${lineOf('ProxyPass "/b/"')} `), e.backend!.how);
      assert.deepEqual(e.timeouts.find((t) => t.name === 'backend timeout')?.value, '3 s', JSON.stringify(e.timeouts));
    }
  } finally {
    await httpd.stop();
    await backend.stop();
    setup.cleanup();
  }
});
