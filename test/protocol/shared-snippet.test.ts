// A snippet that two nginx.conf files of the workspace include is checked in both, in the editor as in the CLI given
// the workspace: it shows what each of them finds in it (it showed the first entry's findings only), and a finding
// only one of them makes names that configuration. The diagnostics are compared with `proxylint a b` on the same tree,
// after each edit too: CI and the editor must agree.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { CodeAction, Diagnostic, Hover, WorkspaceEdit } from 'vscode-languageserver-protocol';
import { assertPlaceLink, readable, runCli, tempTree } from '../helpers';
import { apply, LspClient, uri } from './client';

const entry = (opts: { keepalive: boolean; http?: string; include?: boolean; port: number }) => `events {}
http {
${opts.http ?? ''}    upstream backend {
        server 127.0.0.1:8080;
${opts.keepalive ? '        keepalive 16;\n' : ''}    }
    server {
        listen 127.0.0.1:${opts.port};
${opts.include === false ? '' : '        include ../shared/proxy.conf;\n'}    }
}
`;
// a/ sets proxy_send_timeout for the snippet (hover: the value differs); b/'s upstream keeps connections, so
// upstream-keepalive-ineffective is b/'s alone; read-timeout-too-low is found in both.
const A = entry({ keepalive: false, http: '    proxy_send_timeout 30s;\n', port: 18921 });
const B = entry({ keepalive: true, port: 18922 });
const B_WITHOUT = entry({ keepalive: true, port: 18922, include: false });
const SNIPPET = 'location /api/ {\n    proxy_pass http://backend/;\n    proxy_read_timeout 1s;\n}\n';

const SEVERITY = ['', 'error', 'warning', 'info'];
const LABEL = /^applies to the configuration of /;

/** One finding as both sides can state it: rule, severity, place, message and related places (1-based lines). */
type Stated = string;

/** What `proxylint a b` reports on the snippet, as the text of the files on disk. */
function cliFindings(root: string): Stated[] {
  const r = runCli(['--format', 'json', 'a', 'b'], { cwd: root });
  assert.ok(r.code === 0 || r.code === 1, r.stderr);
  type J = { ruleId: string; severity: string; message: string; line: number; column: number; related: { path: string; line: number; column: number; message: string }[] };
  const report = JSON.parse(r.stdout) as { files: { path: string; findings: J[] }[] };
  const file = report.files.find((f) => f.path === join(root, 'shared/proxy.conf'));
  return (file?.findings ?? [])
    .map((f) => `${f.ruleId} ${f.severity} ${f.line}:${f.column} ${f.message}${f.related.map((x) => ` | ${relative(root, x.path)}:${x.line}:${x.column} ${x.message}`).join('')}`)
    .sort();
}

function editorFindings(root: string, diags: Diagnostic[]): Stated[] {
  return diags
    .map((d) => {
      const related = (d.relatedInformation ?? []).map((x) => ` | ${relative(root, new URL(x.location.uri).pathname)}:${x.location.range.start.line + 1}:${x.location.range.start.character + 1} ${x.message}`);
      return `${d.code} ${SEVERITY[d.severity!]} ${d.range.start.line + 1}:${d.range.start.character + 1} ${d.message}${related.join('')}`;
    })
    .sort();
}

const has = (code: string) => (d: Diagnostic[]) => d.some((x) => x.code === code);
const lacks = (code: string) => (d: Diagnostic[]) => !d.some((x) => x.code === code);

for (const pull of [false, true]) {
  test(`${pull ? 'pull' : 'push'}: a snippet two entries include shows the findings of both, b/'s alone labelled as b/'s, as the CLI reports it; they follow b/ when it stops including it`, async () => {
    const t = tempTree({ 'a/nginx.conf': A, 'b/nginx.conf': B, 'shared/proxy.conf': SNIPPET });
    const c = new LspClient();
    const root = realpathSync(t.dir);
    const snippet = join(root, 'shared/proxy.conf');
    const b = join(root, 'b/nginx.conf');
    let since = 0;
    /**
     * The snippet's diagnostics once they satisfy `pred`: pulled (again while the server catches up), or pushed after
     * the latest mark() (closing the file publishes an empty list, which may arrive after the next wait began).
     */
    const diagnostics = async (pred: (d: Diagnostic[]) => boolean): Promise<Diagnostic[]> => {
      for (let k = 0; k < 200; k++) {
        const found = pull
          ? [(await c.request<{ items: Diagnostic[] }>('textDocument/diagnostic', { textDocument: { uri: uri(snippet) } })).items]
          : c.publishedFor(snippet).slice(since).map((p) => p.diagnostics);
        const hit = found.reverse().find(pred);
        if (hit) return hit;
        await new Promise((res) => setTimeout(res, 50));
      }
      assert.fail(`the snippet's diagnostics never matched; last: ${JSON.stringify(c.publishedFor(snippet).at(-1))}`);
    };
    const mark = () => (since = c.publishedFor(snippet).length);
    try {
      await c.initialize(root, { pull });
      await c.open(snippet, SNIPPET);
      const both = await diagnostics(has('upstream-keepalive-ineffective'));
      const stated = editorFindings(root, both);
      assert.deepEqual(stated, cliFindings(root));
      assert.deepEqual(both.map((d) => d.code).sort(), ['read-timeout-too-low', 'upstream-keepalive-ineffective']);
      // Found in both: once, and not labelled.
      assert.ok(!both.find((d) => d.code === 'read-timeout-too-low')!.relatedInformation!.some((r) => LABEL.test(r.message)));
      // Found in b/ only: says so first, at the line of b/nginx.conf that includes the snippet.
      const label = both.find((d) => d.code === 'upstream-keepalive-ineffective')!.relatedInformation![0];
      assert.equal(label.location.uri, uri(b));
      assert.equal(label.location.range.start.line, B.split('\n').findIndex((l) => l.includes('include ../shared/proxy.conf')));
      assert.equal(label.message, 'applies to the configuration of ../b/nginx.conf (which includes proxy.conf here), not to that of ../a/nginx.conf');

      // Closed and opened again: still both entries' findings.
      mark();
      await c.close(snippet);
      await c.open(snippet, SNIPPET);
      assert.deepEqual(editorFindings(root, await diagnostics(has('upstream-keepalive-ineffective'))), stated);

      // b/nginx.conf, edited (unsaved) so that it no longer includes the snippet: b/'s finding goes, a/'s stay.
      await c.open(b, B);
      mark();
      await c.change(b, B_WITHOUT);
      const aOnly = await diagnostics(lacks('upstream-keepalive-ineffective'));
      assert.deepEqual(aOnly.map((d) => d.code), ['read-timeout-too-low']);
      writeFileSync(b, B_WITHOUT);
      assert.deepEqual(editorFindings(root, aOnly), cliFindings(root));

      // And back: included again, b/'s finding is back.
      mark();
      await c.change(b, B);
      writeFileSync(b, B);
      assert.deepEqual(editorFindings(root, await diagnostics(has('upstream-keepalive-ineffective'))), stated);
    } finally {
      await c.stop();
      t.cleanup();
    }
  });
}

test('hover in the snippet tells the values in force in each entry that includes it, and the upstream group of each', async () => {
  const t = tempTree({ 'a/nginx.conf': A, 'b/nginx.conf': B, 'shared/proxy.conf': SNIPPET });
  const c = new LspClient();
  try {
    const root = realpathSync(t.dir);
    const snippet = join(root, 'shared/proxy.conf');
    await c.initialize(root);
    await c.open(snippet, SNIPPET);
    await c.diagnostics(snippet);
    const hover = async (character: number) => (await c.request<Hover>('textDocument/hover', { textDocument: { uri: uri(snippet) }, position: { line: 1, character } })).contents as { value: string };
    const table = readable((await hover(6)).value);
    assertPlaceLink((await hover(6)).value, '../a/nginx.conf:3', join(root, 'a/nginx.conf'), 3);
    assertPlaceLink((await hover(6)).value, 'proxy.conf:3', snippet, 3);
    assert.match(table, /`proxy_send_timeout` \| differs by inclusion \| `30s` \(via \.\.\/a\/nginx\.conf:9; inherited from \.\.\/a\/nginx\.conf:3\) \/ `60s` \(via \.\.\/b\/nginx\.conf:9; built-in default\) \|/);
    // The value both set alike stays one plain row.
    assert.match(table, /`proxy_read_timeout` \| `1s` \| set here \(proxy\.conf:3\) \|/);
    const groups = readable((await hover(24)).value);
    assertPlaceLink((await hover(24)).value, '../a/nginx.conf:4', join(root, 'a/nginx.conf'), 4);
    assertPlaceLink((await hover(24)).value, '../b/nginx.conf:3', join(root, 'b/nginx.conf'), 3);
    assert.match(groups, /\*\*upstream `backend`\*\* \(\.\.\/a\/nginx\.conf:4\)[\s\S]*No keep-alive[\s\S]*\*\*upstream `backend`\*\* \(\.\.\/b\/nginx\.conf:3\)[\s\S]*`keepalive 16`/);
  } finally {
    await c.stop();
    t.cleanup();
  }
});

const HTTPD = (port: number, proxyHttp: boolean) =>
  [
    'LoadModule mpm_event_module /usr/lib/apache2/modules/mod_mpm_event.so',
    'LoadModule authz_core_module /usr/lib/apache2/modules/mod_authz_core.so',
    'LoadModule proxy_module /usr/lib/apache2/modules/mod_proxy.so',
    ...(proxyHttp ? ['LoadModule proxy_http_module /usr/lib/apache2/modules/mod_proxy_http.so'] : []),
    'ServerName localhost',
    `Listen 127.0.0.1:${port}`,
    'Include ../shared/vhost.conf',
    '',
  ].join('\n');
const VHOST = '<VirtualHost *:80>\n    ProxyPass "/api/" "http://127.0.0.1:8080/api/" connectiontimeout=5\n</VirtualHost>\n';

test('Apache: a vhost file two httpd.conf include gets b/\'s safe fix (it edits b/httpd.conf only), and fix all in it does what --fix does', async () => {
  const files = { 'a/httpd.conf': HTTPD(18923, true), 'b/httpd.conf': HTTPD(18924, false), 'shared/vhost.conf': VHOST };
  const expected = tempTree(files);
  const t = tempTree(files);
  const c = new LspClient();
  try {
    const fixedByCli = runCli(['--fix', 'a', 'b'], { cwd: expected.dir });
    assert.ok(fixedByCli.code === 0 || fixedByCli.code === 1, fixedByCli.stderr);
    const cliB = readFileSync(join(expected.dir, 'b/httpd.conf'), 'utf8');
    assert.notEqual(cliB, files['b/httpd.conf']);

    const root = realpathSync(t.dir);
    const vhost = join(root, 'shared/vhost.conf');
    await c.initialize(root);
    await c.open(vhost, VHOST);
    const diags = await c.diagnostics(vhost, has('proxy-scheme-module-missing'));
    const missing = diags.find((d) => d.code === 'proxy-scheme-module-missing')!;
    assert.match(missing.relatedInformation![0].message, /^applies to the configuration of \.\.\/b\/httpd\.conf \(which includes vhost\.conf here\), not to that of \.\.\/a\/httpd\.conf$/);
    const actions = await c.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri: uri(vhost) }, range: missing.range, context: { diagnostics: [missing] } });
    const preferred = actions.find((a) => a.isPreferred);
    assert.ok(preferred, JSON.stringify(actions.map((a) => a.title)));
    assert.deepEqual(Object.keys((preferred.edit as WorkspaceEdit).changes!), [uri(join(root, 'b/httpd.conf'))]);

    const [all] = await c.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri: uri(vhost) }, range: missing.range, context: { diagnostics: [], only: ['source.fixAll.proxylint'] } });
    const changes = (all.edit as WorkspaceEdit).changes!;
    assert.deepEqual(Object.keys(changes), [uri(join(root, 'b/httpd.conf'))]);
    assert.equal(apply(files['b/httpd.conf'], changes[uri(join(root, 'b/httpd.conf'))]), cliB);
  } finally {
    await c.stop();
    t.cleanup();
    expected.cleanup();
  }
});

const VHOST2 = VHOST.replace('</VirtualHost>', '    ProxyPreserveHost On\n</VirtualHost>');

test('Apache: hover in a vhost file two httpd.conf include shows each one\'s timeouts when they differ, once when they agree', async () => {
  const withTimeout = (port: number, line: string) => HTTPD(port, true).replace('Include ../shared/vhost.conf', `${line}\nInclude ../shared/vhost.conf`);
  const files = { 'a/httpd.conf': withTimeout(18925, 'Timeout 3'), 'b/httpd.conf': withTimeout(18926, 'ProxyTimeout 20'), 'c/httpd.conf': withTimeout(18927, 'Timeout 3'), 'shared/vhost.conf': VHOST2 };
  const t = tempTree(files);
  const c = new LspClient();
  try {
    const root = realpathSync(t.dir);
    const vhost = join(root, 'shared/vhost.conf');
    await c.initialize(root);
    await c.open(vhost, VHOST2);
    await c.diagnostics(vhost);
    const hover = async (line: number, character: number) => ((await c.request<Hover>('textDocument/hover', { textDocument: { uri: uri(vhost) }, position: { line, character } })).contents as { value: string }).value;
    const raw = await hover(1, 6);
    const h = readable(raw);
    // Inclusions that read the same are told once (a and c), linked to the first one's file.
    assertPlaceLink(raw, 'line 7 of httpd.conf', join(root, 'a/httpd.conf'), 7);
    assertPlaceLink(raw, 'line 7 of httpd.conf', join(root, 'b/httpd.conf'), 7);
    assert.match(h, /^\*\*Differs by inclusion:\*\* 3 configurations include this file, and the values in force here are not the same in all of them\./, h);
    assert.match(h, /\*\*Included from `\.\.\/a\/httpd\.conf`, `\.\.\/c\/httpd\.conf`:\*\*\n\n\*\*Backend timeout here:\*\* 3 s \(Timeout 3 on line 7 of httpd\.conf, which ProxyTimeout inherits\)/, h);
    assert.match(h, /\*\*Included from `\.\.\/b\/httpd\.conf`:\*\*\n\n\*\*Backend timeout here:\*\* 20 s \(ProxyTimeout 20, line 7 of httpd\.conf\)/, h);
    // The directive's documentation is told once, after the values.
    assert.equal(h.split('**ProxyPass** —').length, 2, 'no per-entry copy of the documentation');
    // A line whose hover is the same in all three: no "differs".
    const vh = await hover(2, 6);
    assert.match(vh, /ProxyPreserveHost/);
    assert.doesNotMatch(vh, /Differs by inclusion/);
  } finally {
    await c.stop();
    t.cleanup();
  }
});

test('Apache: hover in a file one httpd.conf includes in three virtual hosts shows each inclusion\'s timeouts, named by its Include line, when they differ', async () => {
  const vhost = (name: string, timeout: number) => [`<VirtualHost 127.0.0.1:18931>`, `    ServerName ${name}`, `    ProxyTimeout ${timeout}`, '    Include ../shared/proxy.conf', '</VirtualHost>'];
  const httpd = [...HTTPD(18931, true).split('\n').filter((l) => l && !l.startsWith('Include')), ...vhost('a.test', 2), ...vhost('b.test', 40), ...vhost('c.test', 2), ''].join('\n');
  const snippet = 'ProxyPass "/api/" "http://127.0.0.1:8080/api/" connectiontimeout=5\nProxyPreserveHost On\n';
  const t = tempTree({ 'a/httpd.conf': httpd, 'shared/proxy.conf': snippet });
  const c = new LspClient();
  try {
    const root = realpathSync(t.dir);
    const file = join(root, 'shared/proxy.conf');
    await c.initialize(root);
    await c.open(file, snippet);
    await c.diagnostics(file);
    const hover = async (line: number, character: number) => ((await c.request<Hover>('textDocument/hover', { textDocument: { uri: uri(file) }, position: { line, character } })).contents as { value: string }).value;
    const lines = httpd.split('\n');
    const includes = lines.flatMap((l, k) => (l.includes('Include') ? [k + 1] : []));
    const raw = await hover(0, 3);
    const h = readable(raw);
    for (const k of [0, 1, 2]) {
      assertPlaceLink(raw, `\`../a/httpd.conf:${includes[k]}\``, join(root, 'a/httpd.conf'), includes[k]);
      assertPlaceLink(raw, `line ${includes[k] - 1} of httpd.conf`, join(root, 'a/httpd.conf'), includes[k] - 1);
    }
    assert.match(h, /^\*\*Differs by inclusion:\*\* this configuration includes this file 3 times, and the values in force here are not the same in all of them\./, h);
    // Each inclusion by its Include line, with the ProxyTimeout of its own virtual host (the line above the Include).
    [2, 40, 2].forEach((timeout, k) => {
      const at = `\\*\\*Included from \`\\.\\./a/httpd\\.conf:${includes[k]}\`:\\*\\*\\n\\n\\*\\*Backend timeout here:\\*\\* ${timeout} s \\(ProxyTimeout ${timeout}, line ${includes[k] - 1} of httpd\\.conf\\)`;
      assert.match(h, new RegExp(at), h);
    });
    assert.equal(h.split('**ProxyPass** —').length, 2, 'the documentation is told once');
    // The same in every inclusion: no "differs".
    assert.doesNotMatch(await hover(1, 6), /Differs by inclusion/);
  } finally {
    await c.stop();
    t.cleanup();
  }
});

test('a snippet two nginx.conf include: definition of its upstream name goes to the group of each; completion offers the groups only one of them defines', async () => {
  const t = tempTree({ 'a/nginx.conf': A, 'b/nginx.conf': B.replace('    server {', '    upstream only_b { server 127.0.0.1:8081; }\n    server {'), 'shared/proxy.conf': SNIPPET });
  const c = new LspClient();
  try {
    const root = realpathSync(t.dir);
    const snippet = join(root, 'shared/proxy.conf');
    await c.initialize(root);
    await c.open(snippet, SNIPPET);
    await c.diagnostics(snippet);
    const def = await c.request<{ targetUri: string; targetSelectionRange: { start: { line: number } } }[]>('textDocument/definition', { textDocument: { uri: uri(snippet) }, position: { line: 1, character: SNIPPET.split('\n')[1].indexOf('backend') + 2 } });
    assert.deepEqual(def.map((l) => `${relative(root, new URL(l.targetUri).pathname)}:${l.targetSelectionRange.start.line + 1}`).sort(), ['a/nginx.conf:4', 'b/nginx.conf:3']);
    // Completion after "http://" in a new proxy_pass line: the groups of both configurations, each once.
    const typed = SNIPPET.replace('    proxy_read_timeout 1s;\n', '    proxy_read_timeout 1s;\n    proxy_pass http://\n');
    await c.change(snippet, typed);
    const line = typed.split('\n').findIndex((l) => l.endsWith('http://'));
    const items = await c.request<{ label: string }[]>('textDocument/completion', { textDocument: { uri: uri(snippet) }, position: { line, character: typed.split('\n')[line].length } });
    const labels = items.map((i) => i.label);
    assert.ok(labels.includes('http://only_b'), labels.join(' '));
    assert.equal(labels.filter((l) => l === 'http://backend').length, 1, labels.join(' '));
  } finally {
    await c.stop();
    t.cleanup();
  }
});
