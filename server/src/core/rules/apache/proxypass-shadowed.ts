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
 * The one-argument ProxyPass of a <Location>: httpd merges the <Location> sections that match a request in the order
 * they are written, and the last one's ProxyPass is the one used. So a <Location "/"> with ProxyPass after
 * <Location "/api/websocket"> takes that path too (real httpd 2.4.71: a WebSocket handshake to /api/websocket went
 * to <Location "/">'s http:// backend, 426, with the sections in that order, and to the ws:// one, 101, the other way
 * round; test/servers/apache-location-order.test.ts). Only plain <Location> sections of one server, directly inside
 * it, are compared: their paths match a URL-path that starts with them up to a "/" (or the whole path).
 */
function locationOverrides(ctx: ApacheRuleContext): void {
  const order = new Map<ApacheNode, number>();
  ctx.config.all.forEach((n, k) => order.set(n, k));
  const inLocation = ctx.proxy.rules.filter((r) => {
    const loc = r.location;
    if (!loc || loc.lname !== 'location' || r.node.parent !== loc || r.regex || r.misplacedPath) return false;
    if ((loc.args[0] ?? '') === '~' || (loc.parent !== null && loc.parent.lname !== 'virtualhost')) return false;
    return true;
  });
  // A path is covered by itself and by its prefixes that end at a "/" (with or without that "/"): "/a/" covers what
  // starts with it, "/a" the path itself and what starts with "/a/". The sections are looked up by those few paths,
  // not compared pairwise (a configuration of thousands of <Location> sections).
  const byPath = new Map<ApacheNode | null, Map<string, { rule: ProxyPassRule; index: number }[]>>();
  inLocation.forEach((rule, index) => {
    let paths = byPath.get(rule.vhost);
    if (!paths) byPath.set(rule.vhost, (paths = new Map()));
    const list = paths.get(rule.path);
    if (list) list.push({ rule, index });
    else paths.set(rule.path, [{ rule, index }]);
  });
  const coveringPaths = (path: string): string[] => {
    const out = [path];
    for (let k = path.indexOf('/'); k >= 0; k = path.indexOf('/', k + 1)) out.push(path.slice(0, k + 1), path.slice(0, k));
    return out;
  };
  for (const earlier of inLocation) {
    const paths = byPath.get(earlier.vhost)!;
    const at = order.get(earlier.location!)!;
    // The first such section in the rules' order, as a scan of them all would find.
    let later: ProxyPassRule | undefined;
    let best = Infinity;
    for (const path of coveringPaths(earlier.path)) {
      const hit = paths.get(path)?.find((c) => c.rule !== earlier && order.get(c.rule.location!)! > at);
      if (hit && hit.index < best) [later, best] = [hit.rule, hit.index];
    }
    if (!later) continue;
    const goes = later.exclusion ? 'they are not proxied' : `they go to ${later.url}`;
    ctx.report({
      node: earlier.node,
      message: `The ProxyPass of <Location "${earlier.path}"> is never used: httpd merges the <Location> sections that match a request in the order they are written, and the later <Location "${later.path}"> (line ${ctx.lineOf(later.location!)}) also matches every path under "${earlier.path}", so its ProxyPass wins; ${goes}. Put <Location "${earlier.path}"> after it (that reroutes the requests it matches: check which backend should get them)`,
      related: [{ path: later.node.file.path, start: later.node.directive.start, end: later.node.directive.end, message: 'this later <Location> ProxyPass wins' }],
    });
  }
}
