import type { DirectiveDoc } from './directive-doc';
import { APX_LOG } from './log-lines';
import { APACHE_MOD } from './apache-proxy';

type Body = Omit<DirectiveDoc, 'name' | 'server' | 'url'>;
const WORKER_TABLE = `${APACHE_MOD}mod_proxy.html#proxypass`;
const HCHECK = `${APACHE_MOD}mod_proxy_hcheck.html`;

function p(name: string, body: Body, url = WORKER_TABLE): DirectiveDoc {
  return { name, server: 'apache', ...body, url };
}

const hcNeedsModule = 'Needs mod_proxy_hcheck (and mod_watchdog); without it httpd refuses to start.';

const WORKER: DirectiveDoc[] = [
  p('timeout', {
    summary: 'This backend\'s I/O timeout: how long httpd waits for it to send or accept data (and to connect, unless `connectiontimeout` is set).',
    failure: [
      '- Silent longer than this before the status line: **502** through mod_proxy_http (`AH01102` + `AH00898`), **504** through mod_proxy_fcgi (`AH01075`).',
      '- Stall after the header was sent: a truncated 200 (`AH01110`).',
      '- A request body the backend does not read: **504** when this runs out while httpd is still sending (`AH01084` after `(70007)`); only bodies too big for the socket buffers get that far (16 MB did on 2.4.71, 3 MB did not and ended in the 502 above).',
      '- Unset, it is `ProxyTimeout`, which itself defaults to `Timeout` (60).',
      '- Whole seconds only: httpd reads the leading number and ignores what follows, so `timeout=500ms` is accepted but means 500 s (on 2.4.71 `timeout=3ms` gave up after 3 s). `0`, negative values and anything whose number part is 0 (`0.5`) stop httpd from starting (`ProxyPass Timeout must be at least one second`). Unlike `connectiontimeout`, there is no `ms` form.',
    ].join('\n'),
    statusCodes: ['502', '504', 'truncated-200', 'startup-failure'],
    logLines: [APX_LOG.readTimeout, APX_LOG.readError, APX_LOG.fcgiTimeout, APX_LOG.bodyStall, APX_LOG.passBodyTimeout, APX_LOG.timeoutTooSmall],
    defaultValue: '`ProxyTimeout` (which defaults to `Timeout`, 60)',
    variant: 'worker',
    rules: ['proxy-timeout-too-low', 'apache-timeout-not-below-outer-timeout', 'proxytimeout-inherits-timeout'],
  }),
  p('connectiontimeout', {
    summary: 'How long httpd waits for the connection to this backend to be established (seconds, or with a unit: `ms`, `s`, `min`, `h`; `5m` is refused).',
    failure:
      'It defaults to the worker timeout (ProxyTimeout → Timeout, 60 s), so a backend host that is down or firewalled holds each request that long before the **503** (`AH00957` + `AH01114`). A few seconds lets a balancer mark the member failed and move on quickly.',
    statusCodes: ['503'],
    logLines: [APX_LOG.connectTimeout, APX_LOG.noConnection],
    defaultValue: 'the worker `timeout`',
    rules: ['no-connectiontimeout'],
  }),
  p('retry', {
    summary: 'How long a worker in error state is skipped before httpd tries it again; `0` means try again at once.',
    failure:
      'A balancer member that failed to connect is skipped for this long (`AH00959 … disabling worker … for 60s`); if every member is skipped, requests get **503**. In the lab a plain ProxyPass worker (no balancer) was tried again on every request instead, unless it had `status=-I`: then it was skipped for `retry` seconds too, each request getting **503** with `AH00940 … disabled connection for (host:port)`. `retry=0` keeps hammering a dead backend; very large values keep a recovered one out of rotation. Whole seconds only: httpd reads the leading digits, so `retry=3000ms` is 3000 s (2.4.71 logged `… for 3000s`) and `retry=abc` is 0; a negative value stops httpd (`Retry must be a positive value`).',
    statusCodes: ['503'],
    logLines: [APX_LOG.workerDisabled, APX_LOG.workerInError],
    defaultValue: '60',
    rules: ['worker-retry-extremes', 'worker-timeout-unit-ignored'],
  }),
  p('ttl', {
    summary: 'Idle pooled connections to this backend older than this many seconds are not reused.',
    failure:
      'Without it, httpd may reuse a pooled connection that the backend has just closed for being idle (Node.js ≤ 25: 5 s, gunicorn: 2 s, Apache: 5 s). What the client sees depends on *its own* connection to httpd: the first request on it gets **502** (`AH01102: error reading status line` after `(20014)`, then `AH00898`); a later request on a keep-alive client connection gets no answer at all, httpd just closes that connection (on 2.4.71 only the `AH01102` line was logged), and whether the request is sent again is up to the client. Set it below the backend\'s keep-alive timeout, e.g. `ttl=4` for Node.js.',
    statusCodes: ['502', 'connection-closed'],
    logLines: [APX_LOG.closedByBackend, APX_LOG.readError],
    rules: ['pooled-connection-outlives-backend-keepalive'],
  }),
  p('keepalive', {
    summary: 'Turns on TCP keepalive probes on connections to this backend (to keep firewalls from dropping idle connections).',
    failure:
      'Only OS-level TCP probes, at the interval the OS sets (possibly two hours). It does *not* switch HTTP keep-alive or connection reuse on or off — that is `disablereuse`/`enablereuse`, and the reuse race is handled with `ttl`.',
    statusCodes: ['none'],
    logLines: [],
    defaultValue: 'Off',
    rules: ['keepalive-param-is-tcp-keepalive'],
  }),
  p('disablereuse', {
    summary: 'With `On`, httpd closes the backend connection after each request instead of pooling it.',
    failure:
      'Pooling (the default for `http://` backends; `fcgi://` backends are not pooled unless `enablereuse=on` is written) risks the reuse race — a backend closing an idle connection just as httpd reuses it (sporadic **502**, `AH01102`; **503** for an `fcgi://` worker with `enablereuse=on`, `AH01067` then `AH01075`, or `AH01074`) — and, pooled or not (`fcgi://`, `scgi://` and `uwsgi://` too), httpd resolves the backend name only once per child process (stale IP → **503** after the backend moves). `On` avoids both at the cost of a new connection per request.',
    statusCodes: ['502', '503'],
    logLines: [APX_LOG.closedByBackend],
    defaultValue: 'Off (mod_proxy_fcgi: no reuse unless `enablereuse=on`)',
    rules: ['pooled-connection-outlives-backend-keepalive', 'backend-dns-cached-per-child'],
  }),
  p('enablereuse', {
    summary: 'The inverse of `disablereuse`. mod_proxy_http pools backend connections without it; mod_proxy_fcgi reuses them only when it is written (`enablereuse=on`, or `disablereuse=off`).',
    failure:
      'On 2.4.71 an `fcgi://` worker without it opened a new connection for every request (FastCGI requests without FCGI_KEEP_CONN); with `enablereuse=on` three requests shared one connection. A `ProxyPassMatch` whose URL holds `$1` is not pooled without it either (2.4.47 and later). Turning reuse on brings the same trade-off as for HTTP: keep pooled connections shorter-lived than the backend\'s idle timeout (`ttl`), or a request on a pooled connection the backend has just closed fails: **502** through mod_proxy_http (`AH01102`), **503** through mod_proxy_fcgi (`AH01067` then `AH01075` while it reads the answer, `AH01074 … Failed writing Environment` while it still sends the request; on 2.4.71).',
    statusCodes: ['502', '503'],
    logLines: [APX_LOG.closedByBackend, APX_LOG.fcgiNoHeader, APX_LOG.fcgiDispatchFailed, APX_LOG.fcgiSendFailed],
    defaultValue: 'On for mod_proxy_http (Off for a ProxyPassMatch URL with `$`); mod_proxy_fcgi does not reuse unless it is written',
  }),
  p('addressttl', {
    summary: 'How long (seconds) a resolved backend address is cached; `-1` keeps it until the child process exits.',
    failure:
      'Unless reuse is switched off (`disablereuse=On`), a backend host name is resolved once per child process, also for `fcgi://`, `scgi://` and `uwsgi://` workers whose connections are not pooled (seen on 2.4.71). When the backend moves to another IP, connects go to the old address and fail with **503** (`AH00957` + `AH01114`) until the children are recycled. `addressttl=30` (or `disablereuse=On`) follows DNS changes.',
    statusCodes: ['503'],
    logLines: [APX_LOG.connectTimeout, APX_LOG.noConnection],
    defaultValue: '-1',
    versions: 'Since 2.4.59; earlier releases reject the parameter and refuse to start.',
    rules: ['backend-dns-cached-per-child'],
  }),
  p(
    'hcmethod',
    {
      summary: 'Active health-check method for this member: `None` (default), `TCP`, `OPTIONS`, `HEAD`, `GET`, `CPING` (AJP), `PROVIDER`, and `OPTIONS11`/`HEAD11`/`GET11`.',
      failure:
        `With \`None\` a member is ejected only when connecting to it fails; one that answers 500/503 or hangs stays in rotation and its errors reach clients. With a check, a failing member is disabled before clients hit it (\`AH03303 … DISABLING\`, written only at \`LogLevel proxy_hcheck:info\`: at the default \`warn\` nothing says a member was taken out, and once all are, clients get **503** with \`AH01170\`). ${hcNeedsModule} An unknown method stops the start too.`,
      statusCodes: ['503', '502', 'startup-failure'],
      logLines: [APX_LOG.hcDisabling, APX_LOG.allInError, APX_LOG.unknownMemberParam, APX_LOG.unknownHcMethod],
      defaultValue: 'None',
      versions: 'mod_proxy_hcheck since 2.4.21; the `*11` (HTTP/1.1) methods since 2.4.55.',
      rules: ['balancer-member-without-health-check', 'hcheck-params-without-module'],
    },
    HCHECK,
  ),
  p(
    'hcuri',
    {
      summary: 'Path appended to the member URL for `OPTIONS`/`HEAD`/`GET` health checks.',
      failure: `Point it at an endpoint that fails when the application is unhealthy; a check of a static page keeps a broken member in rotation (its 502/503s reach clients). ${hcNeedsModule}`,
      statusCodes: ['503', 'startup-failure'],
      logLines: [APX_LOG.unknownMemberParam],
      rules: ['balancer-member-without-health-check', 'hcheck-params-without-module'],
    },
    HCHECK,
  ),
  p(
    'hcinterval',
    {
      summary: 'Seconds between two health checks of this member.',
      failure: `A member that breaks keeps receiving traffic for up to about \`hcinterval\` × \`hcfails\` before it is disabled; clients get its errors meanwhile. ${hcNeedsModule}`,
      statusCodes: ['503', 'startup-failure'],
      logLines: [APX_LOG.hcDisabling],
      defaultValue: '30',
      rules: ['hcheck-params-without-module'],
    },
    HCHECK,
  ),
  p(
    'hcpasses',
    {
      summary: 'Consecutive passed checks before a disabled member is used again.',
      failure: `Higher values keep a flapping member out longer; with 1 it returns after a single good check. ${hcNeedsModule}`,
      statusCodes: ['503', 'startup-failure'],
      logLines: [],
      defaultValue: '1',
      rules: ['hcheck-params-without-module'],
    },
    HCHECK,
  ),
  p(
    'hcfails',
    {
      summary: 'Consecutive failed checks before a member is disabled.',
      failure: `Higher values tolerate blips but leave a dead member in rotation longer (≈ hcinterval × hcfails), during which its requests fail. ${hcNeedsModule}`,
      statusCodes: ['503', 'startup-failure'],
      logLines: [APX_LOG.hcDisabling],
      defaultValue: '1',
      rules: ['hcheck-params-without-module'],
    },
    HCHECK,
  ),
  p(
    'hcexpr',
    {
      summary: 'Name of a `ProxyHCExpr` expression that decides whether a health-check response passes; without it a 2xx or 3xx status passes.',
      failure: `Without it, on 2.4.71 members answering 404 and 500 to \`hcmethod=GET\` were disabled and, with no member left, clients got **503** (\`AH01170: balancer://app: All workers are in error state\`), while a member answering 302 stayed in. A name that no ProxyHCExpr defines stops httpd from starting. ${hcNeedsModule}`,
      statusCodes: ['503', 'startup-failure'],
      logLines: [APX_LOG.allInError, APX_LOG.unknownHcExpr],
      rules: ['hcheck-params-without-module'],
    },
    HCHECK,
  ),
  p(
    'hctemplate',
    {
      summary: 'Name of a `ProxyHCTemplate` whose health-check parameters this member uses.',
      failure: hcNeedsModule,
      statusCodes: ['startup-failure'],
      logLines: [APX_LOG.unknownMemberParam],
      rules: ['hcheck-params-without-module'],
    },
    HCHECK,
  ),
  p('status', {
    summary: 'Initial state flags of the worker: `D` disabled, `S` stopped, `I` ignore errors, `R` hot spare, `H` hot standby, `E` in error, `N` draining; `+`/`-` set or clear.',
    failure:
      '`+H` marks a hot standby that is used only when no other member is usable — the thing that stands between "all members failed" and **503**. `+I` makes httpd treat the member as always available, so its failures go straight to clients: on 2.4.71 a `+I` member that refused connections was never put in error state (no `AH00959`) and kept getting every other request, each a 503, with no failover to the healthy member. On 2.4.71 a plain ProxyPass worker (no balancer) that refused connections was not put in error state either, unless it had `status=-I`. If every member is disabled, stopped or in error, requests get **503**; a ProxyPass worker with `+D` answers every request with **503** and `AH00940`.',
    statusCodes: ['503'],
    logLines: [APX_LOG.workerInError],
    rules: ['balancer-single-member'],
  }),
  p('upgrade', {
    summary: 'Protocol that mod_proxy_http accepts in a client `Upgrade` request (e.g. `upgrade=websocket`). On a `ws://`/`wss://` target `websocket` is accepted without it, by mod_proxy_http (2.4.47 and later) or mod_proxy_wstunnel.',
    failure:
      'Without it, WebSocket requests through an `http://` ProxyPass are not upgraded: the handshake fails or the client falls back to polling — not a gateway error, but the feature is down.',
    statusCodes: ['none'],
    logLines: [],
    versions: 'Tunnelling through mod_proxy_http with this parameter since 2.4.47.',
    rules: ['websocket-upgrade-not-enabled'],
  }),
  p('responsefieldsize', {
    summary: 'The longest response header line (bytes) httpd accepts from this backend; `0` keeps the 8192 default.',
    failure: 'A longer header line (large cookies, tokens, CSP) makes httpd reject the response with **502** (`AH10124` then `AH01106`).',
    statusCodes: ['502'],
    logLines: [APX_LOG.bigHeader, APX_LOG.bigHeaderBad],
    defaultValue: '8192',
    versions: 'Since 2.4.34; earlier releases reject the parameter.',
    rules: ['response-field-size-too-small'],
  }),
  p('iobuffersize', {
    summary: 'Per-worker override of `ProxyIOBufferSize` (the internal scratch buffer).',
    failure: 'Not a cause of 502/503/504 in practice; with AJP it must match the connector\'s packet size.',
    statusCodes: ['none'],
    logLines: [],
    defaultValue: '8192',
  }),
  p('receivebuffersize', {
    summary: 'Per-worker override of `ProxyReceiveBufferSize` (TCP receive buffer).',
    failure: 'A throughput setting; not a cause of gateway errors.',
    statusCodes: ['none'],
    logLines: [],
    defaultValue: '0 (system default)',
  }),
  p('ping', {
    summary: 'Probe the backend before sending the request: over HTTP/1.1, a request *with a body* goes out with `Expect: 100-continue`, and the backend must answer within this time before the body is sent; AJP backends get a CPING.',
    failure:
      'Over HTTP it covers requests with a body only. On 2.4.71, with `ping=1 timeout=3`, a POST to a hung backend got **503** after 1 s (`AH00898: Timeout on 100-Continue returned by …`), but a GET to the same backend still waited the full 3 s and got the usual 502. ' +
      'A backend that never sends `100 Continue` (it waits for the body instead) fails the same probe: every request with a body gets that 503 although the backend is healthy, so check that it answers `Expect: 100-continue` before setting this. No effect on HTTP/1.0 backends.',
    statusCodes: ['503'],
    logLines: [APX_LOG.pingTimeout],
    defaultValue: '0 (off)',
  }),
  p('max', {
    summary: 'Most connections to this backend per child process (default: the MPM\'s threads per child; 1 with prefork).',
    failure:
      'The limit is per child process, not global, so the backend can see max × number of children connections. Lower values make requests wait for a free connection (on 2.4.71 with `max=1`, a second request sent while the first held the connection for 2 s waited for it and was served over the same connection); with `acquire` set they get **503** when that wait runs out (`AH00941`).',
    statusCodes: ['503'],
    logLines: [APX_LOG.acquireFailed],
    defaultValue: '`ThreadsPerChild` (1 with prefork)',
  }),
  p('smax', {
    summary: 'Pooled connections above this number are closed once idle longer than `ttl`.',
    failure: 'Only shapes the pool; together with `ttl` it decides how long idle connections survive — keep them shorter-lived than the backend\'s idle timeout, or reuse fails with 502.',
    statusCodes: ['none'],
    logLines: [],
    defaultValue: 'max',
  }),
  p('min', {
    summary: 'Pool entries kept allocated even when idle (memory, not connections).',
    failure: 'No effect on failures.',
    statusCodes: ['none'],
    logLines: [],
    defaultValue: '0',
  }),
  p('acquire', {
    summary: 'Longest time (milliseconds) a request waits for a free pooled connection to this backend.',
    failure: 'When it runs out, the client gets **503** (server busy) without the backend ever seeing the request: on 2.4.71 with `max=1 acquire=500` a request that found the only connection busy got 503 after 0.5 s, logged as `AH00941: http: failed to acquire connection for (…)` after `(70007)`. On a balancer member the balancer first goes on to its next member: there a free member answered 200, and with both members busy the request waited each one\'s `acquire` (two `AH00941` lines) before its 503.',
    statusCodes: ['503'],
    logLines: [APX_LOG.acquireFailed],
  }),
  p('flushpackets', {
    summary: 'Whether proxied output is flushed to the client after each chunk: `off`, `on`, or `auto` (when no data arrived for `flushwait` ms). Only mod_proxy_ajp and mod_proxy_fcgi honour it; mod_proxy_http streams without it.',
    failure: 'With `off`, streamed output (progress updates, event streams from PHP) reaches clients in bursts: on 2.4.71 a FastCGI backend\'s first line, sent 1.5 s before the rest, reached the client only with the rest, and at once with `flushpackets=on`; an `http://` backend\'s was passed on at once either way. Not a 5xx, but clients with their own idle timeouts may give up.',
    statusCodes: ['none'],
    logLines: [],
    defaultValue: 'off',
  }),
  p('flushwait', {
    summary: 'With `flushpackets=auto`, how long (ms) to wait for more data before flushing.',
    failure: 'No effect on gateway errors.',
    statusCodes: ['none'],
    logLines: [],
    defaultValue: '10',
  }),
  p('lbset', {
    summary: 'Balancer set of the member: members of lower-numbered sets are used first, higher sets only when all lower ones are unusable.',
    failure: 'A higher set works as a fallback tier; if every set is unusable, requests get **503**.',
    statusCodes: ['503'],
    logLines: [],
    defaultValue: '0',
  }),
  p('loadfactor', {
    summary: 'The member\'s relative weight in the balancer.',
    failure: 'Only shifts the share of requests; a heavier member that fails affects more requests until it is put in error state.',
    statusCodes: ['none'],
    logLines: [],
    defaultValue: '1',
  }),
  p('route', {
    summary: 'Route name of the member, appended to session ids for sticky sessions.',
    failure: 'With sticky sessions and `nofailover=On`, sessions routed to a failed member break (503) instead of moving.',
    statusCodes: ['503'],
    logLines: [],
  }),
];

const BALANCER: DirectiveDoc[] = [
  p('timeout', {
    summary: 'On a balancer: how long (seconds) a request may wait for a member to become usable again when none is (all in error state or disabled); by default it does not wait.',
    failure: 'With the default, a request that finds no usable member gets **503** at once (`AH01170`). It only comes into play with `forcerecovery=Off`, since the default forcerecovery tries members in error state again straight away: on 2.4.71 with `forcerecovery=Off timeout=4` a request after a member\'s failure waited until its `retry=2` had passed and got 200, and without `timeout` it got 503 at once. It does not wait for a *busy* member: a request short of a pooled connection still got its `acquire` 503 after 0.5 s. (On a worker, `timeout` is the backend I/O timeout.)',
    statusCodes: ['503'],
    logLines: [APX_LOG.allInError],
    defaultValue: '0 (do not wait)',
    variant: 'balancer',
  }),
  p('lbmethod', {
    summary: 'Scheduling method of the balancer: `byrequests` (default), `bytraffic`, `bybusyness`, `heartbeat`.',
    failure: [
      '- Each method needs its `lbmethod_*` module loaded, or httpd refuses to start. A method named here is looked up while httpd reads the line, so `apachectl configtest` already fails: `ProxySet: unknown lbmethod lbmethod=bybusyness; balancer://app` (ProxySet names the word and the balancer as written) or just `ProxyPass unknown lbmethod`.',
      '- Without `lbmethod=` the balancer uses `byrequests`. If mod_lbmethod_byrequests is not loaded, configtest says Syntax OK, but the start fails with `AH02432: Cannot find LB Method: byrequests`, then `AH01183` and `AH00020`.',
      '- `bybusyness` sends fewer requests to members that are slow to answer, which limits how many requests a struggling member can ruin.',
    ].join('\n'),
    statusCodes: ['startup-failure'],
    logLines: [APX_LOG.unknownLbmethodSet, APX_LOG.unknownLbmethodPass, APX_LOG.lbMethodMissing, APX_LOG.balancerNotShared, APX_LOG.configFailed],
    defaultValue: 'byrequests',
    rules: ['proxy-scheme-module-missing'],
  }),
  p('maxattempts', {
    summary: 'How many more tries a request gets after its first one fails before httpd gives up; a member may be tried again when all have failed.',
    failure:
      'Only a member httpd gives up before sending the request (a failed connect, a pool busy past `acquire`) leads to another try: a timeout or a reset ends the request at once (502). When the tries are used up the client gets **503**: on 2.4.71 three refused members were each tried once (`AH00957`, `AH00959`, `AH01114` per member); with two members and `maxattempts=4` the request made five tries, the members again; with `forcerecovery=Off` a request whose members had all failed ended with `AH01170` instead.',
    statusCodes: ['503'],
    logLines: [APX_LOG.workerDisabled, APX_LOG.allInError],
    defaultValue: 'one less than the number of members; with a single member 0 (it is tried once: the manual\'s "1" is not what 2.4.71 does)',
    rules: ['balancer-single-member'],
  }),
  p('failonstatus', {
    summary: 'Status codes (comma-separated) that put a member into error state when it returns them, e.g. `failonstatus=502,503,504`.',
    failure:
      'Without it, a member that answers 503 (overloaded, deploying) stays in rotation and its errors keep reaching clients. With it, the member is skipped for `retry` seconds after such an answer; the request that received the status still gets it.',
    statusCodes: ['502', '503', '504'],
    logLines: [APX_LOG.failOnStatus],
    rules: ['balancer-without-failonstatus'],
  }),
  p('failontimeout', {
    summary: 'With `On`, a read timeout after the request was sent puts the member into error state, when the module talking to it reports the timeout: mod_proxy_http does, mod_proxy_fcgi does not.',
    failure:
      'Without it, a member that hangs keeps receiving requests, each of which waits the full timeout and ends in 502 (mod_proxy_http). For `fcgi://` members it does nothing: mod_proxy_fcgi answers 504 without telling the balancer it was a timeout (on 2.4.71 a hanging member kept every second request), so list 504 in `failonstatus` instead.',
    statusCodes: ['502', '504'],
    logLines: [APX_LOG.failOnTimeout],
    defaultValue: 'Off',
    versions: 'Since 2.4.5.',
    rules: ['balancer-without-failonstatus'],
  }),
  p('forcerecovery', {
    summary: 'When every member is in error state, try them all again at once, ignoring `retry`.',
    failure:
      'On by default, so an all-failed balancer is retried on every request (each logging `AH00959` again) and requests get **503** while it stays down. `Off` protects an overloaded backend from the rush, at the cost of waiting out `retry`.',
    statusCodes: ['503'],
    logLines: [APX_LOG.workerDisabled, APX_LOG.allInError],
    defaultValue: 'On',
    versions: 'Since 2.4.2.',
    rules: ['forcerecovery-off-prolongs-outage'],
  }),
  p('nofailover', {
    summary: 'With `On`, sticky sessions are not moved to another member when theirs fails.',
    failure: 'Sessions bound to a failed or disabled member break: their requests fail (**503**) instead of failing over. On 2.4.71 the first request routed to a member that refused connections already got 503 (without nofailover it was served by the other member), and every one after it got 503 at once with `AH01167: balancer://app: All workers are in error state for route (a)` until `retry` ran out. Meant for backends without session replication.',
    statusCodes: ['503'],
    logLines: [APX_LOG.routeInError],
    defaultValue: 'Off',
  }),
  p('stickysession', {
    summary: 'Name of the cookie or URL parameter holding the session route (e.g. `JSESSIONID|jsessionid`).',
    failure: 'Sticky requests follow their member; when it fails they move to another unless `nofailover=On`, where they get 503 (`AH01167 … All workers are in error state for route (…)`).',
    statusCodes: ['503'],
    logLines: [APX_LOG.routeInError],
  }),
];

const byName = (docs: DirectiveDoc[]) => Object.fromEntries(docs.map((d) => [d.name, d]));

export const APACHE_WORKER_PARAM_DOCS: Record<string, DirectiveDoc> = byName(WORKER);
export const APACHE_BALANCER_PARAM_DOCS: Record<string, DirectiveDoc> = byName(BALANCER);
