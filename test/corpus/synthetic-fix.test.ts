// --fix on the corpus generator's 10k-line nginx tree (nginx.conf, conf.d/, sites/, snippets/): the fixes land in
// several files at once, the tree still passes the real nginx -t, nothing fixable is left, and a second --fix writes
// nothing (fixes settle in one run). The rule fixtures check each fix on a small example; this checks them together
// on a tree shaped like a real deployment.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { nginxTest, runCli, sharedSkip, SHARED } from '../helpers';

const GEN = join(SHARED, 'corpus', 'synthetic', 'gen.js');

function snapshot(dir: string, out = new Map<string, string>(), root = dir): Map<string, string> {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) snapshot(p, out, root);
    else out.set(relative(root, p), readFileSync(p, 'utf8'));
  }
  return out;
}

test('--fix on the generated 10k-line nginx tree keeps nginx -t passing and settles in one run', { skip: sharedSkip('corpus/synthetic/gen.js') }, () => {
  const work = mkdtempSync(join(tmpdir(), 'proxylint-synthetic-'));
  try {
    const tree = join(work, 'tree');
    const gen = spawnSync(process.execPath, [GEN, 'nginx', '10000', tree], { encoding: 'utf8' });
    assert.equal(gen.status, 0, gen.stderr);
    const conf = join(tree, 'nginx.conf');
    const prefix = join(work, 'prefix');
    const before = nginxTest(prefix, conf);
    assert.ok(before.ok, `the generated tree passes nginx -t: ${before.output}`);

    const report = JSON.parse(runCli(['--format', 'json', conf]).stdout) as { summary: { fixable: number } };
    assert.ok(report.summary.fixable > 0, 'the tree has findings with a safe fix');
    const original = snapshot(tree);

    const fixed = runCli(['--fix', conf]);
    assert.ok(fixed.code === 0 || fixed.code === 1, fixed.stderr);
    const after = snapshot(tree);
    const changed = [...after].filter(([p, text]) => original.get(p) !== text).map(([p]) => p);
    assert.ok(changed.length >= 2, `fixes in several files: ${changed.join(', ')}`);
    assert.deepEqual([...after.keys()].sort(), [...original.keys()].sort(), '--fix creates and deletes no file');

    const check = nginxTest(prefix, conf);
    assert.ok(check.ok, `after --fix (${changed.join(', ')}): ${check.output}`);
    const again = JSON.parse(runCli(['--format', 'json', conf]).stdout) as { summary: { fixable: number } };
    assert.equal(again.summary.fixable, 0, 'nothing fixable is left');
    runCli(['--fix', conf]);
    assert.deepEqual(snapshot(tree), after, 'a second --fix writes nothing');
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});
