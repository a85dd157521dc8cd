// undefined-cache-zone against the real nginx -t (1.22.1): every line bad.conf marks, kept alone in the fixture,
// makes nginx fail with the words the finding quotes; ok.conf passes; in a fragment nothing is reported.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { lintText, nginxTest, nginxTestText, tempTree } from '../helpers';
import { fixtureDir } from './rule-harness';

const dir = fixtureDir({ server: 'nginx', id: 'undefined-cache-zone' } as never);
const bad = readFileSync(join(dir, 'bad.conf'), 'utf8');

test('undefined-cache-zone: each marked line alone makes nginx -t fail with the words the finding quotes', () => {
  const lines = bad.split('\n');
  const marked = lines.map((l, k) => (l.includes('# expect: undefined-cache-zone') ? k : -1)).filter((k) => k >= 0);
  assert.equal(marked.length, 5);
  for (const k of marked) {
    // The other marked lines become comments, so nginx stops at this one.
    const text = lines.map((l, j) => (j !== k && marked.includes(j) ? `#${l}` : l)).join('\n');
    const tree = tempTree({ 'nginx.conf': text });
    try {
      const t = nginxTest(tree.dir, join(tree.dir, 'nginx.conf'));
      const said = /\[emerg\] (.*?) in \//.exec(t.output)?.[1];
      assert.ok(!t.ok && said, `nginx -t accepted line ${k + 1}`);
      const found = lintText(text).findings.filter((f) => f.ruleId === 'undefined-cache-zone');
      assert.equal(found.length, 1, lines[k]);
      assert.ok(found[0].message.includes(said!), `nginx: ${said}\nproxylint: ${found[0].message}`);
    } finally {
      tree.cleanup();
    }
  }
});

test('undefined-cache-zone: ok.conf passes nginx -t', () => {
  const t = nginxTestText(readFileSync(join(dir, 'ok.conf'), 'utf8'));
  assert.ok(t.ok, t.output);
});

test('undefined-cache-zone: a fragment, or an include that brought nothing in, may declare its zones elsewhere', () => {
  const fragment = lintText('location / {\n    proxy_cache app_cache;\n    proxy_pass http://127.0.0.1:1;\n}\n', { path: 'conf.d/app.conf', rootContext: 'server' });
  assert.deepEqual(fragment.findings.filter((f) => f.ruleId === 'undefined-cache-zone'), []);
  const unseen = lintText(bad.replace('http {\n', 'http {\n    include caches/*.conf;\n'));
  assert.deepEqual(unseen.findings.filter((f) => f.ruleId === 'undefined-cache-zone'), []);
});
