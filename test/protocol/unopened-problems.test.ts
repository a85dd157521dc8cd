// The problems of the files a configuration loads but the user has not opened: with only nginx.conf open, a finding in
// snippets/proxy.conf (included by sites-enabled/app.conf) is shown, as `proxylint <folder>` reports it; it goes away
// when nothing open includes the file any more. Push clients get publishDiagnostics for those files; pull clients get
// them through workspace/diagnostic, which the server holds until it has something new.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { mkdirSync, realpathSync, writeFileSync } from 'node:fs';
import type { Diagnostic, WorkspaceDiagnosticReport, WorkspaceDocumentDiagnosticReport } from 'vscode-languageserver-protocol';
import { runCli, tempTree } from '../helpers';
import { LspClient, uri } from './client';

const NGINX = `events {}
http {
    include sites-enabled/*.conf;
}
`;
const APP = `server {
    listen 127.0.0.1:18651;
    location / {
        include snippets/proxy.conf;
        proxy_pass http://127.0.0.1:9000;
    }
}
`;
const PROXY = 'proxy_read_timeout 1h30;\n';
const OTHER = 'proxy_connect_timeout 2h30;\n';
// The same configuration without the site: nothing includes the snippet any more.
const NO_SITES = NGINX.replace('    include sites-enabled/*.conf;\n', '');

let root = '';
let cleanup = () => {};
const p = (rel: string) => join(root, rel);
const misread = (d: Diagnostic[]) => d.some((x) => x.code === 'misread-time-value');

before(() => {
  const t = tempTree({ 'nginx.conf': NGINX, 'sites-enabled/app.conf': APP, 'snippets/proxy.conf': PROXY, 'snippets/other.conf': OTHER });
  root = realpathSync(t.dir);
  cleanup = t.cleanup;
});
after(() => cleanup());

test('the CLI given the folder reports the snippet that only sites-enabled/app.conf includes (line 1, columns 20-24)', () => {
  const r = runCli(['--format', 'json', root]);
  const report = JSON.parse(r.stdout) as { files: { path: string; findings: { ruleId: string; line: number; column: number; endColumn: number }[] }[] };
  const snippet = report.files.find((f) => f.path === p('snippets/proxy.conf'));
  assert.deepEqual(snippet?.findings.map((x) => `${x.ruleId}:${x.line}:${x.column}-${x.endColumn}`), ['misread-time-value:1:20-24']);
});

test('push: opening only nginx.conf publishes the problems of the snippet its site includes; they clear and come back with the include', async () => {
  const c = new LspClient();
  try {
    await c.initialize(root);
    await c.open(p('nginx.conf'), NGINX);
    const shown = await c.diagnostics(p('snippets/proxy.conf'), misread);
    assert.equal(shown.length, 1);
    assert.deepEqual(shown[0].range, { start: { line: 0, character: 19 }, end: { line: 0, character: 23 } });
    // Files without problems are not published at all (nothing to show, nothing to clear).
    assert.equal(c.publishedFor(p('sites-enabled/app.conf')).length, 0);

    // The include typed away (unsaved): the snippet is part of no open configuration, and its problem goes.
    await c.change(p('nginx.conf'), NO_SITES);
    await c.diagnostics(p('snippets/proxy.conf'), (d) => d.length === 0);
    await c.change(p('nginx.conf'), NGINX);
    await c.diagnostics(p('snippets/proxy.conf'), misread);

    // Opened, the snippet is reported as a document (with its version); closed, as a file of the configuration again.
    await c.open(p('snippets/proxy.conf'), PROXY);
    await waitFor(() => c.publishedFor(p('snippets/proxy.conf')).at(-1)?.version === 1);
    await c.close(p('snippets/proxy.conf'));
    await waitFor(() => {
      const last = c.publishedFor(p('snippets/proxy.conf')).at(-1);
      return last?.version === undefined && !!last && misread(last.diagnostics);
    });

    // nginx.conf closed: nothing open includes the snippet.
    await c.close(p('nginx.conf'));
    await c.diagnostics(p('snippets/proxy.conf'), (d) => d.length === 0);
    await settle();
    assert.deepEqual(c.publishedFor(p('snippets/proxy.conf')).at(-1)?.diagnostics, []);
  } finally {
    await c.stop();
  }
});

test('push: opening the site (not the entry) shows the problems of the entry\'s other files too', async () => {
  const c = new LspClient();
  try {
    await c.initialize(root);
    await c.open(p('sites-enabled/app.conf'), APP);
    await c.diagnostics(p('snippets/proxy.conf'), misread);
  } finally {
    await c.stop();
  }
});

test('push: with problems.scope "openFiles" nothing is published for files that are not open; changing the setting applies at once', async () => {
  const c = new LspClient();
  try {
    await c.initialize(root, { initializationOptions: { settings: { proxylint: { problems: { scope: 'openFiles' } } } } });
    await c.open(p('nginx.conf'), NGINX);
    await c.diagnostics(p('nginx.conf'));
    await settle();
    assert.equal(c.publishedFor(p('snippets/proxy.conf')).length, 0);
    await c.connection.sendNotification('workspace/didChangeConfiguration', { settings: { proxylint: { problems: { scope: 'configuration' } } } });
    await c.diagnostics(p('snippets/proxy.conf'), misread);
    await c.connection.sendNotification('workspace/didChangeConfiguration', { settings: { proxylint: { problems: { scope: 'openFiles' } } } });
    await c.diagnostics(p('snippets/proxy.conf'), (d) => d.length === 0);
    // The editor-only key is not read as a .proxylintrc.json key: no invalid-config error on the open file.
    const own = await c.diagnostics(p('nginx.conf'));
    assert.ok(!own.some((d) => d.code === 'invalid-config'), JSON.stringify(own));
  } finally {
    await c.stop();
  }
});

test('push: a 5,000-file include glob publishes the first 500 files with problems and says so once in the log', async () => {
  const NGINX_GLOB = 'events {}\nhttp {\n    server {\n        listen 127.0.0.1:18652;\n        include conf.d/*.conf;\n    }\n}\n';
  const t = tempTree({ 'nginx.conf': NGINX_GLOB });
  const dir = realpathSync(t.dir);
  mkdirSync(join(dir, 'conf.d'));
  // A location each, with a time nginx misreads ("1h30" is 3630 s).
  for (let i = 0; i < 5000; i++) writeFileSync(join(dir, 'conf.d', `f${String(i).padStart(4, '0')}.conf`), `location /f${i} {\n    proxy_read_timeout 1h30;\n    proxy_pass http://127.0.0.1:9000;\n}\n`);
  const c = new LspClient();
  const logs: string[] = [];
  c.connection.onNotification('window/logMessage', (m: { message: string }) => logs.push(m.message));
  const shown: { type: number; message: string }[] = [];
  c.connection.onNotification('window/showMessage', (m: { type: number; message: string }) => shown.push(m));
  try {
    await c.initialize(dir);
    await c.open(join(dir, 'nginx.conf'), NGINX_GLOB);
    // The first 500 in include order (the glob's, sorted by name): f0000 … f0499.
    await c.diagnostics(join(dir, 'conf.d', 'f0499.conf'), misread, 60_000);
    await settle(500);
    const published = (i: number) => c.publishedFor(join(dir, 'conf.d', `f${String(i).padStart(4, '0')}.conf`)).length;
    assert.deepEqual([published(0), published(499), published(500), published(4999)], [1, 1, 0, 0]);
    let count = 0;
    for (let i = 0; i < 5000; i++) count += published(i);
    assert.equal(count, 500);
    const line = logs.filter((m) => /not on \d+ more/.test(m));
    assert.equal(line.length, 1, logs.join('\n'));
    assert.match(line[0], /problems shown on 500 files that are not open, not on 4500 more \(proxylint\.problems\.maxFiles is 500\)/);
    // Typing in nginx.conf (a comment) sends none of them again, nor the log line.
    await c.change(join(dir, 'nginx.conf'), '# edited\n' + NGINX_GLOB);
    await c.diagnostics(join(dir, 'nginx.conf'), () => c.publishedFor(join(dir, 'nginx.conf')).length >= 2);
    await settle(500);
    count = 0;
    for (let i = 0; i < 5000; i++) count += published(i);
    assert.equal(count, 500);
    assert.equal(logs.filter((m) => /not on \d+ more/.test(m)).length, 1);
    // The user is told once as well, not only the log.
    assert.deepEqual(shown, [{ type: 3, message: 'proxylint shows the problems of 500 files that are not open, not of 4500 more with problems (setting proxylint.problems.maxFiles is 500). Open a file to see its problems, or run proxylint on the folder.' }]);
  } finally {
    await c.stop();
    t.cleanup();
  }
});

test('push, Apache: opening only apache2.conf publishes the problem of the virtual host it includes, as the CLI reports it', async () => {
  const APACHE = 'Listen 127.0.0.1:18653\nIncludeOptional sites-enabled/*.conf\n';
  const SITE = '<VirtualHost *:18653>\n    ProxyPass "/" "http://127.0.0.1:9000/" timeout=1\n</VirtualHost>\n';
  const t = tempTree({ 'apache2.conf': APACHE, 'sites-enabled/app.conf': SITE });
  const dir = realpathSync(t.dir);
  const c = new LspClient();
  try {
    const cli = JSON.parse(runCli(['--format', 'json', dir]).stdout) as { files: { path: string; findings: { ruleId: string; line: number }[] }[] };
    const expected = cli.files.find((f) => f.path === join(dir, 'sites-enabled/app.conf'))!.findings.map((f) => `${f.ruleId}:${f.line}`);
    assert.deepEqual(expected, ['proxy-timeout-too-low:2']);
    await c.initialize(dir);
    await c.open(join(dir, 'apache2.conf'), APACHE);
    const shown = await c.diagnostics(join(dir, 'sites-enabled/app.conf'), (d) => d.length > 0);
    assert.deepEqual(shown.map((d) => `${d.code}:${d.range.start.line + 1}`), expected);
  } finally {
    await c.stop();
    t.cleanup();
  }
});

/** A workspace/diagnostic request; `held` resolves "held" when no answer came within `ms`. */
function pullWorkspace(c: LspClient, previous: { uri: string; value: string }[]): Promise<WorkspaceDiagnosticReport> {
  return c.request<WorkspaceDiagnosticReport>('workspace/diagnostic', { previousResultIds: previous });
}
const heldFor = (r: Promise<unknown>, ms = 600) => Promise.race([r.then(() => 'answered'), new Promise((res) => setTimeout(() => res('held'), ms))]);
const itemFor = (r: WorkspaceDiagnosticReport, path: string) => r.items.find((i) => i.uri === uri(path)) as WorkspaceDocumentDiagnosticReport | undefined;

test('pull: workspace/diagnostic reports the unopened snippet, holds while nothing changes, says "unchanged" by result id, and clears', async () => {
  const c = new LspClient();
  try {
    const init = await c.initialize(root, { pull: true });
    assert.deepEqual(init.capabilities.diagnosticProvider, { identifier: 'proxylint', interFileDependencies: true, workspaceDiagnostics: true });
    await c.open(p('nginx.conf'), NGINX);
    const first = await pullWorkspace(c, []);
    const snippet = itemFor(first, p('snippets/proxy.conf'));
    assert.ok(snippet && snippet.kind === 'full' && misread(snippet.items) && typeof snippet.resultId === 'string', JSON.stringify(first));
    // The open document is the document pull's, and files without problems are left out.
    assert.deepEqual(first.items.map((i) => i.uri), [uri(p('snippets/proxy.conf'))]);
    const held = { uri: uri(p('snippets/proxy.conf')), value: snippet.resultId! };

    // Asked again with that id: nothing new, so no answer yet; a comment typed in nginx.conf changes nothing either.
    let next = pullWorkspace(c, [held]);
    assert.equal(await heldFor(next), 'held');
    await c.change(p('nginx.conf'), '# edited\n' + NGINX);
    assert.equal(await heldFor(next), 'held');

    // Another snippet included (unsaved): it is reported, and the first one as unchanged.
    await c.change(p('nginx.conf'), NGINX.replace('http {\n', 'http {\n    include snippets/other.conf;\n'));
    let r = await next;
    const other = itemFor(r, p('snippets/other.conf'));
    assert.ok(other?.kind === 'full' && other.items.some((d) => d.code === 'misread-time-value'), JSON.stringify(r));
    assert.deepEqual(itemFor(r, p('snippets/proxy.conf')), { kind: 'unchanged', uri: held.uri, resultId: held.value, version: null });

    // Both includes gone: both files get an empty report with no result id (nothing to compare with later).
    next = pullWorkspace(c, [held, { uri: other.uri, value: other.resultId! }]);
    assert.equal(await heldFor(next), 'held');
    await c.change(p('nginx.conf'), NO_SITES);
    r = await next;
    assert.deepEqual(itemFor(r, p('snippets/proxy.conf')), { kind: 'full', uri: held.uri, version: null, items: [] });
    assert.deepEqual(itemFor(r, p('snippets/other.conf')), { kind: 'full', uri: other.uri, version: null, items: [] });

    // Back, then nginx.conf closed: the snippet and nginx.conf itself (whose last pulled report the client keeps) clear.
    await c.change(p('nginx.conf'), NGINX);
    r = await pullWorkspace(c, []);
    const again = itemFor(r, p('snippets/proxy.conf'));
    assert.ok(again?.kind === 'full' && misread(again.items));
    next = pullWorkspace(c, [{ uri: again.uri, value: again.resultId! }]);
    assert.equal(await heldFor(next), 'held');
    await c.close(p('nginx.conf'));
    r = await next;
    assert.deepEqual(itemFor(r, p('snippets/proxy.conf')), { kind: 'full', uri: again.uri, version: null, items: [] });
    assert.deepEqual(itemFor(r, p('nginx.conf')), { kind: 'full', uri: uri(p('nginx.conf')), version: null, items: [] });
  } finally {
    await c.stop();
  }
});

test('pull: an opened snippet leaves the workspace report (its document pull is what shows), and comes back to it when closed', async () => {
  const c = new LspClient();
  try {
    await c.initialize(root, { pull: true, initializationOptions: { settings: { problems: { maxFiles: 1 } } } });
    await c.open(p('nginx.conf'), NGINX.replace('http {\n', 'http {\n    include snippets/other.conf;\n'));
    let r = await pullWorkspace(c, []);
    // maxFiles 1: the first file with problems in include order (other.conf, included before the sites).
    assert.deepEqual(r.items.map((i) => i.uri), [uri(p('snippets/other.conf'))]);
    const other = itemFor(r, p('snippets/other.conf'))!;
    const next = pullWorkspace(c, [{ uri: other.uri, value: (other as { resultId: string }).resultId }]);
    await c.open(p('snippets/other.conf'), OTHER);
    r = await next;
    // other.conf is open now: not in the report (the client keeps the document's own); proxy.conf takes the free place.
    assert.deepEqual(r.items.map((i) => [i.uri, i.kind]), [[uri(p('snippets/proxy.conf')), 'full']]);
    const pulled = await c.request<{ kind: string; items: Diagnostic[] }>('textDocument/diagnostic', { textDocument: { uri: other.uri } });
    assert.ok(pulled.items.some((d) => d.code === 'misread-time-value'));
    const proxy = itemFor(r, p('snippets/proxy.conf'))!;
    const after = pullWorkspace(c, [{ uri: proxy.uri, value: (proxy as { resultId: string }).resultId }]);
    await c.close(p('snippets/other.conf'));
    r = await after;
    // Closed again: back in the report (a full one: the client forgot the old id), proxy.conf out again (the cap), and cleared.
    const back = itemFor(r, p('snippets/other.conf'));
    assert.ok(back?.kind === 'full' && back.items.some((d) => d.code === 'misread-time-value'), JSON.stringify(r));
    assert.deepEqual(itemFor(r, p('snippets/proxy.conf')), { kind: 'full', uri: proxy.uri, version: null, items: [] });
  } finally {
    await c.stop();
  }
});

test('untrusted workspace: the included file inside the workspace folder is reported; the one outside is not read, so not reported', async () => {
  const outside = tempTree({ 'outside.conf': PROXY });
  const outsidePath = join(realpathSync(outside.dir), 'outside.conf');
  const text = NGINX.replace('include sites-enabled/*.conf;', `include ${outsidePath};\n    include inside.conf;`);
  const t = tempTree({ 'nginx.conf': text, 'inside.conf': OTHER });
  const dir = realpathSync(t.dir);
  const c = new LspClient();
  try {
    await c.initialize(dir, { initializationOptions: { trusted: false } });
    await c.open(join(dir, 'nginx.conf'), text);
    const own = await c.diagnostics(join(dir, 'nginx.conf'), (d) => d.length > 0);
    assert.ok(own.some((d) => /not followed|outside/.test(d.message)), JSON.stringify(own));
    await c.diagnostics(join(dir, 'inside.conf'), misread);
    await settle(300);
    assert.equal(c.publishedFor(outsidePath).length, 0);
  } finally {
    await c.stop();
    t.cleanup();
    outside.cleanup();
  }
});

async function waitFor(pred: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
/** Past the debounce and the unopened-files delay: anything still to come would have come. */
const settle = (ms = 400) => new Promise((r) => setTimeout(r, ms));
