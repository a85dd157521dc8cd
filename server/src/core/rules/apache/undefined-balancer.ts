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
      if (b.params.has('growth') || ctx.nodes('balancergrowth').length > 0) continue;
      if (b.members.length > 0) {
        // Balancers belong to the server they are defined in: a virtual host sees its own and the main server's
        // (BalancerInherit, on by default), never another vhost's. Real httpd 2.4.71: vhost B's
        // ProxyPass "/" "balancer://shop/" with shop defined only in vhost A answered 503 (AH01171), and so did the
        // main server's.
        for (const u of b.users) {
          if (!u.urlArg || b.members.some((m) => m.vhost === null || m.vhost === u.vhost)) continue;
          const home = b.members[0].vhost!;
          const where = `<VirtualHost ${home.args.join(' ')}> (line ${ctx.lineOf(home)}${home.file !== u.node.file ? ` of ${home.file.path}` : ''})`;
          ctx.report({
            at: { file: u.node.file, start: u.urlArg.start, end: u.urlArg.end },
            message: `${b.name} is defined only in ${where}, and a balancer belongs to the server it is defined in: ${u.vhost ? 'a virtual host sees its own balancers and the main server\'s, not another virtual host\'s' : 'the main server does not see a virtual host\'s balancers'}, so here it has no members: httpd starts, and every request here gets 503 ("AH01171: ${b.name}: No workers in balancer"); define the balancer (its <Proxy ${b.name}> section with the BalancerMember lines) ${u.vhost ? 'in this virtual host, or in the main server to share it' : 'in the main server'}`,
            related: [{ path: home.file.path, start: (b.members[0].node.directive.start), end: b.members[0].node.directive.end, message: `${b.name} is defined here, for this virtual host only` }],
          });
        }
        continue;
      }
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
