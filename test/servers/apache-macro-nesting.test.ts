// httpd reads a Use as if the macro's body stood in its place: mod_macro hands httpd the body's lines, then the file's
// again, all in one stream. So a body may open a section the file closes after the Use, or close one the file opened
// before it, and apache2 -t loads that (with a warning, AH02795 "bad cumulated nesting"). syntax-error must not report
// the section nesting of such a file from the file alone, and must still report where httpd stops across the bodies.
// proxylint-test: untimed
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { requireBinary } from '../helpers';
import { apacheConfigTest, prepareApache } from './harness/apache';
import { join } from 'node:path';
import { lintApache } from '../../server/src/core/lint-apache';
import { defaultSettings } from '../../server/src/core/settings';
import { memHost } from '../helpers';
import { httpdLine, lineAt } from './harness/macro';

requireBinary('apache2');

const MODULES = ['mpm_event', 'authz_core', 'macro', 'headers'];

/** syntax-error's findings on a prepared configuration and the files it includes. */
const syntaxErrors = (setup: { confPath: string; dir: string; text: string }, files: Record<string, string> = {}) => {
  const all = { [setup.confPath]: setup.text, ...Object.fromEntries(Object.entries(files).map(([p, t]) => [join(setup.dir, p), t])) };
  return lintApache(setup.confPath, setup.text, memHost(all), { settings: defaultSettings() }).findings.filter((f) => f.ruleId === 'syntax-error');
};

const OPEN = '<Macro Open>\n<Directory /tmp>\n</Macro>\n';
const CLOSE = '<Macro Close>\n</Directory>\n</Macro>\n';

/** Configurations apache2 -t loads (with the files they include, in the same folder). */
const LOADED: [string, string, Record<string, string>?][] = [
  ['a body opens a section the file closes after the Use', `${OPEN}Use Open\n  Header set X 1\n</Directory>\n`],
  ['a body closes a section the file opened before the Use', `${CLOSE}<Directory /tmp>\n  Header set X 1\nUse Close\n`],
  ['a body opens a section inside a <VirtualHost>, closed before it', `${OPEN}<VirtualHost *:80>\nUse Open\n</Directory>\n</VirtualHost>\n`],
  ['a body closes one section and opens the next', '<Macro Between $p>\n</Directory>\n<Directory $p>\n</Macro>\n<Directory /tmp>\nUse Between /var\n</Directory>\n'],
  ['a body that opens a section, used by another body', `${OPEN}<Macro Wrap>\nUse Open\n</Macro>\nUse Wrap\n  Header set X 1\n</Directory>\n`],
  ['a body closes an <IfModule> that holds', '<Macro EndIf>\n</IfModule>\n</Macro>\n<IfModule headers_module>\nUse EndIf\n'],
  ['two Uses, each closed after it', '<Macro Open $p>\n<Location $p>\n</Macro>\n<VirtualHost *:80>\nUse Open /a\n  Header set X 1\n</Location>\nUse Open /b\n</Location>\n</VirtualHost>\n'],
  ['a body that opens a section and is never used', `${OPEN}`],
  ['a body used in an included file opens a section that file closes', `${OPEN}Include site.conf\n`, { 'site.conf': 'Use Open\n</Directory>\n' }],
];

/** Configurations apache2 -t refuses for their section nesting across the bodies. */
const REFUSED: [string, string, Record<string, string>?][] = [
  ['a body closes a section other than the one open', '<Macro Close>\n</Location>\n</Macro>\n<Directory /tmp>\nUse Close\n'],
  ['a body opens a section the file never closes', `${OPEN}Use Open\n`],
  ['a body closes a section with none open', `${CLOSE}Use Close\n`],
  ['the file closes the wrong section after a body opened one', `${OPEN}Use Open\n</Location>\n`],
  ['the file closes its own section before the one a body opened', `${OPEN}<VirtualHost *:80>\nUse Open\n</VirtualHost>\n`],
  ['a closing tag too many after a body opened a section', `${OPEN}Use Open\n</Directory>\n</Location>\n`],
  ['a section the file opens after a balanced Use, never closed', `${OPEN}Use Open\n</Directory>\n<Directory /var>\n`],
  // httpd reads an included file on its own: what a body opens there is not closed by the file that includes it.
  ['a body used in an included file opens a section only the including file closes', `${OPEN}<Directory /var>\nInclude site.conf\n</Directory>\n`, { 'site.conf': 'Use Open\n' }],
];

test('a body that opens or closes a section the file closes or opened gets no syntax-error where apache2 -t loads it (real apache2 -t)', async () => {
  const failures: string[] = [];
  for (const [name, body, files] of LOADED) {
    const setup = await prepareApache(body, { modules: MODULES, files });
    try {
      const t = apacheConfigTest(setup);
      const found = syntaxErrors(setup, files).map((f) => `${f.path}:${lineAt(setup.text, f.start)}: ${f.message}`);
      if (!t.ok) failures.push(`${name}: apache2 -t refused it: ${t.output.trim()}`);
      if (found.length) failures.push(`${name}: ${found.join(' | ')}`);
    } finally {
      setup.cleanup();
    }
  }
  assert.deepEqual(failures, []);
});

test('where the nesting across the bodies makes apache2 -t refuse it, syntax-error says so once at the line httpd names, in its words (real apache2 -t)', async () => {
  const failures: string[] = [];
  for (const [name, body, files] of REFUSED) {
    const setup = await prepareApache(body, { modules: MODULES, files });
    try {
      const t = apacheConfigTest(setup);
      const found = syntaxErrors(setup, files);
      if (t.ok) {
        failures.push(`${name}: apache2 -t accepted it`);
        continue;
      }
      if (found.length !== 1) {
        failures.push(`${name}: ${found.length} findings (${found.map((f) => `line ${lineAt(setup.text, f.start)}: ${f.message}`).join(' | ')}); httpd: ${t.output.trim()}`);
        continue;
      }
      // The parser's words are httpd's up to its ": httpd refuses to start" ("<Directory> was not closed." ends in a dot).
      const said = found[0].message.replace(/: httpd refuses to start$/, '');
      if (!t.output.includes(said)) failures.push(`${name}\n  httpd: ${t.output.trim()}\n  rule:  ${found[0].message}`);
      const got = lineAt(setup.text, found[0].start);
      if (found[0].path !== setup.confPath) failures.push(`${name}: reported in ${found[0].path}: ${t.output.trim()}`);
      else if (got !== httpdLine(t.output)) failures.push(`${name}: reported on line ${got}, httpd names line ${httpdLine(t.output)}: ${t.output.trim()}`);
    } finally {
      setup.cleanup();
    }
  }
  assert.deepEqual(failures, []);
});
