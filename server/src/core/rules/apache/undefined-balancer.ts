import { virtualHostOf } from '../../model/apache-tree';
import { defineApacheRule } from '../apache-rule';
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
    for (const b of ctx.proxy.balancers.values()) {
      if (strayIn.has(null) || b.users.some((u) => strayIn.has(u.vhost))) continue;
      // growth= (or BalancerGrowth) leaves room for members added at run time through the balancer-manager.
      if (b.members.length > 0 || b.params.has('growth') || ctx.nodes('balancergrowth').length > 0) continue;
      // A lone vhost file may use a balancer defined elsewhere; without a <Proxy> section, only a complete configuration tells.
      if (!b.section && !ctx.modules.known) continue;
      const names = [...ctx.proxy.balancers.values()].filter((o) => o.members.length > 0).map((o) => o.name);
      for (const u of b.users) {
        if (!u.urlArg) continue;
        ctx.report({
          at: { file: u.node.file, start: u.urlArg.start, end: u.urlArg.end },
          message: `${b.name} has no BalancerMember${b.section ? ` (its <Proxy> section, line ${ctx.lineOf(b.section)}, is empty)` : ' anywhere in this configuration'}: httpd starts, and every request here gets 503 ("AH01171: ${b.name}: No workers in balancer")${names.length ? `; defined balancers: ${names.join(', ')}` : ''}`,
        });
      }
    }
  },
});
