import type { DirectiveDoc } from './directive-doc';
import { APX_LOG } from './log-lines';

type Body = Omit<DirectiveDoc, 'name' | 'server' | 'url'>;
export const APACHE_MOD = 'https://httpd.apache.org/docs/2.4/mod/';

export function apache(name: string, page: string, body: Body): DirectiveDoc {
  return { name, server: 'apache', ...body, url: `${APACHE_MOD}${page}.html#${name.toLowerCase()}` };
}

/** How httpd's answers differ from nginx's, repeated where a directive sends requests to a backend. */
export const APX_STATUS_RULE =
  'httpd answers differently from nginx: a refused or unreachable backend gives **503** (after `connectiontimeout`, which defaults to the whole backend timeout); ' +
  'a backend too slow to send its status line gives **502** through mod_proxy_http but **504** through mod_proxy_fcgi; ' +
  'a backend host that does not resolve gives **500** at request time (configtest still says Syntax OK); a scheme whose proxy module is not loaded gives **500**; ' +
  'an `https://` backend without `SSLProxyEngine On` gives **500**; an invalid or oversized response header gives **502**; a stall after the header was sent truncates a 200.';

const PASS_LOGS = [
  APX_LOG.connectTimeout,
  APX_LOG.noConnection,
  APX_LOG.readTimeout,
  APX_LOG.readError,
  APX_LOG.fcgiTimeout,
  APX_LOG.dnsFailure,
  APX_LOG.noHandler,
  APX_LOG.noSsl,
];

const DOCS: DirectiveDoc[] = [
  apache('ProxyPass', 'mod_proxy', {
    summary:
      'Maps a local URL path to a backend URL (`http://`, `https://`, `fcgi://`, `ws://`, `ajp://`, `balancer://`, `unix:/path|http://…`), optionally followed by worker parameters such as `timeout=`, `connectiontimeout=`, `retry=`.',
    failure: [
      APX_STATUS_RULE,
      '',
      '- Rules are checked in configuration order and the first match wins: a shorter prefix listed first shadows longer ones, and `!` exclusions must come before the rule they carve out of.',
      '- Path and URL should agree on a trailing slash, or the backend receives paths with a missing or doubled slash.',
      '- After a failed connect, a *balancer member* is kept out for `retry` seconds (60 by default). In the lab a plain ProxyPass worker was simply tried again on the next request.',
      '- `apachectl configtest` rejects unknown parameters and URLs it cannot parse, but not an unresolvable host or a missing protocol module — those fail only at request time.',
      '- `h2://` or `h2c://` to a backend that does not speak HTTP/2 (an HTTP/1.1 server, or TLS without "h2" in its ALPN): **503**, and on 2.4.71 no line at `LogLevel warn` — an empty error log. `LogLevel ssl:info` shows `AH10273` for `h2://`; `h2c://` says why only at `proxy_http2:debug`. For an HTTP/1.1 backend use `http://` or `https://`.',
    ].join('\n'),
    statusCodes: ['503', '502', '504', '500', 'startup-failure'],
    logLines: [...PASS_LOGS, APX_LOG.badUrl, APX_LOG.unknownWorkerParam, APX_LOG.h2NoAlpn],
    rules: [
      'invalid-backend-url',
      'invalid-worker-parameter',
      'proxypass-shadowed',
      'proxypass-trailing-slash-mismatch',
      'proxy-scheme-module-missing',
      'https-backend-without-sslproxyengine',
      'no-connectiontimeout',
      'proxy-timeout-too-low',
      'unix-socket-target-syntax',
      'backend-dns-cached-per-child',
      'websocket-upgrade-not-enabled',
      'undefined-balancer',
    ],
  }),
  apache('ProxyPassMatch', 'mod_proxy', {
    summary: 'Like ProxyPass, but the local path is a regular expression whose captures can be used in the backend URL (`$1`).',
    failure: [
      APX_STATUS_RULE,
      '',
      '- The URL must parse as a URL *before* substitution: one without a scheme such as `127.0.0.1:8000/$1` stops httpd from starting (`ProxyPass Unable to parse URL: …`). A capture right after the port is fine: on 2.4.71 `http://127.0.0.1:8000$1` passed configtest and sent `/p/hello` on as `/hello` (the capture brings its own slash).',
      '- If the URL uses no backreference, the original request path is appended to it.',
      '- Order matters as for ProxyPass: the first matching rule wins.',
    ].join('\n'),
    statusCodes: ['503', '502', '504', '500', 'startup-failure'],
    logLines: PASS_LOGS,
    rules: ['invalid-backend-url', 'invalid-worker-parameter', 'proxypass-shadowed', 'proxy-scheme-module-missing', 'https-backend-without-sslproxyengine', 'no-connectiontimeout'],
  }),
  apache('ProxyPassReverse', 'mod_proxy', {
    summary: 'Rewrites the `Location`, `Content-Location` and `URI` headers of backend redirects so that they point back at this server.',
    failure:
      'Missing or not matching what the backend really sends (another scheme, port or host name; or `ProxyPreserveHost On`, where the backend already uses the public name), redirects send browsers straight to the backend\'s internal address. ' +
      'Users then get a connection error or the backend\'s own page — not an httpd 5xx, but it looks like "the proxy is down". It does not rewrite links inside HTML bodies.',
    statusCodes: ['none'],
    logLines: [],
    rules: ['invalid-directive-arguments'],
  }),
  apache('ProxyTimeout', 'mod_proxy', {
    summary: 'How long mod_proxy waits for a backend to send or accept data — and, unless `connectiontimeout` is set, to connect.',
    failure: [
      '- The backend stays silent longer than this before its status line: **502** through mod_proxy_http (`AH01102` + `AH00898`), **504** through mod_proxy_fcgi (`AH01075`).',
      '- It stalls after the header was sent: the client gets a truncated 200 (`AH01110`).',
      '- The backend does not read a request body too big for the socket buffers: **504** when this runs out while httpd is still sending (`AH01084` after `(70007)`, then `AH01097`; a 16 MB POST on 2.4.71). A smaller body (3 MB still was) goes into the buffers at once and the request ends in the 502 above.',
      '- The connect never completes: without `connectiontimeout` the request waits this long and then gets **503** (`AH00957` + `AH01114`).',
      '- Unset, it follows `Timeout`, so raising `Timeout` for slow client uploads also raises every backend wait. A worker\'s `timeout=` overrides it.',
      '- Whole seconds only: httpd reads the leading digits and ignores the rest (`ProxyTimeout 2m` is 2 s; on 2.4.71 the 502 came after 2 s). Below 1 (`0`, `abc`) httpd refuses to start: `Proxy Timeout must be at least 1 second.`',
      '- It is read from the server the request came to: a main-server ProxyPass used through a `<VirtualHost>` that sets its own `ProxyTimeout` (or `Timeout`) waits that one (on 2.4.71, 5 s through a virtual host with `ProxyTimeout 5` and 8 s through one with `Timeout 8`, for one main-server line). A pooled connection keeps the value it was opened with.',
      '- Except when it is written before the ProxyPass (same server): httpd copies the value read so far into the worker that line defines, and then it is that worker\'s own, like `timeout=`, whatever the virtual host a request comes to sets (on 2.4.71, `ProxyTimeout 6` above a main-server ProxyPass: 6 s through a virtual host with `ProxyTimeout 2`).',
      '- Keep it below the idle timeout of a load balancer in front of httpd (AWS ALB: 60 s), or that balancer answers 504 first.',
    ].join('\n'),
    statusCodes: ['502', '504', '503', 'truncated-200'],
    logLines: [APX_LOG.readTimeout, APX_LOG.readError, APX_LOG.fcgiTimeout, APX_LOG.bodyStall, APX_LOG.passBodyTimeout, APX_LOG.passBodyFailedHttp, APX_LOG.connectTimeout, APX_LOG.noConnection],
    defaultValue: 'the value of `Timeout` (60)',
    rules: ['proxytimeout-inherits-timeout', 'proxy-timeout-too-low', 'apache-timeout-not-below-outer-timeout', 'no-connectiontimeout', 'timeout-value-misread'],
  }),
  apache('ProxyBadHeader', 'mod_proxy', {
    summary: 'What mod_proxy does with a response header line that has no colon: `IsError`, `Ignore` or `StartBody`.',
    failure:
      'With the default `IsError` such a response is aborted with **502** (`AH01106: bad HTTP/1.1 header returned by …`). `Ignore` drops the bad lines and keeps the rest of the header (`AH01100: Ignoring bogus HTTP header`). `StartBody` ends the header at the first bad line and sends what *follows* it as the body (`AH01098: Starting body due to bogus non-header in headers`): on 2.4.71 the bad line itself was lost, so for a backend that forgets the blank line the first line of its body disappears. Relaxing it hides a broken backend — fix the backend when you can.',
    statusCodes: ['502'],
    logLines: [APX_LOG.badHeader],
    defaultValue: 'IsError',
    rules: ['invalid-directive-arguments'],
  }),
  apache('ProxyPreserveHost', 'mod_proxy', {
    summary: 'Whether the client\'s `Host` header is passed to the backend (`On`) instead of the host name from the ProxyPass URL (`Off`).',
    failure:
      'Not an httpd 5xx by itself. With `Off` a backend that serves several names by `Host` gets the internal name and may answer from its default site (404/421 from the backend). With `On` it gets the public name, which it must know, and `ProxyPassReverse` then has to match that name.',
    statusCodes: ['none'],
    logLines: [],
    defaultValue: 'Off',
    rules: ['invalid-directive-arguments'],
  }),
  apache('ProxyRequests', 'mod_proxy', {
    summary: 'Turns on forward (standard) proxying; reverse proxying with ProxyPass works without it.',
    failure:
      'Not a cause of 502/503/504 for reverse proxies — keep it `Off`. `On` without access control turns the server into an open proxy that anyone can use.',
    statusCodes: ['none'],
    logLines: [],
    defaultValue: 'Off',
    rules: ['invalid-directive-arguments'],
  }),
  apache('ProxyErrorOverride', 'mod_proxy', {
    summary: 'Whether 4xx/5xx responses from backends are replaced by this server\'s own error pages (ErrorDocument).',
    failure:
      'With `On` the status code is kept, but the body users see comes from httpd, so a backend\'s own 502/503 page and an httpd-made 502/503 look alike — check the error log: httpd-made errors log AH lines, a backend\'s own 5xx does not (on 2.4.71 not one line, even at `LogLevel info`). The page\'s title may give it away: it carries the backend\'s reason phrase, where httpd\'s 502 for a failed or timed-out read from the backend says `502 Proxy Error` — but not every httpd-made 502 does: for a malformed header from the backend (AH01106, `ProxyBadHeader IsError`) the title is the plain `502 Bad Gateway`, so only the log tells that one apart. Recent 2.4 releases accept a list of codes after `On` to limit which are replaced.',
    statusCodes: ['502', '503', '504'],
    logLines: [],
    defaultValue: 'Off',
    rules: ['invalid-directive-arguments'],
  }),
  apache('ProxySet', 'mod_proxy', {
    summary: 'Sets balancer or worker parameters outside ProxyPass, e.g. `ProxySet balancer://app lbmethod=bybusyness failonstatus=503`; inside `<Proxy>` the URL comes from the section.',
    failure:
      'Has the effects of the parameters it sets; an unknown key stops httpd from starting. On a balancer, `timeout` means how long to wait for a member to leave error state, not the backend I/O timeout.',
    statusCodes: ['503', 'startup-failure'],
    logLines: [],
    rules: ['invalid-worker-parameter', 'balancer-without-failonstatus', 'worker-retry-extremes', 'forcerecovery-off-prolongs-outage'],
  }),
  apache('BalancerMember', 'mod_proxy', {
    summary: 'Adds one backend to a `balancer://` group, with its own worker parameters (`timeout`, `retry`, `status`, `hcmethod`, …).',
    failure: [
      '- Needs mod_proxy_balancer, an `lbmethod_*` module and mod_slotmem_shm.',
      '- Ejection is passive: a member goes into error state when connecting to it fails (`AH00959 … disabling worker … for 60s`, see `retry`). A member that *answers* 500/503 or hangs stays in rotation unless `failonstatus`/`failontimeout` or active health checks (`hcmethod=`, mod_proxy_hcheck) are set.',
      '- When every member is in error state, requests get **503**; `forcerecovery` (On by default) then tries them all again at once.',
      '- `hc*` parameters without mod_proxy_hcheck stop httpd from starting.',
    ].join('\n'),
    statusCodes: ['503', '502', 'startup-failure'],
    logLines: [APX_LOG.workerDisabled, APX_LOG.workerInError, APX_LOG.unknownMemberParam, APX_LOG.unknownHcMethod, APX_LOG.hcDisabling],
    rules: ['balancer-member-without-health-check', 'balancer-single-member', 'balancer-without-failonstatus', 'hcheck-params-without-module', 'worker-retry-extremes', 'invalid-worker-parameter'],
  }),
  apache('Proxy', 'mod_proxy', {
    summary: 'Section for directives that apply to proxied URLs; `<Proxy balancer://name>` holds a balancer\'s BalancerMember and ProxySet lines.',
    failure:
      'The balancer name must match the ProxyPass target exactly: `ProxyPass "/" "balancer://app/"` with members under `<Proxy balancer://ap>` leaves the balancer empty, and every request there gets **503**. Access rules in `<Proxy>` (`Require …`) apply to proxied requests too; a denial is a 403, not a gateway error.',
    statusCodes: ['503'],
    logLines: [],
    rules: ['undefined-balancer'],
  }),
  apache('ProxyHCExpr', 'mod_proxy_hcheck', {
    summary: 'Names an expression that health checks use to judge a backend\'s answer (`hcexpr=name`); without one, a 2xx or 3xx status passes.',
    failure:
      'A member failing its checks is taken out before clients reach it (`AH03303 … DISABLING`, written only at `LogLevel proxy_hcheck:info`; with every member out, clients get **503** and `AH01170`). Referencing an undefined expression stops httpd from starting; an expression that accepts too much keeps a broken member in rotation, so its 502/503s reach clients.',
    statusCodes: ['startup-failure', '503'],
    logLines: [APX_LOG.hcDisabling, APX_LOG.allInError, APX_LOG.unknownHcExpr],
    versions: 'mod_proxy_hcheck since 2.4.21; it needs mod_watchdog.',
    rules: ['balancer-member-without-health-check', 'hcheck-params-without-module'],
  }),
  apache('ProxyHCTemplate', 'mod_proxy_hcheck', {
    summary: 'A named set of health-check parameters that members reuse with `hctemplate=name`.',
    failure:
      'Same as the parameters it holds: without mod_proxy_hcheck, or with an unknown method or expression, or a parameter that is not a health-check one (`timeout=`), httpd refuses to start. Each server keeps its own templates: a member finds one only in its own server (the main server or its `<VirtualHost>`), written above it, in any case; a template of the main server used in a virtual host stops httpd with `BalancerMember Unknown ProxyHCTemplate name: …` (2.4.68). A template that sets no `hcmethod` leaves the default `None`: its members are not checked at all.',
    statusCodes: ['startup-failure'],
    logLines: [APX_LOG.unknownHcMethod],
    versions: 'mod_proxy_hcheck since 2.4.21.',
    rules: ['hcheck-params-without-module', 'invalid-worker-parameter', 'balancer-member-without-health-check'],
  }),
  apache('ProxyIOBufferSize', 'mod_proxy', {
    summary: 'Size of mod_proxy\'s internal scratch buffer between input and output (with AJP: the maximum packet size).',
    failure: 'Almost never worth changing. With AJP it must match the `packetSize` of the Tomcat connector, or large headers and certificate chains break.',
    statusCodes: ['none'],
    logLines: [],
    defaultValue: '8192',
    rules: ['invalid-directive-arguments'],
  }),
  apache('ProxyReceiveBufferSize', 'mod_proxy', {
    summary: 'TCP receive buffer size for proxied connections; `0` keeps the system default.',
    failure: 'A throughput setting, not a cause of 502/503/504. Values other than 0 must be at least 512.',
    statusCodes: ['none'],
    logLines: [],
    defaultValue: '0 (system default)',
    rules: ['invalid-directive-arguments'],
  }),
  apache('ProxyAddHeaders', 'mod_proxy', {
    summary: 'Whether mod_proxy_http adds `X-Forwarded-For`, `X-Forwarded-Host` and `X-Forwarded-Server` to backend requests.',
    failure:
      'Not a gateway-error cause. With `Off`, applications that build absolute URLs or check client addresses from these headers misbehave (wrong redirects, denied clients).',
    statusCodes: ['none'],
    logLines: [],
    defaultValue: 'On',
    rules: ['invalid-directive-arguments'],
  }),
  apache('ProxyWebsocketFallbackToProxyHttp', 'mod_proxy_wstunnel', {
    summary: 'With `On` (the default), mod_proxy_wstunnel hands `ws://` and `wss://` requests to mod_proxy_http whenever that module is loaded too; `Off` keeps them in mod_proxy_wstunnel.',
    failure:
      'On 2.4.47 and later a `ws://`/`wss://` target works with either module: mod_proxy_http accepts those schemes itself (on 2.4.71 a handshake got 101 with only mod_proxy_http loaded), and mod_proxy_wstunnel serves them when mod_proxy_http is absent or this is `Off`. ' +
      'Requests get **500** (`AH01144 … (scheme \'ws\')`) only when neither module is loaded — or, before 2.4.47, when mod_proxy_wstunnel is missing, because older mod_proxy_http takes only `http://`/`https://`. ' +
      'An `http://` ProxyPass is different: mod_proxy_http passes the upgrade on only with `upgrade=websocket`; without it the WebSocket never connects.',
    statusCodes: ['500'],
    logLines: [APX_LOG.noHandler],
    defaultValue: 'On',
    versions: 'The directive since 2.4.48. mod_proxy_http handles `ws://`, `wss://` and `upgrade=` since 2.4.47; before that, `ws://` targets need mod_proxy_wstunnel.',
    rules: ['invalid-directive-arguments', 'websocket-upgrade-not-enabled', 'proxy-scheme-module-missing'],
  }),
];

export const APACHE_PROXY_DOCS: DirectiveDoc[] = DOCS;
