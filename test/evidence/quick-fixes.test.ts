// Every quick fix of every rule — the safe fix and each suggestion, one at a time — applied to the doc page's
// Incorrect examples, must give a configuration the real `nginx -t` / `apache2 -t` accepts (a fix may leave a
// placeholder only where its doc says so: then -t may reject exactly that placeholder, and nothing else).
// nginx runs in a private network namespace with the example's host names in its own /etc/hosts, so no DNS query
// leaves the machine.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Fix } from '../../server/src/core/finding';
import { applyEdits } from '../../server/src/core/fix';
import { allRules } from '../../server/src/core/rules/index';
import type { RuleMeta } from '../../server/src/core/rules/rule';
import { requireBinary } from '../helpers';
import { apacheBlocks, docPath, nginxBlocks, readDoc } from '../rules/rule-harness';
import { apacheConfigTest, prepareApache } from '../servers/harness/apache';
import { nginxConfigTest, prepareNginx, tempDir } from '../servers/harness/nginx';
import { withRealCertificates } from '../servers/standins/tls';
import { lintText, NOT_REPRODUCIBLE, splitFiles, withTarget } from './runner';

requireBinary('nginx');
requireBinary('apache2');

/** Placeholders a suggestion may leave for the user (its doc says so); -t may fail on these and only these. */
const PLACEHOLDER = /backup-host\.invalid|TODO/;


async function check(rule: RuleMeta, example: string): Promise<string[]> {
  const problems: string[] = [];
  const { text, files } = splitFiles(example);
  const dir = tempDir('proxylint-fixes-');
  try {
    const setup = rule.server === 'apache' ? await prepareApache(withTarget(text, 'apache'), { files, dir }) : await prepareNginx(withTarget(text, 'nginx'), { files, dir });
    const fixes: Fix[] = lintText(setup, setup.text)
      .filter((f) => f.ruleId === rule.id)
      .flatMap((f) => [...(f.fix ? [f.fix] : []), ...f.suggestions]);
    const hosts = join(dir, 'hosts');
    for (const fix of fixes) {
      const fixed = applyEdits(setup.text, fix.edits.filter((e) => e.path === setup.confPath)).text;
      writeFileSync(setup.confPath, withRealCertificates(fixed));
      let t = { ok: false, output: '' };
      const names = ['localhost'];
      // Names the example uses resolve to 127.0.0.1 for this -t only (bounded: one round per name).
      for (let round = 0; round < 10; round++) {
        writeFileSync(hosts, `127.0.0.1 ${names.join(' ')}\n`);
        t = rule.server === 'apache' ? apacheConfigTest(setup as never, { isolatedNetwork: true }) : nginxConfigTest(setup as never, { isolatedNetwork: true, hosts });
        const m = /host not found in upstream "([^":/]+)/.exec(t.output);
        if (t.ok || !m || names.includes(m[1]) || PLACEHOLDER.test(m[1])) break;
        names.push(m[1]);
      }
      const placeholderOnly = !t.ok && PLACEHOLDER.test(fixed) && /backup-host\.invalid/.test(t.output);
      if (!t.ok && !placeholderOnly) problems.push(`"${fix.title}": ${t.output.split('\n').filter((l) => /emerg|error|Syntax|Invalid|AH0/i.test(l)).join(' | ')}`);
    }
    if (fixes.length === 0) problems.push('__none__');
  } finally {
    // tempDir is the setup's own folder.
    const { rmSync } = await import('node:fs');
    rmSync(dir, { recursive: true, force: true });
  }
  return problems;
}

/**
 * Rules no scenario reproduces whose doc examples -t still checks: utf8-bom-at-file-start's examples carry the mark
 * in their text, which the setup writes out as its bytes (EF BB BF), so the fix that removes it is checked for real.
 */
const FIXES_CHECKED_ANYWAY = new Set(['utf8-bom-at-file-start']);

for (const rule of allRules) {
  if (!existsSync(docPath(rule)) || (NOT_REPRODUCIBLE[rule.id] && !FIXES_CHECKED_ANYWAY.has(rule.id))) continue;
  const examples = (rule.server === 'apache' ? apacheBlocks : nginxBlocks)(readDoc(rule).sections.get('Incorrect') ?? '');
  if (examples.length === 0) continue;
  test(`${rule.id}: every quick fix on the doc's Incorrect examples passes the real ${rule.server === 'apache' ? 'apache2' : 'nginx'} -t`, async (t) => {
    let offered = 0;
    for (const ex of examples) {
      const problems = await check(rule, ex);
      if (problems[0] === '__none__') continue;
      offered++;
      assert.deepEqual(problems, [], `example:\n${ex}`);
    }
    if (offered === 0) t.skip('the rule offers no quick fix on these examples');
  });
}

// Configurations written with whole blocks on one line (`location / { proxy_pass http://big; } } }`, as in
// gonginx's full-example/nginx.conf of the corpus): a fix that adds a directive "after" another must put it inside
// the same block, not after the line, where the closing braces have already ended the block and even http{} (nginx:
// "proxy_next_upstream" directive is not allowed here). Each case ends the file with the block the fix goes into.
const ONE_LINE_BLOCKS: [string, string][] = [
  ['failover-ignores-5xx unbounded-retries', 'upstream big { server 127.0.0.1:18601; server 127.0.0.1:18602; server 127.0.0.1:18603; }\nserver { listen 18600; location / { proxy_pass http://big; } } }'],
  ['no-backup-server', 'server { listen 18600; location / { proxy_pass http://remote; } }\nupstream remote { server 192.0.2.10:8080; server 192.0.2.10:8081; } }'],
  ['connect-timeout-above-read-timeout', 'server { listen 18600; location /api { proxy_pass http://127.0.0.1:18605; proxy_read_timeout 30s; } } }'],
  ['long-lived-location-default-timeout', 'server { listen 18600; location /ws/ { proxy_pass http://127.0.0.1:18606; proxy_http_version 1.1; proxy_set_header Upgrade $http_upgrade; proxy_set_header Connection "upgrade"; } } }'],
  ['resolver-timeout-too-long', 'server { listen 18600; location /r { resolver 127.0.0.1; proxy_pass http://$host; } } }'],
];

for (const [ids, body] of ONE_LINE_BLOCKS) {
  test(`one-line blocks: the quick fixes of ${ids} stay inside the block and pass the real nginx -t`, async () => {
    const dir = tempDir('proxylint-fixes-');
    const problems: string[] = [];
    try {
      const setup = await prepareNginx(withTarget(`events {}\nhttp {\n${body}\n`, 'nginx'), { dir });
      const hosts = join(dir, 'hosts');
      writeFileSync(hosts, '127.0.0.1 localhost backup-host.invalid\n');
      const before = nginxConfigTest(setup, { isolatedNetwork: true, hosts });
      assert.ok(before.ok, `the configuration itself passes nginx -t:\n${before.output}`);
      const findings = lintText(setup, setup.text);
      for (const id of ids.split(' ')) assert.ok(findings.some((f) => f.ruleId === id && (f.fix || f.suggestions.length)), `${id} offers a fix here`);
      for (const f of findings) {
        for (const fix of [...(f.fix ? [f.fix] : []), ...f.suggestions]) {
          writeFileSync(setup.confPath, applyEdits(setup.text, fix.edits.filter((e) => e.path === setup.confPath)).text);
          const t = nginxConfigTest(setup, { isolatedNetwork: true, hosts });
          if (!t.ok) problems.push(`${f.ruleId} "${fix.title}": ${t.output.split('\n').filter((l) => /emerg/.test(l)).join(' | ')}`);
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    assert.deepEqual(problems, []);
  });
}
