// location-proxy-pass-slash-mismatch: adding the slash to the location makes nginx answer the bare prefix with a 301,
// which a WebSocket handshake does not follow. In a location that upgrades connections the suggestion says so, and the
// proxy_pass edit (no redirect involved) comes first when there is one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintNginx } from '../../server/src/core/lint';
import { createNodeHost } from '../../server/src/node/node-host';
import { fixtureSettings } from './rule-harness';

const conf = (path: string, pass: string, upgrade: boolean) =>
  [
    'events {}',
    'http {',
    '    server {',
    '        listen 127.0.0.1:18760;',
    `        location ${path} {`,
    ...(upgrade ? ['            proxy_http_version 1.1;', '            proxy_set_header Upgrade $http_upgrade;', '            proxy_set_header Connection "upgrade";'] : []),
    `            proxy_pass ${pass};`,
    '        }',
    '    }',
    '}',
    '',
  ].join('\n');

const titles = (text: string) => {
  const f = lintNginx('/tmp/ws.conf', text, createNodeHost(), { settings: fixtureSettings(text) }).findings.filter((x) => x.ruleId === 'location-proxy-pass-slash-mismatch');
  assert.equal(f.length, 1);
  return f[0].suggestions.map((s) => s.title);
};

test('location-proxy-pass-slash-mismatch: in a WebSocket location the proxy_pass edit comes first and the location edit warns about the 301', () => {
  const ws = titles(conf('/socket', 'http://127.0.0.1:18761/v1/', true));
  assert.match(ws[0], /^Use "\/v1" in proxy_pass/);
  assert.match(ws[1], /^Use "location \/socket\/".*WebSocket handshakes and POST requests do not follow/);
  const plain = titles(conf('/api', 'http://127.0.0.1:18761/v1/', false));
  assert.match(plain[0], /^Use "location \/api\/".*browsers follow for GET/);
  assert.match(plain[1], /^Use "\/v1" in proxy_pass/);
  // proxy_pass http://b/ has no slash to drop (that would pass the whole URI): only the location edit, with the warning.
  const novnc = titles(conf('/novnc', 'http://127.0.0.1:6080/', true));
  assert.equal(novnc.length, 1);
  assert.match(novnc[0], /WebSocket handshakes/);
});
