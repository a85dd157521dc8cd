import { HTTP_UPSTREAM_MODULES, timeMs } from '../../model/nginx-modules';
import { formatDuration } from '../../model/units';
import { wholeConfiguration } from './whole-config';
import { defineNginxRule, type NginxRuleContext } from '../rule';
import type { ConfigNode } from '../../model/nginx-tree';
import { parseNginxTime } from '../../model/units';
import { listensOnlyUdp, locationOf, locationPath, seconds, setValue } from './timeouts-support';

const READ = HTTP_UPSTREAM_MODULES.map((m) => `${m}_read_timeout`);
const SEND = HTTP_UPSTREAM_MODULES.map((m) => `${m}_send_timeout`);
const NAMES = [...READ, ...SEND];
/** Connect timeouts are reported only at 0: a short one is often deliberate (fail over fast), 0 fails every try. */
const CONNECT = [...HTTP_UPSTREAM_MODULES.map((m) => `${m}_connect_timeout`), 'memcached_connect_timeout'];

/** Below a few seconds, ordinary hiccups (a GC pause, a cold cache, one slow query) already exceed the timeout. */
const DEFAULT_MINIMUM_MS = 5_000;
const NGINX_DEFAULT_MS = 60_000;
/** The stream module's proxy_timeout default. */
const STREAM_DEFAULT_MS = 600_000;

/** Health probes are meant to fail fast: a short timeout there is the point, not a mistake ("/healthz", "@healthcheck"). */
const PROBE_PATH = /(^|[/@])(health|healthz|healthcheck|health-check|health_check|ping|ready|readyz|readiness|live|livez|liveness|heartbeat)\b/i;

/**
 * An NGINX Plus probe location: `health_check` in a named or `internal` location that only the checks use (client
 * requests cannot reach it), whose timeouts bound the probes. A `location /` with `health_check` also carries client
 * traffic, so it is not exempt.
 */
function isProbeOnlyLocation(location: ConfigNode | null): boolean {
  if (!location || !location.children.some((c) => c.name === 'health_check')) return false;
  return locationPath(location).startsWith('@') || location.children.some((c) => c.name === 'internal');
}

/** The rule's `minimum` option (seconds or an nginx time), 5 s by default. */
export function minimumOption(options: Record<string, unknown>): number {
  const v = options.minimum;
  if (typeof v === 'number' && v >= 0) return v * 1000;
  if (typeof v === 'string') return parseNginxTime(v, 'msec') ?? DEFAULT_MINIMUM_MS;
  return DEFAULT_MINIMUM_MS;
}

const isReadTimeout = (name: string) => name.endsWith('_read_timeout');

/** Whether this rule reports this *_read_timeout / *_send_timeout line (other timeout rules defer to it). */
export function reportsTooLow(node: ConfigNode, minimum: number): boolean {
  const ms = timeMs(node.directive.args[0]);
  // A read timeout of 0 is not "no limit": the timer fires at once, so every request fails, a health probe's too, and
  // whatever the minimum (nginx 1.22.1: 504 at once from a healthy backend on the same host).
  if (ms === 0 && isReadTimeout(node.name)) return true;
  if (ms === undefined || ms >= minimum) return false;
  const location = locationOf(node);
  return !PROBE_PATH.test(locationPath(location)) && !isProbeOnlyLocation(location);
}

/** The `name` directives some pass directive of the same module runs with (the module's `*_pass`, where it stands). */
function inheritedByPasses(ctx: NginxRuleContext, name: string): Set<ConfigNode> {
  const used = new Set<ConfigNode>();
  for (const pass of ctx.nodes(`${name.slice(0, name.indexOf('_'))}_pass`)) for (const n of ctx.effective(pass.parent, name).nodes) used.add(n);
  return used;
}

/** The stream proxy_timeout lines some TCP relay runs with (a UDP-only server's is how long a datagram session lasts). */
function inheritedByTcpRelays(ctx: NginxRuleContext): Set<ConfigNode> {
  const used = new Set<ConfigNode>();
  for (const t of ctx.upstreams.passes) {
    if (t.module === 'stream' && !listensOnlyUdp(t.node.parent)) for (const n of ctx.effective(t.node.parent, 'proxy_timeout').nodes) used.add(n);
  }
  return used;
}

/**
 * The stream module's proxy_timeout bounds the silence between two reads or writes on either connection of a TCP
 * session, the wait for the backend's answer included: the stream counterpart of the read and send timeouts. Seen
 * on nginx 1.22.1: 2s closes a session idle that long (both connections, a FIN to the client), and 0 closes every
 * session at once, before a byte is relayed; both are logged at level info only, with $status 200.
 */
function checkStream(ctx: NginxRuleContext, minimum: number, whole: boolean): void {
  let used: Set<ConfigNode> | undefined;
  for (const node of ctx.nodes('proxy_timeout')) {
    if (!node.context.startsWith('stream')) continue;
    const arg = node.directive.args[0];
    const ms = timeMs(arg);
    if (ms === undefined || ms >= minimum) continue;
    if (whole) {
      used ??= inheritedByTcpRelays(ctx);
      if (!used.has(node)) continue;
    } else if (node.parent && listensOnlyUdp(node.parent)) continue;
    const what =
      ms === 0
        ? 'nginx closes every TCP session at once, before it relays a byte: clients connect and are disconnected'
        : `nginx closes a TCP session after ${seconds(ms)} without data in either direction, waiting for the backend's answer included: idle connections of a pool (database, Redis, a message broker) are cut, and so is any query that takes longer`;
    ctx.report({
      node,
      message: `proxy_timeout ${arg.value}: ${what}; nginx logs the close at level info only ("connection timed out (110: Connection timed out) while proxying connection", $status 200) (nginx's default is 10m; this rule's minimum is ${formatDuration(minimum)})`,
      suggestions: [suggestion(node, Math.max(minimum, STREAM_DEFAULT_MS), STREAM_DEFAULT_MS, "nginx's default for stream")],
    });
  }
}

/** The `name` lines some pass runs with: http passes of its module, or (stream proxy_connect_timeout) TCP relays. */
function connectLinesInUse(ctx: NginxRuleContext, name: string): Set<ConfigNode> {
  if (name !== 'proxy_connect_timeout') return inheritedByPasses(ctx, name);
  // proxy_pass is both http's and stream's: a UDP-only stream server's connects nothing.
  const used = new Set<ConfigNode>();
  for (const pass of ctx.nodes('proxy_pass')) {
    if (pass.context.startsWith('stream') && listensOnlyUdp(pass.parent)) continue;
    for (const n of ctx.effective(pass.parent, name).nodes) used.add(n);
  }
  return used;
}

/**
 * `*_connect_timeout 0`: the timer fires before the connection to the backend can be set up, so every try times out,
 * with a healthy backend on the same host too (nginx 1.22.1: 504 on every request, "upstream timed out … while
 * connecting to upstream"; in stream every connection is closed before a byte is relayed). A stream server that
 * listens only on UDP connects nothing, so there it does nothing.
 */
function checkConnectZero(ctx: NginxRuleContext, whole: boolean): void {
  for (const name of CONNECT) {
    let used: Set<ConfigNode> | undefined;
    for (const node of ctx.nodes(name)) {
      const arg = node.directive.args[0];
      if (timeMs(arg) !== 0) continue;
      const stream = node.context.startsWith('stream');
      if (whole) {
        used ??= connectLinesInUse(ctx, name);
        if (!used.has(node)) continue;
      } else if (stream && node.parent && listensOnlyUdp(node.parent)) continue;
      const what = stream
        ? 'every connection is closed before the backend is reached, healthy or not'
        : 'every request here gets 504 before the backend is reached, healthy or not';
      ctx.report({
        node,
        message: `${name} ${arg.value}: nginx gives up on the connection to the backend as soon as it starts it, so ${what} ("upstream timed out (110: Connection timed out) while connecting to upstream" on each try) (nginx's default is 60s)`,
        suggestions: [{ title: "Use 60s (nginx's default)", edits: [setValue(node, '60s')] }],
      });
    }
  }
}

export default defineNginxRule({
  id: 'read-timeout-too-low',
  server: 'nginx',
  severity: 'warning',
  outcome: '504',
  summary: 'A read or send timeout to the backend is so short that ordinary slow responses or uploads end in 504 Gateway Timeout (in stream, that idle sessions are cut); a connect timeout of 0 fails every request.',
  directives: [...READ, ...SEND, 'proxy_timeout', ...CONNECT],
  versions: 'all',
  options: {
    minimum: { kind: 'time', description: 'A timeout below this is reported: seconds, or an nginx time such as "10s" (default 5s).' },
  },
  check(ctx) {
    const minimum = minimumOption(ctx.options);
    // In a whole configuration (from nginx.conf), a value no pass directive inherits times nothing out: e.g. a short
    // http-level default that every proxying location overrides. In a fragment the passes may be elsewhere, and so
    // they may be behind an include that was not followed or found nothing here (sites-enabled/* in a checkout).
    const whole = wholeConfiguration(ctx);
    for (const name of NAMES) {
      const nodes = ctx.nodes(name);
      let used: Set<ConfigNode> | undefined;
      for (let k = 0; k < nodes.length; k++) {
        const node = nodes[k];
        const arg = node.directive.args[0];
        const ms = timeMs(arg);
        // reportsTooLow asks the same first; checked here so that most lines skip its location walk and regex.
        if (ms === undefined || (ms >= minimum && ms !== 0) || !reportsTooLow(node, minimum)) continue;
        if (whole) {
          used ??= inheritedByPasses(ctx, name);
          if (!used.has(node)) continue;
        }
        // nginx arms these timers between two successive reads / writes, not for the whole exchange
        // (https://nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_read_timeout).
        const message = isReadTimeout(name) && ms === 0
          ? `${name} ${arg.value}: 0 does not turn the timeout off: nginx gives up as soon as it starts waiting for the response, so every request here gets 504 before the backend can answer, healthy or not ("upstream timed out (110: Connection timed out) while reading response header from upstream"; with several servers each is then taken out and the rest get 502 "no live upstreams") (nginx's default is 60s)`
          : isReadTimeout(name)
          ? `${name} ${arg.value}: a backend that needs more than ${seconds(ms)} to start its response gets the request cut off with 504, and one that pauses that long mid-response leaves the client with a truncated 200 (nginx's default is 60s; this rule's minimum is ${formatDuration(minimum)})`
          : `${name} ${arg.value}: when the backend stops reading the request body for more than ${seconds(ms)} (a large upload, a busy worker), nginx gives up with 504 (nginx's default is 60s; this rule's minimum is ${formatDuration(minimum)})`;
        ctx.report({ node, message, suggestions: [suggestion(node, Math.max(minimum, NGINX_DEFAULT_MS), NGINX_DEFAULT_MS, "nginx's default")] });
      }
    }
    checkStream(ctx, minimum, whole);
    checkConnectZero(ctx, whole);
  },
});

/**
 * "Use <value> (<why>)", writing the value its title names. The default is written in seconds when the message says
 * it so (60s, not 1m: the menu read "Use 1m (nginx's default, 60s)"); a configured minimum above it is named as such.
 */
function suggestion(node: ConfigNode, target: number, defaultMs: number, defaultName: string) {
  const value = target === NGINX_DEFAULT_MS ? '60s' : formatDuration(target);
  return { title: `Use ${value} (${target === defaultMs ? defaultName : 'the configured minimum'})`, edits: [setValue(node, value)] };
}
