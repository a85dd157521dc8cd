import { mayNotBeRead } from '../../model/apache-modules';
import type { ApacheNode } from '../../model/apache-tree';
import { defineApacheRule, type ApacheRuleContext } from '../apache-rule';

/**
 * A virtual host that takes the main server's balancers (BalancerInherit or ProxyPassInherit On, the default) uses the
 * main server's balancer of a name before its own: on 2.4.71 its requests reached the main server's member, never its
 * own, wherever the lines were in the file, with one of the two Off too, and httpd said nothing about it
 * (test/servers/apache-balancer-scope.test.ts, test/servers/apache-vhost-balancer-hidden.test.ts). Where the main
 * server's balancer has no members, undefined-balancer reports the 503s instead.
 */
export default defineApacheRule({
  id: 'vhost-balancer-hidden-by-main-server',
  server: 'apache',
  severity: 'warning',
  outcome: 'wrong-backend-path',
  summary: 'A virtual host defines BalancerMember lines for a balancer:// name the main server defines too: httpd uses the main server\'s balancer and members for it, and the virtual host\'s members get no requests.',
  directives: ['BalancerMember', 'Proxy'],
  versions: 'all 2.4',
  check(ctx) {
    if (ctx.config.htaccess) return;
    for (const b of ctx.proxy.balancers) {
      const main = b.hiddenBy;
      if (!main || b.vhost === null || b.members.length === 0 || main.members.length === 0) continue;
      const mainAt = main.section ?? main.members[0].node;
      const ownAt = b.section ?? b.members[0].node;
      if (mayNotBeRead(mainAt, ctx.modules) || mayNotBeRead(ownAt, ctx.modules)) continue;
      const arg = ownAt.directive.args[0];
      const theirs = main.members.map((m) => m.url);
      ctx.report({
        at: arg ? { file: ownAt.file, start: arg.start, end: arg.end } : undefined,
        node: arg ? undefined : ownAt,
        message: `${b.members.length === 1 ? 'the BalancerMember line' : `the ${b.members.length} BalancerMember lines`} for ${b.name} in this virtual host get no requests: the main server defines ${b.name} too (${mainLabel(mainAt)} at ${fileLine(ctx, mainAt)}), and a virtual host that takes the main server's balancers uses the main server's balancer of a name before its own, so requests here go to the main server's members (${theirs.slice(0, 4).join(', ')}${theirs.length > 4 ? ', …' : ''}; this virtual host's own balancer settings for the name still apply on top); give this balancer another name (in its ProxyPass lines too), or put both BalancerInherit Off and ProxyPassInherit Off in this virtual host (it then takes none of the main server's balancers and workers)`,
        related: [{ path: mainAt.file.path, start: mainAt.directive.start, end: mainAt.directive.end, message: `the main server's ${b.name}, which this virtual host's requests use` }],
      });
    }
  },
});

const mainLabel = (n: ApacheNode) => (n.lname === 'proxy' ? `its <${n.name}> section` : `its ${n.name}`);
const fileLine = (ctx: ApacheRuleContext, n: ApacheNode) => `${n.file.path}:${ctx.lineOf(n)}`;
