// upstream-keepalive-ineffective follows a pass target with variables to the groups it can name: an ingress-like
// `map $host $svc { … }` + `proxy_pass http://$svc;` reaches `upstream shop-svc { keepalive 8; }` as nginx looks the
// host up among the upstream blocks first. Real nginx 1.22.1: without proxy_http_version 1.1 and `Connection ""` the
// backend gets "Connection: close" and a new connection per request; the rule's safe fix makes it reuse one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyEdits } from '../../server/src/core/fix';
import { lintNginx } from '../../server/src/core/lint';
import { defaultSettings } from '../../server/src/core/settings';
import { parseVersion } from '../../server/src/core/model/version';
import { createNodeHost } from '../../server/src/node/node-host';
import { requireBinary } from '../helpers';
import { request } from './harness/client';
import { prepareNginx, rewriteNginx, startNginx, type NginxSetup } from './harness/nginx';
import { startHttpStandin } from './standins/http';

requireBinary('nginx');

const RULE = 'upstream-keepalive-ineffective';
const settings = defaultSettings();
settings.nginx.version = parseVersion('1.22.1');
const findings = (setup: NginxSetup) => lintNginx(setup.confPath, setup.text, createNodeHost(), { settings }).findings.filter((f) => f.ruleId === RULE);

test(`${RULE}: a group reached through map + proxy_pass http://$svc gets "Connection: close" and no reuse; reported, and the fix makes nginx reuse one connection (real nginx)`, async () => {
  const backend = await startHttpStandin({ behaviour: 'ok', deadlineMs: 60_000 });
  const setup = await prepareNginx(`events {}
http {
    map $host $svc {
        default shop-svc;
        legacy.example.com legacy-svc;
    }
    upstream shop-svc {
        server ${backend.address};
        keepalive 8;
    }
    upstream legacy-svc {
        server ${backend.address};
        keepalive 8;
    }
    server {
        listen 127.0.0.1:8000;
        location / {
            proxy_pass http://$svc;
        }
    }
}
`);
  try {
    const before = findings(setup);
    // One finding for the pass, though it can name two groups with keepalive.
    assert.equal(before.length, 1, before.map((f) => f.message).join('\n'));
    assert.match(before[0].message, /^upstream "shop-svc" \(which proxy_pass http:\/\/\$svc can name\) has "keepalive 8;", but this location talks HTTP\/1\.0 to it and sends "Connection: close"/);
    assert.ok(before[0].fix, 'a safe fix');

    let nginx = await startNginx(setup);
    try {
      for (let k = 0; k < 3; k++) assert.equal((await request({ port: setup.port, path: `/a${k}` })).status, 200);
    } finally {
      await nginx.stop();
    }
    assert.equal(backend.requests[0].headers.connection, 'close', JSON.stringify(backend.requests[0].headers));
    assert.equal(backend.connections, 3);

    rewriteNginx(setup, applyEdits(setup.text, before[0].fix!.edits).text);
    assert.deepEqual(findings(setup), []);
    nginx = await startNginx(setup);
    try {
      for (let k = 0; k < 3; k++) assert.equal((await request({ port: setup.port, path: `/b${k}` })).status, 200);
    } finally {
      await nginx.stop();
    }
    assert.equal(backend.connections, 4, 'the three requests after the fix share one connection');
    assert.equal(backend.requests.at(-1)!.headers.connection, undefined);
  } finally {
    await backend.stop();
    setup.cleanup();
  }
});
