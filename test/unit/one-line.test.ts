import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { oneLine } from '../../server/src/core/fix';

// oneLine replaced /\s*\n\s*/g (quadratic on a long run of spaces with no line break): same result on any text.
test('oneLine joins lines exactly as /\\s*\\n\\s*/g did', () => {
  const ref = (s: string) => s.replace(/\s*\n\s*/g, ' ');
  const text = fc.array(fc.constantFrom(' ', '\n', '\r', '\t', 'a', 'b', '\u00a0', '"', '\u2028', '\r\n'), { maxLength: 40 }).map((a) => a.join(''));
  fc.assert(fc.property(text, (s) => oneLine(s) === ref(s)), { numRuns: 20_000, seed: 7 });
  assert.equal(oneLine('proxy_set_header\n    Upgrade \n\n  $http_upgrade;'), 'proxy_set_header Upgrade $http_upgrade;');
  assert.equal(oneLine('a\n'), 'a ');
  assert.equal(oneLine('\n\n b'), ' b');
});
