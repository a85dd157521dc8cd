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
    rule: 'https-backend-without-sslproxyengine',
    server: 'apache',
    // localhost: httpd checks the backend certificate's name (SSLProxyCheckPeerName on); the stand-in has one for it.
    claim: { status: 500, log: /AH00961: https: failed to enable ssl support for 127\.0\.0\.1:\d+ \(localhost\)/, doc: ['500', 'AH00961: https: failed to enable ssl support for'] },
    config: { fromDoc: { replace: [['https://10.0.0.7/', 'https://localhost:{{tls.port}}/']] } },
    standins: { tls: { kind: 'tls', behaviour: 'ok' } },
    request: { path: '/billing/x' },
    fix: {},
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
