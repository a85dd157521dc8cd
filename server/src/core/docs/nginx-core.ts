import type { DirectiveDoc } from './directive-doc';
import { NGX_LOG } from './log-lines';

type Body = Omit<DirectiveDoc, 'name' | 'server' | 'url'>;

function doc(name: string, module: string, body: Body): DirectiveDoc {
  return { name, server: 'nginx', ...body, url: `https://nginx.org/en/docs/http/ngx_http_${module}_module.html#${name}` };
}

const CORE: DirectiveDoc[] = [
  doc('resolver', 'core', {
    summary: 'DNS servers nginx uses at run time: for pass targets that contain variables and for upstream servers marked `resolve`.',
    failure: [
      '- **No resolver** while a pass target holds a variable with a hostname → every such request fails with **502** `no resolver defined to resolve …` (IP-only values need no resolver).',
      '- **Resolver unreachable or slow** → each request waits up to `resolver_timeout` (30s by default) and then gets **502** `… could not be resolved (110: Operation timed out)`.',
      '- **The name has no address** (it does not exist, or a typo in the variable\'s value) → the resolver answers at once and the request gets **502** `… could not be resolved (3: Host not found)`.',
      '- Answers are cached for their DNS TTL unless `valid=` overrides it. nginx asks for IPv6 as well as IPv4 addresses, and AAAA answers become peers. On a host without IPv6 routes each of them fails at once with `connect() to [<address>]:<port> failed (101: Network is unreachable)` (plus `upstream server temporarily disabled`): with an IPv4 address as well nginx moves on to it and the client still gets 200, with only AAAA answers it gets **502**. `ipv6=off` stops the AAAA questions.',
      '- Hostnames written without variables are *not* resolved through this directive: they are looked up once at start-up (and break the start if they do not resolve).',
    ].join('\n'),
    statusCodes: ['502'],
    logLines: [NGX_LOG.noResolver, NGX_LOG.resolverRefused, NGX_LOG.resolveTimeout, NGX_LOG.resolveNotFound, NGX_LOG.v6Unreachable],
    defaultValue: 'none',
    versions: '`ipv4=off` since 1.23.1. Also allowed inside `upstream {}` since 1.27.3.',
    rules: ['variable-pass-without-resolver', 'resolver-timeout-too-long', 'resolve-without-prerequisites'],
  }),
  doc('resolver_timeout', 'core', {
    summary: 'How long nginx waits for a DNS answer from `resolver` before giving up on a run-time lookup.',
    failure:
      'Run-time lookups happen on the request path (variable pass targets). When the resolver does not answer, each affected request hangs for this long and then fails with **502** `… could not be resolved (110: Operation timed out)`. ' +
      'The 30s default is long compared with typical read timeouts; a few seconds is usually enough.',
    statusCodes: ['502'],
    logLines: [NGX_LOG.resolverRefused, NGX_LOG.resolveTimeout],
    defaultValue: '30s',
    versions: 'Also allowed inside `upstream {}` since 1.27.3.',
    rules: ['resolver-timeout-too-long'],
  }),
  doc('client_body_timeout', 'core', {
    summary: 'How long nginx waits between two reads of the request body from the client.',
    failure:
      'Client side, not an upstream failure: a client that stops sending the body for this long gets its connection closed with **408** (in the access log; no answer is sent). The same holds when `proxy_request_buffering off` streams the upload through: while nginx waits for more of the body, the backend\'s `proxy_send_timeout` is not running (nginx 1.22.1: a 2.5 s pause with `proxy_send_timeout 1s` still got 200), so this is the only timer a pausing client meets.',
    statusCodes: ['408'],
    logLines: [],
    defaultValue: '60s',
  }),
  doc('client_header_timeout', 'core', {
    summary: 'How long nginx waits for the client to send the complete request header.',
    failure:
      'Client side only: when it expires nginx closes the connection without sending anything. The **408** shows only in the access log, and only when part of the request had arrived; a connection that sent nothing at all leaves no access-log line. The backend is never contacted. Not a cause of 502/504.',
    statusCodes: ['408'],
    logLines: [],
    defaultValue: '60s',
  }),
  doc('send_timeout', 'core', {
    summary: 'How long nginx waits between two writes of the response to the client.',
    failure:
      'Client side: if the client does not accept data for this long, nginx closes the connection — the client sees a cut-off response, not a 5xx; the access log shows 200 with the bytes actually sent. ' +
      'The line `client timed out (110: Connection timed out) while sending to client` is logged at level `info`, so an error log at the default level shows nothing. ' +
      'With `proxy_buffering off` a stalled client also holds the backend connection until this fires (nginx 1.22.1: closed after 1 s with `send_timeout 1s`, after 3 s with `3s`); with buffering on the same happens once the buffers are full and `proxy_max_temp_file_size` allows no (more) temporary file.',
    statusCodes: ['truncated-200'],
    logLines: [NGX_LOG.clientSendTimeout],
    defaultValue: '60s',
  }),
  doc('keepalive_timeout', 'core', {
    summary: 'How long an idle keep-alive connection *from a client* stays open (this is the client-side meaning; inside `upstream {}` it limits idle connections to backends).',
    failure:
      'It matters when nginx sits behind a load balancer: the balancer reuses idle connections to nginx, and if nginx closes one just as the balancer sends a request on it, the balancer answers **502** itself. ' +
      'AWS asks for the application\'s idle timeout to be longer than the balancer\'s (ALB/CLB default 60 s); nginx\'s 75s default satisfies that, values below 60s do not.',
    statusCodes: ['502'],
    logLines: [],
    defaultValue: '75s',
  }),
  doc('client_max_body_size', 'core', {
    summary: 'Largest request body nginx accepts from a client; `0` disables the check.',
    failure:
      'Too large a body gets **413 Request Entity Too Large** from nginx itself — a client-side limit, *not* a 502/504, and the backend never sees the request. Browsers often show it poorly, so upload failures get reported as "the proxy is broken".',
    statusCodes: ['413'],
    logLines: [],
    expectedLogLines: ['client intended to send too large body: 10485760 bytes'],
    defaultValue: '1m',
  }),
  doc('large_client_header_buffers', 'core', {
    summary: 'Number and size of the buffers for large client request lines and headers.',
    failure:
      'Client side: a request line longer than one buffer gets **414**, a single header field longer than one buffer gets **400**. Not a gateway error — the matching limit for *response* headers from the backend is `proxy_buffer_size` (and its fastcgi/uwsgi/scgi/grpc analogues), which fails with 502.',
    statusCodes: ['400', '414'],
    logLines: [],
    defaultValue: '4 8k',
  }),
  doc('error_page', 'core', {
    summary: 'Serves a different URI (or redirect) for the listed status codes.',
    failure: [
      '`error_page 502 503 504 /50x.html;` only changes what users see; the status stays 502/504 in the access log unless you add `=code`. It can still mask failures:',
      '- With `=200` (or another code) gateway errors look like successes to monitoring that checks status codes.',
      '- A friendly page hides *which* component failed. A 502/504 nginx makes because a backend failed has an error-log line, but one from `return 502` or replayed from the cache (`proxy_cache_valid` covering 502/504) has none; with `proxy_intercept_errors on` the backend\'s own 5xx pages get replaced too, and they leave no line either.',
      '- If the error URI itself is proxied to the failing backend, that second request fails too and users get nginx\'s own error page with the status of that second failure (`recursive_error_pages` is off); with it on, an error page that keeps failing ends after 10 internal redirects in a 500 ("rewrite or internal redirection cycle").',
    ].join('\n'),
    statusCodes: ['502', '503', '504'],
    logLines: [],
  }),
  doc('auth_request', 'auth_request', {
    summary: 'Authorizes each request with a subrequest to the given URI: 2xx allows, 401/403 deny.',
    failure:
      'Any other answer from the subrequest is an error, and the client gets **500** — not 502. So when the auth service is down or slow, its subrequest fails with 502/504 (with the usual upstream log lines) and users see 500. ' +
      'Auth services often set large cookies or tokens: a response header above `proxy_buffer_size` in the auth location fails the subrequest with 502 → 500 to the user.',
    statusCodes: ['500'],
    logLines: [NGX_LOG.refused, NGX_LOG.tooBig, NGX_LOG.authUnexpected],
    defaultValue: 'off',
    rules: ['header-buffer-too-small'],
  }),
  doc('limit_req', 'limit_req', {
    summary: 'Rate-limits requests per key using a `limit_req_zone`; excess requests beyond `burst` are rejected.',
    failure:
      'Rejected requests get **503** by default (`limit_req_status`) — the same code a dead backend produces on Apache and a backend\'s own overload answer, so it is easily mistaken for an upstream failure. Check the error log for `limiting requests`, or set `limit_req_status 429;`.',
    statusCodes: ['503'],
    logLines: [],
    expectedLogLines: ['limiting requests, excess: 5.120 by zone "one", client: 192.0.2.1'],
    defaultValue: 'none (rejected with limit_req_status, default 503)',
  }),
  doc('limit_req_status', 'limit_req', {
    summary: 'Status code for requests rejected by `limit_req`.',
    failure: 'Defaults to **503**, which looks like a backend outage in dashboards. `429` makes rate limiting distinguishable from real 5xx failures.',
    statusCodes: ['503'],
    logLines: [],
    defaultValue: '503',
  }),
  doc('limit_conn', 'limit_conn', {
    summary: 'Limits simultaneous connections (with HTTP/2 and HTTP/3: simultaneous requests) per key using a `limit_conn_zone`.',
    failure:
      'Requests over the limit get **503** by default (`limit_conn_status`) — easily confused with an upstream failure. Check the error log for `limiting connections`, or set `limit_conn_status 429;`.',
    statusCodes: ['503'],
    logLines: [],
    expectedLogLines: ['limiting connections by zone "addr", client: 192.0.2.1'],
    defaultValue: 'none (rejected with limit_conn_status, default 503)',
  }),
  doc('limit_conn_status', 'limit_conn', {
    summary: 'Status code for requests rejected by `limit_conn`.',
    failure: 'Defaults to **503**, which looks like a backend outage in dashboards; `429` keeps the two apart.',
    statusCodes: ['503'],
    logLines: [],
    defaultValue: '503',
  }),
];

export const NGINX_CORE_DOCS: Record<string, DirectiveDoc> = Object.fromEntries(CORE.map((d) => [d.name, d]));
