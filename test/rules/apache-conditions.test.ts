// httpd decides <IfModule> and <IfDefine> as it reads the section line, against what it has read above it, and skips
// a false section to its end without reading it: no Include in it is followed. proxylint followed every Include in
// them and analysed every line, so `<IfModule mod_foo.c> Include missing.conf </IfModule>` was a start failure while
// apache2 -t said Syntax OK. Each claim below is checked against Debian's apache2 2.4.71 (`apache2 -t`, with `-D` where
// a name is passed on the command line); a missing Include is the probe, since httpd fails on it exactly when it
// reads the section. Where proxylint cannot know what httpd decides (a fragment, a module list with a hole, a name
// that -D may give), the section stays read, as before.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { apacheHover } from '../../server/src/core/features/apache';
import type { Finding } from '../../server/src/core/finding';
import { lintApache, type ApacheLintResult } from '../../server/src/core/lint-apache';
import { allRuleIds } from '../../server/src/core/rules/index';
import { defaultSettings, readProjectConfig } from '../../server/src/core/settings';
import { createNodeHost } from '../../server/src/node/node-host';
import { apacheTest, assertPlaceLink, memHost, readable, requireBinary, tempTree } from '../helpers';

const M = '/usr/lib/apache2/modules';
const load = (...mods: string[]) => mods.map((m) => `LoadModule ${m}_module ${M}/mod_${m}.so\n`).join('');
const HEAD = load('mpm_event', 'authz_core') + 'ServerName localhost\nListen 127.0.0.1:18996\n';
/** An absolute Include of a file that exists nowhere: httpd fails on it exactly when it reads the line. */
const probe = (name: string) => `Include /opt/proxylint-none/${name}.conf\n`;

interface Run {
  findings: Finding[];
  /** Lines (1-based) of the include-not-found findings. */
  missing: number[];
  result: ApacheLintResult;
  /** apache2 -t on the same files. */
  ok: boolean;
  output: string;
}

/**
 * Lints `httpd.conf` (and the other files, written to a temporary folder whose path replaces `$DIR`) and runs the
 * real `apache2 -t` on it with `dashD` passed as -D names. `defines` is apache.defines.
 */
function run(files: Record<string, string>, opts: { defines?: string[]; dashD?: string[]; entry?: string } = {}): Run {
  requireBinary('apache2');
  const tree = tempTree({});
  try {
    for (const [p, t] of Object.entries(files)) {
      mkdirSync(dirname(join(tree.dir, p)), { recursive: true });
      writeFileSync(join(tree.dir, p), t.replaceAll('$DIR', tree.dir));
    }
    const path = join(tree.dir, opts.entry ?? 'httpd.conf');
    const settings = defaultSettings();
    if (opts.defines) settings.apache.defines = opts.defines;
    const result = lintApache(path, readFileSync(path, 'utf8'), createNodeHost(), { settings });
    const t = apacheTest(path, (opts.dashD ?? []).flatMap((n) => ['-D', n]));
    const missing = result.findings.filter((f) => f.ruleId === 'include-not-found').map((f) => result.config.files.find((x) => x.path === f.path)!.lines.positionAt(f.start).line + 1);
    return { findings: result.findings, missing, result, ...t };
  } finally {
    tree.cleanup();
  }
}

/** httpd fails exactly on the probes it reads; proxylint reports exactly those. */
function agrees(r: Run, read: boolean, what: string): void {
  if (read) {
    assert.ok(!r.ok && /Could not open configuration file \/opt\/proxylint-none\//.test(r.output), `${what}: apache2 -t reads the Include\n${r.output}`);
    assert.ok(r.missing.length > 0, `${what}: proxylint follows the Include`);
  } else {
    assert.ok(r.ok, `${what}: apache2 -t does not read the Include\n${r.output}`);
    assert.deepEqual(r.missing, [], `${what}: proxylint does not follow the Include`);
  }
}

test('<IfModule> for a module not loaded above it is skipped, Include and all; one loaded above it is read', () => {
  const section = `<IfModule mod_headers.c>\n${probe('headers')}</IfModule>\n`;
  agrees(run({ 'httpd.conf': HEAD + section }), false, 'mod_headers not loaded');
  // httpd decides when it reads the section: a LoadModule below it does not count.
  agrees(run({ 'httpd.conf': HEAD + section + load('headers') }), false, 'LoadModule below the section');
  agrees(run({ 'httpd.conf': HEAD + load('headers') + section }), true, 'LoadModule above the section');
  agrees(run({ 'httpd.conf': HEAD + `<IfModule !mod_headers.c>\n${probe('no-headers')}</IfModule>\n` }), true, '<IfModule !mod_headers.c> without it');
  // A LoadModule in a skipped section loads nothing.
  agrees(run({ 'httpd.conf': HEAD + `<IfModule mod_nothere.c>\n${load('headers')}</IfModule>\n` + section }), false, 'LoadModule inside a skipped section');
});

test('<IfModule> names a module by its source file or its symbol, case-sensitively; mod_headers or headers name none', () => {
  const head = HEAD + load('headers', 'ldap');
  const read = ['mod_headers.c', 'headers_module', 'event.c', 'mpm_event_module', 'mod_so.c', 'so_module', 'core.c', 'http_core.c', 'authz_core_module', 'util_ldap.c', 'ldap_module'];
  const skipped = ['mod_headers', 'headers', 'mod_headers.so', 'MOD_HEADERS.C', 'Headers_Module', 'mod_mpm_event.c', 'mpm_event.c', 'prefork.c', 'mod_core.c', 'mod_ldap.c'];
  for (const name of read) agrees(run({ 'httpd.conf': `${head}<IfModule ${name}>\n${probe('p')}</IfModule>\n` }), true, `<IfModule ${name}>`);
  for (const name of skipped) agrees(run({ 'httpd.conf': `${head}<IfModule ${name}>\n${probe('p')}</IfModule>\n` }), false, `<IfModule ${name}>`);
});

test('<IfModule> stays read where the configuration does not show every module loaded above it', () => {
  const section = `<IfModule mod_nothere.c>\n${probe('nothere')}</IfModule>\n`;
  // A section in an included file is decided like one in the main file.
  const inc = run({ 'httpd.conf': HEAD + 'Include $DIR/inc/b.conf\n', 'inc/b.conf': section });
  agrees(inc, false, '<IfModule> in an included file');
  // A fragment checked on its own: the configuration that includes it may load the module.
  const fragment = run({ 'site.conf': section }, { entry: 'site.conf' });
  assert.deepEqual(fragment.missing, [2]);
  // So may the one that includes a file of LoadModule lines, even one that loads mod_authz_core.
  assert.deepEqual(run({ 'modules.conf': load('authz_core', 'proxy') + section }, { entry: 'modules.conf' }).missing, [4]);
  // Modules may be loaded by what proxylint does not see: a missing include, an IncludeOptional of
  // mods-enabled/*.load that matches nothing here, a LoadModule in an <IfDefine> -D may switch on.
  const hidden = run({ 'httpd.conf': HEAD + probe('mods') + section });
  assert.deepEqual(hidden.missing, [5, 7]);
  const unseen = run({ 'httpd.conf': HEAD + 'IncludeOptional /etc/proxylint-none/mods-enabled/*.load\n' + section });
  assert.deepEqual(unseen.missing, [7]);
  const maybe = `${HEAD}<IfDefine WITH_HEADERS>\n${load('headers')}</IfDefine>\n<IfModule mod_headers.c>\n${probe('headers')}</IfModule>\n`;
  const unknown = run({ 'httpd.conf': maybe });
  assert.deepEqual(unknown.missing, [9], 'read: apache2 -t -D WITH_HEADERS reads it');
  assert.ok(unknown.ok, unknown.output);
  agrees(run({ 'httpd.conf': maybe }, { dashD: ['WITH_HEADERS'], defines: ['WITH_HEADERS'] }), true, '-D WITH_HEADERS');
  agrees(run({ 'httpd.conf': maybe }, { defines: [] }), false, 'apache.defines []');
  // A macro's body is read where it is used (mod_macro): what it loads is not seen.
  const macro = `${HEAD}${load('macro')}<Macro WithHeaders>\n${load('headers')}</Macro>\nUse WithHeaders\n<IfModule mod_headers.c>\n${probe('headers')}</IfModule>\n`;
  agrees(run({ 'httpd.conf': macro }), true, 'LoadModule in a macro used above');
  // An MPM compiled in (no LoadModule for it) may come with other modules compiled in.
  assert.deepEqual(run({ 'httpd.conf': load('authz_core') + section }, { entry: 'httpd.conf' }).missing, [3]);
});

test('<IfDefine> is true for a name defined above it (Define in 2.4, in any section, or -D), and Undefine removes it', () => {
  const ifX = `<IfDefine X>\n${probe('x')}</IfDefine>\n`;
  const notX = `<IfDefine !X>\n${probe('not-x')}</IfDefine>\n`;
  agrees(run({ 'httpd.conf': `${HEAD}Define X\n${ifX}` }), true, 'Define X above');
  agrees(run({ 'httpd.conf': `${HEAD}Define X\n${notX}` }), false, '<IfDefine !X> after Define X');
  agrees(run({ 'httpd.conf': `${HEAD}<VirtualHost 127.0.0.1:18996>\n  Define X\n</VirtualHost>\n${notX}` }), false, 'Define X in a <VirtualHost>');
  agrees(run({ 'httpd.conf': `${HEAD}Undefine X\n${ifX}` }, { dashD: ['X'] }), false, 'Undefine X after -D X (apache.defines not set)');
  // Below the section, Define comes too late.
  const late = { 'httpd.conf': `${HEAD}${ifX}Define X\n` };
  agrees(run(late, { defines: [] }), false, 'Define X below, apache.defines []');
  // Without apache.defines a name no Define sets may come with -D: read, as apache2 -t -D X reads it.
  const unset = run(late);
  assert.deepEqual(unset.missing, [6]);
  assert.ok(unset.ok, unset.output);
  agrees(run(late, { defines: ['X'], dashD: ['X'] }), true, 'apache.defines ["X"] and -D X');
  // A Define in a section proxylint cannot decide may or may not happen.
  const maybe = { 'httpd.conf': `${HEAD}<IfDefine Y>\n  Define X\n</IfDefine>\n${notX}` };
  assert.deepEqual(run(maybe).missing, [9]);
  agrees(run(maybe, { defines: [] }), true, 'Y not given: X not defined');
  agrees(run(maybe, { defines: ['Y'], dashD: ['Y'] }), false, '-D Y: X defined');
  // What proxylint cannot read may Define or Undefine anything: a macro used above, an IncludeOptional that matches
  // nothing here but may on the server.
  const macro = `${HEAD}${load('macro')}<Macro DefineX>\n  Define X\n</Macro>\nUse DefineX\n${ifX}`;
  agrees(run({ 'httpd.conf': macro }, { defines: [] }), true, 'Define X in a macro used above');
  assert.deepEqual(run({ 'httpd.conf': `${HEAD}Define X\nIncludeOptional /etc/proxylint-none/conf-enabled/*.conf\n${notX}` }, { defines: [] }).missing, [8]);
});

test('<IfDefine> in a fragment checked on its own: apache.defines does not settle it, since its parent may Define the name', () => {
  const vhost = `<IfDefine !DEFAULT>\n${probe('default')}</IfDefine>\n<IfDefine SSL>\n<VirtualHost 127.0.0.1:18996>\n  ${probe('ssl').trim()}\n</VirtualHost>\n</IfDefine>\n`;
  assert.deepEqual(run({ 'vhosts.d/default.conf': vhost }, { entry: 'vhosts.d/default.conf', defines: [] }).missing, [2, 6]);
  // Its own Define above the section does settle it.
  assert.deepEqual(run({ 'vhosts.d/default.conf': `Define DEFAULT\n${vhost}` }, { entry: 'vhosts.d/default.conf', defines: [] }).missing, [7]);
});

test('nested sections: a false <IfModule> inside an <IfDefine> proxylint cannot decide is skipped either way', () => {
  const text = `${HEAD}<IfDefine Y>\n<IfModule mod_nothere.c>\n${probe('inner')}</IfModule>\n<IfModule mod_so.c>\n${probe('so')}</IfModule>\n</IfDefine>\n`;
  const r = run({ 'httpd.conf': text });
  assert.deepEqual(r.missing, [10], 'the <IfModule mod_so.c> one may be read (with -D Y)');
  agrees(run({ 'httpd.conf': text.replace(probe('so'), '') }, { dashD: ['Y'] }), false, '-D Y, only the false <IfModule> left');
});

test('rules: a line in a section httpd reads is not hedged, one in a section it skips is not reported', () => {
  const misplaced = (cond: string) => `${HEAD}${load('proxy', 'proxy_http')}${cond}\n<Location /a>\n  ProxyTimeout 5\n</Location>\n</IfModule>\nProxyPass /a http://127.0.0.1:18998/\n`;
  const read = run({ 'httpd.conf': misplaced('<IfModule mod_proxy.c>') });
  assert.ok(!read.ok && /ProxyTimeout not allowed in <Location> context/.test(read.output), read.output);
  const f = read.findings.filter((x) => x.ruleId === 'directive-not-allowed-in-section');
  assert.deepEqual(f.map((x) => x.severity), ['error']);
  assert.match(f[0].message, /^httpd will not start: "ProxyTimeout not allowed in <Location> context"/);
  const skipped = run({ 'httpd.conf': misplaced('<IfModule mod_nothere.c>') });
  assert.ok(skipped.ok, skipped.output);
  assert.deepEqual(skipped.findings.filter((x) => x.ruleId === 'directive-not-allowed-in-section'), []);
  // A trunk-only directive in an <IfDefine> that a Define above makes true stops httpd.
  const trunk = run({ 'httpd.conf': `${HEAD}${load('proxy', 'proxy_wstunnel')}Define WS\n<IfDefine WS>\n  ProxyWebsocketIdleTimeout 30\n</IfDefine>\n` });
  assert.ok(!trunk.ok && /Invalid command 'ProxyWebsocketIdleTimeout'/.test(trunk.output), trunk.output);
  assert.deepEqual(trunk.findings.filter((x) => x.severity === 'error').map((x) => x.ruleId), ['trunk-only-directive']);
});

test('hover: a line in a skipped section is not in force, and the section says why httpd skips it', () => {
  const path = '/etc/apache2/apache2.conf';
  const text = `${HEAD}Timeout 30\n<IfModule mod_reqtimeout.c>\n  Timeout 90\n</IfModule>\n<IfDefine X>\n  Timeout 20\n</IfDefine>\n`;
  const settings = defaultSettings();
  settings.apache.defines = [];
  const r = lintApache(path, text, memHost({ [path]: text }), { settings });
  const hover = (needle: string) => apacheHover(r, path, text.indexOf(needle) + 1)?.markdown ?? '';
  assert.match(hover('Timeout 30'), /\*\*Effective value here:\*\* `30` — set here/);
  for (const [needle, line, why] of [['Timeout 90', 6, /no module loaded above the section is named `mod_reqtimeout\.c`/], ['Timeout 20', 9, /`X` is not defined there: no Define above it sets it, and apache\.defines does not list it/]] as const) {
    assertPlaceLink(hover(needle), `line ${line}`, path, line);
    const md = readable(hover(needle));
    assert.match(md, new RegExp(`^\\*\\*Not read:\\*\\* httpd skips the \`<\\w+ [\\w.]+>\` section \\(line ${line}\\)`), md);
    assert.match(md, why);
    assert.doesNotMatch(md, /Effective value/);
  }
  assert.match(hover('IfModule mod_reqtimeout'), /^\*\*Skipped by httpd:\*\* no module loaded above the section is named `mod_reqtimeout\.c`/);
});

test('apache.defines: the names httpd is started with -D, read from .proxylintrc.json', () => {
  const ok = readProjectConfig({ apache: { defines: ['SSL', 'FOREGROUND'] } }, '/', allRuleIds());
  assert.deepEqual(ok.problems, []);
  assert.deepEqual(ok.settings.apache.defines, ['SSL', 'FOREGROUND']);
  assert.deepEqual(readProjectConfig({ apache: { defines: [] } }, '/', allRuleIds()).settings.apache.defines, []);
  assert.equal(readProjectConfig({ apache: {} }, '/', allRuleIds()).settings.apache.defines, undefined, 'not known unless given');
  for (const bad of ['SSL', ['-D SSL'], ['!SSL'], [1]]) {
    assert.deepEqual(readProjectConfig({ apache: { defines: bad } }, '/', allRuleIds()).problems, ['apache.defines must list the names httpd is started with -D, such as ["SSL"] ([] for none)'], JSON.stringify(bad));
  }
});
