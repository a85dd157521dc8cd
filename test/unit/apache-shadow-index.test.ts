// shadowIndex answers "the first earlier rule that shadows this one" from an index of prefixes; it replaced a
// comparison of every pair (15 s on 20,000 ProxyPass lines). This checks it gives the pairwise answer on random lists.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { ProxyPassRule } from '../../server/src/core/model/apache-proxy';
import { shadowIndex, shadows } from '../../server/src/core/model/apache-proxypass-order';

// Paths from a small alphabet, so that prefixes, doubled slashes, trailing slashes and catch-all regexes recur.
const segment = fc.constantFrom('a', 'b', 'ab', '');
const plain = fc.array(segment, { minLength: 0, maxLength: 4 }).chain((s) => fc.constantFrom('/' + s.join('/'), '/' + s.join('/') + '/', '/' + s.join('//')));
const regex = fc.oneof(
  fc.constantFrom('.*', '^/.*', '^/(.*)$', '/', '^/a', '^/a/(.*)', '^/ab(.*)', '^/b/.*\\.php$', '(.*)', '^/a$'),
  plain.map((p) => '^' + p + '(.*)'),
);
const rule = fc.oneof(plain.map((path) => ({ path, regex: false })), regex.map((path) => ({ path, regex: true })));

test('shadowIndex gives, for every rule, the first earlier rule that shadows it, as comparing every pair does', () => {
  fc.assert(
    fc.property(fc.array(rule, { maxLength: 12 }), (list) => {
      const rules = list as unknown as ProxyPassRule[];
      const at = shadowIndex(rules);
      rules.forEach((later, j) => assert.equal(at(j), rules.slice(0, j).find((e) => shadows(e, later)), `rule ${j} of ${JSON.stringify(list)}`));
    }),
    { numRuns: 2000 },
  );
});
