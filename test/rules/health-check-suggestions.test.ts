// balancer-member-without-health-check suggests hc* parameters, which only mod_proxy_hcheck knows: applied to a
// configuration that does not load it, the suggestion must load it too, or the real `apache2 -t` stops on
// "BalancerMember unknown Worker parameter". On Debian's layout the module is enabled with a2enmod, which no edit
// can do, so no suggestion is offered there.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyEdits } from '../../server/src/core/fix';
import { lintApache } from '../../server/src/core/lint-apache';
import { defaultSettings } from '../../server/src/core/settings';
import { createNodeHost } from '../../server/src/node/node-host';
import { apacheTest, tempTree } from '../helpers';

const RULE = 'balancer-member-without-health-check';
const load = (modules: string[]) => modules.map((m) => `LoadModule ${m}_module /usr/lib/apache2/modules/mod_${m}.so`).join('\n');
const BASE = ['mpm_event', 'authz_core', 'proxy', 'proxy_http', 'proxy_balancer', 'slotmem_shm', 'lbmethod_byrequests'];
const BODY = `ServerName localhost
Listen 127.0.0.1:18497
<VirtualHost 127.0.0.1:18497>
    <Proxy "balancer://app">
        BalancerMember "http://127.0.0.1:18495"
        BalancerMember "http://127.0.0.1:18496"
    </Proxy>
    ProxyPass "/app/" "balancer://app/"
</VirtualHost>
`;

function lint(path: string) {
  return lintApache(path, readFileSync(path, 'utf8'), createNodeHost(), { settings: defaultSettings() }).findings;
}

test(`${RULE}: in an httpd.conf without mod_proxy_hcheck, the suggestion loads it, and apache2 -t accepts the result`, () => {
  const t = tempTree({ 'httpd.conf': `${load(BASE)}\n${BODY}` });
  try {
    const path = join(t.dir, 'httpd.conf');
    const [f] = lint(path).filter((x) => x.ruleId === RULE);
    assert.ok(f, 'the rule reports the balancer');
    assert.equal(f.suggestions.length, 1);
    assert.match(f.suggestions[0].title, /^Load mod_proxy_hcheck and add "hcmethod=GET hcuri=\/ hcinterval=10"/);
    writeFileSync(path, applyEdits(readFileSync(path, 'utf8'), f.suggestions[0].edits).text);
    const text = readFileSync(path, 'utf8');
    assert.match(text, /^LoadModule proxy_hcheck_module \/usr\/lib\/apache2\/modules\/mod_proxy_hcheck\.so$/m);
    const a = apacheTest(path);
    assert.ok(a.ok, `apache2 -t rejected the configuration with the suggestion applied:\n${a.output}\n${text}`);
    assert.deepEqual(lint(path).filter((x) => x.ruleId === RULE || x.ruleId === 'hcheck-params-without-module').map((x) => x.message), []);
  } finally {
    t.cleanup();
  }
});

test(`${RULE}: with mod_proxy_hcheck loaded the suggestion only adds the parameters`, () => {
  const t = tempTree({ 'httpd.conf': `${load([...BASE, 'proxy_hcheck'])}\n${BODY}` });
  try {
    const [f] = lint(join(t.dir, 'httpd.conf')).filter((x) => x.ruleId === RULE);
    assert.equal(f.suggestions.length, 1);
    assert.match(f.suggestions[0].title, /^Add "hcmethod=GET/);
    assert.ok(f.suggestions[0].edits.every((e) => !e.newText.includes('LoadModule')));
  } finally {
    t.cleanup();
  }
});

test(`${RULE}: on Debian's layout (mods-enabled/) without proxy_hcheck, no edit is suggested and the message says to run a2enmod`, () => {
  const t = tempTree({
    'apache2/apache2.conf': `IncludeOptional mods-enabled/*.load\n${BODY}`,
    ...Object.fromEntries(BASE.map((m) => [`apache2/mods-enabled/${m}.load`, load([m]) + '\n'])),
  });
  try {
    const [f] = lint(join(t.dir, 'apache2/apache2.conf')).filter((x) => x.ruleId === RULE);
    assert.deepEqual(f.suggestions, []);
    assert.match(f.message, /mod_proxy_hcheck is not loaded: run "a2enmod proxy_hcheck" first$/);
  } finally {
    t.cleanup();
  }
});
