import { apacheFix, lineRange } from '../../apache-fix';
import type { ProxyPassRule } from '../../model/apache-proxy';
import { TEMPLATE_MARKUP, type ApacheNode } from '../../model/apache-tree';
import { defineApacheRule } from '../apache-rule';

const norm = (p: string) => p.replace(/\/{2,}/g, '/');

/**
 * True when every request path under `later` also matches `earlier`, as mod_proxy's alias_match() decides:
 * a literal prefix in which runs of slashes match each other, ending at a path-segment boundary
 * ("/api" matches "/api" and "/api/v2", not "/api2").
 */
export function covers(earlier: string, later: string): boolean {
  const e = norm(earlier), l = norm(later);
  if (!l.startsWith(e)) return false;
  return e.endsWith('/') || l.length === e.length || l[e.length] === '/';
}

export default defineApacheRule({
  id: 'proxypass-shadowed',
  server: 'apache',
  severity: 'warning',
  outcome: 'wrong-backend-path',
  summary: 'A ProxyPass rule (or a "!" exclusion) comes after a shorter prefix that already matches it: the first match wins, so it is never used.',
  directives: ['ProxyPass'],
  versions: 'all 2.4',
  check(ctx) {
    const scopes: (ApacheNode | null)[] = [null, ...ctx.nodes('virtualhost')];
    const reported = new Set<ProxyPassRule>();
    for (const scope of scopes) {
      // Only the path decides the order; a backend URL with template markup or ${VAR} does not matter here.
      const list = ctx.proxy.rulesFor(scope).filter((r) => !r.regex && !TEMPLATE_MARKUP.test(r.path) && !r.path.includes('${'));
      for (let j = 0; j < list.length; j++) {
        const later = list[j];
        if (reported.has(later)) continue;
        const earlier = list.slice(0, j).find((e) => covers(e.path, later.path));
        if (!earlier) continue;
        reported.add(later);
        const what = later.exclusion ? `the exclusion "ProxyPass ${later.path} !"` : `"ProxyPass ${later.path}"`;
        const sameBlock = earlier.node.file === later.node.file && earlier.node.parent === later.node.parent;
        let fix;
        if (sameBlock) {
          const from = lineRange(later.node);
          const to = lineRange(earlier.node);
          const text = later.node.file.text.slice(from.start, from.end);
          fix = apacheFix(`Move this rule above "ProxyPass ${earlier.path}" (line ${ctx.lineOf(earlier.node)})`, { path: later.node.file.path, start: to.start, end: to.start, newText: /[\r\n]$/.test(text) ? text : text + '\n' }, { path: later.node.file.path, start: from.start, end: from.end, newText: '' });
        }
        ctx.report({
          node: later.node,
          message: `${what} is never used: httpd tries ProxyPass rules in order and the first match wins, and "ProxyPass ${earlier.path}${earlier.exclusion ? ' !' : ''}" (line ${ctx.lineOf(earlier.node)}${earlier.node.file !== later.node.file ? ` of ${earlier.node.file.path.split('/').pop()}` : ''}) already matches every path under "${later.path}"; ${later.exclusion ? 'those requests are proxied anyway' : `they go to ${earlier.exclusion ? 'no backend' : earlier.url}`}. Put longer paths and exclusions first`,
          related: [{ path: earlier.node.file.path, start: earlier.node.directive.start, end: earlier.node.directive.end, message: 'this earlier rule matches first' }],
          fix,
        });
      }
    }
  },
});
