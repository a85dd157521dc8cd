import { defineApacheRule } from '../apache-rule';

export default defineApacheRule({
  id: 'balancer-single-member',
  server: 'apache',
  severity: 'info',
  outcome: '503',
  summary: 'A balancer has one member: there is nothing to fail over to, and every request gets 503 while it is down.',
  directives: ['BalancerMember'],
  versions: 'all 2.4',
  check(ctx) {
    // A virtual host's balancer that the main server's of the name hides gets no requests (see takesMainBalancers).
    for (const b of ctx.proxy.balancers) {
      if (b.members.length !== 1 || b.hiddenBy) continue;
      const m = b.members[0];
      ctx.report({
        node: m.node,
        message: `${b.name} has a single member (${m.url}): while it is down every request gets 503 ("AH00957: … attempt to connect to … failed", "AH00959: … disabling worker", then "AH01114: HTTP: failed to make connection to backend", in that order on httpd 2.4.71), and with forcerecovery On (the default) httpd retries it on each request; add a second member or a hot standby (status=+H) on another host`,
      });
    }
  },
});
