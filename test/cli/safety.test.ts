import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lstatSync, readFileSync, symlinkSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { CLI, runCli } from '../helpers';
import { tree } from './util';

const BROKEN_SITE = 'server {\n    listen 127.0.0.1:18900;\n    location / {\n        proxy_pass 127.0.0.1:18901;\n    }\n}\n';
const NGINX = 'events {}\nhttp {\n    include sites-enabled/*;\n}\n';

test('--fix writes through a sites-enabled symlink to the file it points to, and keeps the link', () => {
  const t = tree({ 'nginx.conf': NGINX, 'sites-available/app': BROKEN_SITE, 'sites-enabled/.keep': '' });
  try {
    symlinkSync('../sites-available/app', join(t.dir, 'sites-enabled', 'app'));
    const r = runCli(['--fix', 'nginx.conf'], { cwd: t.dir });
    assert.ok(r.code === 0 || r.code === 1, r.stderr);
    assert.ok(lstatSync(join(t.dir, 'sites-enabled', 'app')).isSymbolicLink(), 'the link is still a link');
    assert.match(readFileSync(join(t.dir, 'sites-available', 'app'), 'utf8'), /proxy_pass http:\/\/127\.0\.0\.1:18901;/);
  } finally {
    t.cleanup();
  }
});

test('--fix-dry-run reports and exits on the files as they are on disk, not as they would be after fixing', () => {
  const t = tree({ 'site.conf': BROKEN_SITE });
  try {
    const r = runCli(['--fix-dry-run', 'site.conf'], { cwd: t.dir });
    assert.equal(r.code, 1, 'the file on disk still keeps nginx from starting');
    assert.match(r.stdout, /\+        proxy_pass http:\/\/127\.0\.0\.1:18901;/, 'the diff shows the fix');
    assert.match(r.stdout, /pass-scheme-mismatch/);
    assert.equal(readFileSync(join(t.dir, 'site.conf'), 'utf8'), BROKEN_SITE);
    const j = JSON.parse(runCli(['--fix-dry-run', '--format', 'json', 'site.conf'], { cwd: t.dir }).stdout);
    assert.equal(j.summary.errors, 1);
    assert.ok(j.files[0].output.includes('http://127.0.0.1:18901'));
  } finally {
    t.cleanup();
  }
});

test('a folder with no nginx or Apache configuration is an error, not a clean run', () => {
  const t = tree({ 'README.md': '# nothing here\n' });
  try {
    const r = runCli(['.'], { cwd: t.dir });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /no nginx or Apache configuration files found/);
    assert.match(r.stdout, /No configuration files were checked\./);
  } finally {
    t.cleanup();
  }
});

test('--quiet says how many findings it hid', () => {
  const t = tree({ 'site.conf': 'location / {\n    proxy_pass http://127.0.0.1:18902;\n    proxy_read_timeout 1s;\n}\n' });
  try {
    const r = runCli(['-q', 'site.conf'], { cwd: t.dir });
    assert.equal(r.code, 0);
    assert.match(r.stdout, /No errors in 1 file \(\d+ warnings? hidden by --quiet\)\./);
  } finally {
    t.cleanup();
  }
});

test('a closed stdout pipe (proxylint --list-rules | head -1) ends quietly', () => {
  const r = spawnSync('sh', ['-c', `node ${CLI} --list-rules | head -1`], { encoding: 'utf8' });
  assert.equal(r.status, 0);
  assert.equal(r.stderr, '');
  assert.match(r.stdout, /^syntax-error /);
});

test('Debian layout: a linked site is reported once, and an unlinked site resolves includes against its nginx.conf', () => {
  const t = tree({
    'nginx.conf': NGINX,
    'snippets/proxy.conf': 'proxy_set_header Host $host;\n',
    'sites-available/app': BROKEN_SITE,
    'sites-available/staging': 'server {\n    listen 127.0.0.1:18903;\n    location / {\n        include snippets/proxy.conf;\n        proxy_pass 127.0.0.1:18904;\n    }\n}\n',
    'sites-enabled/.keep': '',
  });
  try {
    symlinkSync('../sites-available/app', join(t.dir, 'sites-enabled', 'app'));
    const r = runCli(['--format', 'json', '.'], { cwd: t.dir });
    const report = JSON.parse(r.stdout) as { files: { path: string; findings: { ruleId: string; line: number }[] }[] };
    const all = report.files.flatMap((f) => f.findings.map((x) => `${f.path.slice(t.dir.length + 1)}:${x.line}:${x.ruleId}`));
    assert.deepEqual(all.filter((x) => x.endsWith('pass-scheme-mismatch')).sort(), ['sites-available/staging:5:pass-scheme-mismatch', 'sites-enabled/app:4:pass-scheme-mismatch']);
    assert.ok(!all.some((x) => x.includes('include-not-found')), all.join('\n'));
  } finally {
    t.cleanup();
  }
});
