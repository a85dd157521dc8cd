// mod_macro refuses some Use lines while httpd reads the configuration, and httpd does not start: a macro that uses
// itself (directly or through another), a Use of a name no <Macro> above defines, a Use with no name, one with more or
// fewer values than the macro has parameters. syntax-error must report each at the line apache2 -t names, quoting its
// words, and stay quiet where apache2 -t loads the configuration (an unused macro that uses itself, a macro body that
// uses a macro defined after it but before the Use).
// proxylint-test: untimed
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintApache } from '../../server/src/core/lint-apache';
import { defaultSettings } from '../../server/src/core/settings';
import { memHost, requireBinary } from '../helpers';
import { apacheConfigTest, prepareApache } from './harness/apache';
import { refusedLikeHttpd, syntaxErrors } from './harness/macro';

requireBinary('apache2');

const MODULES = ['mpm_event', 'authz_core', 'macro'];

const TWO = '<Macro Two $a $b>\n  Header set X-$a $b\n</Macro>\n';
/** Each refused configuration (after the harness's head), and the line (1-based, within the text) that apache2 -t blames. */
const REFUSED: [string, string][] = [
  ['itself', '<Macro Loop $x>\n  Use Loop $x\n</Macro>\nUse Loop a\n'],
  ['itself, other case', '<Macro LOOP $x>\n  use loop $x\n</Macro>\nUse Loop a\n'],
  ['through another', '<Macro A $x>\n  Use B $x\n</Macro>\n<Macro B $y>\n  Use A $y\n</Macro>\nUse A a\n'],
  ['itself, with the wrong count', '<Macro Loop $x>\n  Use Loop\n  Header set X-$x 1\n</Macro>\nUse Loop a\n'],
  ['no macro at all', 'Use Nope a\n'],
  ['used before its <Macro>', `Use Two a b\n${TWO}`],
  ['undefined name', `${TWO}Use Nope a\n`],
  ['dropped by UndefMacro', `${TWO}UndefMacro Two\nUse Two a b\n`],
  ['no name', `${TWO}Use\n`],
  ['too few values', `${TWO}Use Two a\n`],
  ['too many values', `${TWO}Use Two a b c\n`],
  ['a quoted value is one', `${TWO}Use Two "a b"\n`],
  ['in a virtual host', `${TWO}<VirtualHost *:80>\n  Use Two a\n</VirtualHost>\n`],
  ['undefined, inside a body', `<Macro Outer $a>\n  Use Nope $a\n</Macro>\nUse Outer a\n`],
];

const LOADED: [string, string][] = [
  ['an unused macro that uses itself', '<Macro Loop $x>\n  Use Loop $x\n</Macro>\n'],
  ['a body using a macro defined after it, before the Use', '<Macro A $a>\n  Use B $a\n</Macro>\n<Macro B $a>\n  Header set X-$a 1\n</Macro>\nUse A x\n'],
  ['the right count, in any case', `${TWO}use two a "b"\nUse TWO d e\n`],
  ['a Use in an <IfDefine> that is not defined', '<IfDefine NOPE>\n  Use Nope a\n</IfDefine>\n'],
];

test('each Use that mod_macro refuses is reported at the line apache2 -t names, with its words (real apache2 -t)', async () => {
  const failures: string[] = [];
  for (const [name, body] of REFUSED) failures.push(...(await refusedLikeHttpd(name, body, MODULES)));
  assert.deepEqual(failures, []);
});

test('configurations apache2 -t loads get no macro finding (real apache2 -t)', async () => {
  for (const [name, body] of LOADED) {
    const setup = await prepareApache(body, { modules: [...MODULES, 'headers'] });
    try {
      const t = apacheConfigTest(setup);
      assert.ok(t.ok, `${name}: ${t.output}`);
      assert.deepEqual(syntaxErrors(setup).map((f) => f.message), [], name);
    } finally {
      setup.cleanup();
    }
  }
});

test('what proxylint cannot see keeps it quiet about undefined macros, never about the ones it sees', () => {
  const settings = defaultSettings();
  const lint = (path: string, text: string, files: Record<string, string> = {}) =>
    lintApache(path, text, memHost({ [path]: text, ...files }), { settings }).findings.filter((f) => f.ruleId === 'syntax-error').map((f) => /^httpd refuses to start: "(.*)" \(/.exec(f.message)?.[1]);
  const main = 'LoadModule mpm_event_module modules/mod_mpm_event.so\nLoadModule macro_module modules/mod_macro.so\n';
  // A vhost file on its own: the macro may come from the main configuration that includes it.
  assert.deepEqual(lint('/c/sites-enabled/a.conf', 'Use Site a\n'), []);
  // A missing include, a <Macro> in an <IfDefine> proxylint cannot decide, a Use whose name is a variable.
  assert.deepEqual(lint('/c/httpd.conf', `${main}Include /srv/macros.conf\nUse Site a\n`), []);
  assert.deepEqual(lint('/c/httpd.conf', `${main}<IfDefine PROD>\n<Macro Site $a>\n</Macro>\n</IfDefine>\nUse Other a\n`), []);
  assert.deepEqual(lint('/c/httpd.conf', `${main}${TWO}Use \${NAME} a\n`), []);
  // A hole after the <Macro> may redefine it: its count is not checked then; before it, it is.
  assert.deepEqual(lint('/c/httpd.conf', `${main}${TWO}Include /srv/macros.conf\nUse Two a\n`), []);
  assert.deepEqual(lint('/c/httpd.conf', `${main}Include /srv/macros.conf\n${TWO}Use Two a\n`), [`macro 'two' (defined on line 4 of "/c/httpd.conf") used with 1 arguments instead of 2`]);
  // A macro found in an included file counts as defined there.
  assert.deepEqual(lint('/c/httpd.conf', `${main}Include macros.conf\nUse Two a b\nUse Nope\n`, { '/c/macros.conf': TWO }), [`macro 'nope' undefined`]);
  // A Use in a section httpd may not read, and one without mod_macro loaded (httpd stops at the name instead).
  assert.deepEqual(lint('/c/httpd.conf', `${main}<IfModule nope_module>\nUse Nope a\n</IfModule>\n<IfDefine X>\nUse Nope\n</IfDefine>\n`), []);
  assert.deepEqual(lint('/c/httpd.conf', 'LoadModule mpm_event_module modules/mod_mpm_event.so\nUse Nope a\n'), []);
  // A body's error is reported once however many Uses expand it.
  assert.deepEqual(lint('/c/httpd.conf', `${main}<Macro Outer $a>\n  Use Nope $a\n</Macro>\nUse Outer a\nUse Outer b\n`), [`macro 'nope' undefined`]);
});
