import { defineScenario } from '../../scenario';

export default [
  defineScenario({
    rule: 'proxy-scheme-module-missing',
    server: 'apache',
    claim: {
      status: 500,
      log: "AH01144: No protocol handler was valid for the URL /php/index.php (scheme 'fcgi'). If you are using a DSO version of mod_proxy, make sure the proxy submodules are included in the configuration using LoadModule.",
      doc: ['500', "AH01144: No protocol handler was valid for the URL /php/index.php (scheme 'fcgi')"],
    },
    config: { fromDoc: { replace: [['127.0.0.1:9000', '{{php}}']] } },
    standins: { php: { kind: 'fastcgi' } },
    request: { path: '/php/index.php' },
    fix: { use: 'safe' },
    afterFix: { status: 200 },
  }),
  defineScenario({
    rule: 'proxy-scheme-module-missing',
    server: 'apache',
    variant: 'ws:// with neither mod_proxy_http nor mod_proxy_wstunnel',
    claim: {
      status: 500,
      log: "AH01144: No protocol handler was valid for the URL /ws/chat (scheme 'ws')",
      doc: ['500', "AH01144: No protocol handler was valid for the URL /ws/chat (scheme 'ws')"],
    },
    // Either module alone would do on 2.4.71 (ok.conf keeps the mod_proxy_http-only case quiet); here neither is loaded.
    config: [
      'LoadModule mpm_event_module /usr/lib/apache2/modules/mod_mpm_event.so',
      'LoadModule authz_core_module /usr/lib/apache2/modules/mod_authz_core.so',
      'LoadModule proxy_module /usr/lib/apache2/modules/mod_proxy.so',
      'ServerName localhost',
      'Listen 127.0.0.1:18480',
      'ProxyPass "/ws/" "ws://{{ws}}/ws/"',
      '',
    ].join('\n'),
    standins: { ws: { kind: 'http', behaviour: 'websocket' } },
    request: { path: '/ws/chat', headers: { Upgrade: 'websocket', Connection: 'Upgrade', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==', 'Sec-WebSocket-Version': '13' }, headOnly: true },
    fix: { use: 'safe' },
    afterFix: { status: 101 },
  }),
  defineScenario({
    rule: 'https-backend-without-sslproxyengine',
    server: 'apache',
    // localhost: httpd checks the backend certificate's name (SSLProxyCheckPeerName on); the stand-in has one for it.
    claim: {
      status: 500,
      log: /AH00961: https: failed to enable ssl support for 127\.0\.0\.1:\d+ \(localhost\)/,
      doc: ['500', 'AH00961: https: failed to enable ssl support for'],
      // The line before it, as the SSLProxyEngine hover quotes it (two spaces after the colon).
      check: (o) => (o.errorLog.includes('AH01961:  failed to enable ssl support [Hint: if using mod_ssl, see SSLProxyEngine]') ? undefined : 'no AH01961 line as quoted'),
    },
    config: { fromDoc: { replace: [['https://10.0.0.7/', 'https://localhost:{{tls.port}}/']] } },
    standins: { tls: { kind: 'tls', behaviour: 'ok' } },
    request: { path: '/billing/x' },
    fix: {},
    afterFix: { status: 200 },
  }),
  defineScenario({
    rule: 'tls-backend-ip-name-check',
    server: 'apache',
    // The TLS stand-in answers a client without SNI (httpd sends none for an IP) with its certificate for default.invalid.
    claim: {
      status: 500,
      log: /AH00898: Error during SSL Handshake with remote server returned by \/app\/x/,
      doc: ['500', 'AH02411: SSL Proxy: Peer certificate does not match for hostname 127.0.0.1', 'AH00898: Error during SSL Handshake with remote server'],
      check: (o) => (/AH02411: SSL Proxy: Peer certificate does not match for hostname 127\.0\.0\.1/.test(o.errorLog) ? undefined : 'no AH02411 line for 127.0.0.1'),
    },
    config: { fromDoc: { replace: [['127.0.0.1:8443', '{{tls}}']] } },
    standins: { tls: { kind: 'tls', behaviour: 'ok' } },
    request: { path: '/app/x' },
    logLevel: 'warn ssl:info',
    fix: { use: 'suggestion' },
    afterFix: { status: 200 },
  }),
  defineScenario({
    rule: 'tls-backend-ip-name-check',
    server: 'apache',
    variant: 'SSLProxyCheckPeerName off with SSLProxyCheckPeerCN on: the common name is still compared',
    claim: {
      status: 500,
      log: /AH00898: Error during SSL Handshake with remote server returned by \/app\/x/,
      doc: ['500', 'AH02005: SSL Proxy: Peer certificate CN mismatch'],
      check: (o) => (/AH02005: SSL Proxy: Peer certificate CN mismatch: .* Requested hostname: 127\.0\.0\.1/.test(o.errorLog) ? undefined : 'no AH02005 line for 127.0.0.1'),
    },
    config: ['<VirtualHost *:80>', '    SSLProxyEngine On', '    SSLProxyCheckPeerCN on', '    SSLProxyCheckPeerName off', '    ProxyPass "/app/" "https://{{tls}}/"', '</VirtualHost>', ''].join('\n'),
    standins: { tls: { kind: 'tls', behaviour: 'ok' } },
    request: { path: '/app/x' },
    logLevel: 'warn ssl:info',
    fix: { use: 'suggestion' },
    afterFix: { status: 200 },
  }),
  defineScenario({
    rule: 'htaccess-directive-not-allowed',
    server: 'apache',
    claim: { status: 500, log: /\[core:alert\].*\/www\/\.htaccess: ProxyPass not allowed here/, doc: ['500', '.htaccess: ProxyPass not allowed here'] },
    config: 'DocumentRoot {{dir}}/www\n<Directory {{dir}}/www>\n    AllowOverride All\n    Require all granted\n</Directory>\n',
    files: { 'www/.htaccess': 'ProxyPass "/api/" "http://{{app}}/api/"\n' },
    lintPath: 'www/.htaccess',
    standins: { app: { kind: 'http', behaviour: 'ok' } },
    request: { path: '/api/x' },
    fix: false,
  }),
];
