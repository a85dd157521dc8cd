// The "ignore" patterns of .proxylintrc.json: "**/" spans whole folders only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isIgnored } from '../../server/src/core/ignore';

test('ignore patterns: **/name matches that name in any folder, not names that merely end with it', () => {
  const ig = (p: string, pat: string) => isIgnored(`/repo/${p}`, [pat], '/repo');
  assert.ok(ig('test.conf', '**/test.conf'));
  assert.ok(ig('a/b/test.conf', '**/test.conf'));
  assert.ok(!ig('sites/latest.conf', '**/test.conf'));
  assert.ok(ig('vendor/x/y.conf', 'vendor/**'));
  assert.ok(ig('a/vendor/x.conf', 'vendor'), 'a pattern without "/" matches a name anywhere');
  assert.ok(!ig('sites/a.conf', 'vendor/**'));
});
