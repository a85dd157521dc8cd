// proxylint vs the real `nginx -t` (Debian nginx 1.22.1) on small configs written here, not taken from the corpus.
//
// For every case both run on the same temporary folder, and they must agree:
//   * nginx accepts  <=>  proxylint reports no error-severity finding from syntax-error / include-*;
//   * when nginx rejects with "... in <file>:<N>", proxylint reports such an error on line N of <file>,
//     except in the documented cases where proxylint deliberately points at the real mistake instead and
//     carries nginx's line as a related location (`elsewhere` below; the related location is checked):
//       - an unterminated quote: proxylint reports the opening quote, nginx the end of the file;
//       - a missing ";" (before a "}" on a later line, or before the next directive, or a block directive
//         without "{"): proxylint reports the word the ";" belongs after, nginx the place the statement ends.
// Each case also states what nginx does (`nginx: 'accepts' | 'rejects'`), so a surprise from nginx shows up as
// a failing row to be re-encoded rather than as silent agreement. Lua blocks are left out: Debian's plain
// nginx has no lua module.
// proxylint-test: untimed
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Finding } from '../../server/src/core/finding';
import { lintNginx } from '../../server/src/core/lint';
import { defaultSettings } from '../../server/src/core/settings';
import { createNodeHost } from '../../server/src/node/node-host';
import { lintText, nginxTest, tempTree } from '../helpers';

interface Case {
  name: string;
  /** Files by path relative to the case's folder; nginx.conf is the entry. `@PORT@` becomes the case's port. */
  files: Record<string, string>;
  nginx: 'accepts' | 'rejects';
  /**
   * Documented cases where proxylint reports the error on another line than nginx: the primary finding is on the
   * first line of `file` (default nginx.conf) containing `lineOf`, and nginx's line is a related location.
   */
  elsewhere?: { lineOf: string; file?: string; why: string };
  /** nginx may die without naming a line (the include cycle overflows its stack when the fd limit is high). */
  nginxMayCrash?: boolean;
}

const PORT_BASE = 18100;

/** A full nginx.conf: `events {}` and one http server listening on 127.0.0.1:@PORT@ with `body` in it. */
function conf(body: string, httpExtra = ''): string {
  const indent = (s: string, n: number) => s.split('\n').map((l) => (l ? ' '.repeat(n) + l : l)).join('\n');
  return [
    'events {}',
    'http {',
    ...(httpExtra ? [indent(httpExtra, 4)] : []),
    '    server {',
    '        listen 127.0.0.1:@PORT@;',
    indent(body, 8),
    '    }',
    '}',
    '',
  ].join('\n');
}

const crlf = (s: string) => s.replace(/\n/g, '\r\n');

const cases: Case[] = [
  // ---- nginx accepts these ----
  {
    name: 'plain reverse proxy',
    nginx: 'accepts',
    files: {
      'nginx.conf': conf(
        'location / {\n    proxy_pass http://app;\n    proxy_connect_timeout 5s;\n    proxy_read_timeout 60s;\n}',
        'upstream app {\n    server 127.0.0.1:18999;\n    keepalive 8;\n}',
      ),
    },
  },
  { name: '${var} inside a word', nginx: 'accepts', files: { 'nginx.conf': conf('set $who world;\nlocation / {\n    return 200 hello-${who}-x;\n}') } },
  { name: '# inside a word', nginx: 'accepts', files: { 'nginx.conf': conf('location / {\n    add_header X-A a#b;\n    return 200 c#d;\n}') } },
  { name: '} inside a word', nginx: 'accepts', files: { 'nginx.conf': conf('location / {\n    add_header X-A a}b;\n    return 200 c}d;\n}') } },
  {
    name: 'quotes containing { } ; #',
    nginx: 'accepts',
    files: { 'nginx.conf': conf(`location / {\n    add_header X-A 'x{;}#y';\n    return 200 "a{b}c;d#e";\n}`) },
  },
  {
    name: 'escaped quotes and backslashes',
    nginx: 'accepts',
    files: { 'nginx.conf': conf(`location / {\n    add_header X-A it\\'s;\n    add_header X-B 'a\\'b';\n    return 200 "say \\"hi\\" \\\\";\n}`) },
  },
  {
    name: 'CRLF line endings',
    nginx: 'accepts',
    files: { 'nginx.conf': crlf(conf('location / {\n    proxy_read_timeout 30s;\n    return 204;\n}')) },
  },
  {
    name: 'tabs for indentation and between words',
    nginx: 'accepts',
    files: { 'nginx.conf': 'events\t{}\nhttp\t{\n\tserver\t{\n\t\tlisten\t127.0.0.1:@PORT@;\n\t\tlocation\t/\t{\n\t\t\treturn\t204;\n\t\t}\n\t}\n}\n' },
  },
  { name: 'include glob with no match', nginx: 'accepts', files: { 'nginx.conf': conf('location / { return 204; }', 'include conf.d/*.conf;\ninclude nowhere/*.conf;') } },
  {
    name: 'include of an existing file and a matching glob',
    nginx: 'accepts',
    files: {
      'nginx.conf': conf('location / {\n    include snippets/proxy.conf;\n    proxy_pass http://127.0.0.1:18998;\n}', 'include conf.d/*.conf;'),
      'snippets/proxy.conf': 'proxy_set_header Host $host;\nproxy_read_timeout 30s;\n',
      'conf.d/extra.conf': 'server {\n    listen 127.0.0.1:18997;\n    return 204;\n}\n',
    },
  },
  { name: 'quoted regex with {1,5} in a location', nginx: 'accepts', files: { 'nginx.conf': conf('location ~ "^/a{1,5}$" {\n    return 204;\n}') } },
  {
    name: 'map entries with quoted { }',
    nginx: 'accepts',
    files: { 'nginx.conf': conf('location / { return 200 $m; }', 'map $uri $m {\n    "~^/a{2}$" "{x}";\n    default "b{";\n}') },
  },
  { name: 'comment at EOF without a newline', nginx: 'accepts', files: { 'nginx.conf': conf('location / { return 204; }') + '# the end' } },
  {
    name: 'if with a quoted string right before ")"',
    nginx: 'accepts',
    files: { 'nginx.conf': conf('location / {\n    if ($http_x_a = "y") {\n        return 403;\n    }\n    return 204;\n}') },
  },
  {
    name: 'continuation lines indented deeper',
    nginx: 'accepts',
    files: {
      'nginx.conf': conf(
        'location / {\n    add_header X-Frame-Options\n        DENY;\n    return 204;\n}',
        "log_format main '$remote_addr $request'\n                 ' $status';\naccess_log logs/access.log main;",
      ),
    },
  },
  { name: '"{" on the line after the block directive', nginx: 'accepts', files: { 'nginx.conf': conf('location /a\n{\n    return 204;\n}') } },
  { name: 'no spaces around braces', nginx: 'accepts', files: { 'nginx.conf': conf('location /x{return 204;}\nlocation /y {return 204;}') } },

  // ---- nginx rejects these ----
  { name: 'missing ";" before "}" on the same line', nginx: 'rejects', files: { 'nginx.conf': conf('location / { return 204 }') } },
  {
    name: 'missing ";" before "}" on the next line',
    nginx: 'rejects',
    files: { 'nginx.conf': conf('location / {\n    return 204\n}') },
    elsewhere: { lineOf: 'return 204', why: 'proxylint points at the word the ";" belongs after; nginx names the "}"' },
  },
  {
    name: 'missing ";" before the next directive at the same indentation',
    nginx: 'rejects',
    files: { 'nginx.conf': conf('location / {\n    proxy_connect_timeout 5s\n    proxy_read_timeout 10s;\n    return 204;\n}') },
    elsewhere: { lineOf: 'proxy_connect_timeout 5s', why: 'nginx reads both lines as one directive and fails where it ends' },
  },
  {
    name: 'missing ";" before a directive that spans two lines',
    nginx: 'rejects',
    files: { 'nginx.conf': conf('location / {\n    proxy_connect_timeout 5s\n    add_header X-A\n        "a;b";\n    return 204;\n}') },
    elsewhere: { lineOf: 'proxy_connect_timeout 5s', why: 'nginx fails where the joined statement ends, at the ";" after "a;b"' },
  },
  {
    name: 'block directive without "{"',
    nginx: 'rejects',
    files: { 'nginx.conf': conf('location /a\nreturn 204;') },
    elsewhere: { lineOf: 'location /a', why: 'nginx reads "location /a return 204" and fails at its ";"' },
  },
  {
    name: 'CRLF and a missing ";" before "}"',
    nginx: 'rejects',
    files: { 'nginx.conf': crlf(conf('location / {\n    proxy_read_timeout 30s;\n}\nlocation /b { return 204 }')) },
  },
  { name: 'unclosed "{" at EOF', nginx: 'rejects', files: { 'nginx.conf': conf('location / {\n    return 204;\n}').replace(/\}\n$/, '') } },
  { name: 'stray "}"', nginx: 'rejects', files: { 'nginx.conf': conf('location / {\n    return 204;\n}\n}') } },
  {
    name: 'unterminated double quote',
    nginx: 'rejects',
    files: { 'nginx.conf': conf('location / {\n    add_header X-A "abc;\n    return 204;\n}') },
    elsewhere: { lineOf: '"abc', why: 'nginx reads to the end of the file; proxylint reports the opening quote' },
  },
  {
    name: 'unterminated single quote',
    nginx: 'rejects',
    files: { 'nginx.conf': conf("location / {\n    return 200 'abc;\n}\nlocation /b {\n    return 204;\n}") },
    elsewhere: { lineOf: "'abc", why: 'nginx reads to the end of the file; proxylint reports the opening quote' },
  },
  { name: 'character right after a closing quote ("a"b)', nginx: 'rejects', files: { 'nginx.conf': conf('location / {\n    add_header X-A "a"b;\n}') } },
  { name: '"}" right after a closing quote', nginx: 'rejects', files: { 'nginx.conf': conf('location / {\n    return 200 "a"}\n') } },
  {
    name: '"{" inside a map entry',
    nginx: 'rejects',
    files: { 'nginx.conf': conf('location / { return 200 $m; }', 'map $uri $m {\n    ~^/a{1,5}$ 1;\n    default 0;\n}') },
  },
  { name: 'unquoted regex with {1,5} in a location', nginx: 'rejects', files: { 'nginx.conf': conf('location ~ ^/a{1,5}$ {\n    return 204;\n}') } },
  { name: 'unquoted regex with {2} in a rewrite', nginx: 'rejects', files: { 'nginx.conf': conf('location / {\n    rewrite ^/a{2}$ /b last;\n    return 204;\n}') } },
  { name: 'stray ";"', nginx: 'rejects', files: { 'nginx.conf': conf('location / {\n    return 204;\n    ;\n}') } },
  { name: '"{" with no directive before it', nginx: 'rejects', files: { 'nginx.conf': conf('location / {\n    { return 204; }\n}') } },
  { name: 'missing ";" at EOF', nginx: 'rejects', files: { 'nginx.conf': conf('location / { return 204; }') + 'worker_processes 1' } },
  { name: 'include of a missing file', nginx: 'rejects', files: { 'nginx.conf': conf('location / {\n    include snippets/missing.conf;\n    return 204;\n}') } },
  {
    name: 'syntax error inside an included file',
    nginx: 'rejects',
    files: {
      'nginx.conf': conf('location / {\n    include snippets/broken.conf;\n    return 204;\n}'),
      'snippets/broken.conf': '# broken on purpose\nproxy_set_header Host $host;\nproxy_read_timeout 30s }\n',
    },
  },
  {
    name: 'include cycle',
    nginx: 'rejects',
    files: { 'nginx.conf': conf('location / { return 204; }', 'include loop.conf;'), 'loop.conf': '# includes itself\ninclude loop.conf;\n' },
    // nginx has no cycle check: it recurses until open() fails with EMFILE ("in loop.conf:2"), or, when the
    // fd limit is high (20000 here), until its stack overflows and it dies with SIGSEGV.
    nginxMayCrash: true,
  },
];

const ERROR_RULES = /^(syntax-error|include-.*)$/;

interface Located {
  path: string;
  line: number;
}

/** Runs one case through nginx -t and proxylint, adds its row to `table` and asserts that they agree. */
function runCase(c: Case, port: number, table: string[][]): void {
  assert.ok(port >= 18000 && port <= 18999);
  const files = Object.fromEntries(Object.entries(c.files).map(([p, text]) => [p, text.replaceAll('@PORT@', String(port))]));
  const { dir, cleanup } = tempTree(files);
  try {
    const entry = join(dir, 'nginx.conf');
    const ngx = nginxTest(dir, entry);

    const host = createNodeHost();
    const read = host.readFile(entry);
    assert.ok(read.ok);
    const result = lintNginx(entry, read.text, host, { settings: defaultSettings() });
    const sources = new Map(result.config.files.map((f) => [f.path, f]));
    const lineAt = (path: string, offset: number) => {
      const f = sources.get(path);
      assert.ok(f, `proxylint did not read ${path}`);
      return f.lines.positionAt(offset).line + 1;
    };
    const errors = result.findings.filter((f) => f.severity === 'error' && ERROR_RULES.test(f.ruleId));
    const at = (f: Finding): Located => ({ path: f.path, line: lineAt(f.path, f.start) });
    const rel = (p: string) => (p.startsWith(dir + '/') ? p.slice(dir.length + 1) : p);
    const describe = () =>
      `nginx ${ngx.ok ? 'accepts' : 'rejects'}:\n${ngx.output.trim() || '(no output)'}\nproxylint errors:\n` +
      (errors.map((f) => `  ${rel(f.path)}:${at(f).line} [${f.ruleId}] ${f.message}`).join('\n') || '  (none)');

    const m = /\[emerg\][^\n]* in (\/[^\n]*?):(\d+)\s*$/m.exec(ngx.output);
    const nginxAt: Located | undefined = m ? { path: m[1], line: Number(m[2]) } : undefined;
    table.push([
      c.name,
      ngx.ok ? 'accepts' : 'rejects',
      nginxAt ? `${rel(nginxAt.path)}:${nginxAt.line}` : ngx.ok ? '-' : '(none: ' + (ngx.output.trim().split('\n')[0] || 'crashed') + ')',
      errors.map((f) => `${rel(f.path)}:${at(f).line}` + (f.related.length ? ` (related ${f.related.map((r) => `${rel(r.path)}:${lineAt(r.path, r.start)}`).join(', ')})` : '')).join('; ') || '-',
    ]);

    // nginx itself must behave as the table says (trust nginx: a surprise means the table is wrong).
    assert.equal(ngx.ok, c.nginx === 'accepts', `expected nginx to ${c.nginx === 'accepts' ? 'accept' : 'reject'} this config\n${describe()}`);
    // The core agreement.
    assert.equal(errors.length === 0, ngx.ok, describe());
    if (ngx.ok) return;

    if (!nginxAt) {
      assert.ok(c.nginxMayCrash, `nginx rejected the config without naming a file and line\n${describe()}`);
      return;
    }
    if (c.elsewhere) {
      const file = join(dir, c.elsewhere.file ?? 'nginx.conf');
      const text = files[c.elsewhere.file ?? 'nginx.conf'];
      const idx = text.indexOf(c.elsewhere.lineOf);
      assert.ok(idx >= 0, `"${c.elsewhere.lineOf}" is not in the case's text`);
      const expectedLine = text.slice(0, idx).split('\n').length;
      const hit = errors.find(
        (f) => f.path === file && at(f).line === expectedLine && f.related.some((r) => r.path === nginxAt.path && lineAt(r.path, r.start) === nginxAt.line),
      );
      assert.ok(hit, `expected an error on ${rel(file)}:${expectedLine} with nginx's ${rel(nginxAt.path)}:${nginxAt.line} as a related location (${c.elsewhere.why})\n${describe()}`);
    } else {
      const hit = errors.find((f) => f.path === nginxAt.path && at(f).line === nginxAt.line);
      assert.ok(hit, `expected an error on ${rel(nginxAt.path)}:${nginxAt.line}, where nginx reports it\n${describe()}`);
    }
  } finally {
    cleanup();
  }
}

function printTable(t: { diagnostic(message: string): void }, table: string[][]): void {
  const widths = table[0].map((_, col) => Math.max(...table.map((r) => r[col].length)));
  t.diagnostic('\n' + table.map((r) => r.map((cell, col) => cell.padEnd(widths[col])).join(' | ')).join('\n'));
}

const header = () => [['case', 'nginx', 'nginx line', 'proxylint line(s)']];

test('proxylint and nginx -t agree on what parses and where it fails', async (t) => {
  assert.ok(cases.length >= 25);
  assert.ok(cases.filter((c) => c.nginx === 'accepts').length >= 12 && cases.filter((c) => c.nginx === 'rejects').length >= 12);
  const table = header();
  for (const [k, c] of cases.entries()) await t.test(c.name, () => runCase(c, PORT_BASE + k, table));
  printTable(t, table);
});

// nginx accepts a forgotten ";" when the next line fits as more arguments (here the server is named "listen"). proxylint
// agrees that nginx starts (no error) and reports the likely mistake as a warning of its own rule.
test('a missing ";" that nginx accepts is a probable-missing-semicolon warning, not an error', async (t) => {
  const c: Case = {
    name: 'missing ";" after a directive that takes any number of arguments (nginx accepts)',
    nginx: 'accepts',
    files: { 'nginx.conf': conf('server_name a.example\nlisten 127.0.0.1:18996;\nlocation / { return 204; }') },
  };
  const table = header();
  await t.test(c.name, () => runCase(c, PORT_BASE + 800, table));
  printTable(t, table);
  const r = lintText(c.files['nginx.conf']);
  const warn = r.findings.filter((f) => f.ruleId === 'probable-missing-semicolon');
  assert.equal(warn.length, 1);
  assert.equal(warn[0].severity, 'warning');
});
