import { apacheFix, appendToDirective } from '../../apache-fix';
import { balancerName } from '../../model/apache-proxy';
import { contextOf, virtualHostOf, type ApacheNode } from '../../model/apache-tree';
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
    // The older recipe: RewriteCond %{HTTP:Upgrade} websocket + RewriteRule … ws://… [P] handles the upgrade itself,
    // but only for the server it is in. mod_rewrite's server-level rules are per virtual host: the main server's
    // reach a vhost only when that vhost has RewriteEngine On and RewriteOptions Inherit (or the main server
    // InheritDown); another vhost's never do (real httpd 2.4.71: the handshake in the vhost without the recipe got 426).
    // Conditions in a main-server <Directory>/<Location> are merged into every vhost, so they count everywhere.
    const recipe = ctx.nodes('rewritecond').filter((n) => /%\{HTTP:(Upgrade|Connection)\}/i.test(n.args[0] ?? ''));
    const inherits = (vhost: ApacheNode) =>
      ctx.config.all.some((n) => n.lname === 'rewriteengine' && virtualHostOf(n) === vhost && /^on$/i.test(n.args[0] ?? '')) &&
      ctx.config.all.some((n) => n.lname === 'rewriteoptions' && n.args.some((a) => (virtualHostOf(n) === vhost ? /^inherit(before)?$/i : /^inheritdown(before)?$/i).test(a)) && (virtualHostOf(n) === vhost || virtualHostOf(n) === null));
    const recipeFor = (vhost: ApacheNode | null) =>
      recipe.some((n) => {
        const where = virtualHostOf(n);
        if (where === vhost) return true;
        if (where !== null || vhost === null) return false;
        return contextOf(n, ctx.config) === 'directory' || inherits(vhost);
      });
    const wsPaths = new Set(ctx.proxy.rules.filter((r) => r.target && (r.target.scheme === 'ws' || r.target.scheme === 'wss')).map((r) => r.path));
    const newEnough = atLeast(ctx.version, '2.4.47');
    for (const r of ctx.proxy.rules) {
      if (r.exclusion || !r.target || r.target.error || r.node.unresolved) continue;
      if (recipeFor(r.vhost)) continue;
      if (r.target.scheme !== 'http' && r.target.scheme !== 'https' && r.target.scheme !== 'balancer') continue;
      if (!WS_PATH.test(r.path) && !WS_PATH.test(r.target.path)) continue;
      if (r.params.some((p) => p.key === 'upgrade') || wsPaths.has(r.path)) continue;
      let lines: ApacheNode[] = [r.node];
      if (r.target.scheme === 'balancer') {
        // The balancer the rule's server uses: the main server's or its own (see takesMainBalancers).
        const b = ctx.proxy.balancerFor(r.vhost, balancerName(r.url));
        if (b && b.members.some((m) => m.target.scheme === 'ws' || m.target.scheme === 'wss' || m.params.has('upgrade'))) continue;
        // upgrade= is a worker parameter: on a ProxyPass to a balancer httpd refuses to start ("ProxyPass unknown
        // Balancer parameter", AH00526, 2.4.71), while on each BalancerMember the handshake got 101. A member that
        // shares an earlier member's worker has its parameters ignored (AH01146), so that member's line gets it.
        lines = [...new Set((b?.members ?? []).map((m) => (m.shares ?? m).node))];
      }
      // A suggestion, not a safe fix: the path is only a guess at a WebSocket endpoint, and where clients fall
      // back to long polling today, the fix moves them to long-lived tunnels (each holds a connection to httpd
      // and the backend, and ends after the idle timeout).
      const where = r.target.scheme === 'balancer' ? ' to every member of the balancer' : '';
      const fix = newEnough !== false && lines.length ? apacheFix(`Add "upgrade=websocket"${where}${newEnough ? '' : ' (httpd 2.4.47 or later)'}`, ...lines.map((n) => appendToDirective(n, 'upgrade=websocket'))) : undefined;
      const add = r.target.scheme === 'balancer' ? 'add upgrade=websocket to its BalancerMember lines (on the ProxyPass line httpd refuses it as a balancer parameter)' : 'add upgrade=websocket';
      ctx.report({
        node: r.node,
        message: `"${r.path}" looks like a WebSocket endpoint, but ${r.target.scheme === 'balancer' ? 'no member of its balancer has' : 'this rule has no'} upgrade=websocket: mod_proxy_http drops the Upgrade header, so the backend answers the handshake with 400/426 (or the client falls back to polling) and no WebSocket opens; ${newEnough === false ? 'on httpd before 2.4.47 proxy it to ws:// with mod_proxy_wstunnel' : newEnough ? add : `${add} (httpd 2.4.47 or later)`}`,
        suggestions: fix ? [fix] : [],
      });
    }
  },
});
