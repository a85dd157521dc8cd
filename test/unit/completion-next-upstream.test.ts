// The keywords offered after *_next_upstream are those the module takes. The directive table merges http's
// proxy_next_upstream (a keyword list) with stream's (a switch, on | off), so http was offered "on" and stream
// "error timeout http_502 …": nginx 1.22.1 -t refuses both (invalid value "on"), as it refuses http_502 / http_504
// after fastcgi_next_upstream, uwsgi_next_upstream and scgi_next_upstream (test/servers/argument-values.test.ts).
// `denied` is NGINX Plus 1.29.3 and later: offered, but marked as such.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CompletionItem } from 'vscode-languageserver';
import { completionItems } from '../../server/src/lsp/completion';
import { lintText } from '../helpers';

function complete(textWithCursor: string): CompletionItem[] {
  const offset = textWithCursor.indexOf('|');
  return completionItems([lintText(textWithCursor.replace('|', ''))], '/cfg/nginx.conf', offset);
}
const labels = (items: CompletionItem[]) => items.map((i) => String(i.label));
const http = (line: string) => `events {}\nhttp {\n    server {\n        listen 80;\n        location / {\n            ${line}\n        }\n    }\n}\n`;

test('completion after proxy_next_upstream in http: its keywords, no "on"', () => {
  const items = labels(complete(http('proxy_pass http://127.0.0.1:9000;\n            proxy_next_upstream error |')));
  assert.ok(!items.includes('on'), items.join(' '));
  for (const w of ['timeout', 'invalid_header', 'http_502', 'http_503', 'http_504', 'non_idempotent', 'off']) assert.ok(items.includes(w), w);
  assert.ok(!items.includes('error'), 'a word already on the line is not offered again');
});

test('completion after fastcgi_next_upstream and uwsgi_next_upstream: no http_502 or http_504', () => {
  for (const d of ['fastcgi_next_upstream', 'uwsgi_next_upstream', 'scgi_next_upstream']) {
    const items = labels(complete(http(`${d} |`)));
    assert.ok(items.includes('http_503') && items.includes('error'), `${d}: ${items.join(' ')}`);
    assert.ok(!items.includes('http_502') && !items.includes('http_504') && !items.includes('on'), `${d}: ${items.join(' ')}`);
  }
});

test('completion after proxy_next_upstream in stream: on and off only', () => {
  const items = labels(complete('events {}\nstream {\n    server {\n        listen 9000;\n        proxy_pass 127.0.0.1:9001;\n        proxy_next_upstream |\n    }\n}\n'));
  assert.deepEqual(items.sort(), ['off', 'on']);
});

test('completion marks denied as NGINX Plus (1.29.3 and later)', () => {
  const items = complete(http('proxy_next_upstream |'));
  const denied = items.find((i) => i.label === 'denied');
  assert.ok(denied);
  assert.match(denied.detail ?? '', /NGINX Plus/);
  assert.match(denied.detail ?? '', /1\.29\.3/);
});

test('the keywords come in the order of the failures they name: 5xx in numeric order, then 4xx, off last', () => {
  // The rule lists are built as "what every module takes" + "what the proxy module adds", which put http_502 and
  // http_504 after off, at the bottom of the menu: the two codes this extension is about.
  const items = complete(http('proxy_next_upstream |')).sort((a, b) => (a.sortText ?? '').localeCompare(b.sortText ?? ''));
  const order = labels(items).filter((l) => /^(error|timeout|invalid_header|http_\d+|non_idempotent|off)$/.test(l));
  assert.deepEqual(order, ['error', 'timeout', 'invalid_header', 'http_500', 'http_502', 'http_503', 'http_504', 'http_403', 'http_404', 'http_429', 'non_idempotent', 'off']);
  const grpc = labels(complete(http('grpc_next_upstream |')).sort((a, b) => (a.sortText ?? '').localeCompare(b.sortText ?? '')));
  assert.deepEqual(grpc.filter((l) => l.startsWith('http_')), ['http_500', 'http_502', 'http_503', 'http_504', 'http_403', 'http_404', 'http_429']);
});
