import type { Balancer, ProxyModel, ProxyPassRule } from '../../model/apache-proxy';
import { virtualHostOf, type ApacheNode } from '../../model/apache-tree';
import { defineApacheRule, type ApacheRuleContext } from '../apache-rule';
import { unnamedMembers } from './balancer-member-outside-balancer';

export default defineApacheRule({
  id: 'undefined-balancer',
  server: 'apache',
  severity: 'warning',
  outcome: '503',
  summary: 'ProxyPass sends requests to a balancer:// that has no members: httpd starts, and every request there gets 503.',
  directives: ['ProxyPass', 'ProxyPassMatch', 'BalancerMember'],
  versions: 'all 2.4',
  check(ctx) {
    // BalancerMember lines that name no balancer stop httpd from starting (balancer-member-outside-balancer, whose
    // fix names the empty balancer): the members are there, written so that httpd cannot tell whose they are.
    const strayIn = new Set(unnamedMembers(ctx.nodes('balancermember')).map(virtualHostOf));
    // BalancerGrowth leaves room for members added at run time through the balancer-manager.
    if (strayIn.has(null) || ctx.nodes('balancergrowth').length > 0) return;
    // Each server has its own balancers, and a request uses the one its server takes (the main server's first, see
    // takesMainBalancers): the balancer a ProxyPass line uses is the one whose members count, wherever else the name has
    // members.
    for (const b of ctx.proxy.balancers) {
      if (b.members.length > 0 || strayIn.has(b.vhost)) continue;
      for (const u of b.users) {
        if (!u.urlArg || strayIn.has(u.vhost)) continue;
        // growth= leaves room for members added at run time, as BalancerGrowth does.
        if (ctx.proxy.balancerParams(b, u.vhost).has('growth')) continue;
        const why = whyEmpty(ctx, b, u);
        if (!why) continue;
        ctx.report({
          at: { file: u.node.file, start: u.urlArg.start, end: u.urlArg.end },
          message: `${why.text}: httpd starts, and every request here gets 503 ("AH01171: ${b.name}: No workers in balancer")${why.advice ? `; ${why.advice}` : ''}`,
          related: why.related,
        });
      }
    }
  },
});

interface Why {
  text: string;
  advice?: string;
  related?: { path: string; start: number; end: number; message: string }[];
}

const serverLabel = (ctx: ApacheRuleContext, s: ApacheNode, from: ApacheNode) => `<VirtualHost ${s.args.join(' ')}> (line ${ctx.lineOf(s)}${s.file !== from.file ? ` of ${s.file.path}` : ''})`;
const lineRef = (ctx: ApacheRuleContext, n: ApacheNode, from: ApacheNode) => `line ${ctx.lineOf(n)}${n.file !== from.file ? ` of ${n.file.path}` : ''}`;
const at = (n: ApacheNode, message: string) => ({ path: n.file.path, start: n.directive.start, end: n.directive.end, message });

/** The line that gives a server its balancer: its <Proxy> section, else its first ProxyPass (or ProxySet) naming it. */
function definer(b: Balancer): ApacheNode | undefined {
  return b.section ?? b.users.find((r) => r.vhost === b.vhost)?.node ?? [...b.params.values()][0]?.node ?? b.members[0]?.node;
}

/** The BalancerInherit and ProxyPassInherit lines in force for a virtual host (its own, else the main server's). */
function inheritOff(proxy: ProxyModel, vhost: ApacheNode): ApacheNode[] {
  return ['balancerinherit', 'proxypassinherit'].map((d) => proxy.serverValue(vhost, d)).filter((n): n is ApacheNode => !!n);
}

/** Why the balancer that `u`'s requests use has no members, or undefined when this configuration cannot tell. */
function whyEmpty(ctx: ApacheRuleContext, b: Balancer, u: ProxyPassRule): Why | undefined {
  const { proxy } = ctx;
  const node = u.node;
  const withMembers = proxy.balancers.filter((o) => o.name === b.name && o.members.length > 0);
  // The virtual host defines members, but the main server defines the name too, without members, and comes first
  // (on 2.4.71 a main-server ProxyPass to the name made a virtual host with its own members answer 503, AH01171).
  const mine = u.vhost ? proxy.ownBalancer(u.vhost, b.name) : undefined;
  const own = mine && mine.hiddenBy === b && mine.members.length > 0 ? mine : undefined;
  if (own) {
    const main = definer(b);
    const ownAt = own.section ?? own.members[0].node;
    return {
      text: `${b.name} is also defined in the main server${main ? ` (${main.directive.section ? `its <${main.name}> section` : main.name} on ${lineRef(ctx, main, node)})` : ''}, without members, and a virtual host uses the main server's balancer of a name before its own: the members this virtual host defines (${lineRef(ctx, ownAt, node)}) get no requests, so here it has none`,
      advice: `give the main server's balancer the members (or another name), or define them under another name in this virtual host`,
      related: [...(main ? [at(main, `the main server's ${b.name}, without members, which this virtual host uses`)] : []), at(ownAt, `this virtual host's own ${b.name}, which the main server's hides`)],
    };
  }
  // BalancerInherit Off and ProxyPassInherit Off: the virtual host does not take the main server's balancers (on 2.4.71
  // such a virtual host's ProxyPass to a balancer only the main server defines got 503, AH01171).
  const main = u.vhost && b.vhost === u.vhost ? withMembers.find((o) => o.vhost === null) : undefined;
  if (main) {
    const off = inheritOff(proxy, u.vhost!);
    const mainAt = main.section ?? main.members[0].node;
    return {
      text: `${b.name} is defined in the main server (${lineRef(ctx, mainAt, node)}), but this virtual host has ${off.map((n) => `${n.name} ${n.args[0]} (${lineRef(ctx, n, node)})`).join(' and ')}, so it does not take the main server's balancers, and this ProxyPass defines one of its own without members`,
      advice: 'define the members in this virtual host too',
      related: [at(mainAt, `the main server's ${b.name}, which this virtual host does not take`), ...off.map((n) => at(n, `${n.name} ${n.args[0]}`))],
    };
  }
  // Another virtual host's balancer is never seen (on 2.4.71: 503, AH01171), nor by the main server.
  const other = withMembers.find((o) => o.vhost !== null && o.vhost !== u.vhost);
  if (other) {
    const home = other.vhost!;
    return {
      text: `${b.name} is defined only in ${serverLabel(ctx, home, node)}, and a balancer belongs to the server it is defined in: ${u.vhost ? 'a virtual host sees its own balancers and the main server\'s, not another virtual host\'s' : 'the main server does not see a virtual host\'s balancers'}, so here it has no members`,
      advice: `define the balancer (its <Proxy ${b.name}> section with the BalancerMember lines) ${u.vhost ? 'in this virtual host, or in the main server to share it' : 'in the main server'}`,
      related: [{ path: home.file.path, start: other.members[0].node.directive.start, end: other.members[0].node.directive.end, message: `${b.name} is defined here, for this virtual host only` }],
    };
  }
  // A lone vhost file may use a balancer defined elsewhere; without a <Proxy> section, only a complete configuration tells.
  if (!b.section && !ctx.modules.known) return undefined;
  const names = [...new Set(proxy.balancers.filter((o) => o.members.length > 0 && proxy.balancerFor(u.vhost, o.name) === o).map((o) => o.name))];
  return {
    text: `${b.name} has no BalancerMember${b.section ? ` (its <Proxy> section, line ${ctx.lineOf(b.section)}, is empty)` : ' anywhere in this configuration'}`,
    advice: names.length ? `defined balancers: ${names.join(', ')}` : undefined,
  };
}
