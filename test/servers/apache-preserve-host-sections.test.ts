// ProxyPreserveHost is allowed in <Location>, <LocationMatch>, <Proxy>, <ProxyMatch> (and <Directory>, <Files>, <If>:
// apache2 -t 2.4.71 accepts it in each), and mod_proxy_http reads it from the request's per-directory configuration.
// tls-backend-checked-against-client-host and tls-backend-ip-name-check read only the server's value, so a
// <Location> On went unseen. Each case here sends Host: www.example.com through httpd to a TLS stand-in whose
// certificate names localhost: 500 when the client's Host is the name checked (ProxyPreserveHost On in force for the
// request), 200 when it is not; proxylint must report tls-backend-checked-against-client-host exactly for the 500s.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { lintApache } from '../../server/src/core/lint-apache';
import { defaultSettings } from '../../server/src/core/settings';
import { createNodeHost } from '../../server/src/node/node-host';
import { requireBinary } from '../helpers';
import { prepareApache, startApache } from './harness/apache';
import { request } from './harness/client';
import { startHttpStandin } from './standins/http';
import { testPki } from './standins/tls';

requireBinary('apache2');
requireBinary('openssl');

const pass = (p: number) => `ProxyPass "/api/" "https://localhost:${p}/"`;
const section = (open: string, close: string, value = 'On') => `${open}\n    ProxyPreserveHost ${value}\n${close}`;

/** Name → [what the virtual host holds (besides ServerName and SSLProxyEngine On), what the main server holds, status]. */
const CASES: Record<string, [(p: number) => string, string, number]> = {
  'none': [(p) => pass(p), '', 200],
  'server On': [(p) => `ProxyPreserveHost On\n${pass(p)}`, '', 500],
  '<Location /api/>': [(p) => `${pass(p)}\n${section('<Location /api/>', '</Location>')}`, '', 500],
  '<Location /other/>': [(p) => `${pass(p)}\n${section('<Location /other/>', '</Location>')}`, '', 200],
  '<LocationMatch ^/api/>': [(p) => `${pass(p)}\n${section('<LocationMatch "^/api/">', '</LocationMatch>')}`, '', 500],
  '<Proxy backend/*>': [(p) => `${pass(p)}\n${section(`<Proxy "https://localhost:${p}/*">`, '</Proxy>')}`, '', 500],
  '<Proxy elsewhere/*>': [(p) => `${pass(p)}\n${section(`<Proxy "https://elsewhere:${p}/*">`, '</Proxy>')}`, '', 200],
  '<ProxyMatch ^https://localhost>': [(p) => `${pass(p)}\n${section('<ProxyMatch "^https://localhost">', '</ProxyMatch>')}`, '', 500],
  '<Directory />': [(p) => `${pass(p)}\n${section('<Directory />', '</Directory>')}`, '', 200],
  '<Files *>': [(p) => `${pass(p)}\n${section('<Files "*">', '</Files>')}`, '', 200],
  'around a one-argument ProxyPass': [(p) => `<Location /api/>\n    ProxyPass "https://localhost:${p}/"\n    ProxyPreserveHost On\n</Location>`, '', 500],
  'server Off, <Location> On': [(p) => `ProxyPreserveHost Off\n${pass(p)}\n${section('<Location /api/>', '</Location>')}`, '', 500],
  'server On, <Location> Off': [(p) => `ProxyPreserveHost On\n${pass(p)}\n${section('<Location /api/>', '</Location>', 'Off')}`, '', 200],
  'server On, <Proxy> Off': [(p) => `ProxyPreserveHost On\n${pass(p)}\n${section(`<Proxy "https://localhost:${p}/*">`, '</Proxy>', 'Off')}`, '', 200],
  '<Proxy> On, <Location> Off': [(p) => `${pass(p)}\n${section(`<Proxy "https://localhost:${p}/*">`, '</Proxy>')}\n${section('<Location /api/>', '</Location>', 'Off')}`, '', 200],
  "main server's <Location> On": [(p) => pass(p), section('<Location /api/>', '</Location>'), 500],
  "main <Location> On, the virtual host's Off": [(p) => `${pass(p)}\n${section('<Location /api/>', '</Location>', 'Off')}`, section('<Location /api/>', '</Location>'), 200],
  "main <Location> Off, the virtual host's On": [(p) => `${pass(p)}\n${section('<Location /api/>', '</Location>')}`, section('<Location /api/>', '</Location>', 'Off'), 500],
};

test('ProxyPreserveHost in sections: the value in force for the ProxyPass decides the name checked, and proxylint reads the same (real apache2)', { timeout: 240_000 }, async () => {
  const pki = testPki();
  const wrong: string[] = [];
  for (const [name, [vhost, main, status]] of Object.entries(CASES)) {
    const backend = await startHttpStandin({ behaviour: 'ok', tls: pki.certs.get('localhost')!, deadlineMs: 20_000 });
    const text = `SSLProxyEngine On\n${main}\nListen 80\n<VirtualHost *:80>\nServerName www.example.com\nSSLProxyEngine On\n${vhost(backend.port)}\n</VirtualHost>\n`;
    const setup = await prepareApache(text, { logLevel: 'warn ssl:info' });
    const httpd = await startApache(setup);
    try {
      const r = await request({ port: setup.port, path: '/api/x', headers: { Host: 'www.example.com' }, timeoutMs: 5000 });
      assert.equal(r.status, status, `${name}: httpd answered ${r.status}\n${httpd.errorLog()}`);
      const findings = lintApache(setup.confPath, readFileSync(setup.confPath, 'utf8'), createNodeHost(), { settings: defaultSettings() }).findings;
      const reported = findings.some((f) => f.ruleId === 'tls-backend-checked-against-client-host');
      if (reported !== (status === 500)) wrong.push(`${name}: httpd ${status}, proxylint ${reported ? 'reports' : 'says nothing'}`);
    } finally {
      await httpd.stop();
      await backend.stop();
      setup.cleanup();
    }
  }
  assert.deepEqual(wrong, []);
});
