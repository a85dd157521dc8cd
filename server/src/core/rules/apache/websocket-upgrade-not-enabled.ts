import { apacheFix, appendToDirective } from '../../apache-fix';
import { balancerName, type ProxyPassRule } from '../../model/apache-proxy';
import { rewriteLookupUrl, type ProxyRewrite } from '../../model/apache-rewrite';
import type { ApacheNode } from '../../model/apache-tree';
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
  directives: ['ProxyPass', 'ProxyPassMatch', 'RewriteRule'],
  versions: '2.4.47 and later (upgrade=); older: ws:// with mod_proxy_wstunnel',
  check(ctx) {
    const newEnough = atLeast(ctx.version, '2.4.47');
    // The older recipe: RewriteCond %{HTTP:Upgrade} websocket + RewriteRule … ws://… [P] handles the upgrade itself,
    // since mod_rewrite hands the request to mod_proxy before ProxyPass is looked at. It counts only where it runs
    // and only for the paths its pattern matches, and only when its target upgrades (see upgrades below).
    // proxy.rewrites has the [P] rules that run (RewriteEngine On in force) with the servers whose requests they
    // see: a vhost's own; the main server's in a vhost with RewriteOptions Inherit; a main-server <Directory> or
    // <Location> in every server (real httpd 2.4.71: 101 in the vhost with the recipe, 426 in another vhost, and
    // 426 with the recipe's lines but no RewriteEngine On, or with a pattern that does not match the path).
    // Whether a [P] rule hands a handshake on with its Upgrade header: ws:// and wss:// do; http(s):// only through a
    // worker with upgrade=. mod_proxy picks the worker with the longest name the URL starts with (real httpd 2.4.71:
    // a rewrite to http://h/$1 got 101 through "ProxyPass /x/ http://h/ upgrade=websocket" or <Proxy "http://h/">
    // ProxySet upgrade=websocket, and 426 when "ProxyPass /api/websocket http://h/api/websocket" without it was the
    // longer name). The target's $1 may reach a longer worker name: any worker below the fixed part with upgrade=
    // counts, so the rule stays quiet where it cannot tell.
    const upgrades = (rw: ProxyRewrite, server: ApacheNode | null, url = rw.url) => {
      const scheme = rw.target.scheme;
      if (scheme === 'ws' || scheme === 'wss') return true;
      if (scheme === 'balancer') {
        const b = ctx.proxy.balancerFor(server, balancerName(rw.url));
        return !b || b.members.some((m) => m.target.scheme === 'ws' || m.target.scheme === 'wss' || m.params.has('upgrade'));
      }
      if (scheme !== 'http' && scheme !== 'https') return true;
      const fixed = rewriteLookupUrl(url).replace(/^unix:[^|]*\|/i, '');
      if (ctx.proxy.workerForUrl(server, fixed)?.params.has('upgrade')) return true;
      if (fixed.length < url.replace(/^unix:[^|]*\|/i, '').length) {
        return ctx.proxy.workers.some((w) => w.params.has('upgrade') && w.url.replace(/^unix:[^|]*\|/i, '').toLowerCase().startsWith(fixed.toLowerCase()));
      }
      return false;
    };
    const patternOf = (rw: ProxyRewrite): RegExp | undefined => {
      const pattern = rw.node.args[0] ?? '';
      if (pattern.startsWith('!')) return undefined;
      try {
        return new RegExp(pattern, /\[(.*,)?\s*(nc|nocase)\s*(,.*)?\]/i.test(rw.node.args[2] ?? '') ? 'i' : '');
      } catch {
        return undefined; // PCRE that JavaScript does not read
      }
    };
    // The URL the rule makes of a URL-path: its $N filled from the pattern's groups (undefined where the target
    // takes anything else, such as %{HTTP_HOST}: then only its fixed part is known).
    const urlFor = (rw: ProxyRewrite, path: string): string | undefined => {
      const m = patternOf(rw)?.exec(path);
      if (!m || /%\{|%\d/.test(rw.url)) return undefined;
      return rw.url.replace(/\$(\d)/g, (_, d: string) => m[Number(d)] ?? '');
    };
    const covers = (rw: ProxyRewrite, r: ProxyPassRule) => {
      // In a <Directory> the pattern sees a file path, and a ProxyPassMatch path is a regex: not comparable.
      if (rw.perDirectory || r.node.lname === 'proxypassmatch') return true;
      const re = patternOf(rw);
      // A negated pattern, or PCRE that JavaScript does not read: assume it matches.
      if (!re) return true;
      // ProxyPass "/ws/" takes every URL-path that starts with "/ws/": a pattern such as ^/ws/(.+) matches those.
      return re.test(r.path) || re.test(r.path + 'x');
    };
    const recipeFor = (r: ProxyPassRule) => ctx.proxy.rewrites.some((rw) => rw.servers.includes(r.vhost) && covers(rw, r) && upgrades(rw, r.vhost, urlFor(rw, r.path)));
    // The recipe written with an http:// target: its RewriteCond picks out the handshakes, and the rule hands them to
    // mod_proxy_http, which drops the Upgrade header (real httpd 2.4.71: 426 from the stand-in; with ws:// 101).
    for (const rw of ctx.proxy.rewrites) {
      if (!rw.servers.length || rw.node.unresolved || !upgradeConditions(rw.node, ctx.config.roots).length) continue;
      if (rw.target.scheme !== 'http' && rw.target.scheme !== 'https') continue;
      if (rw.servers.every((s) => upgrades(rw, s))) continue;
      const http = rw.arg.start + (rw.arg.quote ? 1 : 0);
      const plain = rw.arg.raw.slice(rw.arg.quote ? 1 : 0, (rw.arg.quote ? 1 : 0) + 4).toLowerCase() === 'http';
      const fix = newEnough !== false && plain ? apacheFix(`Proxy the handshakes to ${rw.target.scheme === 'https' ? 'wss' : 'ws'}://${newEnough ? '' : ' (httpd 2.4.47 or later, or mod_proxy_wstunnel)'}`, { path: rw.node.file.path, start: http, end: http + 4, newText: 'ws' }) : undefined;
      ctx.report({
        node: rw.node,
        message: `This RewriteRule takes the WebSocket handshakes (its RewriteCond tests the ${upgradeConditions(rw.node, ctx.config.roots)[0]} header) to ${rw.target.scheme}://, and no worker it can land on has upgrade=websocket: mod_proxy_http drops the Upgrade header, so the backend answers the handshake with 400/426 and no WebSocket opens; proxy them to ${rw.target.scheme === 'https' ? 'wss' : 'ws'}:// (mod_proxy_http speaks it from httpd 2.4.47, mod_proxy_wstunnel before)`,
        suggestions: fix ? [fix] : [],
      });
    }
    // Whether the handshakes for a line's path reach it, in some server it runs in (its own; every server for a
    // main-server line): the line httpd uses for that path there (ProxyModel.servedBy) is the line itself. A ws:// line
    // for the same path takes them instead only where it is that line: not in another virtual host, not when an
    // earlier server-level line or a <Location> line for the path is tried first (proxy_trans tries the request's
    // <Location> ProxyPass before the server's list, whatever the order of the lines: real httpd 2.4.71, a server-level
    // "ProxyPass /api/websocket ws://…" beside <Location "/api/websocket"> ProxyPass "http://…", the handshake got the
    // backend's 426; test/servers/apache-serving-line.test.ts, apache-websocket-recipes.test.ts). When another line
    // serves the path, a handshake never reaches this one, and upgrade= here would change nothing.
    const serversOfRule = (r: ProxyPassRule) => (r.vhost ? [r.vhost] : [...(ctx.proxy.mainServerAnswers ? [null] : []), ...ctx.proxy.servers.flatMap((s) => (s.vhost ? [s.vhost] : []))]);
    const isWs = (r: ProxyPassRule) => !!r.target && (r.target.scheme === 'ws' || r.target.scheme === 'wss');
    // Where that cannot be told (a regex path, a section regex JavaScript does not read): a live ws:// line for the
    // same path in the same server, or in the main server (its lines run in every virtual host), is taken to serve it.
    const wsGuess = (r: ProxyPassRule) => ctx.proxy.rules.some((w) => isWs(w) && w.path === r.path && (w.vhost === r.vhost || w.vhost === null) && !ctx.proxy.overriddenBy.has(w.node) && !ctx.proxy.takenByLocation.has(w.node));
    // An earlier server-level http:// line that takes this line's path (proxypass-shadowed: "/" written first) drops
    // the Upgrade header just the same (not a balancer:// one, whose members may have upgrade=), so the handshakes get 426 today too; this is the line meant for them, and the
    // one that needs upgrade= once the order is mended, so it is still reported.
    const orderBug = (r: ProxyPassRule, by: ProxyPassRule | undefined) =>
      !!by && by !== r && !by.location && !r.location && !by.exclusion && (by.target?.scheme === 'http' || by.target?.scheme === 'https') && !by.params.some((p) => p.key === 'upgrade');
    const reachesIt = (r: ProxyPassRule) => {
      if (r.regex) return !wsGuess(r);
      return serversOfRule(r).some((server) => {
        const s = ctx.proxy.servedBy(server, r.path);
        return s.known ? s.rule === r || orderBug(r, s.rule) : !wsGuess(r);
      });
    };
    for (const r of ctx.proxy.rules) {
      if (r.exclusion || !r.target || r.target.error || r.node.unresolved) continue;
      // Overridden by a later <Location>'s ProxyPass (proxypass-shadowed): no handshake reaches this line, so
      // upgrade= here would change nothing.
      if (ctx.proxy.overriddenBy.has(r.node)) continue;
      if (r.target.scheme !== 'http' && r.target.scheme !== 'https' && r.target.scheme !== 'balancer') continue;
      if (!WS_PATH.test(r.path) && !WS_PATH.test(r.target.path)) continue;
      if (r.params.some((p) => p.key === 'upgrade') || !reachesIt(r)) continue;
      if (recipeFor(r)) continue;
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

/**
 * The headers the RewriteCond lines just above a RewriteRule test for a handshake (Upgrade, Connection): the
 * conditions of a rule are the RewriteCond lines right before it in the same section.
 */
function upgradeConditions(rule: ApacheNode, roots: readonly ApacheNode[]): string[] {
  const siblings = rule.parent?.children ?? roots;
  const out: string[] = [];
  for (let i = siblings.indexOf(rule) - 1; i >= 0 && siblings[i].lname === 'rewritecond'; i--) {
    const c = siblings[i];
    const m = /^%\{HTTP:(Upgrade|Connection)\}$/i.exec(c.args[0] ?? '');
    if (m && !(c.args[1] ?? '').startsWith('!')) out.unshift(m[1]);
  }
  return out;
}
