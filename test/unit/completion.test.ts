import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CompletionItem } from 'vscode-languageserver';
import { completionItems } from '../../server/src/lsp/completion';
import { nginxDirectiveDoc } from '../../server/src/core/docs/directive-doc';
import { apacheCompletions } from '../../server/src/core/features/apache-completion';
import { lintApache } from '../../server/src/core/lint-apache';
import { defaultSettings } from '../../server/src/core/settings';
import { lintText, memHost } from '../helpers';

/** Completion items at the `|` in an nginx.conf. */
function complete(textWithCursor: string): CompletionItem[] {
  const offset = textWithCursor.indexOf('|');
  const text = textWithCursor.replace('|', '');
  return completionItems([lintText(text)], '/cfg/nginx.conf', offset);
}
const labels = (items: CompletionItem[]) => items.map((i) => i.label);
const newText = (i: CompletionItem) => (i.textEdit as { newText: string }).newText;

test('completion never inserts the reference placeholder "{...}" as text', () => {
  for (const t of ['events {}\nhttp { upstream u { server | } }\n', 'events {}\nhttp { upstream u { server 10.0.0.1:80 max_| } }\n', 'events {}\nhttp { server | }\n', 'events {}\nhttp { server { location | } }\n', 'events {}\nhttp { server { location /a/ | } }\n', 'events {}\nhttp { map $a $b | }\n']) {
    for (const i of complete(t)) {
      assert.ok(!newText(i).includes('{...}'), `${JSON.stringify(t)}: ${JSON.stringify(i)}`);
      if (newText(i).includes('{')) assert.equal(i.insertTextFormat, 2, `${JSON.stringify(t)}: a block body is a snippet`);
    }
  }
});

test('completion after an upstream server address offers the server parameters, Plus-only ones marked, written ones left out', () => {
  const items = complete('events {}\nhttp { upstream u { server 10.0.0.1:80 max_| } }\n');
  for (const p of ['weight=', 'max_fails=', 'fail_timeout=', 'backup', 'down', 'max_conns=', 'resolve', 'service=', 'slow_start=', 'route=']) assert.ok(labels(items).includes(p), p);
  assert.match(items.find((i) => i.label === 'slow_start=')!.detail!, /NGINX Plus only/);
  // Open source since 1.29.6 (the reference: "Prior to version 1.29.6, this parameter was available only as part of our commercial subscription").
  for (const p of ['route=', 'drain']) assert.match(items.find((i) => i.label === p)!.detail!, /NGINX Plus; open source since 1\.29\.6/);
  assert.doesNotMatch(items.find((i) => i.label === 'weight=')!.detail!, /Plus/);
  assert.equal(newText(items.find((i) => i.label === 'max_fails=')!), 'max_fails=');
  // The address comes first and is the user's to type; a parameter already on the line is not offered again.
  assert.deepEqual(complete('events {}\nhttp { upstream u { server | } }\n'), []);
  assert.ok(!labels(complete('events {}\nhttp { upstream u { server 10.0.0.1:80 weight=2 | } }\n')).includes('weight='));
  // Stream upstreams have no sticky routes.
  assert.ok(!labels(complete('stream { upstream u { server 10.0.0.1:80 | } }\n')).includes('route='));
});

test('completion of block directives: a real snippet for the braces once the arguments are there; location modifiers first', () => {
  const http = complete('events {}\nhttp { server | }\n');
  assert.deepEqual(http.map((i) => [i.label, newText(i), i.insertTextFormat]), [['{…}', '{\n\t$0\n}', 2]]);
  assert.deepEqual(labels(complete('events {}\nhttp { server { location | } }\n')), ['=', '~', '~*', '^~']);
  assert.deepEqual(labels(complete('events {}\nhttp { server { location /a/ | } }\n')), ['{…}']);
  assert.deepEqual(labels(complete('events {}\nhttp { server { location ~ | } }\n')), []);
  // A directive with all its arguments gets no more keywords.
  assert.deepEqual(labels(complete('events {}\nhttp { server { location / { proxy_buffering on | } } }\n')), []);
  assert.deepEqual(labels(complete('events {}\nhttp { server { error_page 502 | } }\n')), []);
});

test('completion of a keyword list leaves out the words already on the line, and still offers the rest', () => {
  const items = labels(complete('events {}\nhttp { server { location / { grpc_next_upstream error | } } }\n'));
  assert.ok(!items.includes('error'), items.join(' '));
  assert.ok(items.includes('timeout') && items.includes('http_502'), items.join(' '));
  // The word under the cursor itself is not "already written": retyping it is still completed.
  assert.ok(labels(complete('events {}\nhttp { server { location / { proxy_next_upstream err| } } }\n')).includes('error'));
});

// In the editor, Ctrl+Space at the end of "server 127.0.0.1:8082 backup;" offered weight=, max_fails=… (the
// statement's span ends after its ";", and the cursor there counted as inside it): text typed there starts a new
// statement, so it gets the directives of the block, as it does after a block's "}".
test('completion right after a ";" or a closing "}" offers the directives of the block, not more arguments', () => {
  const afterServer = labels(complete('events {}\nhttp { upstream u { server 10.0.0.1:80 backup;| } }\n'));
  assert.ok(!afterServer.includes('weight='), JSON.stringify(afterServer));
  assert.ok(afterServer.includes('keepalive') && afterServer.includes('server'), JSON.stringify(afterServer));
  const afterTimeout = labels(complete('events {}\nhttp { server { location / { proxy_read_timeout 5s;| } } }\n'));
  assert.ok(!afterTimeout.includes('60s'), JSON.stringify(afterTimeout));
  assert.ok(afterTimeout.includes('proxy_pass'), JSON.stringify(afterTimeout));
  const afterBlock = labels(complete('events {}\nhttp { server { location / { }| } }\n'));
  assert.ok(afterBlock.includes('location') && afterBlock.includes('listen'), JSON.stringify(afterBlock));
  // Still an argument while the statement is open: before its ";", and with no ";" yet.
  assert.ok(labels(complete('events {}\nhttp { upstream u { server 10.0.0.1:80 backup|; } }\n')).includes('weight='));
  assert.ok(labels(complete('events {}\nhttp { server { location / { proxy_buffering | } } }\n')).includes('on'));
});

// The list's side pane showed only "ngx_http_proxy_module" for every proxy_* directive (and nothing for an Apache
// one): the selected directive's summary and default tell proxy_read_timeout from proxy_send_timeout before it is
// inserted. Markdown for a client that takes it, plain text for one that does not.
test('directive items carry their summary and default as documentation, nginx and Apache', () => {
  const text = 'events {}\nhttp { server { location / { proxy_rea } } }\n';
  const offset = text.indexOf('proxy_rea') + 'proxy_rea'.length;
  const md = completionItems([lintText(text)], '/cfg/nginx.conf', offset).find((i) => i.label === 'proxy_read_timeout')!;
  assert.deepEqual(md.documentation, { kind: 'markdown', value: `${nginxDirectiveDoc('proxy_read_timeout')!.summary}\n\nDefault: 60s` });
  const plain = completionItems([lintText(text)], '/cfg/nginx.conf', offset, true, false, false).find((i) => i.label === 'proxy_read_timeout')!;
  assert.equal(typeof plain.documentation, 'string');
  assert.match(plain.documentation as string, /^The longest silence[^`]*Default: 60s$/);
  // A directive proxylint has no page for has none (rather than an empty pane).
  assert.equal(completionItems([lintText(text)], '/cfg/nginx.conf', offset).find((i) => i.label === 'proxy_store_access')?.documentation, undefined);

  const conf = '<VirtualHost *:80>\n    ProxyTi\n</VirtualHost>\n';
  const r = lintApache('/c/httpd.conf', conf, memHost({ '/c/httpd.conf': conf }), { settings: defaultSettings() });
  const item = apacheCompletions(r, '/c/httpd.conf', conf, conf.indexOf('ProxyTi') + 7).items.find((i) => i.label === 'ProxyTimeout');
  assert.match(item?.documentation ?? '', /^How long mod_proxy waits[\s\S]*\n\nDefault: /);
});
