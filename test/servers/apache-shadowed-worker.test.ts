// A server-level ProxyPass that an earlier line of its server's list shadows (proxypass-shadowed; ProxyModel.shadowedBy)
// gets no request (nor does a ProxyPassMatch a <Location> takes: one layout below): proxy_trans reads the list in order
// and the first match decides, and a virtual host's list starts with the main server's lines, wherever they are
// written. httpd still defines the dead line's worker, and looks a request's worker up by its backend URL: so the dead
// line's timeout=1 (against backends that take 2 s) cuts a request short exactly when some live line's URL lands on
// that worker. Each layout runs on the real apache2 with two stand-in
// backends answering 201 (A) and 202 (B), and the model's `unreachable` must hold the dead line's worker, and
// proxy-timeout-too-low stay quiet about its timeout=1, exactly when no request got the 502 after 1 s.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintApache } from '../../server/src/core/lint-apache';
import { buildProxyModel } from '../../server/src/core/model/apache-proxy';
import { defaultSettings } from '../../server/src/core/settings';
import { memHost, requireBinary } from '../helpers';
import { prepareApache, startApache } from './harness/apache';
import { request } from './harness/client';
import { startHttpStandin } from './standins/http';

requireBinary('apache2');

interface Layout {
  what: string;
  /** The configuration; A and B stand for the backends answering 201 and 202; the dead line has timeout=1. */
  text: string;
  /** Each request path with what answers it: a backend, httpd itself (404, no line proxies it) or 502 (timeout=1). */
  requests: [string, 'A' | 'B' | 404 | 502][];
}

const vhost = (...lines: string[]) => `<VirtualHost *:80>\n${lines.map((l) => `    ${l}`).join('\n')}\n</VirtualHost>\n`;
const DEAD = 'ProxyPass /api/ http://B/api/ timeout=1';

const LAYOUTS: Layout[] = [
  { what: 'a virtual host\'s "/" first (Home Assistant\'s order), then a longer path to another backend', requests: [['/api/x', 'A']],
    text: vhost('ProxyPass / http://A/', DEAD) },
  { what: 'the same on the main server, no virtual host', requests: [['/api/x', 'A']],
    text: `ProxyPass / http://A/\n${DEAD}\n` },
  { what: 'the main server\'s "/" against a virtual host\'s line (the main server\'s lines come first)', requests: [['/api/x', 'A']],
    text: `ProxyPass / http://A/\n${vhost(DEAD)}` },
  { what: 'the main server\'s "/" written after the virtual host', requests: [['/api/x', 'A']],
    text: `${vhost(DEAD)}ProxyPass / http://A/\n` },
  { what: 'an exclusion for the same path first', requests: [['/api/x', 404]],
    text: vhost('ProxyPass /api/ !', DEAD) },
  { what: 'a ProxyPassMatch after "/"', requests: [['/m/xyz', 'A']],
    text: vhost('ProxyPass / http://A/', 'ProxyPassMatch "^/m/(.*)$" "http://B/m/$1" timeout=1') },
  { what: 'a second dead line shares its worker', requests: [['/api/x', 'A'], ['/legacy/x', 'A']],
    text: vhost('ProxyPass / http://A/', DEAD, 'ProxyPass /legacy/ http://B/api/') },
  // Not shadowed in the list but taken by a <Location> (ProxyModel.takenByLocation): every match starts with /x/.
  { what: 'a ProxyPassMatch a <Location "/x/"> takes', requests: [['/x/y', 'A']],
    text: vhost('ProxyPassMatch "^/x/(.*)$" "http://B/x/$1" timeout=1', '<Location "/x/">', '    ProxyPass http://A/x/', '</Location>') },
  // A balancer's members are workers of their own.
  { what: 'a BalancerMember with its URL', requests: [['/api/x', 'A'], ['/bal/x', 'B']],
    text: vhost('ProxyPass /bal/ balancer://b/', 'ProxyPass / http://A/', DEAD, '<Proxy "balancer://b">', '    BalancerMember http://B/api/', '</Proxy>') },
  // The lines whose requests reach it: the live line's own URLs find the dead line's longer worker name (in one
  // server a plain line written after "ProxyPass / http://B/" would share that worker instead: not a dead worker) ...
  { what: 'the main server\'s "/" to the same backend: the virtual host\'s longer worker is found', requests: [['/api/x', 502]],
    text: `ProxyPass / http://B/\n${vhost(DEAD)}` },
  { what: 'the same with the main server\'s "/" written after the virtual host', requests: [['/api/x', 502]],
    text: `${vhost(DEAD)}ProxyPass / http://B/\n` },
  { what: 'a ProxyPassMatch that takes every path, to the same backend', requests: [['/api/x', 502]],
    text: vhost('ProxyPassMatch "^/(.*)$" "http://B/$1"', DEAD) },
  { what: 'a dead ProxyPassMatch whose name "/"\'s URLs find (its $1 takes any text)', requests: [['/m/xyz', 502]],
    text: vhost('ProxyPass / http://B/', 'ProxyPassMatch "^/m/(.*)$" "http://B/m/$1" timeout=1') },
  // ... a live line that shares it, or a RewriteRule [P] to its URL.
  { what: 'a live line with the same URL shares the worker', requests: [['/api/x', 'A'], ['/legacy/x', 502]],
    text: `${vhost(DEAD, 'ProxyPass /legacy/ http://B/api/')}ProxyPass /api/ http://A/api/\n` },
  { what: 'a RewriteRule [P] to a URL a dead ProxyPassMatch\'s $1 takes', requests: [['/api/x', 'A'], ['/old/abc', 502]],
    text: vhost('ProxyPass /api/ http://A/api/', 'ProxyPassMatch "^/api/(.*)$" "http://B/m/$1" timeout=1', 'RewriteEngine On', 'RewriteRule "^/old/(.*)" "http://B/m/x/$1" [P]') },
  { what: 'a RewriteRule [P] to its URL', requests: [['/api/x', 'A'], ['/old/x', 502]],
    text: vhost('ProxyPass /api/ http://A/api/', DEAD, 'RewriteEngine On', 'RewriteRule "^/old/(.*)" "http://B/api/$1" [P]') },
];

test('a worker only a shadowed server-level ProxyPass defines is skipped by the worker rules exactly when no request reaches it (real apache2)', async () => {
  const standins = await Promise.all([201, 202].map((status) => startHttpStandin({ behaviour: 'ok', status, delayMs: 2000, deadlineMs: 240_000 })));
  const address = { A: standins[0].address, B: standins[1].address };
  try {
    for (const l of LAYOUTS) {
      const text = l.text.replace(/http:\/\/([AB])\//g, (_, k: 'A' | 'B') => `http://${address[k]}/`);
      const setup = await prepareApache(text);
      const httpd = await startApache(setup);
      const got: (number | string)[] = [];
      try {
        for (const [path] of l.requests) got.push((await request({ port: setup.port, path, timeoutMs: 8000 })).status);
      } finally {
        await httpd.stop();
        setup.cleanup();
      }
      const want = l.requests.map(([, w]) => (w === 'A' ? 201 : w === 'B' ? 202 : w));
      assert.deepEqual(got, want, l.what);
      // timeout=1 is the only way to a 502 here: every other worker waits the default 60 s for the 2 s backends.
      const reached = got.includes(502);
      const result = lintApache('/c/httpd.conf', text, memHost({ '/c/httpd.conf': text }), { settings: defaultSettings() });
      const lines = text.split('\n');
      const deadLine = lines.findIndex((x) => x.includes('timeout=1')) + 1;
      const lineOf = (at: number) => text.slice(0, at).split('\n').length;
      assert.ok(result.findings.some((f) => f.ruleId === 'proxypass-shadowed' && lineOf(f.start) === deadLine), `${l.what}: the dead line is reported as such`);
      const timeout1 = result.findings.filter((f) => f.ruleId === 'proxy-timeout-too-low' && lineOf(f.start) === deadLine);
      assert.equal(timeout1.length, reached ? 1 : 0, `${l.what}: proxy-timeout-too-low on timeout=1`);
      const model = buildProxyModel(result.config);
      const dead = model.workers.find((w) => w.kind === 'proxypass' && lineOf(w.node.directive.start) === deadLine);
      assert.ok(dead && !dead.shares, `${l.what}: the dead line defines its worker`);
      assert.equal(model.unreachable.has(dead), !reached, `${l.what}: ProxyModel.unreachable`);
    }
  } finally {
    await Promise.all(standins.map((s) => s.stop()));
  }
});

// Home Assistant's layout written the other way round: "/" first takes the WebSocket handshakes too, so they go to its
// http:// backend (which answers them 201, not 101) and no tunnel runs through the ws:// line's worker; its wait is not
// reported. Written the usual way (the WebSocket line first), the handshake gets its 101 and the wait is reported.
test('websocket-tunnel-idle-timeout leaves out the ws:// line that an earlier "/" line shadows (real apache2)', async () => {
  const plain = await startHttpStandin({ behaviour: 'ok', status: 201, deadlineMs: 60_000 });
  const ws = await startHttpStandin({ behaviour: 'websocket', deadlineMs: 60_000 });
  const HANDSHAKE = { Upgrade: 'websocket', Connection: 'Upgrade', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==', 'Sec-WebSocket-Version': '13' };
  const root = `ProxyPass / http://${plain.address}/`;
  const socket = `ProxyPass /api/websocket ws://${ws.address}/api/websocket timeout=1`;
  const layouts = [
    { what: '"/" first', text: vhost(root, socket), status: 201, reported: [] as number[] },
    { what: 'the WebSocket line first', text: vhost(socket, root), status: 101, reported: [2] },
  ];
  try {
    for (const l of layouts) {
      const setup = await prepareApache(l.text);
      const httpd = await startApache(setup);
      try {
        assert.equal((await request({ port: setup.port, path: '/api/websocket', headers: HANDSHAKE, headOnly: true, timeoutMs: 5000 })).status, l.status, l.what);
      } finally {
        await httpd.stop();
        setup.cleanup();
      }
      const found = lintApache('/c/httpd.conf', l.text, memHost({ '/c/httpd.conf': l.text }), { settings: defaultSettings() }).findings.filter((f) => f.ruleId === 'websocket-tunnel-idle-timeout');
      assert.deepEqual(found.map((f) => l.text.slice(0, f.start).split('\n').length), l.reported, `${l.what}: ${found.map((f) => f.message).join('\n')}`);
    }
  } finally {
    await Promise.all([plain.stop(), ws.stop()]);
  }
});
