// The server as editors other than VS Code drive it (Neovim, Helix, Emacs eglot, Sublime LSP): each declares its own
// subset of the LSP 3.17 client capabilities, and the server must keep to what it declares.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { realpathSync, writeFileSync } from 'node:fs';
import { CancellationTokenSource, ResponseError } from 'vscode-jsonrpc/node';
import { tempTree } from '../helpers';
import { LspClient, uri } from './client';

const NGINX = `events {}
http {
    upstream app_backend {
        server 127.0.0.1:18701;
        server 127.0.0.1:18702;
    }
    include conf.d/*.conf;
}
`;
const SITE = `server {
    listen 127.0.0.1:18700;
    # A comment
    location / {
        proxy_pass http://app_backnd;
    }
    location /api/ {
        proxy_pass http://app_backend;
        proxy_connect_timeout 5s;
    }
    location /legacy/ {
        proxy_pass 127.0.0.1:18703;
    }
}
`;

let root = '';
let cleanup = () => {};
const p = (rel: string) => join(root, rel);

before(() => {
  const t = tempTree({ 'nginx.conf': NGINX, 'conf.d/site.conf': SITE });
  root = realpathSync(t.dir);
  cleanup = t.cleanup;
});
after(() => cleanup());

const folders = () => ({ rootUri: uri(root), workspaceFolders: [{ uri: uri(root), name: 'ws' }] });

test('a client that answers the server\'s own requests with an error (registerCapability, diagnostic refresh) does not crash the server', async () => {
  const c = new LspClient();
  const failed: string[] = [];
  for (const method of ['client/registerCapability', 'workspace/diagnostic/refresh']) {
    c.connection.onRequest(method, () => {
      failed.push(method);
      return new ResponseError(-32601, `Unhandled method ${method}`);
    });
  }
  try {
    await c.initializeWith({
      ...folders(),
      capabilities: {
        textDocument: { diagnostic: { dynamicRegistration: false } },
        workspace: { didChangeConfiguration: { dynamicRegistration: true }, diagnostics: { refreshSupport: true } },
      },
    });
    await c.open(p('nginx.conf'), NGINX);
    await c.open(p('conf.d/site.conf'), SITE);
    // An edit of the entry changes what its other open file shows: the server asks the client to pull again.
    await c.change(p('nginx.conf'), NGINX.replace('upstream app_backend', 'upstream app_backnd'));
    const deadline = Date.now() + 5000;
    while (!failed.includes('workspace/diagnostic/refresh') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(failed, ['client/registerCapability', 'workspace/diagnostic/refresh']);
    const report = await c.request<{ items: { code: string }[] }>('textDocument/diagnostic', { textDocument: { uri: uri(p('conf.d/site.conf')) } });
    assert.ok(report.items.some((d) => d.code === 'undefined-upstream'), JSON.stringify(report));
    assert.doesNotMatch(c.stderr, /Error/);
  } finally {
    await c.stop();
  }
});

test('a client that pulls diagnostics but cannot be asked to pull again (no refreshSupport) gets them pushed, other open files included', async () => {
  const c = new LspClient();
  const asked: string[] = [];
  c.connection.onRequest('workspace/diagnostic/refresh', () => {
    asked.push('refresh');
    return new ResponseError(-32601, 'Unhandled method workspace/diagnostic/refresh');
  });
  try {
    const init = await c.initializeWith({ ...folders(), capabilities: { textDocument: { diagnostic: { dynamicRegistration: false } } } });
    assert.equal(init.capabilities.diagnosticProvider, undefined);
    await c.open(p('nginx.conf'), NGINX);
    await c.open(p('conf.d/site.conf'), SITE);
    await c.diagnostics(p('conf.d/site.conf'), (d) => d.some((x) => x.code === 'undefined-upstream' && x.range.start.line === 4));
    // Renaming the group in the (unsaved) entry moves the finding in the other file: it is pushed there.
    await c.change(p('nginx.conf'), NGINX.replace('upstream app_backend', 'upstream app_backnd'));
    await c.diagnostics(p('conf.d/site.conf'), (d) => d.some((x) => x.code === 'undefined-upstream' && x.range.start.line === 7));
    assert.deepEqual(asked, []);
  } finally {
    await c.stop();
  }
});

test('a pull the client cancels is answered RequestCancelled (-32800) or with its result, never ServerCancelled with "retrigger"', async () => {
  const c = new LspClient();
  try {
    await c.initialize(root, { pull: true });
    await c.open(p('conf.d/site.conf'), SITE);
    const outcomes: string[] = [];
    for (let k = 0; k < 5; k++) {
      const source = new CancellationTokenSource();
      const reply = c.connection.sendRequest('textDocument/diagnostic', { textDocument: { uri: uri(p('conf.d/site.conf')) } }, source.token);
      source.cancel();
      outcomes.push(await reply.then(
        () => 'result',
        (e: ResponseError<unknown>) => `${e.code} ${JSON.stringify(e.data ?? null)}`,
      ));
    }
    assert.ok(outcomes.every((o) => o === 'result' || o === '-32800 null'), outcomes.join(', '));
  } finally {
    await c.stop();
  }
});

test('lifecycle: before initialize a request gets ServerNotInitialized and a notification is dropped; initialize comes once; after shutdown a request gets InvalidRequest', async () => {
  const c = new LspClient();
  const code = (x: Promise<unknown>) => x.then(
    () => 'result',
    (e: ResponseError<unknown>) => e.code,
  );
  try {
    const hover = { textDocument: { uri: uri(p('conf.d/site.conf')) }, position: { line: 4, character: 10 } };
    assert.equal(await code(c.request('textDocument/hover', hover)), -32002);
    // Opened before initialize: not kept, and no diagnostics are published for it (nothing may reach the client yet).
    await c.open(p('conf.d/site.conf'), SITE);
    await c.initializeWith({ ...folders(), capabilities: {} });
    await new Promise((r) => setTimeout(r, 400));
    assert.deepEqual(c.publishedFor(p('conf.d/site.conf')), []);
    assert.equal(await c.request('textDocument/hover', hover), null);
    assert.equal(await code(c.request('initialize', { processId: null, rootUri: null, capabilities: {} })), -32600);
    await c.open(p('conf.d/site.conf'), SITE);
    assert.ok(await c.request('textDocument/hover', hover));
    assert.equal(await c.request('shutdown', undefined), null);
    assert.equal(await code(c.request('textDocument/hover', hover)), -32600);
    assert.equal(await code(c.request('shutdown', undefined)), -32600);
  } finally {
    await c.stop();
  }
});

test('lifecycle: an initialize without capabilities is refused (InvalidParams) and leaves the server uninitialized, so a corrected one succeeds', async () => {
  const c = new LspClient();
  const code = (x: Promise<unknown>) => x.then(
    () => 'result',
    (e: ResponseError<unknown>) => e.code,
  );
  try {
    // Before, the library threw inside its own handler after the state had changed: an internal error, then every
    // request answered as if initialized, and the corrected initialize refused as a second one.
    assert.equal(await code(c.request('initialize', { processId: null, rootUri: null })), -32602);
    const hover = { textDocument: { uri: uri(p('conf.d/site.conf')) }, position: { line: 4, character: 10 } };
    assert.equal(await code(c.request('textDocument/hover', hover)), -32002);
    const init = await c.initializeWith({ ...folders(), capabilities: {} });
    assert.equal(init.capabilities.hoverProvider, true);
  } finally {
    await c.stop();
  }
});

test('a client that names its workspace by rootPath only (deprecated, still sent by some) gets the included file checked inside its nginx.conf', async () => {
  const c = new LspClient();
  try {
    await c.initializeWith({ rootPath: root, rootUri: null, capabilities: {} });
    await c.open(p('conf.d/site.conf'), SITE);
    // Only the nginx.conf that includes it defines app_backend: the typo is reported only when that is known.
    const diags = await c.diagnostics(p('conf.d/site.conf'), (d) => d.some((x) => x.code === 'pass-scheme-mismatch'));
    assert.ok(diags.some((d) => d.code === 'undefined-upstream' && d.range.start.line === 4), JSON.stringify(diags));
  } finally {
    await c.stop();
  }
});

test('hover: a client that takes plain text only (or names no format) gets plain text, one that prefers Markdown gets Markdown', async () => {
  const kinds: Record<string, string> = {};
  for (const [name, hover] of [['plaintext', { contentFormat: ['plaintext'] }], ['unnamed', undefined], ['markdown', { contentFormat: ['markdown', 'plaintext'] }]] as const) {
    const c = new LspClient();
    try {
      await c.initializeWith({ ...folders(), capabilities: { textDocument: hover ? { hover } : {} } });
      await c.open(p('conf.d/site.conf'), SITE);
      const h = await c.request<{ contents: { kind: string; value: string } }>('textDocument/hover', { textDocument: { uri: uri(p('conf.d/site.conf')) }, position: { line: 7, character: 10 } });
      kinds[name] = h.contents.kind;
      if (h.contents.kind === 'plaintext') {
        // No Markdown left over: the table of effective values and the links read as text.
        assert.doesNotMatch(h.contents.value, /\*\*|`|\]\(|\|---/, h.contents.value);
        assert.match(h.contents.value, /^proxy_connect_timeout \| 5s \| set here \(site\.conf:9\)$/m);
        assert.match(h.contents.value, /nginx docs ↗ \(https:\/\/nginx\.org\/en\/docs\/http\/ngx_http_proxy_module\.html#proxy_pass\)/);
        // The place is its label only, not the path the link points at.
        assert.doesNotMatch(h.contents.value, /file:|#L\d/, h.contents.value);
      } else {
        assert.match(h.contents.value, /\| `proxy_connect_timeout` \| `5s` \| set here/);
        // …and in Markdown a link VS Code opens at that line.
        assert.ok(h.contents.value.includes(`set here ([site.conf:9](${uri(p('conf.d/site.conf'))}#L9))`), h.contents.value);
      }
    } finally {
      await c.stop();
    }
  }
  assert.deepEqual(kinds, { plaintext: 'plaintext', unnamed: 'plaintext', markdown: 'markdown' });
});

test('completion: a client without snippetSupport gets block templates as plain text, never snippet syntax', async () => {
  const c = new LspClient();
  try {
    await c.initializeWith({ ...folders(), capabilities: { textDocument: { completion: { completionItem: { snippetSupport: false } } } } });
    await c.open(p('conf.d/site.conf'), SITE);
    const items = await c.request<{ label: string; insertTextFormat?: number; textEdit: { newText: string } }[]>('textDocument/completion', { textDocument: { uri: uri(p('conf.d/site.conf')) }, position: { line: 10, character: 4 } });
    const block = items.find((i) => i.label === 'location proxy block');
    assert.ok(block, JSON.stringify(items.map((i) => i.label)));
    assert.ok(items.every((i) => i.insertTextFormat !== 2), JSON.stringify(items.filter((i) => i.insertTextFormat === 2)));
    // What a snippet client gets with nothing typed into its placeholders: `${1:/}` is `/`, `\$host` is `$host`.
    assert.equal(block.textEdit.newText, 'location / {\n\tproxy_pass http://backend;\n\tproxy_http_version 1.1;\n\tproxy_set_header Host $host;\n\tproxy_set_header Connection "";\n\tproxy_connect_timeout 5s;\n\tproxy_read_timeout 60s;\n}');
    await c.open(p('conf.d/b.conf'), 'server {\n    location /a/ \n}\n');
    const body = await c.request<{ label: string; insertTextFormat?: number; textEdit: { newText: string } }[]>('textDocument/completion', { textDocument: { uri: uri(p('conf.d/b.conf')) }, position: { line: 1, character: 17 } });
    assert.deepEqual(body.map((i) => [i.label, i.textEdit.newText, i.insertTextFormat]), [['{…}', '{\n\t\n}', 1]]);
  } finally {
    await c.stop();
  }
});

test('completion inside a comment offers nothing (a space typed there is a trigger character); before its # it still does', async () => {
  const c = new LspClient();
  try {
    await c.initialize(root);
    const text = SITE.replace('proxy_connect_timeout 5s;', 'proxy_connect_timeout 5s; # keep it short ');
    await c.open(p('conf.d/site.conf'), text);
    const at = (line: number, character: number) => c.request<unknown[]>('textDocument/completion', { textDocument: { uri: uri(p('conf.d/site.conf')) }, position: { line, character } });
    assert.deepEqual(await at(2, 8), []); // "    # A |comment"
    assert.deepEqual(await at(2, 15), []); // end of that line
    assert.deepEqual(await at(8, 42), []); // "proxy_connect_timeout 5s; # keep |it short"
    assert.deepEqual(await at(8, 200), []); // past the end of that line
    assert.ok((await at(2, 4)).length > 0); // "    |# A comment": a directive may be typed here
  } finally {
    await c.stop();
  }
});

test('a client without hierarchicalDocumentSymbolSupport gets SymbolInformation[], one without linkSupport gets Location[] for definition', async () => {
  const c = new LspClient();
  try {
    await c.initializeWith({ ...folders(), capabilities: { textDocument: { documentSymbol: {}, definition: {} } } });
    await c.open(p('conf.d/site.conf'), SITE);
    const symbols = await c.request<Record<string, unknown>[]>('textDocument/documentSymbol', { textDocument: { uri: uri(p('conf.d/site.conf')) } });
    assert.deepEqual(
      symbols.map((s) => [s.name, s.containerName, (s.location as { uri: string }).uri, (s.location as { range: { start: { line: number } } }).range.start.line]),
      [
        ['server 127.0.0.1:18700', undefined, uri(p('conf.d/site.conf')), 0],
        ['location /', 'server 127.0.0.1:18700', uri(p('conf.d/site.conf')), 3],
        ['location /api/', 'server 127.0.0.1:18700', uri(p('conf.d/site.conf')), 6],
        ['location /legacy/', 'server 127.0.0.1:18700', uri(p('conf.d/site.conf')), 10],
      ],
    );
    assert.ok(symbols.every((s) => !('children' in s) && !('selectionRange' in s)));
    const def = await c.request<Record<string, unknown>[]>('textDocument/definition', { textDocument: { uri: uri(p('conf.d/site.conf')) }, position: { line: 7, character: 30 } });
    assert.deepEqual(def, [{ uri: uri(p('nginx.conf')), range: { start: { line: 2, character: 4 }, end: { line: 2, character: 25 } } }]);
  } finally {
    await c.stop();
  }
});

test('code actions: a client without codeActionLiteralSupport gets Command[] that apply through workspace/applyEdit; the rule page opens through window/showDocument', async () => {
  const c = new LspClient();
  const applied: unknown[] = [];
  const shown: unknown[] = [];
  c.connection.onRequest('workspace/applyEdit', (p: unknown) => (applied.push(p), { applied: true }));
  c.connection.onRequest('window/showDocument', (p: unknown) => (shown.push(p), { success: true }));
  try {
    const init = await c.initializeWith({ ...folders(), capabilities: { workspace: { applyEdit: true }, window: { showDocument: { support: true } }, textDocument: { codeAction: {} } } });
    assert.equal(init.capabilities.codeActionProvider, true);
    assert.deepEqual(init.capabilities.executeCommandProvider, { commands: ['proxylint.server.explain', 'proxylint.server.applyEdit', 'proxylint.server.openRuleDoc'] });
    const file = p('conf.d/site.conf');
    await c.open(file, SITE);
    const scheme = (await c.diagnostics(file, (d) => d.some((x) => x.code === 'pass-scheme-mismatch'))).find((d) => d.code === 'pass-scheme-mismatch')!;
    const commands = await c.request<{ title: string; command: string; arguments: unknown[]; kind?: string; edit?: unknown }[]>('textDocument/codeAction', { textDocument: { uri: uri(file) }, range: scheme.range, context: { diagnostics: [scheme] } });
    assert.ok(commands.length >= 3 && commands.every((x) => typeof x.command === 'string' && x.kind === undefined && x.edit === undefined), JSON.stringify(commands));
    const fix = commands.find((x) => x.title === 'Add "http://"')!;
    assert.equal(fix.command, 'proxylint.server.applyEdit');
    // Nothing is applied until the user picks the action; then the client is asked to apply exactly that edit.
    assert.deepEqual(applied, []);
    assert.equal(await c.request('workspace/executeCommand', { command: fix.command, arguments: fix.arguments }), true);
    assert.deepEqual(applied, [{ label: 'proxylint', edit: { changes: { [uri(file)]: [{ range: scheme.range, newText: 'http://127.0.0.1:18703' }] } } }]);
    const doc = commands.find((x) => x.title === 'Open the pass-scheme-mismatch documentation')!;
    assert.equal(await c.request('workspace/executeCommand', { command: doc.command, arguments: doc.arguments }), true);
    assert.deepEqual(shown, [{ uri: 'https://github.com/proxylint/proxylint/blob/main/server/src/core/rules/nginx/pass-scheme-mismatch.md', external: true }]);
  } finally {
    await c.stop();
  }
});

test('code actions: with literals, the rule page action runs the server\'s command for a client with showDocument (VS Code, Neovim, Helix, Sublime); a client without it gets no such action', async () => {
  for (const showDocument of [true, false]) {
    const c = new LspClient();
    try {
      const init = await c.initializeWith({
        ...folders(),
        capabilities: { window: { showDocument: { support: showDocument } }, textDocument: { codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix'] } } } } },
      });
      assert.deepEqual(init.capabilities.codeActionProvider, { codeActionKinds: ['quickfix', 'source.fixAll.proxylint'] });
      // No command the server cannot carry out is advertised.
      // Explaining a log line only answers, so every client gets it; opening the rule page needs showDocument.
      assert.deepEqual(init.capabilities.executeCommandProvider, { commands: showDocument ? ['proxylint.server.explain', 'proxylint.server.openRuleDoc'] : ['proxylint.server.explain'] });
      const file = p('conf.d/site.conf');
      await c.open(file, SITE);
      const scheme = (await c.diagnostics(file, (d) => d.some((x) => x.code === 'pass-scheme-mismatch'))).find((d) => d.code === 'pass-scheme-mismatch')!;
      const actions = await c.request<{ title: string; command?: { command: string; arguments: unknown[] } }[]>('textDocument/codeAction', { textDocument: { uri: uri(file) }, range: scheme.range, context: { diagnostics: [scheme] } });
      const doc = actions.find((a) => a.title === 'Open the pass-scheme-mismatch documentation');
      assert.deepEqual(doc?.command, showDocument ? { title: 'Open documentation', command: 'proxylint.server.openRuleDoc', arguments: ['pass-scheme-mismatch'] } : undefined);
      // Every command offered is one the server lists (nothing only the VS Code extension defines).
      const offered = actions.flatMap((a) => (a.command ? [a.command.command] : []));
      assert.ok(offered.every((cmd) => ((init.capabilities.executeCommandProvider as { commands: string[] } | undefined)?.commands ?? []).includes(cmd)), JSON.stringify(offered));
    } finally {
      await c.stop();
    }
  }
});

test('a client that lets the server register file watchers is asked to watch the workspace\'s files (.proxylintrc.json among them), and a change it reports re-checks the open files', async () => {
  const c = new LspClient();
  const registrations: { method: string; registerOptions?: unknown }[] = [];
  c.connection.onRequest('client/registerCapability', (params: { registrations: { method: string; registerOptions?: unknown }[] }) => {
    registrations.push(...params.registrations);
    return null;
  });
  const t = tempTree({ 'nginx.conf': NGINX, 'conf.d/site.conf': SITE });
  const dir = realpathSync(t.dir);
  try {
    await c.initializeWith({ rootUri: uri(dir), capabilities: { workspace: { didChangeWatchedFiles: { dynamicRegistration: true } } } });
    const file = join(dir, 'conf.d/site.conf');
    await c.open(file, SITE);
    await c.diagnostics(file, (d) => d.some((x) => x.code === 'undefined-upstream'));
    assert.deepEqual(
      registrations.filter((r) => r.method === 'workspace/didChangeWatchedFiles').map((r) => r.registerOptions),
      [{ watchers: [{ globPattern: '**/*' }] }],
    );
    writeFileSync(join(dir, '.proxylintrc.json'), JSON.stringify({ rules: { 'undefined-upstream': 'off' } }));
    await c.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uri(join(dir, '.proxylintrc.json')), type: 1 }] });
    await c.diagnostics(file, (d) => !d.some((x) => x.code === 'undefined-upstream'));
  } finally {
    await c.stop();
    t.cleanup();
  }
});

test('files changed on disk by other programs: a file the configuration reads, or a new conf file, re-checks; other files and saves do not', async () => {
  const c = new LspClient();
  c.connection.onRequest('client/registerCapability', () => null);
  const entry = `events {}
http {
    include proxy_params;
    server {
        listen 127.0.0.1:18720;
        location / {
            proxy_pass http://127.0.0.1:18721;
        }
    }
    include conf.d/*.conf;
}
`;
  const t = tempTree({ 'nginx.conf': entry, proxy_params: 'proxy_buffering on;\n', 'notes.txt': 'x\n', 'conf.d/.keep': '' });
  const dir = realpathSync(t.dir);
  const q = (rel: string) => join(dir, rel);
  const changed = (rel: string, type: 1 | 2 | 3) => c.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uri(q(rel)), type }] });
  /** Waits until every notification sent so far has been handled, and the unopened files' delayed report too. */
  const settled = async () => {
    await c.request('textDocument/hover', { textDocument: { uri: uri(q('nginx.conf')) }, position: { line: 0, character: 1 } });
    await new Promise((r) => setTimeout(r, 300));
  };
  try {
    await c.initializeWith({ rootUri: uri(dir), capabilities: { workspace: { didChangeWatchedFiles: { dynamicRegistration: true } } } });
    await c.open(q('nginx.conf'), entry);
    await c.diagnostics(q('nginx.conf'));
    await settled();
    // An included file edited by another program: its problem shows up without touching any open document.
    writeFileSync(q('proxy_params'), 'proxy_buffering yes;\n');
    await changed('proxy_params', 2);
    await c.diagnostics(q('proxy_params'), (d) => d.some((x) => x.code === 'invalid-argument-value'));
    // A new file an include glob takes in.
    writeFileSync(q('conf.d/new.conf'), 'server {\n    listen 127.0.0.1:18722;\n    location / {\n        proxy_request_buffering no;\n        proxy_pass http://127.0.0.1:18721;\n    }\n}\n');
    await changed('conf.d/new.conf', 1);
    await c.diagnostics(q('conf.d/new.conf'), (d) => d.some((x) => x.code === 'invalid-argument-value'));
    await settled();
    // Nothing to do: a file no configuration reads, and the save of the open document itself.
    const before = c.publishedFor(q('nginx.conf')).length;
    writeFileSync(q('notes.txt'), 'y\n');
    await changed('notes.txt', 2);
    writeFileSync(q('nginx.conf'), entry);
    await changed('nginx.conf', 2);
    await settled();
    assert.equal(c.publishedFor(q('nginx.conf')).length, before);
    // Deleted: the include glob no longer takes the file, and its problem goes.
    const { rmSync } = await import('node:fs');
    rmSync(q('conf.d/new.conf'));
    await changed('conf.d/new.conf', 3);
    await c.diagnostics(q('conf.d/new.conf'), (d) => d.length === 0);
  } finally {
    await c.stop();
    t.cleanup();
  }
});

test('files changed on disk: a deleted folder that held included files re-checks (VS Code sends one event for the folder)', async () => {
  // VS Code's file watcher drops the events of a deleted folder's children and reports the folder alone
  // (`rm -rf sites/enabled`, a `git checkout` of a branch without it); the folder's parent holds no file read here.
  const c = new LspClient();
  c.connection.onRequest('client/registerCapability', () => null);
  const entry = `events {}
http {
    include ../sites/enabled/*.conf;
}
`;
  const site = 'server {\n    listen 127.0.0.1:18723;\n    location / {\n        proxy_request_buffering no;\n        proxy_pass http://127.0.0.1:18721;\n    }\n}\n';
  const t = tempTree({ 'nginx/nginx.conf': entry, 'sites/enabled/app.conf': site });
  const dir = realpathSync(t.dir);
  const q = (rel: string) => join(dir, rel);
  try {
    await c.initializeWith({ rootUri: uri(dir), capabilities: { workspace: { didChangeWatchedFiles: { dynamicRegistration: true } } } });
    await c.open(q('nginx/nginx.conf'), entry);
    await c.diagnostics(q('sites/enabled/app.conf'), (d) => d.some((x) => x.code === 'invalid-argument-value'));
    const { rmSync } = await import('node:fs');
    rmSync(q('sites/enabled'), { recursive: true });
    await c.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uri(q('sites/enabled')), type: 3 }] });
    await c.diagnostics(q('sites/enabled/app.conf'), (d) => d.length === 0);
  } finally {
    await c.stop();
    t.cleanup();
  }
});
