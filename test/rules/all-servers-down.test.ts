// all-servers-down: nginx -t accepts a group whose servers are all marked down (which is why a linter has to say it),
// and the first suggestion of each finding ("Remove down from …") leaves a configuration nginx -t still accepts and the
// rule no longer reports.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TextEdit } from '../../server/src/core/finding';
import { applyEdits } from '../../server/src/core/fix';
import { lintNginx } from '../../server/src/core/lint';
import { nginxRules } from '../../server/src/core/rules/index';
import { createNodeHost } from '../../server/src/node/node-host';
import { nginxTest, tempTree } from '../helpers';
import { fixtureDir, fixtureSettings } from './rule-harness';

const rule = nginxRules.find((r) => r.id === 'all-servers-down')!;

function lint(path: string) {
  const text = readFileSync(path, 'utf8');
  return lintNginx(path, text, createNodeHost(), { settings: fixtureSettings(text) }).findings;
}

test('all-servers-down: nginx -t accepts bad.conf; with each first suggestion applied it still does, and the rule is satisfied', () => {
  const tree = tempTree({});
  try {
    cpSync(fixtureDir(rule), tree.dir, { recursive: true });
    const bad = join(tree.dir, 'bad.conf');
    const before = nginxTest(tree.dir, bad);
    assert.ok(before.ok, `nginx -t rejected bad.conf:\n${before.output}`);
    const edits: TextEdit[] = [];
    for (const f of lint(bad).filter((x) => x.ruleId === rule.id)) {
      assert.ok(f.suggestions.length, `a suggestion for: ${f.message}`);
      edits.push(...f.suggestions[0].edits);
    }
    writeFileSync(bad, applyEdits(readFileSync(bad, 'utf8'), edits).text);
    const after = nginxTest(tree.dir, bad);
    assert.ok(after.ok, `nginx -t rejected bad.conf with the suggestions applied:\n${after.output}`);
    assert.deepEqual(lint(bad).filter((x) => x.ruleId === rule.id).map((x) => x.message), []);
  } finally {
    tree.cleanup();
  }
});

test('all-servers-down: a group with one server marked down is reported by this rule only, not also as a single-server group', () => {
  const findings = lint(join(fixtureDir(rule), 'bad.conf'));
  const legacy = findings.filter((f) => f.message.includes('"legacy"') || f.message.includes('10.0.0.3:8080'));
  assert.deepEqual(legacy.map((f) => f.ruleId), ['all-servers-down']);
});
