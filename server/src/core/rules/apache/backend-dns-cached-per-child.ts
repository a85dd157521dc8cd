import { apacheFix, appendToDirective } from '../../apache-fix';
import { isIpLiteral, reusesConnections } from '../../model/apache-proxy';
import { atLeast } from '../../model/version';
import { defineApacheRule } from '../apache-rule';

export default defineApacheRule({
  id: 'backend-dns-cached-per-child',
  server: 'apache',
  severity: 'warning',
  outcome: '503',
  summary: 'A backend named by host name is resolved once per child process and cached until the child exits: after its address changes, requests get 503.',
  directives: ['ProxyPass', 'ProxyPassMatch', 'BalancerMember'],
  versions: 'all 2.4 (addressttl= since 2.4.59)',
  check(ctx) {
    const hasAddressTtl = atLeast(ctx.version, '2.4.59');
    for (const w of ctx.proxy.workers) {
      const host = w.target.host.toLowerCase();
      if (w.node.unresolved || w.target.error || w.target.socket !== undefined || !host || host.includes('$')) continue;
      if (isIpLiteral(host) || host === 'localhost' || host.endsWith('.localhost')) continue;
      if (!reusesConnections(w) || w.params.has('addressttl')) continue;
      const fix = hasAddressTtl ? apacheFix('Add "addressttl=30" (re-resolve every 30 s)', appendToDirective(w.node, 'addressttl=30')) : undefined;
      ctx.report({
        node: w.node,
        message: `httpd resolves "${w.target.host}" once per child process and keeps the address until the child exits: when the backend moves (a container or cloud load balancer gets a new IP), requests fail with 503 (AH00957 "attempt to connect … failed", AH01114) until httpd restarts; ${hasAddressTtl ? 'add addressttl=30' : hasAddressTtl === false ? 'add disablereuse=On (addressttl= needs httpd 2.4.59)' : 'add addressttl=30 on httpd 2.4.59 or later (set apache.version), or disablereuse=On'}`,
        fix,
        suggestions: fix ? [] : [apacheFix('Add "disablereuse=On" (resolve on every connection, no connection reuse)', appendToDirective(w.node, 'disablereuse=On'))],
      });
    }
  },
});
