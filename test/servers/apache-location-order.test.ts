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

// With three or more sections that match a request, the last one written wins (httpd merges them in order; a
// <LocationMatch> among them takes part in the same order). proxypass-shadowed names, as the line that wins, the
// ProxyPass whose backend httpd sent the request to; when that last section's ProxyPass does not match the path (a
// <LocationMatch> path without a wildcard is a prefix compared as written), httpd uses the server's own ProxyPass lines.
test('proxypass-shadowed: with several later sections matching, the last one wins and the message names it (real apache2)', async () => {
  const s = await Promise.all([201, 202, 203, 204].map((status) => startHttpStandin({ behaviour: 'ok', status, deadlineMs: 120_000 })));
  const [a, b, c, d] = s.map((x) => x.address);
  const match = (path: string, url: string) => `    <LocationMatch "${path}">\n        ProxyPass "${url}"\n    </LocationMatch>`;
  // Each layout: the request /x/y, and the stand-in that got it (or "server": the server-level line's, d).
  const layouts: { name: string; text: string; got: number }[] = [
    { name: '/x, /x/y, /x', text: vhost(section('/x', `http://${a}/x`), section('/x/y', `http://${b}/x/y`), section('/x', `http://${c}/x`)), got: 203 },
    { name: '/x/y, /x, /', text: vhost(section('/x/y', `http://${a}/x/y`), section('/x', `http://${b}/x`), section('/', `http://${c}/`)), got: 203 },
    { name: '/x/y, /x, LocationMatch ^/x/.*', text: vhost(section('/x/y', `http://${a}/x/y`), section('/x', `http://${b}/x`), match('^/x/.*', `http://${c}/`)), got: 203 },
    { name: 'LocationMatch ^/x/.*, /x/y, /x', text: vhost(match('^/x/.*', `http://${c}/`), section('/x/y', `http://${a}/x/y`), section('/x', `http://${b}/x`)), got: 202 },
    { name: '/x/y, /x, LocationMatch ^/x/ (a prefix), server ProxyPass /', text: vhost(section('/x/y', `http://${a}/x/y`), section('/x', `http://${b}/x`), match('^/x/', `http://${c}/`), `    ProxyPass "/" "http://${d}/"`), got: 204 },
  ];
  try {
    for (const l of layouts) {
      assert.equal(await through(l.text, '/x/y'), l.got, l.name);
      const lines = l.text.split('\n');
      const f = lintApache('/c/httpd.conf', l.text, memHost({ '/c/httpd.conf': l.text }), { settings: defaultSettings() }).findings.find(
        (x) => x.ruleId === 'proxypass-shadowed' && lines[l.text.slice(0, x.start).split('\n').length - 1].includes('/x/y"'),
      );
      assert.ok(f, `${l.name}: <Location "/x/y">'s ProxyPass is reported`);
      const wins = l.text.slice(f.related[0].start, f.related[0].end);
      const winner = s.find((x) => x.address.length > 0 && wins.includes(x.address));
      if (l.got === 204) assert.match(f.message, /does not match "\/x\/y" itself, so httpd tries the server's own ProxyPass lines/, l.name);
      else assert.equal(winner && 200 + s.indexOf(winner) + 1, l.got, `${l.name}: the line named as winning (${wins}) is the one httpd used`);
    }
  } finally {
    await Promise.all(s.map((x) => x.stop()));
  }
});
