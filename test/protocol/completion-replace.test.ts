// Completion inside a word: a client that declares insertReplaceSupport gets an InsertReplaceEdit (insert = the word's
// start to the cursor, replace = the whole word), so choosing an item in the middle of `proxy_read_ti|meout` can replace
// the word instead of leaving `meout` behind; other clients get a TextEdit from the word's start to the cursor. Both
// servers' files go through the same adapter.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { realpathSync } from 'node:fs';
import type { CompletionItem, InsertReplaceEdit, Range, TextEdit } from 'vscode-languageserver-protocol';
import { tempTree } from '../helpers';
import { LspClient, uri } from './client';

const t = tempTree({});
after(() => t.cleanup());
const root = realpathSync(t.dir);

const NGINX = `events {}
http {
    upstream app {
        server 127.0.0.1:18801 wei|ght=5;
    }
    server {
        listen 127.0.0.1:18800;
        location / {
            proxy_read_ti|meout 5s;
            proxy_pass http://a|pp;
        }
    }
}
`;
const APACHE = `ProxyTime|out 30
<Proxy balancer://pool>
    BalancerMember http://127.0.0.1:18811
</Proxy>
ProxyPass /a/ balancer://pool/ lbmethod=by|requests
ProxyPass /b/ http://127.0.0.1:18812/ time|out=5
<Location /c/>
    ProxyPass http://127.0.0.1:18813/
</Loc|ation>
`;

/** The text without its "|" marks, and the position of each mark. */
function marked(text: string): { text: string; at: { line: number; character: number }[] } {
  const at: { line: number; character: number }[] = [];
  const lines = text.split('\n').map((l, line) => {
    let out = '';
    for (const ch of l) {
      if (ch === '|') at.push({ line, character: out.length });
      else out += ch;
    }
    return out;
  });
  return { text: lines.join('\n'), at };
}

const slice = (text: string, r: Range) => text.split('\n')[r.start.line].slice(r.start.character, r.end.character);

async function completions(file: string, source: string, insertReplaceSupport: boolean): Promise<{ text: string; lists: CompletionItem[][] }> {
  const { text, at } = marked(source);
  const c = new LspClient();
  try {
    await c.initializeWith({
      rootUri: uri(root),
      workspaceFolders: [{ uri: uri(root), name: 'ws' }],
      capabilities: { textDocument: { completion: { completionItem: { snippetSupport: true, insertReplaceSupport } } } },
    });
    await c.open(file, text);
    const lists: CompletionItem[][] = [];
    for (const position of at) lists.push(await c.request<CompletionItem[]>('textDocument/completion', { textDocument: { uri: uri(file) }, position }));
    return { text, lists };
  } finally {
    await c.stop();
  }
}

/** What each list's item `label` inserts and replaces, as text of the document. */
function ranges(text: string, lists: CompletionItem[][], labels: string[]): string[] {
  return lists.map((items, k) => {
    const item = items.find((i) => i.label === labels[k]);
    assert.ok(item, `${labels[k]} not offered: ${items.map((i) => i.label).join(' ')}`);
    const e = item.textEdit as InsertReplaceEdit & TextEdit;
    return e.insert ? `insert "${slice(text, e.insert)}" replace "${slice(text, e.replace)}" with "${e.newText}"` : `range "${slice(text, e.range)}" with "${e.newText}"`;
  });
}

test('nginx: with insertReplaceSupport an item replaces the whole word (an upstream parameter\'s key with its "="); without it, up to the cursor', async () => {
  const file = join(root, 'nginx.conf');
  const labels = ['weight=', 'proxy_read_timeout', 'http://app'];
  const on = await completions(file, NGINX, true);
  assert.deepEqual(ranges(on.text, on.lists, labels), [
    'insert "wei" replace "weight=" with "weight="',
    'insert "proxy_read_ti" replace "proxy_read_timeout" with "proxy_read_timeout"',
    'insert "http://a" replace "http://app" with "http://app"',
  ]);
  const off = await completions(file, NGINX, false);
  assert.deepEqual(ranges(off.text, off.lists, labels), ['range "wei" with "weight="', 'range "proxy_read_ti" with "proxy_read_timeout"', 'range "http://a" with "http://app"']);
});

test('Apache: the same, for a directive name, a parameter value after "=", a parameter key (its value stays) and a closing tag', async () => {
  const file = join(root, 'apache2', 'apache2.conf');
  const labels = ['ProxyTimeout', 'byrequests', 'timeout=', '</Location>'];
  const on = await completions(file, APACHE, true);
  assert.deepEqual(ranges(on.text, on.lists, labels), [
    'insert "ProxyTime" replace "ProxyTimeout" with "ProxyTimeout"',
    'insert "by" replace "byrequests" with "byrequests"',
    'insert "time" replace "timeout=" with "timeout="',
    'insert "</Loc" replace "</Location>" with "</Location>"',
  ]);
  const off = await completions(file, APACHE, false);
  assert.deepEqual(ranges(off.text, off.lists, labels), ['range "ProxyTime" with "ProxyTimeout"', 'range "by" with "byrequests"', 'range "time" with "timeout="', 'range "</Loc" with "</Location>"']);
});
