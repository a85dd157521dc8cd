// failover-ignores-5xx reports nginx's default *_next_upstream once per upstream group (not once per location), and
// its one suggestion then has to cover every place that uses the group. Applied to bad.conf (each finding's first
// suggestion, in whichever file it edits), the result must pass the real `nginx -t` (1.22.1) and leave the rule
// nothing to report.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { TextEdit } from '../../server/src/core/finding';
import { applyEdits } from '../../server/src/core/fix';
import { lintNginx } from '../../server/src/core/lint';
import { nginxRules } from '../../server/src/core/rules/index';
import { createNodeHost } from '../../server/src/node/node-host';
import { nginxTest, tempTree } from '../helpers';
import { fixtureDir, fixtureSettings } from './rule-harness';

const rule = nginxRules.find((r) => r.id === 'failover-ignores-5xx')!;

function lint(path: string) {
  const text = readFileSync(path, 'utf8');
  return lintNginx(path, text, createNodeHost(), { settings: fixtureSettings(text) }).findings.filter((f) => f.ruleId === rule.id);
}

test('failover-ignores-5xx: one finding per group where the default is in force, with the other places as related', () => {
  const findings = lint(join(fixtureDir(rule), 'bad.conf'));
  const shop = findings.filter((f) => f.message.includes('upstream "shop"'));
  assert.equal(shop.length, 1, shop.map((f) => f.message).join('\n'));
  assert.equal(shop[0].related.length, 3);
});

test('failover-ignores-5xx: bad.conf with every suggestion applied passes the real nginx -t and satisfies the rule', () => {
  const tree = tempTree({});
  try {
    cpSync(fixtureDir(rule), tree.dir, { recursive: true });
    const bad = join(tree.dir, 'bad.conf');
    assert.ok(nginxTest(tree.dir, bad).ok, 'bad.conf itself is valid nginx');
    const byFile = new Map<string, TextEdit[]>();
    for (const f of lint(bad)) {
      assert.ok(f.suggestions.length, `a suggestion for: ${f.message}`);
      for (const e of f.suggestions[0].edits) byFile.set(e.path, [...(byFile.get(e.path) ?? []), e]);
    }
    for (const [p, edits] of byFile) {
      const r = applyEdits(readFileSync(p, 'utf8'), edits);
      assert.deepEqual(r.skipped, [], `edits in ${relative(tree.dir, p)} do not overlap`);
      writeFileSync(p, r.text);
    }
    const t = nginxTest(tree.dir, bad);
    assert.ok(t.ok, `nginx -t rejected bad.conf with the suggestions applied:\n${t.output}`);
    assert.deepEqual(lint(bad).map((f) => f.message), []);
  } finally {
    tree.cleanup();
  }
});
