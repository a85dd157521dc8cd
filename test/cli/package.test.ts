// `npm install git+https://…` (and `npx`) installs from a clone, where dist/ does not exist (it is not committed):
// npm runs the "prepare" script there, and then packs what .npmignore lets through.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ROOT } from '../helpers';

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string>; scripts: Record<string, string> };

test('a "prepare" script builds the bundles that the proxylint bin requires', () => {
  assert.equal(pkg.scripts.prepare, 'node esbuild.mjs');
  assert.match(readFileSync(join(ROOT, pkg.bin.proxylint), 'utf8'), /path\.join\(__dirname, '\.\.', 'dist', 'server', 'cli\.js'\)/);
  assert.match(readFileSync(join(ROOT, 'esbuild.mjs'), 'utf8'), /cli: 'server\/src\/node\/cli\.ts'/);
});

test('the npm package carries the bin, the CLI and server bundles (and the CLI\'s code cache), grammars and schema; no client bundle or source maps', () => {
  const r = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const files = (JSON.parse(r.stdout) as { files: { path: string }[] }[])[0].files.map((f) => f.path).sort();
  for (const f of ['bin/proxylint.js', 'dist/server/cli.js', 'dist/server/cli.cache', 'dist/server/server-main.js', 'package.json', 'README.md', 'LICENSE', 'schemas/proxylintrc.schema.json']) assert.ok(files.includes(f), `${f} in ${files.join(', ')}`);
  assert.deepEqual(files.filter((f) => f.endsWith('.map') || f.startsWith('dist/client/') || !/^(bin|dist|syntaxes|schemas)\/|^(package\.json|README\.md|LICENSE)$/.test(f)), []);
});
