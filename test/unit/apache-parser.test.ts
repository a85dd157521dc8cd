import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseApache } from '../../server/src/core/syntax/apache/parser';
import { LineIndex } from '../../server/src/core/text';
import { apacheTest, seededRandom, tempTree } from '../helpers';

const lineOf = (text: string, offset: number) => new LineIndex(text).positionAt(offset).line + 1;

test('directives, quoted and unquoted arguments, case-insensitive names', () => {
  const text = 'ProxyPass "/app/" http://127.0.0.1:8080/ timeout=5\nPROXYTIMEOUT 30\nHeader set X-A "a \\"quoted\\" b"\n';
  const ast = parseApache(text);
  assert.deepEqual(ast.problems, []);
  assert.deepEqual(ast.directives.map((d) => d.lname), ['proxypass', 'proxytimeout', 'header']);
  const [pp, pt, h] = ast.directives;
  assert.deepEqual(pp.args.map((a) => [a.value, a.quote]), [['/app/', '"'], ['http://127.0.0.1:8080/', null], ['timeout=5', null]]);
  assert.equal(text.slice(pp.args[0].start, pp.args[0].end), '"/app/"');
  assert.equal(pt.name, 'PROXYTIMEOUT');
  assert.equal(h.args[2].value, 'a "quoted" b');
});

test('sections nest, and the closing tag ends the section', () => {
  const text = '<VirtualHost *:80>\n  <Location "/x">\n    ProxyPass http://b/\n  </Location>\n</VirtualHost>\n';
  const ast = parseApache(text);
  assert.deepEqual(ast.problems, []);
  const vh = ast.directives[0];
  assert.equal(vh.lname, 'virtualhost');
  assert.deepEqual(vh.args.map((a) => a.value), ['*:80']);
  const loc = vh.section!.children[0];
  assert.equal(loc.args[0].value, '/x');
  assert.equal(loc.section!.children[0].parent, loc);
  assert.ok(vh.section!.closed && loc.section!.closed);
  assert.equal(vh.end, text.lastIndexOf('>') + 1);
});

test('mismatched, stray and missing closers are reported where httpd names them, and parsing recovers', () => {
  const mismatched = parseApache('<VirtualHost *:80>\n<Location /x>\n</Directory>\nServerName a\n</VirtualHost>\n');
  assert.equal(mismatched.problems.length, 1);
  assert.match(mismatched.problems[0].message, /Expected <\/Location> but saw <\/Directory>/);
  assert.equal(lineOf('<VirtualHost *:80>\n<Location /x>\n</Directory>\n', mismatched.problems[0].start), 3);
  assert.equal(mismatched.directives[0].section!.children.map((c) => c.lname).join(), 'location,servername');

  const stray = parseApache('ServerName a\n</VirtualHost>\n');
  assert.match(stray.problems[0].message, /<\/VirtualHost> without matching <VirtualHost> section/);

  const text = 'ServerName a\n<VirtualHost *:80>\nServerName b\n';
  const unclosed = parseApache(text);
  assert.match(unclosed.problems[0].message, /<VirtualHost> was not closed/);
  assert.equal(lineOf(text, unclosed.problems[0].start), 2, 'httpd names the line of the opening tag');

  const cond = parseApache('<IfModule mod_ssl.c>\nSSLEngine on\n');
  assert.match(cond.problems[0].message, /never closed.*whenever its condition is false/);

  const noGt = parseApache('<VirtualHost *:80\n</VirtualHost>\n');
  assert.match(noGt.problems[0].message, /<VirtualHost> directive missing closing '>'/);
});

test('backslash continuations join lines, and positions stay on the right physical line', () => {
  const text = 'ProxyPass /a \\\n    http://127.0.0.1:8080/ \\\n  timeout=5\nProxyTimeout 30\n';
  const ast = parseApache(text);
  assert.deepEqual(ast.problems, []);
  assert.equal(ast.directives.length, 2);
  const [pp, pt] = ast.directives;
  assert.deepEqual(pp.args.map((a) => a.value), ['/a', 'http://127.0.0.1:8080/', 'timeout=5']);
  assert.deepEqual(pp.args.map((a) => lineOf(text, a.start)), [1, 2, 3]);
  assert.equal(text.slice(pp.args[2].start, pp.args[2].end), 'timeout=5');
  assert.equal(lineOf(text, pt.start), 4);
  // A word split by a continuation spans both lines.
  const split = parseApache('Header set X ab\\\ncd\n');
  assert.equal(split.directives[0].args[2].value, 'abcd');
  // "\\" before the line break is not a continuation; "\ " is not either.
  assert.equal(parseApache('A x\\\\\nB y\n').directives.length, 2);
  assert.equal(parseApache('A x\\ \nB y\n').directives.length, 2);
});

test('comments start only at the beginning of a line; a # after a directive is an argument', () => {
  const text = '# a comment\n  # indented\nTimeout 60 # not a comment\n# continued \\\nProxyPass /b bad\n';
  const ast = parseApache(text);
  assert.deepEqual(ast.comments.map((c) => c.text.trim()), ['a comment', 'indented', 'continued ProxyPass /b bad']);
  assert.deepEqual(ast.directives.map((d) => d.lname), ['timeout']);
  assert.deepEqual(ast.directives[0].args.map((a) => a.value), ['60', '#', 'not', 'a', 'comment']);
});

test('<Macro> bodies are kept as text until their </Macro>', () => {
  const ast = parseApache('<Macro VHost $name>\n<VirtualHost *:80>\nServerName $name\n</Macro>\nUse VHost a\n');
  assert.deepEqual(ast.problems, []);
  assert.equal(ast.directives[0].section!.opaque, true);
  assert.deepEqual(ast.directives.map((d) => d.lname), ['macro', 'use']);
});

test('never throws and never hangs on hostile input', () => {
  const inputs = ['', '<', '</', '<>', '"', "'unterminated", '\\', '\\\n', '<A\n<B\n<C', '</A></B>', '\u0000\uffff', '#\\', 'A "b\\"', '<Macro x>\n<Macro y>\n', 'x'.repeat(100000), '<A>\n'.repeat(5000)];
  for (const t of inputs) {
    const started = Date.now();
    const ast = parseApache(t);
    assert.ok(Array.isArray(ast.directives));
    assert.ok(Date.now() - started < 2000, `slow on ${JSON.stringify(t.slice(0, 20))}`);
  }
  const rnd = seededRandom(7);
  const alphabet = ['<', '>', '/', '"', "'", '\\', '\n', ' ', '#', 'A', 'Proxy', 'IfModule', '=', '\r'];
  for (let k = 0; k < 300; k++) {
    let t = '';
    for (let j = 0; j < 200; j++) t += alphabet[Math.floor(rnd() * alphabet.length)];
    const ast = parseApache(t);
    for (const p of ast.problems) assert.ok(p.start >= 0 && p.end <= t.length && p.start <= p.end);
  }
});

test('a closing tag is the first word of its line and must end in ">", as httpd reads it (apache2 -t agrees)', () => {
  // What apache2 2.4.71 -t says for each closer after <Proxy balancer://x>; undefined: Syntax OK.
  const cases: [string, string | undefined][] = [
    ['</Proxy', "</Proxy> directive missing closing '>'"],
    ['</Proxy >', "</Proxy> directive missing closing '>'"],
    ['</Proxy\t>', "</Proxy> directive missing closing '>'"],
    ['</Proxy>junk', "</Proxy>junk> directive missing closing '>'"],
    ['</Proxy>>', 'Expected </Proxy> but saw </Proxy>>'],
    ['</Proxy> junk', undefined],
    ['</proxy>', undefined],
  ];
  const t = tempTree({});
  try {
    for (const [closer, says] of cases) {
      const text = `<Proxy balancer://x>\nBalancerMember http://127.0.0.1:1\n${closer}\nProxyPass /a balancer://x/\n`;
      writeFileSync(join(t.dir, 'site.conf'), text);
      const real = apacheTest(join(t.dir, 'site.conf'));
      assert.equal(real.ok, says === undefined, `${closer}: ${real.output}`);
      if (says) assert.ok(real.output.includes(`line 3 of ${join(t.dir, 'site.conf')}: ${says}`), `${closer}: ${real.output}`);
    }
  } finally {
    t.cleanup();
  }
  for (const [closer, says] of cases) {
    const text = `<Proxy balancer://x>\nBalancerMember http://127.0.0.1:1\n${closer}\nProxyPass /a balancer://x/\n`;
    const ast = parseApache(text);
    if (says === undefined) {
      assert.deepEqual(ast.problems, [], closer);
      continue;
    }
    assert.equal(ast.problems.length, 1, `${closer}: ${JSON.stringify(ast.problems)}`);
    assert.ok(ast.problems[0].message.startsWith(`${says}: httpd refuses to start`), `${closer}: ${ast.problems[0].message}`);
    assert.equal(lineOf(text, ast.problems[0].start), 3);
    // The section still ends there, so the lines after it keep their place while the user fixes the tag.
    assert.deepEqual(ast.directives.map((d) => d.lname), ['proxy', 'proxypass'], closer);
  }
});
