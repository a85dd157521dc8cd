// The location paths the nginx WebSocket rules take for a WebSocket endpoint (websocket-headers-missing,
// connection-upgrade-on-every-request, long-lived-location-default-timeout): a whole path segment must be the word.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { wsPathPattern } from '../../server/src/core/rules/nginx/neighbours-support';

test('WebSocket endpoints by framework, in prefix and regex locations', () => {
  for (const p of ['/ws', '/ws/', '/api/ws/', '/wss', '/websocket', '/websockets/', '/socket.io/', '^/socket\\.io/', '/sockjs/', '/sockjs-node',
    '/cable', '/hub', '/hubs/chat', '/signalr', '/chatHub', '/notificationHub', '/graphql-ws', '/subscriptions', '^/(cable|hub)$', '^/api/ws.*$', '/WS/']) {
    assert.ok(wsPathPattern(p), p);
  }
});

test('ordinary paths that only contain one of the words', () => {
  for (const p of ['/', '/news/', '/news', '/ws.php', '/websocket-docs/', '/wsdl', '/github/', '/chathub-old/x.html', '/hubspot/', '/cables/', '/api/', '~ \\.php$', '/views/', '/jobs/', '^/news/(.*)$', '/socket.io.js']) {
    assert.ok(!wsPathPattern(p), p);
  }
});
