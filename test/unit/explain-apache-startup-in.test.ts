// explain --in on httpd's start-up lines: the line names the file and line httpd refused, and proxylint points at its
// finding there, in the copy of the configuration given (checked out elsewhere than /etc/apache2), or says that none of
// the line's rules reports anything there, or that the file is not one it read. And the .htaccess line: a 500.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { runCli, tempTree } from '../helpers';

const HEAD = (line: number, file = '/etc/apache2/sites-enabled/app.conf') => `AH00526: Syntax error on line ${line} of ${file}:`;
const INVALID = "Invalid command 'ProxyTimout', perhaps misspelled or defined by a module not included in the server configuration";

const TREE = {
  'apache2.conf': 'LoadModule mpm_event_module /usr/lib/apache2/modules/mod_mpm_event.so\nLoadModule proxy_module /usr/lib/apache2/modules/mod_proxy.so\nLoadModule proxy_http_module /usr/lib/apache2/modules/mod_proxy_http.so\nListen 80\nIncludeOptional sites-enabled/*.conf\n',
  'sites-enabled/app.conf': '<VirtualHost *:80>\n    ProxyPass "/app/" "http://127.0.0.1:8080/"\n    ProxyTimout 30\n    ProxyPass "/b/" "127.0.0.1:8081/"\n</VirtualHost>\n',
};

function withTree(run: (dir: string, conf: string) => void): void {
  const t = tempTree(TREE);
  try {
    run(t.dir, join(t.dir, 'apache2.conf'));
  } finally {
    t.cleanup();
  }
}

test('explain: the two lines of AH00526 without --in say what happened and where, once', () => {
  const r = runCli(['explain', HEAD(14), INVALID]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^AH00526: Syntax error on line 14 of \/etc\/apache2\/sites-enabled\/app\.conf: Invalid command 'ProxyTimout'/);
  assert.match(r.stdout, /Apache httpd: httpd will not start or reload \(no request is involved; apachectl graceful and systemctl reload check the configuration first/);
  assert.match(r.stdout, /Refused at: \/etc\/apache2\/sites-enabled\/app\.conf:14\n/);
  assert.match(r.stdout, /Rules: apache-unknown-directive/);
  assert.doesNotMatch(r.stdout, /the client got|Handled by/);
  assert.doesNotMatch(r.stdout, /lines? explained/, 'two lines that are one are not counted as a log');
});

test('explain: one argument holding both lines, as "$(apache2ctl configtest 2>&1)" passes them, is read as the two lines', () => {
  const r = runCli(['explain', `${HEAD(14)}\n${INVALID}`]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^AH00526: Syntax error on line 14 of \/etc\/apache2\/sites-enabled\/app\.conf: Invalid command 'ProxyTimout'/);
  assert.match(r.stdout, /Refused at: \/etc\/apache2\/sites-enabled\/app\.conf:14/);
});

test('explain --in: the finding at the file and line httpd names, in the copy of its file given (matched by its last path segments)', () => {
  withTree((dir, conf) => {
    const r = runCli(['explain', HEAD(3), INVALID, '--in', conf], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Refused at: \/etc\/apache2\/sites-enabled\/app\.conf:3 \(in the configuration given: sites-enabled\/app\.conf\)/);
    assert.match(r.stdout, /proxylint: sites-enabled\/app\.conf:3: httpd refuses to start: "Invalid command 'ProxyTimout'.*\[apache-unknown-directive\]/);
    const j = JSON.parse(runCli(['explain', HEAD(3), INVALID, '--in', conf, '--format', 'json'], { cwd: dir }).stdout);
    const x = j.explained[0];
    assert.equal(x.id, 'apache-startup-invalid-command');
    assert.deepEqual(x.statuses, ['startup-failure']);
    assert.deepEqual([x.fields.configFile, x.fields.configLine], ['/etc/apache2/sites-enabled/app.conf', 3]);
    assert.deepEqual(x.configFiles, [join(dir, 'sites-enabled', 'app.conf')]);
    assert.deepEqual(x.findings.map((f: { ruleId: string; path: string; line: number }) => [f.ruleId, f.path, f.line]), [['apache-unknown-directive', join(dir, 'sites-enabled', 'app.conf'), 3]]);
  });
});

test('explain --in: no finding of the line\'s rules at that line is said, not one elsewhere in the file', () => {
  withTree((dir, conf) => {
    // Line 4 has invalid-backend-url's finding, not one of an unknown directive: httpd's line is not where the copy has it.
    const r = runCli(['explain', HEAD(4), INVALID, '--in', conf], { cwd: dir });
    assert.match(r.stdout, /proxylint: none of apache-unknown-directive, apache-module-not-loaded, trunk-only-directive reports anything at line 4 of sites-enabled\/app\.conf/);
    assert.doesNotMatch(r.stdout, /app\.conf:3:/);
    // The URL line's own reason: its finding.
    const url = runCli(['explain', HEAD(4), 'ProxyPass Unable to parse URL: 127.0.0.1:8081/', '--in', conf], { cwd: dir });
    assert.match(url.stdout, /proxylint: sites-enabled\/app\.conf:4: .*\[invalid-backend-url\]/);
  });
});

test('explain --in: a head whose reason is not known points at any finding on that line', () => {
  withTree((dir, conf) => {
    const r = runCli(['explain', HEAD(3), 'Something httpd 2.6 may say', '--in', conf], { cwd: dir });
    assert.match(r.stdout, /What happened: httpd stopped reading its configuration at that file and line/);
    assert.match(r.stdout, /proxylint: sites-enabled\/app\.conf:3: .*\[apache-unknown-directive\]/);
  });
});

test('explain --in: a file that is not one of those read is said, with the findings of the line\'s rules elsewhere', () => {
  withTree((dir, conf) => {
    const r = runCli(['explain', HEAD(7, '/etc/apache2/conf-enabled/other.conf'), INVALID, '--in', conf], { cwd: dir });
    assert.match(r.stdout, /proxylint: \/etc\/apache2\/conf-enabled\/other\.conf is not one of the files read with the configuration given; what apache-unknown-directive, apache-module-not-loaded, trunk-only-directive report elsewhere:\n {2}proxylint: sites-enabled\/app\.conf:3: /);
  });
});

test('explain: an .htaccess [core:alert] line is a 500 for the requests under that folder; --in that file lists its findings', () => {
  const t = tempTree({ 'www/a/.htaccess': 'ProxyTimout 30\n' });
  try {
    const file = join(t.dir, 'www', 'a', '.htaccess');
    const line = `[Tue Nov 24 08:47:51.649378 2026] [core:alert] [pid 24664:tid 24668] [client 127.0.0.1:60870] ${file}: ${INVALID}`;
    const r = runCli(['explain', line], { cwd: t.dir });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Apache httpd: the client got 500\./);
    assert.match(r.stdout, /File: .*www\/a\/\.htaccess\n/);
    assert.doesNotMatch(r.stdout, /Handled by/);
    const inFile = runCli(['explain', line, '--in', file], { cwd: t.dir });
    assert.match(inFile.stdout, /proxylint: www\/a\/\.htaccess:1: .*\[apache-unknown-directive\]/);
    const j = JSON.parse(runCli(['explain', line, '--in', file, '--format', 'json'], { cwd: t.dir }).stdout);
    assert.equal(j.explained[0].id, 'apache-htaccess-invalid-command');
    assert.equal(j.explained[0].status, '500');
    assert.deepEqual(j.explained[0].configFiles, [file]);
  } finally {
    t.cleanup();
  }
});
