/**
 * Property-based fuzzing of both parsers and the whole lint pipeline, bounded for CI: each kind of input runs up to
 * FUZZ_RUNS cases (default 1500) or FUZZ_MS milliseconds (default 6000), whichever comes first. The seed is fixed
 * (FUZZ_SEED=n for another, FUZZ_SEED=random for a new one each run; it is printed). `npm run fuzz` runs long campaigns and saves failures under
 * test/fuzz/regressions/, which regressions.test.ts replays. The properties are described in properties.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { arbitraryFor, KINDS, mutate, seedFiles } from './arbitraries';
import { checkAll, checkApacheParse, checkNginxParse } from './properties';

// A fixed seed by default, so that CI is reproducible; FUZZ_SEED=random explores a new one on every run.
const seed = process.env.FUZZ_SEED === 'random' ? Date.now() % 2 ** 31 : Number(process.env.FUZZ_SEED ?? 20261122);
const runs = Number(process.env.FUZZ_RUNS ?? 1500);
const ms = Number(process.env.FUZZ_MS ?? 6000);
console.log(`fuzz: seed ${seed} (FUZZ_SEED=${seed} replays it), up to ${runs} cases or ${ms} ms per kind`);

for (const kind of KINDS) {
  test(`fuzz ${kind}: no exception, ranges inside the document, lossless parse, idempotent fixes, quick fixes inside the document${kind === 'log' ? ', explain accounts for every log line and places lines only in the configuration' : ''}`, { timeout: ms * 10 + 60_000 }, () => {
    const started = Date.now();
    let n = 0;
    fc.assert(
      fc.property(arbitraryFor(kind), (c) => {
        n++;
        checkAll(c);
      }),
      { seed, numRuns: runs, interruptAfterTimeLimit: ms, markInterruptAsFailure: false },
    );
    console.log(`fuzz ${kind}: ${n} cases (with shrinking) in ${Date.now() - started} ms`);
    assert.ok(n > 0);
  });
}

test('every seed file parses losslessly as it is (no mutation)', { timeout: 120_000 }, () => {
  const files = seedFiles();
  assert.ok(files.length > 10, 'the fixtures and examples are there');
  for (const f of files) {
    try {
      if (f.dialect === 'nginx') checkNginxParse(f.text);
      else checkApacheParse(f.text);
    } catch (e) {
      throw new Error(`${f.source}: ${(e as Error).message}`);
    }
  }
});

test('mutations do what they say', () => {
  assert.equal(mutate('abcdef', { op: 'delete-bytes', at: 1, len: 2 }), 'adef');
  assert.equal(mutate('abcdef', { op: 'duplicate-bytes', at: 1, len: 2 }), 'abcbcdef');
  assert.equal(mutate('abcdef', { op: 'swap-bytes', at: 0, to: 4, len: 2 }), 'efcdab');
  assert.equal(mutate('a\nb\nc\n', { op: 'swap-lines', line: 0, other: 2 }), 'c\nb\na\n');
  assert.equal(mutate('a\nb\n', { op: 'duplicate-line', line: 1 }), 'a\nb\nb\n');
  assert.equal(mutate('a\nb\n', { op: 'delete-line', line: 0 }), 'b\n');
  assert.equal(mutate('ab', { op: 'huge-argument', at: 1, size: 3, char: '{' }), 'a {{{ b');
  assert.equal(mutate('abc', { op: 'truncate', at: 2 }), 'ab');
});
