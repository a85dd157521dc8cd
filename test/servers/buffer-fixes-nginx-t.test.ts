// buffer-size-arithmetic's fixes and header-buffer-too-small's suggestion, applied to configurations laid out in
// different ways, then handed to the real `nginx -t` (1.22.1): the fixed text must start. Both rules write proxy
// buffer lines, and nginx checks *_temp_file_write_size and *_max_temp_file_size against the same buffers after the
// busy size, so a fix that settles the busy size alone can leave (or create) a configuration nginx still refuses.
// For each broken layout the test also checks that nginx refuses the original with the message proxylint quotes.
// proxylint-test: untimed
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyEdits } from '../../server/src/core/fix';
import type { Finding } from '../../server/src/core/finding';
import { lintText, nginxTestText, requireBinary } from '../helpers';

const wrap = (http: string) => `events {}\nhttp {\n${http}\n}\n`;
const server = (body: string, around = '') => wrap(`${around}\n    server {\n        listen 127.0.0.1:18990;\n${body}\n    }`);
const B = 'http://127.0.0.1:47104';

/** Layouts nginx refuses at start-up because of the buffer arithmetic; each is fixed by --fix alone. */
const BROKEN: Record<string, string> = {
  'write size below a raised header buffer (one location)': server(`        location / { proxy_buffer_size 16k; proxy_temp_file_write_size 8k; proxy_pass ${B}; }`),
  'max temp file size below a raised header buffer': server(`        location / { proxy_max_temp_file_size 20k; proxy_buffer_size 32k; proxy_pass ${B}; }`),
  'write size from the server, buffers in the location': server(`        proxy_temp_file_write_size 8k;\n        location / { proxy_buffer_size 16k; proxy_buffers 8 16k; proxy_pass ${B}; }`),
  'max temp size from http, body buffers in the location': server(`        location / { proxy_buffers 8 32k; proxy_pass ${B}; }`, '    proxy_max_temp_file_size 20k;'),
  'write size only, the rest consistent': server(`        location / { proxy_buffer_size 16k; proxy_buffers 8 16k; proxy_busy_buffers_size 32k; proxy_temp_file_write_size 8k; proxy_pass ${B}; }`),
  'no temporary files (0) and a busy size the buffers cannot hold': server(`        location / { proxy_max_temp_file_size 0; proxy_buffer_size 16k; proxy_pass ${B}; }`),
  'buffers past the default 1024m limit on temporary files': server(`        location / { proxy_buffer_size 2048m; proxy_buffers 4 2048m; proxy_busy_buffers_size 4096m; proxy_pass ${B}; }`),
  'fastcgi write size': server(`        location / { fastcgi_buffer_size 16k; fastcgi_temp_file_write_size 8k; fastcgi_pass 127.0.0.1:9000; }`),
  'uwsgi max temp size': server(`        location / { uwsgi_buffers 8 16k; uwsgi_max_temp_file_size 4k; uwsgi_pass 127.0.0.1:8001; }`),
  'scgi write size at http level, header buffer in the server': server(`        scgi_buffer_size 16k;\n        location / { scgi_pass 127.0.0.1:4000; }`, '    scgi_temp_file_write_size 8k;'),
  'header buffer larger than one written body buffer (busy size only)': server(`        location / { proxy_buffer_size 64k; proxy_buffers 4 32k; proxy_pass ${B}; }`),
  'explicit busy size more than the written buffers hold': server(`        location / { proxy_buffer_size 16k; proxy_buffers 4 16k; proxy_busy_buffers_size 64k; proxy_pass ${B}; }`),
  'explicit busy size below the header buffer': server(`        location / { proxy_buffer_size 16k; proxy_buffers 8 16k; proxy_busy_buffers_size 8k; proxy_pass ${B}; }`),
  'written body buffers, default header buffer': server(`        location / { fastcgi_buffers 4 8k; fastcgi_busy_buffers_size 32k; fastcgi_pass 127.0.0.1:9000; }`),
  'a busy size for the outer location would be too small for a nested one': server(`        location / { proxy_buffer_size 16k; proxy_buffers 4 8k; proxy_pass ${B};\n            location /big/ { proxy_buffer_size 64k; proxy_buffers 8 64k; proxy_pass ${B}; } }`),
  'nested location raises the header buffer under a write size': server(`        location / { proxy_temp_file_write_size 16k; proxy_buffers 8 16k; proxy_pass ${B};\n            location /big/ { proxy_buffer_size 32k; proxy_pass ${B}; } }`),
};

/**
 * Layouts nginx accepts where header-buffer-too-small suggests a 16k header buffer: buffer lines at each level, and
 * nested locations that keep buffer lines of their own, which the bigger header buffer (and the busy size written
 * with it) must still fit.
 */
const IDP: Record<string, string> = {
  'write size in the location': server(`        location / { proxy_temp_file_write_size 8k; proxy_pass http://oauth2_proxy; }`, '    upstream oauth2_proxy { server 127.0.0.1:4180; }'),
  'write size in the server': server(`        proxy_temp_file_write_size 8k;\n        location / { proxy_pass http://oauth2_proxy; }`, '    upstream oauth2_proxy { server 127.0.0.1:4180; }'),
  'max temp size at http': server(`        location / { proxy_pass http://keycloak; }`, '    proxy_max_temp_file_size 8k;\n    upstream keycloak { server 127.0.0.1:8080; }'),
  'max temp size 0 (kept)': server(`        location / { proxy_max_temp_file_size 0; proxy_temp_file_write_size 16k; proxy_pass http://keycloak; }`, '    upstream keycloak { server 127.0.0.1:8080; }'),
  'fastcgi write size': server(`        location / { fastcgi_temp_file_write_size 4k; fastcgi_pass authelia; }`, '    upstream authelia { server 127.0.0.1:9091; }'),
  'a nested location with proxy_buffers 4 8k (24k busy at most)': server(`        location / { proxy_pass http://keycloak;\n            location /a/ { proxy_buffers 4 8k; proxy_pass http://127.0.0.1:1; } }`, '    upstream keycloak { server 127.0.0.1:8080; }'),
  'a nested location with proxy_buffers 2 4k and a 4k busy size': server(`        location / { proxy_pass http://keycloak;\n            location /a/ { proxy_buffers 2 4k; proxy_busy_buffers_size 4k; proxy_pass http://127.0.0.1:1; } }`, '    upstream keycloak { server 127.0.0.1:8080; }'),
  'a nested location with a busy size of 8k': server(`        location / { proxy_pass http://keycloak;\n            location /a/ { proxy_busy_buffers_size 8k; proxy_pass http://127.0.0.1:1; } }`, '    upstream keycloak { server 127.0.0.1:8080; }'),
  'a nested location with a write size of 8k': server(`        location / { proxy_pass http://keycloak;\n            location /a/ { proxy_temp_file_write_size 8k; proxy_pass http://127.0.0.1:1; } }`, '    upstream keycloak { server 127.0.0.1:8080; }'),
  'a nested location with its own 4k header buffer': server(`        location / { proxy_pass http://keycloak;\n            location /a/ { proxy_buffer_size 4k; proxy_pass http://127.0.0.1:1; } }`, '    upstream keycloak { server 127.0.0.1:8080; }'),
  'busy size 8k in the server': server(`        proxy_busy_buffers_size 8k;\n        location / { proxy_pass http://keycloak; }`, '    upstream keycloak { server 127.0.0.1:8080; }'),
  'proxy_buffers 2 4k and a 4k busy size in the location': server(`        location / { proxy_buffers 2 4k; proxy_busy_buffers_size 4k; proxy_pass http://keycloak; }`, '    upstream keycloak { server 127.0.0.1:8080; }'),
  'proxy_buffers 32 4k and a 64k busy size in the location': server(`        location / { proxy_buffers 32 4k; proxy_busy_buffers_size 64k; proxy_pass http://keycloak; }`, '    upstream keycloak { server 127.0.0.1:8080; }'),
  'a 4k header buffer with proxy_buffers 4 64k': server(`        location / { proxy_buffer_size 4k; proxy_buffers 4 64k; proxy_pass http://keycloak; }`, '    upstream keycloak { server 127.0.0.1:8080; }'),
  'a 1k header buffer': server(`        location / { proxy_buffer_size 1k; proxy_pass http://keycloak; }`, '    upstream keycloak { server 127.0.0.1:8080; }'),
  'the pass inside if': server(`        location / { if ($arg_x) { proxy_pass http://keycloak; } }`, '    upstream keycloak { server 127.0.0.1:8080; }'),
  'the pass inside limit_except': server(`        location / { limit_except GET { proxy_pass http://keycloak; } }`, '    upstream keycloak { server 127.0.0.1:8080; }'),
  'proxy_buffers at http, busy size 16k in the server': server(`        proxy_busy_buffers_size 16k;\n        location / { proxy_pass http://keycloak; }`, '    proxy_buffers 8 4k;\n    upstream keycloak { server 127.0.0.1:8080; }'),
  'max temp size 12k in the server': server(`        proxy_max_temp_file_size 12k;\n        location / { proxy_pass http://keycloak; }`, '    upstream keycloak { server 127.0.0.1:8080; }'),
  'a nested location with a max temp size of 8k': server(`        location / { proxy_pass http://keycloak;\n            location /a/ { proxy_max_temp_file_size 8k; proxy_pass http://127.0.0.1:1; } }`, '    upstream keycloak { server 127.0.0.1:8080; }'),
  'a nested location with proxy_buffers 3 4k and an 8k busy size': server(`        location / { proxy_pass http://keycloak;\n            location /a/ { proxy_buffers 3 4k; proxy_busy_buffers_size 8k; proxy_pass http://127.0.0.1:1; } }`, '    upstream keycloak { server 127.0.0.1:8080; }'),
  'uwsgi, a nested location with uwsgi_buffers 4 8k': server(`        location / { uwsgi_pass authelia;\n            location /a/ { uwsgi_buffers 4 8k; uwsgi_pass 127.0.0.1:1; } }`, '    upstream authelia { server 127.0.0.1:9091; }'),
  'the auth_request location with proxy_buffers 4 4k and a 12k busy size': server(`        location / { auth_request /validate; auth_request_set $t $upstream_http_x_token; proxy_pass http://127.0.0.1:1; }\n        location = /validate { internal; proxy_buffers 4 4k; proxy_busy_buffers_size 12k; proxy_pass http://127.0.0.1:2/check; }`),
};

const ours = (findings: Finding[], id: string) => findings.filter((f) => f.ruleId === id);

/** Applies the rule's safe fixes until none is left, as --fix does. */
function fixAll(text: string): string {
  for (let pass = 0; pass < 10; pass++) {
    const fixes = ours(lintText(text).findings, 'buffer-size-arithmetic').filter((f) => f.fix);
    if (!fixes.length) break;
    text = applyEdits(text, fixes.flatMap((f) => f.fix!.edits)).text;
  }
  return text;
}

for (const [name, text] of Object.entries(BROKEN)) {
  test(`buffer-size-arithmetic --fix gives a configuration nginx -t accepts: ${name}`, () => {
    requireBinary('nginx');
    const before = nginxTestText(text);
    assert.ok(!before.ok, `nginx -t accepted the broken layout:\n${text}`);
    const emerg = /\[emerg\] (.*) in \//.exec(before.output)?.[1];
    assert.ok(emerg, before.output);
    const found = ours(lintText(text).findings, 'buffer-size-arithmetic');
    assert.ok(found.some((f) => f.message.includes(emerg!)), `nginx says ${emerg}; proxylint says:\n${found.map((f) => f.message).join('\n')}`);
    const fixed = fixAll(text);
    assert.deepEqual(ours(lintText(fixed).findings, 'buffer-size-arithmetic').map((f) => f.message), [], fixed);
    const after = nginxTestText(fixed);
    assert.ok(after.ok, `nginx -t refused the fixed configuration:\n${fixed}\n${after.output}`);
  });
}

test('buffer-size-arithmetic keeps proxy_buffers as written when a busy size alone fits them, and nginx -t accepts it', () => {
  requireBinary('nginx');
  // 2 × 64k (the default busy size) is more than 3 × 32k; any busy size from 64k to 96k fits the buffers as written.
  // The fix takes the one nearest nginx's default, and does not raise the 4 × 32k the location asked for.
  const text = BROKEN['header buffer larger than one written body buffer (busy size only)'];
  const found = ours(lintText(text).findings, 'buffer-size-arithmetic');
  assert.equal(found.length, 1);
  const fixed = applyEdits(text, found[0].fix!.edits).text;
  assert.equal(fixed, text.replace('proxy_buffers 4 32k;', 'proxy_buffers 4 32k; proxy_busy_buffers_size 96k;'));
  assert.ok(nginxTestText(fixed).ok, fixed);
  // One more than that is refused: the fix is at nginx's limit, not past it.
  const over = nginxTestText(fixed.replace('96k', '97k'));
  assert.match(over.output, /"proxy_busy_buffers_size" must be less than the size of all "proxy_buffers" minus one buffer/);
  // Where no busy size fits the nested location too, the buffers are written as before (4 × 16k, 32k).
  const nested = BROKEN['a busy size for the outer location would be too small for a nested one'];
  const outer = ours(lintText(nested).findings, 'buffer-size-arithmetic');
  assert.equal(outer.length, 1);
  assert.match(outer[0].fix!.title, /proxy_buffers 4 16k; proxy_busy_buffers_size 32k;/);
});

for (const [name, text] of Object.entries(IDP)) {
  test(`header-buffer-too-small's suggestion gives a configuration nginx -t accepts: ${name}`, () => {
    requireBinary('nginx');
    assert.ok(nginxTestText(text).ok, `nginx -t refused the layout before any change:\n${text}`);
    const found = ours(lintText(text).findings, 'header-buffer-too-small');
    assert.equal(found.length, 1, text);
    const s = found[0].suggestions?.[0];
    assert.ok(s, 'a suggestion is offered');
    const changed = applyEdits(text, s.edits).text;
    const after = nginxTestText(changed);
    assert.ok(after.ok, `nginx -t refused the suggested configuration:\n${changed}\n${after.output}`);
    assert.deepEqual(ours(lintText(changed).findings, 'buffer-size-arithmetic').map((f) => f.message), [], changed);
  });
}

test("header-buffer-too-small's suggestion gives a nested location with buffers of its own the least change nginx -t accepts", () => {
  requireBinary('nginx');
  // The nested location inherits the 16k header buffer and the 32k busy size written above it; its own 4 × 8k hold
  // a busy size of 24k at most, so that is what it gets, and its buffers stay as written.
  const text = IDP['a nested location with proxy_buffers 4 8k (24k busy at most)'];
  const s = ours(lintText(text).findings, 'header-buffer-too-small')[0].suggestions![0];
  assert.match(s.title, /In the nested location \/a\/: proxy_busy_buffers_size 24k;$/);
  const changed = applyEdits(text, s.edits).text;
  assert.ok(changed.includes('location /a/ { proxy_buffers 4 8k; proxy_busy_buffers_size 24k; proxy_pass'), changed);
  assert.ok(nginxTestText(changed).ok, changed);
  assert.match(nginxTestText(changed.replace('24k', '25k')).output, /"proxy_busy_buffers_size" must be less than the size of all "proxy_buffers" minus one buffer/);
  // A location with no nested ones gets the lines of the doc page, and nothing more.
  const plain = ours(lintText(IDP['write size in the location']).findings, 'header-buffer-too-small')[0].suggestions![0];
  assert.doesNotMatch(plain.title, /nested/);
});
