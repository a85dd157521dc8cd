import { apacheDirectiveDoc, apacheModuleDoc, apacheWorkerParamDoc } from '../docs/directive-doc';
import { renderHover } from '../docs/render';
import type { ApacheLintResult } from '../lint-apache';
import { conditionsOf, contextOf, skippedBy, virtualHostOf, type ApacheConfig, type ApacheNode } from '../model/apache-tree';
import { describeTimeout, formatSeconds, reusesConnections, sectionIsRegex, tunnelIdle, webSocketTunnel, type ProxyPassRule, type Worker } from '../model/apache-proxy';
import { hasProxyFlag, rewriteLookupUrl, type ProxyRewrite } from '../model/apache-rewrite';
import { shadowingRule } from '../model/apache-proxypass-order';
import { requestsTakenFrom, shortRegexRequest } from '../model/apache-request-worker';
import { dirname, relative } from '../paths';
import type { ApacheArg, ApacheAst, ApacheDirective } from '../syntax/apache/ast';
import { backendOutcomes, docForBackend } from './apache-backend-view';
import { ruleIdsIn } from '../finding';
import { balancerCard, memberCard } from './apache-balancer-hover';
import { EXPLAINED_PARAMS, paramNote } from './apache-param-hover';
import { hasSectionSummary, sectionSummary, serverValueText } from './apache-section-hover';
import { includeVias, type HoverResult } from './hover';
import type { Fold, OutlineSymbol, SymbolKind } from './outline';
import { codePlaceLink, labelsOnly, lineLink } from './place-link';

/** The innermost directive or section line at `offset` in `path`, and the argument under it. */
export function apacheLocate(config: ApacheConfig, path: string, offset: number): { node: ApacheNode | null; arg?: ApacheArg; onName: boolean } {
  let node: ApacheNode | null = null;
  for (const n of config.all) {
    if (n.file.path !== path) continue;
    const d = n.directive;
    // A section's own line is its name and arguments; its body belongs to the children.
    const end = d.section ? d.args.at(-1)?.end ?? d.nameSpan.end : d.end;
    if (d.start <= offset && offset <= end) node = n;
  }
  if (!node) return { node: null, onName: false };
  const d = node.directive;
  return { node, onName: offset <= d.nameSpan.end, arg: d.args.find((a) => a.start <= offset && offset <= a.end) };
}

const WORKER_DIRECTIVES = new Set(['proxypass', 'proxypassmatch', 'balancermember', 'proxyset']);

const BALANCER_URL = /^balancer:\/\//i;

/** Lines whose `balancer://` argument gets the balancer's card on hover. */
const BALANCER_LINES = new Set(['proxypass', 'proxypassmatch', 'proxypassreverse', 'proxyset', 'balancermember', 'proxy']);

/**
 * The `balancer://` URL a ProxyPass(Match), ProxySet or BalancerMember line names on the line itself (a member or
 * ProxySet inside <Proxy balancer://…> gets the card on the section's line instead).
 */
function balancerOnLine(result: ApacheLintResult, node: ApacheNode): string | undefined {
  if (node.lname === 'proxypass' || node.lname === 'proxypassmatch') return result.proxy.rules.find((r) => r.node === node && r.target?.scheme === 'balancer')?.url;
  if (node.lname !== 'proxyset' && node.lname !== 'balancermember') return undefined;
  let inSection = false;
  for (let p = node.parent; p && !inSection; p = p.parent) inSection = p.lname === 'proxy';
  const first = node.args[0] ?? '';
  return !inSection && BALANCER_URL.test(first) ? first : undefined;
}

/**
 * True when this line's `key=value` parameters go to a balancer rather than to one backend: a ProxyPass or
 * ProxyPassMatch whose URL is `balancer://…`, or a ProxySet for a balancer (the URL on the line, or else the
 * enclosing `<Proxy balancer://…>`). It matters for `timeout`, which on a balancer is the wait for a free member.
 * https://httpd.apache.org/docs/2.4/mod/mod_proxy.html#proxypass (balancer parameters)
 */
function setsBalancerParams(result: ApacheLintResult, node: ApacheNode): boolean {
  if (node.lname === 'proxypass' || node.lname === 'proxypassmatch') return BALANCER_URL.test(result.proxy.rules.find((r) => r.node === node)?.url ?? '');
  if (node.lname !== 'proxyset') return false;
  const first = node.args[0] ?? '';
  if (first.includes('://') && !first.includes('=')) return BALANCER_URL.test(first);
  for (let p = node.parent; p; p = p.parent) if (p.lname === 'proxy') return BALANCER_URL.test(p.args[0] ?? '');
  return false;
}

/** What httpd does with a line that shares an earlier worker: the values above are that worker's. */
function sharingNote(w: Worker, lineOf: (n: ApacheNode) => number): string {
  const owner = w.shares!;
  const ignored = w.ignored?.length ? ` and ignores ${w.ignored.map((p) => `\`${p.key}=${p.value}\``).join(', ')} here ("AH01146: Ignoring parameter … because of worker sharing")` : '';
  return `**Shares the worker of ${lineLink(owner.node)}** (\`${owner.url}\`): httpd uses that worker's parameters for this line${ignored}.`;
}

/**
 * The requests of this ProxyPass that go through another line's worker, whose values then hold for them instead of the
 * ones above (see requestsTakenFrom; the rule requests-use-another-worker reports the pairs whose values differ).
 */
function takenNote(result: ApacheLintResult, w: Worker, lineOf: (n: ApacheNode) => number, node: ApacheNode): string | undefined {
  const rule = result.proxy.rules.find((r) => r.node === w.node);
  const short = rule && w.params.size ? shortRegexRequest(rule, w) : undefined;
  if (short) {
    const wait = describeTimeout(result.proxy.backendTimeout({ params: new Map(), vhost: w.vhost }), lineOf, node, (n) => lineLink(n, node));
    return `**Short URLs go through the default worker:** a request whose backend URL comes out shorter than this worker's name \`${short.name}\` (${short.name.length} characters; such as \`${short.path}\` → \`${short.url}\`) is found by no worker, and goes through httpd's default worker without this line's parameters: backend timeout ${wait}.`;
  }
  const taken = rule ? requestsTakenFrom(result.proxy, rule) : [];
  if (!taken.length) return undefined;
  const rows = taken.slice(0, 4).map(({ other, name, server, path, url }) => {
    const wait = describeTimeout(result.proxy.backendTimeout(other, server), lineOf, node, (n) => lineLink(n, node));
    return `- URLs that ${other.match ? 'match' : 'start with'} \`${name}\` (such as \`${path.replace(/x{8}/g, '…')}\` → \`${url.replace(/x{8}/g, '…')}\`): the worker of ${lineLink(other.node)}, backend timeout ${wait}`;
  });
  if (taken.length > 4) rows.push(`- and ${taken.length - 4} more`);
  return `**Some requests go through another worker:** httpd looks the worker up by the backend URL when the request comes, and takes the longest worker name that finds it, with that worker's parameters:\n\n${rows.join('\n')}`;
}

/** At most this many differing groups are shown in a hover on a file included more than once. */
const MAX_ENTRIES = 3;

/** One inclusion of the hovered line: a file Include'd twice in one configuration has two nodes for each line. */
interface Placement {
  result: ApacheLintResult;
  node: ApacheNode;
  arg?: ApacheArg;
  onName: boolean;
}

function placementsIn(result: ApacheLintResult, path: string, offset: number): Placement[] {
  const at = apacheLocate(result.config, path, offset);
  if (!at.node) return [];
  const d = at.node.directive;
  // A file is parsed once however often it is included: its inclusions are the nodes of one directive.
  return result.config.all.filter((n) => n.directive === d).map((node) => ({ result, node, arg: at.arg, onName: at.onName }));
}

/** The Include lines that brought one inclusion in, outermost first: "`httpd.conf:12` → `sites/a.conf:3`". */
function includeChain(n: ApacheNode, from: string): string {
  return includeVias(n)
    .map((v) => codePlaceLink(v, from))
    .join(' → ');
}

/**
 * `others`: the other configurations that include the file (a snippet that two apache2.conf files, or two sites,
 * include). The values in force (timeouts, ProxyPass order, server-level values) are those of each inclusion, and a
 * file can also be included twice within one configuration (the same snippet in two virtual hosts). When they
 * differ, each inclusion's are shown under its entry file (or, within one configuration, its Include lines), as the
 * nginx hover says "differs by inclusion".
 */
export function apacheHover(result: ApacheLintResult, path: string, offset: number, others: readonly ApacheLintResult[] = []): HoverResult | undefined {
  const placements = placementsIn(result, path, offset);
  if (!placements.length) return undefined;
  // The documentation and the hovered range are the same for every inclusion: those of the last one, as before.
  const own = hoverParts(placements[placements.length - 1]);
  const configs = [result];
  for (const r of others) {
    if (r === result) continue;
    const more = placementsIn(r, path, offset);
    if (more.length) configs.push(r);
    placements.push(...more);
  }
  // Inclusions whose text reads the same are told once, with the links of the first: "line 7 of httpd.conf" in two
  // configurations' own httpd.conf files links to two files, yet says the same to the reader.
  const groups = new Map<string, Placement[]>();
  const shown = new Map<string, string>();
  for (const p of placements) {
    const text = hoverParts(p).entry.join(SEPARATOR);
    const key = labelsOnly(text);
    const g = groups.get(key);
    if (g) g.push(p);
    else {
      groups.set(key, [p]);
      shown.set(key, text);
    }
  }
  let entry = own.entry;
  if (groups.size > 1) {
    const list = [...groups].filter(([key]) => key !== '');
    // Each inclusion is named by its configuration's entry file; by its Include lines when that configuration
    // includes the file more than once, as that is what tells them apart.
    const name = (p: Placement) => {
      const twice = placements.filter((q) => q.result === p.result).length > 1;
      const entryFile = `\`${relative(dirname(path), p.result.config.entry.path)}\``;
      return (twice && includeChain(p.node, path)) || entryFile;
    };
    const label = (ps: Placement[]) => ps.slice(0, 2).map(name).join(', ') + (ps.length > 2 ? ` and ${ps.length - 2} more` : '');
    const none = groups.get('');
    const count =
      configs.length > 1
        ? `${configs.length} configurations include this file${placements.length > configs.length ? ` (${placements.length} inclusions in all)` : ''}`
        : `this configuration includes this file ${placements.length} times`;
    entry = [
      [
        `**Differs by inclusion:** ${count}, and the values in force here are not the same in all of them.`,
        ...list.slice(0, MAX_ENTRIES).map(([key, ps]) => `**Included from ${label(ps)}:**\n\n${shown.get(key)}`),
        ...(list.length > MAX_ENTRIES ? [`…and ${list.length - MAX_ENTRIES} more.`] : []),
        ...(none ? [`**Included from ${label(none)}:** nothing to add for this line.`] : []),
      ].join('\n\n'),
    ];
  }
  const parts = [...entry, ...own.doc];
  return parts.length ? { markdown: parts.join(SEPARATOR), start: own.start, end: own.end } : undefined;
}

const SEPARATOR = '\n\n---\n\n';

/** The hover of one configuration: the parts that depend on it (values in force) and the documentation. */
function hoverParts({ result, node, arg, onName }: Placement): { entry: string[]; doc: string[]; start: number; end: number } {
  const lineOf = (n: ApacheNode) => n.file.lines.positionAt(n.directive.start).line + 1;
  const parts: string[] = [];
  const section = (n: ApacheNode) => `\`<${n.name}${n.args.length ? ' ' + n.args.join(' ') : ''}>\``;
  const at = (n: ApacheNode) => lineLink(n, node);
  // A line httpd never reads has no value in force, no worker and no place in the ProxyPass order: say only that.
  const skipper = skippedBy(node);
  if (skipper) {
    parts.push(`**Not read:** httpd skips the ${section(skipper)} section (${at(skipper)}) without reading what is in it: ${skipper.condition!.why}. This line has no effect.`);
    const doc = docOf(node);
    const d = node.directive;
    return { entry: parts, doc: doc ? [renderHover(doc)] : [], start: d.nameSpan.start, end: d.nameSpan.end };
  }
  if (node.condition) parts.push(node.condition.holds ? `**Read by httpd:** ${node.condition.why}.` : `**Skipped by httpd:** ${node.condition.why}; nothing in this section is read, and an Include in it is not followed.`);
  // A section's opening line: what is proxied in it, and the timeouts in force there.
  if (hasSectionSummary(node) && (onName || !arg || !BALANCER_URL.test(arg.value))) parts.push(sectionSummary(result, node, node.file.path));
  // On a balancer:// URL, as nginx's hover on an upstream name: the members and what happens when none is usable.
  const named = arg && !onName && BALANCER_LINES.has(node.lname) && BALANCER_URL.test(arg.value) ? arg : undefined;
  if (named) return { entry: [...parts, balancerCard(result, node, named.value, node.file.path)], doc: [], start: named.start, end: named.end };
  const worker = result.proxy.workers.find((w) => w.node === node);
  // On one of the parameters that bound a wait, that parameter's value in force and outcome instead of the worker's
  // two timeouts (a balancer's own timeout= is the wait for a member: its doc says so).
  const paramKey = arg && !onName && WORKER_DIRECTIVES.has(node.lname) && arg.value.includes('=') ? arg.value.slice(0, arg.value.indexOf('=')).toLowerCase() : undefined;
  const paramWorker = paramKey && EXPLAINED_PARAMS.has(paramKey) && !setsBalancerParams(result, node) ? (worker ?? (node.lname === 'proxyset' ? result.proxy.proxySetWorker(node) : undefined)) : undefined;
  if (paramWorker) parts.push(paramNote(result, paramWorker, paramKey!, node, lineOf));
  if (worker) {
    // What this line will wait for: the part of the chain that decides 502/503/504 timing on Apache.
    // A balancer member, as nginx's upstream server line: its balancer, and its retry, loadfactor and status.
    if (!paramWorker && worker.kind === 'member') parts.push(memberCard(worker, node, node.file.path));
    if (!paramWorker) parts.push(timeoutsNote(result, worker, lineOf, node));
    // A balancer member's failure sends the request to another member: the balancer card says what happens then.
    const outcomes = !paramWorker && worker.kind === 'proxypass' ? backendOutcomes(worker) : undefined;
    if (outcomes) parts.push(outcomes);
    const tunnel = tunnelNote(result, worker, lineOf, node);
    if (tunnel) parts.push(tunnel);
    if (worker.shares) parts.push(sharingNote(worker, lineOf));
    const taken = takenNote(result, worker, lineOf, node);
    if (taken) parts.push(taken);
  }
  const rewrite = node.lname === 'rewriterule' ? result.proxy.rewrites.find((r) => r.node === node) : undefined;
  const rewriteWait = rewrite && rewriteTimeoutsNote(result, rewrite, lineOf, node);
  if (rewriteWait) parts.push(rewriteWait);
  const handler = node.lname === 'sethandler' ? result.proxy.socketHandlers.find((h) => h.node === node) ?? proxyHandler(node) : undefined;
  const handlerWait = handler && handlerTimeoutsNote(result, handler.url, lineOf, node);
  if (handlerWait) parts.push(handlerWait);
  const configured = node.lname === 'proxyset' ? result.proxy.proxySetWorker(node) : undefined;
  if (configured) parts.push(proxySetNote(result, configured, lineOf, !paramWorker));
  const rule = node.lname === 'proxypass' || node.lname === 'proxypassmatch' ? result.proxy.rules.find((r) => r.node === node) : undefined;
  const order = rule && orderNote(result, rule, lineOf);
  if (order) parts.push(order);
  if (arg && !onName && WORKER_DIRECTIVES.has(node.lname) && arg.value.includes('=')) {
    const key = arg.value.slice(0, arg.value.indexOf('=')).toLowerCase();
    const doc = apacheWorkerParamDoc(key, setsBalancerParams(result, node) ? 'balancer' : 'worker');
    return { entry: parts, doc: doc ? [renderHover(doc)] : [], start: arg.start, end: arg.end };
  }
  const balancer = balancerOnLine(result, node);
  if (balancer) parts.push(balancerCard(result, node, balancer, node.file.path));
  const effective = serverLevelValue(result, node, lineOf);
  if (effective) parts.push(effective);
  const generic = docOf(node);
  const d = node.directive;
  const doc = generic && worker?.kind === 'proxypass' ? docForBackend(generic, worker, ruleIdsIn(result.findings, node.file.path, d.start, d.end)) : generic;
  return { entry: parts, doc: doc ? [renderHover(doc)] : [], start: d.nameSpan.start, end: d.nameSpan.end };
}

function docOf(node: ApacheNode) {
  return node.lname === 'loadmodule' && node.args[0] ? apacheModuleDoc(node.args[0].replace(/_module$/, '')) ?? apacheDirectiveDoc(node.name) : apacheDirectiveDoc(node.name);
}

/** How a server is named in a hover: its ServerName and <VirtualHost> line, or the main server. */
export function serverLabel(result: Pick<ApacheLintResult, 'proxy'>, server: ApacheNode | null, at: (n: ApacheNode) => string): string {
  if (!server) return 'the main server (addresses no virtual host takes)';
  const info = result.proxy.servers.find((s) => s.vhost === server);
  return `${info?.names[0] ?? 'the virtual host'} (\`<VirtualHost ${server.args.join(' ')}>\`, ${at(server)})`;
}

/** At most this many servers are named for one value; the rest are counted. */
const MAX_SERVERS = 4;

/**
 * One line per distinct value: the servers that get it, then the value. `values` holds one entry per server, in order.
 */
function perServer(result: ApacheLintResult, servers: (ApacheNode | null)[], values: string[], at: (n: ApacheNode) => string): string {
  const groups = new Map<string, (ApacheNode | null)[]>();
  servers.forEach((s, i) => groups.set(values[i], [...(groups.get(values[i]) ?? []), s]));
  const rows = [...groups].slice(0, MAX_SERVERS * 2).map(([v, ss]) => {
    const named = ss.slice(0, MAX_SERVERS).map((s) => serverLabel(result, s, at)).join(', ');
    return `- ${named}${ss.length > MAX_SERVERS ? ` and ${ss.length - MAX_SERVERS} more virtual hosts` : ''}: ${v}`;
  });
  if (groups.size > MAX_SERVERS * 2) rows.push(`- and ${groups.size - MAX_SERVERS * 2} more values in other virtual hosts`);
  return rows.join('\n');
}

/**
 * The backend and connect timeouts of a worker. Without timeout= (or connectiontimeout=) they are those of the server
 * the request came to: a main-server ProxyPass used from virtual hosts with their own Timeout or ProxyTimeout waits
 * each one's (on 2.4.71: 8 s through a virtual host with Timeout 8, 5 s through one with ProxyTimeout 5, 3 s on the
 * main server with Timeout 3; the connect timeout alike; test/servers/apache-vhost-timeouts.test.ts).
 */
function timeoutsNote(result: ApacheLintResult, worker: Worker, lineOf: (n: ApacheNode) => number, node: ApacheNode): string {
  const { proxy } = result;
  const servers = proxy.serversOf(worker);
  const backend = servers.map((s) => describeTimeout(proxy.backendTimeout(worker, s), lineOf, node, (n) => lineLink(n, node)));
  const connect = servers.map((s) => describeTimeout(proxy.connectTimeout(worker, s), lineOf, node, (n) => lineLink(n, node)));
  if (new Set(backend).size <= 1 && new Set(connect).size <= 1) {
    return `**Backend timeout here:** ${backend[0] ?? describeTimeout(proxy.backendTimeout(worker), lineOf, node, (n) => lineLink(n, node))}  \n**Connect timeout here:** ${connect[0] ?? describeTimeout(proxy.connectTimeout(worker), lineOf, node, (n) => lineLink(n, node))}`;
  }
  const at = (n: ApacheNode) => lineLink(n, node);
  const out = [`**Backend timeout here:** depends on the server the request came to: without \`timeout=\` httpd takes that server's ProxyTimeout, else its Timeout\n\n${perServer(result, servers, backend, at)}`];
  out.push(
    new Set(connect).size <= 1
      ? `**Connect timeout here:** ${connect[0]}`
      : `**Connect timeout here:** the backend timeout of that server (no \`connectiontimeout=\`)`,
  );
  if (reusesConnections(worker)) {
    out.push(
      'A pooled connection keeps the timeout it was opened with: a request that reuses a connection opened for another of these servers waits that server\'s time (on 2.4.71 a request through a virtual host with Timeout 8, on a connection opened for one with ProxyTimeout 5, got 502 after 5 s).',
    );
  }
  return out.join('\n\n');
}

/** At most this many workers are named that a [P] target with variables may reach instead. */
const MAX_MAYBE = 3;

/**
 * What a RewriteRule … [P] line waits for, like the hover of a ProxyPass line: its requests go through the worker whose
 * name is the longest start of the target URL (ProxyModel.workerForUrl), else through httpd's default worker, which has
 * no parameters and waits the ProxyTimeout, else the Timeout, of the request's server (on 2.4.68 a virtual host's [P]
 * rule waited the main server's ProxyTimeout 3 although the virtual host set Timeout 1). The target is looked up by
 * its text before the first $N or %{…}; a longer worker name that text starts with may be the one, by what they give.
 * Undefined for a rule that no request runs (RewriteEngine not On) and for a balancer:// target (the balancer card).
 */
export function rewriteTimeoutsNote(result: ApacheLintResult, rewrite: ProxyRewrite, lineOf: (n: ApacheNode) => number, node: ApacheNode): string | undefined {
  const { proxy } = result;
  if (!rewrite.servers.length || rewrite.target.scheme === 'balancer') return undefined;
  const at = (n: ApacheNode) => lineLink(n, node);
  const literal = rewriteLookupUrl(rewrite.url);
  const variable = literal !== rewrite.url;
  const rows = rewrite.servers.map((server) => {
    const w = proxy.workerForUrl(server, literal);
    const chain = w ?? { params: new Map(), vhost: server };
    return {
      backend: describeTimeout(proxy.backendTimeout(chain, server), lineOf, node, (n) => lineLink(n, node)),
      connect: describeTimeout(proxy.connectTimeout(chain, server), lineOf, node, (n) => lineLink(n, node)),
      via: w ? `the worker of ${at(w.node)} (\`${w.url}\`), whose name starts the target` : "httpd's default worker (no ProxyPass or ProxySet worker's name starts the target), which has no parameters",
    };
  });
  const maybe = !variable ? [] : proxy.workers.filter((w) => w.kind === 'proxypass' && !w.match && w.url.length > literal.length && w.url.toLowerCase().startsWith(literal.toLowerCase()) && rewrite.servers.some((s) => w.vhost === s || w.vhost === null));
  const unless = maybe.length
    ? `\n\nUnless the URL the rule makes starts with the name of a longer worker, which then takes its requests: ${maybe.slice(0, MAX_MAYBE).map((w) => `\`${w.url}\` (${at(w.node)})`).join(', ')}${maybe.length > MAX_MAYBE ? ` and ${maybe.length - MAX_MAYBE} more` : ''}.`
    : '';
  const same = new Set(rows.map((r) => `${r.backend}\0${r.connect}\0${r.via}`)).size <= 1;
  if (same) return `**Backend timeout here:** ${rows[0].backend}  \n**Connect timeout here:** ${rows[0].connect}  \n**Through:** ${rows[0].via}${unless}`;
  const each = rows.map((r) => `backend timeout ${r.backend}, connect timeout ${r.connect}, through ${r.via}`);
  return `**Backend timeout here:** depends on the server the request came to\n\n${perServer(result, rewrite.servers, each, at)}${unless}`;
}

/** A `SetHandler "proxy:scheme://host…"` line (not over a socket; socketHandlers has those): its URL after "proxy:". */
function proxyHandler(node: ApacheNode): { url: string } | undefined {
  const m = /^proxy:([a-z][a-z0-9+.-]*:\/\/.+)$/i.exec(node.args[0] ?? '');
  return m ? { url: m[1] } : undefined;
}

/**
 * What the requests of a `SetHandler "proxy:…"` line wait for. mod_proxy makes the URL from the handler's (after "|" for
 * a socket) and the file's path, and looks the worker up by it as for a ProxyPass: the `<Proxy "fcgi://localhost/">`
 * section of PHP-FPM's recipe defines the worker its ProxySet timeout= belongs to; without one, httpd's default worker
 * waits the ProxyTimeout, else the Timeout, of the server. On 2.4.71 a FastCGI stand-in on a socket that answered after
 * 2.5 s gave 200 with `ProxySet timeout=5` in that section and 504 after ProxyTimeout 1 without it
 * (test/servers/apache-sethandler-timeout.test.ts).
 */
function handlerTimeoutsNote(result: ApacheLintResult, url: string, lineOf: (n: ApacheNode) => number, node: ApacheNode): string | undefined {
  const { proxy } = result;
  const server = virtualHostOf(node);
  // Any file path: what matters is which worker names start the handler's URL followed by one.
  const w = proxy.workerForUrl(server, `${url.replace(/\/+$/, '')}/index.php`);
  const chain = w ?? { params: new Map(), vhost: server };
  const at = (n: ApacheNode) => lineLink(n, node);
  const via = w
    ? `the worker of ${at(w.node)} (\`${w.url}\`), whose name starts the URL the handler makes (${url.replace(/^unix:[^|]*\|/i, '')} followed by the file's path)`
    : "httpd's default worker (no <Proxy> section or ProxyPass defines a worker whose name starts the URL), which has no parameters";
  return `**Backend timeout here:** ${describeTimeout(proxy.backendTimeout(chain, server), lineOf, node, at)}  \n**Connect timeout here:** ${describeTimeout(proxy.connectTimeout(chain, server), lineOf, node, at)}  \n**Through:** ${via}`;
}

/**
 * When an idle WebSocket tunnel through this worker is closed. mod_proxy_http keeps it for the longer of the client's
 * Timeout and the backend timeout (see tunnelIdle); mod_proxy_wstunnel, on 2.4.71, did not close it for idleness at
 * all (still open after 150 s with Timeout 4 and timeout=1, test/servers/apache-vhost-timeouts.test.ts).
 */
function tunnelNote(result: ApacheLintResult, worker: Worker, lineOf: (n: ApacheNode) => number, node: ApacheNode): string | undefined {
  const { proxy } = result;
  const how = webSocketTunnel(proxy, worker, result.modules);
  if (!how) return undefined;
  if (how === 'wstunnel') {
    return '**An idle WebSocket tunnel here:** is not closed by httpd: mod_proxy_wstunnel tunnels `ws://` here (mod_proxy_http is not loaded, or ProxyWebsocketFallbackToProxyHttp is Off), and on 2.4.71 it kept an idle tunnel open long past both Timeout and `timeout=` (still open after 150 s with Timeout 2); it ends when the client or the backend closes it.';
  }
  const servers = proxy.serversOf(worker);
  const list = servers.length ? servers : [worker.vhost];
  const at = (n: ApacheNode) => lineLink(n, node);
  const each = list.map((s) => {
    const t = tunnelIdle(proxy, worker, s);
    const client =
      t.client.origin === 'Timeout' ? `${formatSeconds(t.client.ms)} (Timeout ${t.client.node!.args[0]} on ${at(t.client.node!)})` : t.client.partial ? 'the Timeout of the main configuration (60 s unless set)' : `${formatSeconds(t.client.ms)} (the default Timeout)`;
    const unsure = t.client.partial && t.client.origin === 'default';
    return { idle: unsure ? 'an idle time of' : `${formatSeconds(t.ms)} idle:`, client, backend: describeTimeout(t.backend, lineOf, node, (n) => lineLink(n, node)) };
  });
  const note = 'httpd closes it without a line in the error log at LogLevel warn; the client must reconnect.';
  const line = (idle: string, client: string, backend: string) => `${idle} the longer of the client side, ${client}, and the backend timeout, ${backend}`;
  // The same idle time everywhere (the backend timeout is the longer one): one line, with each server's client side.
  if (new Set(each.map((e) => `${e.idle}\0${e.backend}`)).size <= 1) {
    const clients = [...new Set(each.map((e) => e.client))];
    return `**WebSocket tunnel closed after:** ${line(each[0].idle, clients.join(' or '), each[0].backend)}${clients.length > 1 ? ' (the client side depends on the server the request came to)' : ''}. ${note}`;
  }
  return `**WebSocket tunnel closed after:** depends on the server the request came to (${note})\n\n${perServer(result, list, each.map((e) => line(e.idle, e.client, e.backend)), at)}`;
}

/**
 * Which worker a ProxySet line sets parameters on: httpd looks it up when it reads the line, by the longest worker name
 * the URL starts with among those its server has defined so far (ap_proxy_get_worker), or, inside <Proxy "url">,
 * defines it when there is none.
 */
function proxySetNote(result: ApacheLintResult, w: Worker, lineOf: (n: ApacheNode) => number, withTimeout: boolean): string {
  const timeouts = withTimeout ? `**Backend timeout there:** ${describeTimeout(result.proxy.backendTimeout(w), lineOf, w.node, (n) => lineLink(n, w.node))}` : '';
  if (w.node.directive.section) return `**Defines the worker** \`${w.url}\` (${lineLink(w.node)}): no worker defined above has a name this URL starts with; a later ProxyPass whose URL starts with it shares it.${timeouts ? `  \n${timeouts}` : ''}`;
  return `**Configures the worker of ${lineLink(w.node)}** (\`${w.url}\`): httpd gives these parameters to the worker whose name is the longest start of this URL, among those this server has defined above.${timeouts ? `  \n${timeouts}` : ''}`;
}

/**
 * A ProxyPass in a regex section (<LocationMatch>, <Location ~>) whose path has no wildcard: add_pass reads the path
 * as a prefix, not a regex (see passPathIsRegex). On 2.4.71 `<LocationMatch "\.php$">` and `<LocationMatch "^/api/">`
 * mapped no request, and `<LocationMatch "/api">` mapped /api/x but not /v1/api/x, which the section matches
 * (test/servers/apache-locationmatch-proxypass.test.ts).
 */
function prefixNote(rule: ProxyPassRule): string | undefined {
  if (rule.node.lname !== 'proxypass' || rule.regex || rule.misplacedPath || !rule.location || !sectionIsRegex(rule.location)) return undefined;
  const why = `httpd takes \`${rule.path}\` here as a plain prefix, not a regex: a \`ProxyPass\` reads its section's path as a regex only when it has a wildcard (\`*\`, \`?\` or \`[…]\`), and \`ProxyPassMatch\` always does`;
  return rule.path.startsWith('/')
    ? `**Read as a prefix:** ${why}. So it maps \`${rule.path}\` and the paths under it, not other paths the section's regex matches.`
    : `**Maps no request:** ${why}. Every request path starts with "/", so none starts with this one, and the line never proxies (or, with \`!\`, never excludes) anything.`;
}

/**
 * Where a server-level ProxyPass(Match) stands in the list httpd tries (first match wins): never reached behind an
 * earlier rule, and for a main-server line, ahead of every virtual host's own (merge_proxy_config in mod_proxy.c).
 */
function orderNote(result: ApacheLintResult, rule: ProxyPassRule, lineOf: (n: ApacheNode) => number): string | undefined {
  if (rule.location) return prefixNote(rule);
  const at = (n: ApacheNode) => lineLink(n, rule.node);
  const earlier = shadowingRule(result.proxy, rule);
  if (earlier) {
    const quoted = `\`${earlier.node.name} ${earlier.path}${earlier.exclusion ? ' !' : ''}\``;
    const under = rule.regex ? 'every path this pattern matches' : `every path under \`${rule.path}\``;
    return earlier.vhost === null && rule.vhost !== null
      ? `**Never used:** the main server's ${quoted} (${at(earlier.node)}) is tried first in every virtual host, ahead of the virtual host's own lines, and already matches ${under}.`
      : `**Never used:** ${quoted} (${at(earlier.node)}) is tried first and already matches ${under}.`;
  }
  if (rule.vhost === null && result.config.all.some((n) => n.lname === 'virtualhost')) {
    return '**Tried first in every virtual host too:** httpd puts the main server\'s ProxyPass and ProxyPassMatch lines ahead of each virtual host\'s own (ProxyPassInherit Off does not change this), so a virtual host\'s rule under a path this line matches is never used.';
  }
  return undefined;
}

/**
 * Server-scoped directives that take one value: at the top of the main server or of a <VirtualHost>, the last one
 * written wins, and a virtual host that sets none uses the main server's. (Multi-valued ones such as ProxyPass, and
 * per-directory ones, follow other merge rules and get no line.)
 */
// KeepAlive* and LimitRequest* are left out: for name-based virtual hosts httpd may take them from the default host of
// the address, since it reads the request before it knows the Host header.
const SINGLE_SERVER_VALUE = new Set(['timeout', 'proxytimeout', 'proxybadheader', 'proxyiobuffersize', 'proxyreceivebuffersize', 'sslproxyengine', 'proxyrequests', 'proxyvia']);

/**
 * "Effective value here" for a server-scoped directive: set here, overridden by a later line of the same server (httpd
 * keeps the last), or — in a virtual host — replacing the main server's value. The nginx hover says the same for
 * nginx's inheritance.
 */
function serverLevelValue(result: ApacheLintResult, node: ApacheNode, lineOf: (n: ApacheNode) => number): string | undefined {
  if (!SINGLE_SERVER_VALUE.has(node.lname) || node.directive.section || contextOf(node, result.config) === 'directory' || result.config.htaccess) return undefined;
  const vhost = virtualHostOf(node);
  const winner = result.proxy.serverValue(vhost, node.lname);
  if (!winner) return undefined;
  const at = (n: ApacheNode) => lineLink(n, node);
  const value = serverValueText;
  if (winner !== node) {
    const conditional = conditionsOf(winner);
    const when = conditional.modules.length || conditional.defines.length || conditional.version ? ` (if the conditional section around ${at(winner)} applies)` : '';
    return `**Effective value here:** ${value(winner)} — ${at(winner)} sets ${node.name} again for this ${vhost ? 'virtual host' : 'server'}, and httpd keeps the last one: this line has no effect${when}`;
  }
  if (vhost) {
    const main = result.proxy.serverValue(null, node.lname);
    return `**Effective value here:** ${value(node)} — set here, for this virtual host${main ? ` (instead of the main server's ${value(main)} on ${at(main)})` : ''}`;
  }
  return `**Effective value here:** ${value(node)} — set here, for the main server and every virtual host that does not set its own`;
}

const SECTION_KIND: Record<string, SymbolKind> = {
  virtualhost: 'class',
  location: 'method',
  locationmatch: 'method',
  proxy: 'struct',
  proxymatch: 'struct',
  directory: 'object',
  directorymatch: 'object',
  files: 'object',
  filesmatch: 'object',
  ifmodule: 'namespace',
  ifdefine: 'namespace',
  ifversion: 'namespace',
  macro: 'module',
};

/**
 * The directive lines an Apache outline lists beside its sections: where requests leave for a backend (ProxyPass,
 * ProxyPassMatch, a RewriteRule with [P]), the balancer members and their settings, the timeouts that decide a 502/504,
 * and the Include lines a configuration is spread over. ProxyPassReverse is left out: it rewrites response headers and
 * sends no request, and written beside each ProxyPass it would double the list.
 */
const DIRECTIVE_KIND: Record<string, SymbolKind> = {
  proxypass: 'function',
  proxypassmatch: 'function',
  rewriterule: 'function',
  balancermember: 'field',
  proxyset: 'property',
  timeout: 'property',
  proxytimeout: 'property',
  include: 'file',
  includeoptional: 'file',
};

/**
 * A generated file (thousands of ProxyPass lines) would make an outline no one reads and a reply of megabytes: after
 * this many directive lines, in document order, only sections are listed.
 */
export const MAX_OUTLINE_DIRECTIVES = 2000;

/** A long regular expression or URL would fill the outline's width: words are cut past this many characters. */
const MAX_WORD = 80;
const word = (a: ApacheArg) => (a.raw.length > MAX_WORD ? a.raw.slice(0, MAX_WORD - 1) + '…' : a.raw);

/**
 * How a proxy directive line appears in the outline: its name with what the user looks for (the path and the URL, the
 * member's URL, the balancer a ProxySet tunes, the value of a timeout), the rest of the line (parameters, flags) as
 * its detail. Undefined for the lines left out (a RewriteRule without [P]).
 */
function directiveSymbol(d: ApacheDirective): OutlineSymbol | undefined {
  const kind = DIRECTIVE_KIND[d.lname];
  if (!kind) return undefined;
  let lead = d.args.length;
  if (d.lname === 'rewriterule') {
    if (!hasProxyFlag(d.args[2]?.value)) return undefined;
    lead = 2;
  } else if (d.lname === 'proxypass' || d.lname === 'proxypassmatch') {
    // The path and the URL, or in a <Location> the URL alone (the section gives the path): the words before the first
    // key=value parameter or flag (nocanon, interpolate…) after the URL.
    const url = d.args.findIndex((a) => a.value === '!' || /^[a-z][\w+.-]*:/i.test(a.value));
    lead = url >= 0 ? url + 1 : Math.min(d.args.length, 2);
  } else if (d.lname === 'balancermember' || d.lname === 'proxyset') {
    // The URLs (a balancer's, a member's) lead; key=value parameters are the detail.
    lead = d.args.findIndex((a) => !/^[a-z][\w+.-]*:\/\//i.test(a.value));
    if (lead < 0) lead = d.args.length;
  }
  const named = d.args.slice(0, lead).map(word);
  const rest = d.args.slice(lead).map(word);
  return {
    name: [d.name, ...named].join(' '),
    detail: rest.join(' '),
    kind,
    start: d.start,
    end: d.end,
    selection: d.nameSpan,
    children: [],
  };
}

/**
 * Sections nested as written, and in them the proxy directive lines (see DIRECTIVE_KIND), at most
 * MAX_OUTLINE_DIRECTIVES of them.
 */
export function apacheOutline(ast: ApacheAst): OutlineSymbol[] {
  let directives = 0;
  const walk = (ds: ApacheDirective[]): OutlineSymbol[] =>
    ds.flatMap((d): OutlineSymbol[] => {
      if (!d.section) {
        if (directives >= MAX_OUTLINE_DIRECTIVES) return [];
        const s = directiveSymbol(d);
        if (s) directives++;
        return s ? [s] : [];
      }
      // A virtual host's ServerName tells the outline's many <VirtualHost *:443> apart.
      const serverName = d.lname === 'virtualhost' && !d.section.opaque ? d.section.children.find((c) => c.lname === 'servername') : undefined;
      return [
        {
          name: `<${d.name}${d.args.length ? ' ' + d.args.map((a) => a.raw).join(' ') : ''}>`,
          detail: serverName ? serverName.args.map((a) => a.raw).join(' ') : '',
          kind: SECTION_KIND[d.lname] ?? 'object',
          start: d.start,
          end: d.section.end,
          selection: d.nameSpan,
          children: d.section.opaque ? [] : walk(d.section.children),
        },
      ];
    });
  return walk(ast.directives);
}

export function apacheFolds(ast: ApacheAst): Fold[] {
  const out: Fold[] = [];
  const walk = (ds: ApacheDirective[]) => {
    for (const d of ds) {
      if (!d.section) continue;
      if (d.section.closed) out.push({ start: d.start, end: d.section.close?.start ?? d.section.end, kind: 'region' });
      walk(d.section.children);
    }
  };
  walk(ast.directives);
  return out;
}
