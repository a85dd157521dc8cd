import { apacheFix, appendToDirective } from '../../apache-fix';
import { cachesAddress, isIpLiteral } from '../../model/apache-proxy';
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
      // No request reaches this worker (ProxyModel.unreachable): its parameters change nothing, and proxypass-shadowed
      // reports the dead line.
      if (ctx.proxy.unreachable.has(w)) continue;
      // A line sharing an earlier worker has that worker's parameters: its line reports them (worker-params-ignored-by-sharing says why this one's are ignored).
      if (w.shares) continue;
      const host = w.target.host.toLowerCase();
      if (w.node.unresolved || w.target.error || w.target.socket !== undefined || !host || host.includes('$')) continue;
      if (isIpLiteral(host) || host === 'localhost' || host.endsWith('.localhost')) continue;
      if (!cachesAddress(w) || w.params.has('addressttl')) continue;
      // Suggestions only: both make httpd depend on DNS while it runs. With addressttl=1, httpd 2.4.71 answered
      // 500 (AH00898 "DNS lookup failure") once the name stopped resolving, where without it requests kept
      // getting 200 from the cached address.
      const ttl = hasAddressTtl !== false ? apacheFix(`Add "addressttl=30" (re-resolve every 30 s; if the name then stops resolving, requests get 500)${hasAddressTtl ? '' : ' (httpd 2.4.59 or later)'}`, appendToDirective(w.node, 'addressttl=30')) : undefined;
      const reuse = apacheFix('Add "disablereuse=On" (resolve on every connection, no connection reuse)', appendToDirective(w.node, 'disablereuse=On'));
      ctx.report({
        node: w.node,
        message: `httpd resolves "${w.target.host}" once per child process and keeps the address until the child exits: when the backend moves (a container or cloud load balancer gets a new IP), requests fail with 503 (AH00957 "attempt to connect … failed", AH01114) until httpd restarts; ${hasAddressTtl ? 'add addressttl=30' : hasAddressTtl === false ? 'add disablereuse=On (addressttl= needs httpd 2.4.59)' : 'add addressttl=30 on httpd 2.4.59 or later (set apache.version), or disablereuse=On'}`,
        suggestions: hasAddressTtl ? [ttl!] : ttl ? [reuse, ttl] : [reuse],
      });
    }
  },
});
