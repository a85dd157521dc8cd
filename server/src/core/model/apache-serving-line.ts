import type { ProxyPassRule } from './apache-proxy';
import { fnmatchTest, locationTakes, sectionIsRegex, sectionPath } from './apache-proxy';
import { covers, passTakes, placeable, regexLiteralPrefix } from './apache-proxypass-order';
import type { ApacheNode } from './apache-tree';

/** The ProxyPass(Match) line httpd uses for a request path in one server (see servingLines). */
export interface Serving {
  /** The line that decides: it proxies the request, or ("!") keeps it from every backend. Undefined: no line maps it. */
  rule?: ProxyPassRule;
  /** False when that cannot be told (a regex JavaScript does not compile, a path with ${VAR}, a section in <If>). */
  known: boolean;
}

/** What servingLines computes once for the proxy model. */
export interface ServingLines {
  /** The line that serves a request for `path` (a URL-path after MergeSlashes) that came to `server` (null: the main server). */
  servedBy(server: ApacheNode | null, path: string): Serving;
  /**
   * Server-level ProxyPass lines that serve no request at all: in every server they run in, a plain <Location>'s
   * ProxyPass takes their whole path first, keyed by the line, with the <Location> line that takes it (the one merged
   * last for the line's own path, in its own server, else the first server's). A ProxyPassMatch counts when its regex
   * is anchored and every match starts with text that section covers ("^/x/(.*)$" under <Location "/x/">). A later
   * regex or wildcard section counts against it only when it may take some of those paths (see mayTakeUnder).
   */
  takenByLocation: Map<ApacheNode, ProxyPassRule>;
}

/**
 * Whether a regex or wildcard <Location>/<LocationMatch> section may take a request path that starts with `start`:
 * false only when every path it takes starts with literal text that neither starts `start` nor is started by it (an
 * anchored regex's "^/other/", a wildcard's text before its first "*", "?", "[" or "\\"), so that the two sets of
 * paths are apart.
 */
function mayTakeUnder(section: ApacheNode, start: string): boolean {
  const at = sectionPath(section);
  const wildcard = at.search(/[*?[\\]/);
  const literal = sectionIsRegex(section) ? regexLiteralPrefix(at) : wildcard < 0 ? at : at.slice(0, wildcard);
  if (literal === undefined) return true;
  const a = literal.replace(/\/{2,}/g, '/'), p = start.replace(/\/{2,}/g, '/');
  return a.startsWith(p) || p.startsWith(a);
}

/** Whether a plain section's path `at` takes every path that starts with `start`, whatever follows it. */
function coversStart(at: string, start: string): boolean {
  const a = at.replace(/\/{2,}/g, '/'), p = start.replace(/\/{2,}/g, '/');
  return p.startsWith(a) && (a.endsWith('/') || p[a.length] === '/');
}

/** Sections httpd reads or skips as it reads the file: a <Location> inside them is still one of the server's. */
const READ_TIME = new Set(['ifmodule', 'ifdefine', 'ifversion', 'iffile', 'ifdirective', 'ifsection']);

/**
 * Which ProxyPass line serves a request, as mod_proxy's proxy_trans (2.4) decides it. httpd walks the <Location> and
 * <LocationMatch> sections before translate_name, merging those that match in order (the main server's first, then the
 * virtual host's, each in file order), and the last one with a ProxyPass gives the request one per-directory line.
 * proxy_trans tries that line first: if it maps the path it decides (to its backend, or "!" to none) and the server's
 * own ProxyPass list is never read; only when it does not map the path (a <LocationMatch> path without a wildcard is a
 * prefix compared as written) does httpd try the server's list (the main server's lines, then the virtual host's),
 * the first match deciding. So a server-level `ProxyPass /api/websocket ws://…` serves nothing when a <Location
 * "/api/websocket"> has a ProxyPass of its own, whatever order they are written in (real httpd 2.4.71: the handshake
 * got that section's http:// backend's 426; test/servers/apache-serving-line.test.ts). `rulesFor` gives each server's
 * list in the order httpd tries it; `vhosts` are every server's requests that take the main server's sections.
 */
export function servingLines(rules: readonly ProxyPassRule[], rulesFor: (vhost: ApacheNode | null) => ProxyPassRule[], vhosts: readonly (ApacheNode | null)[]): ServingLines {
  // Each server's section lines in merge order; `odd` marks a section httpd may merge per request in a way not modelled
  // here (inside <If>, or a line in a nested section): a path such a section may take is not known.
  const sectionLines = new Map<ApacheNode | null, { r: ProxyPassRule; odd: boolean }[]>();
  const main: { r: ProxyPassRule; odd: boolean }[] = [];
  const own = new Map<ApacheNode, { r: ProxyPassRule; odd: boolean }[]>();
  for (const r of rules) {
    const loc = r.location;
    // A path written inside the section stops httpd from starting (misplacedPath): nothing is served.
    if (!loc || r.misplacedPath) continue;
    let odd = r.node.parent !== loc;
    for (let p = loc.parent; p && p.lname !== 'virtualhost'; p = p.parent) if (!READ_TIME.has(p.lname)) odd = true;
    const entry = { r, odd };
    if (r.vhost === null) main.push(entry);
    else {
      const list = own.get(r.vhost);
      if (list) list.push(entry);
      else own.set(r.vhost, [entry]);
    }
  }
  const sectionsOf = (server: ApacheNode | null) => {
    let list = sectionLines.get(server);
    if (!list) sectionLines.set(server, (list = server === null ? main : [...main, ...(own.get(server) ?? [])]));
    return list;
  };
  const plain = (section: ApacheNode) => !sectionIsRegex(section) && !fnmatchTest(sectionPath(section));
  const norm = (p: string) => p.replace(/\/{2,}/g, '/');
  /** The paths a plain prefix must equal to take `path`: itself, and its prefixes ending before or after each "/". */
  const keysOf = (path: string) => {
    const keys = [path];
    for (let k = path.indexOf('/'); k >= 0; k = path.indexOf('/', k + 1)) keys.push(path.slice(0, k + 1), path.slice(0, k));
    return keys;
  };
  // Per server, the sections and lines indexed so that a path is compared only with those that can take it: a plain
  // prefix by the path's own prefixes (keysOf), the others (regex, wildcard, odd, ${VAR}) one by one. A server with
  // 20,000 lines named like WebSocket paths was otherwise walked once per line.
  interface Index { sections: { r: ProxyPassRule; odd: boolean }[]; sectionAt: Map<string, number[]>; otherSections: number[]; list: ProxyPassRule[]; lineAt: Map<string, number>; otherLines: number[] }
  const indexes = new Map<ApacheNode | null, Index>();
  const indexOf = (server: ApacheNode | null): Index => {
    let ix = indexes.get(server);
    if (ix) return ix;
    const sections = sectionsOf(server);
    const sectionAt = new Map<string, number[]>();
    const otherSections: number[] = [];
    sections.forEach(({ r, odd }, i) => {
      if (odd || !plain(r.location!)) otherSections.push(i);
      else {
        const at = sectionPath(r.location!);
        const list = sectionAt.get(at);
        if (list) list.push(i);
        else sectionAt.set(at, [i]);
      }
    });
    const list = rulesFor(server);
    const lineAt = new Map<string, number>();
    const otherLines: number[] = [];
    list.forEach((r, i) => {
      if (r.regex || !placeable(r)) otherLines.push(i);
      else if (!lineAt.has(norm(r.path))) lineAt.set(norm(r.path), i);
    });
    indexes.set(server, (ix = { sections, sectionAt, otherSections, list, lineAt, otherLines }));
    return ix;
  };
  const memo = new Map<ApacheNode | null, Map<string, Serving>>();
  const servedBy = (server: ApacheNode | null, path: string): Serving => {
    let byPath = memo.get(server);
    if (!byPath) memo.set(server, (byPath = new Map()));
    const seen = byPath.get(path);
    if (seen) return seen;
    const answer = decide(server, path);
    byPath.set(path, answer);
    return answer;
  };
  const decide = (server: ApacheNode | null, path: string): Serving => {
    const ix = indexOf(server);
    const candidates = [...new Set([...ix.otherSections, ...keysOf(path).flatMap((k) => ix.sectionAt.get(k) ?? [])])].sort((a, b) => a - b);
    let last: ProxyPassRule | undefined;
    let unsure = false;
    for (const i of candidates) {
      const { r, odd } = ix.sections[i];
      const takes = locationTakes(r.location!, path);
      if (takes === false) continue;
      // A later section that surely matches is merged after an unsure one, and wins whatever that one did.
      if (takes === true && !odd) {
        last = r;
        unsure = false;
      } else unsure = true;
    }
    if (unsure) return { known: false };
    if (last) {
      const maps = passTakes(last, path);
      if (maps === undefined) return { known: false };
      if (maps) return { rule: last, known: true };
    }
    // The first plain line that takes the path, unless a regex (or a line that cannot be placed) before it does.
    let first = Infinity;
    for (const k of keysOf(norm(path))) {
      const i = ix.lineAt.get(k);
      if (i !== undefined && i < first) first = i;
    }
    for (const i of ix.otherLines) {
      if (i > first) break;
      const r = ix.list[i];
      if (!placeable(r)) return { known: false };
      const takes = passTakes(r, path);
      if (takes === undefined) return { known: false };
      if (takes) return { rule: r, known: true };
    }
    return Number.isFinite(first) ? { rule: ix.list[first], known: true } : { known: true };
  };

  const takenByLocation = new Map<ApacheNode, ProxyPassRule>();
  // Only a plain section whose path covers a line's path can take all of it: its path is the line's own, or one of
  // the line's prefixes ending before or after a "/" (see covers). The sections are looked up by those few paths, so
  // a server with thousands of lines and sections is not walked once per line (20,000 lines and 2,000 sections).
  const plainPaths = new Map<ApacheNode | null, Set<string>>();
  for (const [server, list] of [[null, main] as const, ...own]) {
    const set = new Set<string>();
    for (const { r, odd } of list) if (!odd && plain(r.location!)) set.add(norm(sectionPath(r.location!)));
    plainPaths.set(server, set);
  }
  const coveredIn = (server: ApacheNode | null, path: string) => {
    const keys = keysOf(path);
    const sets = server === null ? [plainPaths.get(null)!] : [plainPaths.get(null)!, plainPaths.get(server) ?? new Set<string>()];
    return keys.some((k) => sets.some((set) => set.has(k)));
  };
  for (const r of rules) {
    if (r.location || r.exclusion || !placeable(r)) continue;
    // Every path a prefix line takes starts with its path; every path an anchored regex (ProxyPassMatch "^/x/(.*)$")
    // matches starts with its literal text ("/x/"). A regex with no such start may match anywhere: left alone.
    const start = r.regex ? regexLiteralPrefix(r.path) : r.path;
    if (start === undefined || !start.startsWith('/')) continue;
    // A section covers every path that starts with `start` when its path is `start` or one of its prefixes ending
    // at a "/" (a regex's start may end inside a segment: "^/x(.*)$" also takes /xy, which <Location "/x"> does not).
    const coversAll = (at: string) => (r.regex ? coversStart(at, start) : covers(at, r.path));
    const servers = r.vhost === null ? vhosts : [r.vhost];
    let taker: ProxyPassRule | undefined;
    let dead = servers.length > 0;
    for (const server of servers) {
      if (!coveredIn(server, norm(start))) {
        dead = false;
        break;
      }
      const s = servedBy(server, start);
      const l = s.rule;
      // A plain <Location> whose path covers the line's takes every path under it, and a later plain section that
      // takes some of them has a ProxyPass that maps them too; a later regex or wildcard section may not map the paths
      // it takes (its line is then skipped and the server's list read), so the line may still serve some, unless its
      // own literal start shows it takes no path that starts with the line's (see mayTakeUnder).
      const sections = sectionsOf(server);
      const at = l ? sections.findIndex((e) => e.r === l) : -1;
      if (!s.known || !l?.location || !plain(l.location) || !coversAll(sectionPath(l.location)) || sections.slice(at + 1).some((e) => e.odd || (!plain(e.r.location!) && mayTakeUnder(e.r.location!, start)))) {
        dead = false;
        break;
      }
      if (!taker || server === r.vhost) taker = l;
    }
    if (dead && taker) takenByLocation.set(r.node, taker);
  }
  return { servedBy, takenByLocation };
}
