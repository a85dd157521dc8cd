import type { DirectiveDoc } from './directive-doc';
import { NGX_LOG } from './log-lines';

type Body = Omit<DirectiveDoc, 'name' | 'server' | 'url'>;
const UPSTREAM = 'https://nginx.org/en/docs/http/ngx_http_upstream_module.html#';
const STREAM_UPSTREAM = 'https://nginx.org/en/docs/stream/ngx_stream_upstream_module.html#';

function up(name: string, body: Body, url = UPSTREAM + name): DirectiveDoc {
  return { name, server: 'nginx', ...body, url };
}

// Both seen on nginx 1.22.1 when the backend ends a reused connection: a close gives the first, a reset the second.
const RACE_LOGS = { logLines: [NGX_LOG.premature, NGX_LOG.resetBeforeHeader] };

const METHOD_ORDER = 'Before 1.29.7 a balancing method had to be written *before* `keepalive` in the block; otherwise keep-alive or the method was silently lost.';
const NO_BACKUP = 'It cannot be combined with `backup` servers: nginx refuses to start.';

const BLOCK: DirectiveDoc[] = [
  up('upstream', {
    summary: 'Defines a named group of backend servers that `proxy_pass`, `fastcgi_pass`, `uwsgi_pass`, `scgi_pass` and `grpc_pass` can point to.',
    failure: [
      '- Requests are spread by weighted round-robin unless a method is set. When a try fails with an error or timeout, the request moves to the next server; if none succeeds, the client gets the result of the last one (502 or 504).',
      '- A server that fails `max_fails` times within `fail_timeout` is skipped for `fail_timeout`. When every server is skipped, requests get **502** `no live upstreams` at once — since 1.11.5 nginx waits for `fail_timeout` to expire instead of resetting the counters.',
      '- A group with a single server never marks it unavailable: every request goes to it and every failure reaches the client.',
      '- Without `zone`, each worker process keeps its own failure counters.',
      '- A pass directive naming a group that does not exist is taken as a hostname, and nginx will not start (`host not found in upstream`).',
    ].join('\n'),
    statusCodes: ['502', '504', 'startup-failure'],
    logLines: [NGX_LOG.noLive, NGX_LOG.serverDisabledConnect, NGX_LOG.noServers, NGX_LOG.hostNotFound],
    versions: '1.11.5: a group whose servers all failed waits `fail_timeout` instead of resetting. 1.29.7: `keepalive 32 local` is on for every group by default (older versions reject both `local` and `keepalive 0`).',
    rules: ['single-server-upstream', 'no-backup-server', 'undefined-upstream', 'unbounded-retries', 'max-fails-zero'],
  }),
  up('keepalive', {
    summary: 'Size of each worker\'s cache of idle connections to the group\'s servers (connection reuse); from 1.29.7, `0` turns the default cache off.',
    failure: [
      '- **Race with the backend\'s idle timeout**: when the backend closes a pooled connection just as nginx reuses it, idempotent requests are retried transparently, but POST, PATCH and LOCK are not (unless `non_idempotent`), so users see sporadic **502**s on writes. Keep the upstream `keepalive_timeout` below the backend\'s idle timeout (Node.js ≤ 25: 5 s, gunicorn: 2 s, Apache: 5 s).',
      '- **Before 1.29.7 it does nothing for HTTP** unless the location also sets `proxy_http_version 1.1` and `proxy_set_header Connection "";`. FastCGI always needs `fastcgi_keep_conn on`; SCGI and uwsgi have no keep-alive at all.',
      `- ${METHOD_ORDER}`,
      '- It limits only *idle* cached connections, not how many connections a worker opens.',
    ].join('\n'),
    statusCodes: ['502'],
    ...RACE_LOGS,
    defaultValue: '`32 local` since 1.29.7; off before',
    versions:
      'Since 1.1.4. Since 1.29.7 on by default (32 idle connections per worker; `local` = not shared between locations) and independent of where the balancing method is written. ' +
      'Older versions take only a positive number and refuse to start otherwise: `keepalive 0;` gives `[emerg] invalid value "0" in "keepalive" directive`, `keepalive 32 local;` gives `invalid number of arguments in "keepalive" directive` (nginx 1.22.1). There, leaving the line out is what keeps no idle connections.',
    rules: ['upstream-keepalive-ineffective', 'keepalive-timeout-races-backend', 'fastcgi-keepalive-without-keep-conn', 'keepalive-before-balancing-method', 'keepalive-ignored-for-uwsgi-scgi'],
  }),
  up('zone', {
    summary: 'Shared memory for the group\'s configuration and run-time state, so that all worker processes see the same server states.',
    failure: [
      '- Without it each worker counts failures on its own: a dead server is discovered separately by every worker, so more requests reach it (502/504) before it is skipped; `max_conns` is enforced per worker too.',
      '- Required by `server … resolve` (nginx refuses to start without it) and by NGINX Plus `health_check`.',
    ].join('\n'),
    statusCodes: ['502', '504', 'startup-failure'],
    logLines: [],
    expectedLogLines: ['resolving names at run time requires upstream "app" in /etc/nginx/nginx.conf:12 to be in shared memory'],
    rules: ['resolve-without-prerequisites', 'health-check-without-zone'],
  }),
  up('least_conn', {
    summary: 'Balancing method: each request goes to the server with the fewest active connections (weighted).',
    failure: `Not a failure cause by itself; a failed try still moves to the next server as \`*_next_upstream\` allows. ${METHOD_ORDER}`,
    statusCodes: ['none'],
    logLines: [],
    rules: ['keepalive-before-balancing-method'],
  }),
  up('hash', {
    summary: 'Balancing method: the server is chosen from a hash of the given key (`consistent` for ketama hashing).',
    failure: `${NO_BACKUP} Adding or removing a server remaps most keys unless \`consistent\` is set (cache hit rates drop, sessions move). ${METHOD_ORDER}`,
    statusCodes: ['startup-failure'],
    logLines: [NGX_LOG.backupHash],
    rules: ['backup-with-hash-balancing', 'keepalive-before-balancing-method'],
  }),
  up('ip_hash', {
    summary: 'Balancing method: the client address picks the server (first three octets of IPv4, the whole IPv6 address).',
    failure: `${NO_BACKUP} Clients behind one NAT or proxy all land on the same server. When that server is unavailable their requests go to another one; to take a server out while keeping the mapping, mark it \`down\` instead of deleting it. ${METHOD_ORDER}`,
    statusCodes: ['startup-failure'],
    logLines: [NGX_LOG.backupHash],
    rules: ['backup-with-hash-balancing', 'keepalive-before-balancing-method'],
  }),
  up('random', {
    summary: 'Balancing method: a random server (weighted), or the better of two random picks with `two`.',
    failure: `${NO_BACKUP} ${METHOD_ORDER}`,
    statusCodes: ['startup-failure'],
    logLines: [NGX_LOG.backupHash],
    rules: ['backup-with-hash-balancing', 'keepalive-before-balancing-method'],
  }),
  up(
    'health_check',
    {
      summary: 'NGINX Plus: periodic active health checks of the servers of the group used in this location.',
      failure: [
        '- Open-source nginx has no such directive: the configuration fails to load with `unknown directive "health_check"`. Open source only has passive checks (`max_fails`/`fail_timeout`), which notice a failure on real client requests — those clients get the 502/504.',
        '- With NGINX Plus the group needs a `zone`. Defaults: a check every 5 s on `/`, `fails=1`, `passes=1`; a 2xx or 3xx answer passes. Failing servers are taken out before clients reach them.',
      ].join('\n'),
      statusCodes: ['startup-failure', '502', '504'],
      logLines: [NGX_LOG.healthCheckUnknown],
      defaultValue: 'interval=5s fails=1 passes=1 uri=/',
      versions: 'Commercial subscription (NGINX Plus) only.',
      rules: ['health-check-requires-plus', 'health-check-without-zone'],
    },
    'https://nginx.org/en/docs/http/ngx_http_upstream_hc_module.html#health_check',
  ),  // The 502 is the nginx docs' word: NGINX Plus is not in the lab. The unknown-directive line is nginx 1.22.1's.
  up('queue', {
    summary: 'NGINX Plus: when no server of the group can be selected at once, the request waits in a queue of this many places, for up to `timeout=` (60 s by default).',
    failure:
      'According to the nginx docs, a request that finds the queue full, or gets no server within `timeout`, is answered with **502**. A balancing method must be written before `queue`. ' +
      'Open-source nginx does not know the directive and will not start or reload with it (nginx 1.22.1: `unknown directive "queue"`).',
    statusCodes: ['502', 'startup-failure'],
    logLines: [NGX_LOG.queueUnknown],
    versions: 'Commercial subscription (NGINX Plus) only.',
    rules: ['plus-only-directive'],
  }),
];

/** Names whose meaning inside `upstream {}` differs from elsewhere (or that only exist there). */
const IN_UPSTREAM: DirectiveDoc[] = [
  up('server', {
    summary: 'One backend of an `upstream` group: an address (hostname, IP or `unix:/path`) plus optional parameters such as `weight`, `max_fails`, `fail_timeout`, `backup`, `down`, `max_conns`, `resolve`.',
    failure: [
      '- Without a port, port **80** is used: an application listening on 3000 or 8080 refuses every attempt → **502** `connect() failed (111: Connection refused)`.',
      '- A hostname is resolved when the configuration loads. If it does not resolve, nginx will not start; every address it returns becomes a server; later IP changes are ignored until a reload unless the server has `resolve` (which needs `zone` and a `resolver`).',
      '- `localhost` may resolve to both `127.0.0.1` and `::1`; a backend listening on only one of them refuses every other attempt.',
      '- Only an address is allowed: a scheme (`http://…`) or a path makes nginx refuse to start.',
      '- In a group with one server, `max_fails` and `fail_timeout` are ignored and the server is never skipped.',
    ].join('\n'),
    statusCodes: ['502', '504', 'startup-failure'],
    logLines: [NGX_LOG.refused, NGX_LOG.hostNotFound, NGX_LOG.invalidPort, 'invalid host in upstream "http://127.0.0.1:8080"', NGX_LOG.invalidHostPath],
    defaultValue: '`weight=1 max_fails=1 fail_timeout=10s max_conns=0`; port 80',
    variant: 'upstream',
    rules: ['invalid-upstream-address', 'hostname-resolved-at-startup', 'localhost-upstream', 'unix-socket-path', 'resolve-without-prerequisites', 'single-server-upstream', 'max-fails-zero', 'backup-with-hash-balancing'],
  }),
  up('keepalive_timeout', {
    summary: 'Inside `upstream {}`: how long an idle connection to a backend may wait in the keep-alive cache before nginx closes it.',
    failure:
      'If this is not shorter than the backend\'s own idle timeout, the backend may close a pooled connection at the moment nginx reuses it. Idempotent requests are retried (on a new connection to the same server in a group of one; in a larger group on the next server, so when every server\'s pooled connection is stale they get **502** too), but POST, PATCH and LOCK fail with **502**. ' +
      'Common backend idle timeouts: Node.js 5 s (through v25; 65 s from v26), gunicorn 2 s, Apache `KeepAliveTimeout` 5 s, nginx 75 s. ' +
      'On nginx 1.29.7 and later this applies to every group, because keep-alive is on by default. The race itself is a matter of timing (expect occasional, load-dependent failures rather than a steady error rate); forced on nginx 1.22.1 with a backend that resets a reused connection, a POST got **502** and a GET to a group of one server was sent again on a new connection and got 200, both logging `recv() failed (104: Connection reset by peer)`.',
    statusCodes: ['502'],
    ...RACE_LOGS,
    defaultValue: '60s',
    versions: 'Since 1.15.3.',
    variant: 'upstream',
    rules: ['keepalive-timeout-races-backend'],
  }),
  up('keepalive_requests', {
    summary: 'Inside `upstream {}`: how many requests one pooled backend connection may carry before nginx closes it.',
    failure: 'Rarely a cause of errors: the connection is closed cleanly after the last request. Low values only mean more reconnects under load.',
    statusCodes: ['none'],
    logLines: [],
    defaultValue: '`1000` (`100` before 1.19.10)',
    versions: 'Since 1.15.3; the default went from 100 to 1000 in 1.19.10.',
    variant: 'upstream',
  }),
  up('keepalive_time', {
    summary: 'Inside `upstream {}`: the longest total lifetime of a pooled backend connection; after it the connection is closed once its current request is done.',
    failure: 'Not a direct 502/504 cause; it bounds how long one connection (and the backend address it was opened to) is reused.',
    statusCodes: ['none'],
    logLines: [],
    defaultValue: '1h',
    versions: 'Since 1.19.10.',
    variant: 'upstream',
  }),
  up('resolver', {
    summary: 'Inside `upstream {}`: DNS servers used to re-resolve this group\'s `server … resolve` entries (instead of the `http`-level resolver).',
    failure:
      '`resolve` needs a resolver here or in `http {}`; without one nginx refuses to start. A slow or unreachable resolver means address changes are picked up late or not at all, so requests keep going to old addresses (502/504).',
    statusCodes: ['startup-failure', '502', '504'],
    logLines: [],
    expectedLogLines: ['no resolver defined to resolve names at run time in upstream "app" in /etc/nginx/nginx.conf:12'],
    versions: 'Allowed in `upstream {}` since 1.27.3.',
    variant: 'upstream',
    rules: ['resolve-without-prerequisites'],
  }),
  up('resolver_timeout', {
    summary: 'Inside `upstream {}`: how long to wait for DNS answers when re-resolving the group\'s `resolve` servers.',
    failure: 'Re-resolution runs in the background, so a timeout here delays noticing address changes rather than failing requests directly; requests to addresses that went away get 502/504.',
    statusCodes: ['502', '504'],
    logLines: [],
    defaultValue: '30s',
    versions: 'Allowed in `upstream {}` since 1.27.3.',
    variant: 'upstream',
  }),
];

const STREAM_UPSTREAM_DOCS: DirectiveDoc[] = [
  up(
    'upstream',
    {
      summary: 'Defines a group of TCP/UDP servers for the stream module\'s `proxy_pass`.',
      failure:
        'There is no HTTP status in stream proxying: when connecting to a server fails, the connection is passed to the next server (`proxy_next_upstream on`); when all fail, nginx closes the client connection. Failure accounting (`max_fails`/`fail_timeout`) counts only errors and timeouts while connecting.',
      statusCodes: ['connection-closed'],
      logLines: [],
      variant: 'stream',
    },
    STREAM_UPSTREAM + 'upstream',
  ),
  up(
    'server',
    {
      summary: 'One server of a stream `upstream` group: a hostname or IP *with an obligatory port*, or `unix:/path`, plus parameters.',
      failure:
        'A refused or timed-out connect marks a failed attempt and moves on to the next server; when none is left the client connection is closed. A hostname is resolved at load time (an unresolvable one stops the start) unless the server has `resolve`.',
      statusCodes: ['connection-closed', 'startup-failure'],
      logLines: [],
      variant: 'stream',
    },
    STREAM_UPSTREAM + 'server',
  ),
];

function param(name: string, body: Body): DirectiveDoc {
  return { name, server: 'nginx', ...body, url: UPSTREAM + name };
}

const SERVER_PARAMS: DirectiveDoc[] = [
  param('weight', {
    summary: 'Relative share of requests this server receives.',
    failure:
      'Only shifts the share: a heavier server that fails takes a bigger share of the errors until it is marked unavailable. ' +
      'It must be a whole number of at least 1: `weight=0` stops nginx (`invalid parameter "weight=0"`); a server taken out of rotation is written `down`.',
    statusCodes: ['none', 'startup-failure'],
    logLines: [],
    defaultValue: '1',
    rules: ['invalid-server-parameter'],
  }),
  param('max_fails', {
    summary: 'How many failed attempts within `fail_timeout` make nginx skip this server for `fail_timeout`.',
    failure:
      'What counts as failed is set by `*_next_upstream`: errors, timeouts and invalid headers always, backend 5xx only if listed. `0` turns the accounting off — a dead server keeps receiving its share, and every attempt costs a connect error or timeout (then a retry, or a 502/504 for the client). Ignored when the group has a single server. A negative or non-numeric value stops nginx (`invalid parameter "max_fails=-1"`).',
    statusCodes: ['502', '504', 'startup-failure'],
    logLines: [NGX_LOG.refused, NGX_LOG.connectTimeout, NGX_LOG.serverDisabledConnect, NGX_LOG.serverDisabledHeader, NGX_LOG.noLive],
    defaultValue: '1',
    rules: ['max-fails-zero', 'failover-ignores-5xx', 'single-server-upstream', 'invalid-server-parameter'],
  }),
  param('fail_timeout', {
    summary: 'Both the window in which `max_fails` failures are counted and how long the server is then skipped.',
    failure: 'When every server of the group is being skipped, requests get **502** `no live upstreams` without any attempt until this time has passed. Ignored when the group has a single server. Whole seconds or larger units only: `fail_timeout=500ms` stops nginx (`invalid parameter "fail_timeout=500ms"`).',
    statusCodes: ['502', 'startup-failure'],
    logLines: [NGX_LOG.noLive],
    defaultValue: '10s',
    versions: 'Since 1.11.5 an all-failed group waits for fail_timeout instead of resetting immediately.',
    rules: ['no-backup-server', 'single-server-upstream', 'invalid-server-parameter'],
  }),
  param('backup', {
    summary: 'Marks a server that gets requests only while all primary servers are unavailable.',
    failure: 'A backup server is what stands between "all primaries failed" and 502 `no live upstreams`. Not allowed with `hash`, `ip_hash` or `random`: nginx refuses to start.',
    statusCodes: ['startup-failure', '502'],
    logLines: [NGX_LOG.backupHash, NGX_LOG.noLive],
    rules: ['no-backup-server', 'backup-with-hash-balancing'],
  }),
  param('down', {
    summary: 'Marks the server as permanently unavailable (kept in the list, e.g. to preserve `ip_hash` mapping).',
    failure: 'If every server of the group is `down` (or failed), requests get **502** `no live upstreams`.',
    statusCodes: ['502'],
    logLines: [NGX_LOG.noLive],
    rules: ['all-servers-down'],
  }),
  param('max_conns', {
    summary: 'Most simultaneous active connections to this server; `0` means no limit.',
    failure:
      'When every server of the group is at its limit, the request cannot be placed and fails with **502** `no live upstreams` (NGINX Plus can queue instead). Without `zone` the limit applies per worker; with keep-alive and several workers the total can exceed it.',
    statusCodes: ['502'],
    logLines: [NGX_LOG.noLive],
    defaultValue: '0 (no limit)',
    versions: 'Open source since 1.11.5 (commercial before).',
    rules: ['invalid-server-parameter'],
  }),
  param('resolve', {
    summary: 'Re-resolves the server\'s hostname while nginx runs and follows DNS changes without a reload.',
    failure:
      'Needs `zone` in the group and a `resolver` (in `http {}` or the upstream); without them nginx refuses to start. Open-source nginx before 1.27.3 does not know the parameter and refuses to start as well. Without `resolve`, a hostname is looked up only at load time and an IP change means 502/504 until a reload.',
    statusCodes: ['startup-failure'],
    logLines: [NGX_LOG.invalidResolve],
    expectedLogLines: [
      'no resolver defined to resolve names at run time in upstream "app" in /etc/nginx/nginx.conf:12',
      'resolving names at run time requires upstream "app" in /etc/nginx/nginx.conf:12 to be in shared memory',
    ],
    versions: 'Open source since 1.27.3; NGINX Plus only before.',
    rules: ['resolve-without-prerequisites', 'hostname-resolved-at-startup'],
  }),
  param('slow_start', {
    summary: 'NGINX Plus: ramps a recovered server\'s weight up from zero over the given time.',
    failure: 'Open-source nginx rejects the parameter and refuses to start. Not allowed with `hash`, `ip_hash` or `random`.',
    statusCodes: ['startup-failure'],
    logLines: [NGX_LOG.slowStartInvalid],
    defaultValue: '0 (disabled)',
    versions: 'Commercial subscription (NGINX Plus) only.',
    rules: ['plus-only-directive'],
  }),
  param('service', {
    summary: 'Resolves DNS SRV records for the server name instead of A/AAAA records.',
    failure: 'Requires `resolve` and a hostname without a port; open-source nginx before 1.27.3 rejects it and refuses to start.',
    statusCodes: ['startup-failure'],
    logLines: [NGX_LOG.serviceInvalid],
    versions: 'Open source since 1.27.3; NGINX Plus only before.',
    rules: ['plus-only-directive', 'resolve-without-prerequisites'],
  }),
];

const byName = (docs: DirectiveDoc[]) => Object.fromEntries(docs.map((d) => [d.name, d]));

export const NGINX_UPSTREAM_BLOCK_DOCS: Record<string, DirectiveDoc> = byName(BLOCK);
export const NGINX_UPSTREAM_CONTEXT_DOCS: Record<string, DirectiveDoc> = byName(IN_UPSTREAM);
export const NGINX_STREAM_UPSTREAM_DOCS: Record<string, DirectiveDoc> = byName(STREAM_UPSTREAM_DOCS);
export const NGINX_SERVER_PARAM_DOCS: Record<string, DirectiveDoc> = byName(SERVER_PARAMS);
