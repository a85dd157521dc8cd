// A line httpd rejects in .htaccess ("… not allowed here") never takes effect: every request under the folder gets
// 500 (httpd 2.4.71, AllowOverride All). Only htaccess-directive-not-allowed reports it; other rules analyse the file
// without it. httpd stops reading at the first such line and logs only that one, which the findings say.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintApache } from '../../server/src/core/lint-apache';
import { defaultSettings } from '../../server/src/core/settings';
import { mkdirSync, writeFileSync } from 'node:fs';
import { memHost, requireBinary } from '../helpers';
import { DEFAULT_APACHE_MODULES, prepareApache, startApache } from '../servers/harness/apache';
import { request } from '../servers/harness/client';

function lint(text: string) {
  const path = '/var/www/html/.htaccess';
  const r = lintApache(path, text, memHost({ [path]: text }), { settings: defaultSettings() });
  const line = (f: { start: number }) => text.slice(0, f.start).split('\n').length;
  return r.findings.map((f) => ({ ...f, line: line(f) }));
}

test('.htaccess: lines httpd rejects are reported by htaccess-directive-not-allowed only', () => {
  const got = lint('ProxyPass /api/ http://127.0.0.1:18998/\nProxyTimeout 120\n');
  assert.deepEqual(got.map((f) => `${f.line} ${f.ruleId}`), ['1 htaccess-directive-not-allowed', '2 htaccess-directive-not-allowed']);
});

test('.htaccess: rules still analyse the allowed lines; a rejected section counts once, and nothing inside it is analysed', () => {
  const got = lint(
    'RewriteEngine On\n' +
      'RewriteRule ^api/(.*)$ http://127.0.0.1:8080/api/$1 [P] # proxy it\n' +
      '<Directory /var/www>\n    ProxyPass /x/ http://10.0.0.5:8080/ # old\n</Directory>\n',
  );
  assert.deepEqual(got.map((f) => `${f.line} ${f.ruleId}`).sort(), ['2 inline-comment-is-argument', '3 htaccess-directive-not-allowed']);
});

test('.htaccess: the first rejected line is the one httpd logs; later ones say httpd stops before them', () => {
  const got = lint('ProxyPass /api/ http://127.0.0.1:18998/\nProxyTimeout 120\n<Location /a>\n</Location>\n');
  assert.equal(got.length, 3);
  assert.match(got[0].message, /logs "\/var\/www\/html\/\.htaccess: ProxyPass not allowed here"/);
  assert.match(got[1].message, /^ProxyTimeout is not allowed here either: httpd stops reading this file at the first such line \(line 1\) and logs only that one/);
  assert.match(got[2].message, /"\/var\/www\/html\/\.htaccess: <Location not allowed here"/);
  assert.doesNotMatch(got[2].message, /and logs "/);
});

test('.htaccess on the real httpd: 500, and only the first rejected line is logged, as the first finding quotes', async () => {
  requireBinary('apache2');
  const htaccess = 'ProxyPass /api/ http://127.0.0.1:18998/\nProxyTimeout 120\n';
  const s = await prepareApache('<VirtualHost *:80>\n    DocumentRoot {{www}}\n    <Directory {{www}}>\n        AllowOverride All\n        Require all granted\n    </Directory>\n</VirtualHost>');
  const www = `${s.dir}/www`;
  mkdirSync(www);
  writeFileSync(`${www}/.htaccess`, htaccess);
  writeFileSync(`${www}/index.html`, 'hi');
  writeFileSync(s.confPath, s.text.split('{{www}}').join(www));
  const running = await startApache(s);
  try {
    assert.equal((await request({ port: s.port, path: '/index.html' })).status, 500);
    const path = `${www}/.htaccess`;
    const findings = lintApache(path, htaccess, memHost({ [path]: htaccess }), { settings: defaultSettings() }).findings;
    const quoted = /logs "([^"]*)"/.exec(findings[0].message)![1];
    const alerts = running.errorLog().split('\n').filter((l) => l.includes('not allowed here'));
    assert.equal(alerts.length, 1, alerts.join('\n'));
    assert.ok(alerts[0].endsWith(quoted), `httpd logged «${alerts[0]}», the finding quotes «${quoted}»`);
  } finally {
    await running.stop();
    s.cleanup();
  }
});

// Each alone in an .htaccess file on httpd 2.4.71 (AllowOverride All): 500, and the line the error log gets.
const REFUSED = [
  'ProxyPass /x http://127.0.0.1:1/', 'ProxyTimeout 5', 'ProxyPreserveHost On', 'ProxyErrorOverride On', 'ProxyIOBufferSize 8192',
  'ProxyReceiveBufferSize 0', 'ProxyAddHeaders Off', 'ProxyWebsocketFallbackToProxyHttp Off', 'ProxyHCExpr ok {%{REQUEST_STATUS} =~ /^[23]/}',
  'ProxyHCTemplate t hcmethod=GET', 'ProxyVia Off', 'ProxyStatus Off', 'ProxyPassInherit On', 'ProxyMaxForwards 5', 'ProxyRemote * http://127.0.0.1:1',
  'ProxyBlock example.com', 'ProxySourceAddress 127.0.0.1', 'ProxyDomain .example.com', 'NoProxy .example.com', 'ProxyPassInterpolateEnv On',
  'BalancerInherit On', 'BalancerPersist On', 'BalancerGrowth 5', 'LimitRequestFieldSize 8190', 'LimitRequestFields 100', 'LimitRequestLine 8190',
  'MaxKeepAliveRequests 100', 'RequestReadTimeout header=5', 'SSLProxyVerify none', 'SSLProxyVerifyDepth 2', 'SSLProxyCheckPeerName off',
  'SSLProxyCheckPeerCN off', 'SSLProxyCheckPeerExpire off', 'SSLProxyCACertificateFile /etc/ssl/certs/ca-certificates.crt',
  'SSLProxyCACertificatePath /etc/ssl/certs', 'SSLProxyProtocol all', 'SSLProxyCipherSuite HIGH', 'SSLProxyCARevocationCheck none',
  'ProxyRemoteMatch ^http://x http://127.0.0.1:1', 'ProxyHCTPsize 16', 'SSLProxyCARevocationFile /etc/ssl/certs/ca-certificates.crt',
  'SSLProxyCARevocationPath /etc/ssl/certs', 'SSLProxyMachineCertificateFile /etc/ssl/certs/ca-certificates.crt',
  'SSLProxyMachineCertificatePath /etc/ssl/certs', 'SSLProxyMachineCertificateChainFile /etc/ssl/certs/ca-certificates.crt',
];

test('.htaccess on the real httpd: each directive it refuses there (500) is reported, quoting the line httpd logs', async () => {
  requireBinary('apache2');
  const s = await prepareApache('<VirtualHost *:80>\n    DocumentRoot {{www}}\n    <Directory {{www}}>\n        AllowOverride All\n        Require all granted\n    </Directory>\n</VirtualHost>', { modules: [...DEFAULT_APACHE_MODULES, 'reqtimeout'] });
  const www = `${s.dir}/www`;
  mkdirSync(www);
  writeFileSync(`${www}/index.html`, 'hi');
  writeFileSync(s.confPath, s.text.split('{{www}}').join(www));
  const running = await startApache(s);
  const wrong: string[] = [];
  try {
    const path = `${www}/.htaccess`;
    for (const line of [...REFUSED, 'SetEnv proxy-nokeepalive 1']) {
      writeFileSync(path, `${line}\n`);
      const before = running.errorLog().length;
      const status = (await request({ port: s.port, path: '/index.html' })).status;
      const logged = running.errorLog().slice(before).split('\n').find((l) => l.includes('.htaccess: '));
      const finding = lintApache(path, `${line}\n`, memHost({ [path]: `${line}\n` }), { settings: defaultSettings() }).findings.find((f) => f.ruleId === 'htaccess-directive-not-allowed');
      const quoted = finding && /logs "([^"]*)"/.exec(finding.message)?.[1];
      if (status === 200 && !finding) continue;
      if (status !== 500 || !finding || !logged || !quoted || !logged.endsWith(quoted)) wrong.push(`${line}: httpd ${status} «${logged ?? ''}», proxylint ${finding ? `quotes «${quoted}»` : 'reports nothing'}`);
    }
  } finally {
    await running.stop();
    s.cleanup();
  }
  assert.deepEqual(wrong, []);
});
