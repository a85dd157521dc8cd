// explain on what the real apache2 (Debian 2.4.71) prints when it refuses a configuration: each case of
// httpd-startup-cases.ts is written as apache2.conf Including sites-enabled/app.conf, `apache2 -t` runs on it, and its
// output, as printed, goes to `proxylint explain --log … --in apache2.conf`: one entry of the case's pattern, a start-up
// failure, placed at the file and line httpd names, with the case's rule's finding there. Before, explain said "No line
// explained" for all of them. Then what a refused reload does to a running httpd (the claim explain makes), and the
// .htaccess line of a running server: 500, with the finding in that file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { requireBinary, runCli } from '../helpers';
import { prepareApache, rewriteApache, startApache } from './harness/apache';
import { request } from './harness/client';
import { tempDir } from './harness/nginx';
import { sleep, waitFor } from './harness/proc';
import { STARTUP_CASES, runStartupCase } from './httpd-startup-cases';

requireBinary('apache2');

interface Entry {
  id: string;
  statuses: string[];
  fields: { configFile?: string; configLine?: number };
  configFiles?: string[];
  findings: { ruleId: string; path?: string; line?: number }[];
}

function explainJson(log: string, conf: string, cwd: string): { explained: Entry[]; unknownLines: number } {
  const r = runCli(['explain', '--log', log, '--in', conf, '--format', 'json'], { cwd });
  assert.equal(r.code, 0, r.stderr + r.stdout);
  return JSON.parse(r.stdout);
}

STARTUP_CASES.forEach((c, n) => {
  test(`explain --in on apache2 -t's output for ${c.rule} (${n + 1}): ${c.pattern} at the refused line, with the rule's finding there`, () => {
    const dir = tempDir('proxylint-httpd-startup-');
    try {
      const r = runStartupCase(c, dir);
      assert.ok(!r.ok, `apache2 -t accepted the case:\n${r.output}`);
      const log = join(dir, 'configtest.out');
      writeFileSync(log, r.output);
      const j = explainJson(log, r.main, dir);
      assert.equal(j.explained.length, 1, r.output);
      const [x] = j.explained;
      assert.equal(x.id, c.pattern, r.output);
      assert.deepEqual(x.statuses, ['startup-failure']);
      assert.deepEqual([x.fields.configFile, x.fields.configLine], [r.file, r.line], r.output);
      assert.deepEqual(x.configFiles, [r.file]);
      const at = x.findings.filter((f) => f.path === r.file && f.line === r.line).map((f) => f.ruleId);
      assert.ok(at.includes(c.rule), `${c.rule} not among the findings at ${r.file}:${r.line}: ${JSON.stringify(x.findings)}`);
      // Only what is at that line: the line names one place.
      assert.deepEqual(x.findings.filter((f) => f.path !== r.file || f.line !== r.line), []);
      const text = runCli(['explain', '--log', log, '--in', r.main], { cwd: dir }).stdout;
      assert.match(text, new RegExp(`Refused at: ${r.file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:${r.line}\\n`));
      assert.match(text, new RegExp(`proxylint: \\S+:${r.line}: .*\\[${c.rule}\\]`));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

test('a refused reload: apache2 -k graceful leaves the running httpd on its old configuration; a SIGUSR1 makes it log the lines and exit (real apache2)', async () => {
  const setup = await prepareApache('Listen 80\n');
  const run = await startApache(setup);
  try {
    const before = (await request({ port: setup.port, path: '/' })).status;
    rewriteApache(setup, setup.text + 'ProxyTimout 30\n');
    const refusedAt = setup.text.split('\n').length - 1;
    // What apachectl graceful (systemctl reload apache2 on Debian) runs once its apache2 -t has failed.
    const k = spawnSync('apache2', ['-k', 'graceful', '-d', setup.dir, '-f', setup.confPath], { encoding: 'utf8' });
    assert.notEqual(k.status, 0);
    const out = join(setup.dir, 'graceful.out');
    writeFileSync(out, k.stderr + k.stdout);
    const [x] = explainJson(out, setup.confPath, setup.dir).explained;
    assert.equal(x.id, 'apache-startup-invalid-command');
    assert.equal(x.fields.configLine, refusedAt);
    assert.ok(x.findings.some((f) => f.ruleId === 'apache-unknown-directive' && f.line === refusedAt), JSON.stringify(x.findings));
    await sleep(500);
    assert.equal((await request({ port: setup.port, path: '/' })).status, before, 'the running server still answers as before');
    // The running parent told to re-read the configuration itself.
    const pid = Number(readFileSync(setup.pidPath, 'utf8'));
    process.kill(pid, 'SIGUSR1');
    const gone = await waitFor(async () => run.proc.exited(), 5000);
    assert.ok(gone, 'httpd still runs after SIGUSR1 with a configuration it refuses');
    assert.equal((await request({ port: setup.port, path: '/', timeoutMs: 2000 })).status, 'no-response');
    const log = run.errorLog();
    assert.match(log, /AH00493: SIGUSR1 received/);
    const j = explainJson(setup.errorLogPath, setup.confPath, setup.dir);
    assert.ok(j.explained.some((e) => e.id === 'apache-startup-invalid-command' && e.fields.configLine === refusedAt), log);
  } finally {
    await run.stop();
    setup.cleanup();
  }
});

test('explain on a running httpd\'s .htaccess line: the request got 500, and --in the file gives the finding in it (real apache2)', async () => {
  const dir = tempDir('proxylint-htaccess-');
  const www = join(dir, 'www');
  const setup = await prepareApache(`Listen 80\nDocumentRoot "${www}"\n<Directory "${www}">\n    AllowOverride All\n    Require all granted\n</Directory>\n`, {
    dir,
    files: { 'www/app/.htaccess': 'RewriteEngine On\nRewriteLog /var/log/apache2/rewrite.log\n', 'www/app/index.html': 'hello\n' },
  });
  const run = await startApache(setup);
  try {
    const r = await request({ port: setup.port, path: '/app/index.html' });
    assert.equal(r.status, 500);
    await sleep(200);
    const htaccess = join(www, 'app', '.htaccess');
    const j = explainJson(setup.errorLogPath, htaccess, dir);
    const x = j.explained.find((e) => e.id === 'apache-htaccess-invalid-command');
    assert.ok(x, run.errorLog());
    assert.equal(x!.fields.configFile, htaccess);
    assert.deepEqual(x!.configFiles, [htaccess]);
    assert.deepEqual(x!.findings.map((f) => [f.ruleId, f.line]), [['apache-unknown-directive', 2]]);
  } finally {
    await run.stop();
    setup.cleanup();
    rmSync(dir, { recursive: true, force: true });
  }
});
