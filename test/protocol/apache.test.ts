import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { realpathSync } from 'node:fs';
import type { CompletionItem, DocumentSymbol, Hover, LocationLink } from 'vscode-languageserver-protocol';
import { tempTree } from '../helpers';
import { LspClient, uri } from './client';

const VHOST = `<VirtualHost 127.0.0.1:18700>
    ServerName app.example.test
    ProxyTimeout 300
    <Proxy balancer://app>
        BalancerMember http://127.0.0.1:18701
        BalancerMember http://127.0.0.1:18702
    </Proxy>
    ProxyPass /api/ balancer://app/
    ProxyPass /old/ http://127.0.0.1:18703/ timeout=2
</VirtualHost>
`;

const tree = tempTree({ 'apache2/sites-enabled/app.conf': VHOST });
const root = realpathSync(tree.dir);
after(() => tree.cleanup());

function pos(text: string, needle: string, delta = 0) {
  const at = text.indexOf(needle) + delta;
  const before = text.slice(0, at);
  return { line: before.split('\n').length - 1, character: at - before.lastIndexOf('\n') - 1 };
}

test('Apache files get Apache diagnostics, hover with the timeout chain, outline, balancer definition and parameter completion', async () => {
  const c = new LspClient();
  const file = join(root, 'apache2/sites-enabled/app.conf');
  try {
    await c.initialize(root);
    await c.open(file, VHOST);
    const diags = await c.diagnostics(file, (d) => d.length > 0);
    assert.ok(diags.some((d) => d.code === 'balancer-member-without-health-check'), JSON.stringify(diags.map((d) => d.code)));
    assert.ok(diags.every((d) => /\/rules\/(apache|common)\//.test(d.codeDescription!.href)));

    const h = await c.request<Hover>('textDocument/hover', { textDocument: { uri: uri(file) }, position: pos(VHOST, 'ProxyPass /old/', 3) });
    const md = (h.contents as { value: string }).value;
    assert.match(md, /Backend timeout here:\*\* 2 s \(timeout=2\)/);
    assert.match(md, /httpd\.apache\.org\/docs\/2\.4\/mod\/mod_proxy\.html#proxypass/);
    const h2 = await c.request<Hover>('textDocument/hover', { textDocument: { uri: uri(file) }, position: pos(VHOST, 'BalancerMember', 3) });
    assert.match((h2.contents as { value: string }).value, /Backend timeout here:\*\* 300 s \(ProxyTimeout 300/);

    const symbols = await c.request<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri: uri(file) } });
    assert.equal(symbols[0].name, '<VirtualHost 127.0.0.1:18700>');
    assert.deepEqual(symbols[0].children!.map((s) => s.name), ['<Proxy balancer://app>']);

    const def = await c.request<LocationLink[]>('textDocument/definition', { textDocument: { uri: uri(file) }, position: pos(VHOST, 'balancer://app/', 12) });
    assert.equal(def[0].targetRange.start.line, 3);

    const text = VHOST.replace('timeout=2', 'timeout=2 conn');
    await c.change(file, text);
    const items = await c.request<CompletionItem[]>('textDocument/completion', { textDocument: { uri: uri(file) }, position: pos(text, 'timeout=2 conn', 14) });
    assert.ok(items.some((i) => i.label === 'connectiontimeout='));
  } finally {
    await c.stop();
  }
});
