// The CLI's choice between nginx and Apache for a file that neither its name nor a folder walk settles. A mod_ssl
// snippet (conf-available/ssl-params.conf: SSLProtocol, SSLCipherSuite, … and nothing else) was taken for nginx when
// named on the command line (an "unexpected end of file, expecting ;" syntax error on a file httpd reads fine, and a
// 2.2-era SSLMutex in it never reached apache-unknown-directive) and skipped in a folder walk.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classify } from '../../server/src/cli/classify';

const SSL_PARAMS = 'SSLCipherSuite EECDH+AESGCM:EDH+AESGCM\nSSLProtocol All -SSLv2 -SSLv3\nSSLHonorCipherOrder On\nSSLMutex default\n';

test('classify: directives whose names start with a capitalised acronym (SSL…, LDAP…) are httpd lines', () => {
  assert.equal(classify('/srv/cfg/ssl-params.conf', SSL_PARAMS), 'apache');
  assert.equal(classify('/srv/cfg/x.conf', 'SSLCertificateChainFile /etc/ssl/chain.pem\n'), 'apache');
  assert.equal(classify('/srv/cfg/ldap.conf', 'LDAPTrustedMode SSL\nLDAPVerifyServerCert On\n'), 'apache');
});

test('classify: a file of comments only, right inside an httpd folder (conf-available/, mods-enabled/), is Apache', () => {
  assert.equal(classify('/etc/apache2/conf-available/empty.conf', '# nothing yet\n'), 'apache');
  assert.equal(classify('/srv/repo/conf-available/empty.conf', '# nothing yet\n'), 'apache');
  assert.equal(classify('/srv/repo/mods-enabled/x.conf', '# nothing yet\n'), 'apache');
  assert.equal(classify('/srv/repo/conf.d/empty.conf', '# nothing yet\n'), 'unknown');
});

test('classify: nginx files stay nginx', () => {
  assert.equal(classify('/srv/cfg/ssl.conf', 'ssl_protocols TLSv1.2 TLSv1.3;\nssl_ciphers HIGH:!aNULL;\n'), 'nginx');
  assert.equal(classify('/srv/cfg/app.conf', 'server {\n    listen 80;\n    location / { proxy_pass http://app; }\n}\n'), 'nginx');
});
