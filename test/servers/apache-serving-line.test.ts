// Which ProxyPass line serves a request (ProxyModel.servedBy, takenByLocation): httpd merges the request's <Location> and
// <LocationMatch> sections before it maps the URL, and mod_proxy's proxy_trans tries the one ProxyPass of those merged
// sections before the server's own list; only when that line does not map the path is the list read, its first
// matching line deciding (the main server's lines first, in a virtual host too). Each layout runs on the real apache2
// with three stand-in backends answering 201, 202 and 203, and the model must name the line whose backend answered.
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
  /** The configuration; A, B and C stand for the backends answering 201, 202 and 203. */
  text: string;
  path: string;
  /** The backend that answers (its letter), or "none" for a request no line proxies (httpd's own 404). */
  got: 'A' | 'B' | 'C' | 'none';
  /** Server-level lines (by the backend they name) the model says serve nothing (takenByLocation). */
  taken?: string[];
}

const loc = (path: string, line: string) => `<Location "${path}">\n    ProxyPass ${line}\n</Location>`;
const vhost = (...lines: string[]) => `<VirtualHost *:80>\n${lines.join('\n')}\n</VirtualHost>\n`;

const LAYOUTS: Layout[] = [
  { what: 'server-level line first, then a <Location> for the same path', path: '/api/websocket', got: 'B', taken: ['A'],
    text: vhost('ProxyPass /api/websocket http://A/api/websocket', loc('/api/websocket', 'http://B/api/websocket')) },
  { what: 'a <Location> first, then a server-level line for the same path', path: '/api/websocket', got: 'B', taken: ['A'],
    text: vhost(loc('/api/websocket', 'http://B/api/websocket'), 'ProxyPass /api/websocket http://A/api/websocket') },
  { what: 'a <Location> for a shorter path takes the longer server-level one', path: '/api/websocket', got: 'B', taken: ['A'],
    text: vhost('ProxyPass /api/websocket http://A/api/websocket', loc('/api', 'http://B/api')) },
  { what: 'a <Location> for a longer path leaves the rest of the server-level line', path: '/api/other', got: 'A',
    text: vhost('ProxyPass /api http://A/api', loc('/api/websocket', 'http://B/api/websocket')) },
  { what: 'server-level lines: the first match wins', path: '/x/y', got: 'A',
    text: vhost('ProxyPass /x/ http://A/x/', 'ProxyPass /x/ http://B/x/', 'ProxyPass / http://C/') },
  { what: 'server-level lines: "/" first takes everything', path: '/x/y', got: 'C',
    text: vhost('ProxyPass / http://C/', 'ProxyPass /x/ http://A/x/') },
  // A ProxyPassMatch whose every match starts with text a plain <Location> covers is taken like a prefix line.
  { what: 'a ProxyPassMatch against a <Location>', path: '/x/y', got: 'B', taken: ['A'],
    text: vhost('ProxyPassMatch "^/x/(.*)$" "http://A/x/$1"', loc('/x/', 'http://B/x/')) },
  { what: 'a ProxyPassMatch "^/x/" against a <Location "/x"> (every match is under it)', path: '/x/y', got: 'B', taken: ['A'],
    text: vhost(loc('/x', 'http://B/x'), 'ProxyPassMatch "^/x/(.*)$" "http://A/x/$1"') },
  { what: 'a ProxyPassMatch "^/x(.*)$" keeps /xy, which <Location "/x/"> does not take', path: '/xy', got: 'A', taken: [],
    text: vhost('ProxyPassMatch "^/x(.*)$" "http://A/x$1"', loc('/x/', 'http://B/x/')) },
  { what: 'the same ProxyPassMatch: /x/y goes to the <Location>', path: '/x/y', got: 'B', taken: [],
    text: vhost('ProxyPassMatch "^/x(.*)$" "http://A/x$1"', loc('/x/', 'http://B/x/')) },
  // A later regex or wildcard section whose literal start is apart from the line's path takes none of its paths.
  { what: 'a later <LocationMatch "^/other/"> takes nothing under /x/', path: '/x/y', got: 'B', taken: ['A'],
    text: vhost('ProxyPass /x/ http://A/x/', loc('/x/', 'http://B/x/'), '<LocationMatch "^/other/">\n    ProxyPass http://C/\n</LocationMatch>') },
  { what: 'a later <Location "/static/*"> takes nothing under /x/', path: '/x/y', got: 'B', taken: ['A'],
    text: vhost('ProxyPass /x/ http://A/x/', loc('/x/', 'http://B/x/'), loc('/static/*', 'http://C/')) },
  // One that may match there: its ProxyPass ("\.php$" as a path) maps nothing, and the server's list is read.
  { what: 'a later <LocationMatch "\\.php$"> hands /x/a.php back to the server\'s list', path: '/x/a.php', got: 'A', taken: [],
    text: vhost('ProxyPass /x/ http://A/x/', loc('/x/', 'http://B/x/'), '<LocationMatch "\\.php$">\n    ProxyPass http://C/\n</LocationMatch>') },
  { what: 'a main-server <Location> against a virtual host\'s own line', path: '/x/y', got: 'A', taken: ['B'],
    text: `${loc('/x/', 'http://A/x/')}\n${vhost('ProxyPass /x/ http://B/x/')}` },
  { what: 'a main-server <Location> against a virtual host\'s <Location>', path: '/x/y', got: 'B',
    text: `${loc('/x/', 'http://A/x/')}\n${vhost(loc('/x/', 'http://B/x/'))}` },
  { what: 'a main-server line against a virtual host\'s line', path: '/x/y', got: 'A',
    text: `ProxyPass /x/ http://A/x/\n${vhost('ProxyPass /x/ http://B/x/')}` },
  { what: 'a <LocationMatch> whose path is a prefix as written ("^/x/") does not map /x/y: the server\'s list does', path: '/x/y', got: 'A', taken: [],
    text: vhost('ProxyPass /x/ http://A/x/', '<LocationMatch "^/x/">\n    ProxyPass http://B/\n</LocationMatch>') },
  { what: 'a <Location> with ProxyPass "!" keeps the path from the server\'s list', path: '/x/y', got: 'none', taken: ['A'],
    text: vhost('ProxyPass /x/ http://A/x/', loc('/x/', '!')) },
];

test('ProxyModel.servedBy names the line whose backend real apache2 sent the request to, and takenByLocation the server-level lines that got none', async () => {
  const standins = await Promise.all([201, 202, 203].map((status) => startHttpStandin({ behaviour: 'ok', status, deadlineMs: 180_000 })));
  const address = { A: standins[0].address, B: standins[1].address, C: standins[2].address };
  const letterOf = (url: string) => (Object.keys(address) as ('A' | 'B' | 'C')[]).find((k) => url.includes(address[k]));
  try {
    for (const l of LAYOUTS) {
      const text = l.text.replace(/http:\/\/([ABC])\//g, (_, k: 'A' | 'B' | 'C') => `http://${address[k]}/`);
      const setup = await prepareApache(text);
      const httpd = await startApache(setup);
      let status: number | string;
      try {
        status = (await request({ port: setup.port, path: l.path, timeoutMs: 5000 })).status;
      } finally {
        await httpd.stop();
        setup.cleanup();
      }
      assert.equal(status, l.got === 'none' ? 404 : 201 + 'ABC'.indexOf(l.got), l.what);
      const result = lintApache('/c/httpd.conf', text, memHost({ '/c/httpd.conf': text }), { settings: defaultSettings() });
      const model = buildProxyModel(result.config);
      const server = model.servers.find((s) => s.vhost)?.vhost ?? null;
      const s = model.servedBy(server, l.path);
      assert.ok(s.known, `${l.what}: the model can tell`);
      if (l.got === 'none') assert.ok(!s.rule || s.rule.exclusion, `${l.what}: no line proxies it (${s.rule?.url})`);
      else assert.equal(s.rule && letterOf(s.rule.url), l.got, `${l.what}: the model says ${s.rule?.url}`);
      if (l.taken) {
        const taken = model.rules.filter((r) => model.takenByLocation.has(r.node)).map((r) => letterOf(r.url));
        assert.deepEqual(taken, l.taken, `${l.what}: takenByLocation`);
        // proxypass-shadowed says so of exactly those lines (the backend that answered was never theirs).
        const said = result.findings.filter((f) => f.ruleId === 'proxypass-shadowed' && /before the server's own ProxyPass lines/.test(f.message));
        const line = (start: number) => text.slice(0, start).split('\n').length;
        const saidOf = said.map((f) => letterOf(text.split('\n')[line(f.start) - 1]));
        assert.deepEqual(saidOf, l.taken, `${l.what}: proxypass-shadowed ${said.map((f) => f.message).join(' | ')}`);
      }
    }
  } finally {
    await Promise.all(standins.map((x) => x.stop()));
  }
});

// websocket-tunnel-idle-timeout judges the workers WebSockets are tunnelled through. A server-level ws:// line whose
// path a <Location> ProxyPass takes gets no handshake (the backend answers the <Location>'s http:// request 426), so no
// tunnel runs through its worker and its wait is not reported; the other way round the <Location>'s ws:// line opens
// the tunnel (101), and its wait (Timeout 30 here) is.
test('websocket-tunnel-idle-timeout reports the ws:// line that real apache2 tunnels the handshake through, not the one a <Location> takes the path from', async () => {
  const backend = await startHttpStandin({ behaviour: 'websocket', deadlineMs: 60_000 });
  const WS = { Upgrade: 'websocket', Connection: 'Upgrade', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==', 'Sec-WebSocket-Version': '13' };
  const layouts = [
    { server: 'ws', section: 'http', status: 426, reported: [] as number[] },
    { server: 'http', section: 'ws', status: 101, reported: [5] },
  ];
  try {
    for (const l of layouts) {
      const text = vhost('Timeout 30', `ProxyPass /api/websocket ${l.server}://${backend.address}/api/websocket`, loc('/api/websocket', `${l.section}://${backend.address}/api/websocket`));
      const setup = await prepareApache(text);
      const httpd = await startApache(setup);
      try {
        assert.equal((await request({ port: setup.port, path: '/api/websocket', headers: WS, headOnly: true, timeoutMs: 5000 })).status, l.status, `${l.server}:// server line, ${l.section}:// <Location>`);
      } finally {
        await httpd.stop();
        setup.cleanup();
      }
      const found = lintApache('/c/httpd.conf', text, memHost({ '/c/httpd.conf': text }), { settings: defaultSettings() }).findings.filter((f) => f.ruleId === 'websocket-tunnel-idle-timeout');
      assert.deepEqual(found.map((f) => text.slice(0, f.start).split('\n').length), l.reported, `${l.server}:// server line, ${l.section}:// <Location>: ${found.map((f) => f.message).join('\n')}`);
    }
  } finally {
    await backend.stop();
  }
});
