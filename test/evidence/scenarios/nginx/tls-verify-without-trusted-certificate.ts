import { defineScenario } from '../../scenario';

// The suggested CA file is Debian's system bundle; the stand-in's certificate comes from a throw-away CA, so the
// scenario points the line at that CA, as the doc's TODO tells users with an internal CA to do.
export default defineScenario({
  rule: 'tls-verify-without-trusted-certificate',
  server: 'nginx',
  claim: { status: 'startup-failure', log: 'no proxy_ssl_trusted_certificate for proxy_ssl_verify', doc: ['nginx: [emerg] no proxy_ssl_trusted_certificate for proxy_ssl_verify'] },
  config: { fromDoc: { replace: [['https://api.example.com', 'https://localhost:{{tls.port}}']] } },
  standins: { tls: { kind: 'tls', behaviour: 'ok' } },
  fix: { use: 'suggestion', edit: (t, v) => t.replace('/etc/ssl/certs/ca-certificates.crt', v.ca) },
  afterFix: { status: 200 },
});
