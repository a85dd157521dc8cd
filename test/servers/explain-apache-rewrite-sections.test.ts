// `proxylint explain --in` on the error log of a real httpd (Debian 2.4.68) for RewriteRule … [P] lines inside a
// <Location>, a <LocationMatch> and an <If>. There mod_rewrite matches the pattern against the file path the request
// maps to (DocumentRoot followed by the URL-path), not the URL-path: the stand-in backend receives what $1 held, which
// pins that. A silent backend makes httpd log AH01102 (naming the backend) and AH00898 (naming the path); a ProxyPass
// for another path to the same backend must not take those lines: they are placed at the RewriteRule that sent the
// request, with the timeouts in force there.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { requireBinary, runCli } from '../helpers';
import { prepareApache, startApache } from './harness/apache';
import { request } from './harness/client';
import { sleep } from './harness/proc';
import { startHttpStandin } from './standins/http';

requireBinary('apache2');

const MODULES = ['mpm_event', 'authz_core', 'proxy', 'proxy_http', 'rewrite'];

test('a [P] rule in <Location>, <LocationMatch> or <If> matches DocumentRoot + the URL-path (real apache2)', async () => {
  const b = await startHttpStandin({ behaviour: 'ok', deadlineMs: 20_000 });
  const setup = await prepareApache(
    [
      'Listen 80',
      'DocumentRoot /var/www',
      '<VirtualHost *:80>',
      '    <Location "/loc/">',
      '        RewriteEngine On',
      `        RewriteRule "(.*)" "http://${b.address}/loc?[$1]" [P]`,
      '    </Location>',
      '    <LocationMatch "^/lm/">',
      '        RewriteEngine On',
      `        RewriteRule "(.*)" "http://${b.address}/lm?[$1]" [P]`,
      '    </LocationMatch>',
      '    <If "%{REQUEST_URI} =~ m#^/if/#">',
      '        RewriteEngine On',
      `        RewriteRule "(.*)" "http://${b.address}/if?[$1]" [P]`,
      '    </If>',
      '    <Location "/url/">',
      '        RewriteEngine On',
      `        RewriteRule "^/url/(.*)$" "http://${b.address}/url?[$1]" [P]`,
      '    </Location>',
      '</VirtualHost>',
      '',
    ].join('\n'),
    { modules: MODULES },
  );
  const httpd = await startApache(setup);
  try {
    const statuses = [];
    for (const p of ['/loc/a/b', '/lm/c', '/if/d', '/url/e']) statuses.push((await request({ port: setup.port, path: p, timeoutMs: 5000 })).status);
    // A pattern written for the URL-path never matches there: the request is not proxied (no such file: 404).
    assert.deepEqual(statuses, [200, 200, 200, 404]);
    assert.deepEqual(b.requests.map((r) => (r as { path: string }).path), ['/loc?[/var/www/loc/a/b]', '/lm?[/var/www/lm/c]', '/if?[/var/www/if/d]']);
  } finally {
    await httpd.stop();
    await b.stop();
    setup.cleanup();
  }
});

interface Entry {
  id: string;
  backend: { line: number; directive: string; how: string } | null;
  timeouts: { name: string; value: string; origin: string }[];
}

test('explain: AH01102 and AH00898 of a [P] rule in <Location> or <If> are placed at that rule with its timeouts, not at a ProxyPass to the same backend (real apache2)', async () => {
  const loc = await startHttpStandin({ behaviour: 'silent', deadlineMs: 20_000 });
  const iff = await startHttpStandin({ behaviour: 'silent', deadlineMs: 20_000 });
  const setup = await prepareApache(
    [
      'Listen 80',
      'DocumentRoot /var/www',
      '<VirtualHost *:80>',
      '    ProxyTimeout 2',
      `    ProxyPass "/other/" "http://${loc.address}/"`,
      `    ProxyPass "/other2/" "http://${iff.address}/" timeout=9`,
      '    <Location "/loc/">',
      '        RewriteEngine On',
      `        RewriteRule "^/var/www/loc/(.*)$" "http://${loc.address}/x/$1" [P]`,
      '    </Location>',
      '    <If "%{REQUEST_URI} =~ m#^/if/#">',
      '        RewriteEngine On',
      `        RewriteRule "(.*)" "http://${iff.address}/y" [P]`,
      '    </If>',
      '</VirtualHost>',
      '',
    ].join('\n'),
    { modules: MODULES },
  );
  const httpd = await startApache(setup);
  try {
    const answers = [];
    for (const p of ['/loc/a', '/if/b']) answers.push(await request({ port: setup.port, path: p, timeoutMs: 15_000 }));
    assert.deepEqual(answers.map((r) => r.status), [502, 502]);
    // The <If> rule's URL starts with the name of the /other2/ worker: httpd waited its timeout=9, not ProxyTimeout 2.
    assert.ok(answers[0].ms < 5000 && answers[1].ms >= 8500, answers.map((r) => r.ms).join(', '));
    await sleep(200);
    const log = httpd.errorLog();
    assert.match(log, /AH00898: Error reading from remote server returned by \/loc\/a/, log);
    assert.match(log, /AH00898: Error reading from remote server returned by \/if\/b/, log);
    const out = runCli(['explain', '--in', setup.confPath, '--log', setup.errorLogPath, '--format', 'json']);
    assert.equal(out.code, 0, out.stderr);
    const report = JSON.parse(out.stdout) as { explained: Entry[] };
    const lineOf = (text: string) => setup.text.split('\n').findIndex((l) => l.includes(text)) + 1;
    const placed = report.explained.filter((e) => /AH01102|AH00898|read|status/i.test(e.id) && e.backend).map((e) => e.backend!.line);
    assert.deepEqual([...new Set(placed)].sort(), [lineOf('"^/var/www/loc/'), lineOf('/y" [P]')].sort(), out.stdout);
    for (const e of report.explained.filter((x) => x.backend)) {
      assert.equal(e.backend!.directive, 'RewriteRule', JSON.stringify(e));
      assert.match(e.backend!.how, /the file path httpd maps \/(loc\/a|if\/b) to \(in an? <(Location|If)> section/, e.backend!.how);
    }
    // Each rule's requests go through the ProxyPass worker whose name starts its URL, with that worker's timeout.
    const timeoutAt = (line: number) => report.explained.find((e) => e.backend?.line === line && e.timeouts.length)?.timeouts.find((t) => t.name === 'backend timeout')?.value;
    assert.equal(timeoutAt(lineOf('"^/var/www/loc/')), '2 s', out.stdout);
    assert.equal(timeoutAt(lineOf('/y" [P]')), '9 s', out.stdout);
  } finally {
    await httpd.stop();
    await loc.stop();
    await iff.stop();
    setup.cleanup();
  }
});
