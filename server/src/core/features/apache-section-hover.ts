import type { ApacheLintResult } from '../lint-apache';
import { serverOf } from '../model/apache-balancer-scope';
import { balancerName, describeTimeout, formatSeconds, type ProxyPassRule } from '../model/apache-proxy';
import { inheritingHosts, rewriteLookupUrl, rewriteScope, type ProxyRewrite } from '../model/apache-rewrite';
import type { ApacheNode } from '../model/apache-tree';
import { atoi } from '../model/apache-workers';
import { balancerCard, balancerMembers } from './apache-balancer-hover';
import { lineLink } from './place-link';

/** The sections whose opening line gets a summary on hover, and the official page of those proxylint has no doc for. */
const SECTIONS: Record<string, string | undefined> = {
  virtualhost: 'https://httpd.apache.org/docs/2.4/mod/core.html#virtualhost',
  location: 'https://httpd.apache.org/docs/2.4/mod/core.html#location',
  locationmatch: 'https://httpd.apache.org/docs/2.4/mod/core.html#locationmatch',
  proxy: undefined,
};

export const hasSectionSummary = (n: ApacheNode) => n.lname in SECTIONS && !!n.directive.section;

/** At most this many ProxyPass lines are listed; the rest are counted. */
const MAX_RULES = 8;

/**
 * What a hover on a <VirtualHost>, <Location>, <LocationMatch> or <Proxy> line says: what is proxied there (the
 * ProxyPass lines of the section, each with its backend and the time it waits for it; for a balancer, its members)
 * and the ProxyTimeout and Timeout in force there, with where they come from. `from`: the hovered file.
 */
export function sectionSummary(result: ApacheLintResult, node: ApacheNode, from: string): string {
  const lineOf = (n: ApacheNode) => n.file.lines.positionAt(n.directive.start).line + 1;
  const at = (n: ApacheNode) => lineLink(n, node);
  const out: string[] = [];
  if (node.lname === 'virtualhost') out.push(virtualHostRules(result, node, lineOf, at));
  else if (node.lname === 'proxy') out.push(...proxySection(result, node, from, lineOf, at));
  else {
    const rules = result.proxy.rules.filter((r) => r.location === node);
    const rewrites = result.proxy.rewrites.filter((r) => r.servers.length && rewriteScope(r.node) === node);
    const rows = [rules.length ? ruleList(result, rules, lineOf, at, node) : '', rewriteList(result, rewrites, serverOf(node), lineOf, at, node)].filter((x) => x);
    out.push(
      rows.length
        ? `**Proxied here:**\n\n${rows.join('\n')}`
        : '**Proxied here:** no ProxyPass in this section; requests under it are proxied only where a server-level ProxyPass (or a RewriteRule with [P]) matches them.',
    );
  }
  out.push(timeoutsInForce(result, node, at));
  const page = SECTIONS[node.lname];
  if (page) out.push(`[Apache docs ↗](${page})`);
  return out.join('\n\n');
}

const balancerNote = (n: number) => (n === 0 ? 'a balancer without members in the configuration (hover the URL)' : `a balancer of ${n} member${n === 1 ? '' : 's'}, each with its own timeouts (hover the URL)`);

/** One line per ProxyPass: path, backend and the time it waits for it (a balancer's members each have their own). */
function ruleList(result: ApacheLintResult, rules: ProxyPassRule[], lineOf: (n: ApacheNode) => number, at: (n: ApacheNode) => string, from: ApacheNode): string {
  const rows = rules.slice(0, MAX_RULES).map((r) => {
    const what = r.location ? `\`<${r.location.name} ${r.path}>\` \`${r.node.name}\`` : `\`${r.node.name} ${r.path}\``;
    if (r.exclusion) return `- ${what} \`!\` (${at(r.node)}): not proxied`;
    const worker = result.proxy.workers.find((w) => w.node === r.node);
    const backend = worker
      ? `backend timeout ${describeTimeout(result.proxy.backendTimeout(worker, r.vhost), lineOf, from, (n) => lineLink(n, from))}`
      : r.target?.scheme === 'balancer'
        ? balancerNote(balancerMembers(result, r.node, r.url).length)
        : 'no backend httpd can use';
    return `- ${what} → \`${r.url}\` (${at(r.node)}): ${backend}`;
  });
  if (rules.length > MAX_RULES) rows.push(`- …and ${rules.length - MAX_RULES} more`);
  return rows.join('\n');
}

/**
 * One line per RewriteRule … [P] that requests to `server` run: its target and the time it waits for it, through the
 * worker whose name starts the target, else httpd's default worker (see rewriteTimeoutsNote in apache.ts).
 */
function rewriteList(result: ApacheLintResult, rewrites: ProxyRewrite[], server: ApacheNode | null, lineOf: (n: ApacheNode) => number, at: (n: ApacheNode) => string, from: ApacheNode): string {
  const { proxy } = result;
  const rows = rewrites.slice(0, MAX_RULES).map((r) => {
    const what = `\`RewriteRule ${r.node.args[0] ?? ''}\` [P] → \`${r.url}\` (${at(r.node)})`;
    if (r.target.scheme === 'balancer') return `- ${what}: ${balancerNote(balancerMembers(result, r.node, r.url).length)}`;
    const on = r.servers.includes(server) ? server : r.servers[0];
    const w = proxy.workerForUrl(on, rewriteLookupUrl(r.url));
    const wait = describeTimeout(proxy.backendTimeout(w ?? { params: new Map(), vhost: on }, on), lineOf, from, (n) => lineLink(n, from));
    return `- ${what}: backend timeout ${wait}${w ? `, through the worker of ${at(w.node)}` : ", through httpd's default worker"}`;
  });
  if (rewrites.length > MAX_RULES) rows.push(`- …and ${rewrites.length - MAX_RULES} more RewriteRule [P] lines`);
  return rows.join('\n');
}

function virtualHostRules(result: ApacheLintResult, vhost: ApacheNode, lineOf: (n: ApacheNode) => number, at: (n: ApacheNode) => string): string {
  const own = result.proxy.rules.filter((r) => r.vhost === vhost);
  const main = result.proxy.rules.filter((r) => r.vhost === null && !r.location);
  // Its [P] rules, those in its sections too (as the ProxyPass lines of its <Location>s are listed).
  const rewrites = result.proxy.rewrites.filter((r) => r.servers.includes(vhost) && serverOf(r.node) === vhost);
  const rows = [own.length ? ruleList(result, own, lineOf, at, vhost) : '', rewriteList(result, rewrites, vhost, lineOf, at, vhost)].filter((x) => x);
  const head = rows.length ? `**Proxied here:**\n\n${rows.join('\n')}` : '**Proxied here:** no ProxyPass or RewriteRule [P] in this virtual host.';
  // merge_proxy_config puts the main server's lines ahead of a virtual host's own (see rulesFor).
  const first = main.length ? `\n\n**Tried before these**, as in every virtual host: the main server's ${main.length === 1 ? 'ProxyPass line' : `${main.length} ProxyPass lines`} (${main.slice(0, 3).map((r) => at(r.node)).join(', ')}${main.length > 3 ? ', …' : ''}).` : '';
  // The main server's [P] rules this virtual host runs through its RewriteOptions Inherit (or the main server's
  // InheritDown with its RewriteEngine On), with this host's timeouts.
  const inherited = result.proxy.rewrites.filter((r) => r.inheritedBy.includes(vhost));
  const via = inheritingHosts(result.config.all).get(vhost) === 'InheritDown' ? 'the main server\'s RewriteOptions InheritDown' : 'RewriteOptions Inherit';
  const also = inherited.length ? `\n\n**Also run here**, through ${via}:\n\n${rewriteList(result, inherited, vhost, lineOf, at, vhost)}` : '';
  return head + first + also;
}

/** <Proxy balancer://…>: the balancer and the lines that use it; <Proxy url>: the ProxyPass lines it applies to. */
function proxySection(result: ApacheLintResult, node: ApacheNode, from: string, lineOf: (n: ApacheNode) => number, at: (n: ApacheNode) => string): string[] {
  const { proxy } = result;
  const url = node.args[0] ?? '';
  const server = serverOf(node);
  if (/^balancer:\/\//i.test(url)) {
    const b = proxy.balancerFor(server, balancerName(url));
    // The ProxyPass lines whose requests use this server's balancer (none when the main server's hides it).
    const users = b && b.vhost === server ? b.users : [];
    const used = users.length
      ? `**Used by:** ${users.slice(0, MAX_RULES).map((r) => (r.location ? `\`${r.node.name} ${r.url}\` in \`<${r.location.name} ${r.path}>\`` : `\`${r.node.name} ${r.path} ${r.url}\``) + ` (${at(r.node)})`).join(', ')}${users.length > MAX_RULES ? ` and ${users.length - MAX_RULES} more` : ''}.`
      : b && b.vhost !== server
        ? '**Used by:** no line: this virtual host\'s ProxyPass lines to this name use the main server\'s balancer of the name, which comes first.'
        : '**Used by:** no ProxyPass line of this server.';
    return [balancerCard(result, node, url, from), used];
  }
  // <Proxy> sections apply to requests by the URL they are proxied to: "*" to all, a URL to those under it.
  const visible = proxy.rules.filter((r) => !r.exclusion && r.target && !r.target.error && (server === null || r.vhost === server || r.vhost === null));
  const wildcard = /[*?[]/.test(url);
  const rules = url === '*' ? visible : wildcard ? [] : visible.filter((r) => r.url.toLowerCase().startsWith(url.toLowerCase()));
  const parts = [
    url === '*'
      ? `**Applies to:** every request ${server ? 'this virtual host proxies' : 'httpd proxies, in the main server and every virtual host'}.`
      : wildcard
        ? `**Applies to:** requests proxied to a URL that matches \`${url}\`.`
        : `**Applies to:** requests proxied to a URL under \`${url}\`${server ? '' : ', in the main server and every virtual host'}.`,
  ];
  // SetHandler "proxy:…" lines reach the section's worker too (the PHP-FPM recipe pairs <Proxy "fcgi://localhost"
  // enablereuse=on> with SetHandler "proxy:unix:/run/php/php8.2-fpm.sock|fcgi://localhost"): by the URL after "|".
  const base = url.replace(/\/$/, '').toLowerCase();
  const handlers = (wildcard && url !== '*') || !base ? [] : result.config.all.filter((n) => {
    if (n.lname !== 'sethandler' || n.unresolved || (server !== null && serverOf(n) !== server && serverOf(n) !== null)) return false;
    const target = handlerUrl(n.args[0] ?? '');
    return target !== undefined && (url === '*' || target.toLowerCase().startsWith(base));
  });
  if (rules.length) parts.push(`**Proxied through it:**\n\n${ruleList(result, rules, lineOf, at, node)}`);
  if (handlers.length) {
    const rows = handlers.slice(0, MAX_RULES).map((n) => `- \`SetHandler "${n.args[0]}"\` (${at(n)})`);
    if (handlers.length > MAX_RULES) rows.push(`- …and ${handlers.length - MAX_RULES} more`);
    parts.push(`**Handed to it by SetHandler:**\n\n${rows.join('\n')}`);
  }
  if (!rules.length && !handlers.length && !wildcard) parts.push('**Proxied through it:** no ProxyPass or SetHandler line sends requests there.');
  const set = node.children.map((c) => (c.lname === 'proxyset' ? proxy.proxySetWorker(c) : undefined)).find((w) => w);
  if (set) parts.push(`**Its ProxySet configures the worker** \`${set.url}\`: backend timeout ${describeTimeout(proxy.backendTimeout(set), lineOf, node, (n) => lineLink(n, node))}.`);
  else if (node.lname === 'proxy' && node.args.length > 1 && !wildcard) {
    // Parameters on the section line (<Proxy "fcgi://localhost/" timeout=300>) configure the worker its URL finds,
    // after the lines inside: without this the hover showed only the ProxyTimeout, which that worker does not wait.
    const w = proxy.workerForUrl(server, url);
    if (w) parts.push(`**Its parameters configure the worker** \`${w.url}\`: backend timeout ${describeTimeout(proxy.backendTimeout(w), lineOf, node, (n) => lineLink(n, node))}.`);
  }
  return parts;
}

/** The backend URL of a `SetHandler "proxy:…"` value (after `|` for a UNIX socket), or undefined for other handlers. */
function handlerUrl(value: string): string | undefined {
  if (!/^proxy:/i.test(value)) return undefined;
  const rest = value.slice(6);
  if (!/^unix:/i.test(rest)) return rest;
  const bar = rest.indexOf('|');
  return bar < 0 ? undefined : rest.slice(bar + 1);
}

/**
 * A server-level line's value as the hovers quote it. Written without one (`ProxyTimeout` alone while typing, or
 * `Timeout ""`), httpd stops at the line ("… takes one argument", "… must be On or Off"; apache2 -t 2.4.71): no
 * value is in force, which an empty code span did not say.
 */
export function serverValueText(n: ApacheNode): string {
  if (n.args.every((a) => a === '')) return 'none: the value is missing, so httpd refuses to start';
  // Timeout and ProxyTimeout are read with atoi: "2min" is 2 s (timeout-value-misread).
  const readAs = (n.lname === 'timeout' || n.lname === 'proxytimeout') && n.args.length === 1 && !/^\d+$/.test(n.args[0]) ? ` (httpd reads it as ${atoi(n.args[0])} s)` : '';
  return `\`${n.args.join(' ')}\`${readAs}`;
}

/**
 * ProxyTimeout and Timeout as httpd applies them to a request in this section: the last line at the top of its virtual
 * host, else of the main server (httpd merges the main server's into each virtual host after reading the whole
 * configuration), else the defaults (Timeout 60 s; ProxyTimeout takes Timeout's value).
 */
function timeoutsInForce(result: ApacheLintResult, node: ApacheNode, at: (n: ApacheNode) => string): string {
  const { proxy } = result;
  const server = serverOf(node);
  const isVhost = node.lname === 'virtualhost';
  const origin = (n: ApacheNode) => {
    const inVhost = serverOf(n) !== null;
    if (isVhost) return inVhost ? `set here (${at(n)})` : `inherited from the main server (${at(n)})`;
    return `inherited from ${at(n)}${inVhost ? ' (this virtual host)' : server ? ' (the main server)' : ''}`;
  };
  const timeout = proxy.serverValue(server, 'timeout');
  const serverTimeout = proxy.serverTimeout(server);
  const partial = !proxy.complete;
  const timeoutLine = timeout
    ? `**Timeout in force here:** ${serverValueText(timeout)} — ${origin(timeout)}`
    : partial
      ? '**Timeout in force here:** not set in this file: the main configuration\'s applies (60 s unless it sets one)'
      : '**Timeout in force here:** `60` — the default';
  const pt = proxy.serverValue(server, 'proxytimeout');
  const proxyLine = pt
    ? `**ProxyTimeout in force here:** ${serverValueText(pt)} — ${origin(pt)}`
    : `**ProxyTimeout in force here:** not set — it takes the Timeout${partial && !timeout ? '' : `, ${formatSeconds(serverTimeout.ms)}`}`;
  // A main-server section also applies to requests to virtual hosts, which wait their own values.
  const others = server === null && !isVhost && proxy.servers.some((x) => x.vhost && (proxy.serverValue(x.vhost, 'timeout') !== timeout || proxy.serverValue(x.vhost, 'proxytimeout') !== pt));
  return `${proxyLine}  \n${timeoutLine}${others ? '\n\nThese are the main server\'s: a request to a virtual host that sets its own ProxyTimeout or Timeout waits that one\'s.' : ''}`;
}
