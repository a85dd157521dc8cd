/**
 * Error-log lines exactly as the lab catalogue (/work/shared/reference/proxy-failure-catalogue.md)
 * records them from nginx 1.22.1 and Apache 2.4.71. Addresses, ports, paths and names are the lab's own.
 * The hover test checks that every one of these still occurs verbatim in the catalogue.
 */
export const NGX_LOG = {
  connectTimeout: 'upstream timed out (110: Connection timed out) while connecting to upstream',
  sendTimeout: 'upstream timed out (110: Connection timed out) while sending request to upstream',
  headerTimeout: 'upstream timed out (110: Connection timed out) while reading response header from upstream',
  bodyTimeout: 'upstream timed out (110: Connection timed out) while reading upstream',
  refused: 'connect() failed (111: Connection refused) while connecting to upstream',
  unixMissing: 'connect() to unix:… failed (2: No such file or directory)',
  noLive: 'no live upstreams while connecting to upstream',
  premature: 'upstream prematurely closed connection while reading response header from upstream',
  tooBig: 'upstream sent too big header while reading response header from upstream',
  invalidHeader: 'upstream sent invalid header: "This\\x20..." while reading response header from upstream',
  noValidHeader: 'upstream sent no valid HTTP/1.0 header while reading response header from upstream',
  noResolver: 'no resolver defined to resolve localhost.localdomain.invalid',
  resolverRefused: 'send() failed (111: Connection refused) while resolving, resolver: 127.0.0.1:53',
  resolveTimeout: 'svc.example.invalid could not be resolved (110: Operation timed out)',
  sniMismatch: 'upstream SSL certificate does not match "app.internal" while SSL handshaking to upstream',
  wrongVersion: 'SSL_do_handshake() failed (SSL: error:0A00010B:SSL routines::wrong version number) while SSL handshaking to upstream',
  hostNotFound: '[emerg] host not found in upstream "no-such-host.invalid"',
  invalidPort: 'invalid port in upstream "127.0.0.1:70000"',
  invalidUrlPrefix: 'invalid URL prefix',
  invalidHostScheme: 'invalid host in upstream "http://…"',
  invalidHostPath: 'invalid host in upstream "127.0.0.1:8080/app"',
  noServers: 'no servers are inside upstream',
  uriPart: '"proxy_pass" cannot have URI part in location given by regular expression, or inside named location, or inside "if" statement, or inside "limit_except" block',
  atLeastTwo: 'there must be at least 2 "proxy_buffers"',
  busyTooBig: '"proxy_busy_buffers_size" must be less than the size of all "proxy_buffers" minus one buffer',
  busyTooSmall: '"proxy_busy_buffers_size" must be equal to or greater than the maximum of the value of "proxy_buffer_size" and one of the "proxy_buffers"',
  invalidResolve: 'invalid parameter "resolve"',
  backupHash: 'balancing method does not support parameter "backup"',
  healthCheckUnknown: '[emerg] unknown directive "health_check"',
  // Not in the catalogue: each is checked on the real nginx by the test NGX_CHECKED_BY_SERVER_TEST names.
  bindFailed: 'bind(192.0.2.77) failed (99: Cannot assign requested address) while connecting to upstream',
  kernelConnectTimeout: 'connect() failed (110: Connection timed out) while connecting to upstream',
  portsExhausted: 'connect() to 127.0.0.1:8080 failed (99: Cannot assign requested address) while connecting to upstream',
  resetBeforeHeader: 'recv() failed (104: Connection reset by peer) while reading response header from upstream',
  // fastcgi_pass to an HTTP server: its "HTTP/1.1 400" read as a FastCGI record (72 is "H").
  fcgiUnsupportedVersion: 'upstream sent unsupported FastCGI protocol version: 72 while reading response header from upstream',
  fcgiStdoutClosed: 'upstream prematurely closed FastCGI stdout while reading response header from upstream',
  authUnexpected: 'auth request unexpected status: 502 while sending to client',
  // A backend that sends only its own certificate, whose issuer is not in *_ssl_trusted_certificate.
  tlsVerifyLeaf: 'upstream SSL certificate verify error: (21:unable to verify the first certificate) while SSL handshaking to upstream',
  // A backend that sends its certificate with the intermediate, whose root is not in the file.
  tlsVerifyIssuer: 'upstream SSL certificate verify error: (20:unable to get local issuer certificate) while SSL handshaking to upstream',
  // The file holds the intermediate but not the root it was issued by.
  tlsVerifyNoRoot: 'upstream SSL certificate verify error: (2:unable to get issuer certificate) while SSL handshaking to upstream',
  v6Unreachable: 'connect() to [2001:db8::1]:80 failed (101: Network is unreachable) while connecting to upstream',
  // An idle WebSocket closed by proxy_read_timeout, logged at level info (nginx 1.22.1).
  upgradedTimeout: 'upstream timed out (110: Connection timed out) while proxying upgraded connection',
  // The resolver answered that the name has no address (nginx 1.22.1: 502 at once).
  resolveNotFound: 'nosuch.example could not be resolved (3: Host not found)',
  // Logged at level info: not in an error log at the default level (error).
  clientSendTimeout: 'client timed out (110: Connection timed out) while sending to client',
  serverDisabledHeader: 'upstream server temporarily disabled while reading response header from upstream',
  // The same after a refused connect, logged at level warn (nginx 1.22.1).
  serverDisabledConnect: 'upstream server temporarily disabled while connecting to upstream',
  // The stream module's proxy_timeout on an idle session, logged at level info (nginx 1.22.1).
  streamIdle: 'connection timed out (110: Connection timed out) while proxying connection',
  slowStartInvalid: 'invalid parameter "slow_start=10s"',
  serviceInvalid: 'invalid parameter "service=http"',
  // TLS to the backend (nginx 1.22.1, OpenSSL 3.0). No protocol version in common, whichever side lacks it.
  tlsProtocolAlert: 'SSL_do_handshake() failed (SSL: error:0A00042E:SSL routines::tlsv1 alert protocol version:SSL alert number 70) while SSL handshaking to upstream',
  // The backend ends a TLS 1.2 handshake: no cipher in common, or the client certificate it requires was not sent.
  tlsHandshakeAlert: 'SSL_do_handshake() failed (SSL: error:0A000410:SSL routines::sslv3 alert handshake failure:SSL alert number 40) while SSL handshaking to upstream',
  // A backend that needs a name it knows (nginx with ssl_reject_handshake on) and got none: logged at crit.
  sniUnrecognizedName: 'SSL_do_handshake() failed (SSL: error:0A000458:SSL routines::tlsv1 unrecognized name:SSL alert number 112) while SSL handshaking to upstream',
  // TLS 1.3: the backend refuses the missing client certificate after nginx's side of the handshake; logged at crit.
  tlsCertRequired: 'SSL_read() failed (SSL: error:0A00045C:SSL routines::tlsv13 alert certificate required:SSL alert number 116) while reading response header from upstream',
  // A backend that closes in the handshake without an alert (Node.js refusing a client certificate it does not trust).
  tlsPeerClosed: 'peer closed connection in SSL handshake while SSL handshaking to upstream',
  tlsVerifyRevoked: 'upstream SSL certificate verify error: (23:certificate revoked) while SSL handshaking to upstream',
  // *_ssl_crl checks every certificate of the chain: an intermediate whose CRL is not in the file.
  tlsVerifyNoCrl: 'upstream SSL certificate verify error: (3:unable to get certificate CRL) while SSL handshaking to upstream',
  tlsVerifyCrlExpired: 'upstream SSL certificate verify error: (12:CRL has expired) while SSL handshaking to upstream',
  // Lines about files: the lab's folder is written /etc/nginx/certs/ here.
  tlsNoCipherMatch: 'SSL_CTX_set_cipher_list("NOPE") failed (SSL: error:0A0000B9:SSL routines::no cipher match)',
  tlsConfCmdUnknown: 'SSL_CONF_cmd("Foo", "bar") failed (SSL: error:0A000182:SSL routines::unknown cmd name:cmd=Foo)',
  tlsNoCertKey: 'no "proxy_ssl_certificate_key" is defined for certificate "/etc/nginx/certs/client.pem"',
  tlsKeyMismatch: 'SSL_CTX_use_PrivateKey("/etc/nginx/certs/other.key") failed (SSL: error:05800074:x509 certificate routines::key values mismatch)',
  // At start-up ([emerg]), or per request when the name has variables ([error] … while connecting to upstream, 500).
  tlsCertMissing: 'cannot load certificate "/etc/nginx/certs/client.pem": BIO_new_file() failed (SSL: error:80000002:system library::No such file or directory:calling fopen(/etc/nginx/certs/client.pem, r) error:10000080:BIO routines::no such file)',
  // An encrypted key without the right pass phrase; the rest of the line names the cause (bad password read, bad decrypt, empty password).
  tlsKeyLoadFailed: 'cannot load certificate key "/etc/nginx/certs/client.key": PEM_read_bio_PrivateKey() failed',
  // A key named with variables is read by the worker process (not root), per request: 500.
  tlsKeyUnreadable: 'cannot load certificate key "/etc/nginx/certs/client.key": BIO_new_file() failed (SSL: error:8000000D:system library::Permission denied:calling fopen(/etc/nginx/certs/client.key, r) error:10080002:BIO routines::system lib) while connecting to upstream',
  tlsPasswordFileMissing: 'open() "/etc/nginx/certs/pass.txt" failed (2: No such file or directory)',
  tlsCrlMissing: 'X509_LOOKUP_load_file("/etc/nginx/certs/crl.pem") failed',
  tlsCertCacheUnknown: '[emerg] unknown directive "proxy_ssl_certificate_cache"',
  // The memcached module (nginx 1.22.1). A miss is a 404, logged at level info only.
  memcachedNotFound: 'key: "/miss" was not found by memcached while reading response header from upstream',
  memcachedInvalid: 'memcached sent invalid response: "CLIENT_ERROR bad command line format" while reading response header from upstream',
  // $memcached_key set somewhere but empty for this request: 500.
  memcachedKeyNotSet: 'the "$memcached_key" variable is not set',
  // No `set $memcached_key` anywhere: nginx does not start.
  memcachedUnknownKeyVar: 'unknown "memcached_key" variable',
  // FastCGI stderr: always logged; a fastcgi_catch_stderr match before the header makes it a 502.
  fcgiStderrHeader: 'FastCGI sent in stderr: "PHP Fatal error:  Uncaught Exception: boom in /app/index.php:3" while reading response header from upstream',
  fcgiStderrBody: 'FastCGI sent in stderr: "PHP Fatal error:  Uncaught Exception: boom in /app/index.php:3" while reading upstream',
  // A client that closes before the answer (level info; the access log says 499).
  queueUnknown: '[emerg] unknown directive "queue"',
  clientAborted: 'epoll_wait() reported that client prematurely closed connection, so upstream connection is closed too while sending request to upstream',
  // proxy_http_version 2 before nginx 1.29.4 (nginx 1.22.1 -t; the line goes on with " in FILE:LINE").
  httpVersionTwo: '[emerg] invalid value "2"',
} as const;

/**
 * NGX_LOG lines the catalogue does not have (or has in a wrong form), each reproduced on the real nginx 1.22.1 by the
 * test file named here, which must use `NGX_LOG.<key>`.
 */
export const NGX_CHECKED_BY_SERVER_TEST: Record<string, string> = {
  httpVersionTwo: 'rules/proxy-http-version-unsupported.test.ts',
  bindFailed: 'servers/nginx-hover-behaviour.test.ts',
  kernelConnectTimeout: 'servers/nginx-hover-behaviour.test.ts',
  // The catalogue's "expected form" of this line (connect() failed (99: …)) is not what nginx writes.
  portsExhausted: 'servers/nginx-hover-behaviour.test.ts',
  resetBeforeHeader: 'servers/nginx-hover-behaviour.test.ts',
  fcgiUnsupportedVersion: 'servers/fastcgi-settings-without-fastcgi-pass.test.ts',
  fcgiStdoutClosed: 'servers/nginx-hover-behaviour.test.ts',
  authUnexpected: 'servers/nginx-hover-behaviour.test.ts',
  tlsVerifyLeaf: 'servers/nginx-tls-verify.test.ts',
  tlsVerifyIssuer: 'servers/nginx-tls-verify.test.ts',
  tlsVerifyNoRoot: 'servers/nginx-tls-verify.test.ts',
  v6Unreachable: 'servers/nginx-resolver-aaaa.test.ts',
  resolveNotFound: 'servers/explain-nginx-oncall.test.ts',
  upgradedTimeout: 'servers/explain-nginx-oncall.test.ts',
  serverDisabledConnect: 'servers/explain-nginx-oncall.test.ts',
  clientSendTimeout: 'servers/nginx-hover-runtime.test.ts',
  serverDisabledHeader: 'servers/nginx-hover-runtime.test.ts',
  streamIdle: 'servers/explain-nginx-stream.test.ts',
  slowStartInvalid: 'servers/nginx-server-params.test.ts',
  serviceInvalid: 'servers/nginx-server-params.test.ts',  tlsProtocolAlert: 'servers/nginx-tls-upstream.test.ts',
  tlsHandshakeAlert: 'servers/nginx-tls-upstream.test.ts',
  sniUnrecognizedName: 'servers/explain-nginx-tls-sni-step.test.ts',
  tlsCertRequired: 'servers/nginx-tls-upstream.test.ts',
  tlsPeerClosed: 'servers/nginx-tls-upstream.test.ts',
  tlsVerifyRevoked: 'servers/nginx-tls-upstream.test.ts',
  tlsVerifyNoCrl: 'servers/nginx-tls-upstream.test.ts',
  tlsVerifyCrlExpired: 'servers/nginx-tls-upstream.test.ts',
  tlsNoCipherMatch: 'servers/nginx-tls-upstream.test.ts',
  tlsConfCmdUnknown: 'servers/nginx-tls-upstream.test.ts',
  tlsNoCertKey: 'servers/nginx-tls-upstream.test.ts',
  tlsKeyMismatch: 'servers/nginx-tls-upstream.test.ts',
  tlsCertMissing: 'servers/nginx-tls-upstream.test.ts',
  tlsKeyLoadFailed: 'servers/nginx-tls-upstream.test.ts',
  tlsKeyUnreadable: 'servers/nginx-tls-upstream.test.ts',
  tlsPasswordFileMissing: 'servers/nginx-tls-upstream.test.ts',
  tlsCrlMissing: 'servers/nginx-tls-upstream.test.ts',
  tlsCertCacheUnknown: 'servers/nginx-tls-upstream.test.ts',  memcachedNotFound: 'servers/nginx-memcached.test.ts',
  memcachedInvalid: 'servers/nginx-memcached.test.ts',
  memcachedKeyNotSet: 'servers/nginx-memcached.test.ts',
  memcachedUnknownKeyVar: 'servers/nginx-memcached.test.ts',
  fcgiStderrHeader: 'servers/nginx-fastcgi-stderr-abort.test.ts',
  fcgiStderrBody: 'servers/nginx-fastcgi-stderr-abort.test.ts',
  clientAborted: 'servers/nginx-fastcgi-stderr-abort.test.ts',
  queueUnknown: 'servers/nginx-doc-claims.test.ts',
};

/**
 * Lines where the reference catalogue's copy differs from (or lacks) what httpd 2.4.71 logged in proxylint's own
 * evidence runs (test/evidence): httpd writes "[client …]" between the errno text and the AH code,
 * AH00961 says "https:" in lower case, and AH01961 comes before it. Each names the scenario that reproduces it.
 */
export const CORRECTED_BY_EVIDENCE: Record<string, string> = {
  readTimeout: 'apache/proxy-timeout-too-low',
  closedByBackend: 'apache/pooled-connection-outlives-backend-keepalive',
  fcgiTimeout: 'apache/proxy-timeout-too-low',
  noSsl: 'apache/runtime-500',
  noSslHint: 'apache/runtime-500',
};

export const APX_LOG = {
  connectTimeout: '(70007)The timeout specified has expired: AH00957: http: attempt to connect to 127.0.0.1:19008 (127.0.0.1:19008) failed',
  refused: '(111)Connection refused: AH00957: …',
  noConnection: 'AH01114: HTTP: failed to make connection to backend: 127.0.0.1',
  readTimeout: '(70007)The timeout specified has expired: [client 127.0.0.1:41822] AH01102: error reading status line from remote server 127.0.0.1:19001',
  readError: 'AH00898: Error reading from remote server returned by /slow',
  closedByBackend: '(20014)Internal error (specific information not available): [client 127.0.0.1:41822] AH01102: error reading status line from remote server …',
  fcgiTimeout: '(70007)The timeout specified has expired: [client 127.0.0.1:41822] AH01075: Error dispatching request to :18090: (polling)',
  bodyStall: 'AH01110: error reading response',
  bigHeader: 'AH10124: header size is over the limit allowed by ResponseFieldSize (8192 bytes)',
  bigHeaderBad: 'AH01106: bad HTTP/1.1 header returned by /big (GET)',
  badHeader: 'AH01106: bad HTTP/1.1 header returned by /badhdr (GET)',
  workerDisabled: 'AH00959: ap_proxy_connect_backend disabling worker for (127.0.0.1:19009) for 60s',
  workerInError: 'AH00940: http: disabled connection for (127.0.0.1:36269)',
  dnsFailure: '(EAI 2)Name or service not known: AH00898: DNS lookup failure for: no-such-host.invalid returned by /nohost',
  noHandler:
    "AH01144: No protocol handler was valid for the URL /nomod (scheme 'fcgi'). If you are using a DSO version of mod_proxy, make sure the proxy submodules are included in the configuration using LoadModule.",
  noSslHint: 'AH01961:  failed to enable ssl support [Hint: if using mod_ssl, see SSLProxyEngine]',
  noSsl: 'AH00961: https: failed to enable ssl support for …',
  hcDisabling: 'AH03303: Threaded Health check DISABLING http://127.0.0.1:19007',
  failOnStatus: 'AH01174 … Forcing worker … into error state due to status code …',
  failOnTimeout: "AH02460 … due to timeout and 'failontimeout' parameter being set",
  unknownWorkerParam: 'ProxyPass unknown Worker parameter',
  unknownMemberParam: 'BalancerMember unknown Worker parameter',
  unknownHcMethod: 'BalancerMember Unknown method',
  unknownHcExpr: 'BalancerMember Unknown health check condition expr: nope',
  timeoutTooSmall: 'ProxyPass Timeout must be at least one second',
  badUrl: 'ProxyPass Unable to parse URL: 127.0.0.1:8080/',
  lbMethodMissing: 'AH02432: Cannot find LB Method: byrequests',
  balancerNotShared: '(22)Invalid argument: AH01183: Cannot share balancer',
  configFailed: 'AH00020: Configuration Failed, exiting',
  unknownLbmethodSet: 'ProxySet: unknown lbmethod lbmethod=bybusyness; balancer://app',
  unknownLbmethodPass: 'ProxyPass unknown lbmethod',
  sslHandshake: 'AH00898: Error during SSL Handshake with remote server returned by /app/x',
  certNotVerified: 'AH02039: Certificate Verification: Error (20): unable to get local issuer certificate',
  certExpired: 'AH02004: SSL Proxy: Peer certificate is expired',
  pingTimeout: 'AH00898: Timeout on 100-Continue returned by /app/x',
  noHandlerHttps:
    "AH01144: No protocol handler was valid for the URL /app/x (scheme 'https'). If you are using a DSO version of mod_proxy, make sure the proxy submodules are included in the configuration using LoadModule.",
  // A request body the backend does not read (ProxyTimeout / Timeout / timeout= expire while sending it): 504.
  passBodyTimeout: '(70007)The timeout specified has expired: [client 127.0.0.1:46354] AH01084: pass request body failed to 127.0.0.1:36469 (127.0.0.1)',
  passBodyFailedHttp: '[client 127.0.0.1:46354] AH01097: pass request body failed to 127.0.0.1:36469 (127.0.0.1) from 127.0.0.1 ()',
  // A client whose body stalls past RequestReadTimeout body=: 408 (AH01382 at LogLevel reqtimeout:info only).
  bodyReadTimeout: 'AH01382: Request body read timeout',
  readBodyTimeout: '(70007)The timeout specified has expired: [client 127.0.0.1:37510] AH02608: read request body failed to 127.0.0.1:44297 (127.0.0.1) from 127.0.0.1 ()',
  prefetchTimeout: '(70007)The timeout specified has expired: [client 127.0.0.1:52860] AH01095: prefetch request body failed to 127.0.0.1:37167 (127.0.0.1) from 127.0.0.1 ()',
  acquireFailed: '(70007)The timeout specified has expired: AH00941: http: failed to acquire connection for (127.0.0.1:42119)',
  routeInError: 'AH01167: balancer://app: All workers are in error state for route (a)',
  allInError: 'AH01170: balancer://app: All workers are in error state',
  certNameMismatch: 'AH02411: SSL Proxy: Peer certificate does not match for hostname localhost',
  certCnMismatch: 'AH02005: SSL Proxy: Peer certificate CN mismatch: Certificate CN: other.example Requested hostname: localhost',
  badHeaderIgnored: 'AH01100: Ignoring bogus HTTP header returned by /app/x (GET)',
  badHeaderStartBody: 'AH01098: Starting body due to bogus non-header in headers returned by /app/x (GET)',
  // A FastCGI backend that closes the connection without answering: 503 (AH01075 names httpd's own port, not the backend).
  fcgiNoHeader: '[client 127.0.0.1:43150] AH01067: Failed to read FastCGI header',
  fcgiDispatchFailed: '(104)Connection reset by peer: [client 127.0.0.1:43150] AH01075: Error dispatching request to :22161: ',
  // The same close while httpd still sends the request (a pooled fcgi:// connection the backend closed): 503.
  fcgiSendFailed: '(32)Broken pipe: [client 127.0.0.1:48050] AH01074: Failed writing Environment to :46627:',
  // A balancer member taken out after its answer or its timeout; the request itself got that answer (500) or 502.
  failOnStatusLine: "AH01174: balancer://fs: Forcing worker (http://127.0.0.1:33449) into error state due to status code 500 matching 'failonstatus' balancer parameter",
  failOnTimeoutLine: "AH02460: balancer://ft: Forcing worker (http://127.0.0.1:21001) into error state due to timeout and 'failontimeout' parameter being set",
  // SetHandler "proxy:unix:/path.sock|fcgi://localhost" with no socket at that path (PHP-FPM stopped): 503.
  fcgiSocketMissing: '(2)No such file or directory: AH02454: FCGI: attempt to connect to Unix domain socket /run/php/php8.2-fpm.sock (localhost:8000) failed',
  fcgiNoConnection: 'AH01079: failed to make connection to backend: localhost',
  // mod_ssl at level info only: h2:// to a TLS backend without HTTP/2 (503), and a failed handshake (500 or 503).
  h2NoAlpn: 'AH10273: SSL Proxy: Peer did not select any of our ALPN protocols [h2].',
  tlsHandshakeInfo: 'AH01997: SSL handshake failed: sending 502',
} as const;

/**
 * Lines the catalogue does not have, each checked verbatim against the real apache2 (2.4.71) by the test file named
 * here (which must use `APX_LOG.<key>`, and may match the client's and backend's ports loosely: see
 * `logHasLine` in test/servers/harness/apache.ts): what httpd says when a balancer's load-balancing method module is
 * missing, when a TLS backend fails one of mod_ssl's checks, when mod_ssl is not loaded, when a ping= probe times out,
 * when a request body cannot be sent or received in time, when acquire= runs out, when a balancer has no usable member,
 * when a worker in error state is skipped (AH00940: the catalogue has it only in part), and what ProxyBadHeader
 * Ignore and StartBody log.
 */
export const CHECKED_BY_SERVER_TEST: Record<string, string> = {
  lbMethodMissing: 'servers/apache-lbmethod-doc-lines.test.ts',
  balancerNotShared: 'servers/apache-lbmethod-doc-lines.test.ts',
  configFailed: 'servers/apache-lbmethod-doc-lines.test.ts',
  unknownLbmethodSet: 'servers/apache-lbmethod-doc-lines.test.ts',
  unknownLbmethodPass: 'servers/apache-lbmethod-doc-lines.test.ts',
  sslHandshake: 'servers/apache-tls-check-status.test.ts',
  certNotVerified: 'servers/apache-tls-check-status.test.ts',
  certExpired: 'servers/apache-tls-check-status.test.ts',
  noHandlerHttps: 'servers/apache-no-mod-ssl.test.ts',
  pingTimeout: 'servers/apache-ping-100-continue.test.ts',
  passBodyTimeout: 'servers/apache-body-timeouts.test.ts',
  passBodyFailedHttp: 'servers/apache-body-timeouts.test.ts',
  bodyReadTimeout: 'servers/apache-body-timeouts.test.ts',
  prefetchTimeout: 'servers/apache-body-timeouts.test.ts',
  readBodyTimeout: 'servers/apache-body-timeouts.test.ts',
  acquireFailed: 'servers/apache-balancer-failures.test.ts',
  workerInError: 'servers/explain-apache-worker-lines.test.ts',
  routeInError: 'servers/apache-balancer-failures.test.ts',
  allInError: 'servers/apache-balancer-failures.test.ts',
  certNameMismatch: 'servers/apache-tls-check-status.test.ts',
  certCnMismatch: 'servers/apache-tls-check-status.test.ts',
  badHeaderIgnored: 'servers/apache-badheader-modes.test.ts',
  badHeaderStartBody: 'servers/apache-badheader-modes.test.ts',
  fcgiNoHeader: 'servers/explain-apache-line-kinds.test.ts',
  fcgiDispatchFailed: 'servers/explain-apache-line-kinds.test.ts',
  fcgiSendFailed: 'servers/explain-apache-oncall.test.ts',
  failOnStatusLine: 'servers/explain-apache-line-kinds.test.ts',
  failOnTimeoutLine: 'servers/explain-apache-line-kinds.test.ts',
  fcgiSocketMissing: 'servers/apache-sethandler-hover.test.ts',
  fcgiNoConnection: 'servers/apache-sethandler-hover.test.ts',
  h2NoAlpn: 'servers/explain-apache-http2-backend.test.ts',
  tlsHandshakeInfo: 'servers/explain-apache-http2-backend.test.ts',
};

/** The nginx status mapping every upstream-module doc repeats, in one place. */
export const NGX_STATUS_RULE =
  'nginx answers **504** only when a timer fires before the response header arrived (connect, send, read header); ' +
  'refused or reset connections, a backend that closes early, an invalid or oversized header, "no live upstreams" ' +
  'and DNS failures are **502**. A timeout *after* the header was sent cannot become a 504: the client gets a ' +
  '200 whose body is cut short.';
