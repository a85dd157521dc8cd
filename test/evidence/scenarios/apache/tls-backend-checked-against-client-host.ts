import { defineScenario } from '../../scenario';

// The doc's Incorrect example against a TLS stand-in with a certificate for localhost: the request comes in as
// www.example.com, httpd sends that name as SNI and checks the certificate against it, and the client gets 500. The
// suggestion turns the name check off (SSLProxyVerify is none): 200.
export default [
  defineScenario({
    rule: 'tls-backend-checked-against-client-host',
    server: 'apache',
    claim: {
      status: 500,
      log: /AH00898: Error during SSL Handshake with remote server returned by \/api\/x/,
      doc: ['500', 'AH02411: SSL Proxy: Peer certificate does not match for hostname www.example.com', 'AH00898: Error during SSL Handshake with remote server'],
      check: (o) => (/AH02411: SSL Proxy: Peer certificate does not match for hostname www\.example\.com/.test(o.errorLog) ? undefined : 'no AH02411 line for www.example.com'),
    },
    config: { fromDoc: { replace: [['https://localhost:8443/', 'https://localhost:{{tls.port}}/']] } },
    standins: { tls: { kind: 'tls', behaviour: 'ok' } },
    request: { path: '/api/x', headers: { Host: 'www.example.com' } },
    logLevel: 'warn ssl:info',
    fix: { use: 'suggestion' },
    afterFix: { status: 200 },
  }),
];
