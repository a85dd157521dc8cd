// A fix or suggestion is written for one finding, but a snippet included from several places (Debian's
// snippets/proxy-common.conf in `/` and in `/socket.io/`) is part of every location that includes it: an edit
// there changes them all. No nginx rule may write into such a file, whatever the framework does with the fix.
// And for the keep-alive/WebSocket rules, whose suggestions add and rewrite header lines, each suggestion applied
// to bad.conf must give a configuration the real `nginx -t` (1.22.1) accepts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { allNginxDirectiveDocs, allNginxServerParamDocs } from '../../server/src/core/docs/directive-doc';
import { applyEdits } from '../../server/src/core/fix';
import { lintNginx } from '../../server/src/core/lint';
import { nginxRules } from '../../server/src/core/rules/index';
import { createNodeHost } from '../../server/src/node/node-host';
import { nginxTest, tempTree } from '../helpers';
import { fixtureDir, fixtureSettings } from './rule-harness';

function lint(path: string) {
  const text = readFileSync(path, 'utf8');
  return lintNginx(path, text, createNodeHost(), { settings: fixtureSettings(text) });
}

/** Files placed by two or more `include` lines, counted from the loaded tree (independently of the rules' helper). */
function sharedFiles(r: ReturnType<typeof lint>): Set<string> {
  const vias = new Map<string, Set<unknown>>();
  for (const n of r.config.all) if (n.via) vias.set(n.file.path, (vias.get(n.file.path) ?? new Set()).add(n.via));
  return new Set([...vias].filter(([, s]) => s.size > 1).map(([p]) => p));
}

const FIXTURE_FILES = ['bad.conf', 'ok.conf', 'fix.conf', 'suggest.conf'];

test('the fixtures include at least one snippet from several places (so the next test checks something)', () => {
  const dirs = ['websocket-headers-missing', 'upstream-keepalive-ineffective', 'duplicate-directive'];
  for (const d of dirs) {
    const r = lint(join(fixtureDir({ server: 'nginx', id: d } as never), 'bad.conf'));
    assert.ok(sharedFiles(r).size > 0, `${d}/bad.conf includes a snippet from several places`);
  }
});

for (const rule of nginxRules) {
  const dir = fixtureDir(rule);
  const files = FIXTURE_FILES.map((f) => join(dir, f)).filter(existsSync);
  if (!files.length) continue;
  test(`${rule.id}: no fix or suggestion writes into a file included from more than one place`, () => {
    for (const path of files) {
      const r = lint(path);
      const shared = sharedFiles(r);
      if (!shared.size) continue;
      for (const f of r.findings.filter((x) => x.ruleId === rule.id)) {
        for (const fix of [...(f.fix ? [f.fix] : []), ...f.suggestions]) {
          const bad = fix.edits.filter((e) => shared.has(e.path)).map((e) => relative(dir, e.path));
          assert.deepEqual(bad, [], `${relative(dir, path)}: "${fix.title}" (for: ${f.message}) edits a shared snippet`);
        }
      }
    }
  });
}

for (const id of ['websocket-headers-missing', 'upstream-keepalive-ineffective']) {
  test(`${id}: each suggestion applied to bad.conf alone gives a configuration the real nginx -t accepts`, () => {
    const rule = nginxRules.find((r) => r.id === id)!;
    const base = lint(join(fixtureDir(rule), 'bad.conf')).findings.filter((f) => f.ruleId === id);
    const choices = base.flatMap((f, i) => [...(f.fix ? [f.fix] : []), ...f.suggestions].map((s) => ({ i, s })));
    assert.ok(choices.length > 0, 'bad.conf offers something to apply');
    for (const { s } of choices) {
      const tree = tempTree({});
      try {
        cpSync(fixtureDir(rule), tree.dir, { recursive: true });
        const byFile = new Map<string, typeof s.edits>();
        for (const e of s.edits) {
          const p = join(tree.dir, relative(fixtureDir(rule), e.path));
          byFile.set(p, [...(byFile.get(p) ?? []), e]);
        }
        for (const [p, edits] of byFile) {
          const r = applyEdits(readFileSync(p, 'utf8'), edits);
          assert.deepEqual(r.skipped, [], `edits of "${s.title}" do not overlap`);
          writeFileSync(p, r.text);
        }
        const t = nginxTest(tree.dir, join(tree.dir, 'bad.conf'));
        assert.ok(t.ok, `nginx -t rejected bad.conf with "${s.title}" applied:\n${t.output}`);
      } finally {
        tree.cleanup();
      }
    }
  });
}

// A literal `Connection "upgrade"` on every request does not stop upstream keep-alive by itself (a Node.js backend kept
// reusing the connection in the lab, nginx 1.22.1; see connection-upgrade-on-every-request.md): no hover text may
// claim it does.
test('docs knowledge base: no hover text claims that Connection "upgrade" prevents reuse of upstream connections', () => {
  const all = [...allNginxDirectiveDocs(), ...allNginxServerParamDocs()];
  const claims = all.filter((d) => /upgrade[^.]*\b(prevents?|stops?|disables?|breaks?)\b[^.]*\breuse\b/i.test(d.failure));
  assert.deepEqual(claims.map((d) => d.name), []);
  const ps = all.find((d) => d.name === 'proxy_set_header')!;
  assert.match(ps.failure, /reused it in a lab run/);
});

// Fixes add directives (proxy_http_version 1.1, timeouts, *_next_upstream …). Added next to one that is already at that
// level (say, from an included snippet), a single-value directive would stop nginx: "… directive is duplicate". Each
// fix and suggestion of every nginx rule, applied alone to its fixture files, must not create a duplicate-directive
// finding that was not there before.
for (const rule of nginxRules) {
  const dir = fixtureDir(rule);
  const files = FIXTURE_FILES.filter((f) => existsSync(join(dir, f)));
  if (!files.length || rule.id === 'duplicate-directive') continue;
  test(`${rule.id}: no fix or suggestion sets a single-value directive twice at one level`, () => {
    for (const name of files) {
      const before = lint(join(dir, name));
      const dupKeys = (r: ReturnType<typeof lint>) => new Set(r.findings.filter((f) => f.ruleId === 'duplicate-directive').map((f) => f.message.replace(/ — .*/, '')));
      const had = dupKeys(before);
      const choices = before.findings.filter((f) => f.ruleId === rule.id).flatMap((f) => [...(f.fix ? [f.fix] : []), ...f.suggestions]);
      for (const choice of choices) {
        const tree = tempTree({});
        try {
          cpSync(dir, tree.dir, { recursive: true });
          const byFile = new Map<string, typeof choice.edits>();
          for (const e of choice.edits) {
            const p = join(tree.dir, relative(dir, e.path));
            byFile.set(p, [...(byFile.get(p) ?? []), e]);
          }
          for (const [p, edits] of byFile) writeFileSync(p, applyEdits(readFileSync(p, 'utf8'), edits).text);
          const added = [...dupKeys(lint(join(tree.dir, name)))].filter((k) => !had.has(k));
          assert.deepEqual(added, [], `${name}: "${choice.title}" creates a duplicate`);
        } finally {
          tree.cleanup();
        }
      }
    }
  });
}
