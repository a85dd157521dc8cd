import { apacheFix, setParam } from '../../apache-fix';
import { atoi } from '../../model/apache-workers';
import { defineApacheRule } from '../apache-rule';

export default defineApacheRule({
  id: 'response-field-size-too-small',
  server: 'apache',
  severity: 'info',
  outcome: '502',
  summary: 'responsefieldsize is set below its 8192-byte default: backend responses with a longer header line get 502.',
  directives: ['ProxyPass', 'BalancerMember', 'ProxySet'],
  versions: '2.4.34 and later',
  check(ctx) {
    for (const w of ctx.proxy.workers) {
      // No request reaches this worker (ProxyModel.unreachable): its parameters change nothing, and proxypass-shadowed
      // reports the dead line.
      if (ctx.proxy.unreachable.has(w)) continue;
      // A line sharing an earlier worker has that worker's parameters: its line reports them (worker-params-ignored-by-sharing says why this one's are ignored).
      if (w.shares) continue;
      const p = w.params.get('responsefieldsize');
      // 0 is the system default (HUGE_STRING_LEN, 8192): on 2.4.71 responsefieldsize=0 passed a header that 4096 refused.
      // httpd reads the value with atol, so "4k" is 4 bytes.
      if (!p || !/^\d/.test(p.value)) continue;
      const n = atoi(p.value);
      if (n === 0 || n >= 8192) continue;
      ctx.report({
        at: { file: p.node.file, start: p.arg.start, end: p.arg.end },
        message: `responsefieldsize=${p.value}${String(n) === p.value ? '' : ` (${n} bytes: httpd reads only the leading digits)`}: a response header line from ${w.url} longer than ${n} bytes (a large Set-Cookie or a JWT) gets 502 ("AH10124: header size is over the limit allowed by ResponseFieldSize (${n} bytes)", then AH01106); the default is 8192`,
        suggestions: [apacheFix('Set responsefieldsize=16384', setParam(p, '16384'))],
      });
    }
  },
});
