// The hook for the pre-commit framework (.pre-commit-hooks.yaml), run by the real `pre-commit` (Debian's package; .ci/run
// installs it) from a clone of this repository, as a user's .pre-commit-config.yaml would: pre-commit installs the
// package with npm (the registry is needed: the "prepare" build fetches the devDependencies), then passes the files
// its `files` pattern picks. A site file is checked in the nginx.conf that includes it; a .conf that is no nginx or
// Apache configuration is not passed. The clone is of HEAD: uncommitted changes are not in it.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ROOT, tempTree } from '../helpers';

const hasPreCommit = spawnSync('sh', ['-c', 'command -v pre-commit']).status === 0;

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, ...env }, timeout: 300_000 });
  return { status: r.status, output: (r.stdout ?? '') + (r.stderr ?? '') };
}

test('pre-commit: the proxylint hook installs from the repository and reports a site file in the context of its nginx.conf', { skip: hasPreCommit ? false : 'pre-commit is not installed (apt-get install -y pre-commit, as .ci/run does)' }, () => {
  const t = tempTree({});
  try {
    const hook = join(t.dir, 'hook');
    assert.equal(run('git', ['clone', '-q', '--depth', '1', `file://${ROOT}`, hook], t.dir).status, 0);
    const rev = run('git', ['rev-parse', 'HEAD'], hook).output.trim();
    const repo = join(t.dir, 'repo');
    mkdirSync(join(repo, 'nginx', 'sites-enabled'), { recursive: true });
    writeFileSync(join(repo, 'nginx', 'nginx.conf'), 'events {}\nhttp {\n    include sites-enabled/*;\n}\n');
    const site = 'server {\n    listen 80;\n    location / {\n        proxy_read_timeout 1s;\n        proxy_pass http://127.0.0.1:9000;\n    }\n}\n';
    writeFileSync(join(repo, 'nginx', 'sites-enabled', 'app'), site);
    // Not nginx or Apache: proxylint would read it as nginx and report a syntax error, so the hook must not pass it.
    writeFileSync(join(repo, 'supervisord.conf'), '[program:app]\ncommand=/usr/bin/app\n');
    writeFileSync(join(repo, '.pre-commit-config.yaml'), `repos:\n  - repo: ${hook}\n    rev: ${rev}\n    hooks:\n      - id: proxylint\n`);
    const git = (...args: string[]) => run('git', ['-c', 'user.email=t@example.invalid', '-c', 'user.name=t', ...args], repo);
    git('init', '-q');
    git('add', '-A');
    const env = { PRE_COMMIT_HOME: join(t.dir, 'cache'), npm_config_loglevel: 'error' };
    const first = run('pre-commit', ['run', '--all-files'], repo, env);
    assert.equal(first.status, 1, first.output);
    assert.match(first.output, /nginx\/sites-enabled\/app\n {2}4:9 {2}warning .*\[read-timeout-too-low\]/, first.output);
    assert.match(first.output, /in 2 files checked/, 'the site and the nginx.conf above it');
    assert.doesNotMatch(first.output, /supervisord/);
    // Mended: the hook passes (the installed environment is reused).
    writeFileSync(join(repo, 'nginx', 'sites-enabled', 'app'), site.replace('1s', '60s'));
    git('add', '-A');
    const second = run('pre-commit', ['run', '--all-files'], repo, env);
    assert.equal(second.status, 0, second.output);
    assert.match(second.output, /proxylint \(nginx \/ Apache 502 and 504 risks\)\.+Passed/);
  } finally {
    t.cleanup();
  }
});
