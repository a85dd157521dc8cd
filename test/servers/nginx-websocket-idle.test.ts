// long-lived-location-default-timeout says nginx closes an upgraded connection when nothing passes through it, in
// either direction, for proxy_read_timeout. Checked here on the real nginx (Debian 1.22.1) with a backend that
// answers 101 and then never sends a byte: a tunnel nobody uses is closed after the timeout (logged at [info]), and
// one where only the client sends every 0.5 s stays open well past it. An earlier wording said "when the backend
// sends nothing", which would make client-side pings (Home Assistant's, graphql-ws's) look useless.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintNginx } from '../../server/src/core/lint';
import { defaultSettings } from '../../server/src/core/settings';
import { createNodeHost } from '../../server/src/node/node-host';
import { requireBinary } from '../helpers';
import { prepareNginx, startNginx } from './harness/nginx';
import { silentUpgrader, tunnel } from './standins/websocket';

requireBinary('nginx');

test('long-lived-location-default-timeout: an upgraded connection stays open while only the client sends, and closes after the read timeout when nobody does (real nginx)', async () => {
  const backend = await silentUpgrader();
  const setup = await prepareNginx(`events {}
http {
    server {
        listen 127.0.0.1:8000;
        location /ws/ {
            proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection "upgrade";
            proxy_read_timeout 2s;
            proxy_pass http://127.0.0.1:${backend.port};
        }
    }
}
`);
  // The message for the same location with the default timeout: the wording this test backs.
  const lintText = setup.text.replace('            proxy_read_timeout 2s;\n', '');
  const finding = lintNginx(setup.confPath, lintText, createNodeHost(), { settings: defaultSettings() }).findings.find((f) => f.ruleId === 'long-lived-location-default-timeout');
  assert.ok(finding);
  assert.match(finding.message, /when nothing passes through it, in either direction, for 60 s/);
  const nginx = await startNginx(setup);
  try {
    const [quiet, clientPings] = await Promise.all([tunnel(setup.port, '/ws/', 0, 6000), tunnel(setup.port, '/ws/', 500, 6000)]);
    assert.equal(quiet.status, 'HTTP/1.1 101 Switching Protocols');
    assert.equal(clientPings.status, 'HTTP/1.1 101 Switching Protocols');
    assert.ok(quiet.closedAfterMs !== undefined && quiet.closedAfterMs >= 1800 && quiet.closedAfterMs < 4000, `quiet tunnel: ${quiet.closedAfterMs}`);
    assert.equal(clientPings.closedAfterMs, undefined, 'the tunnel where the client sends every 0.5 s is still open after 6 s');
    assert.match(nginx.errorLog(), /\[info\] [^\n]*upstream timed out \(110: Connection timed out\) while proxying upgraded connection/);
  } finally {
    await nginx.stop();
    await backend.stop();
    setup.cleanup();
  }
});
