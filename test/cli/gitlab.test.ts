// --format gitlab: a Code Quality report as GitLab reads it (https://docs.gitlab.com/ci/testing/code_quality/):
// a JSON array of issues, each with description, check_name, fingerprint, severity (one of GitLab's five) and
// location.path (relative to the repository) with location.lines.begin. GitLab matches a merge request's issues with
// the target branch's by fingerprint, so it must stay the same when unrelated lines move.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli } from '../helpers';
import { allFindings, runJson, show, tree } from './util';

const NGINX = `events {}
http {
  upstream app { server 10.0.0.1:8080; server 10.0.0.2:8080; }
  server {
    listen 80;
    location / { proxy_pass http://app; proxy_read_timeout 1s; }
    location /x/ { proxy_pass http://app_typo; }
    location /y/ { proxy_pass 127.0.0.1:8090; }
  }
}
`;
const SEVERITIES = new Set(['info', 'minor', 'major', 'critical', 'blocker']);

interface Issue {
  description: string;
  check_name: string;
  fingerprint: string;
  severity: string;
  location: { path: string; lines: { begin: number; end?: number } };
}

function issues(stdout: string): Issue[] {
  const parsed = JSON.parse(stdout) as unknown;
  assert.ok(Array.isArray(parsed), stdout);
  return parsed as Issue[];
}

test('one issue per finding, with the fields GitLab requires, paths from the repository root', () => {
  const t = tree({ '.git/HEAD': 'ref: refs/heads/main\n', 'deploy/nginx/nginx.conf': NGINX });
  try {
    // Run from a subfolder, as a job with `cd deploy` would: GitLab still needs the path from the repository root.
    const cwd = join(t.dir, 'deploy');
    const r = runCli(['--format', 'gitlab', 'nginx'], { cwd });
    assert.equal(r.code, 1, show(r));
    const got = issues(r.stdout);
    const { report } = runJson(['nginx'], { cwd });
    const want = allFindings(report);
    assert.ok(want.length >= 2, JSON.stringify(want));
    assert.equal(got.length, want.length);
    for (const [k, i] of got.entries()) {
      assert.deepEqual(Object.keys(i).sort(), ['check_name', 'description', 'fingerprint', 'location', 'severity']);
      assert.equal(i.check_name, want[k].ruleId);
      assert.equal(i.description, want[k].message);
      assert.ok(SEVERITIES.has(i.severity), i.severity);
      assert.equal(i.severity, { error: 'critical', warning: 'major', info: 'info' }[want[k].severity]);
      assert.equal(i.location.path, 'deploy/nginx/nginx.conf');
      assert.equal(i.location.lines.begin, want[k].line);
      assert.equal(i.location.lines.end, want[k].endLine);
      assert.match(i.fingerprint, /^[0-9a-f]{16}:\d+$/);
    }
    assert.equal(new Set(got.map((i) => i.fingerprint)).size, got.length, 'fingerprints are unique');
    assert.ok(got.some((i) => i.check_name === 'pass-scheme-mismatch' && i.severity === 'critical'), r.stdout);

    // $CI_PROJECT_DIR, where a GitLab runner clones the repository, is the root even without .git above.
    const ci = runCli(['--format', 'gitlab', 'nginx.conf'], { cwd: join(cwd, 'nginx'), env: { CI_PROJECT_DIR: cwd } });
    assert.deepEqual(issues(ci.stdout).map((i) => i.location.path), got.map(() => 'nginx/nginx.conf'));
  } finally {
    t.cleanup();
  }
});

test('fingerprints survive lines added above, and change only for the finding whose line changed', () => {
  const t = tree({ '.git/HEAD': 'ref: refs/heads/main\n', 'nginx.conf': NGINX });
  try {
    const first = issues(runCli(['--format', 'gitlab', 'nginx.conf'], { cwd: t.dir }).stdout);
    writeFileSync(join(t.dir, 'nginx.conf'), `# a comment\n\n${NGINX.replace('proxy_read_timeout 1s;', 'proxy_read_timeout 2s;')}`);
    const second = issues(runCli(['--format', 'gitlab', 'nginx.conf'], { cwd: t.dir }).stdout);
    const byRule = (list: Issue[]) => new Map(list.map((i) => [i.check_name, i]));
    const [a, b] = [byRule(first), byRule(second)];
    assert.equal(b.get('undefined-upstream')!.fingerprint, a.get('undefined-upstream')!.fingerprint);
    assert.equal(b.get('undefined-upstream')!.location.lines.begin, a.get('undefined-upstream')!.location.lines.begin + 2);
    assert.notEqual(b.get('read-timeout-too-low')!.fingerprint, a.get('read-timeout-too-low')!.fingerprint);
  } finally {
    t.cleanup();
  }
});

test('no findings: an empty array and exit 0; --fix-dry-run with gitlab is a usage error', () => {
  const t = tree({ '.git/HEAD': 'ref: refs/heads/main\n', 'ok.conf': '# proxylint: context location\nproxy_pass http://127.0.0.1:8080;\n' });
  try {
    const r = runCli(['--format', 'gitlab', 'ok.conf'], { cwd: t.dir });
    assert.equal(r.code, 0, show(r));
    assert.deepEqual(JSON.parse(r.stdout), []);
    const dry = runCli(['--format', 'gitlab', '--fix-dry-run', 'ok.conf'], { cwd: t.dir });
    assert.equal(dry.code, 2, show(dry));
    assert.match(dry.stderr, /--fix-dry-run .* not in gitlab output/);
  } finally {
    t.cleanup();
  }
});
