// Two sites that each paste the WebSocket map into their own file define $connection_upgrade twice. nginx accepts
// that without a word and uses the map it read last, for every server. upstream-keepalive-ineffective used to judge a
// location by the first map: with the first site's "'' close" and the second site's "'' ''", it reported a location
// whose keep-alive works. On the real nginx (Debian 1.22.1) three requests through that location reuse one
// connection to the backend; with the maps the other way round, each request opens its own, and the rule reports it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintText, requireBinary } from '../helpers';
import { prepareNginx, startNginx } from './harness/nginx';
import { request } from './harness/client';
import { startHttpStandin } from './standins/http';

requireBinary('nginx');

const MAP_CLOSE = "    map $http_upgrade $connection_upgrade {\n        default upgrade;\n        ''      close;\n    }";
const MAP_EMPTY = "    map $http_upgrade $connection_upgrade {\n        default upgrade;\n        ''      '';\n    }";

const config = (maps: string[], backend: string) => `events {}
http {
${maps[0]}
    upstream node_a { server ${backend}; keepalive 16; }
    server {
        listen 127.0.0.1:8000;
        location / {
            proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
            proxy_pass http://node_a;
        }
    }
${maps[1]}
}
`;

async function connectionsFor(maps: string[]): Promise<number> {
  const backend = await startHttpStandin({ behaviour: 'ok' });
  const setup = await prepareNginx(config(maps, `127.0.0.1:${backend.port}`));
  const nginx = await startNginx(setup);
  try {
    for (let i = 0; i < 3; i++) assert.equal((await request({ port: setup.port, path: `/r${i}`, timeoutMs: 5000 })).status, 200, nginx.errorLog());
    return backend.connections;
  } finally {
    await nginx.stop();
    await backend.stop();
    setup.cleanup();
  }
}

const reported = (maps: string[]) => lintText(config(maps, '127.0.0.1:3000')).findings.filter((f) => f.ruleId === 'upstream-keepalive-ineffective');

test('the map read last decides: "close" first and "" last reuses the connection, and is not reported', { timeout: 60_000 }, async () => {
  assert.equal(await connectionsFor([MAP_CLOSE, MAP_EMPTY]), 1);
  assert.deepEqual(reported([MAP_CLOSE, MAP_EMPTY]).map((f) => f.message), []);
});

test('"" first and "close" last opens a connection per request, and is reported at the last map', { timeout: 60_000 }, async () => {
  assert.equal(await connectionsFor([MAP_EMPTY, MAP_CLOSE]), 3);
  const text = config([MAP_EMPTY, MAP_CLOSE], '127.0.0.1:3000');
  const r = lintText(text);
  const f = r.findings.filter((x) => x.ruleId === 'upstream-keepalive-ineffective');
  assert.equal(f.length, 1);
  const closeLine = text.split('\n').lastIndexOf("        ''      close;") + 1;
  assert.ok(f[0].related?.some((x) => r.at({ ...f[0], start: x.start, end: x.end } as never).line === closeLine && x.message.startsWith('set here')), JSON.stringify(f[0].related));
});
