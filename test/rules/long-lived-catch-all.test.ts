// long-lived-location-default-timeout on a catch-all location: a longer proxy_read_timeout there covers every ordinary
// request too (a hung backend answers 504 only after it), so the finding says so and the suggestion's title warns.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { lintNginx } from '../../server/src/core/lint';
import { createNodeHost } from '../../server/src/node/node-host';
import { fixtureDir, fixtureSettings } from './rule-harness';

test('long-lived-location-default-timeout: only the catch-all location gets the ordinary-requests note and the warning title', () => {
  const path = join(fixtureDir({ server: 'nginx', id: 'long-lived-location-default-timeout' } as never), 'bad.conf');
  const text = readFileSync(path, 'utf8');
  const found = lintNginx(path, text, createNodeHost(), { settings: fixtureSettings(text) }).findings.filter((f) => f.ruleId === 'long-lived-location-default-timeout' && f.path === path);
  const catchAll = found.filter((f) => /"\/" keeps/.test(f.message));
  const others = found.filter((f) => !/"\/" keeps/.test(f.message));
  assert.equal(catchAll.length, 1);
  assert.ok(others.length >= 2);
  assert.match(catchAll[0].message, /also serves ordinary requests.*ping/);
  assert.match(catchAll[0].suggestions[0].title, /every request of this catch-all location .*504 only after 1h/);
  for (const f of others) {
    assert.doesNotMatch(f.message, /ordinary requests/);
    assert.doesNotMatch(f.suggestions[0]?.title ?? '', /catch-all/);
  }
});

// Mastodon's layout: `location /` tries the file, then falls back to `@proxy`, which passes the Upgrade headers for
// the few WebSocket requests among all the ordinary ones. @proxy carries every dynamic request, so it gets the
// catch-all note; a named location only some path falls back to does not.
test('long-lived-location-default-timeout: a named location that location / falls back to with try_files counts as catch-all', () => {
  const text = `events {}
http {
    server {
        listen 127.0.0.1:8000;
        location / {
            try_files $uri @proxy;
        }
        location /ws/ {
            try_files $uri @socket;
        }
        location @proxy {
            proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection "upgrade";
            proxy_pass http://127.0.0.1:3000;
        }
        location @socket {
            proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection "upgrade";
            proxy_pass http://127.0.0.1:4000;
        }
    }
}
`;
  const found = lintNginx('/c/nginx.conf', text, createNodeHost(), { settings: fixtureSettings(text) }).findings.filter((f) => f.ruleId === 'long-lived-location-default-timeout');
  const proxy = found.find((f) => /"@proxy" keeps/.test(f.message));
  const socket = found.find((f) => /"@socket" keeps/.test(f.message));
  assert.ok(proxy && socket, found.map((f) => f.message).join('\n'));
  assert.match(proxy.message, /also serves ordinary requests/);
  assert.match(proxy.suggestions[0].title, /every request of this catch-all location/);
  assert.doesNotMatch(socket.message, /ordinary requests/);
});
