// The quick-fix menu shows a fix's title, not its edits, so a title must name what the fix writes and no more.
// upstream-keepalive-ineffective's title said
// 'Add proxy_http_version 1.1 and proxy_set_header Connection ""' where only one of the two lines was added (a
// location that gets proxy_http_version 1.1 from an included snippet got just the Connection line), and
// "keeping the inherited headers" where nothing was inherited; websocket-headers-missing's always listed "HTTP/1.1,
// Upgrade and Connection headers; inherited headers kept" (a location with both headers got one proxy_http_version line).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintNginx } from '../../server/src/core/lint';
import { defaultSettings } from '../../server/src/core/settings';
import { memHost } from '../helpers';

const fixOf = (conf: string, files: Record<string, string> = {}, rule = 'upstream-keepalive-ineffective') => {
  const path = '/etc/nginx/nginx.conf';
  const r = lintNginx(path, conf, memHost({ [path]: conf, ...files }), { settings: defaultSettings() });
  const fs = r.findings.filter((f) => f.ruleId === rule);
  assert.equal(fs.length, 1, JSON.stringify(fs.map((f) => f.message)));
  assert.ok(fs[0].fix, 'a fix is offered');
  return { title: fs[0].fix!.title, added: fs[0].fix!.edits.map((e) => e.newText).join('') };
};
const wrap = (location: string, http = '') =>
  `events {}\nhttp {\n    upstream app {\n        server 127.0.0.1:8081;\n        keepalive 16;\n    }\n${http}    server {\n        listen 80;\n        location / {\n${location}        }\n    }\n}\n`;

test('upstream-keepalive-ineffective: the fix title names only the lines it adds', () => {
  const both = fixOf(wrap('            proxy_pass http://app;\n'));
  assert.match(both.added, /proxy_http_version 1\.1;/);
  assert.match(both.added, /proxy_set_header Connection "";/);
  assert.equal(both.title, 'Add proxy_http_version 1.1 and proxy_set_header Connection ""');

  // proxy_http_version 1.1 comes from a snippet included in the location: only the header is added.
  const snippet = fixOf(wrap('            include /etc/nginx/snippets/proxy.conf;\n            proxy_pass http://app;\n'), {
    '/etc/nginx/snippets/proxy.conf': 'proxy_http_version 1.1;\nproxy_set_header Host $host;\n',
  });
  assert.doesNotMatch(snippet.added, /proxy_http_version/);
  assert.match(snippet.added, /proxy_set_header Connection "";/);
  assert.equal(snippet.title, 'Add proxy_set_header Connection ""');

  // Only the version is missing (the Connection header is set): only the version line.
  const version = fixOf(wrap('            proxy_set_header Connection "";\n            proxy_pass http://app;\n'));
  assert.doesNotMatch(version.added, /Connection/);
  assert.equal(version.title, 'Add proxy_http_version 1.1');

  // Headers set at http level would be lost by a location-level proxy_set_header: the fix copies them, and says so.
  const inherited = fixOf(wrap('            proxy_pass http://app;\n', '    proxy_set_header Host $host;\n'));
  assert.match(inherited.added, /proxy_set_header Host \$host;/);
  assert.equal(inherited.title, 'Add proxy_http_version 1.1 and proxy_set_header Connection "" (keeping the inherited headers)');
});

test('websocket-headers-missing: the fix title names only what the fix writes', () => {
  const ws = (location: string, http = '') => fixOf(wrap(location, http).replace('location / {', 'location /ws/ {'), {}, 'websocket-headers-missing');

  const version = ws('            proxy_pass http://app;\n            proxy_set_header Upgrade $http_upgrade;\n            proxy_set_header Connection "upgrade";\n');
  assert.match(version.added, /proxy_http_version 1\.1;/);
  assert.doesNotMatch(version.added, /proxy_set_header/);
  assert.equal(version.title, 'Pass the WebSocket upgrade on (HTTP/1.1)');

  const connection = ws('            proxy_pass http://app;\n            proxy_http_version 1.1;\n            proxy_set_header Upgrade $http_upgrade;\n');
  assert.doesNotMatch(connection.added, /proxy_http_version|Upgrade \$http_upgrade/);
  assert.match(connection.added, /proxy_set_header Connection/);
  assert.equal(connection.title, 'Pass the WebSocket upgrade on (Connection header)');

  // This location's own Connection line means no header is inherited: none copied, none claimed.
  const own = ws('            proxy_pass http://app;\n            proxy_set_header Connection "upgrade";\n', '    proxy_set_header Host $host;\n');
  assert.match(own.added, /proxy_http_version 1\.1;/);
  assert.match(own.added, /proxy_set_header Upgrade \$http_upgrade;/);
  assert.doesNotMatch(own.added, /Host/);
  assert.equal(own.title, 'Pass the WebSocket upgrade on (HTTP/1.1, Upgrade header)');

  // Headers from the http level would be lost by the new lines: copied, and the title says so.
  const inherited = ws('            proxy_pass http://app;\n', '    proxy_set_header Host $host;\n');
  assert.match(inherited.added, /proxy_set_header Host \$host;/);
  assert.equal(inherited.title, 'Pass the WebSocket upgrade on (HTTP/1.1, Upgrade and Connection headers; inherited headers kept)');
});
