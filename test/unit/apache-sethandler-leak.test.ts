// proxy-scheme-module-missing says that SetHandler "proxy:…fcgi://…" without mod_proxy_fcgi makes httpd serve
// the PHP source with 200. This runs the real httpd on 127.0.0.1 to check it, then applies the rule's fix and
// checks that the same request now goes to PHP-FPM (503 here: no FPM socket exists).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyEdits } from '../../server/src/core/fix';
import { lintApache } from '../../server/src/core/lint-apache';
import { defaultSettings } from '../../server/src/core/settings';
import { createNodeHost } from '../../server/src/node/node-host';
import { requireBinary } from '../helpers';

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });

const fetch = (port: number, path: string) =>
  new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = get({ host: '127.0.0.1', port, path, timeout: 10_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });

async function serve(root: string, conf: string, port: number, path: string): Promise<{ status: number; body: string; log: string }> {
  const child: ChildProcess = spawn('apache2', ['-d', root, '-f', conf, '-DFOREGROUND'], { stdio: 'ignore' });
  try {
    for (let i = 0; i < 100; i++) {
      try {
        const r = await fetch(port, path);
        return { ...r, log: readFileSync(join(root, 'logs', 'error.log'), 'utf8') };
      } catch {
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    throw new Error('httpd did not answer');
  } finally {
    // Stop this httpd by its own PID and wait for it to exit.
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
}

test('SetHandler "proxy:unix:…|fcgi://localhost" without mod_proxy_fcgi: flagged, and the real httpd answers 200 with the PHP source; after the fix, PHP-FPM is used', async () => {
  requireBinary('apache2');
  const root = mkdtempSync(join(tmpdir(), 'proxylint-leak-'));
  try {
    mkdirSync(join(root, 'logs'));
    mkdirSync(join(root, 'www'));
    writeFileSync(join(root, 'www', 'index.php'), '<?php\n$db_password = "s3cret";\n');
    // httpd's children run as www-data when started as root: they must be able to read the files.
    for (const p of [root, join(root, 'www')]) chmodSync(p, 0o755);
    chmodSync(join(root, 'www', 'index.php'), 0o644);
    const port = await freePort();
    const asRoot = process.getuid?.() === 0;
    const conf = join(root, 'httpd.conf');
    const text = [
      'LoadModule mpm_event_module /usr/lib/apache2/modules/mod_mpm_event.so',
      'LoadModule authz_core_module /usr/lib/apache2/modules/mod_authz_core.so',
      'LoadModule proxy_module /usr/lib/apache2/modules/mod_proxy.so',
      'ServerName localhost',
      ...(asRoot ? ['User www-data', 'Group www-data'] : []),
      `Listen 127.0.0.1:${port}`,
      `PidFile ${root}/logs/httpd.pid`,
      `ErrorLog ${root}/logs/error.log`,
      `DocumentRoot ${root}/www`,
      `<Directory ${root}/www>`,
      '    Require all granted',
      '</Directory>',
      '<FilesMatch \\.php$>',
      '    SetHandler "proxy:unix:/run/php/proxylint-test-missing.sock|fcgi://localhost"',
      '</FilesMatch>',
      '',
    ].join('\n');
    writeFileSync(conf, text);
    assert.equal(spawnSync('apache2', ['-t', '-d', root, '-f', conf], { encoding: 'utf8' }).status, 0, 'apache2 -t says Syntax OK');

    const findings = lintApache(conf, text, createNodeHost(), { settings: defaultSettings() }).findings.filter((f) => f.ruleId === 'proxy-scheme-module-missing');
    assert.equal(findings.length, 1);
    assert.equal(findings[0].severity, 'error');
    assert.equal(text.slice(0, findings[0].start).split('\n').length, text.split('\n').findIndex((l) => l.includes('SetHandler')) + 1, 'reported on the SetHandler line');
    assert.match(findings[0].message, /200 with its PHP source code/);

    const before = await serve(root, conf, port, '/index.php');
    assert.equal(before.status, 200);
    assert.match(before.body, /^<\?php\n\$db_password = "s3cret";/, 'the source itself is served');

    // The safe fix loads mod_proxy_fcgi (no <IfModule> section would switch with it).
    assert.ok(findings[0].fix, 'a safe fix is offered');
    writeFileSync(conf, applyEdits(text, findings[0].fix!.edits.filter((e) => e.path === conf)).text);
    const after = await serve(root, conf, port, '/index.php');
    assert.equal(after.status, 503);
    assert.doesNotMatch(after.body, /s3cret/);
    assert.match(after.log, /AH02454: FCGI: attempt to connect to Unix domain socket \/run\/php\/proxylint-test-missing\.sock/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
