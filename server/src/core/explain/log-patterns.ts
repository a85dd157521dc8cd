/**
 * Error-log lines of nginx and Apache httpd that go with a failed proxied request, and what each means for the client,
 * where to look, and which proxylint rules catch the configuration side. The statuses are the ones the real servers
 * answered in proxylint's evidence runs (test/evidence, nginx 1.22.1 and httpd 2.4.71), where every scenario's error
 * log is explained with this table and checked against the status the client got.
 *
 * `{f}` in a directive name (in `directives` or in the meaning) stands for the module family the log line names (proxy,
 * fastcgi, uwsgi, scgi, grpc).
 */
export interface LogPattern {
  id: string;
  server: 'nginx' | 'apache';
  match: RegExp;
  /** What the client got: a status code, or a phrase when no error status is sent. */
  status: string;
  /** The statuses a client may see with this line (evidence runs check the observed one is among them). */
  statuses: string[];
  /** When the client may get something other than `status` for a reason other than another try: when, and what. */
  otherwise?: string;
  /** A line that names the status the client got (AH01174's "status code 503"): its first group replaces `status`. */
  statusInLine?: RegExp;
  meaning: string;
  /** A sentence about this line's own values (a number it quotes), said after the meaning. */
  detail?: (line: string) => string | undefined;
  /** Directives whose values decide it, looked up where the request was handled. */
  directives: string[];
  /**
   * Directives of the `upstream` group the request's location passes to that decide it (keepalive for a connection
   * the backend closed): with --in they are listed with the group's own values.
   */
  groupDirectives?: string[];
  rules: string[];
  /**
   * The line is about a configuration file (httpd's "Syntax error on line N of FILE", an .htaccess file it could not
   * read), not a backend: it is placed at that file and line (fields.configFile, configLine), not at a worker.
   */
  inConfig?: true;
}

/** The stream module's proxy_timeout close: no error, and no HTTP status (see nginx-stream-idle-timeout). */
const STREAM_IDLE_CLOSED = 'no HTTP status: nginx closed both connections of an idle session (the stream access log\'s $status says 200)';
/** The same close with a query sent and no byte back (see nginx-stream-reply-timeout). */
const STREAM_REPLY_CUT = 'no HTTP status: nginx closed both connections while the client waited for a reply that never came (the stream access log\'s $status says 200)';
/** A stream session that had begun and failed: nginx passes none to another server, and $status stays 200. */
const STREAM_RESET_CLOSED = 'no HTTP status: nginx closed the client connection after the backend reset its own (the stream access log\'s $status says 200)';
const STREAM_UDP_REFUSED = 'no HTTP status: an empty datagram came back instead of an answer (the stream access log\'s $status says 200)';
const STREAM_UDP_UNANSWERED = 'no HTTP status: no answer came back, so the client\'s own timeout runs out (the stream access log\'s $status says 200)';
const STREAM_UDP_TIMED_OUT = 'no HTTP status: no answer came back, so the client\'s own timeout runs out (the stream access log\'s $status says 502)';

/** What a connection without the PROXY protocol header its listen wants gets from nginx: a close, no status. */
const PROXY_PROTOCOL_CLOSED = 'no HTTP status: nginx closed the connection without answering (a proxy in front of it answers 502)';

/** What a line of mod_proxy_hcheck's own probes is about: no client (see clientGot). */
export const HEALTH_CHECK_PROBE = 'no client: this is a health check probe of mod_proxy_hcheck, not a request';

/** An Apache start-up line's status: no request is involved (see clientGot). */
const HTTPD_REFUSED = 'httpd will not start or reload';
/** What the client got when httpd's TLS handshake with a backend failed: mod_proxy_http and mod_proxy_http2 differ. */
const HTTPD_BACKEND_TLS_STATUS = {
  status: '500',
  statuses: ['500', '503'],
  otherwise: 'for an https:// or wss:// backend (AH00898 "Error during SSL Handshake" follows at level error); 503 for an h2:// backend, with no line at level warn or above',
};
/** The settings and rules that bear on a failed TLS handshake with a backend. */
const HTTPD_BACKEND_TLS_CHECKS = {
  directives: ['SSLProxyCheckPeerName', 'SSLProxyVerify', 'SSLProxyCACertificateFile', 'ProxyPreserveHost'],
  rules: ['tls-backend-ip-name-check', 'tls-backend-checked-against-client-host', 'sslproxyverify-without-ca', 'backend-is-own-listener-wrong-scheme'],
};

const NGINX_REFUSED_MEANING = 'nothing listens at that address and port: the backend is stopped or restarting, listens on another port or address family (127.0.0.1 vs ::1), or the name resolved to an old address.';
/** nginx-refused where the configuration writes the backend as an IP address: no name was looked up (see explainLog). */
export const NGINX_REFUSED_WRITTEN_IP = 'nothing listens at that address and port: the backend is stopped or restarting, or listens on another port; the configuration writes this backend as an IP address, so no name lookup is involved.';

const NGINX_TIMEOUT_RULES = ['read-timeout-too-low', 'timeout-exceeds-outer-idle-timeout', 'retry-budget-exceeds-outer-timeout'];

/**
 * The "failed to make connection to backend" line of each proxy module, by pattern, with the backend schemes whose
 * workers write it: on 2.4.71 mod_proxy_http's AH01114 came from http://, https://, ws:// and wss:// workers (ws and wss
 * go through mod_proxy_http by default; mod_proxy_wstunnel's AH02452 from ws/wss too), and each other module writes its
 * own (h2/h2c:// write none after the AH00957).
 */
export const APACHE_NO_CONNECTION: Readonly<Record<string, ReadonlySet<string>>> = {
  'apache-no-connection': new Set(['http', 'https', 'ws', 'wss']),
  'apache-fcgi-no-connection': new Set(['fcgi']),
  'apache-ajp-no-connection': new Set(['ajp']),
  'apache-scgi-no-connection': new Set(['scgi']),
  'apache-uwsgi-no-connection': new Set(['uwsgi']),
};

export const LOG_PATTERNS: LogPattern[] = [
  // ---- nginx: timeouts (504 unless the header was already sent)
  {
    id: 'nginx-connect-timeout',
    server: 'nginx',
    match: /upstream timed out \(110: [^)]*\) while connecting to upstream/,
    status: '504',
    statuses: ['504', '502', '200'],
    meaning: 'the backend host did not complete the TCP handshake within the connect timeout: it is down, firewalled or dropping SYNs. nginx then tries the next server if the retry settings allow it; with none left the client gets 504.',
    directives: ['{f}_connect_timeout', '{f}_next_upstream', '{f}_next_upstream_tries', '{f}_next_upstream_timeout'],
    rules: ['connect-timeout-above-os-limit', 'connect-timeout-above-read-timeout', 'hostname-resolved-at-startup', 'unbounded-retries'],
  },
  {
    id: 'nginx-send-timeout',
    server: 'nginx',
    match: /upstream timed out \(110: [^)]*\) while sending request to upstream/,
    status: '504',
    statuses: ['504'],
    meaning: 'the backend stopped reading the request (its socket stayed full) for longer than the send timeout. A client that pauses its upload does not cause this: that is client_body_timeout (408).',
    directives: ['{f}_send_timeout', '{f}_request_buffering'],
    rules: NGINX_TIMEOUT_RULES,
  },
  {
    id: 'nginx-header-timeout',
    server: 'nginx',
    match: /upstream timed out \(110: [^)]*\) while reading response header from upstream/,
    status: '504',
    statuses: ['504', '502', '200'],
    meaning: 'the backend accepted the request but sent no response header within the read timeout (a slow endpoint, a stuck worker, a long query). nginx passes the request to the next server when *_next_upstream includes "timeout" (the default) and the method may be repeated.',
    detail: gatewayProtocolDetail,
    directives: ['{f}_read_timeout', '{f}_next_upstream', '{f}_next_upstream_tries'],
    rules: NGINX_TIMEOUT_RULES,
  },
  {
    id: 'nginx-body-timeout',
    server: 'nginx',
    match: /upstream timed out \(110: [^)]*\) while reading upstream/,
    status: 'response cut short (200 already sent)',
    statuses: ['200 truncated', '200'],
    meaning:
      'the backend went quiet in the middle of the response body for longer than the read timeout. The status line was already sent, so the client sees a truncated response, not a 504. Behind uwsgi_pass or scgi_pass the same line also means a backend that answered without Content-Length and kept the connection open: neither protocol marks the end of a response, so nginx waited for the close until the read timeout, and with buffering on the client got a 200 with an empty, unfinished body only then (nginx 1.22.1).',
    directives: ['{f}_read_timeout'],
    rules: ['read-timeout-too-low'],
  },
  {
    id: 'nginx-client-send-timeout',
    server: 'nginx',
    match: /client timed out \(110: [^)]*\) while sending to client/,
    status: 'response cut short (200 already sent)',
    statuses: ['200 truncated', '200'],
    meaning: 'the client stopped reading the response for longer than send_timeout and nginx closed the connection (logged at level info). With proxy_buffering off the backend connection was held open until then.',
    directives: ['send_timeout', '{f}_buffering'],
    rules: [],
  },
  {
    id: 'nginx-upgraded-timeout',
    server: 'nginx',
    match: /upstream timed out \(110: [^)]*\) while proxying upgraded connection/,
    status: 'WebSocket closed (after 101)',
    statuses: ['101', '200', 'no-response'],
    meaning: 'a WebSocket (or other upgraded) connection stayed idle longer than proxy_read_timeout, so nginx closed it; the client must reconnect. nginx logs this at [info] only: with error_log at its default level (error) such closes leave no line.',
    directives: ['proxy_read_timeout', 'proxy_send_timeout'],
    rules: ['long-lived-location-default-timeout'],
  },
  {
    id: 'nginx-tls-handshake-timeout',
    server: 'nginx',
    match: /upstream timed out \(110: [^)]*\) while SSL handshaking to upstream/,
    status: '504',
    statuses: ['504', '502'],
    meaning: 'the TCP connection to the backend opened but the TLS handshake did not finish within the connect timeout (often TLS to a port that speaks plain HTTP and waits for a request).',
    directives: ['{f}_connect_timeout'],
    rules: ['scheme-port-mismatch'],
  },
  // ---- nginx: nothing usable (502)
  {
    id: 'nginx-refused',
    server: 'nginx',
    match: /connect\(\) failed \(111: Connection refused\) while connecting to upstream/,
    status: '502',
    statuses: ['502', '200'],
    meaning: NGINX_REFUSED_MEANING,
    directives: ['{f}_next_upstream'],
    rules: ['localhost-upstream', 'hostname-resolved-at-startup', 'scheme-port-mismatch', 'max-fails-zero', 'single-server-upstream'],
  },
  {
    id: 'nginx-kernel-connect-timeout',
    server: 'nginx',
    match: /connect\(\) (?:to \S+ )?failed \(110: Connection timed out\) while connecting to upstream/,
    status: '502',
    statuses: ['502', '200'],
    meaning: 'the backend host did not answer the TCP handshake and the kernel gave up before nginx\'s connect timeout did (about 130 s on Linux): a connect timeout above that only makes clients wait longer, and they get 502, not 504.',
    directives: ['{f}_connect_timeout', '{f}_next_upstream'],
    rules: ['connect-timeout-above-os-limit'],
  },
  {
    id: 'nginx-ports-exhausted',
    server: 'nginx',
    match: /connect\(\) to \S+ failed \(99: Cannot assign requested address\) while connecting to upstream/,
    status: '502',
    statuses: ['502'],
    meaning: 'no local port was free for a new connection to the backend: every request opens a new connection (no upstream keep-alive in use) and closed ones wait in TIME_WAIT.',
    directives: ['keepalive', '{f}_http_version'],
    rules: ['upstream-keepalive-ineffective'],
  },
  {
    id: 'nginx-bind-failed',
    server: 'nginx',
    match: /bind\(\S+\) failed \(99: Cannot assign requested address\) while connecting to upstream/,
    status: '500',
    statuses: ['500'],
    meaning: 'the *_bind address is not an address of this host, so nginx cannot open any connection to the backend (and does not try another server).',
    directives: ['{f}_bind'],
    rules: [],
  },
  {
    id: 'nginx-fastcgi-no-header',
    server: 'nginx',
    match: /upstream prematurely closed FastCGI stdout while reading response header from upstream/,
    status: '502',
    statuses: ['502'],
    meaning: 'the FastCGI application ended the request without writing any response header (a script that exits early or prints nothing).',
    directives: [],
    rules: [],
  },
  {
    id: 'nginx-auth-request',
    server: 'nginx',
    match: /auth request unexpected status: \d+ while sending to client/,
    status: '500',
    statuses: ['500'],
    meaning: 'the auth_request subrequest did not answer 2xx, 401 or 403 (the auth service is down, slow or sent a too-big header), and nginx turns that into 500 for the client.',
    directives: [],
    rules: [],
  },
  {
    id: 'nginx-unreachable',
    server: 'nginx',
    match: /connect\(\) (?:to \S+ )?failed \((?:101: Network is unreachable|113: No route to host)\)/,
    status: '502',
    statuses: ['502', '200'],
    meaning: 'the host has no route to that address; often an IPv6 address returned by DNS on a host without IPv6 connectivity, or a container address that no longer exists.',
    directives: ['resolver'],
    rules: ['localhost-upstream', 'hostname-resolved-at-startup'],
  },
  {
    // 111 on a UNIX socket is not a wrong path or permission: the file is there (else 2) and nginx may write to it
    // (else 13), but no process listens on it (test/servers/explain-nginx-unix-socket.test.ts).
    id: 'nginx-unix-socket-stale',
    server: 'nginx',
    match: /connect\(\) to unix:\S* failed \(111: Connection refused\)/,
    status: '502',
    statuses: ['502'],
    meaning: 'the socket file exists but no process listens on it: the service behind it (PHP-FPM, gunicorn, uwsgi…) stopped or crashed and left its socket file behind, or is in the middle of a restart. Restart the service (e.g. systemctl restart php8.2-fpm) and look in its own log for why it stopped; the path and permissions are not the problem.',
    directives: [],
    rules: [],
  },
  {
    // The errno says which fault it is (test/servers/explain-nginx-unix-socket.test.ts): (2) no such file, (20) a part
    // of the path before the socket name is no folder, (13) the worker user may not use it, (11) its queue is full.
    id: 'nginx-unix-socket',
    server: 'nginx',
    match: /connect\(\) to unix:\S* failed \((?:2: No such file or directory|20: Not a directory)\)/,
    status: '502',
    statuses: ['502'],
    meaning: 'there is no socket file at that path: the service behind it (PHP-FPM, gunicorn, uwsgi…) is not running, or it listens on another path (its own listen = / bind setting, another version\'s php8.1-fpm.sock vs php8.2-fpm.sock, a relative path in nginx\'s configuration). (20: Not a directory) means a part of the path before the socket name is not a folder, often a proxy_pass URI without the closing ":" (http://unix:/run/app.sock/api/ instead of http://unix:/run/app.sock:/api/). Compare the path in the line with the one the service listens on (ls -l the path; ss -xlp lists the sockets being listened on).',
    directives: [],
    rules: ['unix-socket-path'],
  },
  {
    // nginx 1.22.1 logs 13 at [crit] for a socket only root may write to (test/servers/explain-nginx-unix-socket.test.ts).
    id: 'nginx-unix-socket-denied',
    server: 'nginx',
    match: /connect\(\) to unix:\S* failed \(13: Permission denied\)/,
    status: '502',
    statuses: ['502'],
    meaning: 'the socket file is there, but nginx\'s worker processes (the user directive\'s user: www-data, nginx or nobody in most packages) may not write to it, or may not enter a folder on its path. Give the socket an owner, group or mode that lets that user in (PHP-FPM: listen.owner, listen.group and listen.mode in the pool, e.g. listen.owner = www-data; gunicorn: --umask or a group nginx is in; uwsgi: chmod-socket), or put nginx\'s user in the socket\'s group; SELinux or AppArmor can refuse the same way (look for an audit denial).',
    directives: ['user'],
    rules: [],
  },
  {
    // Linux returns EAGAIN instead of ECONNREFUSED for a UNIX socket whose listen queue is full (ngx_event_connect_peer).
    id: 'nginx-unix-socket-busy',
    server: 'nginx',
    match: /connect\(\) to unix:\S* failed \(11: Resource temporarily unavailable\)/,
    status: '502',
    statuses: ['502'],
    meaning: 'the socket exists and a process listens on it, but its listen queue is full: every worker of the service (every PHP-FPM child, every gunicorn worker) is busy and the backlog of waiting connections has no room left. Raise the service\'s workers (pm.max_children) or its backlog (listen.backlog, net.core.somaxconn), or find what makes its requests slow (PHP-FPM\'s slowlog).',
    directives: [],
    rules: [],
  },
  {
    id: 'nginx-no-live-upstreams',
    server: 'nginx',
    match: /no live upstreams while connecting to upstream/,
    status: '502',
    statuses: ['502'],
    meaning: 'nginx found no server of the group it could still try for this request: each one had already been tried for it (nginx picks a server at most once per request, whatever max_fails says), is marked failed (max_fails failures within fail_timeout), or is written with `down`. When lines of the same connection (*N) just before this one show failed tries, those tries used the group up and are the cause; otherwise the servers were marked failed by earlier failures, logged in earlier lines for the same group, and a server written with `down` leaves no line.',
    directives: [],
    rules: ['max-fails-zero', 'no-backup-server', 'single-server-upstream', 'all-servers-down'],
  },
  {
    // The backend's side of a PROXY protocol mismatch: nginx 1.22.1 logs at error what came instead of the header,
    // as it came (a plain HTTP request runs over several physical lines, which explain reads as one record), and
    // closes the connection without a byte (curl: "Empty reply from server"); a front nginx then logs "upstream
    // prematurely closed connection" and answers 502 (test/servers/explain-nginx-proxy-protocol.test.ts).
    id: 'nginx-proxy-protocol-broken-header',
    server: 'nginx',
    match: /broken header: "/,
    status: PROXY_PROTOCOL_CLOSED,
    // The sender's client sees the front's 502 (its own listener's case: test/evidence wrong-protocol-to-local-listener).
    statuses: [PROXY_PROTOCOL_CLOSED, 'no-response', '502'],
    meaning:
      'the listen this connection came to has proxy_protocol, so nginx wants every connection to start with a PROXY protocol header ("PROXY TCP4 …" or its binary v2 form), and this one started with what the quotes show instead ("GET … HTTP/1.1" is a plain HTTP request, binary bytes a TLS handshake). nginx closes such a connection without answering: a client gets an empty reply, and a proxy or load balancer in front of this nginx counts a closed connection and answers 502 (nginx there logs "upstream prematurely closed connection", httpd AH01102). The sender must send the header (proxy_protocol on in an nginx stream proxy, send-proxy in HAProxy, the PROXY protocol setting of a cloud load balancer and of its health checks), or this listen must drop proxy_protocol: a listen with it accepts nothing else, and "client:" on such a line is the sender\'s address, not a real client\'s.',
    directives: [],
    rules: ['wrong-protocol-to-local-listener'],
  },
  {
    id: 'nginx-premature-close',
    server: 'nginx',
    match: /upstream prematurely closed connection while reading response header from upstream/,
    status: '502',
    statuses: ['502', '200'],
    meaning: 'the backend closed the connection before sending a complete header: the worker crashed or was killed (an application timeout such as gunicorn\'s 30 s), a reused keep-alive connection was closed by the backend at the same moment, or the backend wanted something else first (a PROXY protocol header, a TLS handshake: nginx\'s own listen with proxy_protocol or ssl logs "broken header" or a failed handshake at the same moment).',
    directives: ['{f}_read_timeout', '{f}_next_upstream'],
    groupDirectives: ['keepalive', 'keepalive_timeout'],
    rules: ['keepalive-timeout-races-backend', 'non-idempotent-retry', 'wrong-protocol-to-local-listener'],
  },
  {
    id: 'nginx-premature-close-body',
    server: 'nginx',
    match: /upstream prematurely closed connection while reading upstream/,
    status: 'response cut short (200 already sent)',
    statuses: ['200 truncated', '200'],
    meaning: 'the backend closed the connection in the middle of the response body; the client gets a truncated response.',
    directives: [],
    rules: [],
  },
  {
    id: 'nginx-reset',
    server: 'nginx',
    match: /recv\(\) failed \(104: Connection reset by peer\) while reading response header from upstream/,
    status: '502',
    statuses: ['502', '200'],
    meaning: 'the backend reset the connection before answering: a crash, a full accept queue, a keep-alive connection the backend had just closed, or, on every request, a backend that does not speak the protocol nginx sends (php-fpm behind proxy_pass instead of fastcgi_pass; a port that speaks only TLS, such as a Python ssl server, behind http:// or grpc:// instead of https:// or grpcs://).',
    directives: ['{f}_next_upstream'],
    groupDirectives: ['keepalive', 'keepalive_timeout'],
    rules: ['keepalive-timeout-races-backend', 'upstream-keepalive-ineffective', 'fastcgi-settings-without-fastcgi-pass'],
  },
  {
    id: 'nginx-reset-body',
    server: 'nginx',
    // readv() with proxy_buffering on (the buffered body is read into a chain of buffers), recv() with it off
    // (test/servers/explain-nginx-broken-answers.test.ts, nginx 1.22.1).
    match: /(?:recv|readv)\(\) failed \(104: Connection reset by peer\) while reading upstream/,
    status: 'response cut short (200 already sent)',
    statuses: ['200 truncated', '200'],
    meaning: 'the backend reset the connection in the middle of the response body; the client gets a truncated response.',
    directives: [],
    rules: [],
  },
  {
    id: 'nginx-send-failed',
    server: 'nginx',
    match: /(?:writev|send|sendfile)\(\) failed \((?:32: Broken pipe|104: Connection reset by peer)\) while sending request to upstream/,
    status: '502',
    statuses: ['502', '200'],
    meaning: 'the backend closed the connection while nginx was still sending the request (a body the backend refuses or finds too large, a crash, or a keep-alive connection it had just closed).',
    directives: ['{f}_next_upstream'],
    rules: ['keepalive-timeout-races-backend'],
  },
  {
    id: 'nginx-server-disabled',
    server: 'nginx',
    match: /upstream server temporarily disabled while/,
    status: 'no status of its own (the error line next to it says what failed)',
    statuses: ['502', '503', '504', '500', '200', '200 truncated', 'no-response'],
    meaning: 'after max_fails failures (1 by default) within fail_timeout (10s by default) nginx takes the server out of the group for fail_timeout; the error line next to it for the same connection (*N) says what failed: before it for a refused connect, after it for a timeout (nginx 1.22.1). With no error line for that server on the same connection, the server answered with a status *_next_upstream lists (http_502, http_503, …), which nginx does not log. With every server out, requests get 502 "no live upstreams".',
    directives: [],
    rules: ['max-fails-zero', 'single-server-upstream'],
  },
  {
    id: 'nginx-client-closed',
    server: 'nginx',
    match: /client prematurely closed connection/,
    status: '499 in the access log (the client gave up first)',
    statuses: ['no-response', '502', '503', '504', '500', '200', '200 truncated'],
    meaning: 'the client (or a load balancer in front) closed the connection before nginx answered; nothing failed in nginx, but a client or balancer timeout shorter than the backend\'s response time looks like this.',
    directives: ['{f}_read_timeout'],
    rules: ['timeout-exceeds-outer-idle-timeout'],
  },
  {
    id: 'nginx-too-big-header',
    server: 'nginx',
    match: /upstream sent too big header while reading response header from upstream/,
    status: '502',
    // 200 when *_next_upstream lists invalid_header and another server answered (nginx 1.22.1).
    statuses: ['502', '200'],
    meaning: 'the response header (large cookies, long redirect URLs, auth tokens) does not fit in the header buffer. It counts as a failed attempt (max_fails), but the request goes to another server only when *_next_upstream lists invalid_header.',
    directives: ['{f}_buffer_size', '{f}_buffers', '{f}_busy_buffers_size'],
    rules: ['header-buffer-too-small', 'buffer-size-arithmetic'],
  },
  {
    id: 'nginx-invalid-header',
    server: 'nginx',
    match: /upstream sent (?:invalid header|invalid status|duplicate header line)/,
    status: '502',
    statuses: ['502'],
    // Plain HTTP to a TLS port is not logged so (a Node.js TLS server closes: "upstream prematurely closed
    // connection"), nor php-fpm behind proxy_pass (it resets: "recv() failed (104…)"): nginx 1.22.1,
    // test/servers/explain-nginx-invalid-header.test.ts and fastcgi-settings-without-fastcgi-pass.test.ts.
    meaning: 'nginx could not accept a header line of the backend\'s answer (the line quotes its start, up to the first byte nginx rejected: a NUL or other control byte, a space in a header name, a second copy of a header that may appear once): a broken application server or a proxy between that mangles headers; uwsgi_pass or scgi_pass to an HTTP/2-only port logs it as well ("\\x00...", the first byte of a binary frame).',
    directives: [],
    rules: ['pass-scheme-mismatch', 'scheme-port-mismatch', 'wrong-protocol-to-local-listener'],
  },
  {
    // The chunk parser runs on the body, after the response header was accepted: too late for 502 or another server.
    id: 'nginx-invalid-chunked',
    server: 'nginx',
    match: /upstream sent invalid chunked response/,
    status: 'the connection closed: no answer at all, or the response cut short (the access log says 200)',
    statuses: ['no-response', '200 truncated', '200'],
    meaning: 'the backend announced a chunked body (Transfer-Encoding: chunked) and then sent bytes that are not valid chunks: a broken application server or a proxy between that mangles the body. The response header was already accepted, so nginx can neither answer 502 nor try another server; it closes the client connection, before anything reached the client when the header was still in its buffer (curl: "Empty reply from server"), else in the middle of the body.',
    directives: [],
    rules: [],
  },
  {
    id: 'nginx-http09-response',
    server: 'nginx',
    match: /upstream sent no valid HTTP\/1\.0 header/,
    status: 'no HTTP status: the backend\'s bytes passed on as they are (an HTTP/0.9 answer; the access log says 009)',
    statuses: ['non-http'],
    meaning: 'the backend\'s answer did not start with an HTTP status line: the port speaks another protocol (SSH, Redis, TLS, FastCGI) or prints a banner. nginx takes it for an HTTP/0.9 answer and relays the bytes unchanged, with no status line and no headers, so browsers show an error page of their own and curl says "Received HTTP/0.9 when not allowed"; there is no 502 and no other server is tried.',
    directives: [],
    rules: ['pass-scheme-mismatch', 'scheme-port-mismatch'],
  },
  {
    id: 'nginx-no-resolver',
    server: 'nginx',
    match: /no resolver defined to resolve \S+/,
    status: '502',
    statuses: ['502'],
    meaning: 'the pass target contains a variable, so the name is looked up per request, and no resolver is configured where the request was handled.',
    directives: ['resolver'],
    rules: ['variable-pass-without-resolver'],
  },
  {
    id: 'nginx-not-resolved',
    server: 'nginx',
    // The name is matched only from its start (after white space): a bare \S+ is tried at every character of a long
    // word, which made one 90 KB line take seconds.
    match: /(?:^|\s)\S+ could not be resolved \(\d+: [^)]*\)/,
    status: '502',
    statuses: ['502'],
    meaning: 'the per-request DNS lookup failed (no such name, or the resolver did not answer within resolver_timeout).',
    detail: notResolvedDetail,
    directives: ['resolver', 'resolver_timeout'],
    rules: ['resolver-timeout-too-long', 'variable-pass-without-resolver'],
  },
  {
    id: 'nginx-resolver-unreachable',
    server: 'nginx',
    match: /(?:send|recv)\(\) failed \(\d+: [^)]*\) while resolving, resolver: \S+/,
    status: '502',
    statuses: ['502'],
    meaning: 'the DNS server named in resolver cannot be reached (wrong address, not running, firewalled), so the per-request lookup fails; the "could not be resolved" line follows once resolver_timeout has passed.',
    directives: ['resolver', 'resolver_timeout'],
    rules: ['resolver-timeout-too-long'],
  },
  {
    id: 'nginx-tls-name',
    server: 'nginx',
    match: /upstream SSL certificate does not match "[^"]*" while SSL handshaking to upstream/,
    status: '502',
    statuses: ['502'],
    meaning: 'verification is on and the backend\'s certificate does not cover the name nginx checks ({f}_ssl_name, by default the host of the pass target); without SNI the backend may also have sent its default certificate.',
    directives: ['{f}_ssl_verify', '{f}_ssl_name', '{f}_ssl_server_name', '{f}_ssl_trusted_certificate'],
    rules: ['tls-upstream-without-sni', 'tls-verify-without-trusted-certificate'],
  },
  {
    id: 'nginx-tls-verify',
    server: 'nginx',
    match: /upstream SSL certificate verify error: \(\d+:[^)]*\) while SSL handshaking to upstream/,
    status: '502',
    statuses: ['502'],
    // The reason in the parentheses decides: 9, 10 and 18 seen on nginx 1.22.1 (a backend certificate dated 2020, or
    // 2030 on, from a CA in the file; a self-signed one against the system bundle), 23, 3 and 12 in
    // test/servers/nginx-tls-upstream.test.ts, 21, 20 and 2 in nginx-tls-verify.test.ts.
    meaning: 'verification is on and the backend\'s certificate failed it; the parentheses hold OpenSSL\'s reason. (21:unable to verify the first certificate): the backend sent only its own certificate and its issuer is not in {f}_ssl_trusted_certificate; (20:unable to get local issuer certificate): the backend sent its chain and the root is missing from the file; (2:unable to get issuer certificate): the file holds the intermediate but not its root; (18:self-signed certificate): the backend\'s certificate is signed by itself, and only that certificate in the file would vouch for it; (10:certificate has expired) or (9:certificate is not yet valid): a certificate of the backend\'s chain is outside its dates, whatever the file holds: renew it on the backend (and reload the backend), or look at the clocks; (23:certificate revoked), (3:unable to get certificate CRL) or (12:CRL has expired): {f}_ssl_crl revokes the certificate, lacks the CRL of one of its issuers, or is past its next update. A resumed TLS session carries the result of an earlier handshake to the same backend, possibly made by another location.',
    directives: ['{f}_ssl_verify', '{f}_ssl_trusted_certificate', '{f}_ssl_crl', '{f}_ssl_session_reuse'],
    // tls-verify-without-trusted-certificate catches a missing file, not a file with the wrong CA.
    rules: [],
  },
  {
    id: 'nginx-tls-wrong-version',
    server: 'nginx',
    match: /SSL_do_handshake\(\) failed \(SSL: error:[0-9A-F]+:SSL routines::(?:wrong version number|packet length too long)\) while SSL handshaking to upstream/,
    status: '502',
    statuses: ['502'],
    meaning: 'nginx speaks TLS (https://, grpcs://, suwsgi://) to a port that answers in plain HTTP.',
    directives: [],
    rules: ['scheme-port-mismatch', 'wrong-protocol-to-local-listener'],
  },
  {
    // nginx 1.22.1, grpc_pass grpcs:// to an nginx listen with ssl and without http2 (logged at crit):
    // test/servers/wrong-protocol-to-local-listener.test.ts.
    id: 'nginx-tls-no-alpn',
    server: 'nginx',
    match: /SSL_do_handshake\(\) failed \(SSL: error:[0-9A-F]+:SSL routines::tlsv1 alert no application protocol[^)]*\) while SSL handshaking to upstream/,
    status: '502',
    statuses: ['502'],
    meaning: 'the backend refused the TLS handshake because it speaks none of the protocols nginx offered in ALPN: grpcs:// offers only HTTP/2 ("h2"), and the backend serves HTTP/1.x only over TLS (an nginx listen with ssl and without http2, or a web server where the gRPC server was meant).',
    directives: [],
    rules: ['wrong-protocol-to-local-listener'],
  },
  {
    id: 'nginx-tls-handshake',
    server: 'nginx',
    // nginx 1.22.1 writes "peer closed connection in SSL handshake" when the backend drops the connection in the
    // handshake without an alert (a client certificate it does not trust; test/servers/nginx-tls-upstream.test.ts),
    // with "(104: Connection reset by peer)" inside when the drop is a reset.
    match: /(?:SSL_do_handshake\(\) failed .*|peer closed connection in SSL handshake(?: \(\d+: [^)]*\))?) while SSL handshaking to upstream/,
    status: '502',
    statuses: ['502'],
    meaning: 'the TLS handshake with the backend failed: no common protocol version or cipher, a backend that wants a client certificate (or does not trust the one sent), a backend that needs SNI, or one that wanted a PROXY protocol header first (an nginx listen with proxy_protocol).',
    directives: ['{f}_ssl_protocols', '{f}_ssl_server_name', '{f}_ssl_name', '{f}_ssl_certificate'],
    rules: ['tls-upstream-without-sni', 'tls-certificate-without-key', 'wrong-protocol-to-local-listener'],
  },
  {
    id: 'nginx-fastcgi-not-fastcgi',
    server: 'nginx',
    // nginx 1.22.1, fastcgi_pass to an HTTP server: test/servers/fastcgi-settings-without-fastcgi-pass.test.ts.
    match: /upstream sent unsupported FastCGI protocol version: \d+ while reading response header from upstream/,
    status: '502',
    statuses: ['502'],
    meaning: 'the answer is not FastCGI: nginx reads its first byte as the FastCGI version, and 72 is "H", the start of "HTTP/1.1 400 Bad Request". fastcgi_pass points at an HTTP server (the application\'s own HTTP port, another nginx, Apache) instead of the FastCGI server (php-fpm); every request fails the same way. 0 is an HTTP/2-only server (an nginx listen with http2 and without ssl, before nginx 1.25.1).',
    directives: [],
    // Catches it when the HTTP server is this same nginx (a listen line of the configuration).
    rules: ['wrong-protocol-to-local-listener'],
  },
  {
    // nginx 1.22.1: memcached_pass to an HTTP server (test/servers/wrong-protocol-to-local-listener.test.ts) or a
    // memcached that refuses the key (test/servers/nginx-memcached.test.ts, "CLIENT_ERROR bad command line format").
    id: 'nginx-memcached-invalid-response',
    server: 'nginx',
    match: /memcached sent invalid response: /,
    status: '502',
    statuses: ['502'],
    meaning: 'the first line of the answer is neither "VALUE …" nor "END": "HTTP/1.1 400 Bad Request" means memcached_pass points at an HTTP server, "CLIENT_ERROR …" that memcached refused the key ($memcached_key longer than 250 bytes, or with spaces or control characters).',
    directives: ['memcached_pass'],
    rules: ['wrong-protocol-to-local-listener'],
  },
  {
    id: 'nginx-fastcgi-script-unknown',
    server: 'nginx',
    // nginx 1.22.1 with php-fpm 8.2: a SCRIPT_FILENAME that names no file gets php-fpm's 404 "File not found.".
    match: /FastCGI sent in stderr: "Primary script unknown" while reading response header from upstream/,
    status: '404',
    statuses: ['404'],
    meaning: 'php-fpm found no file at the path fastcgi_param SCRIPT_FILENAME sent (usually $document_root$fastcgi_script_name) and answered 404 "File not found.": the root differs between nginx and php-fpm (separate containers or chroots), SCRIPT_FILENAME is not set (fastcgi_params has no SCRIPT_FILENAME, fastcgi.conf has), or the file really does not exist.',
    directives: [],
    rules: [],
  },
  {
    id: 'nginx-fastcgi-stderr',
    server: 'nginx',
    // nginx logs every stderr record of a FastCGI response at level error; the status is the application's own
    // (php-fpm 8.2, an uncaught exception: 500), unless fastcgi_catch_stderr matches (502; test nginx-fastcgi-stderr-abort).
    match: /FastCGI sent in stderr: .* while reading response header from upstream/,
    status: 'what the application answered (a PHP fatal error: 500 from php-fpm)',
    statuses: ['500', '200', '502'],
    otherwise: 'or 502 when a fastcgi_catch_stderr string in force matches the message',
    meaning: 'the FastCGI application wrote to its error stream (a PHP warning or fatal error) before its response header; nginx logs each such message as an error but passes on the response the application sends.',
    directives: ['fastcgi_catch_stderr'],
    rules: [],
  },
  {
    id: 'nginx-fastcgi-stderr-cut',
    server: 'nginx',
    // The same record without its end: nginx cuts a record at 2,048 bytes, so a long stack trace loses its last lines
    // and the part that names the request (nginx 1.22.1: test/servers/explain-nginx-fastcgi-stderr-cut.test.ts). With
    // fastcgi_catch_stderr matching, that cut record is the only line the 502 leaves.
    match: /FastCGI sent in stderr: "(?![\s\S]*" while reading (?:response header from )?upstream)/,
    status: 'what the application answered (a PHP fatal error: 500 from php-fpm)',
    statuses: ['500', '200', '502'],
    otherwise: 'or 502 when a fastcgi_catch_stderr string in force matches the message (nginx matches the whole message, not the part it logged)',
    meaning:
      'the FastCGI application wrote to its error stream (a PHP warning or fatal error, here with a stack trace); nginx logs each such message as an error but passes on the response the application sends. The record has no end: the client, server, request and upstream nginx adds after the message are missing. The connection number (*N) names the request\'s other lines, and the access log has the status.',
    detail: (line) =>
      line.length >= 2000
        ? `The record is ${line.length.toLocaleString('en-US')} characters long: nginx cut it at its limit of 2,048 bytes for one error-log record, so the rest of the message is not in the log (php-fpm's own log has it whole).`
        : 'The lines given stop before the record\'s end.',
    directives: ['fastcgi_catch_stderr'],
    rules: [],
  },
  {
    id: 'nginx-host-not-found',
    server: 'nginx',
    match: /host not found in upstream "[^"]*"/,
    status: 'nginx will not start or reload',
    statuses: ['startup-failure'],
    meaning: 'a host name in a pass target or upstream server does not resolve when the configuration loads (a typo, a container that is not up yet, DNS not reachable at boot).',
    directives: [],
    rules: ['hostname-resolved-at-startup', 'undefined-upstream'],
  },
  {
    // nginx 1.22.1 (test/rules/undefined-variable.test.ts): logged after every file was read, so with no file or line.
    id: 'nginx-unknown-variable',
    server: 'nginx',
    match: /\[emerg\].* unknown "[^"]*" variable/,
    status: 'nginx will not start or reload',
    statuses: ['startup-failure'],
    meaning:
      'a value uses a $variable that neither nginx nor the configuration (set, map, geo, split_clients) defines: often $connection_upgrade from a WebSocket location copied without its map, a misspelt name, or an http {} variable used in stream {}. nginx names no file or line: it finds out after reading all of them.',
    directives: [],
    rules: ['undefined-variable'],
  },
  // What `nginx -t` or a refused reload says about a configuration (nginx 1.22.1's words, checked by
  // test/servers/explain-nginx-startup.test.ts): no request is involved, and the rules that catch each before deploying.
  {
    id: 'nginx-buffer-arithmetic',
    server: 'nginx',
    match: /\[emerg\].*(?:"(?:proxy|fastcgi|uwsgi|scgi)_busy_buffers_size" must be|there must be at least 2 "(?:proxy|fastcgi|uwsgi|scgi)_buffers")/,
    status: 'nginx will not start or reload',
    statuses: ['startup-failure'],
    meaning:
      'the response buffers do not fit together: *_busy_buffers_size (by default twice the larger of *_buffer_size and one *_buffers buffer) must be at least that larger size and less than all *_buffers but one, and *_buffers needs at least 2. Raising *_buffer_size alone, the usual answer to "upstream sent too big header", breaks it.',
    directives: [],
    rules: ['buffer-size-arithmetic', 'header-buffer-too-small'],
  },
  {
    id: 'nginx-invalid-upstream-address',
    server: 'nginx',
    match: /\[emerg\].*(?:invalid (?:port|host) in upstream|no port in upstream) "[^"]*"/,
    status: 'nginx will not start or reload',
    statuses: ['startup-failure'],
    meaning:
      'a pass target or upstream server address cannot be read: a port outside 1-65535, a scheme the directive does not take (grpc_pass http://…, any scheme in stream {} or on an upstream server line), or a name without the port stream {} needs (an upstream group of http {} is only a name there).',
    directives: [],
    rules: ['invalid-upstream-address', 'pass-scheme-mismatch', 'undefined-upstream'],
  },
  {
    id: 'nginx-invalid-url-prefix',
    server: 'nginx',
    match: /\[emerg\].*invalid URL prefix/,
    status: 'nginx will not start or reload',
    statuses: ['startup-failure'],
    meaning:
      'the pass target has a scheme its directive does not take, or none: proxy_pass needs http:// or https://, grpc_pass grpc:// or grpcs:// (or none), uwsgi_pass uwsgi:// or suwsgi:// (or none).',
    directives: [],
    rules: ['pass-scheme-mismatch'],
  },
  {
    id: 'nginx-uri-part-not-allowed',
    server: 'nginx',
    match: /\[emerg\].*"\w+_pass" cannot have URI part/,
    status: 'nginx will not start or reload',
    statuses: ['startup-failure'],
    meaning:
      'a pass target has a path (proxy_pass http://app/v1/) where nginx cannot tell what to replace: in a regex or named location, inside "if" or "limit_except". Drop the path, and rewrite … break the URI first if it must change.',
    directives: [],
    rules: ['uri-part-not-allowed'],
  },
  {
    id: 'nginx-unknown-directive',
    server: 'nginx',
    match: /\[emerg\].*unknown directive "[^"]*"/,
    status: 'nginx will not start or reload',
    statuses: ['startup-failure'],
    meaning:
      'nginx does not know the directive: a misspelling, a setting of one module used with another (grpc_buffers, fastcgi_set_header), a directive newer than this nginx (http2 on before 1.25.1), one of NGINX Plus on open source nginx (sticky, queue, api, status_zone, health_check), or one whose module is not loaded (stream {} or a dynamic module without its load_module; a stream directive such as proxy_timeout in an http location says this too while the stream module is not loaded, and "not allowed here" once it is).',
    directives: [],
    rules: ['unknown-directive', 'directive-not-in-target-version', 'plus-only-directive', 'health-check-requires-plus', 'directive-not-allowed-here'],
  },
  {
    // nginx 1.22.1 -t: invalid parameter "slow_start=30s", "max_fails=abc", "resolve", "weight=0" on an upstream server
    // line (test/servers/explain-nginx-startup.test.ts); listen and resolver lines say it too for a word they do not take.
    id: 'nginx-invalid-parameter',
    server: 'nginx',
    match: /\[emerg\].*invalid parameter "[^"]*"/,
    status: 'nginx will not start or reload',
    statuses: ['startup-failure'],
    meaning:
      'a line has a parameter nginx does not take. On an upstream server line: a typo or a value out of range (weight=0, max_fails=abc, fail_timeout=500ms), a parameter of NGINX Plus on open source nginx (slow_start=; route= and drain before 1.29.6; service= before 1.27.3), or resolve before nginx 1.27.3. On a listen or resolver line: a word this nginx does not know (quic before 1.25.0). On a *_cache_path line: NGINX Plus\'s purger= (or purger_files=, purger_sleep=, purger_threshold=).',
    directives: [],
    rules: ['invalid-server-parameter', 'plus-only-directive', 'resolve-without-prerequisites', 'directive-not-in-target-version'],
  },
  {
    id: 'nginx-unknown-cache-zone',
    server: 'nginx',
    match: /\[emerg\].*"\w+_cache" zone "[^"]*" is unknown/,
    status: 'nginx will not start or reload',
    statuses: ['startup-failure'],
    meaning:
      'proxy_cache (fastcgi_cache, …) names a zone that no *_cache_path of that module declares with keys_zone=: a typo, or the *_cache_path line is in a file this configuration does not include.',
    directives: [],
    rules: ['undefined-cache-zone'],
  },
  {
    id: 'nginx-duplicate-upstream',
    server: 'nginx',
    match: /\[emerg\].*duplicate upstream "[^"]*"/,
    status: 'nginx will not start or reload',
    statuses: ['startup-failure'],
    meaning:
      'two upstream blocks have the same name, often one in each of two site files that each define "their" group.',
    directives: [],
    rules: ['duplicate-upstream-name'],
  },
  {
    id: 'nginx-duplicate-directive',
    server: 'nginx',
    match: /\[emerg\].*"\w+" directive is duplicate/,
    status: 'nginx will not start or reload',
    statuses: ['startup-failure'],
    meaning:
      'a directive that takes one value per level is written twice at one level, often once in the file and once in a snippet it includes.',
    directives: [],
    rules: ['duplicate-directive'],
  },
  {
    id: 'nginx-directive-not-allowed',
    server: 'nginx',
    match: /\[emerg\].*"\w+" directive is not allowed here/,
    status: 'nginx will not start or reload',
    statuses: ['startup-failure'],
    meaning:
      'the directive stands in a block where nginx does not take it: an http setting in stream {} (proxy_read_timeout in a stream server), an upstream line outside upstream {}, a location setting at http level.',
    directives: [],
    rules: ['directive-not-allowed-here'],
  },
  {
    id: 'nginx-invalid-arguments',
    server: 'nginx',
    match: /\[emerg\].*invalid number of arguments in "\w+" directive/,
    status: 'nginx will not start or reload',
    statuses: ['startup-failure'],
    meaning:
      'the directive has too many or too few values: often a ";" missing at the end of the line before, so nginx read the next line as more values of it; on limit_req_zone, NGINX Plus\'s sync parameter on open source nginx.',
    directives: [],
    rules: ['invalid-number-of-arguments', 'probable-missing-semicolon', 'syntax-error', 'plus-only-directive'],
  },
  {
    // nginx 1.22.1 -t: a word of a resolver line that is not a parameter it knows is taken for a DNS server's name and
    // looked up at start; NGINX Plus's status_zone= is the usual one, ipv4= before 1.23.1 another
    // (test/servers/explain-nginx-startup.test.ts).
    id: 'nginx-resolver-host-not-found',
    server: 'nginx',
    match: /\[emerg\].*host not found in resolver "[^"]*"/,
    status: 'nginx will not start or reload',
    statuses: ['startup-failure'],
    meaning:
      'a resolver line names a DNS server nginx cannot look up when it reads the configuration: a host name instead of an address, or a parameter this nginx does not have, read as a name (NGINX Plus\'s status_zone= on open source nginx, ipv4= before 1.23.1).',
    directives: ['resolver'],
    rules: ['plus-only-directive', 'directive-not-in-target-version'],
  },
  {
    id: 'nginx-invalid-log-level',
    server: 'nginx',
    match: /\[emerg\].*invalid log level "[^"]*"/,
    status: 'nginx will not start or reload',
    statuses: ['startup-failure'],
    meaning:
      'an error_log line has a word after the file that is no level (debug, info, notice, warn, error, crit, alert, emerg): a misspelled level, or NGINX Plus\'s json on open source nginx.',
    directives: ['error_log'],
    rules: ['plus-only-directive'],
  },
  {
    id: 'nginx-invalid-value',
    server: 'nginx',
    match: /\[emerg\].*invalid value "[^"]*"/,
    status: 'nginx will not start or reload',
    statuses: ['startup-failure'],
    meaning:
      'a directive has a value it does not take: a switch other than on/off, a keyword this nginx does not have (proxy_next_upstream denied before 1.29.3, or on open source nginx), a server_tokens string (NGINX Plus only).',
    directives: [],
    rules: ['invalid-argument-value', 'plus-only-directive', 'directive-not-in-target-version'],
  },
  {
    // nginx 1.22.1: "no servers are inside upstream" for an empty block, "no servers in upstream "app"" when every server is backup.
    id: 'nginx-no-servers-in-upstream',
    server: 'nginx',
    match: /\[emerg\].*no servers (?:are inside upstream|in upstream "[^"]*")/,
    status: 'nginx will not start or reload',
    statuses: ['startup-failure'],
    meaning:
      'an upstream group has no server nginx may send requests to: every server line of it is marked backup (or the block is empty), and a group needs at least one primary server.',
    directives: [],
    rules: ['no-primary-server'],
  },
  {
    id: 'nginx-backup-with-hash',
    server: 'nginx',
    match: /\[emerg\].*balancing method does not support parameter "[^"]*"/,
    status: 'nginx will not start or reload',
    statuses: ['startup-failure'],
    meaning:
      'a server parameter does not go with the group\'s balancing method: hash, ip_hash and random pick a server by key or by chance and take no backup server (least_conn and the default round robin do).',
    directives: [],
    rules: ['backup-with-hash-balancing'],
  },
  {
    id: 'nginx-duplicate-listen',
    server: 'nginx',
    match: /\[emerg\].*a duplicate (?:listen|default server for) [^ ]+/,
    status: 'nginx will not start or reload',
    statuses: ['startup-failure'],
    meaning:
      'two listen lines for one address and port clash: the same address twice in one server block, or default_server on it in two blocks (only one block can be the default for an address).',
    directives: [],
    rules: ['listen-conflict'],
  },
  {
    id: 'nginx-verify-without-ca',
    server: 'nginx',
    match: /\[emerg\].*no \w+_ssl_trusted_certificate for \w+_ssl_verify/,
    status: 'nginx will not start or reload',
    statuses: ['startup-failure'],
    meaning:
      '*_ssl_verify is on but no *_ssl_trusted_certificate names the CA file to check the backend\'s certificate against; nginx names neither the file nor the line.',
    directives: [],
    rules: ['tls-verify-without-trusted-certificate'],
  },
  {
    id: 'nginx-certificate-without-key',
    server: 'nginx',
    match: /\[emerg\].*no "\w*ssl_certificate_key" is defined for certificate "[^"]*"/,
    status: 'nginx will not start or reload',
    statuses: ['startup-failure'],
    meaning:
      'a server block (or *_ssl_certificate for the backend) has a certificate and no key for it: ssl_certificate and ssl_certificate_key go in pairs, at the same level or inherited.',
    directives: [],
    rules: ['tls-certificate-without-key'],
  },
  {
    id: 'nginx-listen-ssl-without-certificate',
    server: 'nginx',
    match: /\[emerg\].*no "ssl_certificate" is defined for the "listen \.\.\. ssl" directive/,
    status: 'nginx will not start or reload',
    statuses: ['startup-failure'],
    meaning:
      'a server block listens with ssl but has no ssl_certificate, neither its own nor one inherited from http {}.',
    directives: [],
    rules: ['listen-ssl-without-certificate'],
  },
  {
    id: 'nginx-zero-size-zone',
    server: 'nginx',
    match: /\[emerg\].*zero size shared memory zone "[^"]*"/,
    status: 'nginx will not start or reload',
    statuses: ['startup-failure'],
    meaning:
      'a zone is used without a size (zone in an upstream block, limit_req zone=, limit_conn) and no line declares it with one: a misspelt zone name, or a size left out where the zone is declared. nginx names neither the file nor the line.',
    directives: [],
    rules: ['undefined-shared-memory-zone'],
  },
  {
    id: 'nginx-zone-other-use',
    server: 'nginx',
    match: /\[emerg\].*the shared memory zone "[^"]*" is already declared for a different use/,
    status: 'nginx will not start or reload',
    statuses: ['startup-failure'],
    meaning:
      'two kinds of zone have the same name (a limit_req_zone and a proxy_cache_path keys_zone, an upstream zone and a cache): zone names are shared by every module, so each needs its own.',
    directives: [],
    rules: ['shared-memory-zone-conflict', 'undefined-cache-zone'],
  },
  {
    id: 'nginx-invalid-regex',
    server: 'nginx',
    match: /\[emerg\].*pcre2?_compile\(\) failed: /,
    status: 'nginx will not start or reload',
    statuses: ['startup-failure'],
    meaning:
      'a regular expression (location ~, server_name ~, map, if, rewrite) does not compile; the line says what PCRE found wrong and where.',
    directives: [],
    rules: ['invalid-regex'],
  },
  {
    // nginx 1.22.1: one line per socket and try (five tries, half a second apart), then "still could not bind()".
    id: 'nginx-address-in-use',
    server: 'nginx',
    match: /\[emerg\].*(?:bind\(\) to \S+ failed \(98: Address already in use\)|still could not bind\(\))/,
    status: 'nginx will not start or reload',
    statuses: ['startup-failure'],
    meaning:
      'another socket already listens on that address and port, so nginx cannot open its own: another program (Apache, an nginx that did not stop, a container publishing the port), or two server modules of this configuration on one port (an http and a stream server), which nginx -t does not notice since it binds nothing. `ss -ltnp` names the process that holds the port.',
    directives: [],
    rules: ['listen-address-in-use'],
  },
  {
    // nginx 1.22.1 names the including file and line ("… in /etc/nginx/nginx.conf:60"); a glob that matches nothing is no error.
    id: 'nginx-include-not-found',
    server: 'nginx',
    match: /\[emerg\].*open\(\) "[^"]*" failed \((?:2: No such file or directory|13: Permission denied)\) in \S+:\d+/,
    status: 'nginx will not start or reload',
    statuses: ['startup-failure'],
    meaning:
      'a file the configuration includes is missing (2), or nginx may not read it (13): a site removed from sites-available but still linked from sites-enabled, a snippet that was not deployed, or a relative path, which nginx reads from its configuration folder and not from the folder of the file that includes it. The place named is the include line.',
    directives: [],
    rules: ['include-not-found', 'include-unreadable'],
  },
  {
    // nginx 1.22.1's words for a file that does not parse; the place is where nginx noticed, often after the mistake.
    id: 'nginx-syntax',
    server: 'nginx',
    match: /\[emerg\].*(?:unexpected (?:"[^"]*"|end of file)|directive "[^"]*" has no opening "\{"|directive "[^"]*" is not terminated by ";")/,
    status: 'nginx will not start or reload',
    statuses: ['startup-failure'],
    meaning:
      'the file does not parse. unexpected "}": a ";" missing at the end of the line before (nginx read on to the "}"), or a "}" too many; unexpected end of file, expecting "}": a block left open; expecting ";" or "}" at the end of the file: a quote never closed; has no opening "{": a block directive (location, server, upstream …) without its braces. The line named is where nginx noticed, often a line or more after the mistake.',
    directives: [],
    rules: ['syntax-error', 'probable-missing-semicolon'],
  },
  {
    // nginx 1.22.1 (OpenSSL 3.0): BIO_new_file() for a file it cannot open, PEM_read_bio_…() for one that is not PEM.
    id: 'nginx-tls-file-unreadable',
    server: 'nginx',
    match: /\[emerg\].*(?:cannot load certificate(?: key)? "[^"]*": |SSL_CTX_load_verify_locations\("[^"]*"\) failed)/,
    status: 'nginx will not start or reload',
    statuses: ['startup-failure'],
    meaning:
      'a certificate, key or CA file the configuration names (ssl_certificate, ssl_certificate_key, *_ssl_certificate, *_ssl_trusted_certificate …) cannot be loaded: "No such file or directory" is a path that does not exist (a renewed certificate under a new name, a symlink whose target is gone), "Permission denied" a file nginx may not read, "no start line" a file that is not PEM (DER, or the wrong file). nginx reads them when it starts or reloads, so the running one keeps its old files until then.',
    directives: [],
    rules: [],
  },
  // ---- nginx: internal redirect loops, gRPC framing, stream sessions
  {
    // Seen on nginx 1.22.1 (test/servers/explain-nginx-error-page.test.ts): recursive_error_pages on and an error
    // page whose location fails the same way; the eleventh internal redirect is refused.
    id: 'nginx-redirect-cycle',
    server: 'nginx',
    match: /rewrite or internal redirection cycle/,
    status: '500',
    statuses: ['500'],
    meaning:
      'nginx allows one request at most 10 internal redirects (error_page, try_files, rewrite … last, a named location); the next one ends the request with 500 and nginx\'s own error page, since any error_page for it would be one more redirect. The usual loop: recursive_error_pages on, and the error page\'s location fails with a status the same error_page handles, so each failure sends the request back to it (the lines before, on the same connection, are the failed tries).',
    directives: ['recursive_error_pages', 'error_page'],
    rules: [],
  },
  {
    // nginx's gRPC module takes frames of at most 16384 bytes (NGX_HTTP_V2_DEFAULT_FRAME_SIZE, HTTP/2's default
    // SETTINGS_MAX_FRAME_SIZE, which it never raises) and checks each frame header's 3-byte length against it. Seen on
    // nginx 1.22.1 (test/servers/explain-nginx-grpc.test.ts, test/servers/explain-nginx-grpc-frame.test.ts): an
    // HTTP/1.x answer gives 0x485454 = 4740180 ("HTT"); an HTTP/2 backend whose frame is 32768 bytes long gives 32768,
    // with grpc_buffer_size 1m as well; a long frame after the response header has gone out, "while reading upstream".
    id: 'nginx-grpc-frame-too-large-body',
    server: 'nginx',
    match: /upstream sent too large http2 frame: \d+ while reading upstream/,
    status: 'response cut short (200 already sent)',
    statuses: ['200 truncated', '200'],
    meaning:
      'the gRPC backend had already sent its response header (passed on: the access log says 200) when it sent an HTTP/2 frame longer than the 16384 bytes nginx accepts from a backend (the number in the line is that frame\'s length). nginx dropped the connection and reset the client\'s stream (RST_STREAM INTERNAL_ERROR), so the call fails on the client, as status INTERNAL in gRPC, after whatever part of the answer had arrived. The backend breaks HTTP/2\'s frame size rule (frames over 16384 bytes only once the other side allows them, and nginx never does), usually on a large message, and no nginx setting raises the limit (grpc_buffer_size does not): limit the size of the frames the backend sends, or update or fix its HTTP/2 library.',
    directives: [],
    rules: [],
  },
  {
    id: 'nginx-grpc-frame-too-large',
    server: 'nginx',
    match: /upstream sent too large http2 frame: \d+/,
    status: '502',
    statuses: ['502', '200 truncated'],
    otherwise: 'unless the response header arrived in the same read as the long frame: nginx has then passed the header on, the access log says 200 and the client\'s stream is reset (RST_STREAM INTERNAL_ERROR)',
    meaning:
      'nginx accepts HTTP/2 frames of at most 16384 bytes from a gRPC backend (HTTP/2\'s default maximum frame size, which nginx never raises; grpc_buffer_size does not change it), and this backend\'s answer began a frame with a larger length: the number in the line. Most often the backend does not speak HTTP/2 on that port, and the number is just its first 3 bytes: 4740180 is the text "HTT", the start of an HTTP/1.x status line (a plain web server, the application\'s HTTP port rather than its gRPC one, or a TLS listener that answers plain requests in HTTP, which needs grpcs://). A number that is not text, such as 32768 or 65536, usually comes from an HTTP/2 backend that breaks HTTP/2\'s frame size rule (frames over 16384 bytes only once the other side allows them, and nginx never does): limit the size of the frames it sends, or update or fix its HTTP/2 library. The client gets 502.',
    detail: grpcFrameDetail,
    directives: [],
    rules: ['pass-scheme-mismatch', 'scheme-port-mismatch', 'wrong-protocol-to-local-listener'],
  },
  {
    // The gRPC backend reset the request's HTTP/2 stream (RST_STREAM) before any response header; nginx 1.22.1 logs
    // its error code and answers 502 (test/servers/explain-nginx-grpc-retry.test.ts: code 2 and code 7).
    id: 'nginx-grpc-rejected',
    server: 'nginx',
    match: /upstream rejected request with error \d+/,
    status: '502',
    statuses: ['502'],
    meaning:
      'the gRPC backend reset the request\'s HTTP/2 stream before answering (RST_STREAM). The number is the HTTP/2 error code: 2 an internal error of the backend, 7 a stream it refused (at its limit of concurrent streams, or shutting down), 8 cancelled. nginx counts it as an invalid header; a gRPC request it has begun to send is never passed to another server.',
    directives: ['{f}_next_upstream'],
    rules: [],
  },
  {
    // The same proxy_timeout close, but the byte counts say the backend never answered what it was sent: the client
    // sent a query and got nothing back, or the backend sent nothing (nginx 1.22.1, "bytes from/to client:5/0, bytes
    // from/to upstream:0/5" beside an idle pool connection's 0/0, test/servers/explain-nginx-oncall-review.test.ts).
    // A session that had answers earlier (bytes both ways) cannot be told apart from one that went idle after them.
    id: 'nginx-stream-reply-timeout',
    server: 'nginx',
    match: /connection timed out \(110: [^)]*\) while proxying connection, .*bytes from\/to client:(?:[1-9]\d*\/0, bytes from\/to upstream:\d+\/\d+|\d+\/\d+, bytes from\/to upstream:0\/[1-9]\d*)/,
    status: STREAM_REPLY_CUT,
    statuses: [STREAM_REPLY_CUT],
    meaning:
      'the client sent bytes (a query) and the backend sent nothing back for proxy_timeout (10m by default), so nginx closed both connections with the query unanswered: the client sees its connection end while it waits for the reply. Unlike an idle session (bytes 0 both ways), this one was cut off in the middle of its work: the backend is stuck or too slow (a long query, a lock wait), or does not answer that kind of request. Raise proxy_timeout above the longest reply the backend may take, or find why it does not answer. nginx logs this at level info only, and tries no other server for a session that has begun.',
    directives: ['proxy_timeout'],
    rules: [],
  },
  {
    // The stream module's proxy_timeout: no byte either way for that long. Logged at level info with the client's
    // connection (nginx 1.22.1, test/servers/explain-nginx-stream.test.ts; the stream access log's $status is 200).
    id: 'nginx-stream-idle-timeout',
    server: 'nginx',
    match: /connection timed out \(110: [^)]*\) while proxying connection/,
    status: STREAM_IDLE_CLOSED,
    statuses: [STREAM_IDLE_CLOSED],
    meaning:
      'a stream session carried no data in either direction for proxy_timeout (10m by default), so nginx closed the client\'s connection and the backend\'s. Nothing failed: the client got everything the backend sent before, then the close (with 0 bytes both ways at the end of the line nothing was ever sent; with bytes both ways the counts cannot tell whether the client\'s last request was answered). nginx logs this at level info only, so with error_log at its default level (error) there is no line. A protocol that stays silent longer than that (database pools, message brokers, long polls) needs a longer proxy_timeout or heartbeats.',
    directives: ['proxy_timeout'],
    rules: [],
  },
  {
    // A stream session the backend reset after it had begun (TCP: the connect worked). nginx 1.22.1 closes the client
    // connection with a FIN and tries no other server (test/servers/explain-nginx-stream.test.ts).
    id: 'nginx-stream-upstream-reset',
    server: 'nginx',
    match: /recv\(\) failed \(104: Connection reset by peer\) while proxying and reading from upstream/,
    status: STREAM_RESET_CLOSED,
    statuses: [STREAM_RESET_CLOSED],
    meaning:
      'the backend accepted the connection and then reset it (it crashed or restarted, refused the protocol or the client\'s first bytes, a firewall or its own idle timeout cut it off). A session that has begun is never passed to another server, whatever proxy_next_upstream says: nginx closes the client\'s connection, and the client sees it end after what the backend had sent.',
    directives: ['proxy_timeout'],
    rules: [],
  },
  {
    // A UDP backend port nobody listens on: the datagram goes out (a UDP connect() always works), the ICMP "port
    // unreachable" comes back as ECONNREFUSED on the next read or send. nginx 1.22.1 then sends the client an empty
    // datagram, does not try another server for it, and marks the server failed for later sessions
    // (test/servers/explain-nginx-stream.test.ts). 111 after a TCP connect cannot happen: this is UDP.
    id: 'nginx-stream-udp-refused',
    server: 'nginx',
    match: /(?:recv|send)\(\) failed \(111: Connection refused\) while proxying and (?:reading from|sending to) upstream/,
    status: STREAM_UDP_REFUSED,
    statuses: [STREAM_UDP_REFUSED],
    meaning:
      'nothing listens on that UDP port of the backend (stopped, restarting, or a TCP-only service): its host answered the datagram with "port unreachable". UDP has no handshake, so this shows only once the datagram was sent, and nginx does not pass the datagram on to another server, even with proxy_next_upstream on; it counts the failure against the server (max_fails), so later datagrams go to the others while it is out.',
    directives: ['proxy_responses', 'proxy_timeout'],
    rules: ['max-fails-zero', 'single-server-upstream'],
  },
  {
    // A UDP session with proxy_responses set that got fewer answers than that within proxy_timeout. nginx 1.22.1 logs
    // it as an error, counts it against the server (a "temporarily disabled" line may follow) and does not pass the
    // datagram to another server (test/servers/explain-nginx-stream.test.ts; a group's next server then answered
    // the next sessions). TCP sessions that go idle are logged as "connection timed out" instead.
    id: 'nginx-stream-udp-timeout',
    server: 'nginx',
    match: /upstream timed out \(110: [^)]*\) while proxying connection/,
    status: STREAM_UDP_TIMED_OUT,
    statuses: [STREAM_UDP_TIMED_OUT],
    meaning:
      'nginx relayed the client\'s datagram, but the backend sent back fewer than proxy_responses answers within proxy_timeout (10m by default): it is down or firewalled (its host may drop datagrams without a "port unreachable"), overloaded, or does not answer that kind of query. nginx counts it as a failed attempt (max_fails), so while the server is out later datagrams go to the other servers, but this one is not passed on.',
    directives: ['proxy_timeout', 'proxy_responses'],
    rules: ['max-fails-zero', 'single-server-upstream'],
  },
  {
    // A UDP session without proxy_responses ends at proxy_timeout, logged at level info without client or server
    // fields; "packets from/to client:1/0" says nothing came back (nginx 1.22.1, $status 200,
    // test/servers/explain-nginx-stream.test.ts).
    id: 'nginx-stream-udp-unanswered',
    server: 'nginx',
    match: /udp timed out, packets from\/to client:\d+\/0,/,
    status: STREAM_UDP_UNANSWERED,
    statuses: [STREAM_UDP_UNANSWERED],
    meaning:
      'nginx relayed the client\'s datagrams but the backend sent none back within proxy_timeout (10m by default), so nginx ended the session: the backend is down or firewalled (its host may drop the datagrams without a "port unreachable"), overloaded, or does not answer that kind of query. Without proxy_responses nginx does not know an answer was due: it counts nothing against the server, so later sessions keep going to it, and each client waits out its own timeout. With proxy_responses set (1 for DNS), the same wait is an error that takes the server out after max_fails, and a session that got its answers ends at once instead of holding its socket for proxy_timeout.',
    directives: ['proxy_timeout', 'proxy_responses'],
    rules: [],
  },
  // ---- Apache httpd (mod_proxy)
  {
    // mod_proxy_hcheck's own probe names itself where a request's line names its scheme handler ("HTTP:"): on 2.4.71,
    // with members down, hcmethod=GET, HEAD and OPTIONS logged "AH00957: HCOH: attempt to connect to … failed" and
    // hcmethod=TCP "AH00957: HCTCP: …", from the health check's own threads, with no [client …]
    // (test/servers/explain-apache-health-check.test.ts). Before apache-connect-failed, which would take it for a request.
    id: 'apache-hc-connect-failed',
    server: 'apache',
    match: /AH00957: HC[A-Z]+: attempt to connect to \S+ \([^)]*\) failed/,
    status: HEALTH_CHECK_PROBE,
    statuses: [HEALTH_CHECK_PROBE],
    meaning:
      'a health check probe of mod_proxy_hcheck (HCOH: hcmethod=GET, HEAD or OPTIONS; HCTCP: hcmethod=TCP) could not connect to the member; no client request was involved. After hcfails= failed probes in a row (1 by default) the member is taken out of rotation (AH03303 "Health check DISABLING"), and it stays out until hcpasses= probes succeed: while it is out, requests skip it, and when every member is out they get 503 (AH01170 "All workers are in error state", AH00940 or AH00941 for a member tried anyway).',
    detail: apacheConnectDetail,
    directives: [],
    rules: [],
  },
  {
    // Logged at level info by the health check thread when a member reaches hcfails= failed probes (2.4.71, threaded
    // checks: "AH03303: Threaded Health check DISABLING http://127.0.0.1:9112"); "ENABLING" when it comes back.
    id: 'apache-hc-disabling',
    server: 'apache',
    match: /AH03303: (?:Threaded )?Health check DISABLING \S+/,
    status: HEALTH_CHECK_PROBE,
    statuses: [HEALTH_CHECK_PROBE],
    meaning:
      'mod_proxy_hcheck took this member out of rotation: its health check probes failed hcfails= times in a row (1 by default). No client request was involved; from now on requests skip the member until hcpasses= probes succeed ("Health check ENABLING"), and when every member of the balancer is out they get 503 (AH01170 "All workers are in error state", AH00940 or AH00941 for a member tried anyway). The probe lines before it (AH00957 "HCOH:" or "HCTCP:") say why it failed.',
    directives: [],
    rules: [],
  },
  {
    id: 'apache-connect-failed',
    server: 'apache',
    match: /AH00957: \S+: attempt to connect to \S+ \([^)]*\) failed/,
    status: '503',
    statuses: ['503', '200'],
    meaning: 'httpd could not connect to the backend: refused (nothing listening) or the connect timed out (connectiontimeout, else the backend timeout). A balancer member is then put in error state for retry= seconds (60 by default).',
    detail: apacheConnectDetail,
    directives: ['ProxyTimeout', 'Timeout'],
    rules: ['no-connectiontimeout', 'backend-dns-cached-per-child', 'worker-retry-extremes'],
  },
  {
    // A backend reached over a Unix domain socket (unix:/path|fcgi://…, the usual PHP-FPM set-up) logs AH02454, not
    // AH00957, then AH01079 (mod_proxy_fcgi) or AH01114 (mod_proxy_http). On 2.4.68 a socket file that did not exist
    // gave "(2)No such file or directory", one nothing listened on "(111)Connection refused", and each request got 503
    // (test/servers/explain-apache-unix-socket.test.ts).
    id: 'apache-unix-connect-failed',
    server: 'apache',
    match: /AH02454: \S+: attempt to connect to Unix domain socket \S+ \([^)]*\) failed/,
    status: '503',
    statuses: ['503', '200'],
    meaning:
      'httpd could not connect to the backend\'s Unix domain socket: (2) No such file or directory means the socket file is not there (PHP-FPM or the application is not running, or its listen = path differs from the one in the URL, such as another PHP version\'s php8.x-fpm.sock); (111) Connection refused means the file is there but nothing listens on it (a stale socket left by a stopped service); (13) Permission denied means httpd\'s user may not write to it (the pool\'s listen.owner, listen.group and listen.mode). The request gets 503; a balancer member is put in error state for retry= seconds (60 by default).',
    directives: [],
    rules: ['unix-socket-target-syntax', 'sethandler-unix-socket-syntax', 'sethandler-socket-taken-by-worker'],
  },
  {
    // mod_proxy_fcgi's own "failed to make connection" (mod_proxy_http's is AH01114), after the AH00957 or AH02454 of
    // the connect; it names the URL's host ("localhost" for unix:/path|fcgi://localhost/). 503 on 2.4.68.
    id: 'apache-fcgi-no-connection',
    server: 'apache',
    match: /AH01079: failed to make connection to backend: \S+/,
    status: '503',
    statuses: ['503', '200'],
    meaning: 'mod_proxy_fcgi could not connect to the FastCGI backend (PHP-FPM): the AH00957 line before it (a TCP address), or AH02454 (a Unix domain socket), says why.',
    directives: ['ProxyTimeout', 'Timeout'],
    rules: ['no-connectiontimeout', 'unix-socket-target-syntax', 'sethandler-unix-socket-syntax'],
  },
  {
    id: 'apache-no-connection',
    server: 'apache',
    // mod_proxy_wstunnel writes its own (AH02452, no scheme) when it handles ws:// itself
    // (ProxyWebsocketFallbackToProxyHttp Off): the same 503 after the AH00957 (httpd 2.4.68).
    match: /AH01114: \S+: failed to make connection to backend: \S+|AH02452: failed to make connection to backend: \S+/,
    status: '503',
    statuses: ['503', '200'],
    meaning: 'the connection to the backend failed (see the AH00957 line before it for why).',
    directives: ['ProxyTimeout', 'Timeout'],
    rules: ['no-connectiontimeout', 'backend-dns-cached-per-child'],
  },
  // The other modules' "failed to make connection to backend", after the AH00957 of the connect (2.4.71, 503 each:
  // test/servers/explain-apache-no-connection-schemes.test.ts). AH00896 names the host, AH00866 and AH10101 host:port.
  ...(['ajp:AH00896:mod_proxy_ajp:AJP (Tomcat\'s AJP connector)', 'scgi:AH00866:mod_proxy_scgi:SCGI', 'uwsgi:AH10101:mod_proxy_uwsgi:uwsgi'] as const).map((x) => {
    const [scheme, code, module, what] = x.split(':');
    return {
      id: `apache-${scheme}-no-connection`,
      server: 'apache' as const,
      match: new RegExp(`${code}: failed to make connection to backend: \\S+`),
      status: '503',
      statuses: ['503', '200'],
      meaning: `${module} could not connect to the ${what} backend: the AH00957 line before it says why (refused, timed out, unreachable).`,
      directives: ['ProxyTimeout', 'Timeout'],
      rules: ['no-connectiontimeout'],
    };
  }),
  {
    id: 'apache-worker-disabled',
    server: 'apache',
    match: /AH00959: ap_proxy_connect_backend disabling worker for \([^)]*\) for \d+s/,
    status: '503',
    statuses: ['503', '200'],
    meaning: 'after a failed connect httpd takes the worker out of service for retry= seconds (60 by default); requests to it meanwhile get 503 unless a balancer has another member.',
    directives: [],
    rules: ['worker-retry-extremes', 'balancer-single-member'],
  },
  {
    id: 'apache-worker-in-error',
    server: 'apache',
    match: /AH00940: \S+: disabled connection for \(\S*\)/,
    status: '503',
    statuses: ['503'],
    meaning:
      'httpd did not try the backend at all: the worker is in error state after an earlier failed connect (for retry= seconds, 60 by default), or disabled or stopped (status=+D or +S, or in the balancer-manager). On 2.4.71 a ProxyPass worker outside a balancer went into error state only with status=-I; without it every request tried the backend again.',
    directives: [],
    rules: ['worker-retry-extremes', 'balancer-single-member'],
  },
  {
    id: 'apache-no-workers',
    server: 'apache',
    match: /AH01171: balancer:\/\/\S+: No workers in balancer/,
    status: '503',
    statuses: ['503'],
    meaning: 'the balancer has no members (none defined for it, or a typo in its name), so every request to it fails.',
    directives: [],
    rules: ['undefined-balancer'],
  },
  {
    id: 'apache-read-timeout',
    server: 'apache',
    match: /\(70007\)The timeout specified has expired: (?:\[client [^\]]*\] )?AH01102: error reading status line from remote server/,
    status: '502',
    // 503 when httpd was waiting for "100 Continue" (see APACHE_CONTINUE_NO_ANSWER): the AH00898 after it tells.
    statuses: ['502', '503'],
    otherwise: 'unless httpd sent the request with "Expect: 100-continue" and was waiting for "100 Continue" (a request body with ping= on the worker, or a client that asked for it): then 503, and the AH00898 line after it says "Timeout on 100-Continue"',
    meaning: 'the backend accepted the request but sent no status line within the backend timeout (timeout= on the worker, else ProxyTimeout, else Timeout). mod_proxy_http answers 502 for it, not 504.',
    directives: ['ProxyTimeout', 'Timeout'],
    rules: ['proxy-timeout-too-low', 'proxytimeout-inherits-timeout', 'apache-timeout-not-below-outer-timeout'],
  },
  {
    id: 'apache-closed-by-backend',
    server: 'apache',
    // The error in front says how: "(20014)Internal error (specific information not available)" or "(104)Connection
    // reset by peer" (a timeout, "(70007)", is the pattern above; "mod_proxy_http.c(1315): " at LogLevel debug is no error).
    match: /\((?!70007\))\d+\)[^:]*: (?:\[client [^\]]*\] )?AH01102: error reading status line from remote server/,
    status: '502',
    // No response at all when the request was not the first on the client's keep-alive connection
    // (test/servers/apache-hover-doubts.test.ts).
    statuses: ['502', 'no-response'],
    otherwise: 'on the first request of a client connection; a later request on a kept-alive client connection gets no answer at all',
    meaning: 'the backend closed the connection without answering: a crash, or a pooled keep-alive connection the backend had just closed (the race ttl= below the backend\'s keep-alive timeout avoids), or, on every request, a backend that wanted something else first: a PROXY protocol header (an nginx listen with proxy_protocol logs "broken header" at the same moment), or TLS (http:// to a port that speaks only HTTPS). The first request on a client connection gets 502; a later one on a keep-alive client connection gets no answer, httpd closes that connection (no AH00898 line follows then).',
    directives: [],
    rules: ['pooled-connection-outlives-backend-keepalive'],
  },
  {
    // With the default ErrorLogFormat every AH01102 has the error in front (%E): a line without one comes from a format
    // that leaves %E out, and then a timeout and a closed connection log the same words.
    id: 'apache-status-line-unknown-cause',
    server: 'apache',
    match: /AH01102: error reading status line from remote server/,
    status: '502',
    statuses: ['502', '503', 'no-response'],
    otherwise: 'in most cases; 503 when httpd was waiting for "100 Continue" (an AH00898 "Timeout on 100-Continue" follows), and no answer at all for a closed connection on a later request of a kept-alive client connection',
    meaning: 'httpd could not read the backend\'s status line, and the line does not say why: the error httpd writes in front of AH01102 ("(70007)The timeout specified has expired" for a backend that sent nothing within timeout=, else ProxyTimeout, else Timeout; "(20014)Internal error" or "(104)Connection reset by peer" for one that closed the connection) is missing, because this ErrorLogFormat leaves out %E. Time the request (the backend timeout in force, or much less) or add "%E: " to ErrorLogFormat before %M to tell the two apart.',
    directives: ['ProxyTimeout', 'Timeout', 'ErrorLogFormat'],
    rules: ['proxy-timeout-too-low', 'proxytimeout-inherits-timeout', 'pooled-connection-outlives-backend-keepalive'],
  },
  {
    id: 'apache-fcgi-timeout',
    server: 'apache',
    match: /AH01075: Error dispatching request to \S*: \(polling\)/,
    status: '504',
    statuses: ['504'],
    meaning: 'the FastCGI backend (PHP-FPM) did not answer within the backend timeout. ":port" after "request to" is not the backend: it is the port the request came to httpd on (the Host header\'s, else the one the client connected to; empty for the scheme\'s default port).',
    directives: ['ProxyTimeout', 'Timeout'],
    rules: ['proxy-timeout-too-low', 'proxytimeout-inherits-timeout'],
  },
  // A FastCGI backend that closes the connection without answering (on 2.4.71: AH01067, then AH01075 with (70014)).
  {
    id: 'apache-fcgi-no-header',
    server: 'apache',
    match: /AH01067: Failed to read FastCGI header/,
    status: '503',
    statuses: ['503'],
    meaning: 'the FastCGI backend (PHP-FPM) closed the connection, or sent something that is no FastCGI record, before the header of its answer: a crashed or restarted worker, a backend that closes idle or reused connections, or a port that does not speak FastCGI (httpd\'s own HTTP port answers only when it gives up on the request, after mod_reqtimeout\'s 20 s). httpd answers 503; the AH01075 line after it ends the request.',
    directives: [],
    rules: ['pooled-connection-outlives-backend-keepalive', 'backend-is-own-listener-wrong-scheme'],
  },
  // mod_proxy_fcgi could not send the request (fcgi_do_request: AH01073 for FCGI_BEGIN_REQUEST, AH01074 for the
  // environment; HTTP_SERVICE_UNAVAILABLE). On 2.4.71, "(32)Broken pipe: … AH01074: Failed writing Environment to :"
  // and 503 for a request on a pooled (enablereuse=on) connection the backend had closed
  // (test/servers/explain-apache-oncall.test.ts).
  {
    id: 'apache-fcgi-send-failed',
    server: 'apache',
    match: /AH0107[34]: Failed [Ww]riting (?:Environment|Request) to \S*:/,
    status: '503',
    statuses: ['503'],
    meaning: 'mod_proxy_fcgi could not send the request to the FastCGI backend (PHP-FPM): the connection was already closed, most often a pooled one (enablereuse=on) the backend had closed while it was idle ((32)Broken pipe), or the backend went away. httpd answers 503 without retrying. ":port" after "to" is not the backend: it is the port the request came to httpd on (the Host header\'s, else the one the client connected to; empty for the scheme\'s default port).',
    directives: [],
    rules: ['pooled-connection-outlives-backend-keepalive'],
  },
  {
    id: 'apache-fcgi-dispatch-failed',
    server: 'apache',
    match: /AH01075: Error dispatching request to \S*:(?! ?\(polling\))/,
    status: '503',
    statuses: ['503'],
    meaning: 'mod_proxy_fcgi gave the request up: the error before AH01075 says why ((70014)End of file found or (104)Connection reset by peer: the backend closed the connection; the AH01067 line before it: no FastCGI header came). ":port" after "request to" is not the backend: it is the port the request came to httpd on (the Host header\'s, else the one the client connected to; empty for the scheme\'s default port).',
    directives: [],
    rules: ['pooled-connection-outlives-backend-keepalive'],
  },
  {
    id: 'apache-body-error',
    server: 'apache',
    match: /AH01110: error reading response/,
    status: 'response cut short (200 already sent)',
    statuses: ['200 truncated', '200'],
    meaning: 'the backend stalled or closed in the middle of the response body; the client gets a truncated response.',
    directives: ['ProxyTimeout', 'Timeout'],
    rules: ['proxy-timeout-too-low'],
  },
  {
    id: 'apache-big-header',
    server: 'apache',
    match: /AH10124: header size is over the limit allowed by ResponseFieldSize \(\d+ bytes\)/,
    status: '502',
    statuses: ['502'],
    meaning: 'a response header line is longer than responsefieldsize= (8192 bytes by default).',
    directives: [],
    rules: ['response-field-size-too-small'],
  },
  {
    id: 'apache-bad-header',
    server: 'apache',
    match: /AH01106: bad HTTP\/1\.1 header returned by \S+/,
    status: '502',
    statuses: ['502'],
    meaning: 'the backend sent a header line httpd cannot parse (no colon, or over the size limit when AH10124 comes first); ProxyBadHeader decides, and its default IsError answers 502.',
    directives: ['ProxyBadHeader'],
    rules: ['response-field-size-too-small'],
  },
  {
    id: 'apache-dns-failure',
    server: 'apache',
    match: /AH00898: DNS lookup failure for: \S+ returned by \S+/,
    status: '500',
    statuses: ['500'],
    meaning: 'the backend host name does not resolve; httpd starts anyway and every request to it fails. A name that still reads ${name} is a variable no Define above the line set (httpd warned AH00111 at start-up).',
    directives: [],
    rules: ['backend-dns-cached-per-child', 'undefined-variable-in-backend-url'],
  },
  {
    id: 'apache-no-handler',
    server: 'apache',
    match: /AH01144: No protocol handler was valid for the URL/,
    status: '500',
    statuses: ['500'],
    meaning: 'the backend URL\'s scheme (fcgi://, ws://, h2://, …) needs a proxy module that is not loaded.',
    directives: [],
    rules: ['proxy-scheme-module-missing'],
  },
  // mod_rewrite's own line when a [P] rule fires without mod_proxy loaded (httpd 2.4.68:
  // test/servers/explain-apache-rewrite.test.ts); it names the target as "proxy:" and the URL.
  {
    id: 'apache-rewrite-without-proxy',
    server: 'apache',
    match: /AH00669: attempt to make remote request from mod_rewrite without proxy enabled/,
    status: '403',
    statuses: ['403'],
    meaning: 'a RewriteRule with the [P] flag matched, but mod_proxy is not loaded, so mod_rewrite refused to proxy the request and httpd answered 403.',
    directives: [],
    rules: ['proxy-scheme-module-missing'],
  },
  {
    // mod_ssl's own line for a failed handshake with a backend, at level info only (httpd 2.4.71): its "502" is not
    // what the client got (test/servers/explain-apache-http2-backend.test.ts: https:// 500, h2:// 503).
    id: 'apache-tls-handshake-info',
    server: 'apache',
    match: /AH01997: SSL handshake failed: sending 502/,
    ...HTTPD_BACKEND_TLS_STATUS,
    meaning:
      'mod_ssl could not complete the TLS handshake with the backend, and says so at level info; the "sending 502" in the line is mod_ssl\'s own word, not the status the client got. The info lines just before it say why: AH02003 "SSL Proxy connect failed" with "SSL Library Error: … wrong version number" for a port that does not speak TLS, AH10273 for a backend without HTTP/2 (h2://), a certificate check (AH02039, AH02411, AH02005), or an alert from the backend (a client certificate or SNI it wanted).',
    ...HTTPD_BACKEND_TLS_CHECKS,
  },
  {
    // mod_ssl's info line for a handshake with a backend that failed in OpenSSL (httpd 2.4.71, OpenSSL 3); the "SSL
    // Library Error" line right after it says why. https:// and wss:// to a plain-HTTP port: 500 with AH00898 after
    // it; h2:// there: 503 and nothing at warn (test/servers/explain-apache-tls-plain-port.test.ts).
    id: 'apache-tls-connect-failed',
    server: 'apache',
    match: /AH02003: SSL Proxy connect failed/,
    ...HTTPD_BACKEND_TLS_STATUS,
    meaning:
      'mod_ssl\'s TLS handshake with the backend failed inside OpenSSL, and mod_ssl says so at level info. The "SSL Library Error" line right after it gives OpenSSL\'s reason: "wrong version number" for a port that does not speak TLS, "certificate verify failed" for a certificate SSLProxyVerify rejects, an alert number for something the backend refused (a client certificate, the name sent as SNI).',
    ...HTTPD_BACKEND_TLS_CHECKS,
  },
  {
    // The reason line after AH02003 when the backend answered in plain HTTP (httpd 2.4.71 with OpenSSL 3: the line
    // has no [remote …]; OpenSSL 1.1 writes "ssl3_get_record:wrong version number").
    id: 'apache-tls-wrong-version',
    server: 'apache',
    match: /SSL Library Error: error:[0-9A-Fa-f]+:SSL routines:[^:]*:wrong version number/,
    ...HTTPD_BACKEND_TLS_STATUS,
    meaning:
      'httpd spoke TLS to a backend port that does not speak TLS: what came back was no TLS record but plain HTTP (an "HTTP/1.1 400 Bad Request" from a server that read the TLS greeting as a bad request). The backend URL says https://, wss:// or h2:// for a port that serves plain HTTP: write http:// (ws://, h2c://) there, or the port where the backend speaks TLS. Every request to that backend fails at once, the same way; no certificate or SNI setting changes that.',
    directives: [],
    rules: ['backend-is-own-listener-wrong-scheme'],
  },
  {
    // httpd 2.4.71, h2:// to a TLS backend that speaks HTTP/1.x only: mod_proxy_http2 tries again, gives up and
    // answers 503, and nothing is logged at warn (test/servers/explain-apache-http2-backend.test.ts).
    id: 'apache-h2-no-alpn',
    server: 'apache',
    match: /AH10273: SSL Proxy: Peer did not select any of our ALPN protocols \[h2\]/,
    status: '503',
    statuses: ['503'],
    meaning:
      'an h2:// backend (mod_proxy_http2) accepted TLS but does not speak HTTP/2 over it: it offered no "h2" in ALPN, so httpd dropped the handshake, and after trying again answered 503. httpd logs this at level info only (ssl:info), so at the default level warn the 503 comes with an empty error log. If the backend speaks HTTP/1.1 over TLS, pass to it with https:// (mod_proxy_http); else enable HTTP/2 on the backend.',
    directives: [],
    rules: [],
  },
  {
    id: 'apache-tls-handshake',
    server: 'apache',
    match: /AH00898: Error during SSL Handshake with remote server returned by \S+/,
    status: '500',
    statuses: ['500'],
    meaning: 'the TLS handshake with the backend failed; most often the certificate does not match the name httpd checks (SSLProxyCheckPeerName is on by default; for a backend URL with an IP address the certificate must list that address, and with ProxyPreserveHost On the name checked is the client\'s Host) or cannot be verified (SSLProxyVerify require or optional needs SSLProxyCACertificateFile: httpd does not use the system\'s CAs); or the backend port does not speak TLS at all (https:// to an HTTP port, 500 at once); or the backend needs SNI (one TLS address for several names: an ingress, a CDN, nginx with ssl_reject_handshake) and got none or one it does not serve: httpd sends the URL\'s host name (the client\'s Host with ProxyPreserveHost On), and none for an IP address.',
    ...HTTPD_BACKEND_TLS_CHECKS,
  },
  // Before apache-pass-body-failed: with (70007) the same AH01084 line is a timeout, and the client got 504
  // (test/servers/apache-body-timeouts.test.ts).
  {
    id: 'apache-pass-body-timeout',
    server: 'apache',
    match: /\(70007\)The timeout specified has expired: (?:\[client [^\]]*\] )?AH01084: pass request body failed to \S+/,
    status: '504',
    statuses: ['504'],
    meaning: 'the backend timeout (timeout= on the worker, else ProxyTimeout, else Timeout) ran out while httpd was still sending the request body: the backend stopped reading it. Only a body bigger than the socket buffers gets this far; a smaller one ends in 502 (AH01102) instead.',
    directives: ['ProxyTimeout', 'Timeout'],
    rules: ['proxy-timeout-too-low', 'proxytimeout-inherits-timeout'],
  },
  // The client's side of a body that does not move: mod_reqtimeout answers 408, and mod_proxy logs a (70007) that
  // names the backend (test/servers/apache-body-timeouts.test.ts).
  {
    id: 'apache-client-body-timeout',
    server: 'apache',
    match: /\(70007\)The timeout specified has expired: (?:\[client [^\]]*\] )?AH0(?:1095: prefetch|2608: read) request body failed to \S+/,
    status: '408',
    statuses: ['408'],
    meaning: 'the client stopped sending its request body and RequestReadTimeout (body=, 20 s by default) ended the request with 408. The backend named here did nothing wrong; at LogLevel reqtimeout:info AH01382 says so.',
    directives: ['RequestReadTimeout'],
    rules: [],
  },
  {
    id: 'apache-reqtimeout-body',
    server: 'apache',
    match: /AH01382: Request body read timeout/,
    status: '408',
    statuses: ['408'],
    meaning: 'the client sent its request body too slowly (RequestReadTimeout body=, by default 20 s and at least 500 bytes/s), so httpd answered 408.',
    directives: ['RequestReadTimeout'],
    rules: [],
  },
  {
    id: 'apache-pass-body-failed',
    server: 'apache',
    match: /AH01(?:084|097): pass request body failed to \S+/,
    status: '500, 502, 504 or 408',
    statuses: ['500', '502', '504', '408'],
    meaning: 'httpd could not move the request body to the backend; the line before it says why: a failed TLS handshake gives 500, a backend that closed the connection 502, (70007) on AH01084 a backend that stopped reading (504), and AH02608 a client that stopped sending (408).',
    directives: [],
    rules: ['tls-backend-ip-name-check', 'pooled-connection-outlives-backend-keepalive'],
  },
  {
    id: 'apache-no-ssl',
    server: 'apache',
    match: /AH0(?:0961: https?:|1961: ) ?failed to enable ssl support/i,
    status: '500',
    statuses: ['500'],
    meaning: 'the backend is reached over TLS but SSLProxyEngine is off for this virtual host.',
    directives: ['SSLProxyEngine'],
    rules: ['https-backend-without-sslproxyengine'],
  },
  {
    id: 'apache-acquire-failed',
    server: 'apache',
    match: /AH00941: \S+: failed to acquire connection for \(\S*\)/,
    status: '503',
    // A balancer goes on to its next member after it (2.4.71: test/servers/explain-apache-tried.test.ts).
    statuses: ['503', '200'],
    meaning: 'every pooled connection to the backend (max= per child process) was busy for longer than acquire= allows, so httpd gave the backend up without sending the request to it: a ProxyPass worker answers 503, a balancer goes on to its next member (on 2.4.71 a member with a free connection then served the request; two busy members logged AH00941 each, acquire= apart, and the client got 503). Without acquire= the request would have waited for a free connection.',
    directives: [],
    rules: [],
  },
  {
    id: 'apache-route-in-error',
    server: 'apache',
    match: /AH01167: \S+: All workers are in error state for route \(\S*\)/,
    status: '503',
    statuses: ['503'],
    meaning: 'the request\'s sticky session names a member that is in error state, and nofailover=On forbids moving it to another member, so it gets 503 until that member is back (retry=).',
    directives: [],
    rules: ['worker-retry-extremes'],
  },
  {
    id: 'apache-all-in-error',
    server: 'apache',
    match: /AH01170: \S+: All workers are in error state/,
    status: '503',
    statuses: ['503'],
    meaning:
      'no member of the balancer is usable: each is disabled or stopped, was disabled by its health check (AH03303, logged at LogLevel proxy_hcheck:info only), or, with forcerecovery=Off on the balancer, is in error state after a failed connect (retry=, 60 s by default) or a failonstatus=/failontimeout= hit. With forcerecovery On (the default), httpd tries members in error state again when all are, instead of answering 503 at once.',
    directives: [],
    rules: ['balancer-no-usable-member', 'forcerecovery-off-prolongs-outage', 'balancer-single-member', 'worker-retry-extremes', 'balancer-member-without-health-check'],
  },
  // After the member's answer went to the client (proxy_balancer_post_request): the request itself is not retried.
  {
    id: 'apache-failonstatus',
    server: 'apache',
    match: /AH01174: \S+: Forcing worker \(\S+\) into error state due to status code \d{3} matching 'failonstatus'/,
    status: 'the status the line names',
    statuses: ['500', '501', '502', '503', '504', '505'],
    statusInLine: /due to status code (\d{3}) matching/,
    meaning: 'the member answered with a status listed in the balancer\'s failonstatus=, so httpd put it in error state for its retry= time (60 s by default) and sends the next requests to other members. The answer itself went to the client unchanged: this request is not retried on another member.',
    directives: [],
    rules: ['balancer-without-failonstatus', 'worker-retry-extremes'],
  },
  {
    id: 'apache-failontimeout',
    server: 'apache',
    match: /AH02460: \S+: Forcing worker \(\S+\) into error state due to timeout and 'failontimeout' parameter being set/,
    status: '502',
    statuses: ['502'],
    meaning: 'the member timed out (the AH01102 and AH00898 lines before it for the same request are that timeout, and the client got its 502), and the balancer has failontimeout=On, so httpd put the member in error state for its retry= time (60 s by default) and sends the next requests to other members. This request is not retried on another member. Only mod_proxy_http\'s timeouts count: on 2.4.71 an fcgi:// member that timed out (504) was not taken out and logged no AH02460.',
    directives: ['ProxyTimeout', 'Timeout'],
    rules: ['balancer-without-failonstatus', 'proxy-timeout-too-low', 'worker-retry-extremes'],
  },
  {
    id: 'apache-tls-cert-check',
    server: 'apache',
    match: /AH0(?:2039: Certificate Verification: Error|2004: SSL Proxy: Peer certificate is expired|2411: SSL Proxy: Peer certificate does not match for hostname|2005: SSL Proxy: Peer certificate CN mismatch)/,
    status: '500',
    statuses: ['500'],
    meaning: 'the TLS backend\'s certificate failed one of mod_ssl\'s checks (chain, expiry, name), so the handshake was aborted and the client got 500 (AH00898 \'Error during SSL Handshake with remote server\' follows).',
    directives: ['SSLProxyVerify', 'SSLProxyCACertificateFile', 'SSLProxyCheckPeerName', 'SSLProxyCheckPeerCN', 'SSLProxyCheckPeerExpire', 'ProxyPreserveHost'],
    rules: ['tls-backend-ip-name-check', 'tls-backend-checked-against-client-host', 'sslproxyverify-without-ca'],
  },
  {
    id: 'apache-bad-header-tolerated',
    server: 'apache',
    match: /AH01(?:100: Ignoring bogus HTTP header|098: Starting body due to bogus non-header in headers) returned by \S+/,
    status: '200',
    statuses: ['200'],
    meaning: 'the backend sent a header line without a colon and ProxyBadHeader let the response through: Ignore dropped the line, StartBody made what follows it the body (and lost the line itself).',
    directives: ['ProxyBadHeader'],
    rules: [],
  },
  {
    id: 'apache-100-continue-timeout',
    server: 'apache',
    match: /AH00898: Timeout on 100-Continue returned by \S+/,
    status: '503',
    statuses: ['503'],
    meaning: 'httpd sent the request head with "Expect: 100-continue" (the client asked for it, as curl does for a POST, or the worker has ping=) and kept the body back; the backend sent neither "100 Continue" nor an answer within ping= (when set) or the worker\'s timeout, so httpd answered 503 without sending the body. A backend that never sends 100 Continue and waits for the body fails every such request this way; the AH01102 line before it is the timeout itself.',
    directives: ['ProxyTimeout', 'Timeout'],
    rules: ['proxy-timeout-too-low'],
  },
  {
    id: 'apache-read-error',
    server: 'apache',
    match: /AH00898: Error reading from remote server returned by \S+/,
    status: '502',
    statuses: ['502'],
    meaning: 'reading the backend\'s answer failed; the AH01102 line before it says whether it timed out ((70007)) or the backend closed the connection.',
    directives: ['ProxyTimeout', 'Timeout'],
    rules: ['proxy-timeout-too-low', 'pooled-connection-outlives-backend-keepalive'],
  },
  // ---- Apache httpd: a configuration it refused (`apache2 -t`, apachectl configtest, a failed reload or start).
  // httpd 2.4.71 prints "AH00526: Syntax error on line N of FILE:" and the reason on the next line (explainLog joins
  // the two); a LoadModule refused while an Include is read gives one line, "apache2: Syntax error on line N of FILE:
  // …". The words are the ones `apache2 -t` printed (test/servers/explain-apache-startup.test.ts, and the fixtures of
  // test/unit/explain-apache-startup-lines.test.ts). The .htaccess lines come first: they hold the same reasons.
  {
    id: 'apache-htaccess-invalid-command',
    server: 'apache',
    match: /\[core:alert\] .*: Invalid command '[^']*', perhaps misspelled or defined by a module not included/,
    status: '500',
    statuses: ['500'],
    meaning:
      'httpd reads an .htaccess file for each request it applies to, and this one holds a directive httpd does not know: a misspelling, one httpd 2.4 removed (RewriteLog, RewriteLogLevel), or one of a module that is not loaded. Every request under that folder gets 500 until the line is fixed or removed; the server itself runs on, and `apache2 -t` does not read .htaccess files, so it passes.',
    directives: ['AllowOverride'],
    rules: ['apache-unknown-directive', 'apache-module-not-loaded', 'trunk-only-directive'],
    inConfig: true,
  },
  {
    id: 'apache-htaccess-not-allowed',
    server: 'apache',
    match: /\[core:alert\] .*: (?:\S+ not allowed here|\S+ cannot occur within htaccess files)/,
    status: '500',
    statuses: ['500'],
    meaning:
      'the .htaccess file holds a directive httpd takes only in the server configuration (ProxyPass, ProxyTimeout, BalancerMember, a <Proxy> or <VirtualHost> section, Timeout): httpd stops reading the file at that line and answers 500 to every request under the folder. The line names only the first such directive; the server keeps running.',
    directives: ['AllowOverride'],
    rules: ['htaccess-directive-not-allowed'],
    inConfig: true,
  },
  {
    id: 'apache-htaccess-error',
    server: 'apache',
    match: /\[core:alert\] .*?\] \/\S*?: \S/,
    status: '500',
    statuses: ['500'],
    meaning:
      'httpd could not read a line of this .htaccess file (the path the line names): a value its directive does not take, or words after it, such as a "# comment" at the end of the line, which httpd reads as more arguments. Every request under that folder gets 500 until it is fixed; the server keeps running.',
    directives: ['AllowOverride'],
    rules: ['invalid-directive-arguments', 'inline-comment-is-argument'],
    inConfig: true,
  },
  {
    // httpd escapes the bytes it does not know at the start of a name: a UTF-8 BOM (\xef\xbb\xbf) or UTF-16 (\xff\xfe).
    id: 'apache-startup-file-encoding',
    server: 'apache',
    match: /Invalid command '\\x(?:ef\\xbb\\xbf|ff\\xfe|fe\\xff)/,
    status: HTTPD_REFUSED,
    statuses: ['startup-failure'],
    meaning:
      'the file does not start with plain text: it begins with a UTF-8 byte order mark (\\xef\\xbb\\xbf, which some Windows editors write) or is saved as UTF-16 (\\xff\\xfe), and httpd reads those bytes as part of the first directive\'s name. Save the file as UTF-8 without a BOM.',
    directives: [],
    rules: ['utf8-bom-at-file-start', 'utf16-encoded-file'],
    inConfig: true,
  },
  {
    id: 'apache-startup-include',
    server: 'apache',
    match: /Could not open configuration file \S+: |Include\/IncludeOptional: (?:Could not open directory|No matches for the wildcard)/,
    status: HTTPD_REFUSED,
    statuses: ['startup-failure'],
    meaning:
      'an Include names a file that does not exist (or cannot be read), a folder that does not exist, or a wildcard that matches nothing. A relative path is taken from ServerRoot, not from the folder of the file that holds the Include; IncludeOptional accepts a path that matches nothing.',
    directives: [],
    rules: ['include-not-found', 'include-unreadable'],
    inConfig: true,
  },
  {
    id: 'apache-startup-include-cycle',
    server: 'apache',
    // httpd cuts the message at 8 KiB (2.4.71: 8,191 bytes), before the reason unless the paths are short: the same
    // place named again and again is the sign.
    match: /Exceeded maximum include depth of \d+|(Syntax error on line \d+ of [^:]+: )\1\1\1/,
    status: HTTPD_REFUSED,
    statuses: ['startup-failure'],
    meaning:
      'the Include lines lead back to a file already being read (a file that includes itself, or a wildcard that matches the file holding it), so httpd gives up after 128 levels ("Exceeded maximum include depth"). The line names the place once per level, and httpd cuts it at 8 KiB, often before the reason.',
    directives: [],
    rules: ['include-cycle'],
    inConfig: true,
  },
  {
    id: 'apache-startup-section',
    server: 'apache',
    match: /<\w+> was not closed\.|Expected <\/\w+> but saw <\/\w+>|<\w+> directive missing closing '>'|<\/\w+> without matching <\w+> section/,
    status: HTTPD_REFUSED,
    statuses: ['startup-failure'],
    meaning:
      'the sections do not nest: one is opened and never closed, closed by the tag of another (an inner <Location> left open before </VirtualHost>), or its opening line lacks the ">" at its end.',
    directives: [],
    rules: ['syntax-error'],
    inConfig: true,
  },
  {
    id: 'apache-startup-invalid-command',
    server: 'apache',
    match: /Invalid command '[^']*', perhaps misspelled or defined by a module not included/,
    status: HTTPD_REFUSED,
    statuses: ['startup-failure'],
    meaning:
      'httpd does not know the directive on that line: a misspelling (ProxyTimout), one httpd 2.4 removed (RewriteLog, SSLMutex), one only httpd\'s development trunk has (ProxyWebsocketIdleTimeout), or one of a module that is not loaded where the line stands (SSLProxyEngine without mod_ssl, RequestHeader without mod_headers).',
    directives: [],
    rules: ['apache-unknown-directive', 'apache-module-not-loaded', 'trunk-only-directive'],
    inConfig: true,
  },
  {
    id: 'apache-startup-module-built-in',
    server: 'apache',
    match: /module \w+ is built-in and can't be loaded/,
    status: HTTPD_REFUSED,
    statuses: ['startup-failure'],
    meaning:
      'a LoadModule names a module compiled into this httpd (so_module, version_module, logio_module on Debian): httpd refuses to load it a second time, whatever file the line gives. `apache2 -l` lists the built-in modules; drop the line.',
    directives: [],
    rules: ['loadmodule-built-in'],
    inConfig: true,
  },
  {
    id: 'apache-startup-not-allowed-in-section',
    server: 'apache',
    match: / (?:not allowed in <[^>]*> context|cannot occur within <[^>]*> section)/,
    status: HTTPD_REFUSED,
    statuses: ['startup-failure'],
    meaning:
      'the directive stands in a section where httpd does not take it: a server-wide setting (ProxyTimeout, Timeout, KeepAliveTimeout, SSLProxyEngine, ProxyRequests) inside <Location>, <Proxy> or <If>, or ProxyPass inside <Directory> or <Files>. Move it to the virtual host or the server level.',
    directives: [],
    rules: ['directive-not-allowed-in-section'],
    inConfig: true,
  },
  {
    id: 'apache-startup-proxyset-not-found',
    server: 'apache',
    match: /ProxySet can not find '[^']*' (?:Worker|Balancer)/,
    status: HTTPD_REFUSED,
    statuses: ['startup-failure'],
    meaning:
      'ProxySet names a backend URL or balancer that no earlier line defines: httpd looks it up when it reads the ProxySet line, so the ProxyPass or <Proxy balancer://…> that defines it must come first, in the same virtual host or the main server, with the URL written the same way (the path and the trailing "/" count).',
    directives: [],
    rules: ['proxyset-target-not-found'],
    inConfig: true,
  },
  {
    id: 'apache-startup-balancer-member',
    server: 'apache',
    match: /BalancerMember (?:must define balancer name when outside <Proxy > section|Bad syntax for a balancer name|must define remote proxy server)/,
    status: HTTPD_REFUSED,
    statuses: ['startup-failure'],
    meaning:
      'a BalancerMember is not inside a <Proxy "balancer://name"> section and does not name its balancer itself (BalancerMember balancer://name http://…), or it stands in a <Proxy> section for something that is not a balancer.',
    directives: [],
    rules: ['balancer-member-outside-balancer'],
    inConfig: true,
  },
  {
    id: 'apache-startup-proxypass-path',
    server: 'apache',
    match: /(?:ProxyPass\|ProxyPassMatch|ProxyPassReverse) (?:needs a path when not defined in a location|can not have a path when defined in a location)/,
    status: HTTPD_REFUSED,
    statuses: ['startup-failure'],
    meaning:
      'ProxyPass (or ProxyPassReverse) has the wrong number of words for where it stands: outside <Location> it takes a path and then the URL, inside <Location> only the URL (the location is the path).',
    directives: [],
    rules: ['proxypass-missing-argument', 'proxypass-path-in-location'],
    inConfig: true,
  },
  {
    id: 'apache-startup-backend-url',
    server: 'apache',
    match: /(?:ProxyPass(?:\|ProxyPassMatch)?|BalancerMember|ProxySet) (?:URL must be absolute!|Unable to parse URL|uses an invalid "unix:" URL)|<Proxy> arguments are not supported for non url/,
    status: HTTPD_REFUSED,
    statuses: ['startup-failure'],
    meaning:
      'the backend URL cannot be read: no scheme (127.0.0.1:8080/ or localhost:8081 instead of http://…), no host (http:///app), a unix: socket without the "|http://…" part after it, or a ProxySet in a <Proxy> section whose argument is no URL (*, a path, a regex). Inside <Location>, a ProxyPass with a path as well reads the path as the URL.',
    directives: [],
    rules: ['invalid-backend-url', 'unix-socket-target-syntax', 'proxyset-target-invalid', 'proxypass-path-in-location'],
    inConfig: true,
  },
  {
    id: 'apache-startup-worker-parameter',
    server: 'apache',
    match: /(?:ProxyPass|BalancerMember|ProxySet:?) unknown (?:Worker|Balancer)(?: hcheck)? parameter|Invalid ProxySet parameter|(?:ProxyPass|BalancerMember|ProxySet:) \w+(?: timeout)? (?:must be|has wrong format)/,
    status: HTTPD_REFUSED,
    statuses: ['startup-failure'],
    meaning:
      'a key=value parameter of the worker or balancer is unknown where it stands or has a value httpd does not take: a balancer parameter on a member (stickysession= on BalancerMember) or the other way round, a health-check parameter (hcmethod=, hcinterval=) without mod_proxy_hcheck loaded, a timeout below one second, a loadfactor outside 1-100.',
    directives: [],
    rules: ['invalid-worker-parameter', 'hcheck-params-without-module'],
    inConfig: true,
  },
  {
    id: 'apache-startup-parameter-form',
    server: 'apache',
    match: /Invalid ProxyPass\|ProxyPassMatch parameter\. Parameter must be in the form 'key=value'/,
    status: HTTPD_REFUSED,
    statuses: ['startup-failure'],
    meaning:
      'after the path and URL, ProxyPass takes only key=value parameters, and this line has another word there: a "# comment" at the end of the line (httpd has no end-of-line comments), a path written inside <Location>, or a parameter without its "=".',
    directives: [],
    rules: ['inline-comment-is-argument', 'proxypass-path-in-location', 'invalid-worker-parameter'],
    inConfig: true,
  },
  {
    id: 'apache-startup-arguments',
    server: 'apache',
    match: / takes [\w ,]+ arguments?, | requires at least one argument| must be On or Off| must be one of:| first parameter must be one of| requires a non-negative integer|: unknown option '|: bad flag delimiters|Argument for '[^']*' must be/,
    status: HTTPD_REFUSED,
    statuses: ['startup-failure'],
    meaning:
      'the directive has more or fewer words than it takes, or a value it does not accept (On or Off, one of a list, a number): often a "# comment" at the end of the line, which httpd reads as more arguments, or a value from another directive\'s syntax.',
    directives: [],
    rules: ['invalid-directive-arguments', 'inline-comment-is-argument', 'proxypass-missing-argument'],
    inConfig: true,
  },
  {
    // The place without a reason this table knows (or without the next line, which gives it).
    id: 'apache-startup-syntax-error',
    server: 'apache',
    match: /Syntax error on line \d+ of /,
    status: HTTPD_REFUSED,
    statuses: ['startup-failure'],
    meaning:
      'httpd stopped reading its configuration at that file and line; the words after it (the next line of `apache2 -t` or of the journal) say why. httpd reports only the first line it refuses: fix it and run `apache2 -t` again.',
    directives: [],
    rules: [],
    inConfig: true,
  },
];

/**
 * A (70007) AH01102 followed, in the same request, by "AH00898: Timeout on 100-Continue": httpd sent the request head
 * with "Expect: 100-continue" and no answer came within ping= (when set) or the backend timeout. On 2.4.71 the client
 * got 503 after 1 s with ping=1 (a small POST), and after 3 s with timeout=3 and no ping= (a 3 MB POST, for which the
 * client sent Expect itself): test/servers/apache-ping-100-continue.test.ts. Not matched on its own (see explainLog).
 */
export const APACHE_CONTINUE_NO_ANSWER: LogPattern = {
  id: 'apache-100-continue-no-answer',
  server: 'apache',
  match: /(?!)/,
  status: '503',
  statuses: ['503'],
  meaning:
    'httpd sent the request head with "Expect: 100-continue" and held the body back, and the backend sent neither "100 Continue" nor an answer in time: within ping= when the worker sets it, else within the backend timeout (timeout=, else ProxyTimeout, else Timeout). The AH00898 "Timeout on 100-Continue" line after it says so, and the client got 503, not the 502 of an ordinary read timeout.',
  directives: ['ProxyTimeout', 'Timeout'],
  rules: ['proxy-timeout-too-low'],
};

/**
 * AH00898 "Error during SSL Handshake" in a request whose mod_ssl lines say the backend answered in plain HTTP
 * (apache-tls-wrong-version): the cause is known, so the meaning says it and no certificate or SNI advice follows.
 * httpd 2.4.71: https:// and wss:// to a plain-HTTP port got 500 (test/servers/explain-apache-tls-plain-port.test.ts).
 * Not matched on its own (see explainLog).
 */
export const APACHE_TLS_TO_PLAIN_PORT: LogPattern = {
  id: 'apache-tls-to-plain-port',
  server: 'apache',
  match: /(?!)/,
  status: '500',
  statuses: ['500'],
  meaning:
    'the TLS handshake with the backend failed because the backend port does not speak TLS: the "wrong version number" line of the same request says plain HTTP came back. The backend URL says https:// (or wss://) for a plain-HTTP port: write http:// (ws://) there, or the port where the backend speaks TLS. mod_proxy_http answers 500 for it, at once, for every request to that backend.',
  directives: [],
  rules: ['backend-is-own-listener-wrong-scheme'],
};

/**
 * The status as a sentence: when the line can come before a retry, what the client got depends on the next try, which
 * the line cannot tell (the lines after it for the same request can: nginx numbers connections `*N`). `balancer`:
 * whether the Apache backend the line was placed at is a balancer member (false: a plain ProxyPass worker, which
 * has no other member to try, so the status is sure); undefined when the line was not placed.
 */
export function statusText(p: LogPattern, balancer?: boolean): string {
  if (p.otherwise) return `${p.status} ${p.otherwise}`;
  const others = p.statuses.filter((s) => s !== p.status && !p.status.startsWith(s));
  if (others.length === 0 || !/^\d{3}$/.test(p.status)) return p.status;
  if (p.server === 'nginx') return `${p.status}, if no other server of the group was tried after it (the next lines with the same *connection number tell)`;
  return balancer === false ? p.status : `${p.status}, unless the balancer then tried another member`;
}

/**
 * statusText for one explained line: a subrequest's failure is not what the client got. For auth_request nginx turns
 * any answer but 2xx/401/403 into 500 for the client (checked on nginx 1.22.1, see NGX_LOG.authUnexpected).
 */
export function explainedStatus(e: LogExplanation, balancer?: boolean): string {
  if (!e.fields.subrequest || e.pattern.server !== 'nginx' || !/^\d{3}/.test(e.pattern.status)) return statusText(e.pattern, balancer);
  return `${e.pattern.status} for the subrequest ${e.fields.subrequest}; when that is an auth_request, the client got 500 ("auth request unexpected status" follows)`;
}

/** What an error-log line says about the request, as far as the server wrote it down. */
export interface LogFields {
  client?: string;
  /** nginx: the server block's (first) server_name. */
  serverName?: string;
  method?: string;
  /** The request path without its query string. */
  path?: string;
  /** nginx: the upstream URL (scheme://address/uri); Apache: the backend address it names. */
  upstream?: string;
  host?: string;
  /** nginx: the subrequest (auth_request, SSI) the line is about, when it is not the client's request itself. */
  subrequest?: string;
  /** nginx module family, from the upstream URL's scheme. */
  family?: 'proxy' | 'fastcgi' | 'uwsgi' | 'scgi' | 'grpc' | 'memcached';
  /** nginx: a line of the stream module (TCP/UDP proxying: `server:` is the listen address, no request). */
  stream?: boolean;
  /**
   * nginx: a line written before any request was read (a listen with proxy_protocol that got no PROXY header): its
   * "server:" is the listen address:port.
   */
  beforeRequest?: boolean;
  /** nginx: the DNS server a resolver line names (`resolver: 127.0.0.1:53`). */
  resolver?: string;
  /** Apache: the balancer the line names (`balancer://name`, lower-case). */
  balancer?: string;
  /** Apache: the Unix domain socket a connect attempt names (AH02454), or that a later line of its request took from it. */
  socket?: string;
  /** Apache: the member the line names by its URL (AH01174, AH02460). */
  workerUrl?: string;
  /**
   * Apache: the port the request came to httpd on, as AH01075 writes it ("request to :8080:"; httpd's own port, from the
   * Host header or the connection, not the backend's).
   */
  serverPort?: string;
  /**
   * Apache: the configuration file a start-up line names (the innermost of httpd's nested "Syntax error on line N of
   * FILE:"), or the .htaccess file a request's `[core:alert]` line names; as the server wrote the path.
   */
  configFile?: string;
  /** Apache: the line of configFile, as httpd counts it (a directive continued with a backslash: its last line). */
  configLine?: number;
}

export interface LogExplanation {
  pattern: LogPattern;
  fields: LogFields;
  /** The pattern's directives with {f} filled in. */
  directives: string[];
}

const FAMILY_OF_SCHEME: Record<string, LogFields['family']> = {
  http: 'proxy', https: 'proxy', fastcgi: 'fastcgi', uwsgi: 'uwsgi', suwsgi: 'uwsgi', scgi: 'scgi', grpc: 'grpc', grpcs: 'grpc', memcached: 'memcached',
};

function quoted(line: string, key: string): string | undefined {
  const lead = `, ${key}: "`;
  const at = line.indexOf(lead);
  if (at < 0) return undefined;
  const start = at + lead.length;
  const end = line.indexOf('"', start);
  return end < 0 ? undefined : line.slice(start, end);
}

function plain(line: string, key: string): string | undefined {
  const m = new RegExp(`, ${key}: ([^,]*)`).exec(line);
  return m ? m[1].trim() : undefined;
}

/**
 * A backend as httpd names it in parentheses, as an address hostPort reads ("app.internal:8080", "[::1]:8080",
 * "app.internal"). httpd 2.4.71 writes the worker's host and port there ("%s:%d"), an IPv6 host without its brackets:
 * "(::1:8080)"; older releases wrote the host alone ("(app.internal)", "(::1)"). `port`, when the line gives it
 * elsewhere (AH00957's address), is the port to expect, or to add when the parentheses lack it.
 */
function namedBackend(named: string, port?: string): string {
  if (named.startsWith('[')) return named;
  let host = named;
  let p = port;
  const m = /^(.+):(\d+)$/.exec(named);
  // "::1" alone is no host ":" with port 1: a host never ends in a colon.
  if (m && !m[1].endsWith(':') && (!port || m[2] === port)) {
    host = m[1];
    p = m[2];
  }
  if (!p) return named;
  return `${host.includes(':') ? `[${host}]` : host}:${p}`;
}

/**
 * AH00957 names the address it tried, then the backend as the configuration writes it: "attempt to connect to
 * 127.0.0.1:8080 (app.internal:8080) failed", "attempt to connect to [::1]:8080 (::1:8080) failed" (httpd 2.4.71;
 * older releases put the host only in the parentheses: "(app.internal)"). The configured name is what the worker's
 * URL and the AH01114 line after it say, so it is taken, with the port of the address when the parentheses lack one.
 */
function attemptedBackend(line: string): string | undefined {
  const m = /attempt to connect to (\S+) \(([^)\s]+)\)/.exec(line);
  if (!m) return /attempt to connect to (\S+)/.exec(line)?.[1];
  const port = /:(\d+)$/.exec(m[1])?.[1];
  return port ? namedBackend(m[2], port) : m[1];
}

/**
 * The worker's backend that AH00959 (disabling worker), AH00940 (disabled connection) and AH00941 (failed to acquire
 * connection) name in parentheses: "AH00940: http: disabled connection for (127.0.0.1:36269)" on httpd 2.4.71.
 */
function workerBackend(line: string): string | undefined {
  const m = /(?:disabling worker|disabled connection|failed to acquire connection) for \(([^)\s]+)\)/.exec(line);
  return m ? namedBackend(m[1]) : undefined;
}

/**
 * AH01084 and AH01097 name the address they connected to, then the worker's host, as AH00957 does: "pass request body
 * failed to 127.0.0.1:19443 (localhost)" (httpd 2.4.71, ProxyPass to https://localhost:19443/): the host, with that port.
 */
function passBodyBackend(line: string): string | undefined {
  const m = /pass request body failed to (\S+)(?: \(([^)\s]+)\))?/.exec(line);
  if (!m) return undefined;
  const port = /:(\d+)$/.exec(m[1])?.[1];
  return m[2] && port ? namedBackend(m[2], port) : m[1];
}

/**
 * AH00961 names the address it connected to, then the worker's host: "AH00961: https: failed to enable ssl support
 * for 127.0.0.1:33811 (127.0.0.1)" (httpd 2.4.68, RewriteRule [P] and ProxyPass alike): the host, with that port.
 */
function sslBackend(line: string): string | undefined {
  const m = /AH00961: \S+: failed to enable ssl support for (\S+) \(([^)\s]+)\)/.exec(line);
  if (!m) return undefined;
  const port = /:(\d+)$/.exec(m[1])?.[1];
  return port ? namedBackend(m[2], port) : m[1];
}

/** AH00669's target, "… without proxy enabled: proxy:http://10.0.0.5:8080/x": its backend as the other lines name one. */
function rewriteTarget(line: string): string | undefined {
  const url = /without proxy enabled: proxy:(\S+)/.exec(line)?.[1];
  return url ? urlBackend(url) : undefined;
}

/** "http://127.0.0.1:8080/app" → "127.0.0.1:8080", as the other lines name a backend (the port only when written). */
function urlBackend(url: string): string | undefined {
  const m = /^[a-z][a-z0-9+.-]*:\/\/(\[[^\]]*\]|[^/:]+)(?::(\d+))?/i.exec(url);
  return m ? (m[2] ? `${m[1]}:${m[2]}` : m[1]) : undefined;
}

export function logFields(line: string, server: 'nginx' | 'apache'): LogFields {
  const fields: LogFields = {};
  if (server === 'nginx') {
    fields.client = plain(line, 'client');
    // A regex server_name may hold commas: the name runs to the next field nginx writes after it.
    // A stream line without `upstream:` (no resolver) goes on with its byte counts.
    const server = /, server: (.*?)(?=, (?:request|subrequest|upstream|host|referrer): |, bytes from\/to |$)/.exec(line);
    if (server) fields.serverName = server[1].trim();
    const request = quoted(line, 'request');
    if (request) {
      const [method, target] = request.split(' ');
      fields.method = method;
      if (target) fields.path = target.split('?')[0];
    }
    // An auth_request (or SSI) subrequest is what went to the backend: its location is the one that passed it.
    const sub = quoted(line, 'subrequest');
    if (sub) {
      fields.subrequest = sub;
      fields.path = sub.split('?')[0];
    }
    fields.upstream = quoted(line, 'upstream');
    fields.host = quoted(line, 'host');
    const scheme = fields.upstream ? /^([a-z]+):\/\//.exec(fields.upstream)?.[1] : undefined;
    if (scheme) fields.family = FAMILY_OF_SCHEME[scheme];
    // The stream module ends its lines with byte counts (nginx 1.22.1: `…, upstream: "127.0.0.1:1", bytes from/to
    // client:0/0, bytes from/to upstream:0/0`); http lines never have them.
    if (line.includes(', bytes from/to client:')) fields.stream = true;
    else if (/broken header: "/.test(line)) fields.beforeRequest = true;
    // The resolver's lines name the DNS server as address:port (the port even when the resolver line leaves out 53).
    const resolver = /, resolver: (\S+)$/.exec(line.trimEnd())?.[1];
    if (resolver) fields.resolver = resolver;
    return fields;
  }
  // httpd ends the message with ", referer: <url>" when the request had a Referer header (its default format; the
  // documented "% ,\ referer\ %{Referer}i" writes ", referer <url>"): not part of the path or backend before it
  // (on 2.4.71: "… from remote server 127.0.0.1:42987, referer: https://shop.example/cart?x=1").
  line = line.replace(/(AH\d{5}:.*?), referer:? \S*/, '$1');
  // "apache2: Syntax error on line 5 of /etc/apache2/apache2.conf: Syntax error on line 1 of …/x.load: …" (a
  // LoadModule refused while the Include is read): the last place named is where the refused line is.
  const refused = [...line.matchAll(/Syntax error on line (\d+) of (.+?):(?= |$)/g)].pop();
  if (refused) {
    fields.configFile = refused[2];
    fields.configLine = Number(refused[1]);
  }
  const htaccess = /\[core:alert\] .*?\] (\/\S*?): /.exec(line)?.[1];
  if (htaccess && !refused) fields.configFile = htaccess;
  fields.client = /\[client ([^\]]+)\]/.exec(line)?.[1];
  fields.path = / returned by (\/\S*)/.exec(line)?.[1] ?? /for the URL (\/\S*)/.exec(line)?.[1];
  // The lines that name the backend: AH01102, AH00957, AH01114, AH01084/AH01097, AH00959, AH00940, AH00941, and the
  // host of AH00898's DNS failure. ("remote server returned by /path" in AH00898 names the request path, not a server.)
  // AH01174 and AH02460 name the member by its URL: "Forcing worker (http://127.0.0.1:21007) into error state".
  // AH02454 names the socket, then the URL's host and the scheme's port ("(localhost:8000)"): no address a worker
  // connects to, so the socket is what tells the worker.
  const socket = /attempt to connect to Unix domain socket (\S+) \(/.exec(line)?.[1];
  if (socket) fields.socket = socket;
  // AH03303 names the member by its URL too: "Threaded Health check DISABLING http://127.0.0.1:9112".
  const forced = /Forcing worker \(([^)\s]+)\)/.exec(line)?.[1] ?? /AH03303: (?:Threaded )?Health check [A-Z]+ ([a-z0-9+.-]+:\/\/\S+)/.exec(line)?.[1];
  fields.upstream = socket
    ? undefined
    : /status line from remote server (\S+)/.exec(line)?.[1] ??
    attemptedBackend(line) ??
    /connection to backend: (\S+)/.exec(line)?.[1] ??
    passBodyBackend(line) ??
    // AH00898 names the host it could not resolve ("DNS lookup failure for: app.internal returned by /x"): only a
    // worker with that host can have logged it, whatever rule the path matches.
    /DNS lookup failure for: (\S+) returned by /.exec(line)?.[1] ??
    workerBackend(line) ??
    sslBackend(line) ??
    // mod_ssl's info lines about a backend's handshake name it only as the connection's peer: "[remote 127.0.0.1:9002]".
    /\[remote ([^\]\s]+)\] AH(?:01997|10273|02003):/.exec(line)?.[1] ??
    rewriteTarget(line) ??
    (forced ? urlBackend(forced) : undefined);
  if (forced) fields.workerUrl = forced;
  const balancer = /AH0(?:1167|1170|1171|1174|2460): (balancer:\/\/[^:\s]+):/.exec(line)?.[1];
  if (balancer) fields.balancer = balancer.toLowerCase();
  const port = /AH0107(?:5: Error dispatching request|[34]: Failed [Ww]riting (?:Environment|Request)) to (:\d+)?:/.exec(line);
  if (port) fields.serverPort = port[1]?.slice(1) ?? '';
  for (const k of Object.keys(fields) as (keyof LogFields)[]) if (fields[k] === undefined) delete fields[k];
  return fields;
}

/**
 * How much of a line is looked at. nginx cuts every error-log line at 2,048 bytes (NGX_MAX_ERROR_STR), and httpd's
 * lines are as short; a longer line is something else (a pasted file, a binary blob), and the patterns need not
 * scan all of it: the first 16 KiB hold every field a real line has, with room for a container log's wrapping.
 */
export const MAX_LOG_LINE = 16 * 1024;

/**
 * What the client of a stream server gets when nginx gives a connection up: no status, the connection closes. The
 * stream access log's $status still names a code: 502 for a backend that could not be reached (refused, connect
 * timed out, no live upstreams), 500 when nginx could not find an address to connect to (no resolver, a name the
 * per-connection lookup did not resolve, whether the DNS server said there is none or did not answer) or cannot use
 * its bind address. Refused, connect timeout, no resolver and a failed lookup were checked on nginx 1.22.1
 * (test/servers/explain-nginx-stream.test.ts); the others follow ngx_stream_proxy_module's finalize codes.
 */
export const STREAM_CLOSED = 'no HTTP status: nginx closed the client connection (stream proxying)';
const STREAM_500 = new Set(['nginx-no-resolver', 'nginx-not-resolved', 'nginx-resolver-unreachable', 'nginx-bind-failed']);
export function streamClosed(patternId: string): string {
  return `${STREAM_CLOSED.slice(0, -1)}; the stream access log's $status says ${STREAM_500.has(patternId) ? '500' : '502'})`;
}

/**
 * The http wording of some lines does not fit the stream module (no 504, no http_502 in proxy_next_upstream, which
 * is only on or off there): what the same line means for a stream server.
 */
const STREAM_MEANINGS: Record<string, string> = {
  'nginx-not-resolved':
    'the lookup nginx makes for each connection (proxy_pass with a variable) failed: the DNS server knows no such name, or did not answer within resolver_timeout (30s by default). nginx then closes the client\'s connection.',
  'nginx-resolver-unreachable':
    'the DNS server named in the stream resolver cannot be reached (wrong address, not running, firewalled), so the lookup nginx makes for each connection fails; the "could not be resolved" line follows once resolver_timeout has passed, and then nginx closes the client\'s connection.',
  'nginx-connect-timeout':
    'the backend host did not complete the TCP handshake within proxy_connect_timeout (60s by default): it is down, firewalled or dropping SYNs. With proxy_next_upstream on (the default) nginx tries the next server of the group; when none is left it closes the client\'s connection (a reset, with nothing sent), and the stream access log says 502: a stream server has no 504.',
  'nginx-server-disabled':
    'after max_fails failed connects (1 by default) within fail_timeout (10s by default) nginx takes the server out of the group for fail_timeout; the error line next to it for the same connection (*N) says what failed. With every server out, new connections are closed at once after "no live upstreams".',
  'nginx-no-live-upstreams':
    'every server of the group is marked failed (max_fails within fail_timeout) or down, so nginx tried none and closed the client\'s connection. When some servers are not down, the earlier lines for the same group say why they were marked failed.',
};

/** A pattern as said of a stream server's connection: no HTTP status, and the stream wording where it differs. */
function streamPattern(pattern: LogPattern): LogPattern {
  const status = /^\d{3}$/.test(pattern.status) ? streamClosed(pattern.id) : pattern.status;
  return { ...pattern, status, statuses: status === pattern.status ? pattern.statuses : [status], meaning: STREAM_MEANINGS[pattern.id] ?? pattern.meaning };
}

/**
 * A line that carries no client, server or byte counts (the resolver's own lines: "send() failed … while resolving,
 * resolver: 127.0.0.1:53") cannot say by itself whether an http or a stream lookup failed; the configuration can,
 * when only stream blocks name that resolver. The explanation as of a stream connection, for the caller that knows.
 */
export function asStreamExplanation(e: LogExplanation): LogExplanation {
  return e.fields.stream ? e : { ...e, pattern: streamPattern(e.pattern), fields: { ...e.fields, stream: true } };
}

/**
 * What the frame length in "upstream sent too large http2 frame: N" says: N is the first 3 bytes of a frame header,
 * which, when the backend does not speak HTTP/2, are the first 3 bytes of whatever it sent.
 */
/**
 * Which of the two the line says: nginx writes the DNS answer's code ((3: Host not found) for NXDOMAIN and for an
 * answer without an address record) or (110: Operation timed out) when no answer came within resolver_timeout
 * (nginx 1.22.1, test/servers/explain-nginx-not-resolved.test.ts). An on-call engineer with a (3) line was pointed at
 * resolver_timeout, which plays no part in it.
 */
function notResolvedDetail(line: string): string | undefined {
  const m = /(\S+) could not be resolved \((\d+): [^)]*\)/.exec(line);
  if (!m) return undefined;
  const [, name, code] = m;
  if (code === '3') return `(3: Host not found): the DNS server answered, and it has no address for "${name}" (the name does not exist, or has no A/AAAA record): the name is misspelt or the service behind it was removed or renamed. resolver_timeout plays no part; ask the same server (dig @<the resolver's address> ${name}).`;
  if (code === '110') return `(110: Operation timed out): the DNS server did not answer within resolver_timeout; each such request waited that long before its 502.`;
  if (code === '2') return '(2: Server failure): the DNS server could not answer (SERVFAIL: its own upstream servers failed or refused).';
  if (code === '5') return '(5: Operation refused): the DNS server refuses to answer this host (a resolver that serves only some networks).';
  return undefined;
}

/**
 * Which of the two an AH00957 line is: httpd writes the error before the message, "(111)Connection refused: " on 2.4.71
 * for a port nothing listens on (test/servers/explain-apache-tried.test.ts), "(70007)The timeout specified has
 * expired: " for a connect that timed out. Said so that a refused connect is not read as a timeout to raise.
 */
function apacheConnectDetail(line: string): string | undefined {
  const m = /\((\d+)\)[^:[]*:? (?:\[client [^\]]*\] )?AH00957:/.exec(line);
  if (m?.[1] === '111') return 'This line says (111) Connection refused: nothing listens on that address and port (the backend is stopped, restarting, or listens on another port or address); the refusal came at once, so no timeout is involved.';
  if (m?.[1] === '70007') return 'This line says (70007) The timeout specified has expired: the TCP handshake did not complete within connectiontimeout= (else the backend timeout): the host is down or firewalled, or its listen queue is full.';
  return undefined;
}

/**
 * A FastCGI, uwsgi or SCGI request sent to an HTTP server: a server that reads its request line up to the line end
 * (Python's http.server) waits for one that never comes, and nginx 1.22.1 gives 504 after *_read_timeout, for every
 * request, however idle the backend (test/servers/explain-nginx-gateway-protocol.test.ts). Others answer 400 at once:
 * uwsgi_pass and scgi_pass pass that 400 on without a line, fastcgi_pass logs "unsupported FastCGI protocol version: 72".
 */
function gatewayProtocolDetail(line: string): string | undefined {
  const m = /, upstream: "(fastcgi|uwsgi|scgi):\/\/([^"]*)"/.exec(line);
  const scheme = m?.[1];
  if (!scheme) return undefined;
  // php-fpm's own socket (/run/php/php8.2-fpm.sock, /var/run/php-fpm/www.sock) speaks FastCGI: its 504 is a script
  // slower than fastcgi_read_timeout (or every pm.max_children busy), not a protocol mismatch.
  if (scheme === 'fastcgi' && /^unix:[^"]*fpm/i.test(m[2])) return undefined;
  const name = scheme === 'fastcgi' ? 'FastCGI' : scheme === 'uwsgi' ? 'uwsgi' : 'SCGI';
  return `When every request to this backend times out, even with the backend idle, check that it speaks ${name} at all: an HTTP server behind ${scheme}_pass (a port meant for proxy_pass) can read the ${name} request as the start of an HTTP request line and wait for its end, which never comes; nginx then answers 504 after ${scheme}_read_timeout, and raising the timeout does not help (pass to it with proxy_pass instead, or to the application's ${name} port).`;
}

function grpcFrameDetail(line: string): string | undefined {
  const n = Number(/too large http2 frame: (\d+)/.exec(line)?.[1]);
  if (!Number.isSafeInteger(n) || n <= 16384 || n > 0xffffff) return undefined;
  const bytes = [n >> 16, (n >> 8) & 0xff, n & 0xff];
  if (bytes.every((b) => b >= 0x20 && b < 0x7f)) {
    const text = String.fromCharCode(...bytes);
    const what = text === 'HTT' ? ', the start of "HTTP/1.x": the backend answered in HTTP/1, not HTTP/2' : ': the backend answered in some text protocol, not HTTP/2';
    return `${n} is the text "${text}"${what}.`;
  }
  return `${n} is not text: an HTTP/2 backend sending a ${n}-byte frame (over the 16384 nginx accepts), or some other binary protocol on that port.`;
}

/** The first pattern that matches, most specific first; undefined for lines proxylint knows nothing about. */

export function explainLogLine(whole: string): LogExplanation | undefined {
  const line = whole.length > MAX_LOG_LINE ? whole.slice(0, MAX_LOG_LINE) : whole;
  for (const pattern of LOG_PATTERNS) {
    if (!pattern.match.test(line)) continue;
    const fields = logFields(line, pattern.server);
    const family = fields.family && fields.family !== 'memcached' ? fields.family : 'proxy';
    // Stream proxying has no HTTP status: a connection whose last try failed is closed (seen on nginx 1.22.1: the
    // client read nothing and got end of file).
    let own = pattern;
    if (fields.stream) {
      own = streamPattern(pattern);
    } else {
      // A status the line itself names (httpd's AH01174 gives the member's answer).
      const named = pattern.statusInLine?.exec(line)?.[1];
      if (named) own = { ...pattern, status: named, statuses: [named] };
    }
    // A meaning that names a directive says the one of the line's module (grpc_ssl_name for a grpcs:// backend).
    if (own.meaning.includes('{f}')) own = { ...own, meaning: own.meaning.replaceAll('{f}', family) };
    const detail = pattern.detail?.(line);
    if (detail) own = { ...own, meaning: `${own.meaning} ${detail}` };
    return { pattern: own, fields, directives: pattern.directives.map((d) => d.replace('{f}', family)) };
  }
  return undefined;
}
