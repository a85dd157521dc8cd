// connection-upgrade-on-every-request and a fixed Upgrade header, on a real nginx (Debian 1.22.1) in front of a
// stand-in that records the headers it gets. With `proxy_set_header Upgrade foo` every request is an upgrade request
// on purpose: the literal `Connection: upgrade` belongs with it, and the rule's map (from $http_upgrade) would drop
// the Connection header from every request whose client sent no Upgrade, so the rule stays silent there.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintNginx } from '../../server/src/core/lint';
import { CONNECTION_MAP } from '../../server/src/core/rules/nginx/neighbours-support';
import { defaultSettings } from '../../server/src/core/settings';
import { createNodeHost } from '../../server/src/node/node-host';
import { requireBinary } from '../helpers';
import { request } from './harness/client';
import { prepareNginx, rewriteNginx, startNginx } from './harness/nginx';
import { startHttpStandin } from './standins/http';

requireBinary('nginx');

test('connection-upgrade-on-every-request: not reported beside a fixed Upgrade value, whose Connection header the map would drop (real nginx)', async () => {
  const backend = await startHttpStandin({ behaviour: 'ok', deadlineMs: 60_000 });
  const conf = (connection: string, map: string) => `http {
${map}
    server {
        listen 127.0.0.1:8000;
        location / {
            proxy_http_version 1.1;
            proxy_set_header Upgrade foo;
            proxy_set_header Connection ${connection};
            proxy_pass http://${backend.address};
        }
    }
}
`;
  const setup = await prepareNginx(conf('upgrade', ''));
  let nginx = await startNginx(setup);
  try {
    assert.deepEqual(lintNginx(setup.confPath, setup.text, createNodeHost(), { settings: defaultSettings() }).findings.filter((f) => f.ruleId === 'connection-upgrade-on-every-request'), []);
    assert.equal((await request({ port: setup.port, path: '/a' })).status, 200);
    const sent = backend.requests[0].headers;
    assert.equal(sent.upgrade, 'foo');
    assert.equal(sent.connection, 'upgrade');

    // What the rule's suggestion would have made of it: the client sent no Upgrade, so no Connection goes out.
    await nginx.stop();
    rewriteNginx(setup, setup.text.replace('Connection upgrade;', 'Connection $connection_upgrade;').replace(/^http \{\n/m, `http {\n${CONNECTION_MAP.join('\n')}\n`));
    nginx = await startNginx(setup);
    backend.requests.length = 0;
    assert.equal((await request({ port: setup.port, path: '/b' })).status, 200);
    assert.equal(backend.requests[0].headers.upgrade, 'foo');
    assert.equal(backend.requests[0].headers.connection, undefined, JSON.stringify(backend.requests[0].headers));
  } finally {
    await nginx.stop();
    await backend.stop();
    setup.cleanup();
  }
});
