import { NGX_LOG } from './log-lines';
import { grpcNote, since, tls, type Family, type ModuleInfo } from './nginx-modules-info';

const tlsExample = (m: ModuleInfo) => (m.id === 'proxy' ? 'https://' : m.id === 'uwsgi' ? 'suwsgi://' : 'grpcs://');

/** Families about TLS to the backend (proxy `https://`, uwsgi `suwsgi://`, grpc `grpcs://`). */
export const TLS_FAMILIES: Family[] = [
  {
    suffix: 'ssl_server_name',
    applies: tls,
    build: (m, d) => ({
      summary: `Whether nginx sends the server name (SNI) when it opens a TLS connection to the ${m.backend} (${m.tlsScheme} targets).`,
      failure:
        'Off by default. Backends that pick their certificate or site by SNI — CDNs, PaaS platforms, shared ingress controllers — then present a default certificate or reject the handshake. ' +
        `With \`${d('ssl_verify')} on\` the name check fails and nginx answers **502** \`upstream SSL certificate does not match …\`; without verification the request may silently reach the wrong site. ` +
        `The name sent is \`${d('ssl_name')}\`, which defaults to the host part of \`${d('pass')}\` — an upstream group's *name* when you pass to a group.` +
        grpcNote(m),
      statusCodes: ['502'],
      logLines: [NGX_LOG.sniMismatch],
      defaultValue: 'off',
      versions: m.id === 'proxy' ? 'Since 1.7.0.' : since(m),
      rules: ['tls-upstream-without-sni'],
    }),
  },
  {
    suffix: 'ssl_name',
    applies: tls,
    build: (m, d) => ({
      summary: `The name nginx uses for SNI and for checking the certificate of a TLS ${m.backend}.`,
      failure:
        `By default it is the host part of \`${d('pass')}\`. When that is an upstream group (\`${d('pass')} ${tlsExample(m)}app_pool\`), the name is \`app_pool\`, which no real certificate carries: ` +
        `with \`${d('ssl_verify')} on\` every handshake fails with **502**, and with SNI on the backend is asked for a site it does not know. Set it to the backend's real hostname.`,
      statusCodes: ['502'],
      logLines: [NGX_LOG.sniMismatch],
      defaultValue: m.id === 'proxy' ? '$proxy_host' : `host from ${m.id}_pass`,
      versions: m.id === 'proxy' ? 'Since 1.7.0.' : since(m),
      rules: ['tls-upstream-without-sni'],
    }),
  },
  {
    suffix: 'ssl_verify',
    applies: tls,
    build: (m, d) => ({
      summary: `Whether nginx verifies the certificate (chain and name) of a TLS ${m.backend}.`,
      failure: [
        'Off by default, so any certificate is accepted. When on:',
        `- \`${d('ssl_trusted_certificate')}\` must be set, or nginx refuses to start (checked where the pass target uses ${m.tlsScheme});`,
        `- a certificate that does not match \`${d('ssl_name')}\` (SNI off, or the name is an upstream group's name) or does not chain to the trusted CAs fails the handshake → **502**. A chain failure is logged as \`upstream SSL certificate verify error: (N:…)\`; see \`${d('ssl_trusted_certificate')}\` for which number means what.`,
      ].join('\n'),
      statusCodes: ['502', 'startup-failure'],
      logLines: [NGX_LOG.sniMismatch, NGX_LOG.tlsVerifyLeaf, NGX_LOG.tlsVerifyIssuer],
      expectedLogLines: [`no ${d('ssl_trusted_certificate')} for ${d('ssl_verify')}`],
      defaultValue: 'off',
      versions: m.id === 'proxy' ? 'Since 1.7.0.' : since(m),
      rules: ['tls-verify-without-trusted-certificate', 'tls-upstream-without-sni'],
    }),
  },
  {
    suffix: 'ssl_trusted_certificate',
    applies: tls,
    build: (m, d) => ({
      summary: `PEM file with the CA certificates used to verify the ${m.backend}'s certificate when \`${d('ssl_verify')}\` is on.`,
      failure:
        `Missing while \`${d('ssl_verify')} on\` → nginx will not start; an unreadable file stops the start too. ` +
        'A file with the wrong CA, or without the intermediate the backend relies on, makes every handshake fail → **502**, and the number in the log line tells the cases apart (nginx 1.22.1 with OpenSSL 3.0): ' +
        '`(21:unable to verify the first certificate)` when the backend sends only its own certificate and its issuer is not in the file (the usual internal-CA case, and a missing intermediate); ' +
        '`(20:unable to get local issuer certificate)` when the backend sends its chain and the root is not in the file; ' +
        '`(2:unable to get issuer certificate)` when the file holds the intermediate but not its root. ' +
        `A resumed TLS session keeps the verification result of the handshake that made it, and locations passing to the same host and port share sessions (\`${d('ssl_session_reuse')}\`, on by default): ` +
        'a location with the wrong file can get 200 after another one\'s good handshake, and the right file can fail with (21:…) after a bad one. Check a CA change after a reload, or with session reuse off.',
      statusCodes: ['502', 'startup-failure'],
      logLines: [NGX_LOG.tlsVerifyLeaf, NGX_LOG.tlsVerifyIssuer, NGX_LOG.tlsVerifyNoRoot],
      expectedLogLines: [`no ${d('ssl_trusted_certificate')} for ${d('ssl_verify')}`],
      versions: since(m),
      rules: ['tls-verify-without-trusted-certificate'],
    }),
  },
];
