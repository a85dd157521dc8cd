// --format github read back the way the GitHub Actions runner reads a workflow command (actions/runner,
// ActionCommand.TryParseV2 and the issue command's line/column checks), with file names and messages that hold
// the characters the command syntax uses.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { runCli } from '../helpers';
import { allFindings, runJson, show, tree } from './util';

interface Command {
  command: string;
  properties: Record<string, string>;
  data: string;
}

const unescape = (s: string, mappings: [string, string][]) => mappings.reduce((t, [token, replacement]) => t.split(replacement).join(token), s);
// In the order the runner undoes them: "%25" last, so that an escaped "%0A" ("%250A") comes back as "%0A".
const DATA: [string, string][] = [['\r', '%0D'], ['\n', '%0A'], ['%', '%25']];
const PROPERTY: [string, string][] = [['\r', '%0D'], ['\n', '%0A'], [':', '%3A'], [',', '%2C'], ['%', '%25']];

/** One line of output as the runner parses it: "::name k=v,k=v::data", split at the first "::" after the name. */
function parse(line: string): Command | undefined {
  const message = line.trimStart();
  if (!message.startsWith('::')) return undefined;
  const end = message.indexOf('::', 2);
  if (end < 0) return undefined;
  const info = message.slice(2, end);
  const space = info.indexOf(' ');
  const command = space < 0 ? info : info.slice(0, space);
  const properties: Record<string, string> = {};
  if (space > 0) {
    for (const p of info.slice(space + 1).trim().split(',').filter(Boolean)) {
      const eq = p.indexOf('=');
      if (eq > 0 && eq < p.length - 1) properties[p.slice(0, eq)] = unescape(p.slice(eq + 1), PROPERTY);
    }
  }
  return { command, properties, data: unescape(message.slice(end + 2), DATA) };
}

// A quoted value with a line break, "%" and "::" in it: the message quotes it, and the finding spans two lines.
const ODD_VALUE = `# proxylint: context location
proxy_pass "127.0.0.1:80%0A%::x\r
y";
`;
const PLAIN = `# proxylint: context location
proxy_pass 127.0.0.1:8090;
`;
const NAMES = ['a,b:c.conf', 'dir with space/x.conf', 'ünï/ça va.conf', '100%25 %0A.conf', 'colon::twice.conf', 'odd.conf'];

let dir = '';
let cleanup = () => {};
before(() => {
  ({ dir, cleanup } = tree({ '.git/HEAD': 'ref: refs/heads/main\n', ...Object.fromEntries(NAMES.map((n) => [n, n === 'odd.conf' ? ODD_VALUE : PLAIN])) }));
});
after(() => cleanup());

describe('github annotations as the runner reads them', () => {
  test('every line is one command; file, position, title and message come back exactly as the JSON report has them', () => {
    const r = runCli(['--format', 'github', ...NAMES], { cwd: dir });
    assert.equal(r.code, 1, show(r));
    const lines = r.stdout.split('\n');
    assert.equal(lines.pop(), '', 'ends with a line break');
    const { report } = runJson(NAMES, { cwd: dir });
    const expected = allFindings(report);
    assert.equal(lines.length, expected.length, show(r));
    lines.forEach((line, k) => {
      const c = parse(line);
      const f = expected[k];
      assert.ok(c, `not a workflow command: ${line}`);
      assert.equal(c.command, 'error');
      assert.equal(c.properties.file, f.path.slice(dir.length + 1), line);
      assert.equal(c.properties.title, `proxylint ${f.ruleId}`);
      assert.equal(c.data, `${f.message}\n${f.docs}`);
      assert.equal(Number(c.properties.line), f.line);
      assert.equal(Number(c.properties.endLine), f.endLine);
    });
    const odd = parse(lines[expected.findIndex((f) => f.path.endsWith('odd.conf'))])!;
    assert.match(odd.data, /"127\.0\.0\.1:80%0A%::x\r\ny"/, 'the value, with its "%0A", "%", "::" and CR LF, comes back unchanged');
  });

  test('columns only on a one-line range: the runner drops col and endColumn when line and endLine differ', () => {
    const r = runCli(['--format', 'github', 'odd.conf', 'a,b:c.conf'], { cwd: dir });
    const [odd, plain] = r.stdout.trim().split('\n').map((l) => parse(l)!.properties);
    assert.deepEqual(odd, { file: 'odd.conf', line: '2', endLine: '3', title: 'proxylint pass-scheme-mismatch' }, show(r));
    assert.deepEqual(plain, { file: 'a,b:c.conf', line: '2', col: '12', endLine: '2', endColumn: '26', title: 'proxylint pass-scheme-mismatch' });
  });
});

test('an input that could not be checked (exit 2) is an error annotation too: a missing file, a broken .proxylintrc.json', () => {
  const t = tree({ 'nginx.conf': 'events {}\nhttp {}\n', 'sub/.proxylintrc.json': '{"rules": {\n', 'sub/nginx.conf': 'events {}\nhttp {}\n' });
  try {
    const missing = runCli(['--format', 'github', 'nginx.conf', 'missing.conf'], { cwd: t.dir });
    assert.equal(missing.code, 2);
    const m = missing.stdout.split('\n').map(parse).filter((c): c is Command => !!c);
    assert.deepEqual(m.map((c) => [c.command, c.properties.file, c.properties.title, c.data]), [['error', 'missing.conf', 'proxylint: not checked', 'missing.conf: no such file or folder']]);
    const broken = runCli(['--format', 'github', 'sub/nginx.conf'], { cwd: t.dir });
    assert.equal(broken.code, 2);
    const b = broken.stdout.split('\n').map(parse).filter((c): c is Command => !!c);
    assert.equal(b.length, 1, broken.stdout);
    assert.equal(b[0].command, 'error');
    assert.equal(b[0].properties.file, 'sub/.proxylintrc.json');
    assert.match(b[0].data, /is not valid JSON/);
  } finally {
    t.cleanup();
  }
});
