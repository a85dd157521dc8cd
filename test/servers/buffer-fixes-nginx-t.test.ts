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

/** Layouts nginx accepts where header-buffer-too-small suggests a 16k header buffer. */
const IDP: Record<string, string> = {
  'write size in the location': server(`        location / { proxy_temp_file_write_size 8k; proxy_pass http://oauth2_proxy; }`, '    upstream oauth2_proxy { server 127.0.0.1:4180; }'),
  'write size in the server': server(`        proxy_temp_file_write_size 8k;\n        location / { proxy_pass http://oauth2_proxy; }`, '    upstream oauth2_proxy { server 127.0.0.1:4180; }'),
  'max temp size at http': server(`        location / { proxy_pass http://keycloak; }`, '    proxy_max_temp_file_size 8k;\n    upstream keycloak { server 127.0.0.1:8080; }'),
  'max temp size 0 (kept)': server(`        location / { proxy_max_temp_file_size 0; proxy_temp_file_write_size 16k; proxy_pass http://keycloak; }`, '    upstream keycloak { server 127.0.0.1:8080; }'),
  'fastcgi write size': server(`        location / { fastcgi_temp_file_write_size 4k; fastcgi_pass authelia; }`, '    upstream authelia { server 127.0.0.1:9091; }'),
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
    assert.deepEqual(ours(lintText(changed).findings, 'buffer-size-arithmetic').map((f) => f.message), [], changed);
    const after = nginxTestText(changed);
    assert.ok(after.ok, `nginx -t refused the suggested configuration:\n${changed}\n${after.output}`);
  });
}
