// The Apache side of the editor as a user meets it: quick fixes and comments that must keep httpd starting, on
// lines that a trailing "\" continues.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { realpathSync, writeFileSync } from 'node:fs';
import type { CodeAction, WorkspaceEdit } from 'vscode-languageserver-protocol';
import { apacheTest, tempTree } from '../helpers';
import { apply, LspClient, uri } from './client';

const trees: (() => void)[] = [];
after(() => trees.forEach((c) => c()));

function tree(files: Record<string, string>): string {
  const t = tempTree(files);
  trees.push(t.cleanup);
  return realpathSync(t.dir);
}

// timeout=500ms on the third physical line of one ProxyPass: httpd reads the three lines as one.
const CONTINUED = `<VirtualHost 127.0.0.1:18710>
    ServerName cont.example.test
    ProxyPass /c/ http://127.0.0.1:18711/ \\
        connectiontimeout=2 \\
        timeout=500ms
</VirtualHost>
`;

test('the disable comment for a finding on a "\\"-continued line goes above the whole directive, httpd still starts, and it silences the finding', async () => {
  const root = tree({ 'site.conf': CONTINUED });
  const file = join(root, 'site.conf');
  const c = new LspClient();
  try {
    await c.initialize(root);
    await c.open(file, CONTINUED);
    const diags = await c.diagnostics(file, (d) => d.some((x) => x.code === 'worker-timeout-unit-ignored'));
    const unit = diags.find((d) => d.code === 'worker-timeout-unit-ignored')!;
    assert.equal(unit.range.start.line, 4);
    const actions = await c.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri: uri(file) }, range: unit.range, context: { diagnostics: [unit] } });
    const disable = actions.find((a) => a.title.startsWith('Add a disable comment for worker-timeout-unit-ignored'))!;
    const disabled = apply(CONTINUED, (disable.edit as WorkspaceEdit).changes![uri(file)]);
    // A "#" line between continued lines is no comment for httpd: it would be read as more ProxyPass parameters.
    assert.match(disabled, /\n {4}# proxylint-disable-next-line worker-timeout-unit-ignored -- TODO: why this is safe\n {4}ProxyPass \/c\//);
    const reasoned = disabled.replace('TODO: why this is safe', 'the backend answers within 500 s');
    writeFileSync(file, reasoned);
    const t = apacheTest(file);
    assert.ok(t.ok, t.output);
    await c.change(file, reasoned);
    await c.diagnostics(file, (d) => !d.some((x) => x.code === 'worker-timeout-unit-ignored' || x.code === 'invalid-suppression' || x.code === 'unused-suppression'));
  } finally {
    await c.stop();
  }
});
