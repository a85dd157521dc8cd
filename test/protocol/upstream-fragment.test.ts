// An upstream fragment (server lines meant for `upstream app { include upstreams/app.conf; }`) that nothing in sight
// includes: the CLI given the file, the CLI given its folder and the editor check its lines in the upstream context
// and agree; so do --context and the context comment, for http and stream upstreams.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { realpathSync } from 'node:fs';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { tempTree } from '../helpers';
import { runJson } from '../cli/util';
import { LspClient } from './client';

const UP = 'server 10.0.0.1:80;\nserver localhost:99999;\nkeepalive 16;\n';
const STREAM_UP = '# proxylint: context stream-upstream\nserver 10.0.0.1:5432;\nserver 10.0.0.2;\n';

let dir = '';
let cleanup = () => {};
before(() => {
  const t = tempTree({ 'upstreams/app.conf': UP, 'upstreams/db.conf': STREAM_UP });
  dir = realpathSync(t.dir);
  cleanup = t.cleanup;
});
after(() => cleanup());

/** rule@line:column, severity, message. */
type Seen = [string, 'error' | 'warning' | 'info', string];
const SEVERITY = { 1: 'error', 2: 'warning', 3: 'info' } as const;
const fromCli = (args: string[], path: string): Seen[] =>
  (runJson(args).report.files.find((f) => f.path === path)?.findings ?? []).map((f) => [`${f.ruleId}@${f.line}:${f.column}`, f.severity, f.message]);
const fromLsp = (d: Diagnostic[]): Seen[] => d.map((x) => [`${x.code}@${x.range.start.line + 1}:${x.range.start.character + 1}`, SEVERITY[x.severity as 1 | 2 | 3], x.message]);

test('CLI: an upstream fragment is checked in the upstream context, inferred or declared with --context', () => {
  const app = join(dir, 'upstreams/app.conf');
  const alone = fromCli([app], app);
  assert.deepEqual(alone, [['invalid-upstream-address@2:8', 'error', 'nginx will not start: invalid port in upstream "localhost:99999"']]);
  assert.deepEqual(fromCli([dir], app), alone);
  assert.deepEqual(fromCli(['--context', 'upstream', app], app), alone);
  // In a stream upstream keepalive is not allowed at all.
  assert.deepEqual(fromCli(['--context', 'stream-upstream', app], app).map((f) => f[0]), ['invalid-upstream-address@2:8', 'directive-not-allowed-here@3:1']);
});

test('CLI: a stream upstream fragment declared by its comment: a server without a port stops nginx', () => {
  const db = join(dir, 'upstreams/db.conf');
  const found = fromCli([db], db);
  assert.deepEqual(found.map((f) => [f[0], f[1]]), [['invalid-upstream-address@3:8', 'error']]);
  assert.match(found[0][2], /^nginx will not start: no port in upstream "10\.0\.0\.2": a server in a stream upstream needs one/);
});

test('language server: the same findings on an open upstream fragment as the CLI', async () => {
  const c = new LspClient();
  try {
    await c.initialize(dir);
    for (const [rel, text] of [['upstreams/app.conf', UP], ['upstreams/db.conf', STREAM_UP]]) {
      const path = join(dir, rel);
      await c.open(path, text);
      const lsp = fromLsp(await c.diagnostics(path));
      assert.ok(lsp.length > 0, rel);
      assert.deepEqual(lsp, fromCli([path], path), rel);
    }
  } finally {
    await c.stop();
  }
});
