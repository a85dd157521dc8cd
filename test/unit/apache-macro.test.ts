// mod_macro: `Use name values…` reads the lines of `<Macro name $params…>` where it stands, each parameter replaced by
// its value. The rules see each expansion (with its values) at the body's lines; an unused body is not checked, and
// what cannot be expanded (no macro above, a different number of values, a macro that uses itself) stays unknown
// (syntax-error reports the Use lines httpd refuses: test/servers/apache-macro-errors.test.ts).
// Checked on httpd 2.4.68: two Uses of a macro whose <VirtualHost> proxies to https://127.0.0.1:$port/ without
// SSLProxyEngine answered 500 (AH00961) and 503 (a refused port) for their names, and "Use backend" found "Backend".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintApache } from '../../server/src/core/lint-apache';
import { defaultSettings } from '../../server/src/core/settings';
import { memHost } from '../helpers';

const lint = (text: string) => lintApache('/c/httpd.conf', text, memHost({ '/c/httpd.conf': text }), { settings: defaultSettings() });
const MACRO = `<Macro Backend $name $port>
  <VirtualHost *:80>
    ServerName $name.example
    ProxyPass "/" "https://127.0.0.1:$port/"
  </VirtualHost>
</Macro>
`;
const ssl = (r: ReturnType<typeof lint>) => r.findings.filter((f) => f.ruleId === 'https-backend-without-sslproxyengine');

test('Use expands the macro with its values: one finding per Use at the body line, named by its values', () => {
  const r = lint(`${MACRO}Use Backend app 8443\nUse backend api 9443\nUndefMacro Backend\n`);
  const found = ssl(r);
  assert.deepEqual(found.map((f) => /https:\/\/127\.0\.0\.1:(\d+)\//.exec(f.message)?.[1]), ['8443', '9443']);
  const line = r.config.entry.text.indexOf('ProxyPass');
  for (const f of found) assert.ok(f.start >= line && f.end <= r.config.entry.text.indexOf('\n', line), 'placed at the ProxyPass of the body');
  // The edit would change the body for every Use: offered, not applied by --fix.
  for (const f of found) {
    assert.equal(f.fix, undefined);
    assert.match(f.suggestions[0].title, /edits the body of macro Backend, which every Use of it expands/);
  }
  assert.deepEqual(r.proxy.servers.filter((s) => s.vhost).map((s) => s.names[0]), ['app.example', 'api.example']);
});

test('an unused macro body, and its $parameters, are not checked', () => {
  assert.deepEqual(lint(MACRO).findings.filter((f) => f.ruleId !== 'modules-not-known').map((f) => f.ruleId), []);
  assert.equal(lint(MACRO).proxy.rules.length, 0);
});

test('the same finding from several Uses is kept once', () => {
  const text = `<Macro Static $name>\n  <VirtualHost *:80>\n    ServerName $name.example\n    ProxyPass "/" "https://10.0.0.1/"\n  </VirtualHost>\n</Macro>\nUse Static a\nUse Static b\n`;
  const found = ssl(lint(text));
  // Each virtual host is its own server, and the message names it by line: both lines are the same body line.
  assert.equal(new Set(found.map((f) => f.message)).size, found.length);
  assert.equal(found.length, 1);
});

test('what cannot be expanded is left unknown, and nothing throws', () => {
  const cases = [
    'Use Backend app 8443\n' + MACRO, // used above its definition
    `${MACRO}Use Backend app\n`, // too few values
    `${MACRO}UndefMacro Backend\nUse Backend app 8443\n`,
    '<Macro Loop $x>\n  Use Loop $x\n  ProxyPass "/$x/" "https://10.0.0.1/"\n</Macro>\nUse Loop a\n', // uses itself
    '<Macro A $x>\n  Use B $x\n</Macro>\n<Macro B $y>\n  Use A $y\n</Macro>\nUse A 1\n', // through another
    '<Macro Open $x>\n  ProxyPass "/" "https://10.0.0.1/"\n', // never closed
    '<Macro Sec $x>\n  <VirtualHost *:80>\n    ProxyPass "/" "https://10.0.0.1/"\n</Macro>\nUse Sec 1\n', // section left open in the body
    '<Macro>\n</Macro>\nUse\n',
    `${MACRO}Use Backend \${UNDEFINED} 1\n`,
  ];
  for (const text of cases) {
    const r = lint(text);
    assert.ok(Array.isArray(r.findings), text);
  }
  assert.equal(ssl(lint(cases[0])).length, 0);
  assert.equal(ssl(lint(cases[1])).length, 0);
  assert.equal(ssl(lint(cases[2])).length, 0);
  // The rule inside the self-using macro is read once, for the outer Use.
  assert.ok(ssl(lint(cases[3])).length <= 1);
});

test('a macro used many times stays within the directive limit', () => {
  const uses = Array.from({ length: 2000 }, (_, k) => `Use Many ${k}`).join('\n');
  const body = Array.from({ length: 50 }, (_, k) => `  Header set X-$v-${k} 1`).join('\n');
  const text = `<Macro Many $v>\n${body}\n</Macro>\n${uses}\n`;
  const r = lintApache('/c/httpd.conf', text, memHost({ '/c/httpd.conf': text }), { settings: { ...defaultSettings(), limits: { ...defaultSettings().limits, maxDirectives: 10_000 } } });
  assert.ok(r.config.all.length < 12_000, String(r.config.all.length));
});

test('half-typed <Macro>, Use and UndefMacro lines never throw, and what httpd would say of them is reported once', () => {
  const head = 'LoadModule mpm_event_module modules/mod_mpm_event.so\nLoadModule macro_module modules/mod_macro.so\n';
  const said = (text: string) => lint(head + text).findings.filter((f) => f.ruleId === 'syntax-error').map((f) => f.message);
  for (const text of ['<Macro', '<Macro\n', '<Macro A', '<Macro A $x', '<Macro A $x>', '<Macro A $x>\n  Use', '</Macro', 'Use', 'Use ', 'UndefMacro', 'UndefMacro ', '<Macro "', '<Macro A "$x>\n</Macro>\nUndefMacro "a']) {
    assert.ok(Array.isArray(said(text)), text);
  }
  // A tag without its ">" is the parser's to report: not also a <Macro> with no name.
  assert.deepEqual(said('<Macro\n').filter((m) => /empty name/.test(m)), []);
  assert.deepEqual(said('UndefMacro\n'), ['httpd refuses to start: "UndefMacro takes one argument, Remove a macro definition." (UndefMacro needs the name of a macro, and the line has none)']);
});

test('what proxylint cannot see keeps it quiet about UndefMacro, never about the line itself', () => {
  const settings = defaultSettings();
  const said = (path: string, text: string) =>
    lintApache(path, text, memHost({ [path]: text }), { settings }).findings.filter((f) => f.ruleId === 'syntax-error').map((f) => /^httpd refuses to start: "(.*)" \(/.exec(f.message)?.[1]);
  const main = 'LoadModule mpm_event_module modules/mod_mpm_event.so\nLoadModule macro_module modules/mod_macro.so\n';
  // A file on its own, a missing include above, a <Macro> in a section proxylint cannot decide: the macro may be there.
  assert.deepEqual(said('/c/sites-enabled/a.conf', 'UndefMacro Site\n'), []);
  assert.deepEqual(said('/c/httpd.conf', `${main}Include /srv/macros.conf\nUndefMacro Site\n`), []);
  assert.deepEqual(said('/c/httpd.conf', `${main}<IfDefine PROD>\n<Macro Site>\n</Macro>\n</IfDefine>\nUndefMacro Site\n`), []);
  // The count of words is the line's own: httpd checks it before anything else.
  assert.deepEqual(said('/c/sites-enabled/a.conf', 'UndefMacro Site Other\n'), ['UndefMacro takes one argument, Remove a macro definition.']);
  // Dropped, then defined again: the new definition is the one Use and UndefMacro see.
  assert.deepEqual(said('/c/httpd.conf', `${main}<Macro Site $a>\n</Macro>\nUndefMacro Site\n<Macro Site>\n</Macro>\nUse Site\nUndefMacro site\nUndefMacro site\n`), [`cannot remove undefined macro 'site'`]);
  // A <Macro> with a parameter named by a Define proxylint cannot read is not checked.
  assert.deepEqual(said('/c/httpd.conf', `${main}<Macro Site \${A} \${A}>\n</Macro>\n`), []);
});

test('a <Macro> body ends at a line whose first word is </Macro>, and only a "<Macro" word nests', () => {
  const body = (text: string) => lint(text).config.all.filter((n) => n.lname === 'macro').map((n) => n.directive.section?.closed);
  assert.deepEqual(body('<Macro A>\n</Macro >\n</Macro># c\n</MACRO>\n'), [true]);
  assert.equal(lint('<Macro A>\n</Macro >\n</Macro># c\n</MACRO>\n').config.files[0].ast.problems.length, 0);
  // "<Macro>" opens no nested macro: the first </Macro> ends A, and the second has nothing to close.
  assert.deepEqual(lint('<Macro A>\n<Macro>\n</Macro>\n</Macro>\n').config.files[0].ast.problems.map((p) => p.message), ['</Macro> without matching <Macro> section: httpd refuses to start']);
  assert.equal(lint('<Macro A>\n<Macro B>\n</Macro>\n</Macro>\n').config.files[0].ast.problems.length, 0);
});

test('section nesting is checked with each body in place of its Use; a body the file ends in is named as mod_macro names it', () => {
  const errors = (text: string, files: Record<string, string> = {}) =>
    lintApache('/c/httpd.conf', text, memHost({ '/c/httpd.conf': text, ...files }), { settings: defaultSettings() })
      .findings.filter((f) => f.ruleId === 'syntax-error')
      .map((f) => `${f.path}:${f.message}`);
  const open = '<Macro Open>\n<Directory /tmp>\n</Macro>\n';
  // Loaded by apache2 -t 2.4.68 (test/servers/apache-macro-nesting.test.ts): the body opens what the file closes.
  assert.deepEqual(errors(`${open}Use Open\nHeader set X 1\n</Directory>\n`), []);
  // Refused: the first error across the bodies only, not the parser's from the file alone.
  assert.deepEqual(errors(`${open}Use Open\n</Directory>\n</Location>\n`), ['/c/httpd.conf:</Location> without matching <Location> section: httpd refuses to start']);
  // An included file is read on its own: a section a body opened there must be closed there (apache2 -t stops at
  // the first of these two).
  const inc = { '/c/site.conf': 'Use Open\n' };
  assert.deepEqual(errors(`${open}Include /c/site.conf\n</Directory>\n`, inc), [
    '/c/httpd.conf:<Directory> was not closed: httpd refuses to start',
    '/c/httpd.conf:</Directory> without matching <Directory> section: httpd refuses to start',
  ]);
  // A file with no Use of such a body keeps the parser's own findings.
  assert.deepEqual(errors('<Directory /tmp>\n'), ['/c/httpd.conf:<Directory> was not closed: httpd refuses to start']);
  const unclosed = errors('<Macro Site $x>\nHeader set X $x\n');
  assert.deepEqual(unclosed, [`/c/httpd.conf:httpd refuses to start: "macro 'site' (defined on line 1 of "/c/httpd.conf")\\n\\tcontents error: expected token not found: </Macro>" (the file ends before a </Macro> line closes this body)`]);
});
