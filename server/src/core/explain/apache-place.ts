import { virtualHostOf, type ApacheNode } from '../model/apache-tree';
import { formatSeconds, locationTakes, pcreRegExp, type BackendUrl, type Balancer, type ProxyModel, type ProxyPassRule, type TimeoutValue, type Worker } from '../model/apache-proxy';
import { aliasMatch, passTakes } from '../model/apache-proxypass-order';
import { rewriteLookupUrl, rewriteScope, type ProxyRewrite } from '../model/apache-rewrite';
import { atoi, parseApacheDuration, type WorkerParam } from '../model/apache-workers';
import { APACHE_NO_CONNECTION, APACHE_TLS_TO_PLAIN_PORT, LOG_PATTERNS, type LogFields } from './log-patterns';

/**
 * The backend (worker) an httpd error-log line is about, and the values in force for it; or, for a line about a whole
 * balancer (AH01170), the balancer.
 */
export interface ApachePlace {
  /** The line the log line is placed at: the worker's ProxyPass or BalancerMember, or the balancer's <Proxy> section. */
  node: ApacheNode;
  worker?: Worker;
  /** The balancer the line names, when it is placed at the balancer itself. */
  balancer?: Balancer;
  /** The ProxyPass(Match) that sends the request path there (itself, or one that uses the worker's balancer). */
  rule?: ProxyPassRule;
  /** The RewriteRule … [P] the line is placed at, when no worker has its backend (the request used the default worker). */
  rewrite?: ProxyRewrite;
  /** The SetHandler "proxy:unix:…" the line is placed at, when no worker has the socket it names. */
  handler?: { node: ApacheNode; socket: string; url: string };
  how: string;
  /** Other workers with the same backend: the line (with its siblings) does not say which one it was. */
  ambiguous: boolean;
  /**
   * The values in force. When they depend on what the line does not say (which of several workers, which of the
   * servers using the worker), each value has a `scope` and the list holds every candidate's.
   */
  values: ApacheValue[];
}

export interface ApacheValue {
  name: string;
  value: string;
  /** Where the value comes from, in words: `timeout=5 on the worker`, `ProxyTimeout`, `Timeout`, `the default`. */
  origin: string;
  node?: ApacheNode;
  /** For which candidate the value holds (a worker, a server the request may have come to), when that is in doubt. */
  scope?: { label: string; node: ApacheNode | null };
}

/**
 * One value as shown: within one request each is said once. The line it was set on counts: two balancer members with
 * the same timeout=5 each set it on their own BalancerMember line, and the second member's line must be shown too.
 */
export const apacheValueKey = (v: ApacheValue) => JSON.stringify([v.name, v.value, v.origin, v.scope?.label, v.node ? `${v.node.file.path}:${v.node.directive.start}` : '']);

/** What a log line needs to know beyond its fields (see findApachePlace). */
export interface ApachePlaceContext {
  /** What the line took from the other lines of its request (see borrowFromRequest), said in `how`. */
  borrowed?: string;
  /** Balancers whose members other lines of the request were about: of several workers with the line's backend, the member of one of them is the one. */
  balancers?: ReadonlySet<Balancer>;
  /** The servers the request may have come to, when the lines say (see apacheServersOfLine), and how they said it. */
  servers?: { servers: ReadonlySet<ApacheNode | null>; how: string };
  /** The kind of line (its pattern id): which workers may have logged it, and which values matter. */
  patternId?: string;
}

const DEFAULT_PORT: Record<string, string> = { http: '80', ws: '80', https: '443', wss: '443', ajp: '8009', h2: '443', h2c: '80' };

/** "10.0.0.5:8080", "[::1]:8080" or "127.0.0.1" (AH01114 names the host only). */
export function hostPort(address: string): { host: string; port: string } {
  const m = /^\[([^\]]+)\](?::(\d+))?$/.exec(address) ?? /^([^:]+)(?::(\d+))?$/.exec(address);
  return m ? { host: m[1].toLowerCase(), port: m[2] ?? '' } : { host: address.toLowerCase(), port: '' };
}

/** The backend a worker connects to, as httpd's lines name it: `127.0.0.1:9001` (the scheme's port when none is written). */
export function workerAddress(w: Worker): string {
  const host = w.target.host.replace(/^\[|\]$/g, '');
  const port = w.target.port || DEFAULT_PORT[w.target.scheme] || '';
  const shown = host.includes(':') ? `[${host}]` : host;
  return port ? `${shown}:${port}` : shown;
}

export function sameBackend(w: { target: BackendUrl }, host: string, port: string): boolean {
  if (w.target.host.toLowerCase().replace(/^\[|\]$/g, '') !== host) return false;
  if (!port) return true;
  return (w.target.port || DEFAULT_PORT[w.target.scheme] || '') === port;
}

/** A rule that proxies `path`: passTakes (alias_match's "/" boundary for a prefix, PCRE for a regex), not "!". */
function ruleMatches(r: ProxyPassRule, path: string): boolean {
  return !r.exclusion && passTakes(r, path) === true;
}

/** The rules that send requests to a worker: its own line, or those using its balancer. */
function rulesOf(proxy: ProxyModel, w: Worker): ProxyPassRule[] {
  if (w.balancer) return w.balancer.users;
  return proxy.rules.filter((r) => r.node === w.node);
}

/** Lines only mod_proxy_fcgi writes: their worker is an fcgi:// one. */
const FCGI_LINES = new Set(['apache-fcgi-timeout', 'apache-fcgi-no-header', 'apache-fcgi-dispatch-failed', 'apache-fcgi-send-failed']);
/** Lines about a whole balancer, which they name. */
const BALANCER_LINES = new Set(['apache-all-in-error', 'apache-route-in-error', 'apache-no-workers']);

const lineNo = (n: ApacheNode) => n.file.lines.positionAt(n.directive.start).line + 1;
const workerLabel = (w: Worker) => `${w.node.name} ${w.url}`;

/**
 * The workers that can write a line about TLS to the backend: only those whose scheme speaks TLS (httpd 2.4.71:
 * AH10273 comes from h2:// workers, whose ALPN offers "h2"; AH00961/AH01961 and mod_ssl's AH01997 from https://, wss://
 * and h2://; AH00898 "Error during SSL Handshake" from mod_proxy_http's https:// and wss://). Of the workers with the
 * line's backend address, an http:// one cannot be the line's (test/servers/explain-apache-http2-backend.test.ts).
 */
const TLS_LINE_SCHEMES: Readonly<Record<string, ReadonlySet<string>>> = {
  'apache-h2-no-alpn': new Set(['h2']),
  'apache-tls-handshake-info': new Set(['https', 'wss', 'h2']),
  'apache-tls-connect-failed': new Set(['https', 'wss', 'h2']),
  'apache-tls-wrong-version': new Set(['https', 'wss', 'h2']),
  'apache-tls-to-plain-port': new Set(['https', 'wss']),
  'apache-no-ssl': new Set(['https', 'wss', 'h2']),
};

/**
 * Where an httpd error-log line belongs: the worker of the backend it names (or of the rule its path matches), or the
 * balancer it names; with the values in force there for the kind of line.
 */
export function findApachePlace(proxy: ProxyModel, fields: LogFields, ctx: ApachePlaceContext = {}): ApachePlace | undefined {
  const { borrowed, balancers, patternId = '' } = ctx;
  if (fields.balancer && BALANCER_LINES.has(patternId)) return balancerPlace(proxy, fields.balancer, patternId, borrowed, ctx.servers);
  const path = fields.path;
  let candidates = proxy.workers;
  let how = '';
  let fcgiHandlers: ProxyModel['socketHandlers'] = [];
  if (fields.socket) {
    // AH02454 (and the AH01114/AH01079 after it) are about the worker whose unix: URL names this socket. None: a
    // SetHandler "proxy:unix:…" sent the request (its worker is not one of these), and the line is not placed.
    candidates = candidates.filter((w) => w.target.socket === fields.socket);
    if (!candidates.length) {
      const handlers = proxy.socketHandlers.filter((h) => h.socket === fields.socket);
      if (!handlers.length) return undefined;
      const more = handlers.length > 1 ? `; ${handlers.length} SetHandler lines name it and the line does not say which (also line ${handlers.slice(1, 4).map((h) => lineNo(h.node)).join(', ')})` : '';
      return { node: handlers[0].node, handler: handlers[0], how: `it names the socket ${fields.socket}, which no ProxyPass or BalancerMember names; this SetHandler sends requests there${more}`, ambiguous: handlers.length > 1, values: [] };
    }
    how = `it names the socket ${fields.socket}`;
  } else if (fields.upstream) {
    const { host, port } = hostPort(fields.upstream);
    candidates = candidates.filter((w) => sameBackend(w, host, port));
    // The "failed to make connection" lines are each one module's (AH01079 mod_proxy_fcgi's, AH01114 mod_proxy_http's…):
    // of the workers with that host (often "localhost" for several unix: workers), only that module's can have logged it.
    const schemes = APACHE_NO_CONNECTION[patternId] ?? TLS_LINE_SCHEMES[patternId];
    const own = schemes ? candidates.filter((w) => schemes.has(w.target.scheme)) : [];
    if (own.length) candidates = own;
    how = `its backend is ${fields.upstream}`;
    // AH01079/AH01114 of a unix: worker name its URL's host ("localhost" of unix:/run/php/x.sock|fcgi://localhost/),
    // which only names the worker: httpd connects to the socket (the AH02454 line before them names it).
    const sockets = [...new Set(candidates.map((w) => w.target.socket))];
    if (candidates.length && sockets.every((x) => x !== undefined)) {
      how = `it names ${fields.upstream}, the host of ${candidates.length > 1 ? 'unix: URLs' : 'a unix: URL'}, which httpd does not connect to: its backend is the socket ${sockets.join(' or ')}`;
    }
    if (fields.balancer) {
      // AH01174 and AH02460 name the balancer and the member's URL.
      const named = candidates.filter((w) => w.balancer?.name === fields.balancer);
      if (named.length) {
        candidates = named;
        how = `it names ${fields.workerUrl ?? fields.upstream}, a member of ${fields.balancer}`;
      }
    }
    // No worker has the backend: a RewriteRule [P] sent the request, through httpd's default worker.
    if (candidates.length === 0) return rewritePlace(proxy, (r) => sameBackend(r, host, port), `${how}, which no ProxyPass or BalancerMember names`, ctx);
    const members = balancers ? candidates.filter((w) => w.balancer && balancers.has(w.balancer)) : [];
    if (members.length > 0 && members.length < candidates.length) {
      candidates = members;
      how += `; another line of the same request is about a member of ${[...new Set(members.map((w) => w.balancer!.name))].join(', ')}`;
    }
  } else if (FCGI_LINES.has(patternId)) {
    // mod_proxy_fcgi names no backend ("request to :8080:" is httpd's own port): its workers are the fcgi:// ones.
    candidates = candidates.filter((w) => w.target.scheme === 'fcgi');
    how = `the line comes from mod_proxy_fcgi, which names no backend; the fcgi:// workers are the ones it can be about`;
    // SetHandler "proxy:unix:/run/php/….sock|fcgi://localhost" (PHP-FPM's usual setup) sends requests to mod_proxy_fcgi
    // too, through a worker of its own: on 2.4.71 its AH01075 "(polling)" came after the <Proxy "fcgi://localhost/">
    // line's timeout=3, and the answer named only a ProxyPassMatch to another backend and its 5 s.
    fcgiHandlers = proxy.socketHandlers.filter((h) => /\|fcgi:\/\//i.test(h.url));
    if (!candidates.length && fcgiHandlers.length) {
      const more = fcgiHandlers.length > 1 ? `; ${fcgiHandlers.length} SetHandler lines do and the line does not say which (also line ${fcgiHandlers.slice(1, 4).map((h) => lineNo(h.node)).join(', ')})` : '';
      return { node: fcgiHandlers[0].node, handler: fcgiHandlers[0], how: `the line comes from mod_proxy_fcgi, which names no backend; no ProxyPass or BalancerMember is fcgi://, and this SetHandler sends requests to it${more}`, ambiguous: fcgiHandlers.length > 1, values: [] };
    }
  } else if (!path) return undefined;
  // Servers the request may have come to (the lines say, see apacheServersOfLine): only their workers.
  const servers = ctx.servers;
  if (servers && !fields.upstream && !fields.socket) {
    const reached = candidates.filter((w) => proxy.serversOf(w).some((s) => servers.servers.has(s)));
    if (reached.length) candidates = reached;
  }
  // Only a worker with acquire= logs AH00941: without it a request waits for a free connection instead.
  if (patternId === 'apache-acquire-failed' && candidates.length > 1) {
    const acquiring = candidates.filter((w) => w.params.has('acquire'));
    if (acquiring.length > 0 && acquiring.length < candidates.length) {
      how += `; of the ${candidates.length} workers with this backend only ${acquiring.length === 1 ? 'this one has' : `${acquiring.length} have`} acquire= (without it httpd waits for a free connection and logs no AH00941)`;
      candidates = acquiring;
    }
  }
  // httpd takes the first ProxyPass(Match) in the order it tries them whose path matches (the main server's before a
  // virtual host's, wherever they are written), whatever order the workers were defined in (a <Proxy balancer://>
  // section above the rules defines its members first).
  let best: { w: Worker; rule?: ProxyPassRule } | undefined;
  let passed: ProxyPassRule | undefined;
  if (path) {
    for (const [i, r] of proxy.tryOrder.entries()) {
      if (!ruleMatches(r, path)) continue;
      const w = candidates.find((c) => rulesOf(proxy, c).includes(r));
      if (w) {
        best = { w, rule: r };
        if (!r.location && r.vhost === null) passed = proxy.tryOrder.slice(i + 1).find((x) => !x.location && x.vhost !== null && ruleMatches(x, path));
        break;
      }
    }
  }
  // The line names a backend some ProxyPass workers have, and its request path, which none of their rules matches but
  // the pattern of a RewriteRule [P] to that backend does: that rule sent it (on 2.4.68 /c/x went through such a rule
  // while "ProxyPass /a http://h/a" had the same backend, test/servers/explain-apache-rewrite-worker.test.ts).
  if (!best && path && fields.upstream) {
    const { host, port } = hostPort(fields.upstream);
    const byRule = rewritePlace(proxy, (r) => sameBackend(r, host, port) && rewriteMatch(proxy, r, path) !== undefined, (r) => `${how}, no ProxyPass to it matches ${path}, and the pattern of this rule ${perDirectoryWords(r, path, rewriteMatch(proxy, r, path)!)}`, ctx, path);
    if (byRule) return byRule;
  }
  best ??= (fields.upstream || fields.socket || FCGI_LINES.has(patternId)) && candidates.length ? { w: candidates[0] } : undefined;
  // A line naming only the request path (AH01144) that no ProxyPass matches: a server-level RewriteRule [P] whose
  // pattern matches it may have sent the request.
  if (!best && path && !fields.upstream) {
    return rewritePlace(proxy, (r) => rewriteMatch(proxy, r, path) !== undefined, (r) => `no ProxyPass matches ${path}, and the pattern of this rule ${perDirectoryWords(r, path, rewriteMatch(proxy, r, path)!)}`, ctx, path);
  }
  if (!best) return undefined;
  if (fcgiHandlers.length && path) {
    // The request path tells: a ProxyPass(Match) whose path matches it maps the URL when httpd reads the request, before
    // any <FilesMatch> SetHandler applies (2.4.71, test/servers/apache-proxypass-takes-php.test.ts), so its worker
    // logged the line; with none matching, the handler sent the request.
    if (best.rule) {
      how += `${how ? '; ' : ''}this rule maps ${path} before a SetHandler could take it (mod_proxy maps the URL when httpd reads the request)`;
      fcgiHandlers = [];
    } else {
      const h = fcgiHandlers[0];
      const more = fcgiHandlers.length > 1 ? `; ${fcgiHandlers.length} SetHandler lines send requests to mod_proxy_fcgi and the line does not say which (also line ${fcgiHandlers.slice(1, 4).map((x) => lineNo(x.node)).join(', ')})` : '';
      return { node: h.node, handler: h, how: `the line comes from mod_proxy_fcgi, which names no backend, and no ProxyPass or ProxyPassMatch to an fcgi:// backend matches ${path}: this SetHandler sent the request, ${handlerWorkerWords(proxy, h)}${more}`, ambiguous: fcgiHandlers.length > 1, values: handlerValues(proxy, h, patternId) };
    }
  }
  if (best.rule && path) how = how ? `${how}, and ${best.rule.regex ? 'the pattern' : 'the path'} of this rule matches ${path}` : `${best.rule.regex ? 'the pattern' : 'the path'} of this rule matches ${path}`;
  // Several workers for one address (a ProxyPass and a BalancerMember, or AH01114's host without a port): the line
  // alone cannot say which one it was, so the answer says so rather than pretending.
  const ambiguous = (!best.rule && candidates.length > 1) || fcgiHandlers.length > 0;
  if (passed) how += `; the main server's rules come first in every virtual host, so the virtual host's rule for this path (line ${lineNo(passed.node)}) is not used`;
  if (best.w.shares) how += `; this line shares the worker of line ${lineNo(best.w.shares.node)} (${best.w.shares.url}), whose parameters httpd uses for it`;
  if (borrowed) how += `; ${borrowed}`;
  if (ambiguous && candidates.length > 1) how += `; ${candidates.length} workers ${fields.upstream ? 'have this backend' : 'may have logged it'} and the ${borrowed ? 'lines of the request do' : 'line does'} not say which (also ${candidates.filter((w) => w !== best.w).slice(0, 3).map(workerLabel).join(', ')})`;
  if (fcgiHandlers.length) how += `; SetHandler "${fcgiHandlers[0].node.args[0]}" (${fcgiHandlers[0].node.file.path}:${lineNo(fcgiHandlers[0].node)})${fcgiHandlers.length > 1 ? ` and ${fcgiHandlers.length - 1} more SetHandler line${fcgiHandlers.length > 2 ? 's' : ''}` : ''} also send${fcgiHandlers.length > 1 ? '' : 's'} requests to mod_proxy_fcgi, through ${fcgiHandlers.length > 1 ? 'workers of their own' : 'a worker of its own'}, and the line does not say which`;
  // mod_proxy looks the worker up again by the URL the rule made, not by the rule: the request may have gone through
  // another worker (see requestWorker), whose parameters then decide it.
  const taken = !ambiguous && best.rule && path ? requestWorker(proxy, best.rule, best.w, path, patternId, servers) : undefined;
  if (taken) how += `; ${taken.how}`;
  const workers = ambiguous ? candidates : [best.w];
  let { values, note } = taken ? { values: taken.values, note: undefined as string | undefined } : workerValues(proxy, workers, patternId, servers);
  // Without the request path the line may be any of them: each one's values, the handlers' too, each under its name.
  if (fcgiHandlers.length && !taken) ({ values, note } = withHandlerValues(proxy, workers, values, note, fcgiHandlers, patternId, servers));
  if (note) how += `; ${note}`;
  return { node: best.w.node, worker: best.w, rule: best.rule, how, ambiguous, values };
}

/**
 * The URL a ProxyPass(Match) rule makes for a request path (alias_match / ap_pregsub in mod_proxy.c): a plain rule's
 * URL followed by the rest of the path after the rule's path; a regex rule's URL with $0…$9 filled in from the match.
 * Undefined when it cannot be told here (a balancer, a regex rule whose URL has no $N, which httpd completes with the
 * path, or uses "&" or "\").
 */
function urlMadeBy(rule: ProxyPassRule, path: string): string | undefined {
  if (rule.exclusion || /^balancer:/i.test(rule.url)) return undefined;
  if (!rule.regex) {
    // alias_match's count, which takes in the extra slashes of a "//" run ("/api" and //api/x: "/x" is the rest).
    const n = aliasMatch(rule.path, path);
    return n > 0 ? rule.url + path.slice(n) : undefined;
  }
  if (!/\$\d/.test(rule.url) || /[&\\]/.test(rule.url)) return undefined;
  // The regex as passTakes reads it ("(?i)" included), so a line that matched here also fills in its $N.
  const m = pcreRegExp(rule.path)?.exec(path);
  return m ? rule.url.replace(/\$(\d)/g, (_, d: string) => m![Number(d)] ?? '') : undefined;
}

/**
 * The worker a request of `rule` to `path` went through when it is not the rule's own (its line's, or the one it
 * shares): mod_proxy looks the worker up again at request time by the URL the rule made (ap_proxy_pre_request →
 * ap_proxy_get_worker), and takes the longest worker name that finds it, see ProxyModel.workerForUrl. So a
 * ProxyPassMatch worker "http://h/$1", whose $1 matches any text, takes every URL to http://h/ at least as long as its
 * name, and a longer plain name ("http://h/b/") the URLs it starts; a URL no name finds (shorter than a regex rule's
 * own name) goes through httpd's default worker, which has no parameters. On 2.4.71, "ProxyPass /api/ http://h/
 * timeout=20" gave /api/report a 502 after the 2 s of a "ProxyPassMatch ^/static/(.*)$ http://h/$1 timeout=2" below
 * it (test/servers/explain-apache-request-worker.test.ts). Undefined when the rule's own worker is the one, or when
 * the servers the request may have come to disagree.
 */
function requestWorker(proxy: ProxyModel, rule: ProxyPassRule, w: Worker, path: string, patternId: string, hint?: ApachePlaceContext['servers']): { how: string; values: ApacheValue[] } | undefined {
  if (w.balancer) return undefined;
  const url = urlMadeBy(rule, path);
  if (url === undefined) return undefined;
  const own = w.shares ?? w;
  const all = proxy.serversOf(w);
  const known = hint ? all.filter((s) => hint.servers.has(s)) : [];
  const servers = known.length ? known : all.length ? all : [w.vhost];
  const found = new Set(servers.map((s) => proxy.workerForUrl(s, url)));
  if (found.size !== 1) return undefined;
  const [taken] = [...found];
  if (taken === own) return undefined;
  const server = servers[0];
  if (!taken) {
    if (!rule.regex) return undefined;
    return {
      how: `the URL it made, ${url}, is shorter than its worker's name (${own.url}), which then does not find it: the request went through httpd's default worker, without this line's parameters`,
      values: rewriteValues(proxy, server, patternId),
    };
  }
  const { values, note } = workerValues(proxy, [taken], patternId, hint);
  return {
    how: `httpd looks the worker up by the URL the rule made, ${url}, and went through the worker of line ${lineNo(taken.node)} (${taken.url}), whose name is the longest that finds it, with its parameters, not this line's${note ? `; ${note}` : ''}`,
    values,
  };
}

/**
 * A line naming a backend that only RewriteRule … [P] lines reach: placed at the first such rule that some server's
 * requests run (see ProxyRewrite.servers), with the values of the servers it runs for. Such a request goes through
 * httpd's default worker, which has no parameters: it waits the ProxyTimeout, else the Timeout, of the request's
 * server, and needs that server's SSLProxyEngine for a TLS backend (test/servers/explain-apache-rewrite.test.ts).
 */
function rewritePlace(proxy: ProxyModel, fits: (r: ProxyRewrite) => boolean, found: string | ((r: ProxyRewrite) => string), ctx: ApachePlaceContext, path?: string): ApachePlace | undefined {
  const rewrites = proxy.rewrites.filter((r) => r.servers.length && fits(r));
  const r = rewrites[0];
  if (!r) return undefined;
  if (typeof found === 'function') found = found(r);
  // The worker mod_proxy looks up for the URL the rule made (ProxyModel.workerForUrl): one whose name starts it, with
  // its parameters, else httpd's default worker.
  const url = rewrittenUrl(proxy, r, path);
  const workerOf = (server: ApacheNode | null) => (ctx.patternId === 'apache-rewrite-without-proxy' ? undefined : proxy.workerForUrl(server, url));
  const first = workerOf(r.servers[0]);
  const sends =
    ctx.patternId === 'apache-rewrite-without-proxy'
      ? 'would send requests there, had mod_proxy been loaded to take them'
      : first
        ? `sends requests there, through the worker of line ${lineNo(first.node)} (${first.url}), whose name starts the URL it makes`
        : "sends requests there (through httpd's default worker, without parameters)";
  let how = `${found}: the RewriteRule [P] on this line ${sends}`;
  if (r.inheritedBy.length) how += `; it is a main-server rule that ${r.inheritedBy.length === 1 ? `the virtual host at line ${lineNo(r.inheritedBy[0])} runs` : `${r.inheritedBy.length} virtual hosts run`} through RewriteOptions Inherit (or InheritDown in the main server)`;
  if (ctx.borrowed) how += `; ${ctx.borrowed}`;
  const ambiguous = rewrites.length > 1;
  if (ambiguous) how += `; ${rewrites.length} RewriteRule [P] lines fit and the line does not say which (also line ${rewrites.slice(1, 4).map((o) => lineNo(o.node)).join(', ')})`;
  const hinted = ctx.servers ? r.servers.filter((s) => ctx.servers!.servers.has(s)) : [];
  const servers = hinted.length ? hinted : r.servers;
  const rows = servers.map((server) => ({ server, values: rewriteValues(proxy, server, ctx.patternId ?? '', workerOf(server)) }));
  const key = (v: ApacheValue[]) => JSON.stringify(v.map((x) => [x.value, x.origin]));
  const values = new Set(rows.map((row) => key(row.values))).size <= 1
    ? rows[0].values
    : rows.slice(0, MAX_SCOPES).flatMap((row) => row.values.map((v) => ({ ...v, scope: { label: `requests to ${serverName(proxy, row.server)}`, node: row.server } })));
  if (values.some((v) => v.scope)) how += '; the line does not say which server the request came to, and their values differ';
  return { node: r.node, rewrite: r, how, ambiguous, values };
}

/**
 * The URL a [P] rule made for `path`: its target with $1…$9 filled in from what the pattern matched, when the pattern
 * is known to match and the target uses nothing else (%{…} or %N of a RewriteCond); else the target's text before
 * its first variable (rewriteLookupUrl), which is how much of the URL is sure.
 */
function rewrittenUrl(proxy: ProxyModel, r: ProxyRewrite, path: string | undefined): string {
  const lookup = rewriteLookupUrl(r.url);
  if (!path || /%\{|%\d/.test(r.url)) return lookup;
  const m = rewriteMatch(proxy, r, path);
  if (!m?.known) return lookup;
  const nocase = /^\[.*\b(nc|nocase)\b.*\]$/i.test(r.node.args[2] ?? '');
  let found: RegExpExecArray | null;
  try {
    found = new RegExp(r.node.args[0] ?? '', nocase ? 'i' : '').exec(m.tested);
  } catch {
    return lookup;
  }
  return found ? r.url.replace(/\$(\d)/g, (_, d: string) => found![Number(d)] ?? '') : lookup;
}

/**
 * What a RewriteRule's pattern matched for a request path, or undefined when it does not match. In a virtual host or
 * the main server httpd matches it against the whole URL-path. In a <Directory> section or an .htaccess file it
 * matches the file path below that folder, without a leading "/" (checked on httpd 2.4.68: `RewriteRule "^p/(.*)$" …
 * [P]` in <Directory "/srv/www"> took /p/x with DocumentRoot /srv/www, and in /srv/www/sub/.htaccess `^h/(.*)$` took
 * /sub/h/y; test/servers/explain-apache-rewrite.test.ts): the path under the server's DocumentRoot when the folder
 * holds it, else (an .htaccess file, whose folder the checkout does not place, or no DocumentRoot) each tail of the
 * path after a "/", as the folder may be any of them. In <Location>, <LocationMatch> and <If> it matches the file path the
 * request maps to (see sectionFilePath).
 * [NC] makes it case-insensitive; a "!" pattern proxies what it does not match, and names no target to go by.
 */
function rewriteMatch(proxy: ProxyModel, r: ProxyRewrite, path: string): { tested: string; known: boolean; rootGuessed?: boolean } | undefined {
  const pattern = r.node.args[0] ?? '';
  if (pattern.startsWith('!')) return undefined;
  const nocase = /^\[.*\b(nc|nocase)\b.*\]$/i.test(r.node.args[2] ?? '');
  let re: RegExp;
  try {
    re = new RegExp(pattern, nocase ? 'i' : '');
  } catch {
    return undefined;
  }
  if (!r.perDirectory) {
    if (rewriteScope(r.node) === virtualHostOf(r.node)) return re.test(path) ? { tested: path, known: true } : undefined;
    const file = sectionFilePath(proxy, r, path);
    return file && re.test(file.path) ? { tested: file.path, known: file.known, rootGuessed: file.rootGuessed } : undefined;
  }
  const below = belowFolder(proxy, r, path);
  if (below !== undefined) return below !== null && re.test(below) ? { tested: below, known: true } : undefined;
  const tails = [...path.matchAll(/\//g)].map((m) => path.slice(m.index! + 1));
  const tested = tails.find((t) => re.test(t));
  return tested === undefined ? undefined : { tested, known: false };
}

/** The DocumentRoot httpd falls back to when none is set: Debian's build (apache2 2.4.68: /var/www/html + the path). */
const DEFAULT_DOCUMENT_ROOT = '/var/www/html';

/** Sections httpd decides on while it reads the file: they do not change what a rule inside them matches. */
const READ_TIME_CONDITIONS = new Set(['ifmodule', 'ifdefine', 'ifversion', 'iffile', 'ifdirective', 'ifsection']);

/**
 * What a RewriteRule in a <Location>, <LocationMatch> or <If> section matches its pattern against for a request path:
 * the file path httpd maps the request to, DocumentRoot followed by the URL-path, as mod_rewrite does in any
 * per-directory context whose path is not a folder prefix of that file (apache2 2.4.68: `RewriteRule "(.*)" …?[$1] [P]`
 * in <Location "/loc/">, <LocationMatch "^/lm/"> and <If> got /var/www/loc/a/b, /var/www/lm/c and /var/www/if/d with
 * DocumentRoot /var/www, and /var/www/html/… without one; test/servers/explain-apache-rewrite-sections.test.ts).
 * Null when an enclosing <Location> does not take the path; `known` is false when the DocumentRoot is not set in the
 * configuration (httpd's compiled-in default is taken, Debian's) or differs between the servers the rule runs for.
 * Undefined for the other sections (<Files>, <ElseIf>, <Else>), which are not tried.
 */
function sectionFilePath(proxy: ProxyModel, r: ProxyRewrite, path: string): { path: string; known: boolean; rootGuessed: boolean } | null | undefined {
  let known = true;
  for (let p = r.node.parent; p && p.lname !== 'virtualhost'; p = p.parent) {
    if (p.lname === 'location' || p.lname === 'locationmatch') {
      const takes = locationTakes(p, path);
      if (takes === false) return null;
      if (takes === undefined) known = false;
    } else if (p.lname !== 'if' && !READ_TIME_CONDITIONS.has(p.lname)) return undefined;
  }
  const roots = new Set(r.servers.map((server) => proxy.serverValue(server, 'documentroot')?.args[0]));
  const root = roots.size === 1 ? [...roots][0] : undefined;
  const rootGuessed = !root || !root.startsWith('/');
  return { path: (rootGuessed ? DEFAULT_DOCUMENT_ROOT : root!).replace(/\/+$/, '') + path, known: known && !rootGuessed, rootGuessed };
}

/**
 * The file path below a <Directory> rule's folder for a request path, through the DocumentRoot of the servers the rule
 * runs for: null when the file is under none of them there (the request did not reach the section), undefined when
 * that cannot be told (an .htaccess file, a folder written as a pattern or beside an Alias, no DocumentRoot).
 */
function belowFolder(proxy: ProxyModel, r: ProxyRewrite, path: string): string | null | undefined {
  const folder = r.perDirectory?.folder;
  if (folder === undefined) return undefined;
  let any = false;
  for (const server of r.servers) {
    const root = proxy.serverValue(server, 'documentroot')?.args[0];
    if (!root || !root.startsWith('/')) return undefined;
    any = true;
    const file = root.replace(/\/+$/, '') + path;
    if (file.startsWith(folder + '/')) return file.slice(folder.length + 1);
  }
  return any ? null : undefined;
}

/** How the reason says what a rule's pattern matched: the whole path, or the part of it below a per-directory folder. */
function perDirectoryWords(r: ProxyRewrite, path: string, m: { tested: string; known: boolean; rootGuessed?: boolean }): string {
  if (!r.perDirectory && m.tested !== path) {
    const section = rewriteScope(r.node)!;
    const inIf = (() => {
      for (let p = r.node.parent; p && p.lname !== 'virtualhost'; p = p.parent) if (p.lname === 'if') return true;
      return false;
    })();
    const root = !m.rootGuessed ? 'DocumentRoot' : `DocumentRoot, taken to be ${m.tested.slice(0, m.tested.length - path.length)} (the configuration does not say which, and that is the default of Debian's build)`;
    return `matches ${m.tested}, the file path httpd maps ${path} to (in a${/^[aeiou]/i.test(section.name) ? 'n' : ''} <${section.name}> section mod_rewrite matches the ${root} followed by the URL-path, not the URL-path)${inIf ? ', when the <If> expression holds for the request' : ''}`;
  }
  if (!r.perDirectory) return 'does';
  const htaccess = r.perDirectory.folder === undefined && /(^|\/)\.htaccess$/.test(r.node.file.path);
  const why = 'in a <Directory> section or an .htaccess file mod_rewrite matches the file path below its folder';
  if (m.known) return `matches ${m.tested}, the part below ${r.perDirectory.folder} (${why})`;
  const at = path.slice(0, path.length - m.tested.length);
  return `matches ${m.tested}, the part below ${at} (${why}; the configuration does not say which folder ${htaccess ? 'this .htaccess file is in' : 'this section is for'}, so this takes it to be the one for ${at})`;
}

/** What decides a kind of line for a [P] request to `server` through the default worker. */
function rewriteValues(proxy: ProxyModel, server: ApacheNode | null, patternId: string, worker?: Worker): ApacheValue[] {
  if (patternId === 'apache-no-ssl') return [sslProxyEngine(proxy, server)];
  if (!waitsFor(patternId)) return [];
  const w = worker ?? { params: new Map<string, never>(), vhost: server };
  return [timeoutValue('backend timeout', proxy.backendTimeout(w, server)), timeoutValue('connect timeout', proxy.connectTimeout(w, server))];
}

/** The SSLProxyEngine in force for requests to `server`: its own, else the main server's (mod_ssl merges it down). */
function sslProxyEngine(proxy: ProxyModel, server: ApacheNode | null): ApacheValue {
  const n = proxy.serverValue(server, 'sslproxyengine');
  if (!n) return { name: 'SSLProxyEngine', value: 'off', origin: `the default: not set in ${serverName(proxy, server)}${server ? ' nor in the main server' : ''}` };
  const origin = virtualHostOf(n) === server ? `set in ${serverName(proxy, server)}` : `set in the main server, which ${serverName(proxy, server)} takes it from`;
  return { name: 'SSLProxyEngine', value: n.args[0] ?? '', origin, node: n };
}

/**
 * The worker a SetHandler "proxy:…" line's requests go through: mod_proxy makes the URL from the handler's (after "|"
 * for a socket) and the file's path and looks the worker up by it as for a ProxyPass, so the <Proxy "fcgi://localhost/">
 * section of PHP-FPM's recipe defines it; without one, httpd's default worker (see handlerTimeoutsNote in
 * features/apache.ts; on 2.4.71 the handler's AH01075 "(polling)" came after that section's ProxySet timeout=3 while a
 * ProxyPassMatch to another FastCGI backend had timeout=5, test/servers/explain-apache-handler-worker.test.ts).
 */
function handlerWorker(proxy: ProxyModel, h: { node: ApacheNode; url: string }): Worker | undefined {
  const after = h.url.replace(/^unix:[^|]*\|/i, '');
  return proxy.workerForUrl(virtualHostOf(h.node), `${after.replace(/\/+$/, '')}/index.php`);
}

function handlerWorkerWords(proxy: ProxyModel, h: { node: ApacheNode; url: string }): string {
  const w = handlerWorker(proxy, h);
  return w ? `through the worker of line ${lineNo(w.node)} (${w.url}), whose name starts the URL it makes` : "through httpd's default worker (no <Proxy> section or ProxyPass names a worker that starts the URL it makes), which has no parameters";
}

function handlerValues(proxy: ProxyModel, h: { node: ApacheNode; url: string }, patternId: string): ApacheValue[] {
  return rewriteValues(proxy, virtualHostOf(h.node), patternId, handlerWorker(proxy, h));
}

const valuesKey = (v: ApacheValue[]) => JSON.stringify(v.map((x) => [x.name, x.value, x.origin, x.node ? `${x.node.file.path}:${x.node.directive.start}` : '']));

/**
 * A mod_proxy_fcgi line without its request path, in a configuration where both fcgi:// ProxyPass workers and
 * SetHandler "proxy:…|fcgi://…" lines send requests to mod_proxy_fcgi: the workers' values and each handler's, each
 * under its line, or once when they all agree.
 */
function withHandlerValues(proxy: ProxyModel, workers: Worker[], values: ApacheValue[], note: string | undefined, handlers: ProxyModel['socketHandlers'], patternId: string, hint?: ApachePlaceContext['servers']): { values: ApacheValue[]; note?: string } {
  const rows: { label: string; node: ApacheNode | null; values: ApacheValue[] }[] = [];
  if (values.some((v) => v.scope)) {
    for (const v of values) {
      const last = rows[rows.length - 1];
      if (last && last.label === v.scope!.label) last.values.push(v);
      else rows.push({ label: v.scope!.label, node: v.scope!.node, values: [v] });
    }
  } else {
    for (const w of workers) rows.push({ label: workerLabel(w), node: w.node, values: workerValues(proxy, [w], patternId, hint).values });
  }
  for (const h of handlers) rows.push({ label: `SetHandler "${h.node.args[0]}"`, node: h.node, values: handlerValues(proxy, h, patternId) });
  if (new Set(rows.map((r) => valuesKey(r.values))).size <= 1) return { values: rows[0]?.values ?? values, note };
  const scoped = rows.slice(0, MAX_SCOPES).flatMap((r) => r.values.map((v) => ({ ...v, scope: v.scope ?? { label: r.label, node: r.node } })));
  const said = 'the values differ between them, so each is listed: the request path (not on the line) would tell, as a ProxyPass or ProxyPassMatch that matches it takes the request before a SetHandler can';
  return { values: scoped, note: [note, said, rows.length > MAX_SCOPES ? `${rows.length - MAX_SCOPES} more candidates not listed` : ''].filter(Boolean).join('; ') };
}

/** At most this many candidates' values are listed (workers × servers); the answer says how many were left out. */
const MAX_SCOPES = 8;

/**
 * The values in force for the kind of line, for each worker it may be about and each server the request may have
 * come to: a worker without timeout= takes the ProxyTimeout or Timeout of the request's server (on 2.4.71 a main-server
 * ProxyPass waited 8 s through a virtual host with Timeout 8, 5 s through one with ProxyTimeout 5). Values every
 * candidate shares are given once, without a scope.
 */
function workerValues(proxy: ProxyModel, workers: Worker[], patternId: string, hint?: ApachePlaceContext['servers']): { values: ApacheValue[]; note?: string } {
  // `server` undefined: the worker's values are the same whichever of its servers the request came to.
  const rows: { worker: Worker; server?: ApacheNode | null; values: ApacheValue[] }[] = [];
  let narrowed: string | undefined;
  let unknownServer = false;
  for (const w of workers) {
    const all = proxy.serversOf(w);
    const known = hint ? all.filter((s) => hint.servers.has(s)) : [];
    const servers = known.length ? known : all.length ? all : [w.vhost];
    if (known.length && known.length < all.length) narrowed = hint!.how;
    const own = new Map<string, { server: ApacheNode | null; values: ApacheValue[] }>();
    for (const s of servers) {
      const values = valuesFor(proxy, w, s, patternId);
      const key = JSON.stringify(values.map((v) => [v.value, v.origin, v.node ? `${v.node.file.path}:${v.node.directive.start}` : '']));
      if (!own.has(key)) own.set(key, { server: s, values });
    }
    if (own.size > 1) unknownServer = true;
    for (const r of own.values()) rows.push({ worker: w, ...(own.size > 1 ? { server: r.server } : {}), values: r.values });
  }
  const same = new Set(rows.map((r) => JSON.stringify(r.values.map((v) => [v.value, v.origin, v.node ? `${v.node.file.path}:${v.node.directive.start}` : '']))));
  const notes: string[] = [];
  if (narrowed) notes.push(narrowed);
  if (same.size <= 1) return { values: rows[0]?.values ?? [], note: notes.join('; ') || undefined };
  const scoped: ApacheValue[] = [];
  for (const r of rows.slice(0, MAX_SCOPES)) {
    const server = r.server !== undefined ? `requests to ${serverName(proxy, r.server)}` : undefined;
    const label = [workers.length > 1 || !server ? workerLabel(r.worker) : undefined, server].filter(Boolean).join(', ');
    // The line shown with the label: the server's <VirtualHost> when the row is one server's, else the worker's.
    const node = r.server !== undefined ? r.server : r.worker.node;
    for (const v of r.values) scoped.push({ ...v, scope: { label, node } });
  }
  if (unknownServer) notes.push('the line does not say which server the request came to, and the servers using this worker wait differently: a worker without timeout= takes the ProxyTimeout, else the Timeout, of the request\'s server (a pooled connection keeps the one it was opened with)');
  if (rows.length > MAX_SCOPES) notes.push(`${rows.length - MAX_SCOPES} more candidates not listed`);
  return { values: scoped, note: notes.join('; ') };
}

/** "a.test (<VirtualHost 127.0.0.1:8001>)", "the main server". */
export function serverName(proxy: ProxyModel, server: ApacheNode | null): string {
  if (!server) return 'the main server';
  const names = proxy.servers.find((s) => s.vhost === server)?.names ?? [];
  return `${names[0] ? `${names[0]} ` : ''}<VirtualHost ${server.args.join(' ')}>`;
}

/** The values a kind of line depends on, for a worker and the server the request came to. */
function valuesFor(proxy: ProxyModel, w: Worker, server: ApacheNode | null, patternId: string): ApacheValue[] {
  if (patternId === 'apache-acquire-failed') {
    const acquire = w.params.get('acquire');
    const max = w.params.get('max');
    return [
      acquire ? param('acquire', acquire, w, (v) => formatSeconds(parseApacheDuration(v, 'ms') ?? Number(v))) : { name: 'acquire', value: 'not set', origin: 'without it a request waits for a free connection' },
      max ? param('max', max, w, (v) => v) : { name: 'max', value: 'not set', origin: 'the default: as many connections as the child process has threads (ThreadsPerChild)' },
    ];
  }
  if (patternId === 'apache-100-continue-timeout' || patternId === 'apache-100-continue-no-answer') {
    // ap_proxy_http_process_response waits for "100 Continue" with ping= when it is set, else with the backend timeout.
    const ping = w.params.get('ping');
    const ms = ping ? parseApacheDuration(ping.value) : null;
    if (ping && ms !== null && ms > 0) return [{ name: 'wait for 100 Continue', value: formatSeconds(ms), origin: `ping=${ping.value} on the worker`, node: ping.node }];
    return [{ ...timeoutValue('wait for 100 Continue', proxy.backendTimeout(w, server), w), origin: `${timeoutValue('', proxy.backendTimeout(w, server), w).origin}: no ping= on the worker, so the backend timeout` }];
  }
  if (patternId === 'apache-big-header') {
    // AH10124 writes the limit it applied ("(8192 bytes)"); ap_proxy_http_process_response takes it from the worker.
    const size = w.params.get('responsefieldsize');
    return [size ? param('responsefieldsize', size, w, (v) => `${v} bytes`) : { name: 'responsefieldsize', value: '8192 bytes', origin: 'the default (no responsefieldsize= on the worker)' }];
  }
  if (patternId === 'apache-hc-connect-failed' || patternId === 'apache-hc-disabling') {
    // The member's health check settings (mod_proxy_hcheck's defaults: hcinterval 60 s, hcfails and hcpasses 1; a
    // hctemplate= may set them instead).
    const hc = (key: string, fallback: string, show: (v: string) => string = (v) => v): ApacheValue => {
      const p = w.params.get(key);
      return p ? param(key, p, w, show) : { name: key, value: fallback, origin: w.params.has('hctemplate') ? `not on the worker: from its hctemplate=, else the default` : 'the default (not set on the worker)' };
    };
    return [hc('hcmethod', 'None'), hc('hcinterval', '60 s', (v) => `${atoi(v)} s`), hc('hcfails', '1'), hc('hcpasses', '1')];
  }
  if (patternId === 'apache-hc-connect-failed' || patternId === 'apache-hc-disabling') {
    // The member's health check settings (mod_proxy_hcheck's defaults: hcinterval 60 s, hcfails and hcpasses 1; a
    // hctemplate= may set them instead).
    const hc = (key: string, fallback: string, show: (v: string) => string = (v) => v): ApacheValue => {
      const p = w.params.get(key);
      return p ? param(key, p, w, show) : { name: key, value: fallback, origin: w.params.has('hctemplate') ? `not on the worker: from its hctemplate=, else the default` : 'the default (not set on the worker)' };
    };
    return [hc('hcmethod', 'None'), hc('hcinterval', '60 s', (v) => `${atoi(v)} s`), hc('hcfails', '1'), hc('hcpasses', '1')];
  }
  if (patternId === 'apache-no-ssl') return [sslProxyEngine(proxy, server)];
  if (patternId === 'apache-worker-disabled' || patternId === 'apache-worker-in-error') {
    const retry = w.params.get('retry');
    return [retry ? param('retry', retry, w, (v) => `${atoi(v)} s`) : { name: 'retry', value: '60 s', origin: 'the default (no retry= on the worker)' }];
  }
  // The backend and connect timeouts only for the lines they decide (their pattern names ProxyTimeout or Timeout):
  // not for a header too big, a name that does not resolve or a connection the backend closed.
  const values = waitsFor(patternId) ? [timeoutValue('backend timeout', proxy.backendTimeout(w, server), w), timeoutValue('connect timeout', proxy.connectTimeout(w, server), w)] : [];
  // A virtual host that uses the main server's balancer sets its own balancer settings on top (see balancerParams).
  if (w.balancer && patternId === 'apache-failonstatus') values.push(balancerParam(proxy.balancerParams(w.balancer, server), 'failonstatus'));
  if (w.balancer && patternId === 'apache-failontimeout') values.push(balancerParam(proxy.balancerParams(w.balancer, server), 'failontimeout'));
  return values;
}

/** Whether the backend and connect timeouts decide a kind of line (an unknown kind: assumed so). */
function waitsFor(patternId: string): boolean {
  // The variants explainLog puts in for a line by what its request says are not in the table.
  const pattern = patternId === APACHE_TLS_TO_PLAIN_PORT.id ? APACHE_TLS_TO_PLAIN_PORT : LOG_PATTERNS.find((p) => p.id === patternId);
  return !pattern || pattern.directives.some((d) => d === 'ProxyTimeout' || d === 'Timeout');
}

function param(name: string, p: WorkerParam, w: Worker, show: (v: string) => string): ApacheValue {
  return { name, value: show(p.value), origin: `${p.key}=${p.value} on the worker`, node: p.node ?? w.node };
}

function balancerParam(params: Map<string, WorkerParam>, key: string): ApacheValue {
  const p = params.get(key);
  return p ? { name: key, value: p.value, origin: `${p.node.name} on the balancer`, node: p.node } : { name: key, value: 'not set', origin: 'the default' };
}

/**
 * A line about a whole balancer (AH01170 "All workers are in error state", AH01167, AH01171): placed at its <Proxy>
 * section (else its first ProxyPass), with forcerecovery for AH01170. With forcerecovery On (the default) httpd tries
 * members in error state again when all are; with Off it answers 503 at once (on 2.4.71: after both members refused
 * a connection, the next requests got 503 and AH01170 with Off, and each tried the members again with the default).
 */
function balancerPlace(proxy: ProxyModel, name: string, patternId: string, borrowed?: string, servers?: ApachePlaceContext['servers']): ApachePlace | undefined {
  const { b, others, server } = whichBalancer(proxy, name, patternId, servers);
  const node = b?.section ?? b?.users[0]?.node ?? b?.members[0]?.node;
  if (!b || !node) return undefined;
  let how = `the line names ${b.name}`;
  if (!b.section) how += `, which has no <Proxy ${b.name}> section (its ${b.users[0] ? 'first ProxyPass' : 'first member'} is shown)`;
  if (others.length) how += `; ${others.length + 1} servers have a balancer of this name (also ${others.slice(0, 3).map((o) => `the one of ${serverName(proxy, o.vhost)}`).join(', ')}) and the line does not say which`;
  if (borrowed) how += `; ${borrowed}`;
  const values: ApacheValue[] = [];
  if (patternId === 'apache-all-in-error') {
    const p = proxy.balancerParams(b, server).get('forcerecovery');
    const off = p && /^off$/i.test(p.value);
    values.push(
      p
        ? { name: 'forcerecovery', value: p.value, origin: off ? `${p.node.name} on the balancer: members in error state (after a failed connect, failonstatus=, failontimeout=) stay out until their retry= time has passed, even when none is left; with the default (On) httpd would try them again` : `${p.node.name} on the balancer`, node: p.node }
        : { name: 'forcerecovery', value: 'On', origin: 'the default: httpd tries members in error state again when all are, so here every member was disabled, stopped, or failed its health check' },
    );
    values.push({ name: 'members', value: String(b.members.length), origin: b.members.map((m) => m.url).slice(0, 4).join(', ') + (b.members.length > 4 ? ', …' : ''), ...(b.members[0] ? { node: b.members[0].node } : {}) });
    // With forcerecovery Off, each member's retry= is how long the 503s go on after the backends are back: on 2.4.71 a
    // request sent once both members listened again still got 503 and AH01170 within retry=60.
    if (off) {
      for (const m of b.members.slice(0, 4)) {
        const retry = m.params.get('retry');
        values.push(retry ? param(`retry of ${m.url}`, retry, m, (v) => `${atoi(v)} s`) : { name: `retry of ${m.url}`, value: '60 s', origin: 'the default (no retry= on the member)', node: m.node });
      }
    }
  }
  return { node, balancer: b, how, ambiguous: others.length > 0, values };
}

/**
 * Which server's balancer a line naming `balancer://name` is about: each server has its own (see takesMainBalancers),
 * and only those some server's requests use can log. The servers the lines say the request came to narrow them down;
 * AH01171 ("No workers") comes from one without members, AH01170 and AH01167 from one with members. `server`: whose
 * settings apply (a virtual host's own lines add to the main server's balancer's, see balancerParams).
 */
function whichBalancer(proxy: ProxyModel, name: string, patternId: string, hint?: ApachePlaceContext['servers']): { b?: Balancer; others: Balancer[]; server: ApacheNode | null } {
  let list = proxy.balancers.filter((b) => b.name === name && !b.hiddenBy);
  const hinted = hint ? [...hint.servers] : [];
  const reached = list.filter((b) => hinted.some((s) => proxy.balancerFor(s, name) === b));
  if (reached.length) list = reached;
  const fits = list.filter((b) => (patternId === 'apache-no-workers' ? b.members.length === 0 : b.members.length > 0));
  if (fits.length) list = fits;
  const b = list[0];
  const server = b ? (hinted.find((s) => proxy.balancerFor(s, name) === b) ?? b.vhost) : null;
  return { b, others: list.slice(1), server };
}

function timeoutValue(name: string, t: TimeoutValue, w?: Worker): ApacheValue {
  const s = formatSeconds(t.ms);
  switch (t.origin) {
    case 'worker':
      return { name, value: s, origin: `${t.param!.key}=${t.param!.value} on the worker`, node: t.node ?? w?.node };
    case 'ProxyTimeout':
    case 'Timeout':
      return { name, value: s, origin: `${t.origin} ${t.node!.args[0]}${t.partial ? ' (a main configuration proxylint does not see may set ProxyTimeout)' : ''}`, node: t.node };
    default:
      return { name, value: s, origin: t.partial ? 'the Timeout of a main configuration proxylint does not see (60 s unless set)' : 'the default (Timeout 60)' };
  }
}
