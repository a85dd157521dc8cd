import { apacheFix, appendToDirective } from '../../apache-fix';
import { defineApacheRule } from '../apache-rule';

export default defineApacheRule({
  id: 'balancer-member-without-health-check',
  server: 'apache',
  severity: 'warning',
  outcome: '502/504',
  summary: 'No member of a balancer has an active health check (hcmethod): a member that answers errors or hangs stays in rotation.',
  directives: ['BalancerMember'],
  versions: 'all 2.4 (mod_proxy_hcheck since 2.4.21)',
  check(ctx) {
    for (const b of ctx.proxy.balancers.values()) {
      if (b.members.length === 0) continue;
      const checked = b.members.some((w) => w.params.has('hcmethod') || w.params.has('hctemplate'));
      if (checked) continue;
      const first = b.members[0];
      ctx.report({
        node: b.section ?? first.node,
        message: `no member of ${b.name} has a health check (hcmethod=): httpd takes a member out only when connecting to it fails ("AH00959: ap_proxy_connect_backend disabling worker … for 60s"); a member that answers 500/503 or hangs keeps getting its share of requests, which end as those errors or as 502 after the timeout. Add hcmethod=GET hcuri=/health (mod_proxy_hcheck) to the members`,
        suggestions: [apacheFix('Add "hcmethod=GET hcuri=/ hcinterval=10" to every member (needs mod_proxy_hcheck; point hcuri at the health endpoint)', ...b.members.filter((w) => w.node.file === first.node.file).map((w) => appendToDirective(w.node, 'hcmethod=GET hcuri=/ hcinterval=10')))],
      });
    }
  },
});
