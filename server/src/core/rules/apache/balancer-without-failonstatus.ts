import { apacheFix, insertLinesInSection } from '../../apache-fix';
import { balancerChecks, hcTemplateMethods } from '../../model/apache-balancer-checks';
import { defineApacheRule } from '../apache-rule';

export default defineApacheRule({
  id: 'balancer-without-failonstatus',
  server: 'apache',
  severity: 'info',
  outcome: '502/504',
  summary: 'A balancer sets neither failonstatus nor failontimeout, and not every member has an HTTP health check: members that answer 5xx or time out stay in rotation.',
  directives: ['BalancerMember', 'ProxySet'],
  versions: 'all 2.4 (failontimeout since 2.4.5)',
  check(ctx) {
    const templates = hcTemplateMethods(ctx.config);
    for (const b of ctx.proxy.balancers.values()) {
      if (b.members.length < 2 || b.params.has('failonstatus') || b.params.has('failontimeout')) continue;
      // An HTTP health check (hcmethod=GET, HEAD or OPTIONS) takes out a member whose check answers an error or
      // nothing, before clients are sent to it: members that have one are covered. hcmethod=TCP is not: a backend that
      // answers 503 or hangs still accepts the connection.
      const { httpChecked, otherChecked } = balancerChecks(b, templates);
      if (httpChecked.length === b.members.length) continue;
      const partly = httpChecked.length
        ? ` and only ${httpChecked.length} of its ${b.members.length} members ${httpChecked.length === 1 ? 'has' : 'have'} a health check that sends requests (hcmethod=GET, HEAD or OPTIONS)`
        : otherChecked.length
          ? ` and the health checks it has (hcmethod=${[...new Set(otherChecked.map((m) => m.params.get('hcmethod')?.value ?? `from hctemplate=${m.params.get('hctemplate')!.value}`))].join(', ')}) do not send requests, so they see neither errors nor hangs`
          : '';
      const where = b.section ?? b.members[0].node;
      ctx.report({
        node: where,
        message: `${b.name} sets neither failonstatus= nor failontimeout=${partly}: a member${httpChecked.length ? ' without one' : ''} that answers 502/503/504 or times out keeps its share of requests, and each of those ends in an error; "ProxySet failonstatus=502,503,504 failontimeout=On" takes such a member out for its retry period (AH01174, AH02460)`,
        suggestions: b.section ? [apacheFix('Add "ProxySet failonstatus=502,503,504 failontimeout=On"', insertLinesInSection(b.section, ['ProxySet failonstatus=502,503,504 failontimeout=On']))] : [],
      });
    }
  },
});
