import { apacheFix, appendToDirective, setParam } from '../../apache-fix';
import type { RelatedLocation } from '../../finding';
import { describeTimeout, formatSeconds, webSocketTunnel, type Worker } from '../../model/apache-proxy';
import { defineApacheRule, type ApacheReport } from '../apache-rule';
import { timeoutsByServer } from '../apache-server-timeouts';

/** httpd's built-in Timeout; an open WebSocket quiet this long or less is closed. */
const DEFAULT_MS = 60_000;

/**
 * Once a WebSocket is upgraded, httpd relays it as a tunnel and closes it when nothing passes in either direction for
 * the longer of the worker's backend timeout (timeout=, else ProxyTimeout, else Timeout) and the Timeout of the server
 * the client came to (ap_proxy_tunnel_create takes the larger of the two sockets' timeouts). Measured on httpd 2.4.71,
 * both through ws:// (mod_proxy_wstunnel, which hands over to mod_proxy_http by default) and http:// with
 * upgrade=websocket: Timeout 3 closed a quiet tunnel after 3 s and kept one where the client sent every second; with
 * Timeout 2, ProxyTimeout 4 and timeout=5 gave 4 s and 5 s; with Timeout 4, ProxyTimeout 2 and timeout=1 both gave 4 s.
 * Nothing is logged at LogLevel info. (ProxyWebsocketIdleTimeout is not in 2.4.)
 * https://httpd.apache.org/docs/2.4/mod/mod_proxy.html#proxypass (upgrade=),
 * https://httpd.apache.org/docs/2.4/mod/mod_proxy_wstunnel.html
 */
export default defineApacheRule({
  id: 'websocket-tunnel-idle-timeout',
  server: 'apache',
  severity: 'info',
  outcome: 'silent',
  summary: 'A WebSocket backend (ws://, wss:// or upgrade=) whose tunnel waits 60 s or less: httpd closes a WebSocket on which nothing passes for that long, and clients must reconnect.',
  directives: ['ProxyPass', 'BalancerMember', 'ProxyTimeout', 'Timeout'],
  versions: 'all 2.4',
  check(ctx) {
    // The workers reported below (with the worker each shares): a rewrite that lands on one is the same tunnel.
    const reportedWorkers = new Set<Worker>();
    // Lines that share one worker (the same URL, or one that starts with an earlier line's worker name: AH01145) open
    // their tunnels through it, with its parameters: one finding, at the first line judged (the one that defines the
    // worker, whose timeout= is the value to change), with the others' URLs as related information.
    const findings = new Map<Worker, ApacheReport & { related: RelatedLocation[] }>();
    for (const w of ctx.proxy.workers) {
      const ws = w.target.scheme === 'ws' || w.target.scheme === 'wss';
      const upgrade = w.params.get('upgrade');
      if (!ws && !(upgrade && upgrade.value !== '' && (w.target.scheme === 'http' || w.target.scheme === 'https'))) continue;
      // mod_proxy_wstunnel's own relay (ProxyWebsocketFallbackToProxyHttp Off in the line's server, or no
      // mod_proxy_http) does not close a quiet tunnel: on 2.4.71 one was open after 150 s with Timeout 2, under the
      // event and the prefork MPM alike, and with ProxyTimeout 3, timeout=1 or timeout=5 after 12 s
      // (test/servers/apache-websocket-idle.test.ts). Nothing to report there.
      if (ws && webSocketTunnel(ctx.proxy, w, ctx.modules) === 'wstunnel') continue;
      // A <Location> ProxyPass that a later <Location>'s overrides takes none of its path's requests (proxypass-shadowed
      // reports it), nor does a server-level line whose whole path a <Location>'s ProxyPass takes first (real httpd
      // 2.4.71: a handshake to /api/websocket got that <Location>'s http:// backend's 426, not the server-level ws://
      // line's tunnel; test/servers/apache-serving-line.test.ts), nor one an earlier line of its server's list shadows
      // (Home Assistant's ws:// line written after "ProxyPass / http://…": the handshake got that backend's own answer;
      // test/servers/apache-shadowed-worker.test.ts). httpd still defines their workers, and a live line
      // whose URL finds one opens tunnels through it with its timeout=: only a worker no request reaches
      // (ProxyModel.unreachable) is left out. A RewriteRule [P] that lands on a worker reported here is not reported
      // again below.
      if (ctx.proxy.unreachable.has(w)) continue;
      let reported = false;
      for (const { t, servers } of timeoutsByServer(ctx.proxy, w, 'backend')) {
        for (const server of servers) {
          // The tunnel waits the longer of the backend timeout and the Timeout of the server the client came to.
          const c = ctx.proxy.serverTimeout(server);
          // In a fragment with no Timeout of its own, the main configuration's applies (Debian's apache2.conf: 300).
          if (c.origin === 'default' && c.partial) continue;
          const idle = Math.max(t.ms, c.ms);
          if (idle > DEFAULT_MS) continue;
          const clientSide = c.node ? `the client side's Timeout ${c.node.directive.args[0]?.value} on line ${ctx.lineOf(c.node)}` : "the client side's Timeout, by default";
          const wait = t.ms >= c.ms
            ? `${describeTimeout(t, ctx.lineOf, w.node)}${t.ms > c.ms ? ', longer than the client side\'s Timeout' : ''}`
            : `${formatSeconds(c.ms)} (${clientSide}, longer than this backend's ${formatSeconds(t.ms)})`;
          // On an http:// worker with upgrade=, ordinary requests use the same worker: a longer timeout= covers them too.
          const mixed = !ws;
          const key = w.shares ?? w;
          const first = findings.get(key);
          if (first) {
            first.related.push({ path: w.node.file.path, start: w.urlArg.start, end: w.urlArg.end, message: `this ${w.node.name} shares that worker (its URL starts with the worker's name), so httpd uses its parameters here too: these WebSockets wait the same` });
            reported = true;
            break;
          }
          const own = w.params.get('timeout');
          const edit = w.shares ? undefined : own ? setParam(own, '3600') : appendToDirective(w.node, 'timeout=3600');
          findings.set(key, {
            related: [],
            at: { file: w.node.file, start: w.urlArg.start, end: w.urlArg.end },
            message:
              `WebSocket backend ${w.url}: httpd closes an open WebSocket when nothing passes through it, in either direction, for ${wait}, without an error status or a log line, so quiet clients are dropped and must reconnect` +
              (mixed ? `; this worker also carries the path's ordinary requests, so rather than a longer timeout= for all of them, let either side send a ping more often, or give the WebSocket path a ws:// line of its own` : '; a ping from either side more often than that also keeps it open'),
            suggestions: edit ? [apacheFix(mixed ? 'Set timeout=3600 (ordinary requests on this worker then wait up to 1 h too)' : 'Set timeout=3600 on this WebSocket backend', edit)] : [],
          });
          reported = true;
          reportedWorkers.add(key);
          break;
        }
        if (reported) break;
      }
    }
    for (const f of findings.values()) ctx.report(f.related.length ? f : { ...f, related: undefined });
    // The rewrite recipe (RewriteCond %{HTTP:Upgrade} … then RewriteRule … ws://… [P]): the request goes through the
    // worker whose name the URL starts with, else the default worker, which has no timeout= of its own. The same wait
    // (2.4.71: Timeout 2 closed such a quiet tunnel after 2 s, ProxyTimeout 4 beside it after 4 s). No edit: the
    // value belongs to a ProxyTimeout or Timeout line, or a ProxyPass line of the URL's own, which only the user can place.
    for (const r of ctx.proxy.rewrites) {
      if (r.target.scheme !== 'ws' && r.target.scheme !== 'wss') continue;
      for (const server of r.servers) {
        // Through mod_proxy_wstunnel's own relay the tunnel is not closed when quiet (above).
        const fallback = ctx.proxy.serverValue(server, 'proxywebsocketfallbacktoproxyhttp');
        if ((fallback && /^off$/i.test(fallback.args[0] ?? '')) || (ctx.modules.known && !ctx.modules.isLoaded('proxy_http'))) continue;
        const c = ctx.proxy.serverTimeout(server);
        if (c.origin === 'default' && c.partial) continue;
        const worker = ctx.proxy.workerForUrl(server, r.url);
        // A worker reported above carries these tunnels with the same wait: its finding is the one to act on, since
        // the wait is that worker's timeout= when it has one, which a longer ProxyTimeout does not change (real httpd
        // 2.4.71: through a dead <Location>'s ws:// worker with timeout=2, a quiet rewrite tunnel closed after 2 s with
        // ProxyTimeout 4 as with none, and stayed open with that line's suggested timeout=3600;
        // test/servers/apache-websocket-idle.test.ts). One finding for one tunnel.
        if (worker && reportedWorkers.has(worker.shares ?? worker)) continue;
        const t = ctx.proxy.backendTimeout(worker ?? { params: new Map(), vhost: server }, server);
        if (Math.max(t.ms, c.ms) > DEFAULT_MS) continue;
        const clientSide = c.node ? `the client side's Timeout ${c.node.directive.args[0]?.value} on line ${ctx.lineOf(c.node)}` : "the client side's Timeout, by default";
        const wait = t.ms >= c.ms
          ? `${describeTimeout(t, ctx.lineOf, r.node)}${t.ms > c.ms ? ', longer than the client side\'s Timeout' : ''}`
          : `${formatSeconds(c.ms)} (${clientSide}, longer than the backend's ${formatSeconds(t.ms)})`;
        ctx.report({
          at: { file: r.node.file, start: r.arg.start, end: r.arg.end },
          message: `WebSocket rewrite to ${r.url}: httpd closes an open WebSocket when nothing passes through it, in either direction, for ${wait}, without an error status or a log line, so quiet clients are dropped and must reconnect; let either side send a ping more often, or raise ProxyTimeout${worker ? ` (or timeout= on the worker line ${ctx.lineOf(worker.node)})` : ''}`,
        });
        break;
      }
    }
  },
});
