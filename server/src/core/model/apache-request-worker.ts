import { pcreRegExp, type ProxyModel, type ProxyPassRule, type Worker } from './apache-proxy';
import type { ApacheNode } from './apache-tree';
import { aliasMatch, passTakes, regexLiteralPrefix } from './apache-proxypass-order';
import { workerName } from './apache-worker-names';

/**
 * Requests of a ProxyPass line that go through another line's worker. mod_proxy does not remember which line mapped a
 * request: it looks the worker up again by the backend URL the line made (ap_proxy_pre_request → ap_proxy_get_worker_ex)
 * and takes the longest worker name that finds it (ProxyModel.workerForUrl). A ProxyPassMatch worker keeps its $1 in
 * its name, and since 2.4.47 that $1 matches any text, so "http://h/$1" finds every URL to http://h/ at least as long
 * as the name; a longer plain name ("http://h/b/", written before "ProxyPass /a/ http://h/" so that it is its own
 * worker) finds the URLs that start with it. On 2.4.71 both gave requests of a line with timeout=20 the other worker's
 * 2 s (test/servers/explain-apache-request-worker.test.ts).
 */
export interface TakenRequests {
  /** The worker those requests go through. */
  other: Worker;
  /** Its name, as httpd keeps it ("http://h/$1"). */
  name: string;
  /** The other worker's name is the line's own: a main-server worker that comes first in a virtual host's list. */
  sameName?: boolean;
  /** The server whose requests it is (the first found: a main-server line may be taken in one virtual host only). */
  server: ApacheNode | null;
  /** A request path of the line that goes there, and the URL the line makes for it ("xxxxxxxx" for any text). */
  path: string;
  url: string;
}

const REF = /\$\d/g;

/**
 * A backend URL a plain ProxyPass makes (its worker name, `base`, followed by the rest of a request path) that the worker
 * name `name` finds: for a regex worker one that matches it and is at least as long as the name, for a plain one a URL
 * that starts with its longer name. Undefined when none can be.
 */
function probeUrl(base: string, other: Worker, name: string): string | undefined {
  if (!other.match) return name.length > base.length && name.startsWith(base) ? `${name}x` : undefined;
  const first = name.search(/\$\d/);
  if (first < 0) return undefined;
  const literal = name.slice(0, first);
  if (literal.startsWith(base)) return name.replace(REF, 'xxxxxxxx');
  if (!base.startsWith(literal)) return undefined;
  // The URL goes on from base with text the first $N takes, then what the name has after it.
  const after = name.slice(first).replace(/^(\$\d)+/, '');
  return `${base}xxxxxxxx${after.replace(REF, 'xxxxxxxx')}`;
}

interface Named {
  worker: Worker;
  name: string;
  /** A regex name's text before its first $N ("http://h/img/" of "http://h/img/$1"). */
  literal?: string;
}

/** What requestsTakenFrom looks up for every rule, computed once per model (a configuration may have thousands of lines). */
interface Lookup {
  /** The worker each ProxyPass(Match) line has (its own, or the one it shares). */
  lineWorker: Map<ApacheNode, Worker>;
  /**
   * Workers a ProxyPass(Match) line defines itself, with their names, by the scheme://host:port their names start with:
   * plain ones sorted by name (those a URL is a prefix of are then one run of them), regex ones in a list.
   */
  byHost: Map<string, { plain: Named[]; regex: Named[] }>;
  rulesFor: Map<ApacheNode | null, { rules: ProxyPassRule[]; index: Map<ProxyPassRule, number> }>;
  /** The rule of each ProxyPass(Match) line. */
  ruleOf: Map<ApacheNode, ProxyPassRule>;
  regex: Map<ProxyPassRule, RegExp | null>;
}

const lookups = new WeakMap<ProxyModel, Lookup>();

/** The scheme://host:port part of a worker name ("http://h:8080/x" → "http://h:8080"); regex names too ("http://h/$1"). */
function hostOf(name: string): string {
  const i = name.indexOf('://');
  const slash = i < 0 ? -1 : name.indexOf('/', i + 3);
  return (slash < 0 ? name : name.slice(0, slash)).toLowerCase();
}

function lookupOf(proxy: ProxyModel): Lookup {
  let l = lookups.get(proxy);
  if (l) return l;
  l = { lineWorker: new Map(), byHost: new Map(), rulesFor: new Map(), regex: new Map(), ruleOf: new Map() };
  for (const r of proxy.rules) if (!l.ruleOf.has(r.node)) l.ruleOf.set(r.node, r);
  for (const w of proxy.workers) {
    if (w.kind !== 'proxypass') continue;
    if (!l.lineWorker.has(w.node)) l.lineWorker.set(w.node, w);
    // <Proxy "url"> ProxySet workers are left out: taking the URLs under them is what such a section is for.
    if (w.shares || w.balancer || (w.node.lname !== 'proxypass' && w.node.lname !== 'proxypassmatch')) continue;
    const name = workerName(w.url, w.match);
    if (name === undefined) continue;
    const key = hostOf(name);
    let group = l.byHost.get(key);
    if (!group) l.byHost.set(key, (group = { plain: [], regex: [] }));
    const first = w.match ? name.search(/\$\d/) : -1;
    if (w.match && first < 0) continue;
    (w.match ? group.regex : group.plain).push({ worker: w, name, ...(first >= 0 ? { literal: name.slice(0, first) } : {}) });
  }
  for (const g of l.byHost.values()) {
    g.plain.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    g.regex.sort((a, b) => (a.literal! < b.literal! ? -1 : a.literal! > b.literal! ? 1 : 0));
  }
  lookups.set(proxy, l);
  return l;
}

/** The index of the first entry of `list` (sorted by `key`) whose key is not below `text`. */
function firstAtLeast<T>(list: readonly T[], text: string, key: (x: T) => string): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (key(list[mid]) < text) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * passTakes, with each regex compiled once per lookup: a prefix by alias_match ("/api" takes /api/x, not /apix, which
 * a line after it then gets), a regex as PCRE reads it ("(?i)" included). A regex that does not compile takes nothing.
 */
function pathMatches(l: Lookup, r: ProxyPassRule, path: string): boolean {
  if (!r.regex) return aliasMatch(r.path, path) > 0;
  let re = l.regex.get(r);
  if (re === undefined) {
    re = pcreRegExp(r.path) ?? null;
    l.regex.set(r, re);
  }
  return re !== null && re.test(path);
}

/**
 * The other workers some requests of `rule` go through, one entry per worker. Only a plain ProxyPass to a backend URL
 * (not a balancer, not a regex rule, whose URLs depend on its captures), and only requests whose first matching rule
 * is this one: in the usual layout, "ProxyPass /api/ http://h/api/" above "ProxyPass / http://h/", every path that
 * would reach the /api/ worker through the second line is taken by the first. `regexWorkers` false (httpd before
 * 2.4.47): regex workers whose name holds $N are never found for a request, and are left out.
 */
export function requestsTakenFrom(proxy: ProxyModel, rule: ProxyPassRule, regexWorkers = true): TakenRequests[] {
  if (rule.regex || rule.exclusion || rule.misplacedPath || /^balancer:/i.test(rule.url)) return [];
  const l = lookupOf(proxy);
  const line = l.lineWorker.get(rule.node);
  if (!line || line.balancer) return [];
  const own = line.shares ?? line;
  const base = workerName(rule.url, false);
  if (base === undefined) return [];
  const out: TakenRequests[] = [];
  const servers = proxy.serversOf(line);
  const group = l.byHost.get(hostOf(base));
  if (!group) return [];
  // The plain names that start with base: from the first one not below it, while they do.
  const candidates: Named[] = [];
  for (let i = firstAtLeast(group.plain, base, (x) => x.name); i < group.plain.length && group.plain[i].name.startsWith(base); i++) candidates.push(group.plain[i]);
  // A regex name can take the line's URLs only when its literal start and base are one a prefix of the other: the
  // literals base starts, then those that start with base (one run of the sorted list, from base on).
  const from = firstAtLeast(group.regex, base, (x) => x.literal!);
  for (let n = hostOf(base).length; n < base.length; n++) {
    const prefix = base.slice(0, n);
    for (let i = firstAtLeast(group.regex, prefix, (x) => x.literal!); i < from && group.regex[i].literal === prefix; i++) candidates.push(group.regex[i]);
  }
  for (let i = from; i < group.regex.length && group.regex[i].literal!.startsWith(base); i++) candidates.push(group.regex[i]);
  for (const { worker: other, name } of candidates) {
    if (other === own || (other.match && !regexWorkers)) continue;
    // A main-server worker of the very same name comes before the virtual host's own in the list httpd searches, and
    // the first of equal names is kept: it takes every request of the line (ProxyModel.workerForUrl checks which
    // servers see it so).
    const url = !other.match && name === base && other.vhost === null && line.vhost !== null ? `${base}x` : probeUrl(base, other, name);
    if (url === undefined) continue;
    const path = rule.path + url.slice(base.length);
    // A path the line itself does not take makes no such request: alias_match wants a "/" after a path that does not
    // end in one ("/api" takes /api/x, not /apistatic/x), and a prefix that does not start with "/" (the "\.php" a
    // <LocationMatch "\.php"> gives its ProxyPass) takes nothing.
    if (!passTakes(rule, path)) continue;
    const server = servers.find((s) => {
      // The lookup first: it is cheap (ProxyModel.workerForUrl), and mostly finds a longer name of the line's own path.
      if (proxy.workerForUrl(s, url) !== other) return false;
      if (rule.location === undefined) {
        let order = l.rulesFor.get(s);
        if (!order) {
          const rules = proxy.rulesFor(s).filter((r) => !r.location);
          l.rulesFor.set(s, (order = { rules, index: new Map(rules.map((r, i) => [r, i])) }));
        }
        const at = order.index.get(rule);
        if (at === undefined) return false;
        // Most often the other worker's own line comes first and takes the path (see above): no need to look further.
        const theirs = l.ruleOf.get(other.node);
        const their = theirs && order.index.get(theirs);
        if (their !== undefined && their < at && pathMatches(l, theirs!, path)) return false;
        for (let i = 0; i < at; i++) if (pathMatches(l, order.rules[i], path)) return false;
      }
      return true;
    });
    if (server !== undefined) out.push({ other, name, server, path, url, ...(name === base && !other.match ? { sameName: true } : {}) });
  }
  return out;
}

/**
 * A request of a ProxyPassMatch rule whose backend URL comes out shorter than the rule's worker name: no worker name
 * finds it (a name is never longer than the URL it finds, and "$1" counts as two characters), so it goes through httpd's
 * default worker, without the line's parameters. On 2.4.71 "ProxyPassMatch ^/m/(.*)$ http://h/$1 timeout=20" gave
 * /m/ (URL http://h/) a 502 after the virtual host's ProxyTimeout 2 and /m/abc 200 after 4 s
 * (test/servers/explain-apache-request-worker.test.ts). Tried with the paths the regex's literal start makes with
 * nothing, or one character, after it; undefined when neither matches or makes a short URL.
 */
export function shortRegexRequest(rule: ProxyPassRule, worker: Worker): { path: string; url: string; name: string } | undefined {
  if (!rule.regex || rule.exclusion || !worker.match || worker.shares || !/\$\d/.test(rule.url) || /[&\\]/.test(rule.url)) return undefined;
  const name = workerName(rule.url, true);
  const prefix = regexLiteralPrefix(rule.path);
  if (name === undefined || prefix === undefined) return undefined;
  // As passTakes reads the regex ("(?i)" included).
  const re = pcreRegExp(rule.path);
  if (!re) return undefined;
  for (const path of [prefix, `${prefix}x`]) {
    const m = re.exec(path);
    if (!m) continue;
    const url = rule.url.replace(/\$(\d)/g, (_, d: string) => m[Number(d)] ?? '');
    if (url.length < name.length) return { path, url, name };
  }
  return undefined;
}
