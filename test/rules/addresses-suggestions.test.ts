// Suggestions are never applied by --fix, but they are still text we write into someone's nginx.conf. For the
// address/DNS/TLS rules, apply them the way a user does in the editor — one at a time, re-linting in between, so a
// resolver added for one finding also settles its neighbours — and require that the real `nginx -t` (1.22.1)
// accepts the result and that only findings without anything to apply are left.
// suggest.conf, where present, is bad.conf with host names nginx -t can resolve here (localhost) or with the
// target version that selects suggestions 1.22.1 understands.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyEdits } from '../../server/src/core/fix';
import { lintNginx } from '../../server/src/core/lint';
import { addressRules } from '../../server/src/core/rules/families/addresses';
import { createNodeHost } from '../../server/src/node/node-host';
import { nginxTest, tempTree } from '../helpers';
import { fixtureDir, fixtureSettings } from './rule-harness';

/** Rules whose suggestions need what nginx 1.22.1 lacks (`resolve`, upstream-level `resolver`: 1.27.3), or that offer none. */
const NOT_ON_1_22 = new Set(['resolve-without-prerequisites', 'invalid-upstream-address', 'pass-scheme-mismatch']);

function lint(path: string, ruleId: string) {
  const text = readFileSync(path, 'utf8');
  return lintNginx(path, text, createNodeHost(), { settings: fixtureSettings(text) }).findings.filter((f) => f.ruleId === ruleId);
}

for (const rule of addressRules) {
  if (NOT_ON_1_22.has(rule.id)) continue;
  test(`${rule.id}: applying its suggestions one by one gives a configuration the real nginx -t accepts`, () => {
    const tree = tempTree({});
    try {
      cpSync(fixtureDir(rule), tree.dir, { recursive: true });
      const name = existsSync(join(tree.dir, 'suggest.conf')) ? 'suggest.conf' : 'bad.conf';
      const path = join(tree.dir, name);
      const first = lint(path, rule.id);
      assert.ok(first.some((f) => f.suggestions.length || f.fix), `${name} has findings with something to apply`);
      let applied = 0;
      for (let round = 0; round < 50; round++) {
        const next = lint(path, rule.id).find((f) => f.fix || f.suggestions.length);
        if (!next) break;
        const choice = next.fix ?? next.suggestions[0];
        const r = applyEdits(readFileSync(path, 'utf8'), choice.edits.filter((e) => e.path === path));
        assert.deepEqual(r.skipped, [], `edits of "${choice.title}" do not overlap`);
        writeFileSync(path, r.text);
        applied++;
      }
      assert.ok(applied > 0);
      const left = lint(path, rule.id);
      assert.deepEqual(left.filter((f) => f.fix || f.suggestions.length).map((f) => f.message), [], 'every finding with a suggestion is settled');
      const t = nginxTest(tree.dir, path);
      assert.ok(t.ok, `nginx -t rejected ${name} with the suggestions applied:\n${t.output}\n${readFileSync(path, 'utf8')}`);
    } finally {
      tree.cleanup();
    }
  });
}
