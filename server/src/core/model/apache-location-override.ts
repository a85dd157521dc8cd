import type { ProxyPassRule } from './apache-proxy';
import type { ApacheNode } from './apache-tree';

/**
 * The one-argument ProxyPass lines of <Location> sections that a later <Location>'s ProxyPass overrides for every path
 * they match, each with the line that wins: httpd merges the <Location> sections that match a request in the order
 * they are written, and the last one's ProxyPass is the one used. So a <Location "/"> with ProxyPass after
 * <Location "/api/websocket"> takes that path too (real httpd 2.4.71: a WebSocket handshake to /api/websocket went
 * to <Location "/">'s http:// backend, 426, with the sections in that order, and to the ws:// one, 101, the other way
 * round; test/servers/apache-location-order.test.ts). httpd still defines the overridden line's worker, but no request
 * of the section's path reaches it through that line. Only plain <Location> sections of one server, directly inside
 * it, are compared: their paths match a URL-path that starts with them up to a "/" (or the whole path).
 * Keyed by the overridden ProxyPass line (a Worker's `node` too); `all` is the configuration's nodes in the order httpd reads them. Computed once, with the proxy model.
 */
export function locationOverrides(rules: readonly ProxyPassRule[], all: readonly ApacheNode[]): Map<ApacheNode, ProxyPassRule> {
  const out = new Map<ApacheNode, ProxyPassRule>();
  const inLocation = rules.filter((r) => {
    const loc = r.location;
    if (!loc || loc.lname !== 'location' || r.node.parent !== loc || r.regex || r.misplacedPath) return false;
    if ((loc.args[0] ?? '') === '~' || (loc.parent !== null && loc.parent.lname !== 'virtualhost')) return false;
    return true;
  });
  if (inLocation.length === 0) return out;
  const order = new Map<ApacheNode, number>();
  all.forEach((n, k) => order.set(n, k));
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
    const paths = [path];
    for (let k = path.indexOf('/'); k >= 0; k = path.indexOf('/', k + 1)) paths.push(path.slice(0, k + 1), path.slice(0, k));
    return paths;
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
    if (later) out.set(earlier.node, later);
  }
  return out;
}
