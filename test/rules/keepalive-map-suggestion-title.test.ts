// The standard WebSocket map ("'' close;") makes every ordinary request send "Connection: close", and
// upstream-keepalive-ineffective's suggestion then edits the map line, not the location. Its title used to say "Use
// HTTP/1.1 and clear the Connection header" even when the location already did both, so an on-call engineer looking
// at the quick fix could not tell what it would change.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintText } from '../helpers';

const text = (location: string[]) =>
  [
    'events {}',
    'http {',
    '    map $http_upgrade $connection_upgrade {',
    '        default upgrade;',
    "        ''      close;",
    '    }',
    '    upstream node_app { server 127.0.0.1:3000; keepalive 32; }',
    '    server {',
    '        listen 127.0.0.1:18700;',
    '        location /socket.io/ {',
    ...location.map((l) => `            ${l}`),
    '            proxy_set_header Upgrade $http_upgrade;',
    '            proxy_set_header Connection $connection_upgrade;',
    '            proxy_pass http://node_app;',
    '        }',
    '    }',
    '}',
    '',
  ].join('\n');

function suggestionTitles(src: string): string[] {
  const r = lintText(src);
  return r.findings.filter((f) => f.ruleId === 'upstream-keepalive-ineffective').flatMap((f) => [...(f.fix ? [f.fix] : []), ...f.suggestions].map((s) => s.title));
}

test('a location that already speaks HTTP/1.1: the only change is in the map, and the title says so', () => {
  assert.deepEqual(suggestionTitles(text(['proxy_http_version 1.1;'])), ['Map an empty Upgrade to "" instead of "close" in the map for $connection_upgrade']);
});

