// What .proxylintrc.json says reaches the editor as it reaches the CLI: the "ignore" list, and a file that is invalid.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { realpathSync, writeFileSync } from 'node:fs';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { runCli, tempTree } from '../helpers';
import { LspClient, uri } from './client';

const BAD = '# proxylint: context location\nproxy_pass 127.0.0.1:9000;\n';

let root = '';
let cleanup = () => {};
const p = (rel: string) => join(root, rel);

before(() => {
  const t = tempTree({ '.proxylintrc.json': JSON.stringify({ ignore: ['vendor/**'] }), 'vendor/v.conf': BAD, 'site/s.conf': BAD });
  root = realpathSync(t.dir);
  cleanup = t.cleanup;
});
after(() => cleanup());

test('"ignore": a file it matches gets an empty diagnostics list, pushed or pulled, and no code actions', async () => {
  const push = new LspClient();
  const pull = new LspClient();
  try {
    await push.initialize(root);
    // The control first: the same text outside vendor/ is reported, so silence below is the ignore list's doing.
    await push.open(p('site/s.conf'), BAD);
    const shown = await push.diagnostics(p('site/s.conf'));
    assert.ok(shown.some((d) => d.code === 'pass-scheme-mismatch'), JSON.stringify(shown));
    await push.open(p('vendor/v.conf'), BAD);
    assert.deepEqual(await push.diagnostics(p('vendor/v.conf')), []);
    const actions = await push.request<unknown[]>('textDocument/codeAction', {
      textDocument: { uri: uri(p('vendor/v.conf')) },
      range: { start: { line: 1, character: 0 }, end: { line: 1, character: 26 } },
      context: { diagnostics: shown.filter((d) => d.code === 'pass-scheme-mismatch') as Diagnostic[] },
    });
    assert.deepEqual(actions, []);

    await pull.initialize(root, { pull: true });
    await pull.open(p('vendor/v.conf'), BAD);
    const report = await pull.request<{ items: Diagnostic[] }>('textDocument/diagnostic', { textDocument: { uri: uri(p('vendor/v.conf')) } });
    assert.deepEqual(report.items, []);
  } finally {
    await push.stop();
    await pull.stop();
  }
});

test('an invalid .proxylintrc.json: one error notification, an error on the first line of each file it applies to, gone once it is fixed', async () => {
  const t = tempTree({
    'cfg/.proxylintrc.json': JSON.stringify({ rules: { 'failover-ignores-5xx': 'warn' } }),
    'cfg/a.conf': BAD,
    'cfg/sub/b.conf': BAD,
  });
  const dir = realpathSync(t.dir);
  const q = (rel: string) => join(dir, rel);
  const cli = runCli([q('cfg/a.conf')]);
  assert.equal(cli.code, 2, 'the CLI refuses the same file');
  assert.match(cli.stderr, /rules\.failover-ignores-5xx/);
  const c = new LspClient();
  const messages: { type: number; message: string }[] = [];
  c.connection.onNotification('window/showMessage', (m: { type: number; message: string }) => messages.push(m));
  const invalid = (d: Diagnostic[]) => d.find((x) => x.code === 'invalid-config');
  try {
    await c.initialize(dir);
    await c.open(q('cfg/a.conf'), BAD);
    await c.open(q('cfg/sub/b.conf'), BAD);
    for (const f of ['cfg/a.conf', 'cfg/sub/b.conf']) {
      const d = invalid(await c.diagnostics(q(f), (x) => !!invalid(x)))!;
      assert.equal(d.severity, 1);
      assert.deepEqual(d.range, { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } });
      assert.match(d.message, new RegExp(`^${q('cfg/.proxylintrc.json')} is invalid.*rules\\.failover-ignores-5xx: use "off", "info", "warning" or "error"`));
      assert.equal(d.relatedInformation![0].location.uri, uri(q('cfg/.proxylintrc.json')));
      // The rest of the file is still checked.
      assert.ok((await c.diagnostics(q(f))).some((x) => x.code === 'pass-scheme-mismatch'));
    }
    // A request both ways ensures every notification sent before it has arrived.
    await c.request('textDocument/hover', { textDocument: { uri: uri(q('cfg/a.conf')) }, position: { line: 1, character: 1 } });
    assert.equal(messages.length, 1, JSON.stringify(messages));
    assert.equal(messages[0].type, 1);
    assert.match(messages[0].message, /\.proxylintrc\.json is invalid.*failover-ignores-5xx/);

    // Fixed on disk: the error goes; broken again another way: a new notification.
    writeFileSync(q('cfg/.proxylintrc.json'), JSON.stringify({ rules: { 'failover-ignores-5xx': 'warning' } }));
    await c.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uri(q('cfg/.proxylintrc.json')), type: 2 }] });
    await c.diagnostics(q('cfg/a.conf'), (x) => !invalid(x) && x.length > 0);
    writeFileSync(q('cfg/.proxylintrc.json'), '{ "rules": ');
    await c.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uri(q('cfg/.proxylintrc.json')), type: 2 }] });
    await c.diagnostics(q('cfg/a.conf'), (x) => !!invalid(x));
    await c.request('textDocument/hover', { textDocument: { uri: uri(q('cfg/a.conf')) }, position: { line: 1, character: 1 } });
    assert.equal(messages.length, 2, JSON.stringify(messages));
  } finally {
    await c.stop();
    t.cleanup();
  }
});

test('an invalid entry in .proxylintrc.json leaves the editor setting for that key in force (the rest of the file still wins)', async () => {
  const t = tempTree({
    'cfg/.proxylintrc.json': JSON.stringify({ rules: { 'pass-scheme-mismatch': 'loud', 'failover-ignores-5xx': 'error' } }),
    'cfg/a.conf': BAD,
  });
  const dir = realpathSync(t.dir);
  const q = (rel: string) => join(dir, rel);
  const c = new LspClient();
  try {
    // The editor turns pass-scheme-mismatch off; the project file's "loud" for it is invalid and must not undo that.
    await c.initialize(dir, { initializationOptions: { settings: { rules: { 'pass-scheme-mismatch': 'off' } } } });
    await c.open(q('cfg/a.conf'), BAD);
    const d = await c.diagnostics(q('cfg/a.conf'), (x) => x.some((y) => y.code === 'invalid-config'));
    assert.match(d.find((x) => x.code === 'invalid-config')!.message, /pass-scheme-mismatch/);
    assert.deepEqual(d.filter((x) => x.code === 'pass-scheme-mismatch'), [], 'the editor setting "off" still applies');
  } finally {
    await c.stop();
    t.cleanup();
  }
});
