import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join, relative } from 'node:path';
import { realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import type { CodeAction, CompletionItem, Diagnostic, DocumentLink, DocumentSymbol, FoldingRange, Hover, LocationLink, WorkspaceEdit } from 'vscode-languageserver-protocol';
import { assertPlaceLink, CLI, readable, tempTree } from '../helpers';
import { apply, LspClient, uri } from './client';

const NGINX = `events {}
http {
    upstream app_backend {
        server 127.0.0.1:18601;
        server 127.0.0.1:18602;
    }
    proxy_read_timeout 90s;
    include conf.d/*.conf;
}
`;
const SITE = `server {
    listen 127.0.0.1:18600;
    # A comment block
    # that folds.
    location / {
        proxy_pass http://app_backnd;
    }
    location /api/ {
        proxy_pass http://app_backend;
        proxy_connect_timeout 5s;
    }
    location /legacy/ {
        proxy_pass 127.0.0.1:18603;
    }
}
`;

let tree: ReturnType<typeof tempTree>;
let root: string;
const p = (rel: string) => join(root, rel);

/** Offset of the n-th occurrence of `needle` in `text`, plus `delta`. */
function pos(text: string, needle: string, delta = 0, nth = 0) {
  let at = -1;
  for (let k = 0; k <= nth; k++) at = text.indexOf(needle, at + 1);
  assert.ok(at >= 0, `"${needle}" not found`);
  const before = text.slice(0, at + delta);
  const line = before.split('\n').length - 1;
  return { line, character: before.length - before.lastIndexOf('\n') - 1 };
}


before(() => {
  tree = tempTree({ 'nginx.conf': NGINX, 'conf.d/site.conf': SITE, 'frag/snippet.conf': 'proxy_read_timeout 2s;\n' });
  root = realpathSync(tree.dir);
});
after(() => tree.cleanup());

test('push diagnostics: an included file is checked inside its nginx.conf, with rule id, doc link and related information', async () => {
  const c = new LspClient();
  try {
    await c.initialize(root);
    await c.open(p('conf.d/site.conf'), SITE);
    const diags = await c.diagnostics(p('conf.d/site.conf'), (d) => d.length > 0);
    const typo = diags.find((d) => d.code === 'undefined-upstream')!;
    assert.ok(typo, JSON.stringify(diags));
    assert.equal(typo.source, 'proxylint');
    assert.equal(typo.range.start.line, 5);
    assert.match(typo.codeDescription!.href, /undefined-upstream\.md$/);
    // The upstream it suggests is defined in nginx.conf: only visible because the file is checked in context.
    assert.equal(typo.relatedInformation![0].location.uri, uri(p('nginx.conf')));
    assert.ok(diags.some((d) => d.code === 'pass-scheme-mismatch' && d.range.start.line === 12));

    // Editing the entry (unsaved) re-checks the open included file: renaming the group makes the typo line right.
    await c.open(p('nginx.conf'), NGINX);
    await c.change(p('nginx.conf'), NGINX.replace('upstream app_backend', 'upstream app_backnd'));
    const after = await c.diagnostics(p('conf.d/site.conf'), (d) => !d.some((x) => x.code === 'undefined-upstream' && x.range.start.line === 5));
    assert.ok(after.some((d) => d.code === 'undefined-upstream' && d.range.start.line === 8), JSON.stringify(after));
  } finally {
    await c.stop();
  }
});

test('pull diagnostics answer textDocument/diagnostic and agree with push', async () => {
  const key = (d: Diagnostic) => `${d.code}@${d.range.start.line}:${d.range.start.character}`;
  const push = new LspClient();
  const pull = new LspClient();
  try {
    await push.initialize(root);
    await push.open(p('conf.d/site.conf'), SITE);
    const pushed = await push.diagnostics(p('conf.d/site.conf'), (d) => d.length > 0);
    const init = await pull.initialize(root, { pull: true });
    assert.ok(init.capabilities.diagnosticProvider);
    await pull.open(p('conf.d/site.conf'), SITE);
    const report = await pull.request<{ kind: string; items: Diagnostic[] }>('textDocument/diagnostic', { textDocument: { uri: uri(p('conf.d/site.conf')) } });
    assert.equal(report.kind, 'full');
    assert.ok(report.items.some((d) => d.code === 'undefined-upstream') && report.items.some((d) => d.code === 'pass-scheme-mismatch'));
    assert.deepEqual(report.items.map(key).sort(), pushed.map(key).sort());
  } finally {
    await push.stop();
    await pull.stop();
  }
});

test('pull diagnostics: a report the client already holds is answered "unchanged", any other gets the full list', async () => {
  const c = new LspClient();
  const site = p('conf.d/site.conf');
  const ask = (previousResultId?: string) => c.request<{ kind: string; resultId?: string; items?: Diagnostic[] }>('textDocument/diagnostic', { textDocument: { uri: uri(site) }, ...(previousResultId === undefined ? {} : { previousResultId }) });
  try {
    await c.initialize(root, { pull: true });
    await c.open(site, SITE);
    const first = await ask();
    assert.equal(first.kind, 'full');
    assert.ok(first.resultId && first.items!.some((d) => d.code === 'undefined-upstream'), JSON.stringify(first));
    // Nothing changed: the client keeps its list.
    assert.deepEqual(await ask(first.resultId), { kind: 'unchanged', resultId: first.resultId });
    // A comment typed: the same diagnostics, at the same places.
    await c.change(site, SITE.replace('# A comment block', '# A comment blocks'));
    assert.deepEqual(await ask(first.resultId), { kind: 'unchanged', resultId: first.resultId });
    // A client that holds no report, or another one (a lost answer, a restart), gets the full list.
    const none = await ask();
    assert.equal(none.kind, 'full');
    assert.deepEqual(none.items, first.items);
    const stale = await ask('not-an-id');
    assert.equal(stale.kind, 'full');
    // The upstream name mended: the finding goes, so the report is new.
    await c.change(site, SITE.replace('app_backnd', 'app_backend'));
    const mended = await ask(stale.resultId);
    assert.equal(mended.kind, 'full');
    assert.notEqual(mended.resultId, stale.resultId);
    assert.ok(!mended.items!.some((d) => d.code === 'undefined-upstream'), JSON.stringify(mended.items));
    // A shift of one column moves the ranges after it on that line: a new full report, not "unchanged".
    await c.change(site, SITE.replace('app_backnd', 'app_backend').replace('proxy_pass 127.0.0.1:18603', 'proxy_pass  127.0.0.1:18603'));
    const shifted = await ask(mended.resultId);
    assert.equal(shifted.kind, 'full');
    assert.notDeepEqual(shifted.items, mended.items);
  } finally {
    await c.stop();
  }
});

test('hover: directive docs with the effective value and its origin; pass directives list inherited timeouts; upstream names list servers', async () => {
  const c = new LspClient();
  try {
    await c.initialize(root);
    await c.open(p('conf.d/site.conf'), SITE);
    const h1 = await c.request<Hover>('textDocument/hover', { textDocument: { uri: uri(p('conf.d/site.conf')) }, position: pos(SITE, 'proxy_connect_timeout', 3) });
    const md1 = readable((h1.contents as { value: string }).value);
    assert.match(md1, /Effective value here:\*\* `5s` — set here \(site\.conf:10\)/);
    assertPlaceLink((h1.contents as { value: string }).value, 'site.conf:10', p('conf.d/site.conf'), 10);
    const h2 = await c.request<Hover>('textDocument/hover', { textDocument: { uri: uri(p('conf.d/site.conf')) }, position: pos(SITE, 'proxy_pass', 2, 1) });
    const md2 = readable((h2.contents as { value: string }).value);
    assertPlaceLink((h2.contents as { value: string }).value, '../nginx.conf:7', p('nginx.conf'), 7);
    assert.match(md2, /`proxy_read_timeout` \| `90s` \| inherited from \.\.\/nginx\.conf:7/);
    assert.match(md2, /`proxy_connect_timeout` \| `5s` \| set here/);
    assert.match(md2, /`proxy_send_timeout` \| `60s` \| built-in default/);
    const h3 = await c.request<Hover>('textDocument/hover', { textDocument: { uri: uri(p('conf.d/site.conf')) }, position: pos(SITE, 'app_backend', 3) });
    const md3 = (h3.contents as { value: string }).value;
    assert.match(md3, /upstream `app_backend`/);
    assert.match(md3, /127\.0\.0\.1:18601/);
    // A server line of the group: that server (its parameters, what its failure costs), the group in one line.
    await c.open(p('nginx.conf'), NGINX);
    const h5 = await c.request<Hover>('textDocument/hover', { textDocument: { uri: uri(p('nginx.conf')) }, position: pos(NGINX, '127.0.0.1:18601', 3) });
    const md5 = (h5.contents as { value: string }).value;
    assert.match(md5, /\*\*upstream server `127\.0\.0\.1:18601`\*\*/);
    assert.match(md5, /\| `max_fails` \| `1` \(default\)/);
    assert.match(md5, /connect\(\) failed \(111: Connection refused\) while connecting to upstream/);
    assert.match(md5, /Server 1 of 2 in `upstream app_backend`/);
    assert.doesNotMatch(md5, /18602/, 'the other server is not listed');
    assert.deepEqual(h5.range, { start: pos(NGINX, '127.0.0.1:18601'), end: pos(NGINX, '127.0.0.1:18601', 15) });
    // Directives proxylint has no own text for get the official reference.
    const h4 = await c.request<Hover>('textDocument/hover', { textDocument: { uri: uri(p('conf.d/site.conf')) }, position: pos(SITE, 'listen', 2) });
    assert.match((h4.contents as { value: string }).value, /nginx\.org\/en\/docs\/http\/ngx_http_core_module\.html#listen/);
  } finally {
    await c.stop();
  }
});

test('workspace/executeCommand proxylint.server.explain: an error-log line placed in the workspace configuration, with the value in force (no document open)', async () => {
  const c = new LspClient();
  try {
    const init = await c.initialize(root);
    assert.ok((init as { capabilities: { executeCommandProvider?: { commands: string[] } } }).capabilities.executeCommandProvider?.commands.includes('proxylint.server.explain'));
    const line =
      '2026/11/22 13:40:01 [error] 17#17: *5 upstream timed out (110: Connection timed out) while connecting to upstream, client: 10.0.0.9, server: , request: "POST /api/orders HTTP/1.1", upstream: "http://127.0.0.1:18601/api/orders", host: "127.0.0.1:18600"';
    const md = await c.request<string>('workspace/executeCommand', { command: 'proxylint.server.explain', arguments: [`${line}\n${line}\nsomething else\n`] });
    assert.match(md, /nginx: the client got 504, if no other server of the group was tried after it [^\n]*\(2 lines\)/);
    assert.match(md, /`location \/api\/` at \[site\.conf:8\]\(file:\/\/[^)]*site\.conf#L8\)/);
    assert.match(md, /`proxy_connect_timeout 5s`: set here, \[site\.conf:10\]/);
    assert.match(md, /1 other line not about a failed proxied request/);
    // One request tried on both servers of app_backend (one connection, *9): shown as that request, and the 502 is sure.
    const tries = ['18601', '18602'].map((port) => line.replace('*5', '*9').replace('upstream timed out (110: Connection timed out)', 'connect() failed (111: Connection refused)').replace('18601', port)).join('\n');
    const grouped = await c.request<string>('workspace/executeCommand', { command: 'proxylint.server.explain', arguments: [tries] });
    assert.match(grouped, /^### nginx: one request, logged in 2 lines \(connection \*9 \(worker 17\), client 10\.0\.0\.9, `POST \/api\/orders HTTP\/1\.1`\)\n\n\*\*Tried:\*\* `127\.0\.0\.1:18601` \(refused\), then `127\.0\.0\.1:18602` \(refused\)\n\n\*\*Outcome:\*\* the client got 502 \(every server nginx could use \(2\) was tried\)\./);
    assert.match(grouped, /\*\*nginx:\*\* this try failed \(502 had it been the last\); nginx went on with the request after it/);
    assert.match(grouped, /\*\*Request:\*\* `POST \/api\/orders`, backend `http:\/\/127\.0\.0\.1:18602\/api\/orders`/);
    // Alone, a POST that timed out after it was sent: proxy_next_upstream (error timeout) does not pass it on, so the 504 is sure.
    const post = line.replace('*5', '*11').replace('while connecting to upstream', 'while reading response header from upstream');
    const sure = await c.request<string>('workspace/executeCommand', { command: 'proxylint.server.explain', arguments: [post] });
    assert.match(sure, /^### nginx: the client got 504 \(a POST that was already sent is not passed to another server without non_idempotent in \*_next_upstream\)\n/);
    const none = await c.request<string>('workspace/executeCommand', { command: 'proxylint.server.explain', arguments: ['hello'] });
    assert.match(none, /does not know this line/);
    await assert.rejects(c.request('workspace/executeCommand', { command: 'proxylint.server.explain', arguments: [42] }), /takes the error-log text/);
  } finally {
    await c.stop();
  }
});

test('a position past the end of a line means the end of that line, for hover, definition and completion', async () => {
  const c = new LspClient();
  try {
    await c.initialize(root);
    await c.open(p('nginx.conf'), NGINX);
    const h = await c.request<Hover | null>('textDocument/hover', { textDocument: { uri: uri(p('nginx.conf')) }, position: { line: 0, character: 500 } });
    // Line 0 is `events {}`; line 1 is `http {`, which must not answer.
    if (h) assert.equal(h.range!.start.line, 0, JSON.stringify(h));
    assert.doesNotMatch(JSON.stringify(h), /ngx_http_core_module\.html#http/);
    // An argument may start a line of its own: past the end of `proxy_pass` is not inside `http://app_backend`.
    const text = SITE.replace('proxy_pass http://app_backend;', 'proxy_pass\nhttp://app_backend;');
    await c.open(p('conf.d/site.conf'), text);
    const at = { line: pos(text, 'proxy_pass\nhttp').line, character: 500 };
    const defs = await c.request<LocationLink[]>('textDocument/definition', { textDocument: { uri: uri(p('conf.d/site.conf')) }, position: at });
    assert.deepEqual(defs, []);
    const items = await c.request<CompletionItem[]>('textDocument/completion', { textDocument: { uri: uri(p('conf.d/site.conf')) }, position: at });
    assert.ok(!items.some((i) => i.label === 'http://app_backend'), 'completion must not continue the next line');
  } finally {
    await c.stop();
  }
});

test('a negative position is refused (InvalidParams) by hover, definition and completion, not read as the start of the file', async () => {
  const c = new LspClient();
  try {
    await c.initialize(root);
    await c.open(p('nginx.conf'), NGINX);
    const doc = { uri: uri(p('nginx.conf')) };
    for (const method of ['textDocument/hover', 'textDocument/definition', 'textDocument/completion']) {
      for (const position of [{ line: -1, character: 0 }, { line: 0, character: -3 }]) {
        await assert.rejects(c.request(method, { textDocument: doc, position }), (e: { code?: number; message?: string }) => e.code === -32602 && /unsigned integer/.test(e.message ?? ''), `${method} ${JSON.stringify(position)}`);
      }
    }
    // The server goes on answering.
    assert.notEqual(await c.request<Hover | null>('textDocument/hover', { textDocument: doc, position: { line: 0, character: 1 } }), null);
  } finally {
    await c.stop();
  }
});

test('hover on a line nginx reads as arguments of the line above (its ";" is missing) says so, with no value of its own', async () => {
  const c = new LspClient();
  try {
    await c.initialize(root);
    const file = p('conf.d/half.conf');
    const text = ['server {', '  location / {', '    proxy_pass http://', '    proxy_read_timeout', '    proxy_set_header "Host', ''].join('\n');
    await c.open(file, text);
    const hover = async (line: number) => ((await c.request<Hover | null>('textDocument/hover', { textDocument: { uri: uri(file) }, position: { line, character: 6 } }))?.contents as { value: string } | undefined)?.value ?? '';
    const half = readable((await hover(3)) ?? '');
    assertPlaceLink((await hover(3)) ?? '', 'half.conf:3', file, 3);
    assert.match(half, /^\*\*Not a directive for nginx yet:\*\* the line above has no `;`, so nginx reads `proxy_read_timeout` and the rest of this line as more arguments of `proxy_pass` \(half\.conf:3\)\./);
    assert.doesNotMatch(half, /Effective value here/);
    assert.match(readable((await hover(4)) ?? ''), /more arguments of `proxy_pass` \(half\.conf:3\)/);
    // proxy_pass itself: no value read as written, and its table does not show an empty proxy_read_timeout.
    const pass = readable((await hover(2)) ?? '');
    assertPlaceLink((await hover(2)) ?? '', 'half.conf:3', file, 3);
    assert.match(pass, /^\*\*Effective value here:\*\* none: a ";" is missing — half\.conf:3 has no ";"/);
    assert.match(pass, /\| `proxy_read_timeout` \| none: a ";" is missing \|/);
    assert.doesNotMatch(pass, /\| `` \||value here:\*\* ``/);
  } finally {
    await c.stop();
  }
});

test('code actions: quick fix, suggestion, disable-for-this-line and fix-all; applying the fix clears the diagnostic', async () => {
  const c = new LspClient();
  try {
    await c.initialize(root);
    const file = p('conf.d/site.conf');
    await c.open(file, SITE);
    const diags = await c.diagnostics(file, (d) => d.length >= 2);
    const scheme = diags.find((d) => d.code === 'pass-scheme-mismatch')!;
    const actions = await c.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri: uri(file) }, range: scheme.range, context: { diagnostics: [scheme] } });
    const fix = actions.find((a) => a.isPreferred)!;
    assert.equal(fix.title, 'Add "http://"');
    assert.ok(actions.some((a) => a.title === 'Add a disable comment for pass-scheme-mismatch (takes effect once you replace the TODO with a reason)'));
    assert.ok(actions.some((a) => a.command?.command === 'proxylint.server.openRuleDoc' && a.command.arguments?.[0] === 'pass-scheme-mismatch'));
    const fixed = apply(SITE, (fix.edit as WorkspaceEdit).changes![uri(file)]);
    assert.ok(fixed.includes('proxy_pass http://127.0.0.1:18603;'));
    await c.change(file, fixed);
    await c.diagnostics(file, (d) => !d.some((x) => x.code === 'pass-scheme-mismatch'));

    const typo = diags.find((d) => d.code === 'undefined-upstream')!;
    const sugg = await c.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri: uri(file) }, range: typo.range, context: { diagnostics: [typo] } });
    assert.ok(sugg.some((a) => a.title === 'Change to "app_backend"' && !a.isPreferred));
    const disable = sugg.find((a) => a.title === 'Add a disable comment for undefined-upstream (takes effect once you replace the TODO with a reason)')!;
    const disabled = apply(fixed, (disable.edit as WorkspaceEdit).changes![uri(file)]);
    assert.match(disabled, /\n {8}# proxylint-disable-next-line undefined-upstream -- TODO: why this is safe\n {8}proxy_pass http:\/\/app_backnd;/);
    await c.change(file, disabled);
    // The TODO placeholder is not a reason: the suppression is flagged and silences nothing until one is written.
    const pending = await c.diagnostics(file, (d) => d.some((x) => x.code === 'invalid-suppression'));
    assert.ok(pending.some((d) => d.code === 'undefined-upstream'));
    await c.change(file, disabled.replace('TODO: why this is safe', 'the name resolves through the service mesh'));
    await c.diagnostics(file, (d) => !d.some((x) => x.code === 'undefined-upstream' || x.code === 'invalid-suppression'));

    await c.change(file, SITE);
    const all = await c.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri: uri(file) }, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, context: { diagnostics: [], only: ['source.fixAll.proxylint'] } });
    assert.equal(all.length, 1);
    assert.equal(all[0].kind, 'source.fixAll.proxylint');
  } finally {
    await c.stop();
  }
});

test('code actions for a range with no diagnostics in the context (Neovim, Helix): the server finds the findings there itself', async () => {
  const c = new LspClient();
  try {
    await c.initialize(root);
    const file = p('conf.d/site.conf');
    await c.open(file, SITE);
    const diags = await c.diagnostics(file, (d) => d.some((x) => x.code === 'undefined-upstream') && d.some((x) => x.code === 'pass-scheme-mismatch'));
    const ask = (range: unknown, diagnostics: Diagnostic[] = []) => c.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri: uri(file) }, range, context: { diagnostics } });
    // The cursor on the misspelt name, as Helix asks (an empty range, no diagnostics).
    const at = pos(SITE, 'app_backnd', 3);
    const typo = await ask({ start: at, end: at });
    const change = typo.find((a) => a.title === 'Change to "app_backend"');
    assert.ok(change, JSON.stringify(typo.map((a) => a.title)));
    assert.equal(change.diagnostics?.[0].code, 'undefined-upstream', 'the action names the finding it fixes');
    assert.ok(typo.some((a) => a.title.startsWith('Add a disable comment for undefined-upstream')));
    assert.ok(!typo.some((a) => a.title === 'Add "http://"'), 'a finding on another line is not in range');
    // A selection over both lines with only one diagnostic sent (a client that knows some): both findings' fixes.
    const scheme = diags.find((d) => d.code === 'pass-scheme-mismatch')!;
    const both = await ask({ start: pos(SITE, 'location / {'), end: scheme.range.end }, [scheme]);
    assert.ok(both.some((a) => a.title === 'Change to "app_backend"') && both.some((a) => a.title === 'Add "http://"' && a.isPreferred), JSON.stringify(both.map((a) => a.title)));
    assert.equal(both.filter((a) => a.title === 'Add "http://"').length, 1, 'a finding both sent and in range is acted on once');
    // A line with no finding: no quick fix.
    const listen = pos(SITE, 'listen');
    assert.deepEqual((await ask({ start: listen, end: listen })).filter((a) => a.kind === 'quickfix'), []);
  } finally {
    await c.stop();
  }
});

test('completion: directives valid in the context, block snippets, values, and upstream names in pass targets', async () => {
  const c = new LspClient();
  try {
    await c.initialize(root);
    const file = p('conf.d/site.conf');
    const text = SITE.replace('proxy_connect_timeout 5s;', 'proxy_connect_timeout 5s;\n        proxy_rea\n        proxy_buffering \n        proxy_pass http://app');
    await c.open(file, text);
    const names = await c.request<CompletionItem[]>('textDocument/completion', { textDocument: { uri: uri(file) }, position: pos(text, 'proxy_rea\n', 9) });
    const labels = names.map((i) => i.label);
    assert.ok(labels.includes('proxy_read_timeout'));
    // The side pane says what the selected directive does (the client takes markdown), not only its module.
    const read = names.find((i) => i.label === 'proxy_read_timeout')!;
    assert.deepEqual(read.documentation && typeof read.documentation === 'object' && read.documentation.kind, 'markdown');
    assert.match((read.documentation as { value: string }).value, /longest silence[\s\S]*Default: 60s/);
    assert.ok(!labels.includes('worker_processes'), 'main-context directives are not offered in a location');
    assert.ok(!labels.includes('upstream'), 'http-only blocks are not offered in a location');
    const values = await c.request<CompletionItem[]>('textDocument/completion', { textDocument: { uri: uri(file) }, position: pos(text, 'proxy_buffering ', 16) });
    assert.deepEqual(values.map((i) => i.label).sort(), ['off', 'on']);
    const ups = await c.request<CompletionItem[]>('textDocument/completion', { textDocument: { uri: uri(file) }, position: pos(text, 'http://app\n', 10) });
    assert.deepEqual(ups.map((i) => i.label), ['http://app_backend']);
    // Right after a whole URL (a "/" typed after the name is a trigger character) no URL starts: nothing would fit.
    const whole = text.replace('proxy_pass http://app\n', 'proxy_pass http://app_backend/\n        proxy_pass http://127.0.0.1:\n');
    await c.change(file, whole);
    for (const [needle, delta] of [['http://app_backend/\n', 19], ['http://127.0.0.1:\n', 17]] as const) {
      const after = await c.request<CompletionItem[]>('textDocument/completion', { textDocument: { uri: uri(file) }, position: pos(whole, needle, delta), context: { triggerKind: 2, triggerCharacter: needle[delta - 1] } });
      assert.deepEqual(after.map((i) => i.label), [], needle);
    }
    await c.change(file, text);
    const inServer = await c.request<CompletionItem[]>('textDocument/completion', { textDocument: { uri: uri(file) }, position: pos(text, '    location /legacy', 4) });
    assert.ok(inServer.some((i) => i.label === 'location proxy block' && i.insertTextFormat === 2));
  } finally {
    await c.stop();
  }
});

test('navigation: definition of an upstream name and an include, document links, symbols and folding', async () => {
  const c = new LspClient();
  try {
    await c.initialize(root);
    const file = p('conf.d/site.conf');
    await c.open(file, SITE);
    const def = await c.request<LocationLink[]>('textDocument/definition', { textDocument: { uri: uri(file) }, position: pos(SITE, 'app_backend', 2) });
    assert.equal(def[0].targetUri, uri(p('nginx.conf')));
    assert.equal(def[0].targetRange.start.line, 2);
    await c.open(p('nginx.conf'), NGINX);
    const inc = await c.request<LocationLink[]>('textDocument/definition', { textDocument: { uri: uri(p('nginx.conf')) }, position: pos(NGINX, 'conf.d/*.conf', 2) });
    assert.deepEqual(inc.map((l) => l.targetUri), [uri(file)]);
    const named = 'server {\n    listen 127.0.0.1:18604;\n    location / { try_files $uri @backend; }\n    location @backend { proxy_pass http://app_backend; }\n}\n';
    await c.open(p('frag/named.conf'), named);
    const toNamed = await c.request<LocationLink[]>('textDocument/definition', { textDocument: { uri: uri(p('frag/named.conf')) }, position: pos(named, '@backend', 2) });
    assert.equal(toNamed[0].targetRange.start.line, 3);
    const links = await c.request<DocumentLink[]>('textDocument/documentLink', { textDocument: { uri: uri(p('nginx.conf')) } });
    assert.equal(links[0].target, uri(file));
    const symbols = await c.request<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri: uri(file) } });
    assert.equal(symbols[0].name, 'server 127.0.0.1:18600');
    assert.deepEqual(symbols[0].children!.map((s) => s.name), ['location /', 'location /api/', 'location /legacy/']);
    const folds = await c.request<FoldingRange[]>('textDocument/foldingRange', { textDocument: { uri: uri(file) } });
    assert.ok(folds.some((f) => f.startLine === 0 && f.endLine === 14));
    assert.ok(folds.some((f) => f.kind === 'comment' && f.startLine === 2 && f.endLine === 3));
  } finally {
    await c.stop();
  }
});

test('an unused suppression is tagged unnecessary', async () => {
  const c = new LspClient();
  try {
    await c.initialize(root);
    const file = p('frag/unused.conf');
    await c.open(file, 'location / {\n    # proxylint-disable-next-line read-timeout-too-low -- fast health checks\n    proxy_read_timeout 30s;\n}\n');
    const diags = await c.diagnostics(file, (d) => d.some((x) => x.code === 'unused-suppression'));
    assert.deepEqual(diags.find((d) => d.code === 'unused-suppression')!.tags, [1]);
  } finally {
    await c.stop();
  }
});

test('a fragment opened alone is checked in its inferred context; an untrusted workspace does not read includes outside it', async () => {
  const outside = tempTree({ 'secret.conf': 'proxy_pass 127.0.0.1:1;\n' });
  const c = new LspClient();
  try {
    await c.initialize(root, { initializationOptions: { trusted: false } });
    const file = p('frag/snippet.conf');
    const text = `include ${realpathSync(outside.dir)}/secret.conf;\nproxy_read_timeout 2s;\n`;
    await c.open(file, text);
    const diags = await c.diagnostics(file, (d) => d.length > 0);
    const inc = diags.find((d) => d.code === 'include-unreadable')!;
    assert.ok(inc, JSON.stringify(diags));
    assert.match(inc.message, /outside the workspace.*not checked until the workspace is trusted/);
    // Not following it is the trust setting's doing, not a fault of the configuration: information, not an error.
    assert.equal(inc.severity, 3);

    // Other ways out: a symbolic link inside the workspace, "..", a glob over an outside folder. None is read; in a
    // trusted workspace the same includes are followed (the control below), so the refusal is the trust setting's doing.
    const out = realpathSync(outside.dir);
    symlinkSync(join(out, 'secret.conf'), p('frag/link.conf'));
    // Relative includes resolve against the folder of the workspace's nginx.conf (nginx's prefix), not frag/.
    const escapes = `# proxylint: context location\ninclude frag/link.conf;\ninclude ${relative(root, out)}/secret.conf;\ninclude ${out}/*.conf;\n`;
    const file2 = p('frag/escapes.conf');
    writeFileSync(file2, escapes);
    await c.open(file2, escapes);
    const refused = await c.diagnostics(file2, (d) => d.filter((x) => x.code === 'include-unreadable').length === 3);
    assert.ok(refused.filter((d) => d.code === 'include-unreadable').every((d) => /outside the workspace/.test(d.message) && d.severity === 3), JSON.stringify(refused));
    assert.ok(!refused.some((d) => d.code === 'pass-scheme-mismatch'), 'nothing from secret.conf was checked');
    const trusted = new LspClient();
    try {
      await trusted.initialize(root, { initializationOptions: { trusted: true } });
      await trusted.open(file2, escapes);
      const followed = await trusted.diagnostics(file2);
      assert.ok(!followed.some((d) => d.code === 'include-unreadable'), JSON.stringify(followed));
    } finally {
      await trusted.stop();
    }
  } finally {
    await c.stop();
    outside.cleanup();
  }
});

test('a client that closes its end of the pipe ends the server quietly (exit 0, no stack trace)', () => {
  // Two messages, the reader gone after the first 10 bytes of the answer: the server's next write meets EPIPE.
  const frame = (m: object) => {
    const body = JSON.stringify(m);
    return `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
  };
  const init = frame({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { processId: null, rootUri: null, capabilities: {} } });
  const shutdown = frame({ jsonrpc: '2.0', id: 2, method: 'shutdown' });
  const script = `(printf '%s' "$INIT"; sleep 0.5; printf '%s' "$SHUTDOWN"; sleep 0.5; printf '%s' "$SHUTDOWN"; sleep 0.5) | node "$CLI" lsp --stdio | head -c 10 > /dev/null; echo "status=\${PIPESTATUS[1]}"`;
  const r = spawnSync('bash', ['-c', script], { encoding: 'utf8', env: { ...process.env, INIT: init, SHUTDOWN: shutdown, CLI }, timeout: 30_000 });
  assert.equal(r.stdout, 'status=0\n');
  assert.equal(r.stderr, '');
});
