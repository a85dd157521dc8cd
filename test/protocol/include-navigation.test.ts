// Go to definition and document links on include lines lead to the file the configuration really read: a checkout of
// /etc/nginx whose nginx.conf includes `/etc/nginx/snippets/…` reads the checkout's copy (and so do its findings and
// hovers), so ctrl-click must open that copy, not a path on this machine; the same for "nginx.pathMap" and for Apache's
// ServerRoot-relative Include lines.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { DocumentLink, LocationLink } from 'vscode-languageserver-protocol';
import { tempTree } from '../helpers';
import { LspClient, uri } from './client';

function pos(text: string, needle: string, plus = 1) {
  const k = text.indexOf(needle) + plus;
  const before = text.slice(0, k).split('\n');
  return { line: before.length - 1, character: before[before.length - 1].length };
}

const NGINX = `events {}
http {
    server {
        listen 127.0.0.1:18931;
        include /etc/nginx/snippets/proxylint-nav-test.conf;
        include /srv/shared/proxylint-nav-mapped.conf;
    }
}
`;

test('nginx: definition and links on an absolute include open the checkout copy the configuration read (rerooted or pathMap)', async () => {
  const t = tempTree({
    'etc/nginx/nginx.conf': NGINX,
    'etc/nginx/snippets/proxylint-nav-test.conf': 'location / { proxy_pass http://127.0.0.1:18932; }\n',
    'mapped/proxylint-nav-mapped.conf': 'location /m/ { proxy_pass http://127.0.0.1:18933; }\n',
    '.proxylintrc.json': JSON.stringify({ nginx: { pathMap: { '/srv/shared/': 'mapped/' } } }),
  });
  const c = new LspClient();
  try {
    await c.initialize(t.dir);
    const conf = join(t.dir, 'etc/nginx/nginx.conf');
    await c.open(conf, NGINX);
    const snippet = join(t.dir, 'etc/nginx/snippets/proxylint-nav-test.conf');
    const mapped = join(t.dir, 'mapped/proxylint-nav-mapped.conf');
    const def1 = await c.request<LocationLink[]>('textDocument/definition', { textDocument: { uri: uri(conf) }, position: pos(NGINX, '/etc/nginx/snippets', 3) });
    assert.deepEqual(def1.map((d) => d.targetUri), [uri(snippet)]);
    const def2 = await c.request<LocationLink[]>('textDocument/definition', { textDocument: { uri: uri(conf) }, position: pos(NGINX, '/srv/shared', 3) });
    assert.deepEqual(def2.map((d) => d.targetUri), [uri(mapped)]);
    const links = await c.request<DocumentLink[]>('textDocument/documentLink', { textDocument: { uri: uri(conf) } });
    assert.deepEqual(links.map((l) => l.target).sort(), [uri(mapped), uri(snippet)].sort());
  } finally {
    await c.stop();
    t.cleanup();
  }
});

test('nginx: an include that read nothing (missing file) gets no link and no definition', async () => {
  const text = 'events {}\nhttp {\n    include /etc/nginx/proxylint-nav-missing.conf;\n}\n';
  const t = tempTree({ 'nginx.conf': text });
  const c = new LspClient();
  try {
    await c.initialize(t.dir);
    const conf = join(t.dir, 'nginx.conf');
    await c.open(conf, text);
    const def = await c.request<LocationLink[]>('textDocument/definition', { textDocument: { uri: uri(conf) }, position: pos(text, '/etc/nginx', 3) });
    assert.deepEqual(def, []);
    const links = await c.request<DocumentLink[]>('textDocument/documentLink', { textDocument: { uri: uri(conf) } });
    assert.deepEqual(links, []);
  } finally {
    await c.stop();
    t.cleanup();
  }
});

const APACHE = `ServerRoot "/etc/apache2"
Include ports.conf
IncludeOptional conf-enabled/*.conf
Include /etc/apache2/proxylint-nav-missing.conf
`;

test('Apache: definition on an Include opens the checkout copy httpd would read under its ServerRoot; a missing one gets none', async () => {
  const t = tempTree({
    'etc/apache2/apache2.conf': APACHE,
    'etc/apache2/ports.conf': 'Listen 127.0.0.1:18934\n',
    'etc/apache2/conf-enabled/proxy.conf': 'ProxyTimeout 30\n',
  });
  const c = new LspClient();
  try {
    await c.initialize(t.dir);
    const conf = join(t.dir, 'etc/apache2/apache2.conf');
    await c.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: uri(conf), languageId: 'apacheconf', version: 1, text: APACHE } });
    const at = (needle: string) => c.request<LocationLink[]>('textDocument/definition', { textDocument: { uri: uri(conf) }, position: pos(APACHE, needle, 2) });
    assert.deepEqual((await at('ports.conf')).map((d) => d.targetUri), [uri(join(t.dir, 'etc/apache2/ports.conf'))]);
    assert.deepEqual((await at('conf-enabled')).map((d) => d.targetUri), [uri(join(t.dir, 'etc/apache2/conf-enabled/proxy.conf'))]);
    assert.deepEqual(await at('/etc/apache2/proxylint-nav-missing'), []);
  } finally {
    await c.stop();
    t.cleanup();
  }
});

test('nginx: find references on an upstream name lists the pass targets that use the group, from its block or from any of them', async () => {
  const main = `events {}
http {
    upstream app {
        server 127.0.0.1:18941;
    }
    upstream other {
        server 127.0.0.1:18942;
    }
    server {
        listen 127.0.0.1:18940;
        location / { proxy_pass http://app; }
        location /o/ { proxy_pass http://other; }
        include snip/*.conf;
    }
}
`;
  const snip = 'location /s/ {\n    proxy_pass http://app/s/;\n}\n';
  const t = tempTree({ 'nginx.conf': main, 'snip/s.conf': snip });
  const c = new LspClient();
  try {
    await c.initialize(t.dir);
    const conf = join(t.dir, 'nginx.conf');
    const snippet = join(t.dir, 'snip/s.conf');
    await c.open(conf, main);
    const at = (l: { uri: string; range: { start: { line: number } } }) => `${l.uri === uri(conf) ? 'nginx.conf' : 'snip/s.conf'}:${l.range.start.line + 1}`;
    type Loc = { uri: string; range: { start: { line: number; character: number } } };
    const fromBlock = await c.request<Loc[]>('textDocument/references', { textDocument: { uri: uri(conf) }, position: pos(main, 'upstream app', 10), context: { includeDeclaration: true } });
    assert.deepEqual(fromBlock.map(at).sort(), ['nginx.conf:11', 'nginx.conf:3', 'snip/s.conf:2']);
    const fromUse = await c.request<Loc[]>('textDocument/references', { textDocument: { uri: uri(conf) }, position: pos(main, 'http://app;', 8), context: { includeDeclaration: false } });
    assert.deepEqual(fromUse.map(at).sort(), ['nginx.conf:11', 'snip/s.conf:2']);
    // The range is the target the line passes to.
    const use = fromUse.find((l) => l.uri === uri(conf))!;
    assert.equal(use.range.start.character, main.split('\n')[10].indexOf('http://app'));
    // From the snippet, where the group is not in sight.
    await c.open(snippet, snip);
    const fromSnippet = await c.request<Loc[]>('textDocument/references', { textDocument: { uri: uri(snippet) }, position: pos(snip, 'http://app', 8), context: { includeDeclaration: true } });
    assert.deepEqual(fromSnippet.map(at).sort(), ['nginx.conf:11', 'nginx.conf:3', 'snip/s.conf:2']);
    // Not on an upstream name: nothing.
    assert.deepEqual(await c.request('textDocument/references', { textDocument: { uri: uri(conf) }, position: pos(main, 'listen', 2), context: { includeDeclaration: true } }), []);
  } finally {
    await c.stop();
    t.cleanup();
  }
});
