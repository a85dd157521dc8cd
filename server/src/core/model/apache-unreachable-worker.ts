import type { ProxyModel, Worker } from './apache-proxy';
import { requestsTakenFrom } from './apache-request-worker';
import { rewriteLookupUrl } from './apache-rewrite';
import { virtualHostOf, type ApacheConfig, type ApacheNode } from './apache-tree';
import { workerName } from './apache-worker-names';

/**
 * The workers no request reaches: those defined only by a <Location> ProxyPass that a later <Location> overrides
 * (ProxyModel.overriddenBy), by a server-level ProxyPass whose whole path a <Location>'s ProxyPass takes first
 * (ProxyModel.takenByLocation: proxy_trans tries that line before the server's list), or by a server-level
 * ProxyPass(Match) that an earlier line of its server's list takes every request of (ProxyModel.shadowedBy: the first
 * match decides, and a virtual host's list starts with the main server's lines), and that no live line finds either. On
 * 2.4.71 `ProxyPass / http://a/` before `ProxyPass /api/ http://b/api/ timeout=1` sent /api/x to a with no 1 s cut, in
 * one server, with the "/" line in the main server (written before or after the virtual host), and after an exclusion;
 * a dead ProxyPassMatch's timeout=1 likewise (test/servers/apache-shadowed-worker.test.ts). Why this is not just "the
 * line is dead": httpd still creates the worker when it reads the line, and mod_proxy does not remember which line
 * mapped a request: it looks the worker up by the backend URL when the request comes (the longest worker name that URL
 * starts with, see requestsTakenFrom). So a request reaches the dead line's worker, with its timeout= and other
 * parameters, through another ProxyPass with the same URL (it shares the worker), a live line whose URL goes on into
 * the worker's name (<Location "/"> ProxyPass "http://h/" and a request to /x/a for a worker "http://h/x/"), a
 * ProxyPassMatch or a RewriteRule [P] whose target can start with it, or a SetHandler "proxy:…" to it. On 2.4.71 a dead
 * <Location "/x/"> ProxyPass "http://h/x/" timeout=1 never cut a request short on its own, and each of those lines made
 * one end in 502 after 1 s; a BalancerMember with the same URL did not (a balancer's members are workers of their own).
 * A forward proxy (ProxyRequests On) takes any URL a client asks for, so then no worker counts as unreachable. Where a
 * line's URL is only partly known (its $1, %{…}), a worker whose name it may reach counts as reached, and so does a
 * regex worker (a dead ProxyPassMatch's "http://h/m/$1") for a URL that meets the name's text before its $N: the $N
 * takes any text (2.4.47 and later; on 2.4.71 a [P] rule to http://h/m/x/… and a "/" line's http://h/m/… both reached
 * such a worker's timeout=1). Holds the worker and every line's Worker that shares it. Computed once, with the proxy
 * model.
 */
export function unreachableWorkers(proxy: ProxyModel, config: ApacheConfig): Set<Worker> {
  const out = new Set<Worker>();
  const dead = new Set<ApacheNode>([...proxy.overriddenBy.keys(), ...proxy.takenByLocation.keys(), ...proxy.shadowedBy.keys()]);
  if (dead.size === 0) return out;
  const candidates = new Set<Worker>();
  for (const w of proxy.workers) if (w.kind === 'proxypass' && !w.shares && !w.balancer && dead.has(w.node)) candidates.add(w);
  if (candidates.size === 0) return out;
  if (config.all.some((n) => n.lname === 'proxyrequests' && /^on$/i.test(n.args[0] ?? ''))) return out;
  const reached = new Set<Worker>();
  // A line of `server` (undefined: any server) sends requests to URLs that start with `fixed`: it reaches a candidate
  // of that server (or of the main server, whose workers virtual hosts search too) whose name starts with it, or the
  // worker httpd finds for it when it already starts with the candidate's name.
  const reach = (fixed: string, from: readonly (ApacheNode | null)[] | undefined) => {
    // A main-server line runs in every virtual host too (rulesFor; a [P] rule's servers already list them).
    const servers = from?.includes(null) ? undefined : from;
    const url = fixed.replace(/^unix:[^|]*\|/i, '').toLowerCase();
    for (const c of candidates) {
      if (reached.has(c) || (servers && c.vhost !== null && !servers.includes(c.vhost))) continue;
      const name = (workerName(c.url, c.match) ?? c.url).toLowerCase();
      if (c.match) {
        // A regex worker (a dead ProxyPassMatch) is found by URLs its name's $N parts match, whatever text that is
        // (2.4.47 and later): counted as reached when the URL and the name's text before its first $N could meet.
        const literal = name.replace(/\$\d[\s\S]*$/, '');
        if (literal.startsWith(url) || url.startsWith(literal)) reached.add(c);
        continue;
      }
      if (name.startsWith(url)) reached.add(c);
      else if (url.startsWith(name) && (!servers || servers.some((s) => proxy.workerForUrl(s, fixed) === c))) reached.add(c);
    }
  };
  for (const w of proxy.workers) {
    // Another live ProxyPass(Match) line with the same worker (it shares the candidate).
    if (w.kind === 'proxypass' && w.shares && !dead.has(w.node) && candidates.has(w.shares)) reached.add(w.shares);
  }
  for (const r of proxy.rules) {
    if (dead.has(r.node) || r.exclusion || !r.target || r.target.error) continue;
    if (r.regex) reach(rewriteLookupUrl(r.url), [r.vhost]);
    else for (const t of requestsTakenFrom(proxy, r)) if (candidates.has(t.other)) reached.add(t.other);
  }
  for (const rw of proxy.rewrites) if (rw.servers.length) reach(rewriteLookupUrl(rw.url), rw.servers);
  for (const n of config.all) {
    if (n.lname !== 'sethandler') continue;
    const m = /^proxy:(.*)$/i.exec(n.args[0] ?? '');
    // A handler in a main-server section applies in every virtual host that does not set another: any server.
    if (m) reach(rewriteLookupUrl(m[1]), [virtualHostOf(n)]);
  }
  for (const c of candidates) if (!reached.has(c)) out.add(c);
  if (out.size) for (const w of proxy.workers) if (w.shares && out.has(w.shares)) out.add(w);
  return out;
}
