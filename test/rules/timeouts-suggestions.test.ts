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

// connect-timeout-above-read-timeout stays quiet where read-timeout-too-low or connect-timeout-above-os-limit already
// reports the same line (its ok.conf has such lines); with those rules turned off, it reports them itself.
test('connect-timeout-above-read-timeout: defers to read-timeout-too-low and connect-timeout-above-os-limit only while they are on', () => {
  const path = join(fixtureDir({ server: 'nginx', id: 'connect-timeout-above-read-timeout' } as never), 'ok.conf');
  const text = readFileSync(path, 'utf8');
  const run = (off: string[]) => {
    const settings = fixtureSettings(text);
    for (const id of off) settings.rules.set(id, { level: 'off', options: {} });
    const all = lintNginx(path, text, createNodeHost(), { settings }).findings;
    const line = (f: { start: number }) => text.slice(0, f.start).split('\n').length;
    return { mine: all.filter((f) => f.ruleId === 'connect-timeout-above-read-timeout').map(line), others: all.filter((f) => f.ruleId !== 'connect-timeout-above-read-timeout' && /timeout/.test(f.ruleId)).map((f) => `${f.ruleId}:${line(f)}`) };
  };
  const on = run([]);
  assert.deepEqual(on.mine, []);
  assert.ok(on.others.some((o) => o.startsWith('read-timeout-too-low')) && on.others.some((o) => o.startsWith('connect-timeout-above-os-limit')), on.others.join(' '));
  const off = run(['read-timeout-too-low', 'connect-timeout-above-os-limit']);
  assert.equal(off.mine.length, 3, 'each of the three lines is reported once the other rules are off');
});

// The finding for built-in defaults states exactly which directive is at its default in which location.
test('timeout-exceeds-outer-idle-timeout: a default-value finding names each directive with the locations where it is at the default', () => {
  const path = join(fixtureDir({ server: 'nginx', id: 'timeout-exceeds-outer-idle-timeout' } as never), 'defaults.conf');
  const messages = lint(path, 'timeout-exceeds-outer-idle-timeout').map((f) => f.message);
  assert.equal(messages.length, 2, messages.join('\n'));
  const server = messages.find((m) => m.startsWith("nginx's default"))!;
  assert.ok(server, messages.join('\n'));
  assert.match(server, /proxy_send_timeout in locations \/, \/report, \/upload and for proxy_read_timeout in location \/upload,/);
  assert.ok(messages.some((m) => m.startsWith('proxy_read_timeout 300s is not below')));
});
