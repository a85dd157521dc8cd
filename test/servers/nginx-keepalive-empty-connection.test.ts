// upstream-keepalive-ineffective points at a `proxy_set_header Connection "";` that sits beside the line sending
// "close" (the Jenkins habit: the WebSocket map's $connection_upgrade and an empty Connection for keep-alive in one
// location) and says it clears nothing. Checked on the real nginx (Debian 1.22.1), with the empty line after and
// before the map's line: an ordinary request still reaches the backend with "Connection: close".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintNginx } from '../../server/src/core/lint';
import { defaultSettings } from '../../server/src/core/settings';
import { createNodeHost } from '../../server/src/node/node-host';
import { requireBinary } from '../helpers';
import { request } from './harness/client';
import { prepareNginx, startNginx } from './harness/nginx';
import { startHttpStandin } from './standins/http';

requireBinary('nginx');

const RULE = 'upstream-keepalive-ineffective';

for (const emptyFirst of [false, true]) {
  test(`${RULE}: a Connection "" ${emptyFirst ? 'before' : 'after'} the map's Connection line leaves "Connection: close" on ordinary requests, and the finding says so (real nginx)`, async () => {
    const backend = await startHttpStandin({ behaviour: 'ok', deadlineMs: 60_000 });
    const lines = ['proxy_set_header Connection $connection_upgrade;', 'proxy_set_header Connection "";'];
    if (emptyFirst) lines.reverse();
    const setup = await prepareNginx(`events {}
http {
    map $http_upgrade $connection_upgrade {
        default upgrade;
        '' close;
    }
    upstream app {
        server ${backend.address};
        keepalive 8;
    }
    server {
        listen 127.0.0.1:8000;
        location / {
            proxy_http_version 1.1;
            ${lines[0]}
            proxy_set_header Upgrade $http_upgrade;
            ${lines[1]}
            proxy_pass http://app;
        }
    }
}
`);
    const nginx = await startNginx(setup);
    try {
      const findings = lintNginx(setup.confPath, setup.text, createNodeHost(), { settings: defaultSettings() }).findings.filter((f) => f.ruleId === RULE);
      assert.equal(findings.length, 1, findings.map((f) => f.message).join('\n'));
      const note = findings[0].related.find((r) => /this empty value clears nothing/.test(r.message ?? ''));
      assert.ok(note, JSON.stringify(findings[0].related));
      assert.equal(setup.text.slice(note.start, note.end), 'proxy_set_header Connection "";');

      assert.equal((await request({ port: setup.port, path: '/a' })).status, 200);
      assert.equal(backend.requests[0].headers.connection, 'close', JSON.stringify(backend.requests[0].headers));
    } finally {
      await nginx.stop();
      await backend.stop();
      setup.cleanup();
    }
  });
}
