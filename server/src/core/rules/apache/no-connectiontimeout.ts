import { apacheFix, appendToDirective } from '../../apache-fix';
import { BACKEND_SCHEMES, describeTimeout } from '../../model/apache-proxy';
import { defineApacheRule } from '../apache-rule';

/** Connect waits above this many seconds are reported (option "maxSeconds"). */
const DEFAULT_MAX_SECONDS = 10;

export default defineApacheRule({
  id: 'no-connectiontimeout',
  server: 'apache',
  severity: 'warning',
  outcome: '503',
  summary: 'A backend has no connectiontimeout: when its host stops answering, each request waits the whole backend timeout, then gets 503.',
  directives: ['ProxyPass', 'ProxyPassMatch', 'BalancerMember'],
  versions: 'all 2.4',
  check(ctx) {
    const max = (typeof ctx.options.maxSeconds === 'number' ? ctx.options.maxSeconds : DEFAULT_MAX_SECONDS) * 1000;
    for (const w of ctx.proxy.workers) {
      if (w.node.unresolved || w.target.error || w.target.socket !== undefined || !BACKEND_SCHEMES.has(w.target.scheme)) continue;
      if (w.params.has('connectiontimeout')) continue;
      const t = ctx.proxy.connectTimeout(w);
      if (t.ms <= max) continue;
      ctx.report({
        node: w.node,
        message: `no connectiontimeout= for ${w.url}: if the backend host is down or drops packets, httpd waits ${describeTimeout(t, ctx.lineOf, w.node)} for the TCP connection, then answers 503 (AH00957 "attempt to connect … failed", AH01114); add connectiontimeout=5`,
        fix: apacheFix('Add "connectiontimeout=5"', appendToDirective(w.node, 'connectiontimeout=5')),
      });
    }
  },
});
