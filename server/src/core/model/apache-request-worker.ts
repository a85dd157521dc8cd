import type { ProxyModel, ProxyPassRule, Worker } from './apache-proxy';
import type { ApacheNode } from './apache-tree';
import { regexLiteralPrefix } from './apache-proxypass-order';
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

function pathMatches(r: ProxyPassRule, path: string): boolean {
  if (!r.regex) return path.startsWith(r.path);
  try {
    return new RegExp(r.path).test(path);
  } catch {
    return false;
  }
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
  const line = proxy.workers.find((w) => w.node === rule.node && w.kind === 'proxypass');
  if (!line || line.balancer) return [];
  const own = line.shares ?? line;
  const base = workerName(rule.url, false);
  if (base === undefined) return [];
  const out: TakenRequests[] = [];
  for (const other of proxy.workers) {
    // Workers a ProxyPass(Match) line defines itself (not shared, not a balancer's): <Proxy "url"> ProxySet workers
    // are left out, since taking the URLs under them is what such a section is for.
    if (other === own || other.kind !== 'proxypass' || other.shares || other.balancer) continue;
    if (other.node.lname !== 'proxypass' && other.node.lname !== 'proxypassmatch') continue;
    if (other.match && !regexWorkers) continue;
    const name = workerName(other.url, other.match);
    if (name === undefined) continue;
    const url = probeUrl(base, other, name);
    if (url === undefined) continue;
    const path = rule.path + url.slice(base.length);
    const server = proxy.serversOf(line).find(
      (s) => proxy.workerForUrl(s, url) === other && (rule.location !== undefined || proxy.rulesFor(s).find((r) => !r.location && pathMatches(r, path)) === rule),
    );
    if (server !== undefined) out.push({ other, name, server, path, url });
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
  let re: RegExp;
  try {
    re = new RegExp(rule.path);
  } catch {
    return undefined;
  }
  for (const path of [prefix, `${prefix}x`]) {
    const m = re.exec(path);
    if (!m) continue;
    const url = rule.url.replace(/\$(\d)/g, (_, d: string) => m[Number(d)] ?? '');
    if (url.length < name.length) return { path, url, name };
  }
  return undefined;
}
