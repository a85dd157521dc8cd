import { timeMs } from '../../model/nginx-modules';
import type { ConfigNode } from '../../model/nginx-tree';
import { defineNginxRule, type NginxRuleContext } from '../rule';
import type { Fix } from '../../finding';
import { effectiveMs, effectiveTime, listensOnlyUdp, passSites, reachesOnlyUnixSockets, seconds, setValue } from './timeouts-support';

const DIRECTIVES = ['proxy_connect_timeout', 'fastcgi_connect_timeout', 'uwsgi_connect_timeout', 'scgi_connect_timeout', 'grpc_connect_timeout', 'memcached_connect_timeout'];

/**
 * "It should be noted that this timeout cannot usually exceed 75 seconds"
 * (https://nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_connect_timeout): the kernel stops
 * resending SYNs within about 70 s and gives the handshake up after 75 s (BSD, macOS) or about 130 s
 * (Linux, tcp_syn_retries = 6). Up to the kernel's limit nginx's own timer fires (504); past it the
 * kernel's ETIMEDOUT does (502, "connect() failed (110: Connection timed out)").
 */
const USEFUL_LIMIT_MS = 75_000;
const LINUX_LIMIT_MS = 130_000;
/**
 * The shortest value --fix writes by itself: it still leaves room for the kernel's SYN retransmissions after
 * about 1, 3 and 7 s, so a handshake that loses a packet or two on the way still completes.
 */
const SAFE_FLOOR_MS = 10_000;
/** The quicker value the editor offers besides: fails over soon, and still after three SYN retransmissions. */
const QUICK_MS = 10_000;

/** Whether this rule reports this *_connect_timeout line (connect-timeout-above-read-timeout defers to it). */
export function reportsAboveOsLimit(node: ConfigNode): boolean {
  const ms = timeMs(node.directive.args[0]);
  return DIRECTIVES.includes(node.name) && ms !== undefined && ms > USEFUL_LIMIT_MS;
}

/**
 * The `name` lines that only passes without a TCP handshake run with: to UNIX sockets, and stream servers that
 * listen on UDP only. connect() on a socket nobody listens on fails at once ("(111: Connection refused)" or "(2: No
 * such file or directory)"), and on a full backlog Linux answers a non-blocking connect with EAGAIN straight away,
 * which ngx_event_connect_peer treats as a refusal; a UDP connect() only sets the peer address. Either way the
 * timeout never matters. A pass with variables, or to a group with any TCP server, counts as TCP.
 */
function noHandshakeOnly(ctx: NginxRuleContext, name: string): Set<ConfigNode> {
  const pass = name.replace('_connect_timeout', '_pass');
  const tcp = new Set<ConfigNode>();
  const none = new Set<ConfigNode>();
  for (const t of ctx.upstreams.passes) {
    if (t.directive !== pass) continue;
    const socket = reachesOnlyUnixSockets(t);
    const udp = t.module === 'stream' && listensOnlyUdp(t.node.parent);
    for (const n of ctx.effective(t.node.parent, name).nodes) (socket || udp ? none : tcp).add(n);
  }
  for (const n of tcp) none.delete(n);
  return none;
}

/**
 * For each `name` line in force at a TCP pass of connect-timeout-above-read-timeout's modules: the shortest read
 * timeout (stream: proxy_timeout) in force at those passes. A fix to 75s above that would make that rule report the
 * fixed line, so the fix goes no higher (memcached has no such rule: it is not among the sites). One walk of the
 * passes per directive name, made only when some line is reported.
 */
function shortestReadByLine(ctx: NginxRuleContext, name: string): Map<ConfigNode, number> {
  const module = name.slice(0, -'_connect_timeout'.length);
  const out = new Map<ConfigNode, number>();
  for (const site of passSites(ctx, { stream: true })) {
    if (site.module !== module || reachesOnlyUnixSockets(site.pass)) continue;
    if (site.stream && listensOnlyUdp(site.scope)) continue;
    const connect = effectiveTime(ctx, site.scope, name)?.node;
    if (!connect) continue;
    const readMs = effectiveMs(ctx, site.scope, site.stream ? 'proxy_timeout' : `${module}_read_timeout`);
    if (readMs === undefined) continue;
    const was = out.get(connect);
    if (was === undefined || readMs < was) out.set(connect, readMs);
  }
  return out;
}

/** Whole seconds as seconds ("60s" next to the 75s of the doc, not "1m"), else milliseconds. */
function asTime(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

/**
 * The safe fix and the suggestions for a line above the limit. The kernel sends its last SYN within ~70 s, and a
 * handshake that has not completed 5 s later will not, so 75s keeps every connection that could succeed and only
 * shortens the wait for a dead backend. Where a read timeout under 75 s is in force, the fix stops at that read
 * timeout instead: a connect timeout left above it is what connect-timeout-above-read-timeout reports, so the fixed
 * line would be reported again. That gives up only the kernel's last retransmissions, sent after half a minute or
 * more without an answer; below SAFE_FLOOR_MS it would cut into the early ones, which a lossy link needs, so such a
 * value is only suggested.
 */
function fixes(node: ConfigNode, readMs: number | undefined): { fix?: Fix; suggestions: Fix[] } {
  const name = node.name;
  const readName = node.context.startsWith('stream') ? 'proxy_timeout' : name.replace('_connect_timeout', '_read_timeout');
  const capped = readMs !== undefined && readMs < USEFUL_LIMIT_MS;
  const target = capped ? readMs : USEFUL_LIMIT_MS;
  const quick = Math.min(QUICK_MS, target);
  const title = capped
    ? `Lower to ${asTime(target)} (the ${readName} in force here: a connect timeout above it would wait for a dead backend longer than for a slow one)`
    : 'Lower to 75s (the longest a TCP handshake can usefully take)';
  const main: Fix = { title, edits: [setValue(node, asTime(target))] };
  const quickFix: Fix = { title: `Use ${asTime(quick)}: give up on a dead backend (and fail over) sooner; a reachable backend answers the handshake in milliseconds`, edits: [setValue(node, asTime(quick))] };
  if (target >= SAFE_FLOOR_MS) return { fix: main, suggestions: quick < target ? [quickFix] : [] };
  return { suggestions: [main] };
}

export default defineNginxRule({
  id: 'connect-timeout-above-os-limit',
  server: 'nginx',
  severity: 'warning',
  outcome: '502/504',
  summary: 'A connect timeout above 75 s only makes clients wait longer for a dead backend: the TCP handshake cannot usefully take that long.',
  directives: DIRECTIVES,
  versions: 'all',
  check(ctx) {
    for (const name of DIRECTIVES) {
      let noHandshake: Set<ConfigNode> | undefined;
      let shortestRead: Map<ConfigNode, number> | undefined;
      for (const node of ctx.nodes(name)) {
        const arg = node.directive.args[0];
        const ms = timeMs(arg);
        if (ms === undefined || ms <= USEFUL_LIMIT_MS) continue;
        noHandshake ??= noHandshakeOnly(ctx, name);
        if (noHandshake.has(node)) continue;
        const stream = node.context.startsWith('stream');
        const subject = stream ? 'a client connection' : 'a request';
        const message =
          ms > LINUX_LIMIT_MS
            ? `${name} ${arg.value} never takes effect: the operating system gives up on an unanswered TCP handshake first (after 75 s on BSD and macOS, about 130 s on Linux), so ${subject} to a backend that does not answer (host down, SYNs dropped, listen queue full) hangs that long before nginx tries the next server or, with none left, ${stream ? 'closes the client connection' : 'answers 502'}`
            : `${name} ${arg.value}: ${subject} to a backend that does not answer the TCP handshake (host down, SYNs dropped, listen queue full) hangs up to ${seconds(ms)} before nginx tries the next server or, with none left, ${stream ? 'closes the client connection' : 'answers 504 (502 where the OS gives up first: after 75 s on BSD and macOS)'}; the kernel stops resending SYNs after about 70 s, so waiting past 75 s cannot save a connection`;
        shortestRead ??= shortestReadByLine(ctx, name);
        ctx.report({ node, message, ...fixes(node, shortestRead.get(node)) });
      }
    }
  },
});
