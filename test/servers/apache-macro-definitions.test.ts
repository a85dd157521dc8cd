// mod_macro also refuses some <Macro> and UndefMacro lines, and httpd does not start: a <Macro> with no name, an empty
// parameter name, the same parameter twice, a body with no </Macro> before the end of the file; an UndefMacro with no <Macro> before it, of a macro not defined (or
// dropped already), or without exactly one word. syntax-error must report each at the line apache2 -t names, quoting
// its words, and agree with apache2 -t where it only warns (a macro defined again, a parameter without $, % or @, one
// that is the start of another, an empty body) or reads the body's end differently from the other sections.
// proxylint-test: untimed
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { requireBinary } from '../helpers';
import { apacheConfigTest, prepareApache } from './harness/apache';
import { httpdLine, lineAt, refusedLikeHttpd, syntaxErrors } from './harness/macro';

requireBinary('apache2');

const MODULES = ['mpm_event', 'authz_core', 'macro', 'headers'];

const TWO = '<Macro Two $a $b>\n  Header set X-$a $b\n</Macro>\n';
/**
 * Each refused configuration (after the harness's head). `line: false` where httpd's line number is not the line the
 * finding starts on: a tag continued onto the next line (httpd counts its last line), a body with a comment line
 * (httpd counts the body's lines without it); the quoted words carry those numbers instead.
 */
const REFUSED: [string, string, { line: false }?][] = [
  ['UndefMacro with no <Macro> before it', 'UndefMacro Nope\n'],
  ['UndefMacro of a name never defined', `${TWO}UndefMacro Nope\n`],
  ['UndefMacro of a macro dropped already, other case', `${TWO}UndefMacro Two\nUndefMacro two\n`],
  ['UndefMacro alone', `${TWO}UndefMacro\n`],
  ['UndefMacro alone, no <Macro> before it', 'UndefMacro\n'],
  ['UndefMacro with two names', `${TWO}UndefMacro Two Three\n`],
  ['UndefMacro with an empty name', `${TWO}UndefMacro ""\n`],
  ['UndefMacro with a "# comment"', `${TWO}UndefMacro Two # done with it\n`],
  ['UndefMacro of no macro, in a body', '<Macro Drop>\n  UndefMacro Nope\n</Macro>\nUse Drop\n'],
  ['Use after an UndefMacro in a body', `${TWO}<Macro Drop>\n  UndefMacro Two\n</Macro>\nUse Drop\nUse Two a b\n`],
  ['<Macro> with no name', '<Macro>\n  Header set X 1\n</Macro>\n'],
  ['<Macro> with spaces only', '<Macro    >\n  Header set X 1\n</Macro>\n'],
  ['<Macro> with an empty name', '<Macro "">\n  Header set X 1\n</Macro>\n'],
  ['an empty parameter name', '<Macro Site $host "">\n  Header set X $host\n</Macro>\n'],
  ['the same parameter twice', '<Macro Site $host $port $host>\n  Header set X-$host $port\n</Macro>\n'],
  ['the same parameter twice, an empty one between', '<Macro Site $host "" $host>\n  Header set X $host\n</Macro>\n'],
  ['the same parameter twice, after a flag', '<Macro Site /IgnoreEmptyArgs $host $host>\n  Header set X $host\n</Macro>\n'],
  ['the same parameter twice, on a continued tag', '<Macro Site \\\n    $host $host>\n  Header set X $host\n</Macro>\n', { line: false }],
  ['the same parameter twice, in a body a Use expands', '<Macro Outer>\n  <Macro Inner $y $y>\n    Header set X $y\n  </Macro>\n</Macro>\nUse Outer\n'],
  ['the same parameter twice, after a comment in the body', '<Macro Outer $n>\n  # inner macros\n\n  <Macro Inner$n $y $y>\n    Header set X $y\n  </Macro>\n</Macro>\nUse Outer 1\n', { line: false }],
  ['a <Macro> the file ends in', '<Macro Site $x>\n  Header set X $x\n'],
  ['a <Macro> the file ends in, after a Use of another', `${TWO}Use Two a b\n<Macro Site $x>\n  Header set X $x\n`],
  ['a <Macro> whose nested <Macro> takes the only </Macro>', '<Macro Outer>\n  <Macro Inner $y>\n    Header set X $y\n</Macro>\n'],
  ['a <Macro> closed only by "</Macro >"', '<Macro Site $x>\n  Header set X $x\n</Macro >\n'],
  ['a <Macro> on a continued tag the file ends in', '<Macro Site \\\n    $x>\n  Header set X $x\n', { line: false }],
  ['too many values for a macro defined in a body', '<Macro Outer>\n  # its own macro\n  <Macro Inner $y>\n    Header set X $y\n  </Macro>\n  Use Inner 1 2\n</Macro>\nUse Outer\n', { line: false }],
];

/**
 * Refused configurations the parser reports, in its own words: what matters is that it reports the line httpd names,
 * and nothing above it (httpd stops at its first error; what comes after may be the next one it would meet).
 */
const REFUSED_BY_PARSER: [string, string][] = [
  ['"<Macro>" in a body opens no nested macro', '<Macro Site $x>\n<Macro>\n  Header set X $x\n</Macro>\n</Macro>\n'],
  ['a half-typed "<Macro"', '<Macro\n'],
  ['a half-typed "<Macro Site"', '<Macro Site\n  Header set X 1\n</Macro>\n'],
];

/** Configurations apache2 -t loads, and the warning it prints about the macro, when there is one. */
const LOADED: [string, string, string?][] = [
  ['UndefMacro, then a <Macro> of that name with other parameters', `${TWO}Use Two a b\nUndefMacro TWO\n<Macro Two $x>\n  Header set X-$x 1\n</Macro>\nUse Two c\n`],
  ['UndefMacro of a macro defined by a Use', '<Macro Make $n>\n  <Macro Made$n>\n    Header set X-$n 1\n  </Macro>\n</Macro>\nUse Make 1\nUse Made1\nUndefMacro made1\n'],
  ['UndefMacro in an <IfDefine> that is not defined', '<IfDefine NOPE>\n  UndefMacro Nope\n</IfDefine>\n'],
  ['flags are not parameters', '<Macro Site /IgnoreEmptyArgs /ignorebadnesting $host>\n  Header set X-$host 1\n</Macro>\nUse Site ""\n'],
  ['a macro defined again', `${TWO}<Macro two $a>\n  Header set X-$a 1\n</Macro>\nUse Two a\n`, 'AH02802'],
  ['a parameter without $, % or @', '<Macro Site host>\n  Header set X host\n</Macro>\nUse Site a\n', 'AH02796'],
  ['a parameter that is the start of another', '<Macro Site $h $host>\n  Header set X-$h $host\n</Macro>\nUse Site a b\n', 'AH02797'],
  ['an empty body', '<Macro Nothing>\n</Macro>\nUse Nothing\n', 'AH02799'],
  ['"</Macro >" and "</Macro>#" inside a body', '<Macro Site $x>\n  Header set X $x\n</Macro >\n</Macro># not the end\n</Macro>\n', 'AH02793'],
];

test('each <Macro> and UndefMacro line that mod_macro refuses is reported at the line apache2 -t names, with its words (real apache2 -t)', async () => {
  const failures: string[] = [];
  for (const [name, body, opts] of REFUSED) failures.push(...(await refusedLikeHttpd(name, body, MODULES, opts?.line !== false)));
  assert.deepEqual(failures, []);
});

test('where the parser reports what mod_macro refuses, it reports the line apache2 -t names (real apache2 -t)', async () => {
  const failures: string[] = [];
  for (const [name, body] of REFUSED_BY_PARSER) {
    const setup = await prepareApache(body, { modules: MODULES });
    try {
      const t = apacheConfigTest(setup);
      const lines = syntaxErrors(setup).map((f) => lineAt(setup.text, f.start));
      if (t.ok) failures.push(`${name}: apache2 -t accepted it`);
      else if (!lines.includes(httpdLine(t.output)) || lines.some((l) => l < httpdLine(t.output))) failures.push(`${name}: findings on lines ${lines.join(', ') || 'none'}; httpd: ${t.output.trim()}`);
    } finally {
      setup.cleanup();
    }
  }
  assert.deepEqual(failures, []);
});

test('what apache2 -t loads, warning or not, gets no syntax-error (real apache2 -t)', async () => {
  const failures: string[] = [];
  for (const [name, body, warning] of LOADED) {
    const setup = await prepareApache(body, { modules: MODULES });
    try {
      const t = apacheConfigTest(setup);
      const found = syntaxErrors(setup).map((f) => f.message);
      if (!t.ok) failures.push(`${name}: apache2 -t refused it: ${t.output.trim()}`);
      // httpd only warns about these: no rule of proxylint's says the same, so nothing is reported.
      if (warning && !t.output.includes(warning)) failures.push(`${name}: apache2 -t printed no ${warning}: ${t.output.trim()}`);
      if (!warning && /AH0(279\d|280\d)/.test(t.output)) failures.push(`${name}: apache2 -t warned: ${t.output.trim()}`);
      if (found.length) failures.push(`${name}: ${found.join(' | ')}`);
    } finally {
      setup.cleanup();
    }
  }
  assert.deepEqual(failures, []);
});
