// httpd's <IfModule name> matches a loaded module by its source file name (module->name: util_ldap.c, mod_proxy.c,
// event.c) or its identifier (ldap_module), nothing else. The loader already decided sections that way, but the rules
// that ask "is this line guarded by module X" or "may httpd skip this line" took any spelling that looked like the
// module (mod_ldap.c, mod_ssl): in a vhost file checked on its own, a bad line inside <IfModule mod_ldap.c> was
// reported as stopping httpd "when mod_ldap is loaded", though apache2 -t 2.4.71 with mod_ldap loaded skips it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { lintApache } from '../../server/src/core/lint-apache';
import { ifModuleKey } from '../../server/src/core/model/apache-conditions';
import { STATIC_MODULES } from '../../server/src/core/model/apache-modules';
import { defaultSettings } from '../../server/src/core/settings';
import { createNodeHost } from '../../server/src/node/node-host';
import { apacheTest, tempTree } from '../helpers';

const M = '/usr/lib/apache2/modules';
const LOADED = ['mpm_event', 'authz_core', 'headers', 'ldap', 'ssl', 'proxy', 'proxy_http'];
const HEAD = LOADED.map((m) => `LoadModule ${m}_module ${M}/mod_${m}.so\n`).join('') + 'ServerName localhost\nListen 127.0.0.1:18995\n';

function httpdReads(section: string): { ok: boolean; output: string } {
  const tree = tempTree({ 'httpd.conf': HEAD + section });
  try {
    return apacheTest(join(tree.dir, 'httpd.conf'));
  } finally {
    tree.cleanup();
  }
}

test('ifModuleKey gives the module apache2 -t matches, and none for a look-alike name', () => {
  const names = ['util_ldap.c', 'ldap_module', 'mod_ldap.c', 'mod_ldap', 'ldap', 'mod_ldap.so', 'util_ldap', 'UTIL_LDAP.C', 'mod_proxy.c', 'proxy_module', 'mod_proxy', 'mod_proxy_http.c', 'event.c', 'prefork.c', 'mod_mpm_event.c', 'mpm_event_module', 'http_core.c', 'core.c', 'mod_so.c', 'so_module', 'mod_unixd.c', 'mod_ssl.c', 'ssl_module', 'mod_ssl', 'Headers_Module', 'mod_headers.c'];
  const loaded = new Set([...LOADED, ...STATIC_MODULES, 'core', 'http', 'so']);
  for (const name of names) {
    const t = httpdReads(`<IfModule ${name}>\nNoSuchDirective\n</IfModule>\n`);
    const reads = !t.ok;
    if (reads) assert.match(t.output, /NoSuchDirective/, `${name}: ${t.output}`);
    const key = ifModuleKey(name);
    assert.equal(key !== undefined && loaded.has(key), reads, `<IfModule ${name}>: apache2 -t ${reads ? 'reads' : 'skips'} it, ifModuleKey says ${key}`);
  }
  // A third-party module's names are taken at their word.
  assert.equal(ifModuleKey('mod_wsgi.c'), 'wsgi');
  assert.equal(ifModuleKey('php7_module'), 'php7');
});

const TWO = ['apache-unknown-directive', 'trunk-only-directive'];

const FRAGMENT = (ldap: string, ssl: string) => `<VirtualHost *:80>
    ServerName a.example
    <IfModule ${ldap}>
        LDAPTrustedModeX SSL
    </IfModule>
    <IfModule ${ssl}>
        ProxyWebsocketIdleTimeout 5
    </IfModule>
</VirtualHost>
`;

/** A vhost file checked alone: its findings, each with its line; `only` keeps those of these rules. */
function lintFragment(text: string, only?: string[]) {
  const tree = tempTree({ 'site.conf': text });
  try {
    const path = join(tree.dir, 'site.conf');
    const src = readFileSync(path, 'utf8');
    const found = lintApache(path, src, createNodeHost(), { settings: defaultSettings() }).findings.filter((f) => !only || only.includes(f.ruleId));
    return found.map((f) => ({ ...f, line: src.slice(0, f.start).split('\n').length }));
  } finally {
    tree.cleanup();
  }
}

test('a vhost file: lines under <IfModule mod_ldap.c> or <IfModule mod_ssl> are never read, under util_ldap.c / ssl_module they are', () => {
  const wrong = FRAGMENT('mod_ldap.c', 'mod_ssl');
  const right = FRAGMENT('util_ldap.c', 'ssl_module');
  // The same fragment inside a configuration that loads mod_ldap and mod_ssl.
  const tree = tempTree({});
  try {
    for (const [text, reads] of [[wrong, false], [right, true]] as const) {
      writeFileSync(join(tree.dir, 'site.conf'), text.replace('*:80', '127.0.0.1:18995'));
      const t = httpdReads(`Include ${join(tree.dir, 'site.conf')}\n`);
      assert.equal(!t.ok, reads, t.output);
    }
  } finally {
    tree.cleanup();
  }
  assert.deepEqual(lintFragment(wrong, TWO).map((f) => f.ruleId), []);
  const found = lintFragment(right, TWO);
  assert.deepEqual(found.map((f) => f.ruleId), ['apache-unknown-directive', 'trunk-only-directive']);
  assert.match(found[0].message, /when mod_ldap is loaded/);
  assert.match(found[1].message, /refuses to start/);
});

test('ifmodule-name-matches-nothing: reported exactly for the names apache2 -t never reads with the module loaded, and its suggested name is read', () => {
  const names = ['mod_ldap.c', 'mod_ldap', 'ldap', 'mod_ldap.so', 'util_ldap', 'UTIL_LDAP.C', 'mod_proxy', 'Mod_Proxy.c', 'PROXY_MODULE', 'mod_proxy.so', 'mod_mpm_event.c', 'Headers_Module', 'mod_headers', 'mod_ssl', 'util_ldap.c', 'ldap_module', 'mod_proxy.c', 'proxy_http_module', 'event.c', 'mod_ssl.c'];
  const lint = (section: string) => {
    const tree = tempTree({ 'httpd.conf': HEAD + section });
    try {
      const path = join(tree.dir, 'httpd.conf');
      return lintApache(path, readFileSync(path, 'utf8'), createNodeHost(), { settings: defaultSettings() }).findings.filter((f) => f.ruleId === 'ifmodule-name-matches-nothing');
    } finally {
      tree.cleanup();
    }
  };
  let reported = 0;
  for (const name of names) {
    // Every name here is one of a loaded module: a section httpd skips is skipped for its name alone.
    const section = `<IfModule ${name}>\nNoSuchDirective\n</IfModule>\n`;
    const reads = !httpdReads(section).ok;
    const found = lint(section);
    assert.equal(found.length, reads ? 0 : 1, `<IfModule ${name}>: apache2 -t ${reads ? 'reads' : 'skips'} it; findings: ${found.map((f) => f.message)}`);
    if (reads) continue;
    reported++;
    // The suggestion names the module so that httpd reads the section, and with "!" skips it.
    const edit = found[0].suggestions?.[0]?.edits[0];
    assert.ok(edit, `a suggestion for ${name}`);
    assert.ok(httpdReads(`<IfModule ${edit.newText}>\nProxyTimeout 30\n</IfModule>\n`).ok, 'the suggested section is valid');
    assert.ok(!httpdReads(`<IfModule ${edit.newText}>\nNoSuchDirective\n</IfModule>\n`).ok, `<IfModule ${edit.newText}> is read`);
    const negated = lint(`<IfModule !${name}>\nNoSuchDirective\n</IfModule>\n`);
    assert.equal(negated.length, 1);
    assert.ok(httpdReads(`<IfModule !${negated[0].suggestions![0].edits[0].newText.slice(1)}>\nNoSuchDirective\n</IfModule>\n`).ok, `<IfModule !${edit.newText}> is skipped`);
  }
  assert.ok(reported >= 10, `${reported} look-alike names`);
});

test('a vhost file checked alone: the lines under <IfModule mod_proxy> are never read (no finding on them), under proxy_module they are', () => {
  const found = lintFragment(
    '<VirtualHost *:80>\n  ServerName a.example\n  <IfModule mod_proxy>\n    ProxyTimeout bogus\n  </IfModule>\n  <IfModule proxy_module>\n    ProxyTimeout bogus2\n  </IfModule>\n</VirtualHost>\n',
  );
  // Before, both ProxyTimeout lines were reported as stopping httpd; apache2 -t skips the first section (test above).
  assert.deepEqual(found.map((f) => `${f.line} ${f.ruleId}`), ['3 ifmodule-name-matches-nothing', '7 timeout-value-misread']);
});
