import { pcreRegExp, type ProxyModel, type ProxyPassRule } from './apache-proxy';
import type { ApacheNode } from './apache-tree';
import { TEMPLATE_MARKUP } from './template-markup';

/**
 * Which server-level ProxyPass(Match) rule takes a request path first, as mod_proxy's proxy_trans tries them (the list
 * in order, first match wins; see ProxyModel.rulesFor for the order): used by proxypass-shadowed and hover.
 */

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

/**
 * How many characters of the request path `uri` a ProxyPass prefix matches, as mod_proxy's alias_match() counts them,
 * or 0 when it does not take it: characters compared as written, except that a run of "/" in the prefix matches any
 * run of "/" in the path (so the count may exceed the prefix's length), and the match must end at a "/" boundary
 * (the prefix ends in "/", or the path ends or goes on with "/"). The URL httpd makes is the line's URL followed by
 * the rest of the path. On 2.4.71 (test/servers/apache-prefix-boundary.test.ts), `ProxyPass "/api" "http://a/"` sent
 * /api to a as "/", /api/x as "//x", and left /apix and /api2/y to the next line; /api//x and //api/x also reached a
 * as "//x", since MergeSlashes (on by default) had made them /api/x before mod_proxy compared: callers pass the path
 * httpd logs, which is that merged one.
 */
export function aliasMatch(prefix: string, uri: string): number {
  let a = 0;
  let u = 0;
  while (a < prefix.length && u < uri.length) {
    if (prefix[a] === '/') {
      if (uri[u] !== '/') return 0;
      while (prefix[a] === '/') a++;
      while (uri[u] === '/') u++;
    } else if (uri[u++] !== prefix[a++]) return 0;
  }
  // The path ended before the prefix did ("/" against "/examples").
  if (u === uri.length && a !== prefix.length) return 0;
  if (prefix[a - 1] !== '/' && u < uri.length && uri[u] !== '/') return 0;
  return u;
}

/**
 * Whether a ProxyPass(Match) line's path takes a request path, as ap_proxy_trans_match compares them: a regex (see
 * ProxyPassRule.regex) anywhere in the path, a prefix as alias_match does (see aliasMatch), so a prefix that does not
 * start with "/", such as the "\.php$" a <LocationMatch "\.php$"> gives its ProxyPass, takes nothing. Undefined when
 * the regex does not compile in JavaScript. For a line in a section, the section must also apply (locationTakes).
 */
export function passTakes(rule: Pick<ProxyPassRule, 'regex' | 'path'>, path: string): boolean | undefined {
  return rule.regex ? pcreRegExp(rule.path)?.test(path) : aliasMatch(rule.path, path) > 0;
}

/**
 * The literal text every match of a ProxyPassMatch regex starts with ("^/api/(.*)$" → "/api/"), or
 * undefined when the regex is not anchored or has a top-level alternative. A character followed by a
 * quantifier that allows zero of it ends the prefix before it.
 */
export function regexLiteralPrefix(re: string): string | undefined {
  if (!re.startsWith('^')) return undefined;
  let depth = 0;
  for (let i = 0; i < re.length; i++) {
    const c = re[i];
    if (c === '\\') i++;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === '|' && depth === 0) return undefined;
  }
  let out = '';
  let i = 1;
  while (i < re.length) {
    let ch: string;
    let len: number;
    if (re[i] === '\\') {
      const n = re[i + 1];
      // \d, \w, \b, \1 …: a class, an assertion or a back-reference, not a literal.
      if (n === undefined || /[A-Za-z0-9]/.test(n)) break;
      ch = n;
      len = 2;
    } else if ('.[](){}*+?|^$'.includes(re[i])) break;
    else {
      ch = re[i];
      len = 1;
    }
    const q = re[i + len];
    if (q === '*' || q === '?' || q === '{') break;
    out += ch;
    if (q === '+') break;
    i += len;
  }
  return out;
}

/** True for a ProxyPassMatch regex that matches every request path ("^/(.*)$", "^/", ".*", "^(/.*)$" …). */
export function regexMatchesEverything(re: string): boolean {
  let s = re.startsWith('^') ? re.slice(1) : re;
  const endAnchored = s.endsWith('$') && !s.endsWith('\\$');
  if (endAnchored) s = s.slice(0, -1);
  const unwrap = (x: string) => {
    while (x.startsWith('(') && x.endsWith(')') && !x.startsWith('(?')) {
      let depth = 0;
      let whole = true;
      for (let i = 0; i < x.length - 1; i++) {
        if (x[i] === '\\') i++;
        else if (x[i] === '(') depth++;
        else if (x[i] === ')' && --depth === 0) whole = false;
      }
      if (!whole) break;
      x = x.slice(1, -1);
    }
    return x;
  };
  s = unwrap(s);
  // Every request path starts with "/".
  if (s.startsWith('/')) s = unwrap(s.slice(1));
  return s === '.*' || (s === '' && !endAnchored);
}

/** True when every request that `later` would take is already taken by `earlier` (tried first). The definition shadowIndex answers faster; its test compares the two. */
export function shadows(earlier: ProxyPassRule, later: ProxyPassRule): boolean {
  if (earlier.regex) return regexMatchesEverything(earlier.path);
  if (!later.regex) return covers(earlier.path, later.path);
  // "ProxyPass /" takes every request path, so no regex after it is ever tried.
  if (norm(earlier.path) === '/') return true;
  const prefix = regexLiteralPrefix(later.path);
  if (prefix === undefined) return false;
  const e = norm(earlier.path), p = norm(prefix);
  // The regex may match more after its literal prefix, so the prefix must end a path segment of `earlier`.
  return p.startsWith(e) && (e.endsWith('/') || p[e.length] === '/');
}

/**
 * For each rule, the first earlier one that shadows it (the same answer as `list.slice(0, j).find((e) => shadows(e,
 * list[j]))`), without comparing every pair: a server with 20,000 ProxyPass lines took 15 s that way. An earlier
 * plain path shadows a path only when its normalized form is one of the path's own prefixes at a "/" (see covers),
 * so those prefixes are looked up among the earlier paths; an earlier regex shadows everything or nothing.
 */
export function shadowIndex(list: readonly ProxyPassRule[]): (j: number) => ProxyPassRule | undefined {
  const plainAt = new Map<string, number>();
  const everything: number[] = [];
  list.forEach((r, i) => {
    if (r.regex) {
      if (regexMatchesEverything(r.path)) everything.push(i);
    } else {
      const key = norm(r.path);
      if (!plainAt.has(key)) plainAt.set(key, i);
    }
  });
  /** The "/"-boundary prefixes of `p` an earlier plain path must equal: before each "/", after each "/", and `p` itself when asked. */
  const keys = (p: string, whole: boolean): string[] => {
    const out = whole ? [p] : [];
    for (let i = 0; i < p.length; i++) if (p[i] === '/') out.push(p.slice(0, i), p.slice(0, i + 1));
    return out;
  };
  return (j) => {
    const later = list[j];
    let best = everything.find((i) => i < j) ?? Infinity;
    let candidates: string[];
    if (!later.regex) candidates = keys(norm(later.path), true);
    else {
      const prefix = regexLiteralPrefix(later.path);
      candidates = ['/', ...(prefix === undefined ? [] : keys(norm(prefix), false))];
    }
    for (const k of candidates) {
      const i = plainAt.get(k);
      if (i !== undefined && i < j && i < best) best = i;
    }
    return Number.isFinite(best) ? list[best] : undefined;
  };
}

/** A path with template markup or ${VAR} cannot be placed in the order (the backend URL does not matter here). */
export const placeable = (r: ProxyPassRule) => !TEMPLATE_MARKUP.test(r.path) && !r.path.includes('${');

/**
 * Server-level ProxyPass(Match) lines (and "!" exclusions) that an earlier line of their server's list takes every
 * request of, keyed by the line, with the first such earlier line: proxy_trans reads the list in order and the first
 * match decides, so they serve no request. A virtual host's list starts with the main server's lines (rulesFor), so a
 * main-server line is shadowed in every server or in none, and a virtual host's line may be shadowed by one of the
 * main server's, wherever that is written. A <Location>'s ProxyPass is tried before the list and only takes requests
 * away from it: a shadowed line stays dead whatever the sections do. Lines whose path cannot be placed (template
 * markup, ${VAR}) neither shadow nor are shadowed. proxypass-shadowed reports these, and ProxyModel.unreachable counts
 * their workers.
 */
export function shadowedLines(rulesFor: (vhost: ApacheNode | null) => ProxyPassRule[], vhosts: readonly ApacheNode[]): Map<ApacheNode, ProxyPassRule> {
  const out = new Map<ApacheNode, ProxyPassRule>();
  for (const scope of [null, ...vhosts]) {
    const list = rulesFor(scope).filter(placeable);
    const firstShadowing = shadowIndex(list);
    for (let j = 0; j < list.length; j++) {
      if (out.has(list[j].node)) continue;
      const earlier = firstShadowing(j);
      if (earlier) out.set(list[j].node, earlier);
    }
  }
  return out;
}

/** The rule that takes every request `rule` would take, in its own server's list (the main server's lines first). */
export function shadowingRule(proxy: Pick<ProxyModel, 'rulesFor'>, rule: ProxyPassRule): ProxyPassRule | undefined {
  if (rule.location || !placeable(rule)) return undefined;
  const list = proxy.rulesFor(rule.vhost).filter(placeable);
  const j = list.indexOf(rule);
  return j < 0 ? undefined : shadowIndex(list)(j);
}
