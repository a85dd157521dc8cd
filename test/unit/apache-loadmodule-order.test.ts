// A LoadModule line a fix adds for a proxy_* module has to come after mod_proxy's: httpd links the module when it
// reads the line, and without mod_proxy already in memory it stops ("Cannot load …/mod_proxy_hcheck.so into server:
// … undefined symbol: proxy_hcmethods"). In a main file that loads mpm/authz_core itself and the proxy modules
// through a later `IncludeOptional mods-enabled/*.load`, the line went after the main file's last LoadModule,
// before that include, and the fixed configuration no longer started (seen applying the lightbulb fix in the editor).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Finding, Fix } from '../../server/src/core/finding';
import { applyEdits } from '../../server/src/core/fix';
import { lintApache } from '../../server/src/core/lint-apache';
import { defaultSettings } from '../../server/src/core/settings';
import { createNodeHost } from '../../server/src/node/node-host';
import { apacheTest, tempTree } from '../helpers';

const M = '/usr/lib/apache2/modules';
const tree = (site: string) => ({
  'apache2.conf': [
    'ServerRoot @ROOT@',
    'ServerName localhost',
    'ErrorLog /dev/null',
    'Listen 127.0.0.1:18498',
    `LoadModule mpm_event_module ${M}/mod_mpm_event.so`,
    `LoadModule authz_core_module ${M}/mod_authz_core.so`,
    'IncludeOptional mods-enabled/*.load',
    'Include sites-available/*.conf',
    '',
  ].join('\n'),
  'mods-enabled/proxy.load': ['proxy', 'proxy_http', 'proxy_balancer', 'slotmem_shm', 'lbmethod_byrequests'].map((m) => `LoadModule ${m}_module ${M}/mod_${m}.so`).join('\n') + '\n',
  'sites-available/app.conf': site,
});

/** Lints the tree's main file, applies the first edit set `pick` chooses, writes it back and runs apache2 -t. */
function applyAndTest(site: string, pick: (fs: Finding[]) => Fix | undefined) {
  const t = tempTree(tree(site));
  try {
    const main = join(t.dir, 'apache2.conf');
    writeFileSync(main, readFileSync(main, 'utf8').replace('@ROOT@', t.dir));
    const before = apacheTest(main);
    assert.ok(before.ok, before.output);
    const r = lintApache(main, readFileSync(main, 'utf8'), createNodeHost({}), { settings: defaultSettings() });
    const fix = pick(r.findings);
    assert.ok(fix, `the fix is offered: ${JSON.stringify(r.findings.map((f) => [f.ruleId, f.fix?.title, f.suggestions.map((s) => s.title)]))}`);
    const paths = [...new Set(fix.edits.map((e) => e.path))];
    for (const p of paths) writeFileSync(p, applyEdits(readFileSync(p, 'utf8'), fix.edits.filter((e) => e.path === p)).text);
    const after = apacheTest(main);
    return { after, main: readFileSync(main, 'utf8') };
  } finally {
    t.cleanup();
  }
}

test('the health-check suggestion loads mod_proxy_hcheck after mod_proxy, and apache2 -t still accepts the configuration', () => {
  const site = '<Proxy "balancer://app">\n    BalancerMember "http://127.0.0.1:8081"\n    BalancerMember "http://127.0.0.1:8082"\n</Proxy>\nProxyPass "/" "balancer://app/"\n';
  const { after, main } = applyAndTest(site, (fs) => fs.find((f) => f.ruleId === 'balancer-member-without-health-check')?.suggestions.find((s) => /Load mod_proxy_hcheck/.test(s.title)));
  assert.ok(after.ok, after.output);
  assert.ok(main.indexOf('proxy_hcheck_module') > main.indexOf('IncludeOptional mods-enabled/*.load'), main);
  assert.ok(main.indexOf('proxy_hcheck_module') < main.indexOf('Include sites-available/*.conf'), 'before the lines that use it');
});

test('the fix for a missing fcgi:// module loads mod_proxy_fcgi after mod_proxy, and apache2 -t still accepts the configuration', () => {
  const site = 'ProxyPass "/php/" "fcgi://127.0.0.1:9000/var/www/"\n';
  const { after, main } = applyAndTest(site, (fs) => fs.find((f) => f.ruleId === 'proxy-scheme-module-missing')?.fix);
  assert.ok(after.ok, after.output);
  assert.ok(main.indexOf('proxy_fcgi_module') > main.indexOf('IncludeOptional mods-enabled/*.load'), main);
});
