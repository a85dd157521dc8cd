import { apacheFix, lineRange } from '../../apache-fix';
import type { Fix } from '../../finding';
import { passTakes } from '../../model/apache-proxypass-order';
import { sectionPath, type ProxyPassRule } from '../../model/apache-proxy';
import type { ApacheNode } from '../../model/apache-tree';
import { defineApacheRule, type ApacheRuleContext } from '../apache-rule';

export default defineApacheRule({
  id: 'proxypass-shadowed',
  server: 'apache',
  severity: 'warning',
  outcome: 'wrong-backend-path',
  summary: 'A ProxyPass or ProxyPassMatch rule (or a "!" exclusion) comes after one that already matches all its paths: the first match wins, so it is never used (among <Location> sections the last one wins, and a <Location>\'s ProxyPass is tried before the server\'s own lines).',
  directives: ['ProxyPass', 'ProxyPassMatch'],
  versions: 'all 2.4',
  check(ctx) {
    const reported = new Set<ProxyPassRule>();
    const quote = (r: ProxyPassRule) => `${r.node.name} ${r.path}${r.exclusion ? ' !' : ''}`;
    // The server-level lines an earlier line of their server's list shadows (the proxy model's shadowedBy, whose
    // workers ProxyModel.unreachable counts too): <Location> forms are tried separately.
    for (const later of ctx.proxy.rules) {
      const earlier = ctx.proxy.shadowedBy.get(later.node);
      if (!earlier || later.location) continue;
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
    locationOverrides(ctx);
    takenByLocations(ctx, reported);
  },
});

/**
 * A server-level ProxyPass whose whole path a <Location>'s ProxyPass takes first, in every server it runs in (the proxy
 * model's takenByLocation): mod_proxy tries the one ProxyPass of the merged <Location> sections before the server's own
 * list, whatever order they are written in, so the server-level line gets no request (real httpd 2.4.71: the
 * <Location>'s backend answered, test/servers/apache-serving-line.test.ts). Other rules already leave such a line's
 * worker alone (ProxyModel.unreachable); without this report nothing said the line was dead.
 */
function takenByLocations(ctx: ApacheRuleContext, reported: ReadonlySet<ProxyPassRule>): void {
  for (const line of ctx.proxy.rules) {
    const taker = ctx.proxy.takenByLocation.get(line.node);
    if (!taker || reported.has(line)) continue;
    const loc = taker.location!;
    const file = (n: ApacheNode) => (n.file !== line.node.file ? ` of ${n.file.path.split('/').pop()}` : '');
    const section = `<${loc.name} "${sectionPath(loc)}"> (line ${ctx.lineOf(loc)}${file(loc)})`;
    const main = taker.vhost === null && line.vhost !== null ? "the main server's " : '';
    const goes = taker.exclusion ? 'they are not proxied ("!")' : `they go to ${taker.url}`;
    // A ProxyPassMatch is taken when every path its regex matches starts with text the section covers.
    const paths = line.regex ? `every path the regex "${line.path}" matches` : `every path under "${line.path}"`;
    ctx.report({
      node: line.node,
      message: `"${line.node.name} ${line.path}${line.exclusion ? ' !' : ''}" is never used: httpd tries the ProxyPass of the <Location> sections that match a request before the server's own ProxyPass lines, wherever they are written, and ${main}${section} maps ${paths}; ${goes}. Remove this line, or change that section's ProxyPass if this backend should get those requests`,
      related: [{ path: taker.node.file.path, start: taker.node.directive.start, end: taker.node.directive.end, message: `this <Location>'s ProxyPass is tried first for ${paths}` }],
    });
  }
}

/**
 * The one-argument ProxyPass of a <Location> that a later <Location>'s ProxyPass overrides: httpd merges the <Location>
 * and <LocationMatch> sections that match a request in the order they are written, and the LAST one's ProxyPass is
 * used (the proxy model's overriddenBy, see locationOverrides; test/servers/apache-location-order.test.ts). The message
 * names that last section: with <Location "/x/y">, <Location "/x">, <Location "/"> a request to /x/y goes to the "/"
 * section's backend, not the "/x" one's.
 */
function locationOverrides(ctx: ApacheRuleContext): void {
  const section = (r: ProxyPassRule) => {
    const loc = r.location!;
    return `<${loc.name}${loc.args[0] === '~' ? ' ~' : ''} "${sectionPath(loc)}">`;
  };
  const lineOf = (r: ProxyPassRule, from: ProxyPassRule) => `line ${ctx.lineOf(r.location!)}${r.node.file !== from.node.file ? ` of ${r.node.file.path.split('/').pop()}` : ''}`;
  for (const earlier of ctx.proxy.rules) {
    const o = ctx.proxy.overriddenBy.get(earlier.node);
    if (!o) continue;
    const { by, serves } = o;
    // A <LocationMatch> path without a wildcard is a prefix compared as written: its ProxyPass may not match the path
    // its section takes, and httpd then tries the server's own ProxyPass lines (real httpd 2.4.71, see the test).
    const takes = passTakes(serves, earlier.path);
    const goes = takes === false
      ? `its ProxyPass does not match "${earlier.path}" itself, so httpd tries the server's own ProxyPass lines for it`
      : serves.exclusion ? 'they are not proxied' : `they go to ${serves.url}`;
    const covering = `the later ${section(by)} (${lineOf(by, earlier)}) also matches every path under "${earlier.path}"`;
    const message = serves === by
      ? `The ProxyPass of <Location "${earlier.path}"> is never used: httpd merges the <Location> sections that match a request in the order they are written and ${covering} and is the last section that matches "${earlier.path}", so its ProxyPass wins; ${goes}. Put <Location "${earlier.path}"> after it (that reroutes the requests it matches: check which backend should get them)`
      : `The ProxyPass of <Location "${earlier.path}"> is never used: httpd merges the <Location> and <LocationMatch> sections that match a request in the order they are written and the last one's ProxyPass wins; ${covering}, and the last section that matches "${earlier.path}" is ${section(serves)} (${lineOf(serves, earlier)}): for requests to "${earlier.path}" ${goes}. Put <Location "${earlier.path}"> after them (that reroutes the requests it matches: check which backend should get them)`;
    const related = [{ path: serves.node.file.path, start: serves.node.directive.start, end: serves.node.directive.end, message: `this ProxyPass of the last section that matches "${earlier.path}" wins` }];
    if (serves !== by) related.push({ path: by.node.file.path, start: by.node.directive.start, end: by.node.directive.end, message: `this later <Location>'s ProxyPass covers every path under "${earlier.path}"` });
    ctx.report({ node: earlier.node, message, related });
  }
}
