import { NGX_LOG } from './log-lines';
import { grpcNote, since, tls, type Family, type ModuleInfo } from './nginx-modules-info';

const tlsExample = (m: ModuleInfo) => (m.id === 'proxy' ? 'https://' : m.id === 'uwsgi' ? 'suwsgi://' : 'grpcs://');

/**
 * The version note of a TLS family: gRPC has every TLS directive since the module itself (1.13.10). `both` is the
 * version that added the directive to proxy and uwsgi alike, `proxy` one that is known for proxy only.
 */
function tlsSince(m: ModuleInfo, v: { both?: string; proxy?: string }, extra = ''): string | undefined {
  const base = m.id === 'grpc' ? 'The grpc module appeared in 1.13.10.' : (v.both ?? (m.id === 'proxy' ? v.proxy : undefined));
  return base || extra ? `${base ?? ''}${base && extra ? ' ' : ''}${extra}` : undefined;
}

/** Where nginx reads the TLS settings of a location: only where its pass target is a TLS one (or has variables). */
const checkedWhere = (m: ModuleInfo, d: (s: string) => string) =>
  `nginx loads and checks it only in locations whose \`${d('pass')}\` target is ${m.tlsScheme} (or holds variables); elsewhere even a broken value passes \`nginx -t\``;

/** A line naming the module's own directive, reproduced for proxy only (nginx-tls-upstream.test.ts): expected form for the others. */
const noKeyLine = (d: (s: string) => string) => `no "${d('ssl_certificate_key')}" is defined for certificate "/etc/nginx/certs/client.pem"`;

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
        `The name sent is \`${d('ssl_name')}\`, which defaults to the host part of \`${d('pass')}\` — an upstream group's *name* when you pass to a group. ` +
        `nginx never sends an IP address as SNI: with \`${d('pass')} ${tlsExample(m)}10.0.0.5\` turning this on alone sends nothing, and a backend that needs a name still refuses the handshake (**502**; an nginx backend with \`ssl_reject_handshake on\` answers with alert 112, \`tlsv1 unrecognized name\`, logged at crit): set \`${d('ssl_name')}\` to its host name as well.` +
        grpcNote(m),
      statusCodes: ['502'],
      logLines: [NGX_LOG.sniMismatch, NGX_LOG.sniUnrecognizedName],
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
        `with \`${d('ssl_verify')} on\` every handshake fails with **502**, and with SNI on the backend is asked for a site it does not know. Set it to the backend's real hostname.` +
        (m.id === 'proxy'
          ? ' A backend that picks its site by SNI usually picks it again by the `Host` header, which proxy_pass also takes from its host part (`$proxy_host`): set `proxy_set_header Host` to the same name, or the handshake passes and the backend answers from its default site (an nginx backend: **404**).'
          : ''),
      statusCodes: ['502'],
      logLines: [NGX_LOG.sniMismatch, NGX_LOG.sniUnrecognizedName],
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
  {
    suffix: 'ssl_certificate',
    applies: tls,
    build: (m, d) => ({
      summary: `The client certificate (PEM) nginx presents when the ${m.backend} asks for one — mutual TLS to ${m.tlsScheme} targets. Goes with \`${d('ssl_certificate_key')}\`.`,
      failure: [
        'Without it, a backend that *requires* a client certificate turns the request away, and how depends on the backend:',
        `- one that enforces it in the TLS handshake makes the handshake fail → **502**. Over TLS 1.2 nginx logs \`sslv3 alert handshake failure:SSL alert number 40\` (the same line as no cipher in common); over TLS 1.3 nginx finishes its side of the handshake first and gets \`tlsv13 alert certificate required\` when it reads the answer, logged at \`crit\`; a backend that just closes the connection (Node.js does, for a certificate it does not trust) gives \`peer closed connection in SSL handshake\`;`,
        '- nginx as the backend (`ssl_verify_client on`) completes the handshake and answers **400** itself ("No required SSL certificate was sent", or "The SSL certificate error" for a certificate it does not trust), which is passed on to the client as it is: a 400, not a 502.',
        `- TLS sessions are shared by the locations that pass to the same address (\`${d('ssl_session_reuse')}\`, on by default): a location with a certificate can resume a session made by one without, and the backend then sees no certificate (nginx 1.22.1 with an nginx backend: 400 "No required SSL certificate was sent" in the location that has one). Turn reuse off where such locations share a backend.`,
        `- ${checkedWhere(m, d)}. There a missing file, a certificate without \`${d('ssl_certificate_key')}\` or a key of another certificate (\`key values mismatch\`) stops nginx from starting or reloading.`,
        '- With variables in the file name the files are read for each new connection, by the worker process rather than the root master: a missing file, or a key only root may read, fails the request with **500** (`cannot load certificate … while connecting to upstream`), not 502.',
      ].join('\n') + grpcNote(m),
      statusCodes: ['502', '400', '500', 'startup-failure'],
      logLines: [NGX_LOG.tlsHandshakeAlert, NGX_LOG.tlsCertRequired, NGX_LOG.tlsPeerClosed, NGX_LOG.tlsCertMissing, ...(m.id === 'proxy' ? [NGX_LOG.tlsNoCertKey, NGX_LOG.tlsKeyMismatch] : [])],
      expectedLogLines: m.id === 'proxy' ? undefined : [noKeyLine(d)],
      versions: tlsSince(m, { both: 'Since 1.7.8.' }, 'Variables in the file name since 1.21.0.'),
    }),
  },
  {
    suffix: 'ssl_certificate_key',
    applies: tls,
    build: (m, d) => ({
      summary: `The secret key (PEM file, or \`engine:name:id\`) of the client certificate in \`${d('ssl_certificate')}\`.`,
      failure: [
        `- Required whenever \`${d('ssl_certificate')}\` is set, and it must belong to that certificate; otherwise nginx does not start or reload (\`no "${d('ssl_certificate_key')}" is defined …\`, \`key values mismatch\`). ${checkedWhere(m, d)}.`,
        `- An encrypted key needs \`${d('ssl_password_file')}\`. Without it OpenSSL asks for the pass phrase on the terminal (\`Enter PEM pass phrase:\`); started by a service manager or in CI there is none, and the start fails with \`cannot load certificate key "…": PEM_read_bio_PrivateKey() failed (… bad password read)\`.`,
        '- With variables in the path the key is read for each new connection by the worker process, which runs as an unprivileged user: a key readable only by root (the usual mode for keys) fails every such request with **500** `… Permission denied … while connecting to upstream`.',
      ].join('\n'),
      statusCodes: ['startup-failure', '500'],
      logLines: [...(m.id === 'proxy' ? [NGX_LOG.tlsNoCertKey, NGX_LOG.tlsKeyMismatch] : []), NGX_LOG.tlsKeyLoadFailed, NGX_LOG.tlsKeyUnreadable],
      expectedLogLines: m.id === 'proxy' ? undefined : [noKeyLine(d)],
      versions: tlsSince(m, { both: 'Since 1.7.8.' }, 'Variables in the file name since 1.21.0.'),
    }),
  },
  {
    suffix: 'ssl_password_file',
    applies: tls,
    build: (m, d) => ({
      summary: `A file of pass phrases for an encrypted \`${d('ssl_certificate_key')}\`, one per line, tried in turn.`,
      failure:
        'Read when the configuration loads: a file that does not exist stops nginx (`open() "…" failed (2: No such file or directory)`), and so does a key none of the phrases opens (`cannot load certificate key "…": PEM_read_bio_PrivateKey() failed (… bad decrypt …)`). ' +
        `Without this file an encrypted key fails the start wherever nobody can type the phrase (see \`${d('ssl_certificate_key')}\`). ` +
        'With variables in the certificate names the key is decrypted for each new connection: there a missing or wrong phrase fails the request with **500** (`… empty password`, `… bad decrypt`).',
      statusCodes: ['startup-failure', '500'],
      logLines: [NGX_LOG.tlsPasswordFileMissing, NGX_LOG.tlsKeyLoadFailed],
      versions: tlsSince(m, { both: 'Since 1.7.8.' }, 'nginx 1.23.1 to 1.27.4 mishandled it for encrypted keys loaded through variables (fixed in 1.27.5).'),
    }),
  },
  {
    suffix: 'ssl_protocols',
    applies: tls,
    build: (m, d) => ({
      summary: `The TLS versions nginx offers the ${m.backend}.`,
      failure:
        'No version in common → every handshake fails → **502** `SSL_do_handshake() failed (… tlsv1 alert protocol version:SSL alert number 70)`, whichever side lacks the other\'s versions. ' +
        `Before 1.23.4 the default leaves \`TLSv1.3\` out, so a backend that accepts only TLS 1.3 fails with the default (nginx 1.22.1: 502 until \`TLSv1.3\` is added). ` +
        `Which ciphers are offered within TLS 1.2 and below is \`${d('ssl_ciphers')}\`. An unknown value (\`TLSv1.4\`) stops nginx: \`invalid value\`.` +
        grpcNote(m),
      statusCodes: ['502', 'startup-failure'],
      logLines: [NGX_LOG.tlsProtocolAlert],
      defaultValue: '`TLSv1.2 TLSv1.3` since 1.27.3; `TLSv1 TLSv1.1 TLSv1.2 TLSv1.3` from 1.23.4 to 1.27.2; `TLSv1 TLSv1.1 TLSv1.2` before 1.23.4',
      versions: tlsSince(m, {}, '`TLSv1.3` is part of the default since 1.23.4; `TLSv1` and `TLSv1.1` left it in 1.27.3.'),
    }),
  },
  {
    suffix: 'ssl_ciphers',
    applies: tls,
    build: (m, d) => ({
      summary: `The ciphers nginx offers the ${m.backend}, in OpenSSL's format (\`openssl ciphers\` lists them). They apply to TLS 1.2 and below.`,
      failure:
        'No cipher in common with a TLS 1.2 backend → the backend ends the handshake → **502** `SSL_do_handshake() failed (… sslv3 alert handshake failure:SSL alert number 40)` (the same line as a client certificate the backend requires and did not get). ' +
        `TLS 1.3 has its own cipher suites, which this directive does not touch: where both sides allow TLS 1.3 (\`${d('ssl_protocols')}\`) the handshake succeeds whatever is listed here (nginx 1.22.1: 200 with no TLS 1.2 cipher in common). TLS 1.3 suites are narrowed with \`${d('ssl_conf_command')} Ciphersuites …\`. ` +
        `A list that matches no cipher at all stops nginx (\`no cipher match\`); ${checkedWhere(m, d)}.` +
        grpcNote(m),
      statusCodes: ['502', 'startup-failure'],
      logLines: [NGX_LOG.tlsHandshakeAlert, NGX_LOG.tlsNoCipherMatch],
      defaultValue: 'DEFAULT',
      versions: tlsSince(m, {}),
    }),
  },
  {
    suffix: 'ssl_conf_command',
    applies: tls,
    build: (m, d) => ({
      summary: `Passes an OpenSSL configuration command (\`name value\`) to the TLS context used for the ${m.backend}; several may be given. They are inherited only by levels that set none of their own.`,
      failure:
        'A command OpenSSL does not know, or a value it rejects, stops nginx (`SSL_CONF_cmd("Foo", "bar") failed (… unknown cmd name …)`). ' +
        `A valid one can still leave nothing in common with the backend: \`Ciphersuites\`, the only way to narrow the TLS 1.3 suites, set to suites the backend does not have makes every TLS 1.3 handshake fail → **502** \`sslv3 alert handshake failure:SSL alert number 40\`. ` +
        `${checkedWhere(m, d)}. The nginx docs warn that configuring OpenSSL directly may lead to unexpected behaviour.` +
        grpcNote(m),
      statusCodes: ['502', 'startup-failure'],
      logLines: [NGX_LOG.tlsConfCmdUnknown, NGX_LOG.tlsHandshakeAlert],
      versions: 'Since 1.19.4.',
    }),
  },
  {
    suffix: 'ssl_verify_depth',
    applies: tls,
    build: (m, d) => ({
      summary: `How many intermediate CA certificates may stand between the ${m.backend}'s certificate and a CA of \`${d('ssl_trusted_certificate')}\` when \`${d('ssl_verify')}\` is on.`,
      failure:
        'The default `1` accepts one intermediate. A backend whose chain has two (its certificate, two intermediates, then the root in the trusted file) fails every handshake → **502**, and the line does not mention depth: nginx 1.22.1 logged `(20:unable to get local issuer certificate)`, the same as a root missing from the trusted file; `2` made the same backend answer 200. ' +
        'Count the intermediates the backend sends (`openssl s_client -showcerts`) before blaming the CA file. Without verification the depth is not checked.',
      statusCodes: ['502'],
      logLines: [NGX_LOG.tlsVerifyIssuer],
      defaultValue: '1',
      versions: tlsSince(m, { proxy: 'Since 1.7.0.' }),
      rules: ['tls-verify-without-trusted-certificate'],
    }),
  },
  {
    suffix: 'ssl_crl',
    applies: tls,
    build: (m, d) => ({
      summary: `A PEM file of certificate revocation lists used when \`${d('ssl_verify')}\` is on; CRLs of the intermediate CAs go in the same file.`,
      failure: [
        `Used only with \`${d('ssl_verify')} on\` (without it a revoked certificate is accepted). Then every certificate of the backend's chain is checked against a CRL, and each case below fails the handshake → **502**:`,
        '- the backend\'s certificate is revoked: `(23:certificate revoked)`;',
        '- the file lacks the CRL of a CA in the chain — typically the intermediate\'s: `(3:unable to get certificate CRL)`;',
        '- a CRL is past its next-update time: `(12:CRL has expired)`. A CRL that is not refreshed turns into a full outage on the day it expires.',
        'A file that does not exist stops nginx (`X509_LOOKUP_load_file("…") failed`) — again only where verification is on.',
      ].join('\n'),
      statusCodes: ['502', 'startup-failure'],
      logLines: [NGX_LOG.tlsVerifyRevoked, NGX_LOG.tlsVerifyNoCrl, NGX_LOG.tlsVerifyCrlExpired, NGX_LOG.tlsCrlMissing],
      versions: tlsSince(m, { proxy: 'Since 1.7.0.' }),
    }),
  },
  {
    suffix: 'ssl_session_reuse',
    applies: tls,
    build: (m, d) => ({
      summary: `Whether nginx resumes earlier TLS sessions with the ${m.backend} instead of a full handshake each time.`,
      failure: [
        'On by default, and sessions are shared by every location that passes to the same address. A resumed session skips what a full handshake would check:',
        `- the certificate check: a location with a wrong \`${d('ssl_trusted_certificate')}\` gets 200 after another location's good handshake, and a right one fails with \`(21:…)\` → **502** after a bad one (see \`${d('ssl_trusted_certificate')}\`);`,
        `- the client certificate: a location with \`${d('ssl_certificate')}\` can resume a session made without one, and a backend that requires it answers as if none was sent (an nginx backend: **400**).`,
        // "digest check failed" is the nginx docs' word; not reproduced here.
        'Turn it off where locations with different TLS settings pass to the same backend, or when checking a CA or certificate change. The nginx docs also advise turning it off when `digest check failed` errors appear in the log.',
      ].join('\n'),
      statusCodes: ['502', '400'],
      logLines: [NGX_LOG.tlsVerifyLeaf],
      defaultValue: 'on',
    }),
  },
  {
    suffix: 'ssl_certificate_cache',
    applies: tls,
    build: (m, d) => ({
      summary: `A cache of the client certificates and keys that \`${d('ssl_certificate')}\` / \`${d('ssl_certificate_key')}\` name with variables (\`max=\`, \`inactive=\`, \`valid=\`), so they are not read again for every connection.`,
      failure:
        `New in 1.27.4: older nginx does not know the directive and will not start or reload (nginx 1.22.1: \`unknown directive "${d('ssl_certificate_cache')}"\`). ` +
        'It does not change what a missing or unreadable file does (a **500** for that request, see `' + d('ssl_certificate') + '`); per the nginx docs a cached file is read again after `valid` (60 s by default), so a replaced certificate takes up to that long to be used.',
      statusCodes: ['startup-failure', '500'],
      logLines: m.id === 'proxy' ? [NGX_LOG.tlsCertCacheUnknown] : [],
      expectedLogLines: m.id === 'proxy' ? undefined : [`[emerg] unknown directive "${d('ssl_certificate_cache')}"`],
      defaultValue: 'off',
      versions: 'Since 1.27.4.',
    }),
  },
];
