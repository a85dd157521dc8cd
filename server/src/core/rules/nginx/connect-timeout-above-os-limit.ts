import { timeMs } from '../../model/nginx-modules';
import type { ConfigNode } from '../../model/nginx-tree';
import { defineNginxRule, type NginxRuleContext } from '../rule';
import { listensOnlyUdp, reachesOnlyUnixSockets, seconds, setValue } from './timeouts-support';

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
        ctx.report({
          node,
          message,
          // The kernel sends its last SYN within ~70 s; a handshake that has not completed 5 s later will not,
          // so 75s keeps every connection that could succeed and only shortens the wait for a dead backend.
          fix: { title: `Lower to 75s (the longest a TCP handshake can usefully take)`, edits: [setValue(node, '75s')] },
          suggestions: [{ title: 'Use 10s: give up on a dead backend (and fail over) sooner; a reachable backend answers the handshake in milliseconds', edits: [setValue(node, '10s')] }],
        });
      }
    }
  },
});
