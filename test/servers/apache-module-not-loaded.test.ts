// apache-module-not-loaded against the real apache2 -t (2.4.71): every stock directive needs its module loaded, or httpd
// stops at it with "Invalid command 'X', perhaps misspelled or defined by a module not included in the server
// configuration". The rule knows which module defines each name from apache-directives.json; these cases check that
// httpd stops where the rule says, quoting what it prints, that the quick fix alone makes apache2 -t pass, and that
// lines httpd accepts (an MPM directive of the MPM loaded, guarded by <IfModule prefork.c>, a fragment) stay quiet.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Finding } from '../../server/src/core/finding';
import { applyEdits } from '../../server/src/core/fix';
import { lintApache } from '../../server/src/core/lint-apache';
import { createNodeHost } from '../../server/src/node/node-host';
import { apacheTest, requireBinary, tempTree } from '../helpers';
import { fixtureSettings } from '../rules/rule-harness';
import { loadModuleLine } from './harness/apache';

requireBinary('apache2');

const ID = 'apache-module-not-loaded';

interface Checked {
  findings: Finding[];
  line: (f: Finding) => number;
  /** apache2 -t: undefined when it accepts the configuration, else the line it names and what it says there. */
  failure?: { line: number; said: string; file: string };
  fixed(fix: Finding['fix']): { ok: boolean; output: string };
}

function check(mods: string[], body: string, extra: Record<string, string> = {}): Checked & { cleanup(): void } {
  const text = `${mods.map(loadModuleLine).join('\n')}\nServerName localhost\nListen 127.0.0.1:18995\n${body}\n`;
  const tree = tempTree({ 'httpd.conf': text, ...extra });
  const path = join(tree.dir, 'httpd.conf');
  const result = lintApache(path, text, createNodeHost(), { settings: fixtureSettings(text) });
  const t = apacheTest(path);
  const m = /Syntax error on line (\d+) of ([^:\n]*):\n([^\n]*)/.exec(t.output);
  // Not a syntax error (a log folder of this machine's Debian layout): line 0, httpd's whole output.
  const failure = m ? { line: Number(m[1]), file: m[2], said: m[3] } : t.ok ? undefined : { line: 0, file: '', said: t.output };
  return {
    findings: result.findings.filter((f) => f.ruleId === ID),
    line: (f) => readFileSync(f.path, 'utf8').slice(0, f.start).split('\n').length,
    failure,
    fixed(fix) {
      assert.ok(fix, 'a quick fix');
      writeFileSync(path, applyEdits(text, fix.edits.filter((e) => e.path === path)).text);
      const r = apacheTest(path);
      writeFileSync(path, text);
      return r;
    },
    cleanup: tree.cleanup,
  };
}

const BASE = ['mpm_event', 'authz_core'];

/** Directives the rule did not know before (its own list was mod_proxy's and a few companions'). */
const NEWLY_COVERED: { mods?: string[]; body: string; name: string; from: RegExp }[] = [
  { body: '<Directory /srv>\n    Order allow,deny\n</Directory>', name: 'Order', from: /mod_access_compat/ },
  { body: '<Directory /srv>\n    Allow from all\n</Directory>', name: 'Allow', from: /mod_access_compat/ },
  { body: '<Directory /srv>\n    Deny from 10.0.0.1\n</Directory>', name: 'Deny', from: /mod_access_compat/ },
  { body: 'ExpiresActive On', name: 'ExpiresActive', from: /mod_expires/ },
  { body: 'RemoteIPHeader X-Forwarded-For', name: 'RemoteIPHeader', from: /mod_remoteip/ },
  { body: 'SSLEngine on', name: 'SSLEngine', from: /mod_ssl/ },
  { body: 'CacheRoot /tmp', name: 'CacheRoot', from: /mod_cache_disk, which is not loaded; load mod_cache and mod_cache_disk/ },
  { body: 'SessionCookieName session path=/', name: 'SessionCookieName', from: /load mod_session and mod_session_cookie/ },
  { mods: ['proxy'], body: 'ProxyHCExpr ok234 {%{REQUEST_STATUS} =~ /^[234]/}', name: 'ProxyHCExpr', from: /mod_proxy_hcheck/ },
  { body: 'LDAPTrustedMode NONE', name: 'LDAPTrustedMode', from: /mod_ldap/ },
  { body: 'DeflateCompressionLevel 6', name: 'DeflateCompressionLevel', from: /mod_deflate/ },
  { body: 'H2Direct on', name: 'H2Direct', from: /mod_http2/ },
  // Read exactly because mod_headers is not loaded.
  { body: '<IfModule !mod_headers.c>\n    SetEnv NO_HEADERS 1\n</IfModule>', name: 'SetEnv', from: /mod_env/ },
];

test('newly covered directives without their module: apache2 -t stops there with "Invalid command", as the rule says, and its fix alone passes apache2 -t', () => {
  for (const c of NEWLY_COVERED) {
    const r = check([...BASE, ...(c.mods ?? [])], c.body);
    try {
      assert.equal(r.failure?.said, `Invalid command '${c.name}', perhaps misspelled or defined by a module not included in the server configuration`, c.body);
      assert.equal(r.findings.length, 1, `${c.body}: ${r.findings.map((f) => f.message).join('\n')}`);
      const f = r.findings[0];
      assert.equal(r.line(f), r.failure!.line, c.body);
      assert.ok(f.message.includes(`"${r.failure!.said}"`), f.message);
      assert.match(f.message, c.from);
      const t = r.fixed(f.fix);
      assert.ok(t.ok, `${c.body}, after "${f.fix?.title}":\n${t.output}`);
    } finally {
      r.cleanup();
    }
  }
});

test('MPM directives: one of another MPM stops httpd and gets no LoadModule fix (httpd refuses two MPMs); the <IfModule> the message names passes', () => {
  const cases = [
    { mpm: 'mpm_prefork', line: 'ThreadsPerChild 25', name: 'ThreadsPerChild', guard: 'mpm_event_module' },
    { mpm: 'mpm_event', line: 'MaxSpareServers 10', name: 'MaxSpareServers', guard: 'mpm_prefork_module' },
  ];
  for (const c of cases) {
    const r = check([c.mpm, 'authz_core'], c.line);
    try {
      assert.equal(r.failure?.said, `Invalid command '${c.name}', perhaps misspelled or defined by a module not included in the server configuration`);
      assert.equal(r.findings.length, 1, r.findings.map((f) => f.message).join('\n'));
      assert.equal(r.findings[0].fix, undefined);
      assert.ok(r.findings[0].message.includes(`<IfModule ${c.guard}>`), r.findings[0].message);
    } finally {
      r.cleanup();
    }
    const wrapped = check([c.mpm, 'authz_core'], `<IfModule ${c.guard}>\n    ${c.line}\n</IfModule>`);
    try {
      assert.equal(wrapped.failure, undefined);
      assert.deepEqual(wrapped.findings, []);
    } finally {
      wrapped.cleanup();
    }
  }
});

test('quiet where apache2 -t accepts: the MPM loaded has the directive, <IfModule> by source name (prefork.c, util_ldap.c), a module loaded under its own name', () => {
  const cases = [
    { mods: ['mpm_prefork', 'authz_core'], body: 'StartServers 2\nMaxRequestWorkers 20\n<IfModule prefork.c>\n    MaxSpareServers 10\n</IfModule>\n<IfModule worker.c>\n    ThreadsPerChild 25\n</IfModule>' },
    { mods: ['mpm_event', 'authz_core'], body: 'ThreadsPerChild 25\nMaxSpareThreads 75\n<IfModule event.c>\n    MinSpareThreads 25\n</IfModule>\n<IfModule mpm_prefork_module>\n    MaxSpareServers 10\n</IfModule>' },
    { mods: ['mpm_event', 'authz_core', 'ldap'], body: '<IfModule util_ldap.c>\n    LDAPTrustedMode NONE\n</IfModule>' },
    { mods: ['mpm_event', 'authz_core', 'cgid'], body: 'ScriptLog /tmp/proxylint-cgi.log' },
    { mods: ['mpm_event', 'authz_core'], body: '<IfModule mod_expires.c>\n    ExpiresActive On\n</IfModule>\n<IfModule !mod_headers.c>\n    ServerSignature Off\n</IfModule>' },
  ];
  for (const c of cases) {
    const r = check(c.mods, c.body);
    try {
      assert.equal(r.failure, undefined, `${c.body}: ${r.failure?.said}`);
      assert.deepEqual(r.findings.map((f) => f.message), [], c.body);
    } finally {
      r.cleanup();
    }
  }
});

test('a proxy directive in a section where it is not allowed, without mod_proxy: httpd names the missing command, not the place, and only this rule reports it', () => {
  const r = check(BASE, '<Location /a>\n    ProxyTimeout 30\n</Location>');
  try {
    assert.equal(r.failure?.said, "Invalid command 'ProxyTimeout', perhaps misspelled or defined by a module not included in the server configuration");
    assert.equal(r.findings.length, 1);
  } finally {
    r.cleanup();
  }
  const placed = check([...BASE, 'proxy'], '<Location /a>\n    ProxyTimeout 30\n</Location>');
  try {
    assert.equal(placed.failure?.said, 'ProxyTimeout not allowed in <Location> context');
    assert.deepEqual(placed.findings, []);
  } finally {
    placed.cleanup();
  }
});

test('without mod_proxy, httpd names the command before it reads the words: no "must define remote proxy server", no "unknown Worker parameter"', () => {
  for (const [line, name] of [['BalancerMember http://127.0.0.1:8080', 'BalancerMember'], ['ProxyPass /c http://127.0.0.1:1/ bogus=1', 'ProxyPass'], ['ProxyPass /d', 'ProxyPass']]) {
    const r = check(BASE, line);
    try {
      assert.equal(r.failure?.said, `Invalid command '${name}', perhaps misspelled or defined by a module not included in the server configuration`, line);
      assert.equal(r.findings.length, 1, line);
    } finally {
      r.cleanup();
    }
  }
});

test("Debian's own mods-available/*.conf and conf-available/*.conf, each included beside an MPM alone: the rule stops at the line apache2 -t stops at, or says nothing when it passes", () => {
  const dirs = ['/etc/apache2/mods-available', '/etc/apache2/conf-available'];
  let compared = 0;
  for (const dir of dirs) {
    let names: string[];
    try {
      names = readdirSync(dir).filter((n) => n.endsWith('.conf'));
    } catch {
      continue;
    }
    for (const name of names) {
      const file = join(dir, name);
      const r = check(BASE, `Include ${file}`);
      try {
        // Lines httpd reads from the file; a failure of another kind (a path of this machine) is not this rule's.
        if (r.failure && !/^Invalid command /.test(r.failure.said)) continue;
        compared++;
        const first = r.findings.find((f) => f.path === file);
        if (!r.failure) assert.equal(first, undefined, `${file}: apache2 -t accepts it, the rule says ${first?.message}`);
        else {
          assert.ok(first, `${file}: apache2 -t says ${r.failure.said} (line ${r.failure.line}), the rule nothing`);
          assert.equal(r.line(first), r.failure.line, file);
          assert.ok(first.message.includes(`"${r.failure.said}"`), first.message);
        }
      } finally {
        r.cleanup();
      }
    }
  }
  if (compared === 0) assert.fail('no Debian configuration snippet to compare (is /etc/apache2 there?)');
});
