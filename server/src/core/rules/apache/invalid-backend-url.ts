import { apacheFix } from '../../apache-fix';
import type { ApacheArg } from '../../syntax/apache/ast';
import type { ApacheNode } from '../../model/apache-tree';
import { parseBackendUrl } from '../../model/apache-proxy';
import { defineApacheRule } from '../apache-rule';

export default defineApacheRule({
  id: 'invalid-backend-url',
  server: 'apache',
  severity: 'error',
  outcome: 'startup-failure',
  summary: 'A backend URL httpd cannot use: no scheme or host (httpd refuses to start), a port out of range (400) or an impossible IPv4 address (500).',
  directives: ['ProxyPass', 'ProxyPassMatch', 'BalancerMember'],
  versions: 'all 2.4',
  check(ctx) {
    const check = (node: ApacheNode, arg: ApacheArg, url: string) => {
      if (node.unresolved || url.includes('$') || /^unix:/i.test(url)) return;
      const t = parseBackendUrl(url, node.name);
      const at = { file: node.file, start: arg.start, end: arg.end };
      if (t.error) {
        const bare = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):\d+(\/.*)?$/.test(url);
        ctx.report({
          at,
          message: `httpd refuses to start: "${t.error}": ${/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(url) ? (/ must be absolute!/.test(t.error) ? 'the URL has no host' : 'its host or port cannot be read') : 'a backend URL needs a scheme such as http://'}`,
          fix: bare ? apacheFix(`Use "http://${url}"`, { path: node.file.path, start: arg.start, end: arg.end, newText: arg.quote ? `${arg.quote}http://${url}${arg.quote}` : `http://${url}` }) : undefined,
        });
        return;
      }
      if (t.scheme === 'balancer') return;
      if (t.port !== '' && (!/^\d+$/.test(t.port) || Number(t.port) > 65535 || Number(t.port) === 0)) {
        ctx.report({
          at,
          severity: 'warning',
          message: `port "${t.port}" is not a TCP port: httpd starts, but every request here gets 400 ("AH01083: error parsing URL ${url.replace(/\/.*$/, '') || url}: Invalid host/port")`,
        });
        return;
      }
      const v4 = /^\d+(\.\d+){3}$/.test(t.host) ? t.host.split('.').map(Number) : undefined;
      if (v4 && v4.some((o) => o > 255)) {
        ctx.report({
          at,
          severity: 'warning',
          message: `"${t.host}" is not an IPv4 address (an octet is above 255): httpd starts, takes it for a host name, and every request here gets 500 ("AH00898: DNS lookup failure for: ${t.host}")`,
        });
      }
    };
    for (const r of ctx.proxy.rules) if (!r.exclusion && r.urlArg) check(r.node, r.urlArg, r.url);
    for (const w of ctx.proxy.workers) if (w.kind === 'member') check(w.node, w.urlArg, w.url);
  },
});
