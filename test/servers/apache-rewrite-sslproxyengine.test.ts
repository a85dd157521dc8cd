// RewriteRule … [P] to an https:// backend needs SSLProxyEngine On in the server the request came to, like ProxyPass.
// On the real apache2 (2.4.71) with mod_ssl loaded and no SSLProxyEngine, each of these got 500 with
// "AH01961:  failed to enable ssl support [Hint: if using mod_ssl, see SSLProxyEngine]" and "AH00961: https: failed to
// enable ssl support for …": a [P,L] rule, a rule with [l,proxy] and a https://%{HTTP_HOST}/ target, a rule to a worker
// a main-server <Proxy "https://…"> section defines, and a rule to a main-server balancer:// with an https:// member.
// The twins with SSLProxyEngine On in the virtual host reach the TLS backend (200) and must not be reported. The second
// test checks what the RewriteRule hover says about the worker a [P] request uses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { APX_LOG } from '../../server/src/core/docs/log-lines';
import { lintApache } from '../../server/src/core/lint-apache';
import { memHost, requireBinary } from '../helpers';
import { fixtureSettings } from '../rules/rule-harness';
import { logHasLine, prepareApache, startApache } from './harness/apache';
import { request } from './harness/client';
import { startHttpStandin } from './standins/http';
import { startTlsStandin } from './standins/tls';

requireBinary('apache2');

const RULE = 'https-backend-without-sslproxyengine';
const MODULES = ['mpm_event', 'authz_core', 'proxy', 'proxy_http', 'proxy_balancer', 'slotmem_shm', 'lbmethod_byrequests', 'rewrite', 'ssl'];

interface Case {
  what: string;
  /** Main-server lines, then the virtual host's; BACKEND stands for host:port of the TLS stand-in. */
  main?: string;
  vhost: string;
  path: string;
  host?: string;
  engine: boolean;
}

const CASES: Case[] = [
  { what: '[P,L] to https://', vhost: 'RewriteRule "^/tls/(.*)$" "https://BACKEND/$1" [P,L]', path: '/tls/x', engine: false },
  { what: '[l,proxy] to https://%{HTTP_HOST}/', vhost: 'RewriteRule "^/var/(.*)$" "https://%{HTTP_HOST}/$1" [l,proxy]', path: '/var/x', host: 'BACKEND', engine: false },
  { what: 'a worker of a main-server <Proxy "https://…">', main: '<Proxy "https://BACKEND/">\n    ProxySet timeout=5\n</Proxy>', vhost: 'RewriteRule "^/w/(.*)$" "https://BACKEND/$1" [P]', path: '/w/x', engine: false },
  { what: 'a main-server balancer with an https:// member', main: '<Proxy "balancer://tls">\n    BalancerMember "https://BACKEND"\n</Proxy>', vhost: 'RewriteRule "^/lb/(.*)$" "balancer://tls/$1" [P]', path: '/lb/x', engine: false },
];

test('https-backend-without-sslproxyengine reports RewriteRule [P] to TLS backends without SSLProxyEngine (500, AH01961), and not the twins with it On (real apache2)', async () => {
  const backend = await startTlsStandin({ behaviour: 'ok', deadlineMs: 120_000 });
  const address = `127.0.0.1:${backend.port}`;
  try {
    for (const c of CASES) {
      for (const engine of [false, true]) {
        const sub = (t: string) => t.replaceAll('BACKEND', address);
        const body = `${c.main ? sub(c.main) + '\n' : ''}<VirtualHost *:80>\n    ServerName localhost\n${engine ? '    SSLProxyEngine On\n    # The certificate of the stand-in does not name 127.0.0.1 (see tls-backend-ip-name-check).\n    SSLProxyCheckPeerName off\n' : ''}    RewriteEngine On\n    ${sub(c.vhost)}\n</VirtualHost>\n`;
        const setup = await prepareApache(body, { modules: MODULES });
        const httpd = await startApache(setup);
        const what = `${c.what}${engine ? ' (SSLProxyEngine On)' : ''}`;
        try {
          const r = await request({ port: setup.port, path: c.path, headers: c.host ? { Host: sub(c.host) } : {}, timeoutMs: 5000 });
          await new Promise((res) => setTimeout(res, 150));
          const log = httpd.errorLog();
          assert.equal(r.status, engine ? 200 : 500, `${what}:\n${log}`);
          assert.equal(logHasLine(log, APX_LOG.noSslHint), !engine, `${what}: AH01961\n${log}`);
          const findings = lintApache(setup.confPath, setup.text, memHost({ [setup.confPath]: setup.text }), { settings: fixtureSettings(setup.text) }).findings.filter((f) => f.ruleId === RULE);
          assert.equal(findings.length, engine ? 0 : 1, `${what}: ${findings.map((f) => f.message).join('\n')}`);
          if (!engine) assert.match(findings[0].message, /SSLProxyEngine is off in this <VirtualHost>/, what);
        } finally {
          await httpd.stop();
          setup.cleanup();
        }
      }
    }
  } finally {
    await backend.stop();
  }
});

// The RewriteRule hover says a [P] request with no matching worker waits ProxyTimeout/Timeout, and one whose target
// starts with a worker's URL takes that worker's timeout=.
test('RewriteRule [P]: the default worker waits Timeout (502 after 1 s, AH01102); a <Proxy "url"> ProxySet timeout=5 or a ProxyPass worker the target starts with is used instead (real apache2)', async () => {
  const slow = await startHttpStandin({ behaviour: 'ok', delayMs: 3000, deadlineMs: 60_000 });
  const rule = `RewriteEngine On\nRewriteRule "^/p/(.*)$" "http://${slow.address}/$1" [P]\n`;
  const layouts: [string, string, number][] = [
    ['no worker', '', 502],
    ['<Proxy "url"> ProxySet timeout=5', `<Proxy "http://${slow.address}/">\n    ProxySet timeout=5\n</Proxy>\n`, 200],
    ['ProxyPass worker for the same URL', `ProxyPass "/other/" "http://${slow.address}/" timeout=5\n`, 200],
    ['ProxyPass worker for another path', `ProxyPass "/other/" "http://${slow.address}/sub/" timeout=5\n`, 502],
  ];
  try {
    for (const [what, lines, status] of layouts) {
      const setup = await prepareApache(`Timeout 1\n${lines}${rule}`, { modules: ['mpm_event', 'authz_core', 'proxy', 'proxy_http', 'rewrite'] });
      const httpd = await startApache(setup);
      try {
        const r = await request({ port: setup.port, path: '/p/x', timeoutMs: 8000 });
        await new Promise((res) => setTimeout(res, 150));
        const log = httpd.errorLog();
        assert.equal(r.status, status, `${what}:\n${log}`);
        if (status === 502) {
          assert.ok(r.ms >= 900 && r.ms < 2500, `${what}: 502 after ${r.ms} ms`);
          assert.match(log, /AH01102: error reading status line from remote server/, what);
        } else assert.ok(r.ms >= 2900, `${what}: 200 after ${r.ms} ms`);
      } finally {
        await httpd.stop();
        setup.cleanup();
      }
    }
  } finally {
    await slow.stop();
  }
});
