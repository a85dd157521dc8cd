// The V8 code cache the build makes for the CLI bundle (scripts/code-cache.js, loaded by bin/proxylint.js): used when
// it belongs to the bundle, never used when it does not, and in either case the run's output is the same as a run of
// the bundle without the loader.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { CLI, ROOT } from '../helpers';

const BUNDLE = join(ROOT, 'dist', 'server', 'cli.js');
const CACHE = join(ROOT, 'dist', 'server', 'cli.cache');
/** Configurations with findings of both servers, fixes and related places: much of the CLI runs on them. */
const INPUTS = [join(ROOT, 'examples'), join(ROOT, 'test', 'rules', 'apache', 'balancer-without-failonstatus'), join(ROOT, 'test', 'rules', 'nginx', 'unbounded-retries')];

const tmp = mkdtempSync(join(tmpdir(), 'proxylint-code-cache-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

function run(bin: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { ...process.env, PROXYLINT_DEBUG_CODE_CACHE: '1' }, timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The bundle required directly, as bin/proxylint.js did before it had a cache: the reference output. */
function plain(args: string[]): { status: number | null; stdout: string } {
  const r = spawnSync(process.execPath, ['-e', `process.argv.splice(1, 0, ${JSON.stringify(CLI)}); require(${JSON.stringify(BUNDLE)})`, '--', ...args], { encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout };
}

/** A copy of bin/ and the bundle in a folder of their own, with `cache` (or none) as the bundle's code cache. */
function install(name: string, cache: Buffer | undefined): string {
  const dir = join(tmp, name);
  mkdirSync(join(dir, 'bin'), { recursive: true });
  mkdirSync(join(dir, 'dist', 'server'), { recursive: true });
  for (const f of readdirSync(join(ROOT, 'bin'))) copyFileSync(join(ROOT, 'bin', f), join(dir, 'bin', f));
  copyFileSync(BUNDLE, join(dir, 'dist', 'server', 'cli.js'));
  if (cache) writeFileSync(join(dir, 'dist', 'server', 'cli.cache'), cache);
  return join(dir, 'bin', 'proxylint.js');
}

const args = ['--format', 'json', ...INPUTS];
const reference = plain(args);

test('the reference run finds problems (else the comparisons below would compare empty reports)', () => {
  assert.equal(reference.status, 1);
  assert.ok(JSON.parse(reference.stdout).summary.warnings + JSON.parse(reference.stdout).summary.errors > 5, reference.stdout.slice(0, 500));
});

test('the build makes a cache that this Node accepts, and the run with it prints the same report', () => {
  const r = run(CLI, args);
  assert.match(r.stderr, /^proxylint: code cache accepted$/m);
  assert.equal(r.status, reference.status);
  assert.equal(r.stdout, reference.stdout);
});

test('a cache whose data is damaged is rejected by V8, and the run prints the same report', () => {
  const good = readFileSync(CACHE);
  const bad = Buffer.from(good);
  // The id stays (the loader hands the data to V8); the data after it is garbage.
  for (let k = 36; k < bad.length; k += 7) bad[k] ^= 0x5a;
  const r = run(install('damaged', bad), args);
  assert.match(r.stderr, /^proxylint: code cache rejected$/m);
  assert.equal(r.stdout, reference.stdout);
});

test('a cache made for another build is not used, even for a bundle of the same length', () => {
  const good = readFileSync(CACHE);
  const other = Buffer.concat([Buffer.from('00000000-0000-4000-8000-000000000000', 'latin1'), good.subarray(36)]);
  const r = run(install('other-build', other), args);
  assert.match(r.stderr, /^proxylint: code cache not used$/m);
  assert.equal(r.stdout, reference.stdout);
});

test('no cache at all: the bundle is compiled as usual', () => {
  const r = run(install('none', undefined), args);
  assert.match(r.stderr, /^proxylint: code cache not used$/m);
  assert.equal(r.stdout, reference.stdout);
});

test('the language server is loaded without the cache (it is made under the CLI flags only)', () => {
  const r = spawnSync(process.execPath, [CLI, 'lsp', '--version'], { encoding: 'utf8', env: { ...process.env, PROXYLINT_DEBUG_CODE_CACHE: '1' }, timeout: 30_000, input: '' });
  assert.match(r.stderr, /^proxylint: code cache not used$/m);
});
