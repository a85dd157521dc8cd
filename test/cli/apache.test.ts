// The CLI on Apache httpd files: routed to the Apache rules (not skipped), entries follow their
// Includes, fragments and .htaccess files are checked on their own, --fix writes fixes apache2 -t accepts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { apacheTest, runCli } from '../helpers';
import { runJson, tree } from './util';

const HEAD = [
  'LoadModule mpm_event_module /usr/lib/apache2/modules/mod_mpm_event.so',
  'LoadModule authz_core_module /usr/lib/apache2/modules/mod_authz_core.so',
  'LoadModule proxy_module /usr/lib/apache2/modules/mod_proxy.so',
  'LoadModule proxy_http_module /usr/lib/apache2/modules/mod_proxy_http.so',
  'ServerName localhost',
  'Listen 127.0.0.1:18470',
].join('\n');

test('an apache2.conf is linted with the Apache rules and its Includes; included files are not linted again on their own', () => {
  const t = tree({
    'apache2/apache2.conf': `${HEAD}\nIncludeOptional sites-enabled/*.conf\n`,
    'apache2/sites-enabled/app.conf': '<VirtualHost 127.0.0.1:18470>\n    ProxyPass "/php/" "fcgi://127.0.0.1:9000/"\n</VirtualHost>\n',
    'apache2/.htaccess': 'ProxyPass "/x/" "http://127.0.0.1:8080/"\n',
  });
  try {
    const { code, report } = runJson(['apache2'], { cwd: t.dir });
    assert.equal(code, 1);
    assert.deepEqual(report.skipped, []);
    const byFile = Object.fromEntries(report.files.map((f) => [f.path.replace(t.dir + '/', ''), f.findings.map((x) => x.ruleId)]));
    // mod_proxy_fcgi is missing: only visible through apache2.conf's LoadModule lines, so app.conf was linted inside it.
    assert.ok(byFile['apache2/sites-enabled/app.conf'].includes('proxy-scheme-module-missing'), JSON.stringify(byFile));
    assert.equal(byFile['apache2/sites-enabled/app.conf'].filter((id) => id === 'proxy-scheme-module-missing').length, 1);
    assert.ok(byFile['apache2/.htaccess'].includes('htaccess-directive-not-allowed'));
  } finally {
    t.cleanup();
  }
});

test('--fix applies the Apache fixes across passes and writes a file apache2 -t accepts', () => {
  const t = tree({
    'httpd.conf': `${HEAD}\nTimeout 60 # seconds\n<VirtualHost 127.0.0.1:18470>\n    ProxyPass "/api" "http://127.0.0.1:8080/api/"\n    ProxyPass "/api/v2" "http://127.0.0.1:8081/v2"\n    ProxyPass "/php/" "fcgi://127.0.0.1:9000/"\n</VirtualHost>\n`,
  });
  try {
    const r = runCli(['--fix', 'httpd.conf'], { cwd: t.dir });
    assert.ok(r.code === 0 || r.code === 1, r.stderr);
    const fixed = readFileSync(join(t.dir, 'httpd.conf'), 'utf8');
    assert.match(fixed, /^# seconds\nTimeout 60$/m);
    assert.match(fixed, /LoadModule proxy_fcgi_module \/usr\/lib\/apache2\/modules\/mod_proxy_fcgi\.so/);
    // Fixes that could change what a working server does are suggestions, never applied by --fix.
    assert.ok(fixed.indexOf('"/api/v2"') > fixed.indexOf('"/api" '), 'the shadowed rule is not moved: that would reroute traffic');
    assert.match(fixed, /"\/api" "http:\/\/127\.0\.0\.1:8080\/api\/"/, 'the backend path is not changed');
    assert.doesNotMatch(fixed, /connectiontimeout=/, 'no connect limit that could fail slow handshakes');
    const check = apacheTest(join(t.dir, 'httpd.conf'));
    assert.ok(check.ok, check.output + '\n' + fixed);
    const again = runJson(['httpd.conf'], { cwd: t.dir });
    assert.equal(again.report.summary.fixable, 0, JSON.stringify((again.report.files[0]?.findings ?? []).filter((f) => f.fix).map((f) => f.ruleId)));
  } finally {
    t.cleanup();
  }
});

test('stdin is classified too: --stdin-filename httpd.conf gets the Apache rules', () => {
  const { report } = runJson(['--stdin', '--stdin-filename', 'httpd.conf'], { input: 'ProxyPass "/a/" "http://127.0.0.1:8080/a"\n' });
  assert.deepEqual(report.files[0].findings.map((f) => f.ruleId).filter((id) => id === 'proxypass-trailing-slash-mismatch'), ['proxypass-trailing-slash-mismatch']);
});

test('--list-rules lists the Apache rules with their server', () => {
  const r = runCli(['--list-rules']);
  assert.match(r.stdout, /^proxypass-shadowed\s+apache\s+warning/m);
  assert.ok((r.stdout.match(/ apache /g) ?? []).length >= 20);
});
