import { apacheFix, setParam } from '../../apache-fix';
import type { ApacheNode } from '../../model/apache-tree';
import { describeTimeout } from '../../model/apache-proxy';
import { defineApacheRule } from '../apache-rule';

/** Backend timeouts below this many seconds are reported (option "minSeconds"). */
const DEFAULT_MIN_SECONDS = 5;

export default defineApacheRule({
  id: 'proxy-timeout-too-low',
  server: 'apache',
  severity: 'warning',
  outcome: '502/504',
  summary: 'Backends get only a few seconds to answer: slower answers become 502 (mod_proxy_http) or 504 (mod_proxy_fcgi).',
  directives: ['ProxyTimeout', 'Timeout', 'ProxyPass', 'ProxyPassMatch', 'BalancerMember', 'ProxySet'],
  versions: 'all 2.4',
  check(ctx) {
    const min = (typeof ctx.options.minSeconds === 'number' ? ctx.options.minSeconds : DEFAULT_MIN_SECONDS) * 1000;
    const seen = new Set<ApacheNode>();
    for (const w of ctx.proxy.workers) {
      const t = ctx.proxy.backendTimeout(w);
      if (t.ms >= min || !t.node || seen.has(t.node)) continue;
      seen.add(t.node);
      const fcgi = w.target.scheme === 'fcgi';
      ctx.report({
        node: t.param ? undefined : t.node,
        at: t.param ? { file: t.param.node.file, start: t.param.arg.start, end: t.param.arg.end } : undefined,
        message: `backends get ${describeTimeout(t, ctx.lineOf, t.node)} to answer: a slower answer gets ${fcgi ? '504 from mod_proxy_fcgi ("(70007)The timeout specified has expired: AH01075: Error dispatching request")' : '502 from mod_proxy_http ("(70007)The timeout specified has expired: AH01102: error reading status line from remote server", then AH00898)'}; raise it to what the slowest request needs`,
        suggestions: t.param ? [apacheFix('Set timeout=60', setParam(t.param, '60'))] : [],
      });
    }
  },
});
