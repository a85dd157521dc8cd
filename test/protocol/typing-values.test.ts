/**
 * Typing a value, keystroke by keystroke, in a file of an include tree: after each change the server checks the
 * configuration again taking the findings of the rules that never read the edited directive from the check before
 * (lintNginx's `previous`). Every pulled report must be the one a fresh lint of the same texts gives.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { realpathSync } from 'node:fs';
import { join } from 'node:path';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { lintNginx } from '../../server/src/core/lint';
import { defaultSettings } from '../../server/src/core/settings';
import { LineIndex } from '../../server/src/core/text';
import { toDiagnostic } from '../../server/src/lsp/convert';
import { createNodeHost } from '../../server/src/node/node-host';
import { tempTree } from '../helpers';
import { LspClient, uri } from './client';

const NGINX = `events {}
http {
    upstream app {
        server 127.0.0.1:18801;
        server 127.0.0.1:18802;
        keepalive 16;
    }
    proxy_read_timeout 90s;
    include conf.d/*.conf;
}
`;
const SITE = `server {
    listen 127.0.0.1:18811;
    location / {
        proxy_pass http://app;
        proxy_read_timeout 30s;
        proxy_connect_timeout 5s;
        proxy_next_upstream error timeout;
        proxy_next_upstream_tries 0;
    }
    location /ws/ {
        proxy_pass http://app;
        proxy_buffer_size 4k;
        proxy_buffers 8 4k;
    }
}
`;

const key = (d: Pick<Diagnostic, 'code' | 'range' | 'message'>) => `${d.code} ${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character} ${d.message}`;

test('typing values keystroke by keystroke: every pulled report equals a fresh lint of the same texts', { timeout: 120_000 }, async () => {
  const tree = tempTree({ 'nginx.conf': NGINX, 'conf.d/site.conf': SITE });
  const root = realpathSync(tree.dir);
  const site = join(root, 'conf.d', 'site.conf');
  const c = new LspClient();
  try {
    await c.initialize(root, { pull: true });
    c.open(site, SITE);
    let text = SITE;
    let resultId: string | undefined;
    let shown: Diagnostic[] = [];
    // Each typed into the value after the given text: digits, units, a deleted character, a replaced one.
    const typing: { after: string; type?: string; delete?: number }[] = [
      { after: 'proxy_read_timeout 30', type: '0' },
      { after: 'proxy_read_timeout 300', type: '0' },
      { after: 'proxy_read_timeout 3000', delete: 1 },
      { after: 'proxy_connect_timeout 5', type: '0' },
      { after: 'proxy_connect_timeout 50', type: '0' },
      { after: 'proxy_next_upstream_tries ', delete: 1 },
      { after: 'proxy_next_upstream_tries ', type: '3' },
      { after: 'proxy_buffer_size 4', delete: 1 },
      { after: 'proxy_buffer_size ', type: '6' },
      { after: 'proxy_buffer_size 6', type: '4' },
      { after: 'proxy_buffers 8 ', type: '1' },
      { after: 'proxy_pass http://ap', type: 'x' },
      { after: 'listen 127.0.0.1:1881', delete: 1 },
      { after: 'listen 127.0.0.1:1881', type: '2' },
    ];
    const host = () => createNodeHost({}, (p) => (p === site ? text : undefined));
    for (const step of typing) {
      const at = text.indexOf(step.after) + step.after.length;
      assert.ok(at >= step.after.length, `"${step.after}" is in the text`);
      const lines = new LineIndex(text);
      const end = at + (step.delete ?? 0);
      await c.edit(site, { start: lines.positionAt(at), end: lines.positionAt(end) }, step.type ?? '');
      text = text.slice(0, at) + (step.type ?? '') + text.slice(end);
      const report = await c.connection.sendRequest<{ kind: string; items?: Diagnostic[]; resultId?: string }>('textDocument/diagnostic', { textDocument: { uri: uri(site) }, ...(resultId ? { previousResultId: resultId } : {}) });
      resultId = report.resultId;
      const fresh = lintNginx(join(root, 'nginx.conf'), NGINX, host(), { settings: defaultSettings() });
      const byPath = new Map(fresh.config.files.map((f) => [f.path, f.lines]));
      const expected = fresh.findings.filter((f) => f.path === site).map((f) => toDiagnostic(f, (p) => byPath.get(p)));
      assert.ok(expected.length > 0, 'the site has findings to compare');
      // "unchanged" means the editor keeps what it shows.
      if (report.kind === 'full') shown = report.items!;
      assert.deepEqual(shown.map(key).sort(), expected.map(key).sort(), `after typing at "${step.after}"`);
    }
  } finally {
    await c.stop();
    tree.cleanup();
  }
});
