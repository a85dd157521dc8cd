// The proxy_read_timeout and proxy_pass hovers lead with the value in force and what it costs (502/504), keep their
// log lines, and leave the long detail to the official page: short enough to read in a hover.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nginxDirectiveDoc } from '../../server/src/core/docs/directive-doc';
import { nginxHover } from '../../server/src/core/features/hover';
import { defaultSettings } from '../../server/src/core/settings';
import { docLookup } from '../../server/src/lsp/docs';
import { lintText, readable } from '../helpers';

const MAIN = 'events {}\nhttp {\n  upstream app { server 127.0.0.1:9000; }\n  server {\n    listen 80;\n    location / {\n      proxy_pass http://app;\n      proxy_read_timeout 30s;\n    }\n  }\n}\n';
const hover = (needle: string) => readable(nginxHover(lintText(MAIN), '/cfg/nginx.conf', MAIN.indexOf(needle) + 1, defaultSettings().nginx, docLookup)?.markdown ?? '');

test('proxy_read_timeout: the value, then the 504 / truncated 200 it leads to, before the documentation', () => {
  const md = hover('proxy_read_timeout');
  assert.match(md, /^\*\*Effective value here:\*\* `30s` — set here \(nginx\.conf:8\) {2}\n\*\*If the backend is slower:\*\* silent more than 30s before the response header → \*\*504\*\*; after it → a truncated 200\.\n/);
  assert.ok(md.includes('upstream timed out (110: Connection timed out) while reading response header from upstream'), 'the log line stays');
  assert.ok(md.includes('[nginx docs ↗](https://nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_read_timeout)'));
  // Not for the stream module's proxy_timeout, nor a value nginx does not read.
  const stream = 'events {}\nstream {\n  server {\n    listen 5432;\n    proxy_timeout 3s;\n    proxy_pass 127.0.0.1:5433;\n  }\n}\n';
  assert.doesNotMatch(readable(nginxHover(lintText(stream), '/cfg/nginx.conf', stream.indexOf('proxy_timeout') + 1, defaultSettings().nginx, docLookup)?.markdown ?? ''), /If the backend is slower/);
});

test('proxy_read_timeout: a bare number is read as seconds, and 0 says it fails every request instead of "no limit"', () => {
  const at = (value: string) => {
    const text = MAIN.replace('proxy_read_timeout 30s', `proxy_read_timeout ${value}`);
    return readable(nginxHover(lintText(text), '/cfg/nginx.conf', text.indexOf('proxy_read_timeout') + 1, defaultSettings().nginx, docLookup)?.markdown ?? '');
  };
  assert.match(at('5'), /\*\*If the backend is slower:\*\* silent more than 5 s before the response header/);
  const zero = at('0');
  assert.match(zero, /\*\*`0` is not "no limit":\*\* nginx gives up before the backend can answer → \*\*504\*\* on every request\./);
  assert.doesNotMatch(zero, /silent more than 0/);
});

test('proxy_pass: the table of timers says first what decides a 502 and a 504', () => {
  const md = hover('proxy_pass');
  assert.match(md, /\*\*Effective at this location\*\* {2}\nA refused or dropped connection is a \*\*502\*\*; one of these timers firing before the response header is a \*\*504\*\*\./);
  assert.ok(md.includes('connect() failed (111: Connection refused) while connecting to upstream'), 'the log lines stay');
});

test('the two docs are short and still say what matters: retries, the app or a load balancer giving up first, WebSockets, TLS mismatches', () => {
  const read = nginxDirectiveDoc('proxy_read_timeout', 'location')!.failure;
  const pass = nginxDirectiveDoc('proxy_pass', 'location')!.failure;
  // About a third shorter than before (1,156 and 1,812 characters).
  assert.ok(read.length < 850, `${read.length}`);
  assert.ok(pass.length < 1250, `${pass.length}`);
  for (const fact of [/idempotent/, /`proxy_next_upstream` includes `timeout`/, /gunicorn kills workers after 30 s/, /AWS ALB\/CLB: 60 s/, /logged at `info` level only/, /truncated 200/]) assert.match(read, fact);
  for (const fact of [/no live upstreams/, /`resolver`/, /60s each by default/, /invalid URL prefix/, /`wrong version number`/, /sends every request to `\/`/, /resolved once, at load/]) assert.match(pass, fact);
});
