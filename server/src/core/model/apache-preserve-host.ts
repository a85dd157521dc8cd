import { fnmatchTest, sectionIsRegex, sectionPath, type ProxyModel, type ProxyPassRule, type Worker } from './apache-proxy';
import { covers, regexLiteralPrefix } from './apache-proxypass-order';
import { virtualHostOf, type ApacheNode } from './apache-tree';

/**
 * The ProxyPreserveHost line in force for the requests a ProxyPass(Match) rule sends, as httpd 2.4 merges it: the
 * server's value (the virtual host's, else the main server's), then the <Proxy>/<ProxyMatch> sections that match the
 * backend URL, then the <Location>/<LocationMatch> sections that match the request path, main server's sections before
 * the virtual host's, each in file order, the last one read winning. mod_proxy_http reads it from the request's
 * per-directory configuration, and for a proxied request that is built from <Proxy> sections (proxy_walk takes the
 * place of <Directory> and <Files>) and then <Location> ones. On 2.4.71, with "ProxyPass /api/ https://localhost/" in a
 * virtual host named www.example.com and a backend certificate for localhost, ProxyPreserveHost On in <Location /api/>,
 * <LocationMatch ^/api/>, <Proxy https://localhost:port/*>, <ProxyMatch ^https://localhost>, in a <Location /api/> of the
 * main server, or around the one-argument ProxyPass, gave 500 to Host: www.example.com; in <Directory />, <Files *>,
 * <Location /other/> or <Proxy https://elsewhere/*> it gave 200; Off in <Location /api/> or <Proxy …> undid a
 * server-level On, and Off in <Location /api/> undid On in <Proxy …> (test/servers/apache-preserve-host-sections.test.ts).
 *
 * `node` is the line in force (undefined: none, so Off, httpd's default) for the rule's requests outside any narrower
 * section (<Location /api/admin/> under ProxyPass /api/ decides only its own); `known` is false when a line proxylint
 * cannot place may decide it: one in <If>/<ElseIf>/<Else> or <Limit> inside a section (evaluated per request), or in a
 * section whose pattern it cannot compare with the rule's.
 */
export interface PreserveHost {
  node: ApacheNode | undefined;
  known: boolean;
}

/** Sections that take no part in a proxied request's configuration: proxy_walk replaces <Directory> and <Files>. */
const NOT_FOR_PROXIED = new Set(['directory', 'directorymatch', 'files', 'filesmatch']);
const PER_REQUEST = new Set(['if', 'elseif', 'else', 'limit', 'limitexcept']);

type Applies = 'yes' | 'no' | 'part' | 'unknown';

export function isPreserveHostOn(n: ApacheNode | undefined): boolean {
  return /^on$/i.test(n?.args[0] ?? '');
}

/**
 * `lines`: every ProxyPreserveHost line of the configuration; `server`: the server whose requests are meant (null: the
 * main server), which for a main-server rule may be a virtual host (its lines come first there).
 */
export function preserveHostFor(proxy: ProxyModel, lines: readonly ApacheNode[], rule: ProxyPassRule, server: ApacheNode | null): PreserveHost {
  let node = proxy.serverValue(server, 'proxypreservehost');
  let known = true;
  const proxyPhase: ApacheNode[] = [];
  const locationPhase: ApacheNode[] = [];
  for (const n of lines) {
    const vhost = virtualHostOf(n);
    if (vhost !== null && vhost !== server) continue;
    let section: ApacheNode | undefined;
    let skip = false;
    let perRequest = false;
    for (let p = n.parent; p && p.lname !== 'virtualhost'; p = p.parent) {
      if (NOT_FOR_PROXIED.has(p.lname)) skip = true;
      else if (PER_REQUEST.has(p.lname)) perRequest ||= section === undefined;
      else if (/^(location|locationmatch|proxy|proxymatch)$/.test(p.lname)) section ??= p;
    }
    // Outside any section (the server level, <If> there included) it is serverValue's.
    if (skip || !section) continue;
    const applies = sectionApplies(section, rule);
    // A section for only part of the rule's requests (<Location /api/admin/> under ProxyPass /api/) decides those; the
    // value given is the one for the rest.
    if (applies === 'no' || applies === 'part') continue;
    // Under <If> or <Limit> inside the section (decided per request), or a pattern proxylint cannot compare.
    if (applies === 'unknown' || perRequest) {
      known = false;
      continue;
    }
    (/^proxy/.test(section.lname) ? proxyPhase : locationPhase).push(n);
  }
  // httpd appends a virtual host's sections to the main server's: its own come later and win.
  const order = (a: ApacheNode, b: ApacheNode) => Number(virtualHostOf(a) !== null) - Number(virtualHostOf(b) !== null);
  for (const n of [...proxyPhase.sort(order), ...locationPhase.sort(order)]) node = n;
  return { node, known };
}

/** Whether a <Location>/<LocationMatch>/<Proxy>/<ProxyMatch> section applies to every request of the rule. */
function sectionApplies(section: ApacheNode, rule: ProxyPassRule): Applies {
  if (rule.location === section) return 'yes';
  const pattern = sectionPath(section);
  const regex = sectionIsRegex(section);
  if (/^proxy/.test(section.lname)) {
    // proxy_walk compares the backend URL a request is sent to: the rule's URL followed by the rest of the path.
    if (rule.regex && rule.url.includes('$')) return 'unknown';
    const url = rule.url;
    if (regex) return testRegex(pattern, [url, `${url}zz/zz`]);
    if (pattern === '*') return 'yes';
    // proxy_walk compares with apr_fnmatch when apr_fnmatch_test finds a wildcard (p_is_fnmatch, proxysection).
    if (fnmatchTest(pattern)) return testRegex(globToRegex(pattern), [`${url}zz/zz`], true);
    return url.toLowerCase().startsWith(pattern.toLowerCase()) ? 'yes' : pattern.toLowerCase().startsWith(url.toLowerCase()) ? 'part' : 'no';
  }
  // The request paths of the rule: its path, or the literal start every match of its regex has.
  const path = rule.regex ? regexLiteralPrefix(rule.path) : rule.path;
  if (path === undefined) return 'unknown';
  if (regex) return testRegex(pattern, [path, `${path}zz/zz`]);
  // A <Location> path with a wildcard by apr_fnmatch_test (d_is_fnmatch, urlsection in core.c) is not tried here.
  if (fnmatchTest(pattern)) return 'unknown';
  if (covers(pattern, path)) return 'yes';
  return covers(path, pattern) ? 'part' : 'no';
}

/** 'yes' when the regex matches every sample, 'no' when it matches none, else (or when JavaScript cannot read it) 'unknown'. */
function testRegex(pattern: string, samples: string[], caseless = false): Applies {
  let re: RegExp;
  try {
    re = new RegExp(pattern, caseless ? 'i' : '');
  } catch {
    return 'unknown';
  }
  const hits = samples.filter((s) => re.test(s)).length;
  return hits === samples.length ? 'yes' : hits === 0 ? 'no' : 'unknown';
}

/** A <Proxy> wildcard as apr_fnmatch reads it without FNM_PATHNAME: `*` and `?` also match "/". */
function globToRegex(glob: string): string {
  return `^${glob.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`;
}

/** The ProxyPass(Match) rules whose requests go through worker `w`: its own line, or those of its balancer. */
export function rulesOfWorker(proxy: ProxyModel, w: Worker): ProxyPassRule[] {
  if (w.kind === 'member') return w.balancer?.users ?? [];
  return proxy.rules.filter((r) => r.node === w.node);
}
