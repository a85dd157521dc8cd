// What .proxylintrc.json says reaches the editor as it reaches the CLI: the "ignore" list, and a file that is invalid.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { realpathSync } from 'node:fs';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { tempTree } from '../helpers';
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
