import type { ProxyPassRule } from './apache-proxy';
import { locationTakes } from './apache-proxy';
import type { ApacheNode } from './apache-tree';

/** How a later <Location> overrides the ProxyPass of an earlier one (see locationOverrides). */
export interface LocationOverride {
  /**
   * The last later plain <Location> ProxyPass whose path covers every path of the overridden section: it makes the
   * overridden line dead (whatever comes after it, the earlier section's ProxyPass is never the one merged last).
   */
  by: ProxyPassRule;
  /**
   * The ProxyPass httpd keeps for a request to the overridden section's own path: the last section after it (plain
   * <Location>, or <LocationMatch>, <Location ~> or a wildcard <Location> that takes that path) with a ProxyPass line.
   * `by` unless such a section comes after `by`. Its line may still not match the path (a <LocationMatch> path without
   * a wildcard is a prefix compared as written), and httpd then goes on to the server's own ProxyPass lines.
   */
  serves: ProxyPassRule;
}

/**
 * The one-argument ProxyPass lines of <Location> sections that a later <Location>'s ProxyPass overrides for every path
 * they match, each with the lines that win: httpd merges the <Location> and <LocationMatch> sections that match a
 * request in the order they are written, and the last one's ProxyPass is the one used (proxy_trans reads the merged
 * per-directory alias). So a <Location "/"> with ProxyPass after <Location "/api/websocket"> takes that path too (real
 * httpd 2.4.71: a WebSocket handshake to /api/websocket went to <Location "/">'s http:// backend, 426, with the
 * sections in that order, and to the ws:// one, 101, the other way round; test/servers/apache-location-order.test.ts).
 * With several later sections that match, the LAST one wins, not the first: /x/y with <Location "/x/y">, <Location
 * "/x">, <Location "/"> went to the "/" section's backend, and to a <LocationMatch "^/x/.*"> written after them all.
 * httpd still defines the overridden line's worker, but no request of the section's path reaches it through that line.
 * Only plain <Location> sections of one server, directly inside it, make a line dead: their paths match a URL-path
 * that starts with them up to a "/" (or the whole path); a regex section may take only some of the paths.
 * Keyed by the overridden ProxyPass line (a Worker's `node` too); `all` is the configuration's nodes in the order httpd
 * reads them. Computed once, with the proxy model.
 */
export function locationOverrides(rules: readonly ProxyPassRule[], all: readonly ApacheNode[]): Map<ApacheNode, LocationOverride> {
  const out = new Map<ApacheNode, LocationOverride>();
  const direct = (r: ProxyPassRule) => {
    const loc = r.location;
    return !!loc && r.node.parent === loc && !r.misplacedPath && (loc.parent === null || loc.parent.lname === 'virtualhost');
  };
  const inLocation: ProxyPassRule[] = [];
  // The other sections whose ProxyPass merges the same way: <LocationMatch>, <Location ~>, a wildcard <Location>.
  const otherSections: ProxyPassRule[] = [];
  for (const r of rules) {
    if (!direct(r)) continue;
    if (r.location!.lname === 'location' && !r.regex && (r.location!.args[0] ?? '') !== '~') inLocation.push(r);
    else if (r.location!.lname === 'location' || r.location!.lname === 'locationmatch') otherSections.push(r);
  }
  if (inLocation.length === 0) return out;
  const order = new Map<ApacheNode, number>();
  all.forEach((n, k) => order.set(n, k));
  // A path is covered by itself and by its prefixes that end at a "/" (with or without that "/"): "/a/" covers what
  // starts with it, "/a" the path itself and what starts with "/a/". The sections are looked up by those few paths,
  // not compared pairwise (a configuration of thousands of <Location> sections).
  const byPath = new Map<ApacheNode | null, Map<string, ProxyPassRule[]>>();
  for (const rule of inLocation) {
    let paths = byPath.get(rule.vhost);
    if (!paths) byPath.set(rule.vhost, (paths = new Map()));
    const list = paths.get(rule.path);
    if (list) list.push(rule);
    else paths.set(rule.path, [rule]);
  }
  const coveringPaths = (path: string): string[] => {
    const paths = [path];
    for (let k = path.indexOf('/'); k >= 0; k = path.indexOf('/', k + 1)) paths.push(path.slice(0, k + 1), path.slice(0, k));
    return paths;
  };
  const at = (r: ProxyPassRule) => order.get(r.location!)!;
  for (const earlier of inLocation) {
    const paths = byPath.get(earlier.vhost)!;
    // The last covering section in file order: the one merged last for every path of the earlier one.
    let by: ProxyPassRule | undefined;
    for (const path of coveringPaths(earlier.path)) {
      for (const c of paths.get(path) ?? []) if (c !== earlier && at(c) > at(earlier) && (!by || at(c) > at(by))) by = c;
    }
    if (!by) continue;
    let serves = by;
    for (const c of otherSections) {
      if (c.vhost === earlier.vhost && at(c) > at(serves) && locationTakes(c.location!, earlier.path) === true) serves = c;
    }
    out.set(earlier.node, { by, serves });
  }
  return out;
}
