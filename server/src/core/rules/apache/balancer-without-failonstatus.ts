import { apacheFix, insertLinesInSection } from '../../apache-fix';
import { defineApacheRule } from '../apache-rule';

export default defineApacheRule({
  id: 'balancer-without-failonstatus',
  server: 'apache',
  severity: 'info',
  outcome: '502/504',
  summary: 'A balancer sets neither failonstatus nor failontimeout: members that answer 5xx or time out stay in rotation.',
  directives: ['BalancerMember', 'ProxySet'],
  versions: 'all 2.4 (failontimeout since 2.4.5)',
  check(ctx) {
    for (const b of ctx.proxy.balancers.values()) {
      if (b.members.length < 2 || b.params.has('failonstatus') || b.params.has('failontimeout')) continue;
      const where = b.section ?? b.members[0].node;
      ctx.report({
        node: where,
        message: `${b.name} sets neither failonstatus= nor failontimeout=: a member that answers 502/503/504 or times out keeps its share of requests, and each of those ends in an error; "ProxySet failonstatus=502,503,504 failontimeout=On" takes such a member out for its retry period (AH01174, AH02460)`,
        suggestions: b.section ? [apacheFix('Add "ProxySet failonstatus=502,503,504 failontimeout=On"', insertLinesInSection(b.section, ['ProxySet failonstatus=502,503,504 failontimeout=On']))] : [],
      });
    }
  },
});
