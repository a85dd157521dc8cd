import { defineScenario } from '../../scenario';

// A TLS address whose only server block has no certificate: nginx stops and names that block. No quick fix (only the
// user knows where the certificate is).
export default defineScenario({
  rule: 'listen-ssl-without-certificate',
  server: 'nginx',
  claim: {
    status: 'startup-failure',
    log: /no "ssl_certificate" is defined for the "listen \.\.\. ssl" directive in \S+nginx\.conf:\d+/,
    doc: ['nginx: [emerg] no "ssl_certificate" is defined for the "listen ... ssl" directive in'],
  },
  config: { fromDoc: { replace: [['127.0.0.1:9000', '{{app}}']] } },
  standins: { app: { kind: 'http', behaviour: 'ok' } },
  request: { path: '/' },
  fix: false,
});
