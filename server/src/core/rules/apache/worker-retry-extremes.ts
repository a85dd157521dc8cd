import { atoi } from '../../model/apache-workers';
import { defineApacheRule } from '../apache-rule';

/** retry above this many seconds keeps a recovered member out too long (option "maxSeconds"). */
const DEFAULT_MAX_SECONDS = 300;

export default defineApacheRule({
  id: 'worker-retry-extremes',
  server: 'apache',
  severity: 'info',
  outcome: '503',
  summary: 'retry=0 sends requests to a failed balancer member again at once; a very large retry keeps a recovered one out of rotation.',
  directives: ['BalancerMember', 'ProxyPass', 'ProxySet'],
  versions: 'all 2.4',
  options: {
    maxSeconds: { kind: 'seconds', description: 'A retry= above this many seconds is reported (default 300).' },
  },
  check(ctx) {
    const max = (typeof ctx.options.maxSeconds === 'number' ? ctx.options.maxSeconds : DEFAULT_MAX_SECONDS) * 1000;
    for (const w of ctx.proxy.workers) {
      // No request reaches this worker (ProxyModel.unreachable): its parameters change nothing, and proxypass-shadowed
      // reports the dead line.
      if (ctx.proxy.unreachable.has(w)) continue;
      // A line sharing an earlier worker has that worker's parameters: its line reports them (worker-params-ignored-by-sharing says why this one's are ignored).
      if (w.shares) continue;
      const p = w.params.get('retry');
      if (!p) continue;
      // atoi, like httpd: retry=3000ms is 3000 s, retry=abc is 0 (a negative value stops httpd: invalid-worker-parameter).
      const n = atoi(p.value);
      if (n < 0) continue;
      const ms = n * 1000;
      const at = { file: p.node.file, start: p.arg.start, end: p.arg.end };
      if (ms === 0 && w.kind === 'member') {
        ctx.report({ at, message: `retry=${p.value}${/^\d+$/.test(p.value) ? '' : ' is 0 s (httpd reads only leading digits, and there are none)'}: after ${w.url} fails, httpd sends it the very next request instead of waiting (the default is 60 s), so while it is down requests keep failing on it first (AH00957, then 503 when no member is left)` });
      } else if (ms > max) {
        ctx.report({
          at,
          message: `retry=${p.value}${/^\d+$/.test(p.value) ? '' : ` is ${n} s (httpd reads whole seconds and ignores what follows the digits)`}: once ${w.url} fails, httpd keeps it in error state for ${Math.round(ms / 1000)} s before trying it again, even if it recovers a second later${w.kind === 'proxypass' ? ' (httpd 2.4.71 was seen retrying a plain ProxyPass worker on every request regardless; the value matters most for balancer members)' : ''}`,
        });
      }
    }
  },
});
