import { apacheFix, insertLinesAfter } from '../../apache-fix';
import type { ApacheNode } from '../../model/apache-tree';
import { formatSeconds } from '../../model/apache-proxy';
import { defineApacheRule } from '../apache-rule';

export default defineApacheRule({
  id: 'proxytimeout-inherits-timeout',
  server: 'apache',
  severity: 'info',
  outcome: '502/504',
  summary: 'A raised Timeout also sets how long mod_proxy waits for backends, because no ProxyTimeout is set.',
  directives: ['Timeout', 'ProxyTimeout'],
  versions: 'all 2.4',
  check(ctx) {
    const seen = new Set<ApacheNode>();
    for (const w of ctx.proxy.workers) {
      const t = ctx.proxy.backendTimeout(w);
      if (t.origin !== 'Timeout' || t.ms <= 60_000 || !t.node || seen.has(t.node)) continue;
      seen.add(t.node);
      ctx.report({
        node: t.node,
        message: `Timeout ${t.node.args[0]} is also how long httpd waits for backends here, because no ProxyTimeout is set${t.partial ? ' in this file (unless the main configuration, not linted with it, sets one)' : ''}: a stalled backend holds each request ${formatSeconds(t.ms)} before httpd answers 502 (mod_proxy_http, AH01102) or 504 (mod_proxy_fcgi); set ProxyTimeout to what the backends need`,
        suggestions: [apacheFix('Add "ProxyTimeout 60" after this line (backend waits only)', insertLinesAfter(t.node, ['ProxyTimeout 60']))],
      });
    }
  },
});
