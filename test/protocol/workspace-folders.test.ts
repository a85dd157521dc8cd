import { test } from 'node:test';
import assert from 'node:assert/strict';
import { realpathSync } from 'node:fs';
import { join } from 'node:path';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { tempTree } from '../helpers';
import { LspClient, uri } from './client';

// In Restricted Mode the server reads nothing outside the workspace folders. A folder the user adds after start-up
// is part of the workspace from then on (and one removed is not): the server has to hear of the change, not keep
// the folders it was started with.
test('workspace folders added or removed after start-up change what an untrusted workspace reads', async () => {
  const a = tempTree({ 'nginx.conf': 'placeholder' });
  const b = tempTree({ 'up.conf': 'upstream app { server 127.0.0.1:1; }\n' });
  const dirA = realpathSync(a.dir);
  const dirB = realpathSync(b.dir);
  const c = new LspClient();
  try {
    const init = await c.initialize(dirA, { initializationOptions: { trusted: false } });
    assert.deepEqual((init.capabilities.workspace as { workspaceFolders?: unknown } | undefined)?.workspaceFolders, { supported: true, changeNotifications: true });
    const file = join(dirA, 'site.conf');
    const text = `# proxylint: context http\ninclude ${dirB}/up.conf;\nserver { listen 80; location / { proxy_pass http://app; } }\n`;
    await c.open(file, text);
    const refused = (d: Diagnostic[]) => d.some((x) => x.code === 'include-unreadable' && /outside the workspace/.test(x.message));
    assert.ok(refused(await c.diagnostics(file, refused)));
    // Go to definition on the group's name in proxy_pass: it is found only when up.conf was read.
    const onApp = { textDocument: { uri: uri(file) }, position: { line: 2, character: text.split('\n')[2].indexOf('app;') + 1 } };
    const definition = async () => JSON.stringify(await c.request('textDocument/definition', onApp));
    assert.doesNotMatch(await definition(), /up\.conf/);

    await c.connection.sendNotification('workspace/didChangeWorkspaceFolders', { event: { added: [{ uri: uri(dirB), name: 'b' }], removed: [] } });
    await c.diagnostics(file, (d) => !refused(d));
    assert.match(await definition(), new RegExp(`${uri(dirB)}/up\\.conf`));

    await c.connection.sendNotification('workspace/didChangeWorkspaceFolders', { event: { added: [], removed: [{ uri: uri(dirB), name: 'b' }] } });
    assert.ok(refused(await c.diagnostics(file, refused)));
    assert.doesNotMatch(await definition(), /up\.conf/);
  } finally {
    await c.stop();
    a.cleanup();
    b.cleanup();
  }
});
