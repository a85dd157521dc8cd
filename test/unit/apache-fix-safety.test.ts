// A safe fix (applied by --fix) must not change what a working httpd does. Rules whose edits reroute requests,
// change backend paths, add run-time DNS lookups or cut connect waits offer suggestions instead; these tests
// pin that down, and check that each suggestion still gives a configuration the real apache2 -t accepts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Finding } from '../../server/src/core/finding';
import { applyEdits } from '../../server/src/core/fix';
import { lintApache } from '../../server/src/core/lint-apache';
import { allRules } from '../../server/src/core/rules/index';
import { defaultSettings } from '../../server/src/core/settings';
import { createNodeHost } from '../../server/src/node/node-host';
import { apacheTest, memHost } from '../helpers';
import { apacheBlocks, FIXTURES, fixtureSettings, lintApacheExample, readDoc } from '../rules/rule-harness';

const APACHE = join(FIXTURES, 'apache');

/** Rules that may offer a safe fix, and why it cannot change a working server. */
const SAFE_FIX_RULES: Record<string, string> = {
  'apache-module-not-loaded': 'httpd refuses to start without the module',
  'hcheck-params-without-module': 'httpd refuses to start without the module',
  'invalid-backend-url': 'httpd refuses to start with that URL',
  'invalid-worker-parameter': 'httpd refuses to start with that parameter',
  'inline-comment-is-argument': 'only where httpd refuses to start, or ignores the words',
  'https-backend-without-sslproxyengine': 'requests to the TLS backend all get 500 today; loading mod_ssl only when no <IfModule ssl> section switches',
  'proxy-scheme-module-missing': 'requests to that scheme all fail today; loading a module only when no <IfModule> section for it switches',
  'pooled-connection-outlives-backend-keepalive': 'a shorter ttl only closes idle connections sooner; no request that works today fails',
  'balancer-member-outside-balancer': 'httpd refuses to start with the line; only where exactly one balancer has no member',
  'proxypass-path-in-location': 'httpd refuses to start with the path there; only where the path is the section\'s own',
  'loadmodule-built-in': 'httpd refuses to start with the line; without it the module is still there (it is part of the binary)',
  'sethandler-unix-socket-syntax': 'today the files are served as source code (or every request gets 400); only where the socket path names PHP-FPM, which speaks FastCGI',
};

function lintFile(path: string, text = readFileSync(path, 'utf8')): Finding[] {
  return lintApache(path, text, createNodeHost({}, (p) => (p === path ? text : undefined)), { settings: fixtureSettings(text) }).findings;
}

test('only the rules whose fixes cannot change a working server offer safe fixes (every Apache fixture and doc example)', () => {
  const offenders: string[] = [];
  for (const id of readdirSync(APACHE)) {
    for (const name of readdirSync(join(APACHE, id)).filter((n) => n.endsWith('.conf'))) {
      for (const f of lintFile(join(APACHE, id, name))) if (f.fix && !SAFE_FIX_RULES[f.ruleId]) offenders.push(`${f.ruleId} in ${id}/${name}: "${f.fix.title}"`);
    }
  }
  for (const rule of allRules.filter((r) => r.server === 'apache')) {
    for (const ex of apacheBlocks(readDoc(rule).sections.get('Incorrect') ?? '')) {
      for (const f of lintApacheExample(ex)) if (f.fix && !SAFE_FIX_RULES[f.ruleId]) offenders.push(`${f.ruleId} in the ${rule.id} doc: "${f.fix.title}"`);
    }
  }
  assert.deepEqual(offenders, []);
});

// suggest.conf → suggest.fixed.conf: the rule offers no safe fix there; applying the first suggestion of each
// finding, one at a time, gives suggest.fixed.conf, which apache2 -t accepts.
for (const id of readdirSync(APACHE).filter((d) => existsSync(join(APACHE, d, 'suggest.conf')))) {
  test(`${id}: suggest.conf gets no safe fix, and its suggestions turn it into suggest.fixed.conf, which the real apache2 -t accepts`, () => {
    const path = join(APACHE, id, 'suggest.conf');
    const before = lintFile(path).filter((f) => f.ruleId === id);
    assert.ok(before.length > 0, 'suggest.conf is flagged');
    assert.deepEqual(before.filter((f) => f.fix).map((f) => f.fix!.title), [], 'no safe fix for --fix to apply');
    assert.ok(before.every((f) => f.suggestions.length > 0), 'every finding offers a suggestion');
    let text = readFileSync(path, 'utf8');
    for (let pass = 0; pass < 20; pass++) {
      const next = lintFile(path, text).filter((f) => f.ruleId === id && f.suggestions.length).sort((a, b) => a.start - b.start)[0];
      if (!next) break;
      text = applyEdits(text, next.suggestions[0].edits.filter((e) => e.path === path)).text;
    }
    assert.equal(text, readFileSync(join(APACHE, id, 'suggest.fixed.conf'), 'utf8'));
    const t = apacheTest(join(APACHE, id, 'suggest.fixed.conf'));
    assert.ok(t.ok, t.output);
  });
}

const HEAD = [
  'LoadModule mpm_event_module /usr/lib/apache2/modules/mod_mpm_event.so',
  'LoadModule authz_core_module /usr/lib/apache2/modules/mod_authz_core.so',
  'LoadModule proxy_module /usr/lib/apache2/modules/mod_proxy.so',
  'LoadModule proxy_http_module /usr/lib/apache2/modules/mod_proxy_http.so',
].join('\n');
const lintText = (text: string) => lintApache('/c/httpd.conf', text, memHost({ '/c/httpd.conf': text }), { settings: defaultSettings() }).findings;

test('https-backend-without-sslproxyengine: loading mod_ssl is a safe fix only when no <IfModule mod_ssl> section would switch on with it', () => {
  const plain = `${HEAD}\n<VirtualHost *:80>\n    ProxyPass "/b/" "https://10.0.0.7/"\n</VirtualHost>\n`;
  const a = lintText(plain).find((f) => f.ruleId === 'https-backend-without-sslproxyengine')!;
  assert.match(a.fix?.title ?? '', /^Load mod_ssl and add "SSLProxyEngine On"/);
  const guarded = `${HEAD}\n<IfModule mod_ssl.c>\n    Listen 443\n</IfModule>\n<VirtualHost *:80>\n    ProxyPass "/b/" "https://10.0.0.7/"\n</VirtualHost>\n`;
  const b = lintText(guarded).find((f) => f.ruleId === 'https-backend-without-sslproxyengine')!;
  assert.equal(b.fix, undefined, 'loading mod_ssl would also open Listen 443');
  assert.match(b.suggestions[0]?.title ?? '', /also turns on the <IfModule mod_ssl\.c> section on line 5/);
});

test('proxy-scheme-module-missing: LoadModule is a suggestion when httpd starts today and an <IfModule> section for the module exists', () => {
  const php = `<VirtualHost *:80>\n    ProxyPass "/php/" "fcgi://127.0.0.1:9000/var/www/"\n</VirtualHost>\n`;
  const safe = lintText(`${HEAD}\n${php}`).find((f) => f.ruleId === 'proxy-scheme-module-missing')!;
  assert.match(safe.fix?.title ?? '', /Load mod_proxy_fcgi/);
  const guarded = `${HEAD}\n<IfModule proxy_fcgi_module>\n    <FilesMatch "\\.php$">\n        SetHandler "proxy:unix:/run/php/php8.2-fpm.sock|fcgi://localhost"\n    </FilesMatch>\n</IfModule>\n${php}`;
  const f = lintText(guarded).filter((x) => x.ruleId === 'proxy-scheme-module-missing');
  assert.equal(f.length, 1, 'the guarded SetHandler is not reported');
  assert.equal(f[0].fix, undefined);
  assert.match(f[0].suggestions[0]?.title ?? '', /Load mod_proxy_fcgi \(also turns on the <IfModule> section on line 5\)/);
  // A balancer without mod_slotmem_shm stops httpd from starting: nothing runs today, so the fix stays safe.
  const bal = `${HEAD}\nLoadModule proxy_balancer_module /usr/lib/apache2/modules/mod_proxy_balancer.so\n<IfModule slotmem_shm_module>\n</IfModule>\n<Proxy "balancer://app">\n    BalancerMember "http://127.0.0.1:8080"\n</Proxy>\nProxyPass "/app/" "balancer://app/"\n`;
  assert.ok(lintText(bal).some((x) => x.ruleId === 'proxy-scheme-module-missing' && x.fix));
});
