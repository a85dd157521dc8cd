// The editor's "fix all" does what `proxylint --fix` does, pass after pass, and not only the fixes that fit in one
// pass: two LoadModule lines go to the same place, so one pass takes one and --fix takes the other in its second.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CodeAction, WorkspaceEdit } from 'vscode-languageserver-protocol';
import { apacheTest, runCli, tempTree } from '../helpers';
import { apply, LspClient, uri } from './client';

const HTTPD = [
  'LoadModule mpm_event_module /usr/lib/apache2/modules/mod_mpm_event.so',
  'LoadModule authz_core_module /usr/lib/apache2/modules/mod_authz_core.so',
  'LoadModule proxy_module /usr/lib/apache2/modules/mod_proxy.so',
  'ServerName localhost',
  'Listen 127.0.0.1:18471',
  '',
  '<VirtualHost 127.0.0.1:18471>',
  '    ProxyPass "/api/" "http://127.0.0.1:8080/api/"',
  '    ProxyPass "/php/" "fcgi://127.0.0.1:9000/"',
  '</VirtualHost>',
  '',
].join('\n');

/** What `proxylint --fix` makes of the file. */
function cliFixed(): string {
  const t = tempTree({ 'httpd.conf': HTTPD });
  try {
    const r = runCli(['--fix', 'httpd.conf'], { cwd: t.dir });
    assert.ok(r.code === 0 || r.code === 1, r.stderr);
    return readFileSync(join(t.dir, 'httpd.conf'), 'utf8');
  } finally {
    t.cleanup();
  }
}

const FIX_ALL = { diagnostics: [], only: ['source.fixAll.proxylint'] };
const CODE_ACTION = (resolve: boolean) => ({
  codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix', 'source', 'source.fixAll'] } },
  ...(resolve ? { resolveSupport: { properties: ['edit'] } } : {}),
});

for (const resolve of [true, false]) {
  test(`fix all (${resolve ? 'resolved when chosen, as VS Code does' : 'edit in the answer, for clients that do not resolve'}) equals --fix over every pass; apache2 -t accepts it`, async () => {
    const expected = cliFixed();
    assert.match(expected, /mod_proxy_http\.so/);
    assert.match(expected, /mod_proxy_fcgi\.so/, 'the CLI takes the second LoadModule in its second pass');
    const t = tempTree({ 'httpd.conf': HTTPD });
    const c = new LspClient();
    try {
      const root = realpathSync(t.dir);
      const file = join(root, 'httpd.conf');
      const init = await c.initializeWith({ rootUri: uri(root), capabilities: { textDocument: { codeAction: CODE_ACTION(resolve) } } });
      assert.equal((init.capabilities.codeActionProvider as { resolveProvider?: boolean }).resolveProvider, resolve ? true : undefined);
      await c.open(file, HTTPD);
      await c.diagnostics(file, (d) => d.filter((x) => x.code === 'proxy-scheme-module-missing').length === 2);
      const [action, ...rest] = await c.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri: uri(file) }, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, context: FIX_ALL });
      assert.equal(rest.length, 0);
      assert.equal(action.kind, 'source.fixAll.proxylint');
      let edit = action.edit as WorkspaceEdit | undefined;
      if (resolve) {
        assert.equal(edit, undefined, 'the passes run only when the action is chosen');
        edit = (await c.request<CodeAction>('codeAction/resolve', action)).edit as WorkspaceEdit;
      }
      const fixed = apply(HTTPD, edit!.changes![uri(file)]);
      assert.equal(fixed, expected);
      // Unchanged lines are not rewritten: the edits are the inserted lines only.
      assert.ok(edit!.changes![uri(file)].every((e) => e.range.start.line === e.range.end.line && e.range.start.character === 0));
      await c.change(file, fixed);
      await c.diagnostics(file, (d) => !d.some((x) => x.code === 'proxy-scheme-module-missing'));
      writeFileSync(file, fixed);
      const check = apacheTest(file);
      assert.ok(check.ok, check.output + '\n' + fixed);
    } finally {
      await c.stop();
      t.cleanup();
    }
  });
}

test('a fix that edits a snippet two nginx.conf files of the workspace include is a suggestion in the editor too, as with --fix', async () => {
  const conf = (port: number) => `events {}\nhttp {\n    server {\n        listen 127.0.0.1:${port};\n        include ../shared/ws.conf;\n    }\n}\n`;
  const snippet = 'location /ws/ {\n    proxy_pass http://127.0.0.1:8083;\n    proxy_http_version 1.1;\n    proxy_set_header Upgrade $http_upgrade;\n}\n';
  const t = tempTree({ 'a/nginx.conf': conf(18905), 'b/nginx.conf': conf(18906), 'shared/ws.conf': snippet });
  const c = new LspClient();
  try {
    const root = realpathSync(t.dir);
    const file = join(root, 'shared/ws.conf');
    await c.initialize(root);
    await c.open(file, snippet);
    const diags = await c.diagnostics(file, (d) => d.some((x) => x.code === 'websocket-headers-missing'));
    const ws = diags.find((x) => x.code === 'websocket-headers-missing')!;
    const actions = await c.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri: uri(file) }, range: ws.range, context: { diagnostics: [ws] } });
    assert.ok(!actions.some((a) => a.isPreferred), JSON.stringify(actions, null, 1));
    assert.ok(actions.some((a) => /which 2 of the checked configurations include/.test(a.title) && a.edit), JSON.stringify(actions.map((a) => a.title)));
    const all = await c.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri: uri(file) }, range: ws.range, context: FIX_ALL });
    assert.deepEqual(all, []);
  } finally {
    await c.stop();
    t.cleanup();
  }
});
