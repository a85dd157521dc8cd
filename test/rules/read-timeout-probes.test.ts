// read-timeout-too-low leaves NGINX Plus probe-only locations alone, but not a location that serves clients too.
// (Not in bad.conf: that fixture must pass open-source nginx -t, which does not know `health_check`.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintNginx } from '../../server/src/core/lint';
import { createNodeHost } from '../../server/src/node/node-host';
import { fixtureSettings } from './rule-harness';

const lint = (text: string) =>
  lintNginx('/tmp/plus.conf', text, createNodeHost(), { settings: fixtureSettings(text) })
    .findings.filter((f) => f.ruleId === 'read-timeout-too-low')
    .map((f) => text.slice(0, f.start).split('\n').length);

test('read-timeout-too-low: a location with health_check that clients reach is still reported; a named or internal one is not', () => {
  const text = [
    '# proxylint-test: nginx.edition=plus',
    'events {}',
    'http {',
    '    upstream app { zone app 64k; server 127.0.0.1:18711; }',
    '    server {',
    '        listen 127.0.0.1:18710;',
    '        location /api/ {',
    '            proxy_read_timeout 2s;',
    '            proxy_pass http://app;',
    '            health_check;',
    '        }',
    '        location @probe {',
    '            proxy_read_timeout 1s;',
    '            proxy_pass http://app;',
    '            health_check interval=1s;',
    '        }',
    '        location /checks/ {',
    '            internal;',
    '            proxy_read_timeout 1s;',
    '            proxy_pass http://app;',
    '            health_check;',
    '        }',
    '    }',
    '}',
    '',
  ].join('\n');
  assert.deepEqual(lint(text), [8]);
});

test('read-timeout-too-low: an unused short value is still reported when passes may hide behind an include that brought nothing in', () => {
  // The usual Debian layout checked into a repository: sites-enabled/* matches nothing here, the servers are there.
  const text = 'events {}\nhttp {\n    proxy_read_timeout 1s;\n    include /nonexistent-proxylint-test/sites-enabled/*;\n}\n';
  assert.deepEqual(lint(text), [3]);
  // With everything visible and no pass using it, the value times nothing out.
  assert.deepEqual(lint('events {}\nhttp {\n    proxy_read_timeout 1s;\n    server { listen 8080; location / { proxy_read_timeout 30s; proxy_pass http://127.0.0.1:1; } }\n}\n'), []);
});
