// A <Macro> body that opens a section without closing it, used twice in a row, makes httpd read one section inside
// the other (mod_macro hands httpd the body in place of each Use). httpd refuses some sections inside others:
// "<Directory not allowed in <Directory> context", "<VirtualHost> cannot occur within <VirtualHost> section",
// naming the second Use ("Syntax error on line 1 of macro 'd' (defined on line …) used on line 15 of …").
// syntax-error must say so at that Use line in httpd's words, and stay silent where apache2 -t loads the file. The
// table of which section httpd refuses inside which (sectionRefused) is checked against apache2 -t pair by pair.
// proxylint-test: untimed
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { requireBinary } from '../helpers';
import { sectionRefused } from '../../server/src/core/model/apache-section-nesting';
import { apacheConfigTest, apacheConfigTestText, prepareApache } from './harness/apache';
import { lineAt, syntaxErrors } from './harness/macro';

requireBinary('apache2');

const MODULES = ['mpm_event', 'authz_core', 'macro', 'proxy'];

const ARG: Record<string, string> = {
  VirtualHost: '*:80', Directory: '/x', DirectoryMatch: '^/x', Location: '/x', LocationMatch: '^/x', Files: 'x', FilesMatch: '^x',
  Proxy: 'http://a/', ProxyMatch: '^http://a/', If: '"true"',
};
const SECTIONS = Object.keys(ARG);

/** The last line of apache2 -t's output that is no log line: its message. */
const message = (output: string) => output.trim().split('\n').filter((l) => !l.startsWith('[')).at(-1) ?? '';

test('which section httpd refuses inside which, and its words: sectionRefused agrees with apache2 -t for every pair and some chains of three', async () => {
  const failures: string[] = [];
  const chains = [...SECTIONS.flatMap((o) => SECTIONS.map((i) => [o, i])), ['Location', 'If', 'Directory'], ['Directory', 'Files', 'If', 'Location'], ['VirtualHost', 'Location', 'VirtualHost'], ['Files', 'If', 'Proxy'], ['Location', 'If', 'Files'], ['VirtualHost', 'Directory', 'Files']];
  for (const chain of chains) {
    const text = chain.map((s) => `<${s} ${ARG[s]}>`).join('\n') + '\n' + [...chain].reverse().map((s) => `</${s}>`).join('\n') + '\n';
    const t = await apacheConfigTestText(text, { modules: MODULES });
    // Only the innermost section is new: the outer ones are pairs checked on their own.
    const verdict = sectionRefused(chain.at(-1)!, chain.slice(0, -1));
    const httpd = t.ok ? undefined : message(t.output);
    if (httpd !== verdict?.says) failures.push(`${chain.join(' > ')}: httpd ${JSON.stringify(httpd)}, table ${JSON.stringify(verdict?.says)}`);
  }
  assert.deepEqual(failures, []);
});

const DIR = '<Macro D>\n<Directory /x>\n</Macro>\n';

/** [what, configuration, httpd's words]: apache2 -t refuses these, naming the Use the rule reports. */
const REFUSED: [string, string, string][] = [
  ['a body that opens <Directory>, used twice in a row', `${DIR}Use D\nUse D\n</Directory>\n</Directory>\n`, '<Directory not allowed in <Directory> context'],
  ['a body that opens <VirtualHost>, used twice in a row', '<Macro V>\n<VirtualHost *:80>\n</Macro>\nUse V\nUse V\n</VirtualHost>\n</VirtualHost>\n', '<VirtualHost> cannot occur within <VirtualHost> section'],
  ['a body that opens <Location $p>, used twice with two paths', '<Macro L $p>\n<Location $p>\n</Macro>\nUse L /a\nUse L /b\n</Location>\n</Location>\n', '<Location not allowed in <Location> context'],
  ['a body that opens <Files> after one that opens <Location>', '<Macro L>\n<Location /a>\n</Macro>\n<Macro F>\n<Files x>\n</Macro>\nUse L\nUse F\n</Files>\n</Location>\n', '<Files> cannot occur within <Location> section'],
  ['a body that opens <Directory> inside a <Location> of the file', `${DIR}<Location /a>\nUse D\n</Directory>\n</Location>\n`, '<Directory not allowed in <Location> context'],
  ['a macro whose body uses the <Directory> one, used twice', `${DIR}<Macro W>\nUse D\n</Macro>\nUse W\nUse W\n</Directory>\n</Directory>\n`, '<Directory not allowed in <Directory> context'],
];

/** Configurations apache2 -t loads: no syntax-error. */
const LOADED: [string, string][] = [
  ['the <Directory> body used twice, closed after each Use', `${DIR}Use D\n</Directory>\nUse D\n</Directory>\n`],
  ['a body that opens <Files>, used twice in a row', '<Macro F>\n<Files x>\n</Macro>\nUse F\nUse F\n</Files>\n</Files>\n'],
  ['a body that opens <If>, used twice in a row', '<Macro I>\n<If "true">\n</Macro>\nUse I\nUse I\n</If>\n</If>\n'],
  ['the <Directory> body inside a <VirtualHost>', `${DIR}<VirtualHost *:80>\nUse D\n</Directory>\n</VirtualHost>\n`],
  ['a body that opens <Location>, used in two virtual hosts', '<Macro L>\n<Location /a>\n</Macro>\nListen 81\n<VirtualHost *:80>\nUse L\n</Location>\n</VirtualHost>\n<VirtualHost *:81>\nUse L\n</Location>\n</VirtualHost>\n'],
  ['a body that opens <Files> inside a <Directory> of the file', '<Macro F>\n<Files x>\n</Macro>\n<Directory /a>\nUse F\n</Files>\n</Directory>\n'],
];

/** The line of the file apache2 -t names for an error in a body: the last "used on line N" of the file. */
const usedOn = (output: string) => Number([...output.matchAll(/used on line (\d+) of "\//g)].at(-1)?.[1]);

test('a body that puts one section inside another that httpd refuses: syntax-error at the Use httpd names, in its words (real apache2 -t)', async () => {
  const failures: string[] = [];
  for (const [name, body, says] of REFUSED) {
    const setup = await prepareApache(body, { modules: MODULES });
    try {
      const t = apacheConfigTest(setup);
      const found = syntaxErrors(setup);
      if (t.ok || message(t.output) !== says) failures.push(`${name}: apache2 -t said ${JSON.stringify(t.output.trim())}, expected ${says}`);
      if (found.length !== 1) {
        failures.push(`${name}: ${found.length} findings (${found.map((f) => f.message).join(' | ')})`);
        continue;
      }
      if (!found[0].message.startsWith(`${says}: httpd refuses to start`)) failures.push(`${name}: ${found[0].message}`);
      const line = lineAt(setup.text, found[0].start);
      if (line !== usedOn(t.output)) failures.push(`${name}: reported on line ${line}, httpd names line ${usedOn(t.output)}: ${t.output.trim()}`);
    } finally {
      setup.cleanup();
    }
  }
  assert.deepEqual(failures, []);
});

test('where apache2 -t loads the sections a body opens, syntax-error says nothing (real apache2 -t)', async () => {
  const failures: string[] = [];
  for (const [name, body] of LOADED) {
    const setup = await prepareApache(body, { modules: MODULES });
    try {
      const t = apacheConfigTest(setup);
      if (!t.ok) failures.push(`${name}: apache2 -t refused it: ${t.output.trim()}`);
      const found = syntaxErrors(setup);
      if (found.length) failures.push(`${name}: ${found.map((f) => f.message).join(' | ')}`);
    } finally {
      setup.cleanup();
    }
  }
  assert.deepEqual(failures, []);
});

test('a body that opens <Directory>, used twice and never closed: httpd stops at the unclosed section first, and so does the rule (real apache2 -t)', async () => {
  const setup = await prepareApache(`${DIR}Use D\nUse D\n`, { modules: MODULES });
  try {
    const t = apacheConfigTest(setup);
    assert.ok(!t.ok && t.output.includes('<Directory> was not closed.'), t.output);
    const found = syntaxErrors(setup);
    assert.deepEqual(found.map((f) => f.message), ['<Directory> was not closed: httpd refuses to start']);
  } finally {
    setup.cleanup();
  }
});
