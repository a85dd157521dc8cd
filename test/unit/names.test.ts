// The "did you mean" helpers: editDistance against a plain full-matrix Levenshtein on random strings (short and long,
// so the rows it keeps between calls are outgrown and replaced), and closest's rules (within max, no tie).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closest, editDistance } from '../../server/src/core/model/names';

function levenshtein(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
  }
  return d[a.length][b.length];
}

test('editDistance equals Levenshtein distance up to max, and max + 1 beyond it', () => {
  let seed = 7;
  const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2147483648), seed % n);
  const word = (len: number) => Array.from({ length: len }, () => 'abc_'[rnd(4)]).join('');
  for (let k = 0; k < 3000; k++) {
    const long = k % 10 === 0;
    const a = word(rnd(long ? 150 : 12));
    const b = word(long ? a.length + rnd(5) : rnd(12));
    const max = rnd(4);
    const want = levenshtein(a, b);
    assert.equal(editDistance(a, b, max), want <= max ? want : max + 1, `${a} / ${b} / max ${max}`);
  }
  assert.equal(editDistance('proxy_pass', 'proxy_pas', 2), 1);
  assert.equal(editDistance('', 'abc', 3), 3);
});

test('closest: the one candidate within max edits (case-insensitive), none on a tie or beyond max', () => {
  assert.equal(closest('upstream_adr', ['upstream_addr', 'upstream_status', 'host']), 'upstream_addr');
  assert.equal(closest('PROXY_PAS', ['proxy_pass', 'proxy_bind']), 'proxy_pass');
  assert.equal(closest('hosc', ['hosa', 'hosb'], 1), undefined, 'a tie names none');
  assert.equal(closest('completely_else', ['host', 'uri']), undefined);
});
