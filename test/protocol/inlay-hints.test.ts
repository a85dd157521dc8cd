// textDocument/inlayHint over the real `proxylint lsp --stdio`: the timeouts in force after a site file's
// proxy_pass, taken from the nginx.conf that includes it; an edit of nginx.conf asks the client to request the site
// file's hints again (workspace/inlayHint/refresh), and they then show the new value.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { realpathSync } from 'node:fs';
import { tempTree } from '../helpers';
import { LspClient, uri } from './client';

const NGINX = 'events {}\nhttp {\n    proxy_read_timeout 45s;\n    include sites/*.conf;\n}\n';
const SITE = 'server {\n    listen 127.0.0.1:18660;\n    location / {\n        proxy_pass http://127.0.0.1:9000;\n    }\n}\n';

let root = '';
let cleanup = () => {};
const p = (rel: string) => join(root, rel);
before(() => {
  const t = tempTree({ 'nginx.conf': NGINX, 'sites/app.conf': SITE });
  root = realpathSync(t.dir);
  cleanup = t.cleanup;
});
after(() => cleanup());

interface Hint {
  position: { line: number; character: number };
  label: string;
  tooltip?: string;
  paddingLeft?: boolean;
}

test('inlay hints: inherited from the including nginx.conf, refreshed when nginx.conf changes', async () => {
  const c = new LspClient();
  let refreshes = 0;
  c.connection.onRequest('workspace/inlayHint/refresh', () => {
    refreshes++;
    return null;
  });
  try {
    const init = await c.initializeWith({
      rootUri: uri(root),
      workspaceFolders: [{ uri: uri(root), name: 'ws' }],
      capabilities: { textDocument: { inlayHint: {} }, workspace: { inlayHint: { refreshSupport: true }, workspaceFolders: true } },
    });
    assert.equal(init.capabilities.inlayHintProvider, true);
    await c.open(p('sites/app.conf'), SITE);
    await c.open(p('nginx.conf'), NGINX);
    await c.diagnostics(p('sites/app.conf'));
    const ask = () => c.request<Hint[]>('textDocument/inlayHint', { textDocument: { uri: uri(p('sites/app.conf')) }, range: { start: { line: 0, character: 0 }, end: { line: 6, character: 0 } } });
    const [h, ...rest] = await ask();
    assert.equal(rest.length, 0);
    assert.equal(h.label, 'connect 60s · read 45s');
    assert.deepEqual(h.position, { line: 3, character: SITE.split('\n')[3].length });
    assert.equal(h.paddingLeft, true);
    assert.match(h.tooltip ?? '', /proxy_read_timeout 45s: inherited from \.\.\/nginx\.conf:3/);
    // nginx.conf edited: the server asks for the other file's hints again, and they follow.
    await c.change(p('nginx.conf'), NGINX.replace('45s', '90s'));
    for (let i = 0; i < 100 && refreshes === 0; i++) await new Promise((r) => setTimeout(r, 50));
    assert.ok(refreshes > 0, 'workspace/inlayHint/refresh was sent');
    assert.equal((await ask())[0].label, 'connect 60s · read 90s');
    // Bad params get InvalidParams, not a crash.
    await assert.rejects(c.request('textDocument/inlayHint', { textDocument: { uri: uri(p('sites/app.conf')) } }), /range must be an object/);
  } finally {
    await c.stop();
  }
});
