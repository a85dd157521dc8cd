import { apacheFix, lineRange } from '../../apache-fix';
import type { Fix } from '../../finding';
import type { ProxyPassRule } from '../../model/apache-proxy';
import { placeable, shadowIndex } from '../../model/apache-proxypass-order';
import type { ApacheNode } from '../../model/apache-tree';
import { defineApacheRule, type ApacheRuleContext } from '../apache-rule';

export default defineApacheRule({
  id: 'proxypass-shadowed',
  server: 'apache',
  severity: 'warning',
  outcome: 'wrong-backend-path',
  summary: 'A ProxyPass or ProxyPassMatch rule (or a "!" exclusion) comes after one that already matches all its paths: the first match wins, so it is never used (among <Location> sections the last one wins).',
  directives: ['ProxyPass', 'ProxyPassMatch'],
  versions: 'all 2.4',
  check(ctx) {
    const scopes: (ApacheNode | null)[] = [null, ...ctx.nodes('virtualhost')];
    const reported = new Set<ProxyPassRule>();
    const quote = (r: ProxyPassRule) => `${r.node.name} ${r.path}${r.exclusion ? ' !' : ''}`;
    for (const scope of scopes) {
      // <LocationMatch> rules are tried separately (rulesFor leaves out the <Location> forms).
      const list = ctx.proxy.rulesFor(scope).filter(placeable);
      const firstShadowing = shadowIndex(list);
      for (let j = 0; j < list.length; j++) {
        const later = list[j];
        if (reported.has(later)) continue;
        const earlier = firstShadowing(j);
        if (!earlier) continue;
        reported.add(later);
        const what = later.exclusion ? `the exclusion "${quote(later)}"` : `"${later.node.name} ${later.path}"`;
        const sameBlock = earlier.node.file === later.node.file && earlier.node.parent === later.node.parent;
        // Moving the line changes where requests go today (they reach the earlier rule's backend): the user decides.
        const suggestions: Fix[] = [];
        if (sameBlock) {
          const from = lineRange(later.node);
          const to = lineRange(earlier.node);
          const text = later.node.file.text.slice(from.start, from.end);
          const effect = later.exclusion
            ? `requests it matches are then not proxied (today they go to ${earlier.url})`
            : earlier.exclusion
              ? `requests it matches then go to ${later.url} (today they are not proxied)`
              : `requests it matches then go to ${later.url} instead of ${earlier.url}`;
          suggestions.push(apacheFix(`Move this rule above "${earlier.node.name} ${earlier.path}" (line ${ctx.lineOf(earlier.node)}); ${effect}`, { path: later.node.file.path, start: to.start, end: to.start, newText: /[\r\n]$/.test(text) ? text : text + '\n' }, { path: later.node.file.path, start: from.start, end: from.end, newText: '' }));
        }
        const under = later.regex ? `every path the regex "${later.path}" matches` : `every path under "${later.path}"`;
        const goes = later.exclusion ? 'those requests are proxied anyway' : `they go to ${earlier.exclusion ? 'no backend' : earlier.url}`;
        // A main-server line comes first in every virtual host, though it may be written after it (see rulesFor).
        const merged = earlier.vhost === null && later.vhost !== null;
        const message = merged
          ? `${what} is never used: the main server's "${quote(earlier)}" (${earlier.node.file.path.split('/').pop()}:${ctx.lineOf(earlier.node)}) already matches ${under}, and httpd merges the main server's ProxyPass and ProxyPassMatch lines into every virtual host ahead of the virtual host's own (wherever they are written; ProxyPassInherit Off does not change this), and the first match wins; ${goes}. Give the main-server line a path this virtual host does not use, or move it into the virtual hosts that need it (that reroutes the requests it matches there: check which backend should get them)`
          : `${what} is never used: httpd tries ProxyPass and ProxyPassMatch rules in the order they are written and the first match wins, and "${quote(earlier)}" (line ${ctx.lineOf(earlier.node)}${earlier.node.file !== later.node.file ? ` of ${earlier.node.file.path.split('/').pop()}` : ''}) already matches ${under}; ${goes}. Put longer paths, regexes and exclusions first (moving a rule reroutes the requests it matches: check which backend should get them)`;
        ctx.report({
          node: later.node,
          message,
          related: [{ path: earlier.node.file.path, start: earlier.node.directive.start, end: earlier.node.directive.end, message: merged ? 'this main-server rule is tried first in every virtual host' : 'this earlier rule matches first' }],
          suggestions,
        });
      }
    }
    locationOverrides(ctx);
  },
});

/**
 * The one-argument ProxyPass of a <Location> that a later <Location>'s ProxyPass overrides: httpd merges the <Location>
 * sections that match a request in the order they are written, and the last one's ProxyPass is used (the proxy
 * model's overriddenBy, see locationOverrides; test/servers/apache-location-order.test.ts).
 */
function locationOverrides(ctx: ApacheRuleContext): void {
  for (const earlier of ctx.proxy.rules) {
    const later = ctx.proxy.overriddenBy.get(earlier.node);
    if (!later) continue;
    const goes = later.exclusion ? 'they are not proxied' : `they go to ${later.url}`;
    ctx.report({
      node: earlier.node,
      message: `The ProxyPass of <Location "${earlier.path}"> is never used: httpd merges the <Location> sections that match a request in the order they are written, and the later <Location "${later.path}"> (line ${ctx.lineOf(later.location!)}) also matches every path under "${earlier.path}", so its ProxyPass wins; ${goes}. Put <Location "${earlier.path}"> after it (that reroutes the requests it matches: check which backend should get them)`,
      related: [{ path: later.node.file.path, start: later.node.directive.start, end: later.node.directive.end, message: 'this later <Location> ProxyPass wins' }],
    });
  }
}
