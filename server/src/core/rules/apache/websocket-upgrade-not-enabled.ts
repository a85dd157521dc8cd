import { apacheFix, appendToDirective } from '../../apache-fix';
import { atLeast } from '../../model/version';
import { defineApacheRule } from '../apache-rule';

/** Paths and URLs that almost always carry WebSocket traffic. */
const WS_PATH = /(^|[/^])(ws|wss|websockets?|socket\.io|sockjs|cable|signalr|hubs?|graphql-ws|subscriptions)(\/|$|\(|\?)/i;

export default defineApacheRule({
  id: 'websocket-upgrade-not-enabled',
  server: 'apache',
  severity: 'warning',
  outcome: 'silent',
  summary: 'A WebSocket path is proxied over http:// without upgrade=websocket: httpd does not pass the Upgrade on, so the WebSocket never opens.',
  directives: ['ProxyPass', 'ProxyPassMatch'],
  versions: '2.4.47 and later (upgrade=); older: ws:// with mod_proxy_wstunnel',
  check(ctx) {
    // The older recipe: RewriteCond %{HTTP:Upgrade} websocket + RewriteRule … ws://… [P] handles the upgrade itself.
    if (ctx.nodes('rewritecond').some((n) => /%\{HTTP:(Upgrade|Connection)\}/i.test(n.args[0] ?? ''))) return;
    const wsPaths = new Set(ctx.proxy.rules.filter((r) => r.target && (r.target.scheme === 'ws' || r.target.scheme === 'wss')).map((r) => r.path));
    const newEnough = atLeast(ctx.version, '2.4.47');
    for (const r of ctx.proxy.rules) {
      if (r.exclusion || !r.target || r.target.error || r.node.unresolved) continue;
      if (r.target.scheme !== 'http' && r.target.scheme !== 'https' && r.target.scheme !== 'balancer') continue;
      if (!WS_PATH.test(r.path) && !WS_PATH.test(r.target.path)) continue;
      if (r.params.some((p) => p.key === 'upgrade') || wsPaths.has(r.path)) continue;
      if (r.target.scheme === 'balancer') {
        const b = ctx.proxy.balancers.get(`balancer://${r.target.host.toLowerCase()}`);
        if (b && b.members.some((m) => m.target.scheme === 'ws' || m.target.scheme === 'wss' || m.params.has('upgrade'))) continue;
      }
      // A suggestion, not a safe fix: the path is only a guess at a WebSocket endpoint, and where clients fall
      // back to long polling today, the fix moves them to long-lived tunnels (each holds a connection to httpd
      // and the backend, and ends after the idle timeout).
      const fix = newEnough !== false ? apacheFix(newEnough ? 'Add "upgrade=websocket"' : 'Add "upgrade=websocket" (httpd 2.4.47 or later)', appendToDirective(r.node, 'upgrade=websocket')) : undefined;
      ctx.report({
        node: r.node,
        message: `"${r.path}" looks like a WebSocket endpoint, but this rule has no upgrade=websocket: mod_proxy_http drops the Upgrade header, so the backend answers the handshake with 400/426 (or the client falls back to polling) and no WebSocket opens; ${newEnough === false ? 'on httpd before 2.4.47 proxy it to ws:// with mod_proxy_wstunnel' : newEnough ? 'add upgrade=websocket' : 'add upgrade=websocket (httpd 2.4.47 or later)'}`,
        suggestions: fix ? [fix] : [],
      });
    }
  },
});
