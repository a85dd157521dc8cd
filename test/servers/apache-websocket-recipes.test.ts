// websocket-upgrade-not-enabled on the Home Assistant reverse-proxy recipes people write for httpd (ProxyPass to
// ws:// for /api/websocket before "/", or the RewriteCond %{HTTP:Upgrade} + RewriteRule [P] recipe), and the ways
// they go wrong: the rule must report exactly the lines where the real apache2 hands the handshake on without its
// Upgrade header. The stand-in backend answers 101 to a handshake that reaches it with Upgrade and 426 otherwise
// (Home Assistant itself answers 400); httpd passes that status on and writes nothing to its error log.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyEdits } from '../../server/src/core/fix';
import { lintApache } from '../../server/src/core/lint-apache';
import { defaultSettings } from '../../server/src/core/settings';
import { parseVersion } from '../../server/src/core/model/version';
import { memHost, requireBinary } from '../helpers';
import { prepareApache, startApache } from './harness/apache';
import { request } from './harness/client';
import { startHttpStandin } from './standins/http';

requireBinary('apache2');

const RULE = 'websocket-upgrade-not-enabled';
const WS = { Upgrade: 'websocket', Connection: 'Upgrade', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==', 'Sec-WebSocket-Version': '13' };

interface Case {
  what: string;
  /** The virtual host's lines; B stands for the backend's address. */
  body: string;
  status: 101 | 426;
  /** The lines of `body` (1-based) the rule reports. */
  reported: number[];
}

const CASES: Case[] = [
  { what: 'ProxyPass /api/websocket to ws:// before "/"', status: 101, reported: [],
    body: 'ProxyPass /api/websocket ws://B/api/websocket\nProxyPassReverse /api/websocket ws://B/api/websocket\nProxyPass / http://B/\nProxyPassReverse / http://B/' },
  { what: 'ProxyPass /api/websocket to http:// without upgrade=', status: 426, reported: [1],
    body: 'ProxyPass /api/websocket http://B/api/websocket\nProxyPass / http://B/' },
  { what: 'the rewrite recipe to ws://', status: 101, reported: [],
    body: 'RewriteEngine on\nRewriteCond %{HTTP:Upgrade} =websocket [NC]\nRewriteRule /(.*) ws://B/$1 [P,L]\nRewriteCond %{HTTP:Upgrade} !=websocket [NC]\nRewriteRule /(.*) http://B/$1 [P,L]\nProxyPass /api/websocket http://B/api/websocket' },
  { what: 'the rewrite recipe without RewriteEngine On', status: 426, reported: [3],
    body: 'RewriteCond %{HTTP:Upgrade} =websocket [NC]\nRewriteRule /(.*) ws://B/$1 [P,L]\nProxyPass /api/websocket http://B/api/websocket\nProxyPass / http://B/' },
  { what: 'a rewrite recipe for another path', status: 426, reported: [4],
    body: 'RewriteEngine on\nRewriteCond %{HTTP:Upgrade} =websocket [NC]\nRewriteRule ^/other/(.*) ws://B/other/$1 [P,L]\nProxyPass /api/websocket http://B/api/websocket\nProxyPass / http://B/' },
  { what: 'the rewrite recipe to http://', status: 426, reported: [4],
    body: 'RewriteEngine on\nRewriteCond %{HTTP:Upgrade} =websocket [NC]\nRewriteCond %{HTTP:Connection} upgrade [NC]\nRewriteRule ^/?(.*) "http://B/$1" [P,L]\nProxyPass / http://B/' },
  // The [P] request takes the worker with the longest name its URL starts with: here /api/websocket's, without upgrade=.
  // Other paths the rule takes land on the "/" worker, which upgrades: the ProxyPass line is the one to fix.
  { what: 'the rewrite recipe to http:// landing on a worker without upgrade=', status: 426, reported: [4],
    body: 'RewriteEngine on\nRewriteCond %{HTTP:Upgrade} =websocket [NC]\nRewriteRule /(.*) http://B/$1 [P,L]\nProxyPass /api/websocket http://B/api/websocket\nProxyPass / http://B/ upgrade=websocket' },
  { what: 'the rewrite recipe to http:// landing on a <Proxy> worker with upgrade=', status: 101, reported: [],
    body: 'RewriteEngine on\nRewriteCond %{HTTP:Upgrade} =websocket [NC]\nRewriteRule /(.*) http://B/$1 [P,L]\n<Proxy "http://B/">\n    ProxySet upgrade=websocket\n</Proxy>' },
  // Two <Location> sections for the path: the last one's ProxyPass takes the handshake (sections merge in the order
  // written). A ws:// line that a later section overrides upgrades nothing, so it must not silence the live http:// one.
  { what: 'a dead ws:// <Location> before a live http:// one for the same path', status: 426, reported: [5],
    body: '<Location /api/websocket>\n    ProxyPass ws://B/api/websocket\n</Location>\n<Location /api/websocket>\n    ProxyPass http://B/api/websocket\n</Location>\nProxyPass / http://B/' },
  { what: 'a dead http:// <Location> before a live ws:// one for the same path', status: 101, reported: [],
    body: '<Location /api/websocket>\n    ProxyPass http://B/api/websocket\n</Location>\n<Location /api/websocket>\n    ProxyPass ws://B/api/websocket\n</Location>\nProxyPass / http://B/' },  // httpd tries the request's <Location> ProxyPass before the server's own lines, whatever the order they are written in,
  // and of the server's lines the first that matches: a ws:// line that comes second upgrades nothing.
  { what: 'a server-level ws:// line beside a <Location> http:// one for the path', status: 426, reported: [3],
    body: 'ProxyPass /api/websocket ws://B/api/websocket\n<Location /api/websocket>\n    ProxyPass http://B/api/websocket\n</Location>\nProxyPass / http://B/' },
  { what: 'a server-level http:// line beside a <Location> ws:// one for the path', status: 101, reported: [],
    body: 'ProxyPass /api/websocket http://B/api/websocket\n<Location /api/websocket>\n    ProxyPass ws://B/api/websocket\n</Location>\nProxyPass / http://B/' },
  { what: 'a server-level http:// line before a ws:// one for the same path', status: 426, reported: [1],
    body: 'ProxyPass /api/websocket http://B/api/websocket\nProxyPass /api/websocket ws://B/api/websocket\nProxyPass / http://B/' },
];

const settings = () => {
  const s = defaultSettings();
  s.apache.version = parseVersion('2.4.71');
  return s;
};

/** The handshake's status through a fresh httpd with `text`, and the error log's lines after startup. */
async function handshake(text: string, port?: string): Promise<{ status: number | string; log: string[]; setup: Awaited<ReturnType<typeof prepareApache>> }> {
  const setup = await prepareApache(text);
  const httpd = await startApache(setup);
  try {
    const r = await request({ port: port ? setup.ports.get(port)! : setup.port, path: '/api/websocket', headers: WS, headOnly: true, timeoutMs: 5000 });
    await new Promise((res) => setTimeout(res, 150));
    // Startup lines (mod_ssl's library notice, the MPM's thread hint) are no answer to a request.
    const log = httpd.errorLog().split('\n').filter((l) => /\[proxy|\[rewrite|\[core:error/.test(l));
    return { status: r.status, log, setup };
  } finally {
    await httpd.stop();
  }
}

test(`${RULE}: reports the Home Assistant recipes whose handshake real apache2 passes on without Upgrade (426 from the backend, nothing in the error log), and only those`, async () => {
  const backend = await startHttpStandin({ behaviour: 'websocket', deadlineMs: 120_000 });
  try {
    for (const c of CASES) {
      const text = `<VirtualHost *:80>\n${c.body.replaceAll('B/', `${backend.address}/`)}\n</VirtualHost>\n`;
      const { status, log, setup } = await handshake(text);
      try {
        assert.equal(status, c.status, c.what);
        assert.deepEqual(log, [], `${c.what}: httpd logs nothing for a handshake the backend refused`);
        const first = setup.text.split('\n').findIndex((l) => l.startsWith('<VirtualHost')) + 2;
        const found = lintApache(setup.confPath, setup.text, memHost({ [setup.confPath]: setup.text }), { settings: settings() }).findings.filter((f) => f.ruleId === RULE);
        assert.deepEqual(found.map((f) => setup.text.slice(0, f.start).split('\n').length - first + 1), c.reported, `${c.what}: ${found.map((f) => f.message).join('\n')}`);
      } finally {
        setup.cleanup();
      }
    }
  } finally {
    await backend.stop();
  }
});

test(`${RULE}: the suggestion for the rewrite recipe to http:// (ws:// instead) makes the handshake get 101 (real apache2)`, async () => {
  const backend = await startHttpStandin({ behaviour: 'websocket', deadlineMs: 60_000 });
  try {
    const c = CASES.find((x) => x.what === 'the rewrite recipe to http://')!;
    const text = `<VirtualHost *:80>\n${c.body.replaceAll('B/', `${backend.address}/`)}\n</VirtualHost>\n`;
    const [f, ...rest] = lintApache('/c/httpd.conf', text, memHost({ '/c/httpd.conf': text }), { settings: settings() }).findings.filter((x) => x.ruleId === RULE);
    assert.equal(rest.length, 0);
    assert.match(f.message, /^This RewriteRule takes the WebSocket handshakes \(its RewriteCond tests the Upgrade header\) to http:\/\/, and no worker it can land on has upgrade=websocket/);
    assert.equal(f.suggestions[0]?.title, 'Proxy the handshakes to ws://');
    const fixed = applyEdits(text, f.suggestions[0].edits).text;
    assert.match(fixed, /RewriteRule \^\/\?\(\.\*\) "ws:\/\/127\.0\.0\.1:\d+\/\$1" \[P,L\]/);
    const { status, setup } = await handshake(fixed);
    setup.cleanup();
    assert.equal(status, 101);
    assert.deepEqual(lintApache('/c/httpd.conf', fixed, memHost({ '/c/httpd.conf': fixed }), { settings: settings() }).findings.filter((x) => x.ruleId === RULE), []);
  } finally {
    await backend.stop();
  }
});

test(`${RULE}: a ws:// line in another virtual host takes none of this one's handshakes (real apache2: 426 here, 101 there)`, async () => {
  const backend = await startHttpStandin({ behaviour: 'websocket', deadlineMs: 60_000 });
  try {
    const text = ['<VirtualHost *:80>', '    ProxyPass /api/websocket http://B/api/websocket', '</VirtualHost>', '<VirtualHost *:81>', '    ProxyPass /api/websocket ws://B/api/websocket', '</VirtualHost>', ''].join('\n').replaceAll('B/', `${backend.address}/`);
    for (const [port, status] of [['80', 426], ['81', 101]] as const) {
      const got = await handshake(text, port);
      got.setup.cleanup();
      assert.equal(got.status, status, `the handshake to the virtual host on *:${port}`);
    }
    const found = lintApache('/c/httpd.conf', text, memHost({ '/c/httpd.conf': text }), { settings: settings() }).findings.filter((f) => f.ruleId === RULE);
    assert.deepEqual(found.map((f) => text.slice(0, f.start).split('\n').length), [2]);
  } finally {
    await backend.stop();
  }
});
