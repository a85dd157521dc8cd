import { defineScenario } from '../../scenario';

// The stand-in serves two certificates by SNI, like a shared ingress: "localhost" (the name nginx would send, and the
// only one that resolves here) and a default one. Verification is switched on with the stand-in's CA, as in the lab.
export default [
  defineScenario({
    rule: 'tls-upstream-without-sni',
    server: 'nginx',
    variant: 'verification on',
    claim: { status: 502, log: 'upstream SSL certificate does not match "localhost" while SSL handshaking to upstream', doc: ['502', 'upstream SSL certificate does not match'] },
    config: {
      fromDoc: {
        replace: [['proxy_pass https://api.example.com;', 'proxy_pass https://localhost:{{tls.port}};\n            proxy_ssl_verify on;\n            proxy_ssl_trusted_certificate {{ca}};']],
      },
    },
    standins: { tls: { kind: 'tls', behaviour: 'ok' } },
    fix: { use: 'safe' },
    afterFix: { status: 200, check: (o) => (o.standins.tls.requests[0]?.servername === 'localhost' ? undefined : `backend saw SNI ${o.standins.tls.requests[0]?.servername}`) },
  }),
  defineScenario({
    rule: 'tls-upstream-without-sni',
    server: 'nginx',
    variant: 'verification off: the default site answers',
    claim: {
      label: '200 from the default site',
      status: 200,
      check: (o) => (o.standins.tls.requests.length > 0 && o.standins.tls.requests.every((r) => !r.servername) ? undefined : 'the backend saw a server name'),
      show: (o) => `${o.statuses.join(',')}, SNI ${o.standins.tls.requests[0]?.servername ?? 'none'}`,
      doc: ['the wrong site'],
    },
    config: { fromDoc: { replace: [['proxy_pass https://api.example.com;', 'proxy_pass https://localhost:{{tls.port}};']] } },
    standins: { tls: { kind: 'tls', behaviour: 'ok' } },
    fix: { use: 'safe' },
    afterFix: { status: 200, show: (o) => `${o.statuses.join(',')}, SNI ${o.standins.tls.requests[0]?.servername ?? 'none'}`, check: (o) => (o.standins.tls.requests[0]?.servername === 'localhost' ? undefined : 'no SNI after the fix') },
  }),
];
