// `proxylint explain --in` on the error log of a real httpd (Debian 2.4.68) for a TLS backend without SSLProxyEngine:
// httpd writes "AH01961:  failed to enable ssl support [Hint: …]" and then "AH00961: https: failed to enable ssl
// support for 127.0.0.1:PORT (127.0.0.1)", the address and, in parentheses, the worker's host. A request sent by
// RewriteRule … [P] goes through httpd's default worker, which no ProxyPass defines: both lines are placed at that
// RewriteRule, as one try, with the SSLProxyEngine in force and the finding of https-backend-without-sslproxyengine
// there. A ProxyPass to another TLS port in the same virtual host gets its own lines placed at the ProxyPass; a
// main-server rule that a virtual host runs through RewriteOptions Inherit is placed at the main-server line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { explainProblems } from '../evidence/explain-check';
import type { Observation } from '../evidence/scenario';
import { requireBinary, runCli } from '../helpers';
import { prepareApache, startApache } from './harness/apache';
import { request } from './harness/client';
import { tempDir } from './harness/nginx';
import { sleep } from './harness/proc';
import { startTlsStandin } from './standins/tls';

requireBinary('apache2');

interface Entry {
  id: string;
  count: number;
  backend: { line: number; directive: string; url: string; how: string } | null;
  timeouts: { name: string; value: string; origin: string }[];
  findings: { ruleId: string }[];
}

test('explain: AH01961 and AH00961 of a RewriteRule [P] to https:// are placed at the RewriteRule, those of a ProxyPass at the ProxyPass, with SSLProxyEngine off (real apache2)', async () => {
  const rw = await startTlsStandin({ behaviour: 'ok', deadlineMs: 30_000 });
  const pp = await startTlsStandin({ behaviour: 'ok', deadlineMs: 30_000 });
  const inherited = await startTlsStandin({ behaviour: 'ok', deadlineMs: 30_000 });
  const setup = await prepareApache(
    [
      'Listen 80',
      'RewriteEngine On',
      `RewriteRule "^/main/(.*)$" "https://127.0.0.1:${inherited.port}/$1" [P]`,
      '<VirtualHost *:80>',
      '    ServerName localhost',
      '    RewriteOptions Inherit',
      `    RewriteRule "^/rw/(.*)$" "https://127.0.0.1:${rw.port}/$1" [P]`,
      `    ProxyPass "/pp/" "https://127.0.0.1:${pp.port}/"`,
      '</VirtualHost>',
      '',
    ].join('\n'),
    { modules: ['mpm_event', 'authz_core', 'proxy', 'proxy_http', 'rewrite', 'ssl'] },
  );
  const httpd = await startApache(setup);
  try {
    const statuses: (number | string)[] = [];
    for (const path of ['/rw/x', '/pp/x', '/main/x']) statuses.push((await request({ port: setup.port, path, timeoutMs: 5000 })).status);
    assert.deepEqual(statuses, [500, 500, 500]);
    await sleep(200);
    const log = httpd.errorLog();
    for (const port of [rw.port, pp.port, inherited.port]) assert.match(log, new RegExp(`AH00961: https: failed to enable ssl support for 127\\.0\\.0\\.1:${port} \\(127\\.0\\.0\\.1\\)`), log);
    assert.equal((log.match(/AH01961: {2}failed to enable ssl support/g) ?? []).length, 3, log);
    assert.deepEqual(explainProblems({ statuses: ['500'], errorLog: log } as Observation, 'apache', 'server test'), []);

    const out = runCli(['explain', '--in', setup.confPath, '--log', setup.errorLogPath, '--format', 'json']);
    assert.equal(out.code, 0, out.stderr);
    const report = JSON.parse(out.stdout) as { explained: Entry[]; requests: { count: number; lines: { line: string }[] }[] };
    const lineOf = (text: string) => setup.text.split('\n').findIndex((l) => l.includes(text)) + 1;
    const placed = report.explained.filter((e) => e.id === 'apache-no-ssl').map((e) => ({ line: e.backend?.line, directive: e.backend?.directive, count: e.count }));
    // Each request's two lines are one entry at its place (AH01961 takes the backend of the AH00961 after it).
    assert.deepEqual(
      placed.sort((a, b) => (a.line ?? 0) - (b.line ?? 0)),
      [
        { line: lineOf('"^/main/'), directive: 'RewriteRule', count: 2 },
        { line: lineOf('"^/rw/'), directive: 'RewriteRule', count: 2 },
        { line: lineOf('ProxyPass "/pp/"'), directive: 'ProxyPass', count: 2 },
      ].sort((a, b) => a.line - b.line),
      out.stdout,
    );
    for (const e of report.explained.filter((x) => x.id === 'apache-no-ssl')) {
      assert.deepEqual(e.timeouts.map((t) => [t.name, t.value]), [['SSLProxyEngine', 'off']], JSON.stringify(e));
      assert.deepEqual(e.findings.map((f) => f.ruleId), ['https-backend-without-sslproxyengine'], JSON.stringify(e));
    }
    const main = report.explained.find((e) => e.backend?.line === lineOf('"^/main/'))!;
    assert.match(main.backend!.how, /a main-server rule that the virtual host at line \d+ runs through RewriteOptions Inherit/);
    // One try per request, not two.
    const text = runCli(['explain', '--in', setup.confPath, '--log', setup.errorLogPath]).stdout;
    assert.doesNotMatch(text, /Tried: [^\n]*, then /, text);
  } finally {
    await httpd.stop();
    setup.cleanup();
    await rw.stop();
    await pp.stop();
    await inherited.stop();
  }
});

// A [P] rule whose modules are missing: without mod_proxy_http httpd answers 500 with AH01144, which names only the
// request path; without mod_proxy at all mod_rewrite answers 403 with AH00669, which names the target. Both are placed
// at the RewriteRule (by its pattern, and by the backend).
test('explain: AH01144 and AH00669 of a RewriteRule [P] whose proxy modules are not loaded are placed at the rule (real apache2)', async () => {
  for (const [modules, status, id] of [
    [['mpm_event', 'authz_core', 'rewrite', 'proxy'], 500, 'apache-no-handler'],
    [['mpm_event', 'authz_core', 'rewrite'], 403, 'apache-rewrite-without-proxy'],
  ] as const) {
    const setup = await prepareApache(
      ['<VirtualHost *:80>', '    ServerName localhost', '    RewriteEngine On', '    RewriteRule "^/other/(.*)$" "http://127.0.0.1:9/$1" [P]', '    RewriteRule "^/p/(.*)$" "http://127.0.0.1:8/$1" [P,NC]', '</VirtualHost>', ''].join('\n'),
      { modules: [...modules] },
    );
    const httpd = await startApache(setup);
    try {
      assert.equal((await request({ port: setup.port, path: '/P/x', timeoutMs: 5000 })).status, status);
      await sleep(200);
      const log = httpd.errorLog();
      assert.deepEqual(explainProblems({ statuses: [String(status)], errorLog: log } as Observation, 'apache', 'server test'), [], log);
      const out = runCli(['explain', '--in', setup.confPath, '--log', setup.errorLogPath, '--format', 'json']);
      assert.equal(out.code, 0, out.stderr);
      const entries = (JSON.parse(out.stdout) as { explained: Entry[] }).explained.filter((e) => e.id === id);
      assert.equal(entries.length, 1, `${id}: ${out.stdout}\n${log}`);
      assert.equal(entries[0].backend?.line, setup.text.split('\n').findIndex((l) => l.includes('"^/p/')) + 1, out.stdout);
      assert.deepEqual(entries[0].findings.map((f) => f.ruleId), ['proxy-scheme-module-missing']);
    } finally {
      await httpd.stop();
      setup.cleanup();
    }
  }
});

// In a <Directory> section or an .htaccess file mod_rewrite matches the pattern against the file path below that
// folder, without a leading "/": `^p/(.*)$` in <Directory "<root>/www"> takes /p/x, `^h/(.*)$` in www/sub/.htaccess
// takes /sub/h/y, and `^/q/(.*)$` in the <Directory> never matches (httpd answers /q/x with 404 and logs nothing).
// Without mod_proxy_http each [P] request gets 500 with AH01144, which names only the request path: explain must
// place it at the rule that matched, read the per-directory way.
test('explain: AH01144 of a RewriteRule [P] in a <Directory> section or an .htaccess file is placed at that rule, matched against the path below the folder (real apache2)', async () => {
  const dir = tempDir('proxylint-apache-');
  const htaccess = 'RewriteEngine On\nRewriteRule "^h/(.*)$" "http://127.0.0.1:7/$1" [P]\n';
  const setup = await prepareApache(
    [
      'Listen 80',
      `DocumentRoot "${dir}/www"`,
      `<Directory "${dir}/www">`,
      '    AllowOverride All',
      '    Require all granted',
      '    RewriteEngine On',
      '    RewriteRule "^/q/(.*)$" "http://127.0.0.1:6/$1" [P]',
      '    RewriteRule "^p/(.*)$" "http://127.0.0.1:8/$1" [P]',
      '</Directory>',
      '',
    ].join('\n'),
    { dir, files: { 'www/sub/.htaccess': htaccess, 'www/index.html': 'hi\n' }, modules: ['mpm_event', 'authz_core', 'rewrite', 'proxy'] },
  );
  const httpd = await startApache(setup);
  try {
    const statuses: Record<string, number | string> = {};
    for (const path of ['/p/x', '/sub/h/y', '/q/x']) statuses[path] = (await request({ port: setup.port, path, timeoutMs: 5000 })).status;
    assert.deepEqual(statuses, { '/p/x': 500, '/sub/h/y': 500, '/q/x': 404 });
    await sleep(200);
    const log = httpd.errorLog();
    assert.match(log, /AH01144: No protocol handler was valid for the URL \/p\/x \(scheme 'http'\)/, log);
    assert.match(log, /AH01144: No protocol handler was valid for the URL \/sub\/h\/y \(scheme 'http'\)/, log);
    assert.doesNotMatch(log, /\/q\/x/, log);

    type Placed = Entry & { fields: { path?: string }; backend: (Entry['backend'] & { path: string }) | null };
    const explain = (conf: string) => {
      const out = runCli(['explain', '--in', conf, '--log', setup.errorLogPath, '--format', 'json']);
      assert.equal(out.code, 0, out.stderr);
      return (JSON.parse(out.stdout) as { explained: Placed[] }).explained.filter((e) => e.id === 'apache-no-handler');
    };
    const at = (entries: Placed[], path: string) => entries.find((e) => e.fields.path === path)?.backend ?? null;

    const main = explain(setup.confPath);
    const p = at(main, '/p/x');
    assert.equal(p?.line, setup.text.split('\n').findIndex((l) => l.includes('"^p/')) + 1, JSON.stringify(main));
    assert.match(p!.how, new RegExp(`matches p/x, the part below ${dir}/www \\(`));
    // The .htaccess file is not part of httpd.conf: its line is not placed there (not at the <Directory> rules either).
    assert.equal(at(main, '/sub/h/y'), null, JSON.stringify(main));

    const own = explain(join(dir, 'www/sub/.htaccess'));
    const h = at(own, '/sub/h/y');
    assert.deepEqual([h?.path, h?.line], [join(dir, 'www/sub/.htaccess'), 2], JSON.stringify(own));
    assert.match(h!.how, /matches h\/y, the part below \/sub\//);
    assert.equal(at(own, '/p/x'), null, JSON.stringify(own));
  } finally {
    await httpd.stop();
    setup.cleanup();
  }
});
