// A main-server RewriteRule runs in a virtual host only when that virtual host says RewriteOptions Inherit (or
// InheritBefore), or has RewriteEngine On of its own under the main server's InheritDown (or InheritDownBefore):
// mod_rewrite merges the main server's rules into it then, and not otherwise. The [P] rules the rules
// check must follow that, with the SSLProxyEngine and modules of the server whose request it is. Every layout here is
// run on the real apache2 with one virtual host taking the only Listen port (so the main server answers nothing), a
// request to the virtual host, and the status and error log compared with what proxylint says about the rule.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintApache } from '../../server/src/core/lint-apache';
import { memHost, requireBinary } from '../helpers';
import { fixtureSettings } from '../rules/rule-harness';
import { prepareApache, startApache } from './harness/apache';
import { request } from './harness/client';
import { startHttpStandin } from './standins/http';
import { startTlsStandin } from './standins/tls';

requireBinary('apache2');

interface Case {
  what: string;
  /** Main-server lines after the RewriteRule's RewriteEngine; RULE stands for the rule. */
  main: string;
  vhost: string;
  status: number;
  reported: boolean;
}

const CASES: Case[] = [
  { what: 'RewriteOptions Inherit in the virtual host', main: 'RewriteEngine On\nRULE', vhost: 'RewriteOptions Inherit', status: 500, reported: true },
  { what: 'no RewriteOptions', main: 'RewriteEngine On\nRULE', vhost: '', status: 404, reported: false },
  { what: 'InheritBefore, with rules of its own', main: 'RewriteEngine On\nRULE', vhost: 'RewriteEngine On\nRewriteOptions InheritBefore\nRewriteRule "^/other$" "-" [F]', status: 500, reported: true },
  { what: 'Inherit, RewriteEngine On only in the virtual host', main: 'RULE', vhost: 'RewriteEngine On\nRewriteOptions Inherit', status: 500, reported: true },
  { what: 'Inherit, RewriteEngine Off in the virtual host', main: 'RewriteEngine On\nRULE', vhost: 'RewriteEngine Off\nRewriteOptions Inherit', status: 404, reported: false },
  { what: 'RewriteOptions Inherit in the main server only', main: 'RewriteEngine On\nRewriteOptions Inherit\nRULE', vhost: '', status: 404, reported: false },
  { what: 'RewriteOptions InheritDown in the main server', main: 'RewriteEngine On\nRewriteOptions InheritDown\nRULE', vhost: '', status: 404, reported: false },
  { what: 'InheritDownBefore in the main server', main: 'RewriteEngine On\nRewriteOptions InheritDownBefore\nRULE', vhost: '', status: 404, reported: false },
  { what: 'InheritDown in the main server, RewriteEngine On in the virtual host', main: 'RewriteEngine On\nRewriteOptions InheritDown\nRULE', vhost: 'RewriteEngine On', status: 500, reported: true },
  { what: 'InheritDownBefore in the main server, RewriteEngine On in the virtual host', main: 'RewriteOptions InheritDownBefore\nRULE', vhost: 'RewriteEngine On', status: 500, reported: true },
];

const conf = (main: string, vhost: string, rule: string) =>
  `Listen 80\n${main.replace('RULE', rule)}\n<VirtualHost *:80>\n    ServerName localhost\n${vhost ? vhost.split('\n').map((l) => `    ${l}\n`).join('') : ''}</VirtualHost>\n`;

test('https-backend-without-sslproxyengine: a main-server RewriteRule [P] to https:// is reported where a virtual host runs it through RewriteOptions Inherit without SSLProxyEngine (500, AH00961), not where none does (real apache2)', async () => {
  const backend = await startTlsStandin({ behaviour: 'ok', deadlineMs: 120_000 });
  const rule = `RewriteRule "^/tls/(.*)$" "https://127.0.0.1:${backend.port}/$1" [P]`;
  try {
    for (const c of [...CASES, { what: 'Inherit, SSLProxyEngine On in the virtual host', main: 'RewriteEngine On\nRULE', vhost: 'SSLProxyEngine On\nSSLProxyCheckPeerName off\nRewriteOptions Inherit', status: 200, reported: false }]) {
      const setup = await prepareApache(conf(c.main, c.vhost, rule), { modules: ['mpm_event', 'authz_core', 'proxy', 'proxy_http', 'rewrite', 'ssl'] });
      const httpd = await startApache(setup);
      try {
        const r = await request({ port: setup.port, path: '/tls/x', timeoutMs: 5000 });
        await new Promise((res) => setTimeout(res, 150));
        const log = httpd.errorLog();
        assert.equal(r.status, c.status, `${c.what}:\n${log}`);
        assert.equal(/AH00961: https: failed to enable ssl support/.test(log), c.status === 500, `${c.what}: AH00961\n${log}`);
        const findings = lintApache(setup.confPath, setup.text, memHost({ [setup.confPath]: setup.text }), { settings: fixtureSettings(setup.text) }).findings.filter((f) => f.ruleId === 'https-backend-without-sslproxyengine');
        assert.equal(findings.length, c.reported ? 1 : 0, `${c.what}: ${findings.map((f) => f.message).join('\n')}`);
        if (c.reported) {
          assert.match(findings[0].message, /SSLProxyEngine is off in the <VirtualHost> at line \d+, which runs this main-server rule through its (RewriteOptions Inherit|RewriteEngine On and the main server's RewriteOptions InheritDown)/, c.what);
          assert.equal(setup.text.slice(findings[0].start, findings[0].end), `"https://127.0.0.1:${backend.port}/$1"`, `${c.what}: placed at the substitution`);
        }
      } finally {
        await httpd.stop();
        setup.cleanup();
      }
    }
  } finally {
    await backend.stop();
  }
});

test('proxy-scheme-module-missing: a main-server RewriteRule [P] without mod_proxy_http is reported when a virtual host runs it through RewriteOptions Inherit (500, AH01144), not when no request reaches it (real apache2)', async () => {
  const backend = await startHttpStandin({ behaviour: 'ok', deadlineMs: 120_000 });
  const rule = `RewriteRule "^/tls/(.*)$" "http://${backend.address}/$1" [P]`;
  try {
    for (const c of CASES) {
      const setup = await prepareApache(conf(c.main, c.vhost, rule), { modules: ['mpm_event', 'authz_core', 'proxy', 'rewrite'] });
      const httpd = await startApache(setup);
      try {
        const r = await request({ port: setup.port, path: '/tls/x', timeoutMs: 5000 });
        await new Promise((res) => setTimeout(res, 150));
        const log = httpd.errorLog();
        assert.equal(r.status, c.status, `${c.what}:\n${log}`);
        assert.equal(/AH01144: No protocol handler was valid/.test(log), c.status === 500, `${c.what}: AH01144\n${log}`);
        const findings = lintApache(setup.confPath, setup.text, memHost({ [setup.confPath]: setup.text }), { settings: fixtureSettings(setup.text) }).findings.filter((f) => f.ruleId === 'proxy-scheme-module-missing');
        assert.equal(findings.length, c.reported ? 1 : 0, `${c.what}: ${findings.map((f) => f.message).join('\n')}`);
      } finally {
        await httpd.stop();
        setup.cleanup();
      }
    }
  } finally {
    await backend.stop();
  }
});
