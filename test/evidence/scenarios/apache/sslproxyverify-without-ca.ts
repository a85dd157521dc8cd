import { defineScenario } from '../../scenario';

// The doc's Incorrect example against a TLS stand-in whose certificate (for localhost) the evidence CA signed: mod_ssl
// has no CA to verify it with and the client gets 500 (AH02039 error 20). The suggestion names the system's bundle,
// which does not hold the evidence CA: its path is swapped for that CA's file (what the user does for a private CA),
// and the same request gets 200.
export default [
  defineScenario({
    rule: 'sslproxyverify-without-ca',
    server: 'apache',
    claim: {
      status: 500,
      log: /AH02039: Certificate Verification: Error \(20\): unable to get local issuer certificate[\s\S]*AH00898: Error during SSL Handshake with remote server returned by \/api\/x/,
      doc: ['500', 'AH02039: Certificate Verification: Error (20): unable to get local issuer certificate', 'AH00898: Error during SSL Handshake with remote server', 'AH01897: Init: Oops, you want to request client authentication, but no CAs are known'],
      check: (o) => (o.errorLog.includes('AH01897: Init: Oops, you want to request client authentication, but no CAs are known for verification!?') ? undefined : 'no AH01897 warning at start-up'),
    },
    config: { fromDoc: { replace: [['https://localhost:8443/', 'https://localhost:{{tls.port}}/']] } },
    standins: { tls: { kind: 'tls', behaviour: 'ok' } },
    request: { path: '/api/x' },
    fix: { use: 'suggestion', edit: (text, vars) => text.replace('/etc/ssl/certs/ca-certificates.crt', vars.ca) },
    afterFix: { status: 200 },
  }),
];
