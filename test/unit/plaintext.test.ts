// Plain-text hovers and snippet-free completion (server/src/lsp/plaintext.ts) for clients that declare less than
// VS Code: every hover proxylint can show must read as text, without Markdown left in it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { markdownToPlainText, snippetToPlainText } from '../../server/src/lsp/plaintext';
import { docLookup, referenceDoc } from '../../server/src/lsp/docs';
import { allNginxDirectiveNames } from '../../server/src/core/model/nginx-directives';
import { allApacheDirectiveDocs } from '../../server/src/core/docs/directive-doc';
import { renderHover } from '../../server/src/core/docs/render';

test('plain text: bold, italics (either mark), code spans inside emphasis, links, tables, fences and escapes', () => {
  const md = [
    '**proxy_read_timeout** — The backend goes quiet *after* the header was sent.',
    'The *`path`* value can contain variables; _As logged in the lab._ See *`size`*`)`.',
    'See [`root`](https://nginx.org/r) or [https://x.example](https://x.example).',
    '| Directive | Value |',
    '|---|---|',
    '| `proxy_connect_timeout` | `5s` |',
    '```text',
    'upstream timed out *while* reading',
    '```',
    'server_name *.example.com *.example.org; 5*60 = 300; a \\* b',
  ].join('\n');
  assert.equal(
    markdownToPlainText(md),
    [
      'proxy_read_timeout — The backend goes quiet after the header was sent.',
      'The path value can contain variables; As logged in the lab. See size).',
      'See root (https://nginx.org/r) or https://x.example.',
      'Directive | Value',
      'proxy_connect_timeout | 5s',
      'upstream timed out *while* reading',
      'server_name *.example.com *.example.org; 5*60 = 300; a * b',
    ].join('\n'),
  );
});

test('plain text: no emphasis marks are left in any nginx or Apache directive hover', () => {
  const italic = /(^|[\s(“"'])(\*[A-Za-z][^*\n]*[A-Za-z0-9]\*|_[A-Za-z][^_\n]*[A-Za-z0-9.]_)(?=$|[\s).,;:!?”"'])|\*\*/;
  const left: string[] = [];
  const docs: [string, string | undefined][] = [
    ...allNginxDirectiveNames().flatMap((n): [string, string | undefined][] => [[n, docLookup(n, undefined)], [`${n} (reference)`, referenceDoc(n)]]),
    ...allApacheDirectiveDocs().map((d): [string, string] => [d.name, renderHover(d)]),
  ];
  for (const [name, md] of docs) {
    if (!md) continue;
    // Fenced blocks are verbatim (code, log lines): only the prose lines are checked.
    let fenced = false;
    for (const line of md.split('\n')) {
      if (/^\s*```/.test(line)) fenced = !fenced;
      if (fenced || /^\s*```/.test(line)) continue;
      const text = markdownToPlainText(line);
      const m = italic.exec(text);
      if (m) left.push(`${name}: …${text.slice(Math.max(0, m.index - 30), m.index + 40)}…`);
    }
  }
  assert.deepEqual(left.slice(0, 10), [], `${left.length} hover lines keep emphasis marks`);
});

test('snippets as the text they insert with nothing typed', () => {
  assert.equal(snippetToPlainText('location ${1:/} {\n\tproxy_set_header Host \\$host;\n\tproxy_read_timeout ${2:60s};$0\n}'), 'location / {\n\tproxy_set_header Host $host;\n\tproxy_read_timeout 60s;\n}');
  assert.equal(snippetToPlainText('a ${1:b ${2:c}} d $3 ${4} \\} \\\\'), 'a b c d   } \\');
});
