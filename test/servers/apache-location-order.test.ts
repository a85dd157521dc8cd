// proxypass-shadowed on the one-argument ProxyPass of <Location> sections: httpd merges the <Location> sections that
// match a request in the order they are written, so the last one's ProxyPass is used. Checked on the real apache2
// (2.4.71): with <Location "/api/"> (backend A) before <Location "/"> (backend B), /api/x went to B; the other way
// round to A. The Home Assistant form of it: <Location "/api/websocket"> to ws:// before <Location "/"> to http://
// gets the backend's 426 for the handshake (it arrives without Upgrade), the other way round 101.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintApache } from '../../server/src/core/lint-apache';
import { defaultSettings } from '../../server/src/core/settings';
import { memHost, requireBinary } from '../helpers';
import { prepareApache, startApache } from './harness/apache';
import { request } from './harness/client';
import { startHttpStandin } from './standins/http';

requireBinary('apache2');

const WS = { Upgrade: 'websocket', Connection: 'Upgrade', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==', 'Sec-WebSocket-Version': '13' };
const section = (path: string, url: string) => `    <Location "${path}">\n        ProxyPass "${url}"\n    </Location>`;
const vhost = (...sections: string[]) => `<VirtualHost *:80>\n${sections.join('\n')}\n</VirtualHost>\n`;
const shadowed = (text: string) =>
  lintApache('/c/httpd.conf', text, memHost({ '/c/httpd.conf': text }), { settings: defaultSettings() }).findings
    .filter((f) => f.ruleId === 'proxypass-shadowed')
    .map((f) => text.slice(0, f.start).split('\n').length);

async function through(text: string, path: string, headers?: Record<string, string>): Promise<number | string> {
  const setup = await prepareApache(text);
  const httpd = await startApache(setup);
  try {
    return (await request({ port: setup.port, path, headers, headOnly: !!headers, timeoutMs: 5000 })).status;
  } finally {
    await httpd.stop();
    setup.cleanup();
  }
}

test('proxypass-shadowed: a later <Location> whose path covers an earlier one takes its requests, and only that order is reported (real apache2)', async () => {
  const a = await startHttpStandin({ behaviour: 'ok', status: 201, deadlineMs: 60_000 });
  const b = await startHttpStandin({ behaviour: 'ok', status: 202, deadlineMs: 60_000 });
  const ws = await startHttpStandin({ behaviour: 'websocket', deadlineMs: 60_000 });
  try {
    const apiFirst = vhost(section('/api/', `http://${a.address}/api/`), section('/', `http://${b.address}/`));
    const rootFirst = vhost(section('/', `http://${b.address}/`), section('/api/', `http://${a.address}/api/`));
    assert.equal(await through(apiFirst, '/api/x'), 202, 'the later <Location "/"> wins');
    assert.equal(await through(rootFirst, '/api/x'), 201);
    assert.deepEqual(shadowed(apiFirst), [3]);
    assert.deepEqual(shadowed(rootFirst), []);
    // "/apis" is not under <Location "/api">: a later one of that path does not take "/api"'s requests.
    assert.deepEqual(shadowed(vhost(section('/api', `http://${a.address}/api`), section('/apis', `http://${b.address}/apis`))), []);

    const wsFirst = vhost(section('/api/websocket', `ws://${ws.address}/api/websocket`), section('/', `http://${ws.address}/`));
    const wsLast = vhost(section('/', `http://${ws.address}/`), section('/api/websocket', `ws://${ws.address}/api/websocket`));
    assert.equal(await through(wsFirst, '/api/websocket', WS), 426, 'the handshake went to the http:// backend of <Location "/">');
    assert.equal(await through(wsLast, '/api/websocket', WS), 101);
    assert.deepEqual(shadowed(wsFirst), [3]);
    assert.deepEqual(shadowed(wsLast), []);
  } finally {
    await Promise.all([a.stop(), b.stop(), ws.stop()]);
  }
});
