import { onOff } from '../../model/apache-proxy';
import { defineApacheRule } from '../apache-rule';

export default defineApacheRule({
  id: 'keepalive-param-is-tcp-keepalive',
  server: 'apache',
  severity: 'info',
  outcome: 'silent',
  summary: 'The worker parameter keepalive=On turns on TCP keep-alive probes only; it does not control HTTP connection reuse.',
  directives: ['ProxyPass', 'ProxyPassMatch', 'BalancerMember', 'ProxySet'],
  versions: 'all 2.4',
  check(ctx) {
    for (const n of [...ctx.nodes('proxypass'), ...ctx.nodes('proxypassmatch'), ...ctx.nodes('balancermember'), ...ctx.nodes('proxyset')]) {
      for (const a of n.directive.args) {
        const m = /^keepalive=(.*)$/i.exec(a.value);
        if (!m || onOff({ key: 'keepalive', value: m[1], arg: a, node: n }) !== true) continue;
        ctx.report({
          at: { file: n.file, start: a.start, end: a.end },
          message: 'keepalive=On only makes the operating system send TCP keep-alive probes on idle backend connections (at its own interval, often every 2 hours) so a firewall does not drop them; HTTP connection reuse is on by default and is tuned with ttl= and disablereuse=, not with this',
        });
      }
    }
  },
});
