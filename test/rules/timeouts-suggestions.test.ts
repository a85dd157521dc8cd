// The timeout rules mostly offer suggestions (they change behaviour, so --fix never applies them); a
// suggestion is still code we write into someone's nginx.conf, so each one is applied to the rule's
// bad.conf and the result must pass the real `nginx -t` and no longer trip the rule.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TextEdit } from '../../server/src/core/finding';
import { applyEdits } from '../../server/src/core/fix';
import { lintNginx } from '../../server/src/core/lint';
import { timeoutRules } from '../../server/src/core/rules/families/timeouts';
import { createNodeHost } from '../../server/src/node/node-host';
import { nginxTest, tempTree } from '../helpers';
import { fixtureDir, fixtureSettings } from './rule-harness';

function lint(path: string, ruleId: string) {
  const text = readFileSync(path, 'utf8');
  return lintNginx(path, text, createNodeHost(), { settings: fixtureSettings(text) }).findings.filter((f) => f.ruleId === ruleId);
}

for (const rule of timeoutRules) {
  test(`${rule.id}: bad.conf passes nginx -t, and with every suggestion applied it still does and the rule is satisfied`, () => {
    const tree = tempTree({});
    try {
      cpSync(fixtureDir(rule), tree.dir, { recursive: true });
      const bad = join(tree.dir, 'bad.conf');
      const before = nginxTest(tree.dir, bad);
      assert.ok(before.ok, `bad.conf itself should be valid nginx, so that only the timeout is wrong:\n${before.output}`);

      const findings = lint(bad, rule.id);
      const chosen = findings.map((f) => f.suggestions[0] ?? f.fix).filter((x) => x !== undefined);
      assert.ok(chosen.length > 0, 'bad.conf has findings with a suggestion or fix');
      const byFile = new Map<string, TextEdit[]>();
      for (const s of chosen) for (const e of s.edits) byFile.set(e.path, [...(byFile.get(e.path) ?? []), e]);
      for (const [path, edits] of byFile) {
        const r = applyEdits(readFileSync(path, 'utf8'), edits);
        assert.deepEqual(r.skipped, [], 'suggestions of one file do not overlap');
        writeFileSync(path, r.text);
      }

      const after = nginxTest(tree.dir, bad);
      assert.ok(after.ok, `nginx -t rejected bad.conf with the suggestions applied:\n${after.output}`);
      const left = lint(bad, rule.id);
      // Findings without anything to apply (advice only) stay; every other one must be gone.
      assert.equal(left.length, findings.length - chosen.length, left.map((f) => f.message).join('\n'));
    } finally {
      tree.cleanup();
    }
  });
}
