// httpd's lines for one request whose TLS backend's certificate mod_ssl could not verify, as the real apache2 2.4.71
// (Debian) wrote them: "SSLProxyVerify optional" with no SSLProxyCACertificateFile, "ProxyPass /v/
// https://localhost:19443/", a backend whose certificate a CA signed. The client got 500 (curl), and the four lines are
// one try of one backend: AH02039 names no backend (only "[remote …]"), AH01084 and AH01097 name the address with the
// worker's host in parentheses ("127.0.0.1:19443 (localhost)"), like AH00957 does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { explainLog } from '../../server/src/core/explain/explain';
import { lintApache } from '../../server/src/core/lint-apache';
import { defaultSettings } from '../../server/src/core/settings';
import { memHost } from '../helpers';

const CONF_PATH = '/etc/apache2/httpd.conf';
const CONF = '<VirtualHost 127.0.0.1:18080>\n    SSLProxyEngine On\n    SSLProxyVerify optional\n    ProxyPass /v/ https://localhost:19443/\n</VirtualHost>\n';
const LOG = [
  '[Tue Nov 24 12:42:55.204483 2026] [ssl:error] [pid 30607:tid 30610] [remote 127.0.0.1:19443] AH02039: Certificate Verification: Error (20): unable to get local issuer certificate',
  '[Tue Nov 24 12:42:55.204573 2026] [proxy:error] [pid 30607:tid 30610] (20014)Internal error (specific information not available): [client 127.0.0.1:51196] AH01084: pass request body failed to 127.0.0.1:19443 (localhost)',
  '[Tue Nov 24 12:42:55.204583 2026] [proxy:error] [pid 30607:tid 30610] [client 127.0.0.1:51196] AH00898: Error during SSL Handshake with remote server returned by /v/',
  '[Tue Nov 24 12:42:55.204588 2026] [proxy_http:error] [pid 30607:tid 30610] [client 127.0.0.1:51196] AH01097: pass request body failed to 127.0.0.1:19443 (localhost) from 127.0.0.1 ()',
];

test('a failed certificate check and the AH01084/AH00898/AH01097 after it are one try, and the client got 500', () => {
  for (const conf of [undefined, CONF]) {
    const checked = conf ? [lintApache(CONF_PATH, conf, memHost({ [CONF_PATH]: conf }), { settings: defaultSettings() })] : [];
    const { requests } = explainLog(LOG, [], checked);
    assert.equal(requests.length, 1, JSON.stringify(requests.map((x) => x.tried)));
    const r = requests[0];
    assert.equal(r.lines.length, 4);
    assert.equal(r.tried?.length, 1, JSON.stringify(r.tried));
    assert.equal(r.tried![0].got, 'certificate check failed', JSON.stringify(r.tried));
    assert.equal(r.outcome?.status, '500', JSON.stringify(r.outcome));
    assert.equal(r.outcome?.final, true, JSON.stringify(r.outcome));
  }
});

test('AH01084 and AH01097 name the worker\'s host in parentheses: with --in they are placed at the ProxyPass to localhost', () => {
  const checked = [lintApache(CONF_PATH, CONF, memHost({ [CONF_PATH]: CONF }), { settings: defaultSettings() })];
  const { entries } = explainLog([LOG[1]], [], checked);
  const e = entries.find((x) => x.explanation.pattern.id === 'apache-pass-body-failed');
  assert.ok(e, JSON.stringify(entries.map((x) => x.explanation.pattern.id)));
  assert.equal(e.explanation.fields.upstream, 'localhost:19443');
  assert.equal(e.apache?.node.name, 'ProxyPass', 'placed at the ProxyPass');
});

test('at LogLevel warn (no AH02039/AH02411 line) the handshake failure still decides: 500, not "500, 502, 504 or 408"', () => {
  // What 2.4.71 wrote at LogLevel warn for ProxyPreserveHost On and a certificate that does not name the client's Host.
  const { requests } = explainLog(LOG.slice(1), [], []);
  assert.equal(requests.length, 1);
  assert.equal(requests[0].tried?.length, 1, JSON.stringify(requests[0].tried));
  assert.equal(requests[0].outcome?.status, '500', JSON.stringify(requests[0].outcome));
  assert.equal(requests[0].outcome?.final, true, JSON.stringify(requests[0].outcome));
});
