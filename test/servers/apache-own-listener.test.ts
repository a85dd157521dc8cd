// backend-is-own-listener-wrong-scheme on a real httpd (Debian 2.4.71): each scheme the rule judges, sent to this same
// httpd's own plain and TLS ports. The status the client got and the log line must be the ones the finding's message
// quotes; the URLs with the scheme the port speaks get 200 and no finding. mod_reqtimeout's 20 s header timeout runs
// as 1 s (below Timeout 5, so the listener gives up first, as it does with Debian's defaults).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintApache } from '../../server/src/core/lint-apache';
import { defaultSettings } from '../../server/src/core/settings';
import { createNodeHost } from '../../server/src/node/node-host';
import { requireBinary } from '../helpers';
import { request } from './harness/client';
import { prepareApache, startApache } from './harness/apache';
import { testPki } from './standins/tls';

requireBinary('apache2');

const CASES: { path: string; url: string; status: number; log?: RegExp; says?: RegExp }[] = [
  { path: '/fcgi/', url: 'fcgi://127.0.0.1:8080/', status: 503, log: /AH01067: Failed to read FastCGI header/, says: /503 once the listener gives up \(mod_reqtimeout/ },
  { path: '/fcgi-tls/', url: 'fcgi://127.0.0.1:8443/', status: 503, log: /AH01067: Failed to read FastCGI header|AH01074: Failed writing Environment to|AH01075: Error dispatching request to :\d+: \(sending empty stdin\)/, says: /503 at once \("AH01067: Failed to read FastCGI header", or "\(32\)Broken pipe: … AH01074/ },
  { path: '/scgi/', url: 'scgi://127.0.0.1:8080/', status: 500, log: /AH00860: error reading response headers from/, says: /get 500 \("End of script output before headers", "AH00860/ },
  { path: '/uwsgi/', url: 'uwsgi://127.0.0.1:8080/', status: 500, says: /get 500/ },
  { path: '/ajp/', url: 'ajp://127.0.0.1:8080/', status: 503, log: /AH01080: ajp_msg_check_header\(\) got bad signature 4854/, says: /503 \("AH01080: ajp_msg_check_header\(\) got bad signature 4854"/ },
  { path: '/h2c/', url: 'h2c://127.0.0.1:8080/', status: 503, says: /clients get 503/ },
  { path: '/http-to-tls/', url: 'http://127.0.0.1:8443/', status: 400, says: /answers 400 Bad Request, which httpd passes on/ },
  { path: '/ok-http/', url: 'http://127.0.0.1:8080/', status: 200 },
  { path: '/ok-https/', url: 'https://127.0.0.1:8443/', status: 200 },
];

test('every scheme the rule flags gets, from this httpd\'s own port, the status and log line its message quotes', { timeout: 60_000 }, async () => {
  const cert = testPki().certs.get('localhost')!;
  const setup = await prepareApache(
    `Timeout 5
RequestReadTimeout header=1
Listen 8000
Listen 8080
Listen 8443
<VirtualHost *:8080>
    DocumentRoot "{{dir}}"
</VirtualHost>
<VirtualHost *:8443>
    SSLEngine on
    SSLCertificateFile "${cert.certPath}"
    SSLCertificateKeyFile "${cert.keyPath}"
    DocumentRoot "{{dir}}"
</VirtualHost>
<VirtualHost *:8000>
    SSLProxyEngine on
    SSLProxyVerify none
    SSLProxyCheckPeerName off
${CASES.map((c) => `    ProxyPass "${c.path}" "${c.url}"`).join('\n')}
</VirtualHost>
`,
    { modules: ['mpm_event', 'authz_core', 'proxy', 'proxy_http', 'proxy_fcgi', 'proxy_scgi', 'proxy_uwsgi', 'proxy_ajp', 'proxy_http2', 'http2', 'ssl', 'reqtimeout'] },
  );
  const text = setup.text.split('{{dir}}').join(setup.dir);
  const { writeFileSync } = await import('node:fs');
  writeFileSync(setup.confPath, text);
  writeFileSync(`${setup.dir}/index.html`, 'hello\n');
  const findings = lintApache(setup.confPath, text, createNodeHost(), { settings: defaultSettings() }).findings.filter((f) => f.ruleId === 'backend-is-own-listener-wrong-scheme');
  const httpd = await startApache(setup);
  try {
    let seen = 0;
    for (const c of CASES) {
      // No mod_dir: ask for the file itself.
      const r = await request({ port: setup.port, path: `${c.path}index.html`, timeoutMs: 10_000 });
      await new Promise((res) => setTimeout(res, 150));
      const log = httpd.errorLog().slice(seen);
      seen += log.length;
      assert.equal(r.status, c.status, `${c.path}: ${log}`);
      if (c.log) assert.match(log, c.log, c.path);
      const mine = findings.filter((f) => f.message.includes(`"${c.path}"`) || text.slice(f.start - 40, f.start).includes(`"${c.path}"`));
      if (!c.says) {
        assert.deepEqual(mine.map((f) => f.message), [], c.path);
        continue;
      }
      assert.equal(mine.length, 1, `${c.path} is flagged once`);
      assert.match(mine[0].message, c.says, c.path);
    }
  } finally {
    await httpd.stop();
    setup.cleanup();
  }
});
