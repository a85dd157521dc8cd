import { mayNotBeRead } from '../../model/apache-modules';
import type { Balancer } from '../../model/apache-proxy';
import type { ApacheNode } from '../../model/apache-tree';
import { defineApacheRule, type ApacheRuleContext } from '../apache-rule';

/**
 * httpd 2.4.71 and 2.4.68 die with SIGSEGV (exit 139, nothing printed or logged), at start-up and in `apache2 -t`, when a virtual
 * host that takes the main server's balancers sets failonstatus= with at least one code for a balancer the main server
 * defines without any failonstatus=. Seen with apache2 -t on 2.4.71, and again on 2.4.68 (test/servers/apache-vhost-failonstatus.test.ts):
 * - crashes: failonstatus= on the virtual host's ProxyPass, ProxyPassMatch or <Location> ProxyPass to the balancer, in
 *   its <Proxy balancer://…> ProxySet (with or without members of its own), or ProxySet "balancer://…" after its
 *   ProxyPass; with BalancerInherit Off or ProxyPassInherit Off alone; the virtual host before or after the main
 *   server's lines; the main server's balancer defined by members or only by a ProxyPass to it; even without
 *   mod_proxy_balancer loaded;
 * - starts: the main server's balancer has failonstatus= (any value, even empty, from any of its lines, before or after
 *   the virtual host); both BalancerInherit and ProxyPassInherit Off; the main server's <Proxy balancer://…> holds only
 *   Require lines (it defines no balancer); the virtual host's last failonstatus= is empty; the main server sets it on a
 *   <Location> ProxyPass; failontimeout=, nofailover=, maxattempts=, lbmethod=, forcerecovery=, stickysession=,
 *   timeout=, growth= in place of failonstatus=.
 * So the layout is exactly the one where a virtual host's balancer is hidden by the main server's (Balancer.hiddenBy).
 */
export default defineApacheRule({
  id: 'vhost-failonstatus-on-main-balancer',
  server: 'apache',
  severity: 'error',
  outcome: 'startup-failure',
  summary: 'A virtual host sets failonstatus= for a balancer the main server defines without it: httpd 2.4.71 and 2.4.68 crash at start-up (segmentation fault, exit 139, no message), and so does apache2 -t.',
  directives: ['ProxyPass', 'ProxyPassMatch', 'ProxySet'],
  versions: '2.4.71 and 2.4.68 (checked; other 2.4 releases not checked)',
  check(ctx) {
    if (ctx.config.htaccess || (ctx.modules.known && !ctx.modules.isLoaded('proxy'))) return;
    for (const b of ctx.proxy.balancers) {
      const main = b.hiddenBy;
      if (!main || b.vhost === null) continue;
      // httpd keeps the last failonstatus= a server's lines give the balancer: an empty one (no codes) did not crash.
      const p = b.params.get('failonstatus');
      if (!p || !/\d{3}/.test(p.value) || p.node.unresolved || mayNotBeRead(p.node, ctx.modules)) continue;
      // Any failonstatus= on the main server's balancer, even one httpd may not read, and it may start: say nothing.
      if (main.params.has('failonstatus')) continue;
      const def = definer(main);
      if (!def || mayNotBeRead(def, ctx.modules)) continue;
      ctx.report({
        at: { file: p.node.file, start: p.arg.start, end: p.arg.end },
        message: `httpd (2.4.71 and 2.4.68 checked) crashes at start-up with this line (segmentation fault, exit code 139, nothing in the error log; apache2 -t too): ${b.name} is defined in the main server (${where(ctx, def, p.node)}) without failonstatus=, and this virtual host uses the main server's balancer of the name, so failonstatus=${p.value} here is set on a balancer that has none in the main server; set failonstatus= where the main server defines ${b.name} (it then holds for the main server's requests too), or give this virtual host a balancer of its own: another name with its own BalancerMember lines, or BalancerInherit Off and ProxyPassInherit Off in it`,
        related: [{ path: def.file.path, start: def.directive.start, end: def.directive.end, message: `the main server's ${b.name}, without failonstatus=` }],
      });
    }
  },
});

/** The main server's line that defines the balancer: its <Proxy> section, else its first member, ProxyPass or ProxySet. */
function definer(b: Balancer): ApacheNode | undefined {
  return b.section ?? b.members[0]?.node ?? b.users.find((r) => r.vhost === null)?.node ?? [...b.params.values()][0]?.node;
}

function where(ctx: ApacheRuleContext, n: ApacheNode, from: ApacheNode): string {
  const what = n.lname === 'proxy' ? `its <${n.name}> section` : n.name;
  return `${what} on line ${ctx.lineOf(n)}${n.file !== from.file ? ` of ${n.file.path}` : ''}`;
}
