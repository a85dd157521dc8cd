import type { DirectiveDoc } from './directive-doc';
import { APX_LOG } from './log-lines';
import { APACHE_MOD, apache } from './apache-proxy';

/** Checked on 2.4.71 (test/servers/apache-tls-check-status.test.ts): mod_proxy answers a failed backend handshake with 500, not 502. */
const TLS_500 =
  'A failed check aborts the TLS handshake with the backend and the client gets **500** (not 502), logged as `AH00898: Error during SSL Handshake with remote server returned by …`; which check failed is logged at `LogLevel ssl:info`.';

const DOCS: DirectiveDoc[] = [
  apache('Timeout', 'core', {
    summary: 'httpd\'s general I/O timeout: waits on clients, CGI scripts — and, through ProxyTimeout, on backends.',
    failure:
      'Unless `ProxyTimeout` or a worker `timeout=` is set, this is how long mod_proxy waits for a backend (502 from mod_proxy_http, 504 from mod_proxy_fcgi) and, without `connectiontimeout`, how long an unreachable backend holds a request before the **503**. ' +
      'Raising it for slow uploads therefore also lengthens every backend wait, possibly past a load balancer\'s idle timeout (then the balancer answers 504). ' +
      'A `<VirtualHost>` with its own `Timeout` gives its requests that wait even on a main-server ProxyPass. An idle WebSocket tunnel through mod_proxy_http is closed after the longer of this and the backend timeout, without a log line at LogLevel warn. ' +
      'A backend that does not read the request body gives **504** only when the body is too big for the socket buffers, so that httpd is still sending it when this runs out (`AH01084` after `(70007)`, then `AH01097`); on 2.4.71 a 16 MB POST got that 504, while a 3 MB one was taken in by the buffers and ended like a GET, in 502 (`AH01102`). ' +
      'Whole seconds only: httpd reads the leading digits and ignores the rest, so `Timeout 2min` is 2 s and `Timeout 500ms` 500 s (on 2.4.71 a backend answering after 3 s got the 502 after 2 s, and the 200 after 3 s); `Timeout abc` or `0` is 0 s, and every proxied request got 502 at once (`(11)Resource temporarily unavailable … AH01102`).',
    statusCodes: ['502', '503', '504'],
    logLines: [APX_LOG.readTimeout, APX_LOG.fcgiTimeout, APX_LOG.connectTimeout, APX_LOG.passBodyTimeout, APX_LOG.passBodyFailedHttp],
    defaultValue: '60',
    rules: ['proxytimeout-inherits-timeout', 'apache-timeout-not-below-outer-timeout', 'no-connectiontimeout', 'timeout-value-misread'],
  }),
  apache('SetHandler', 'core', {
    summary: 'Hands the requests of its section to a handler. `proxy:` handlers belong to mod_proxy: `SetHandler "proxy:unix:/run/php/php8.2-fpm.sock|fcgi://localhost"` in `<FilesMatch \\.php$>` is the PHP-FPM recipe, sending each matching file to a backend instead of serving it.',
    failure:
      'The request goes to the worker whose name the URL after `proxy:` (after `|` for a socket) starts with, as a `<Proxy "fcgi://localhost">` section defines; with none, to httpd\'s default worker, which waits `ProxyTimeout` (else `Timeout`, 60 s). ' +
      'PHP-FPM stopped or its socket elsewhere: **503**, logged as `AH02454` (the socket path, with `(2)No such file or directory`) and `AH01079`. PHP-FPM slower than the timeout: **504** with `AH01075 … (polling)`. ' +
      'Without mod_proxy_fcgi loaded, or with `proxy:unix:/path.sock` and no `|fcgi://…` after it, there is no error at all: httpd serves the file itself, **200 with the PHP source**.',
    statusCodes: ['503', '504', 'source-leak'],
    logLines: [APX_LOG.fcgiSocketMissing, APX_LOG.fcgiNoConnection, APX_LOG.fcgiTimeout],
    rules: ['sethandler-unix-socket-syntax', 'proxy-scheme-module-missing'],
  }),
  apache('KeepAlive', 'core', {
    summary: 'Whether *clients* may send several requests over one connection to httpd.',
    failure:
      'Client side; it does not control connection reuse towards backends (that is the worker pool: `disablereuse`, `ttl`). Not a cause of 502/503/504 by itself.',
    statusCodes: ['none'],
    logLines: [],
    defaultValue: 'On',
    rules: ['invalid-directive-arguments'],
  }),
  apache('KeepAliveTimeout', 'core', {
    summary: 'How long httpd keeps an idle client connection open waiting for the next request.',
    failure:
      'Matters when httpd is the *backend* of another proxy: nginx ≥ 1.29.7 (keep-alive on, 60 s idle by default) or a load balancer (AWS ALB: 60 s) may reuse a connection that httpd closed after these 5 seconds, and the proxy in front answers **502** for that request. ' +
      'Keep the front proxy\'s idle timeout below this value (or raise this above the front\'s).',
    statusCodes: ['502'],
    logLines: [],
    defaultValue: '5',
  }),
  apache('RequestReadTimeout', 'mod_reqtimeout', {
    summary: 'Time limits (and minimum data rates) for receiving the request header and body from clients.',
    failure:
      'Client side: when a limit expires the client gets **408 Request Timeout**, never a 502/504. It is often confused with proxy timeouts during slow uploads: a body that stalls for 20 s, or trickles in below 500 bytes/s, is ended by this directive, not by the backend. ' +
      'The error log makes the confusion easy: on a proxied request the 408 is logged as a `[proxy:error]` with `(70007)The timeout specified has expired`, naming the backend — `AH01095: prefetch request body failed to …` for a short body (on 2.4.71 with `body=2` the backend never got a connection), `AH02608: read request body failed to …` and `AH01097` for one already being streamed. The line that names the client, `AH01382: Request body read timeout`, appears only at `LogLevel reqtimeout:info`.',
    statusCodes: ['408'],
    logLines: [APX_LOG.prefetchTimeout, APX_LOG.readBodyTimeout, APX_LOG.passBodyFailedHttp, APX_LOG.bodyReadTimeout],
    defaultValue: 'handshake=0 header=20-40,MinRate=500 body=20,MinRate=500',
  }),
  apache('LimitRequestFieldSize', 'core', {
    summary: 'Largest request header field a *client* may send.',
    failure:
      'Client side: a bigger header gets **400**. It does not limit *response* headers from backends — that is the worker parameter `responsefieldsize` (default 8192), which fails with 502.',
    statusCodes: ['400'],
    logLines: [],
    defaultValue: '8190',
    rules: ['invalid-directive-arguments', 'response-field-size-too-small'],
  }),
  apache('SSLProxyEngine', 'mod_ssl', {
    summary: 'Lets this server (or virtual host) use TLS towards backends — required for `https://`, `wss://` and `h2://` targets.',
    failure:
      'Off by default. A ProxyPass to an `https://` backend then fails on every request with **500**: httpd logs `AH01961:  failed to enable ssl support [Hint: if using mod_ssl, see SSLProxyEngine]` and then `AH00961: https: failed to enable ssl support for …` (the scheme as the proxy module names it: `wss:` for `wss://`, `H2:` through mod_proxy_http2). It must be On in the virtual host that holds the ProxyPass.',
    statusCodes: ['500'],
    logLines: [APX_LOG.noSslHint, APX_LOG.noSsl],
    defaultValue: 'off',
    rules: ['invalid-directive-arguments', 'https-backend-without-sslproxyengine'],
  }),
  apache('RewriteRule', 'mod_rewrite', {
    summary: 'Rewrites the request URL by a regular expression; with the `[P]` flag (`[proxy]`) the result is proxied instead of served or redirected.',
    failure: [
      'Only a rule whose flags include `P` sends the request to a backend, and only where `RewriteEngine On` is in effect (the nearest `RewriteEngine` in its section, virtual host or main server). The substitution must then be a full URL (`http://backend/$1`, `balancer://app/$1`); mod_rewrite hands it to mod_proxy, which needs the scheme\'s module like a ProxyPass does. Without mod_proxy the request gets **403** (`AH00669: attempt to make remote request from mod_rewrite without proxy enabled`).',
      '- **Which worker:** a `[P]` request uses the worker that a `ProxyPass` or `<Proxy "url">`/`ProxySet` line defined for a URL its target starts with, with that worker\'s `timeout=`, `connectiontimeout=` and pool. When none matches, it goes through httpd\'s default reverse-proxy worker, which has no parameters: it waits `ProxyTimeout`, else `Timeout` (60 s by default) for the answer, connects with that same wait, and opens a new connection for every request. On 2.4.71 with `Timeout 1` and a backend that answers after 3 s, a `[P]` rule got **502** after 1 s (`AH01102: error reading status line from remote server`, then `AH00898: Error reading from remote server`); the same rule got 200 once `<Proxy "http://backend/"> ProxySet timeout=5` or a `ProxyPass … timeout=5` to a URL the target starts with was added (a ProxyPass to `http://backend/sub/` did not match a target outside `/sub/`).',
      '- **TLS backends:** an `https://` target (also `https://%{HTTP_HOST}/$1`) needs `SSLProxyEngine On` in the server the request came to; without it every such request gets **500** (`AH01961`, then `AH00961: https: failed to enable ssl support for …`).',
      '- **Main-server rules:** a rule outside any `<VirtualHost>` runs in a virtual host only when that virtual host says `RewriteOptions Inherit` or `InheritBefore`; then it runs under the virtual host\'s `SSLProxyEngine` and timeouts.',
      '- An unreachable backend gives **503** (`AH00957`, `AH01114`), a backend that does not resolve **500**, a `balancer://` target the same as its ProxyPass would. Without `[P]` a full URL to another host is an external redirect (302), not a proxy.',
      '- `ProxyPassReverse` is still needed to fix `Location` headers of the backend\'s redirects.',
    ].join('\n'),
    statusCodes: ['500', '502', '503', '403'],
    logLines: [APX_LOG.readTimeout, APX_LOG.readError, APX_LOG.noSslHint, APX_LOG.noSsl],
    rules: ['https-backend-without-sslproxyengine', 'proxy-scheme-module-missing', 'websocket-upgrade-not-enabled'],
  }),
  apache('RewriteCond', 'mod_rewrite', {
    summary: 'A condition for the next RewriteRule: the rule runs only when its conditions hold.',
    failure:
      'Not a cause of proxy errors by itself. It decides whether the `RewriteRule … [P]` after it proxies the request: a condition that never holds leaves those requests to be served locally (often 404), and one that holds too often proxies requests meant for something else. The WebSocket recipe (`RewriteCond %{HTTP:Upgrade} websocket [NC]` before a `ws://` rule with `[P]`) relies on it.',
    statusCodes: ['none'],
    logLines: [],
    rules: ['websocket-upgrade-not-enabled'],
  }),
  apache('RewriteEngine', 'mod_rewrite', {
    summary: 'Turns mod_rewrite on or off for this server, virtual host or directory section.',
    failure:
      'Off by default. Without `RewriteEngine On` in effect, no `RewriteRule` runs, `[P]` rules included, and their requests are served locally (often 404) instead of proxied. httpd takes the nearest setting outwards: the rule\'s own section, enclosing sections, its virtual host, then the main server; `RewriteEngine Off` in a virtual host stops its rules even when the main server says On.',
    statusCodes: ['none'],
    logLines: [],
    defaultValue: 'off',
    rules: ['invalid-directive-arguments'],
  }),
  apache('RewriteOptions', 'mod_rewrite', {
    summary: 'Options for mod_rewrite in this server, virtual host or directory section; `Inherit` and `InheritBefore` take in the rules of the enclosing scope.',
    failure:
      'A virtual host runs the main server\'s `RewriteRule` lines (`[P]` proxies included) only when it says `RewriteOptions Inherit` (after its own rules) or `InheritBefore` (before them). Such a rule then runs under the virtual host\'s settings: an `https://` target needs `SSLProxyEngine On` there. On httpd 2.4.68, a main-server `[P]` rule got 500 (`AH00961`) in a virtual host with `Inherit` and no `SSLProxyEngine`, and did not run at all (404) with no `RewriteOptions` in the virtual host, with `RewriteEngine Off` there, or with `Inherit`, `InheritDown` or `InheritDownBefore` written in the main server only.',
    statusCodes: ['none'],
    logLines: [],
    rules: ['https-backend-without-sslproxyengine', 'proxy-scheme-module-missing'],
  }),
  apache('SSLProxyVerify', 'mod_ssl', {
    summary: 'Whether httpd verifies the certificate chain of TLS backends: `none` (default), `optional`, `require`, `optional_no_ca`.',
    failure:
      `With \`require\`, the backend certificate must chain to a CA given by \`SSLProxyCACertificateFile\` or \`SSLProxyCACertificatePath\`. ${TLS_500} A chain that does not verify is logged at the default level too (\`AH02039: Certificate Verification: Error (20): unable to get local issuer certificate\` when the CA is missing). The name checks (SSLProxyCheckPeerName/CN) and the expiry check are separate directives.`,
    statusCodes: ['500'],
    logLines: [APX_LOG.certNotVerified, APX_LOG.sslHandshake],
    defaultValue: 'none',
    rules: ['invalid-directive-arguments'],
  }),
  apache('SSLProxyCheckPeerName', 'mod_ssl', {
    summary: 'Checks that a TLS backend\'s certificate matches the host name of the backend URL.',
    failure:
      `On by default. Backends reached by IP, by an internal alias or by a name the certificate does not list fail the check. ${TLS_500} Prefer fixing the URL or certificate over turning the check off.`,
    statusCodes: ['500'],
    logLines: [APX_LOG.sslHandshake],
    expectedLogLines: ['AH02411: SSL Proxy: Peer certificate does not match for hostname 127.0.0.1'],
    defaultValue: 'On',
    versions: 'Since 2.4.5.',
    rules: ['invalid-directive-arguments'],
  }),
  apache('SSLProxyCheckPeerCN', 'mod_ssl', {
    summary: 'Older, CN-only form of the backend name check; SSLProxyCheckPeerName (2.4.5 and later) takes precedence and also reads subjectAltName.',
    failure:
      'On by default, but that default adds no check of its own: with both directives unset the SSLProxyCheckPeerName check is made, so a certificate whose CN differs from the host but whose subjectAltName lists it passes; `SSLProxyCheckPeerName off` alone ends the name check, and so does `SSLProxyCheckPeerCN off` alone. ' +
      `Only \`SSLProxyCheckPeerName off\` together with an explicit \`SSLProxyCheckPeerCN on\` compares the CN alone: on 2.4.71 a certificate with CN \`other.example\` and subjectAltName \`localhost\` then failed for \`https://localhost\` (\`AH02005: SSL Proxy: Peer certificate CN mismatch\` at \`LogLevel ssl:info\`). ${TLS_500}`,
    statusCodes: ['500'],
    logLines: [APX_LOG.sslHandshake],
    expectedLogLines: ['AH02005: SSL Proxy: Peer certificate CN mismatch: Certificate CN: other.example Requested hostname: localhost'],
    defaultValue: 'On',
    rules: ['invalid-directive-arguments'],
  }),
  apache('SSLProxyCheckPeerExpire', 'mod_ssl', {
    summary: 'Checks that a TLS backend\'s certificate has not expired.',
    failure: `On by default, and applied even with \`SSLProxyVerify none\`: the day a backend certificate expires, every proxied request fails (\`AH02004: SSL Proxy: Peer certificate is expired\` at \`LogLevel ssl:info\`). ${TLS_500}`,
    statusCodes: ['500'],
    logLines: [APX_LOG.certExpired, APX_LOG.sslHandshake],
    defaultValue: 'On',
    rules: ['invalid-directive-arguments'],
  }),
  apache('SSLProxyCACertificateFile', 'mod_ssl', {
    summary: 'PEM file of CA certificates used to verify TLS backends (with `SSLProxyVerify require`).',
    failure: `If it lacks the CA (or intermediate) that signed the backend certificate, verification fails (\`AH02039 … unable to get local issuer certificate\`). ${TLS_500} A file that does not exist (or is empty) stops httpd from starting: \`SSLProxyCACertificateFile: file '…' does not exist or is empty\`.`,
    statusCodes: ['500', 'startup-failure'],
    logLines: [APX_LOG.certNotVerified, APX_LOG.sslHandshake],
    rules: ['invalid-directive-arguments'],
  }),
  apache('SetEnv', 'mod_env', {
    summary: 'Sets an environment variable for requests; mod_proxy_http reads a few of them to change how it talks to backends.',
    failure: [
      'The proxy-related variables:',
      '- `proxy-initial-not-pooled`: the first request of each client connection never uses a pooled backend connection, avoiding the race where the backend closed that connection just before reuse (502 `AH01102`), at a performance cost.',
      '- `proxy-nokeepalive`: close the backend connection after every request (for backends with broken keep-alive).',
      '- `force-proxy-request-1.0`: talk HTTP/1.0 to the backend.',
      'Worker `ttl=` below the backend\'s idle timeout, or `disablereuse=On`, are the other ways to avoid the reuse race.',
    ].join('\n'),
    statusCodes: ['502'],
    logLines: [APX_LOG.closedByBackend],
    rules: ['pooled-connection-outlives-backend-keepalive'],
  }),
  apache('LoadModule', 'mod_so', {
    summary: 'Loads a module; reverse proxying needs mod_proxy plus one module per backend scheme.',
    failure: [
      'httpd starts without the scheme modules and fails per request instead:',
      '- `http://`/`https://` need mod_proxy_http, `fcgi://` mod_proxy_fcgi, `ajp://` mod_proxy_ajp, `uwsgi://` mod_proxy_uwsgi, `h2://`/`h2c://` mod_proxy_http2. Missing → **500** `AH01144: No protocol handler was valid for the URL …`.',
      '- `ws://`/`wss://` need mod_proxy_http *or* mod_proxy_wstunnel on 2.4.47 and later (mod_proxy_http accepts these schemes itself); before 2.4.47, mod_proxy_wstunnel. With neither → the same **500** `AH01144`.',
      '- `balancer://` needs mod_proxy_balancer, an `lbmethod_*` module for the chosen method (byrequests by default) and mod_slotmem_shm.',
      '- `hc*` worker parameters need mod_proxy_hcheck (and mod_watchdog); without it httpd refuses to start.',
      '- `https://`/`wss://` backends need mod_ssl *and* `SSLProxyEngine On`. Either missing → **500**, but the log differs: without mod_ssl the same `AH01144 … (scheme \'https\')` as for a missing proxy module; with mod_ssl and `SSLProxyEngine` off, `AH00961`.',
      'Debian loads modules through `mods-enabled/*.load` and builds some (watchdog, unixd, log_config) into the binary.',
    ].join('\n'),
    statusCodes: ['500', 'startup-failure'],
    logLines: [APX_LOG.noHandler, APX_LOG.noHandlerHttps, APX_LOG.noSsl, APX_LOG.unknownMemberParam],
    rules: ['proxy-scheme-module-missing', 'apache-module-not-loaded', 'hcheck-params-without-module', 'https-backend-without-sslproxyengine'],
  }),
];

export const APACHE_CORE_DOCS: DirectiveDoc[] = DOCS;

function env(name: string, summary: string, failure: string, statusCodes: string[], rules?: string[]): DirectiveDoc {
  return { name, server: 'apache', summary, failure, statusCodes, logLines: [], url: `${APACHE_MOD}mod_proxy_http.html#env`, variant: 'env', ...(rules ? { rules } : {}) };
}

export const APACHE_ENV_DOCS: Record<string, DirectiveDoc> = Object.fromEntries(
  [
    env(
      'proxy-initial-not-pooled',
      'The first request of each client connection is never sent over a pooled backend connection.',
      'Avoids the race in which the backend closes an idle pooled connection just as httpd reuses it, which otherwise shows up as an occasional **502** with `AH01102: error reading status line from remote server`. It costs performance; a worker `ttl=` shorter than the backend\'s idle timeout is usually the better fix.',
      ['502'],
      ['pooled-connection-outlives-backend-keepalive'],
    ),
    env(
      'proxy-nokeepalive',
      'httpd closes the backend connection after each request instead of pooling it.',
      'Use it for backends whose keep-alive handling is broken; it removes the reuse race (sporadic 502) at the price of a new connection per request.',
      ['502'],
      ['pooled-connection-outlives-backend-keepalive'],
    ),
    env(
      'force-proxy-request-1.0',
      'httpd talks HTTP/1.0 to the backend.',
      'For backends that mishandle HTTP/1.1. It also gives up HTTP/1.1 features such as chunked request bodies and keep-alive, so it is a workaround, not a default.',
      ['none'],
    ),
  ].map((d) => [d.name, d]),
);

function mod(id: string, page: string, summary: string, failure: string, statusCodes: string[], extra: Partial<DirectiveDoc> = {}): DirectiveDoc {
  return { name: id, server: 'apache', summary, failure, statusCodes, logLines: [], url: `${APACHE_MOD}${page}.html`, variant: 'module', ...extra };
}

/**
 * What httpd 2.4.71 does without an `lbmethod_*` module: a method named with `lbmethod=` fails configtest at that line;
 * the default (byrequests, when no lbmethod= is written) passes configtest and fails the start.
 */
function lbmethodModule(m: string): DirectiveDoc {
  const named = `\`ProxySet: unknown lbmethod lbmethod=${m}; balancer://app\` (ProxySet inside \`<Proxy balancer://app>\`) or \`ProxyPass unknown lbmethod\` (a ProxyPass parameter)`;
  const failure =
    m === 'byrequests'
      ? `Not loaded while a balancer uses the default method (no \`lbmethod=\`): configtest says Syntax OK, but httpd does not start — \`AH02432: Cannot find LB Method: byrequests\`, then \`AH01183: Cannot share balancer\` and \`AH00020: Configuration Failed, exiting\`. Named with \`lbmethod=byrequests\`, configtest already fails at that line, as for the other methods: ${named}.`
      : `Not loaded while a balancer says \`lbmethod=${m}\`: configtest fails at that line with ${named}, and httpd does not start.`;
  return mod(`lbmethod_${m}_module`, `mod_lbmethod_${m}`, `The \`lbmethod=${m}\` scheduler for balancers${m === 'byrequests' ? ' (the default method)' : ''}.`, failure, ['startup-failure'], {
    logLines: m === 'byrequests' ? [APX_LOG.lbMethodMissing, APX_LOG.balancerNotShared, APX_LOG.configFailed, APX_LOG.unknownLbmethodPass] : [APX_LOG.unknownLbmethodPass],
    rules: ['proxy-scheme-module-missing'],
  });
}

const MISSING_500 = 'Not loaded → configtest still passes, but every request to such a backend gets **500** `AH01144`.';

export const APACHE_MODULE_DOCS: Record<string, DirectiveDoc> = Object.fromEntries(
  [
    mod('proxy_module', 'mod_proxy', 'The proxy core: ProxyPass, ProxyTimeout, BalancerMember and the other Proxy* directives.', 'Not loaded → httpd refuses to start at the first Proxy* directive ("Invalid command").', ['startup-failure'], {
      expectedLogLines: ["Invalid command 'ProxyPass', perhaps misspelled or defined by a module not included in the server configuration"],
      rules: ['apache-module-not-loaded'],
    }),
    mod('proxy_http_module', 'mod_proxy_http', 'Handles `http://` and `https://` backends; since 2.4.47 also `ws://`/`wss://` and WebSocket upgrades on `http://` with `upgrade=`.', `${MISSING_500} Slow backends through it give **502** (AH01102), not 504.`, ['500', '502'], {
      logLines: [APX_LOG.noHandler, APX_LOG.readTimeout],
      rules: ['proxy-scheme-module-missing'],
    }),
    mod('proxy_fcgi_module', 'mod_proxy_fcgi', 'Handles `fcgi://` backends such as PHP-FPM.', `${MISSING_500} Backend timeouts through it give **504** (AH01075).`, ['500', '504'], {
      logLines: [APX_LOG.noHandler, APX_LOG.fcgiTimeout],
      rules: ['proxy-scheme-module-missing'],
    }),
    mod(
      'proxy_wstunnel_module',
      'mod_proxy_wstunnel',
      'Handles `ws://` and `wss://` backends (WebSocket tunnels); since 2.4.47 mod_proxy_http can do the same, and the official docs call this module deprecated.',
      'On 2.4.47 and later it is needed only when mod_proxy_http is not loaded: mod_proxy_http accepts `ws://`/`wss://` itself, and while both are loaded this module hands such requests to it (see `ProxyWebsocketFallbackToProxyHttp`). ' +
        'With neither loaded — or before 2.4.47 without this one — configtest still passes, but every request to a `ws://` backend gets **500** `AH01144`.',
      ['500'],
      { logLines: [APX_LOG.noHandler], versions: 'Since 2.4.5. Before 2.4.47 the only way to proxy `ws://`/`wss://`.', rules: ['proxy-scheme-module-missing', 'websocket-upgrade-not-enabled'] },
    ),
    mod('proxy_ajp_module', 'mod_proxy_ajp', 'Handles `ajp://` backends (Tomcat AJP connectors).', MISSING_500, ['500'], { logLines: [APX_LOG.noHandler], rules: ['proxy-scheme-module-missing'] }),
    mod('proxy_uwsgi_module', 'mod_proxy_uwsgi', 'Handles `uwsgi://` backends.', MISSING_500, ['500'], { logLines: [APX_LOG.noHandler], versions: 'Part of httpd since 2.4.30.', rules: ['proxy-scheme-module-missing'] }),
    mod('proxy_scgi_module', 'mod_proxy_scgi', 'Handles `scgi://` backends.', MISSING_500, ['500'], { logLines: [APX_LOG.noHandler], rules: ['proxy-scheme-module-missing'] }),
    mod('proxy_http2_module', 'mod_proxy_http2', 'Handles `h2://` (TLS) and `h2c://` backends over HTTP/2.', MISSING_500, ['500'], { logLines: [APX_LOG.noHandler], rules: ['proxy-scheme-module-missing'] }),
    mod(
      'proxy_balancer_module',
      'mod_proxy_balancer',
      'Handles `balancer://` groups of BalancerMember backends.',
      `${MISSING_500} It needs mod_slotmem_shm and the \`lbmethod_*\` module of the balancer's method. When every member is in error state, requests get **503**.`,
      ['500', '503'],
      { logLines: [APX_LOG.noHandler, APX_LOG.workerDisabled], rules: ['proxy-scheme-module-missing', 'undefined-balancer'] },
    ),
    mod(
      'proxy_hcheck_module',
      'mod_proxy_hcheck',
      'Active health checks for balancer members (`hcmethod`, `hcuri`, `hcinterval`, …).',
      'Not loaded while members use `hc*` parameters → httpd refuses to start. Without active checks, a member that answers errors stays in rotation.',
      ['startup-failure', '503'],
      { logLines: [APX_LOG.unknownMemberParam, APX_LOG.hcDisabling], versions: 'Since 2.4.21; needs mod_watchdog.', rules: ['hcheck-params-without-module', 'balancer-member-without-health-check'] },
    ),
    mod('watchdog_module', 'mod_watchdog', 'Runs periodic tasks for other modules; mod_proxy_hcheck needs it.', 'Without it health checks cannot run. Debian builds it into the httpd binary, so its LoadModule line must be left out there.', ['startup-failure']),
    mod('slotmem_shm_module', 'mod_slotmem_shm', 'Shared-memory slots that mod_proxy_balancer keeps member state in.', 'mod_proxy_balancer cannot work without it: httpd fails at start-up.', ['startup-failure'], {
      expectedLogLines: ["AH01177: Failed to lookup provider 'shm' for 'slotmem': is mod_slotmem_shm loaded??"],
    }),
    ...['byrequests', 'bytraffic', 'bybusyness', 'heartbeat'].map((m) => lbmethodModule(m)),
    mod(
      'ssl_module',
      'mod_ssl',
      'TLS, including TLS towards backends (SSLProxyEngine and the SSLProxy* checks).',
      "Not loaded: SSLProxy* directives stop httpd from starting (`Invalid command 'SSLProxyEngine'`). Without them httpd starts, and every request to an `https://` or `wss://` backend gets **500** logged as a missing protocol handler (`AH01144 … (scheme 'https')`), not as `AH00961`; an `h2://` backend through mod_proxy_http2 still logs `AH00961: H2: failed to enable ssl support`.",
      ['startup-failure', '500'],
      { logLines: [APX_LOG.noHandlerHttps], rules: ['https-backend-without-sslproxyengine', 'apache-module-not-loaded'] },
    ),
  ].map((d) => [d.name, d]),
);
