// What ifmodule-name-matches-nothing's doc says happens to a ProxyPass under <IfModule mod_proxy>, on a real httpd
// (Debian 2.4.71) with mod_proxy and mod_proxy_http loaded: the section is never read, so the path is not proxied (the
// request is served locally: 404), while under the identifier the rule suggests, proxy_module, it reaches the backend.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintApache } from '../../server/src/core/lint-apache';
import { defaultSettings } from '../../server/src/core/settings';
import { memHost, requireBinary } from '../helpers';
import { prepareApache, startApache } from './harness/apache';
import { request } from './harness/client';
import { startHttpStandin } from './standins/http';

requireBinary('apache2');

test('<IfModule mod_proxy>: the ProxyPass inside is never read (404, the backend sees nothing); <IfModule proxy_module>: proxied (real apache2)', async () => {
  const backend = await startHttpStandin({ behaviour: 'ok', deadlineMs: 30_000 });
  try {
    for (const [name, status] of [['mod_proxy', 404], ['proxy_module', 200]] as const) {
      const text = `<IfModule ${name}>\n    ProxyPass "/app/" "http://${backend.address}/"\n</IfModule>\n`;
      const setup = await prepareApache(text);
      const httpd = await startApache(setup);
      try {
        const seen = backend.requests.length;
        const r = await request({ port: setup.port, path: '/app/x', timeoutMs: 5000 });
        assert.equal(r.status, status, `<IfModule ${name}>: ${httpd.errorLog()}`);
        assert.equal(backend.requests.length - seen, status === 200 ? 1 : 0);
      } finally {
        await httpd.stop();
        setup.cleanup();
      }
      const found = lintApache('/c/site.conf', text, memHost({ '/c/site.conf': text }), { settings: defaultSettings() }).findings.filter((f) => f.ruleId === 'ifmodule-name-matches-nothing');
      assert.equal(found.length, status === 404 ? 1 : 0, name);
    }
  } finally {
    await backend.stop();
  }
});
