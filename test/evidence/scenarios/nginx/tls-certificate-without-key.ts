import { defineScenario } from '../../scenario';

// The doc's client certificate becomes one of the throw-away PKI's; the suggested key path (the certificate's name
// with .key) is then that certificate's real key, so the fix needs no further edit. The TLS stand-in does not ask for
// a client certificate: after the fix nginx starts and proxies.
export default defineScenario({
  rule: 'tls-certificate-without-key',
  server: 'nginx',
  claim: {
    status: 'startup-failure',
    log: /no "proxy_ssl_certificate_key" is defined for certificate "\S+app\.internal\.pem"/,
    doc: ['nginx: [emerg] no "proxy_ssl_certificate_key" is defined for certificate "/etc/nginx/certs/client.pem"'],
  },
  config: { fromDoc: { replace: [['https://127.0.0.1:8443', 'https://localhost:{{tls.port}}'], ['/etc/nginx/certs/client.pem', '{{cert:app.internal}}']] } },
  standins: { tls: { kind: 'tls', behaviour: 'ok' } },
  fix: { use: 'suggestion' },
  afterFix: { status: 200 },
});
