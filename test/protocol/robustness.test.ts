import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { readFileSync, realpathSync } from 'node:fs';
import { CLI, tempTree } from '../helpers';
import { LspClient } from './client';

// A binary file as a reviewer had it: some config-looking text, then NUL bytes and other control bytes.
const BINARY = Buffer.concat([Buffer.from('server { listen 80; }\n'), Buffer.from([0, 1, 2, 0xff, 0, 0x7b, 0x7d, 0x3b, 0, 10])]);
const PASS = 'server {\n    location / {\n        proxy_pass 127.0.0.1:18603;\n    }\n}\n';
const NGINX = 'events {}\nhttp {\n    include conf.d/*.conf;\n}\n';

let tree: ReturnType<typeof tempTree>;
let root: string;
const p = (rel: string) => join(root, rel);

before(() => {
  tree = tempTree({ 'nginx.conf': NGINX, 'conf.d/blob.conf': BINARY, 'frag/blob.conf': BINARY, 'conf.d/pass.conf': PASS });
  root = realpathSync(tree.dir);
});
after(() => tree.cleanup());

test('a binary document (NUL bytes) is not parsed: one diagnostic says so in the words of the CLI, and no feature answers from it', async () => {
  // What the CLI says of the same file.
  const cli = spawnSync(process.execPath, [CLI, '--format', 'json', p('frag/blob.conf')], { encoding: 'utf8' });
  const cliMessage: string = JSON.parse(cli.stdout).errors[0].message;
  const reason = /: (is a binary file .*)$/.exec(cliMessage)![1];

  const c = new LspClient();
  try {
    await c.initialize(root);
    for (const rel of ['frag/blob.conf', 'conf.d/blob.conf']) {
      // An editor that opens it anyway sends the bytes as text (Latin-1 keeps the NULs).
      await c.open(p(rel), readFileSync(p(rel), 'latin1'));
      const d = await c.diagnostics(p(rel));
      assert.equal(d.length, 1, `${rel}: ${JSON.stringify(d)}`);
      assert.equal(d[0].code, 'binary-file');
      assert.equal(d[0].severity, 1);
      assert.ok(d[0].message.includes(reason), `${d[0].message} should include ${reason}`);
      assert.match(d[0].message, /not checked/);
      // Never parsed: nothing to hover, no outline, no actions.
      assert.equal(await c.request('textDocument/hover', { textDocument: { uri: `file://${p(rel)}` }, position: { line: 0, character: 2 } }), null);
      assert.deepEqual(await c.request('textDocument/documentSymbol', { textDocument: { uri: `file://${p(rel)}` } }), []);
    }
    // The nginx.conf that includes it reports the include as unreadable, as the CLI does, with the same reason.
    await c.open(p('nginx.conf'), NGINX);
    const entry = await c.diagnostics(p('nginx.conf'), (d) => d.some((x) => x.code === 'include-unreadable'));
    assert.ok(entry.some((x) => x.code === 'include-unreadable' && x.message.includes('binary file')), JSON.stringify(entry));
    assert.ok(!entry.some((x) => x.code === 'syntax-error'), JSON.stringify(entry));
    // Once the NULs are gone the file is checked again.
    await c.change(p('frag/blob.conf'), 'proxy_pass 127.0.0.1:1;\n');
    const fixed = await c.diagnostics(p('frag/blob.conf'), (d) => !d.some((x) => x.code === 'binary-file'));
    assert.ok(fixed.length > 0, JSON.stringify(fixed));
  } finally {
    await c.stop();
  }
});

test('malformed request params are refused with InvalidParams naming the field, and the server stays up', async () => {
  const c = new LspClient();
  const file = p('nginx.conf');
  const doc = { uri: `file://${file}` };
  const zero = { line: 0, character: 0 };
  const cases: [string, unknown, RegExp][] = [
    ['textDocument/hover', { foo: 1 }, /textDocument\/hover: params\.textDocument must be an object/],
    ['textDocument/hover', { textDocument: doc }, /params\.position must be an object/],
    ['textDocument/hover', { textDocument: { uri: 7 }, position: zero }, /params\.textDocument\.uri must be a string/],
    ['textDocument/completion', { textDocument: doc, position: { line: 0, character: 1.5 } }, /params\.position\.character must be an unsigned integer/],
    // null or an array: refused before the handler (vscode-jsonrpc: "defines parameters by name"), also as InvalidParams.
    ['textDocument/definition', null, /params must be an object|parameters by name/],
    ['textDocument/codeAction', { textDocument: doc, range: null, context: { diagnostics: [] } }, /textDocument\/codeAction: params\.range must be an object, not null/],
    ['textDocument/codeAction', { textDocument: doc, range: { start: zero, end: zero } }, /params\.context must be an object/],
    ['textDocument/codeAction', { textDocument: doc, range: { start: zero, end: zero }, context: { diagnostics: [{ code: 'x', range: null }] } }, /params\.context\.diagnostics\[0\]\.range must be an object/],
    ['textDocument/codeAction', { textDocument: doc, range: { start: zero, end: zero }, context: { diagnostics: [], only: 'quickfix' } }, /params\.context\.only must be an array/],
    ['codeAction/resolve', null, /codeAction\/resolve: params must be an object|parameters by name/],
    ['codeAction/resolve', { kind: 'source.fixAll.proxylint' }, /codeAction\/resolve: params\.title must be a string/],
    ['textDocument/documentSymbol', {}, /params\.textDocument must be an object/],
    ['textDocument/foldingRange', { textDocument: null }, /params\.textDocument must be an object, not null/],
    ['textDocument/documentLink', [], /params must be an object, not an array|parameters by name/],
    ['workspace/executeCommand', { arguments: [] }, /params\.command must be a string/],
  ];
  try {
    await c.initialize(root);
    await c.open(file, NGINX);
    await c.diagnostics(file);
    for (const [method, params, message] of cases) {
      await assert.rejects(c.request(method, params), (e: { code?: number; message?: string }) => {
        assert.equal(e.code, -32602, `${method} ${JSON.stringify(params)}: ${e.message}`);
        assert.match(e.message ?? '', message);
        assert.doesNotMatch(e.message ?? '', /TypeError|Cannot read/);
        return true;
      });
    }
    // Still up, and answering well-formed requests.
    const symbols = await c.request<unknown[]>('textDocument/documentSymbol', { textDocument: doc });
    assert.ok(symbols.length > 0);
    assert.equal(await c.request('textDocument/hover', { textDocument: { uri: 'file:///nowhere.conf' }, position: zero }), null);
  } finally {
    await c.stop();
  }
});

test('settings are taken flat or wrapped in "proxylint", in initializationOptions and in didChangeConfiguration alike', async () => {
  const file = p('conf.d/pass.conf');
  const scheme = (d: { code?: unknown }[]) => d.find((x) => x.code === 'pass-scheme-mismatch') as { severity?: number } | undefined;
  const noInvalid = (d: { code?: unknown }[]) => assert.ok(!d.some((x) => x.code === 'invalid-config'), JSON.stringify(d));
  for (const settings of [{ rules: { 'pass-scheme-mismatch': 'off' } }, { proxylint: { rules: { 'pass-scheme-mismatch': 'off' } } }]) {
    const c = new LspClient();
    try {
      await c.initialize(root, { initializationOptions: { settings } });
      await c.open(file, PASS);
      const d = await c.diagnostics(file);
      noInvalid(d);
      assert.equal(scheme(d), undefined, `initializationOptions.settings ${JSON.stringify(settings)}: ${JSON.stringify(d)}`);
    } finally {
      await c.stop();
    }
  }

  const c = new LspClient();
  const logs: string[] = [];
  c.connection.onNotification('window/logMessage', (m: { message: string }) => logs.push(m.message));
  const configure = (settings: unknown) => c.connection.sendNotification('workspace/didChangeConfiguration', { settings });
  try {
    await c.initialize(root);
    await c.open(file, PASS);
    assert.equal(scheme(await c.diagnostics(file, (d) => !!scheme(d)))?.severity, 1);
    // Flat.
    await configure({ rules: { 'pass-scheme-mismatch': 'warning' } });
    let d = await c.diagnostics(file, (x) => scheme(x)?.severity === 2);
    noInvalid(d);
    // Wrapped.
    await configure({ proxylint: { rules: { 'pass-scheme-mismatch': 'off' } } });
    d = await c.diagnostics(file, (x) => !scheme(x));
    noInvalid(d);
    // Not settings at all: ignored, with a log line (the rule stays off).
    const published = c.publishedFor(file).length;
    await configure(null);
    d = await c.diagnostics(file, () => c.publishedFor(file).length > published);
    assert.equal(scheme(d), undefined, JSON.stringify(d));
    assert.ok(logs.some((l) => /didChangeConfiguration: settings is not an object/.test(l)), JSON.stringify(logs));
    // Wrapped beside another tool's section: only "proxylint" is read (back to the defaults, nothing invalid).
    await configure({ proxylint: {}, lua: { diagnostics: true } });
    d = await c.diagnostics(file, (x) => scheme(x)?.severity === 1);
    noInvalid(d);
  } finally {
    await c.stop();
  }
});
