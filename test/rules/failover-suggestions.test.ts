// failover-ignores-5xx reports nginx's default *_next_upstream once per file and module (not once per location or
// per group), and its one suggestion then has to cover every place in the file that uses the default. Applied to bad.conf (each finding's first
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
import { lintText, nginxTest, tempTree } from '../helpers';
import { fixtureDir, fixtureSettings } from './rule-harness';

const rule = nginxRules.find((r) => r.id === 'failover-ignores-5xx')!;

function lint(path: string) {
  const text = readFileSync(path, 'utf8');
  return lintNginx(path, text, createNodeHost(), { settings: fixtureSettings(text) }).findings.filter((f) => f.ruleId === rule.id);
}

test('failover-ignores-5xx: one finding per file and module where the default is in force, every other place of every group as related', () => {
  const findings = lint(join(fixtureDir(rule), 'bad.conf'));
  const shop = findings.filter((f) => f.message.includes('upstream "shop"'));
  assert.equal(shop.length, 1, shop.map((f) => f.message).join('\n'));
  assert.match(shop[0].message, /for the 2 groups of several servers this file sends requests to that way \(and 4 more places that use these groups, listed as related\): when a server of upstream "shop" \(2 servers\) or upstream "search" \(2 servers\) answers/);
  assert.deepEqual(shop[0].related.map((r) => r.message.replace(/.*upstream "(\w+)".*/, '$1')), ['shop', 'shop', 'shop', 'search']);
  assert.equal(findings.filter((f) => f.message.includes('upstream "search"')).length, 1, 'search is named in the same finding, not in one of its own');
});

test('failover-ignores-5xx: each file that sends requests to groups with the default has its own finding (what an editor shows with the file open)', () => {
  const site = (name: string, port: number) => `upstream ${name} { server 10.0.0.1:${port}; server 10.0.0.2:${port}; }\nserver {\n    listen 127.0.0.1:${port};\n    location / { proxy_pass http://${name}; }\n    location /b/ { proxy_pass http://${name}; }\n}\n`;
  const r = lintText('events {}\nhttp {\n    include sites/*.conf;\n}\n', { files: { 'sites/a.conf': site('a', 18671), 'sites/b.conf': site('b', 18672) } });
  const found = r.findings.filter((f) => f.ruleId === rule.id).map((f) => `${f.path.slice('/cfg/'.length)}:${r.at(f).line} ${f.related.length} ${/upstream "(\w)"/.exec(f.message)![1]}`);
  assert.deepEqual(found.sort(), ['sites/a.conf:4 1 a', 'sites/b.conf:4 1 b']);
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
