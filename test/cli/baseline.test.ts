// --baseline and --format baseline: a team accepts today's findings and CI fails on new ones only.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { applyBaseline, formatBaseline, readBaseline } from '../../server/src/cli/baseline';
import { runCli } from '../helpers';
import { show, tree } from './util';

// Two findings of one rule on identical lines, and one of another rule.
const SITE = `# proxylint: context server
location /a {
    proxy_pass 127.0.0.1:8090;
}
location /b {
    proxy_pass 127.0.0.1:8090;
}
location /c {
    proxy_pass http://127.0.0.1:8092;
    proxy_read_timeout 1s;
}
`;

let repo = '';
let cleanup = () => {};
const site = () => join(repo, 'sub', 'site.conf');
const baselineFile = () => join(repo, 'proxylint-baseline.json');
before(() => {
  ({ dir: repo, cleanup } = tree({ '.git/HEAD': 'ref: refs/heads/main\n', 'sub/site.conf': SITE }));
});
after(() => cleanup());

const ruleIds = (stdout: string) => (JSON.parse(stdout) as { files: { findings: { ruleId: string; line: number }[] }[] }).files.flatMap((f) => f.findings.map((x) => `${x.ruleId}@${x.line}`));

describe('CLI baseline', () => {
  test('--format baseline lists every finding by rule, file (from the repository root) and trimmed line text, and exits 0', () => {
    const all = runCli(['--format', 'json', 'sub/site.conf'], { cwd: repo });
    assert.equal(all.code, 1, show(all));
    const n = ruleIds(all.stdout).length;
    assert.ok(n >= 3, all.stdout);
    const r = runCli(['--format', 'baseline', 'sub/site.conf'], { cwd: repo });
    assert.equal(r.code, 0, show(r));
    const read = readBaseline(r.stdout);
    assert.ok('entries' in read, r.stdout);
    assert.equal(read.entries.reduce((s, e) => s + e.count, 0), n, 'every finding is counted');
    const twice = read.entries.find((e) => e.line === 'proxy_pass 127.0.0.1:8090;');
    assert.deepEqual(twice && { path: twice.path, count: twice.count }, { path: 'sub/site.conf', count: 2 }, r.stdout);
    // From inside the folder the paths are the same: they are relative to the repository root, not the working directory.
    assert.equal(runCli(['--format', 'baseline', 'site.conf'], { cwd: join(repo, 'sub') }).stdout, r.stdout);
    writeFileSync(baselineFile(), r.stdout);
  });

  test('with the baseline nothing is reported and the run passes; lines added above move nothing', () => {
    const r = runCli(['--baseline', 'proxylint-baseline.json', 'sub/site.conf'], { cwd: repo });
    assert.equal(r.code, 0, show(r));
    assert.match(r.stdout, /No new problems in 1 file \(\d+ known ones match the baseline\)\./);
    writeFileSync(site(), `# a comment\n\n${SITE}`);
    const moved = runCli(['--baseline', '../proxylint-baseline.json', '--format', 'json', 'site.conf'], { cwd: join(repo, 'sub') });
    assert.equal(moved.code, 0, show(moved));
    assert.deepEqual(ruleIds(moved.stdout), []);
    const summary = (JSON.parse(moved.stdout) as { summary: { baselined: number; baselineStale: number } }).summary;
    assert.equal(summary.baselineStale, 0);
    assert.ok(summary.baselined >= 3);
    writeFileSync(site(), SITE);
  });

  test('a new finding and a third identical line are reported; an edited line is new and its old finding stale', () => {
    const run = (text: string) => {
      writeFileSync(site(), text);
      const all = ruleIds(runCli(['--format', 'json', 'sub/site.conf'], { cwd: repo }).stdout);
      const r = runCli(['--baseline', 'proxylint-baseline.json', '--format', 'json', 'sub/site.conf'], { cwd: repo });
      assert.equal(r.code, 1, show(r));
      const reported = ruleIds(r.stdout);
      // Every finding is either reported or held back by the baseline.
      assert.equal(reported.length + (JSON.parse(r.stdout) as { summary: { baselined: number } }).summary.baselined, all.length);
      const lineOf = (needle: string, nth = 1) => text.split('\n').map((l, k) => (l.includes(needle) ? k + 1 : 0)).filter(Boolean)[nth - 1];
      return { reported, stderr: r.stderr, lineOf };
    };
    // A third "proxy_pass 127.0.0.1:8090;" where the baseline has two: the one past the count (the last) is new;
    // so is the mistake written into /c.
    const more = run(SITE.replace('location /a {', 'location /z {\n    proxy_pass 127.0.0.1:8090;\n}\nlocation /a {').replace('proxy_pass http://127.0.0.1:8092;', 'proxy_pass 127.0.0.1:8092;'));
    assert.deepEqual(more.reported, [`pass-scheme-mismatch@${more.lineOf('proxy_pass 127.0.0.1:8090;', 3)}`, `pass-scheme-mismatch@${more.lineOf('127.0.0.1:8092')}`]);
    assert.doesNotMatch(more.stderr, /not found/);
    // /b's line edited: its finding is new, and the baseline's finding for the old line is not met.
    const edited = run(SITE.replace('location /b {\n    proxy_pass 127.0.0.1:8090;', 'location /b {\n    proxy_pass 127.0.0.1:8099;'));
    assert.deepEqual(edited.reported, [`pass-scheme-mismatch@${edited.lineOf('127.0.0.1:8099')}`]);
    assert.match(edited.stderr, /1 finding\(s\) in the baseline proxylint-baseline\.json were not found/);
    writeFileSync(site(), SITE);
  });

  test('a missing or malformed baseline is exit 2, not a run that reports everything or nothing', () => {
    const missing = runCli(['--baseline', 'nope.json', 'sub/site.conf'], { cwd: repo });
    assert.equal(missing.code, 2, show(missing));
    assert.match(missing.stderr, /baseline nope\.json cannot be read: .*make one with --format baseline/);
    for (const [text, says] of [
      ['{', /is not valid JSON/],
      ['[]', /is not a proxylint baseline/],
      ['{"version": 2, "findings": []}', /has version 2/],
      ['{"version": 1, "findings": [{"ruleId": "x", "path": "a", "line": "b", "count": 0}]}', /findings\[0\] needs/],
    ] as const) {
      writeFileSync(join(repo, 'bad.json'), text);
      const r = runCli(['--baseline', 'bad.json', 'sub/site.conf'], { cwd: repo });
      assert.equal(r.code, 2, `${text}: ${show(r)}`);
      assert.match(r.stderr, says, text);
    }
    const both = runCli(['--baseline', 'proxylint-baseline.json', '--format', 'baseline', 'sub/site.conf'], { cwd: repo });
    assert.equal(both.code, 2, show(both));
    assert.match(both.stderr, /leave out --baseline/);
  });

  test('the baseline file is one line per entry, sorted, so that a change to it reads as a diff', () => {
    const text = readFileSync(baselineFile(), 'utf8');
    const lines = text.trimEnd().split('\n');
    assert.equal(lines[0], '{');
    const entries = lines.filter((l) => l.startsWith('    {')).map((l) => JSON.parse(l.replace(/,$/, '')) as { path: string; ruleId: string; line: string });
    assert.ok(entries.length >= 2, text);
    const key = (e: (typeof entries)[number]) => [e.path, e.ruleId, e.line].join('\0');
    assert.deepEqual(entries.map(key), entries.map(key).sort(), 'sorted by file, rule and line');
  });
});

describe('baseline matching', () => {
  const at = (ruleId: string, path: string, line: string) => ({ ruleId, path, line });
  const locate = (f: { path: string; line: string }) => f;

  test('counts per key: the findings past the baseline count are new, in report order', () => {
    const entries = [{ ruleId: 'r', path: 'a.conf', line: 'x;', count: 2 }];
    const findings = [at('r', 'a.conf', '  x;'), at('r', 'a.conf', 'x;'), at('r', 'a.conf', 'x;  ')];
    const r = applyBaseline(findings, entries, locate);
    assert.deepEqual(r.kept, [findings[2]]);
    assert.equal(r.matched, 2);
    assert.equal(r.stale, 0);
  });

  test('rule, file and line text all count; what is not met is stale', () => {
    const entries = [{ ruleId: 'r', path: 'a.conf', line: 'x;', count: 1 }, { ruleId: 'gone', path: 'a.conf', line: 'y;', count: 3 }];
    const findings = [at('s', 'a.conf', 'x;'), at('r', 'b.conf', 'x;'), at('r', 'a.conf', 'x2;')];
    const r = applyBaseline(findings, entries, locate);
    assert.deepEqual(r.kept, findings);
    assert.equal(r.stale, 4);
  });

  test('what formatBaseline writes, readBaseline reads back and matches every finding', () => {
    const findings = [at('r', 'b.conf', 'x;'), at('r', 'a.conf', 'x;'), at('r', 'a.conf', 'x;'), at('q', 'a.conf', '"quoted \\\\ text";')];
    const read = readBaseline(formatBaseline(findings, locate));
    assert.ok('entries' in read);
    assert.deepEqual(read.entries.map((e) => [e.path, e.ruleId, e.count]), [['a.conf', 'q', 1], ['a.conf', 'r', 2], ['b.conf', 'r', 1]]);
    const r = applyBaseline(findings, read.entries, locate);
    assert.deepEqual(r, { kept: [], matched: 4, stale: 0 });
    assert.deepEqual(readBaseline(formatBaseline([], locate)), { entries: [] });
  });
});
