// Restricted Mode (an untrusted workspace): run.sh runs the suite a second time in a code-server with
// workspace trust on, and index.js picks this file when vscode.workspace.isTrusted is false.
const assert = require('assert');
const vscode = require('vscode');

async function waitFor(what, fn, ms = 30_000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
const ours = (uri) => vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'proxylint');
const codeOf = (d) => (typeof d.code === 'object' ? String(d.code.value) : String(d.code));

suite('proxylint in Restricted Mode', () => {
  let folder;
  const open = async (rel) => {
    const d = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(folder.uri, rel));
    await vscode.window.showTextDocument(d);
    return d;
  };

  suiteSetup(() => {
    folder = vscode.workspace.workspaceFolders && vscode.workspace.workspaceFolders[0];
    assert.ok(folder, 'a workspace folder is open');
  });

  test('the workspace is untrusted and the extension still runs (limited support)', async () => {
    assert.strictEqual(vscode.workspace.isTrusted, false);
    const doc = await open('nginx.conf');
    const ext = vscode.extensions.getExtension('proxylint.proxylint');
    await waitFor('activation', () => ext.isActive);
    await waitFor('read-timeout-too-low', () => ours(doc.uri).some((d) => codeOf(d) === 'read-timeout-too-low'));
  });

  test('an include outside the workspace is not read, and says so', async () => {
    const doc = await open('trust/nginx.conf');
    const line = doc.getText().split('\n').findIndex((l) => l.includes('include ../../outside/'));
    const d = await waitFor('a diagnostic on the include line', () => ours(doc.uri).find((x) => x.range.start.line === line));
    assert.match(d.message, /outside the workspace/, `${codeOf(d)}: ${d.message}`);
  });
});
