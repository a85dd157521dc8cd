// `npm ci && npm run demo` is the README's first command: it must not look like a failure when the lint worked.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ROOT } from '../helpers';

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
// The demo script without its build step (npm test has built already; building here would race other tests).
const demo = pkg.scripts.demo.replace(/^node esbuild\.mjs && /, '');

const run = (extra = '') => spawnSync('sh', ['-c', demo + extra], { cwd: ROOT, encoding: 'utf8' });

test('npm run demo exits 0 on the example findings and says that CI would fail on them', () => {
  assert.notEqual(demo, pkg.scripts.demo, 'the demo script builds first');
  const r = run();
  assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
  assert.match(r.stdout, /\d+ problems \(\d+ errors?, /);
  assert.match(r.stdout, /^Demo OK: proxylint exits with code 1 on these findings, so a CI job running it on them would fail\.$/m);
});

test('npm run demo still fails on a usage or I/O error (exit 2)', () => {
  const r = run(' no-such-folder');
  assert.equal(r.status, 2, `${r.stdout}\n${r.stderr}`);
  assert.doesNotMatch(r.stdout, /Demo OK/);
});
