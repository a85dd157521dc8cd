// A clone on its own (no ../shared beside it) must not fail `npm test`: the tests that need the shared folder
// skip, saying why. Here a copy of the sources and tests sits in a temporary folder with no shared folder beside it.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ROOT } from '../helpers';

const NEEDS_SHARED = ['test/corpus/corpus.test.ts', 'test/corpus/apache-corpus.test.ts', 'test/unit/hover-docs.test.ts'];

test('without ../shared the corpus and catalogue tests are skipped with the reason, not failed', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'proxylint-solo-'));
  try {
    const copy = join(tmp, 'proxylint');
    for (const p of ['server', 'test', 'package.json', 'tsconfig.json']) cpSync(join(ROOT, p), join(copy, p), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'));
    assert.ok(!existsSync(join(tmp, 'shared')));
    const env = { ...process.env };
    delete env.PROXYLINT_REQUIRE_SHARED;
    // Set by the test runner for its children: a child that sees it reports to the parent instead of running files.
    delete env.NODE_TEST_CONTEXT;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=tap', ...NEEDS_SHARED], { cwd: copy, env, encoding: 'utf8', timeout: 120_000 });
    const out = `${r.stdout}\n${r.stderr}`;
    assert.equal(r.status, 0, out);
    assert.match(out, /^# fail 0$/m, out);
    assert.match(out, /^# skipped 6$/m, out);
    assert.match(out, /# SKIP needs \.\.\/shared\/corpus, the workplace's shared folder/);
    assert.match(out, /# SKIP needs \.\.\/shared\/reference\/proxy-failure-catalogue\.md, the workplace's shared folder/);
    // The rest of hover-docs still runs.
    assert.ok(Number(/^# pass (\d+)$/m.exec(out)?.[1]) >= 10, out);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});
