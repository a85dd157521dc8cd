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
import { withRealCertificates } from '../servers/standins/tls';

/** Rules whose suggestions need what nginx 1.22.1 lacks (`resolve`, upstream-level `resolver`: 1.27.3), or that offer none. */
const NOT_ON_1_22 = new Set(['resolve-without-prerequisites', 'invalid-upstream-address', 'pass-scheme-mismatch', 'directive-not-allowed-here', 'invalid-number-of-arguments', 'listen-ssl-without-certificate', 'listen-address-in-use', 'duplicate-upstream-name', 'duplicate-cache-zone', 'shared-memory-zone-conflict', 'invalid-regex', 'reuseport-splits-connections', 'wrong-protocol-to-local-listener']);

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
      // Client certificate and key files the fixture names are not on this machine: -t loads a throw-away pair instead.
      writeFileSync(path, withRealCertificates(readFileSync(path, 'utf8')));
      const t = nginxTest(tree.dir, path);
      assert.ok(t.ok, `nginx -t rejected ${name} with the suggestions applied:\n${t.output}\n${readFileSync(path, 'utf8')}`);
    } finally {
      tree.cleanup();
    }
  });
}

// invalid-server-parameter quotes nginx's own message; each finding's `server` line, alone in an upstream, must make the
// real nginx -t fail with exactly that message (http and stream alike).
test('invalid-server-parameter: every finding in bad.conf quotes what the real nginx -t says about that server line', () => {
  const path = join(fixtureDir({ server: 'nginx', id: 'invalid-server-parameter' } as never), 'bad.conf');
  const text = readFileSync(path, 'utf8');
  const r = lintNginx(path, text, createNodeHost(), { settings: fixtureSettings(text) });
  const findings = r.findings.filter((f) => f.ruleId === 'invalid-server-parameter');
  assert.ok(findings.length >= 10);
  for (const f of findings) {
    const node = r.config.all.find((n) => n.name === 'server' && n.context.endsWith('upstream') && n.directive.start <= f.start && f.end <= n.directive.end)!;
    const arg = node.directive.args.find((a) => a.start === f.start)!;
    const line = `server 127.0.0.1:1 ${arg.value};`;
    const stream = node.context === 'stream-upstream';
    const conf = stream
      ? `load_module /usr/lib/nginx/modules/ngx_stream_module.so;\nevents {}\nstream { upstream u { ${line} } server { listen 127.0.0.1:18555; proxy_pass u; } }\n`
      : `events {}\nhttp { upstream u { ${line} } server { listen 127.0.0.1:18555; location / { proxy_pass http://u; } } }\n`;
    const tree = tempTree({ 'nginx.conf': conf });
    try {
      const t = nginxTest(tree.dir, join(tree.dir, 'nginx.conf'));
      const said = /\[emerg\] (.*?) in \//.exec(t.output)?.[1];
      assert.ok(!t.ok && said, `nginx -t accepted "${line}"`);
      assert.ok(f.message.startsWith(`nginx will not start: ${said} in upstream`), `nginx says «${said}», the finding says «${f.message}»`);
    } finally {
      tree.cleanup();
    }
  }
});

// hostname-resolved-at-startup is a warning unless its doc page justifies info (Kubernetes Service names, reserved
// example names): a `# severity: info` comment on the line above marks those in bad.conf; every other finding must be
// a warning — Docker Compose names such as app:3000 included, since a re-created container gets a new address.
test('hostname-resolved-at-startup: severities in bad.conf are warning, except the lines marked "# severity: info"', () => {
  const path = join(fixtureDir({ server: 'nginx', id: 'hostname-resolved-at-startup' } as never), 'bad.conf');
  const text = readFileSync(path, 'utf8');
  const lines = text.split('\n');
  const got = lint(path, 'hostname-resolved-at-startup').map((f) => {
    const line = text.slice(0, f.start).split('\n').length - 1;
    return `${line + 1}: ${f.severity}`;
  });
  const want = got.map((g) => {
    const line = Number(g.split(':')[0]) - 1;
    return `${line + 1}: ${/#\s*severity:\s*info/.test(lines[line - 1]) ? 'info' : 'warning'}`;
  });
  assert.ok(want.some((w) => w.endsWith('info')) && want.some((w) => w.endsWith('warning')));
  assert.deepEqual(got, want);
});
