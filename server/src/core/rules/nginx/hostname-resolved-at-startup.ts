import { oncePer, pushTo } from '../../collections';
import type { Fix, TextEdit } from '../../finding';
import { insertLinesBefore, replaceSpan } from '../../fix';
import { serverCalled, type PassTarget, type Upstream, type UpstreamServer } from '../../model/nginx-upstreams';
import { childrenNamed, enclosing } from '../../model/nginx-effective';
import { defineNginxRule, type NginxRuleContext } from '../rule';
import { RESOLVER_LINE, RESOLVING_PASSES, defaultPort, hostSpan, insertFirstIn, levelFor, resolveAvailable, resolveRequirement, spanIn } from './addresses-support';

/**
 * nginx resolves the names in static pass targets and upstream `server` lines once, while loading the
 * configuration, and keeps those addresses until the next reload
 * (https://nginx.org/en/docs/http/ngx_http_upstream_module.html#server). Only `server … resolve`
 * (open source since 1.27.3, NGINX Plus before) or a variable target with a `resolver` looks names up again.
 */

/**
 * Severity. A warning by default: public names (cloud load balancers, SaaS APIs) move without notice, and so do
 * the names an operator runs: a Docker Compose service name (`web:3000`) points at a container, and a re-created
 * container joins the network under a different address (https://docs.docker.com/compose/networking/) while nginx
 * keeps the old one (the classic Docker 502); `.local`, `.lan`,
 * `.internal` hosts get theirs from DHCP or a cloud's VM lifecycle. Info only where the address is stable by
 * design or the name cannot be a deployment target:
 * - a Kubernetes Service name (`<service>.<namespace>.svc[.cluster.local]`): it resolves to the Service's cluster
 *   IP, which stays for the Service's lifetime (a headless Service is the exception: its name follows pod addresses);
 * - names under the reserved `.example`, `.test`, `.invalid` and `.localhost`, and `example.com`, `example.net`,
 *   `example.org` with their subdomains (RFC 2606, RFC 6761): placeholders in examples and templates.
 */
const K8S_SERVICE = /^[^.]+\.[^.]+\.svc(\.cluster\.local)?$/i;
const RESERVED = /\.(example|test|invalid|localhost)$|(^|\.)example\.(com|net|org)$/i;

/** Per rule run: the zone names written anywhere, gathered once (a fix is made for every finding). */
const zonesUsed = oncePer((ctx: NginxRuleContext) => {
  const used = new Set<string>();
  for (const name of ['zone', 'limit_req_zone', 'limit_conn_zone', 'proxy_cache_path', 'fastcgi_cache_path', 'keyval_zone']) {
    for (const n of ctx.nodes(name)) for (const a of n.directive.args) used.add(a.value.replace(/^(zone|keys_zone)=/, '').split(':')[0]);
  }
  return used;
});

function zoneName(ctx: NginxRuleContext, base: string): string {
  const used = zonesUsed(ctx);
  let name = base.replace(/[^A-Za-z0-9_]/g, '_');
  while (used.has(name)) name += '_upstream';
  return name;
}

/** A resolver nginx would use for `server … resolve`: in the upstream block or at the http/stream level. */
function hasUpstreamResolver(ctx: NginxRuleContext, up: Upstream): boolean {
  if (up.node.children.some((c) => c.name === 'resolver')) return true;
  // The level around the group is http (or stream), whose children are every group and server block: looked up through
  // its index, not scanned once per finding.
  return !!up.node.parent && childrenNamed(up.node.parent, ctx.config, 'resolver').length > 0;
}

function serverSuggestions(ctx: NginxRuleContext, up: Upstream, s: UpstreamServer): Fix[] {
  const known = resolveAvailable(ctx);
  if (known === false) return [];
  const args = s.node.directive.args;
  const edits: TextEdit[] = [{ path: s.node.file.path, start: args[args.length - 1].end, end: args[args.length - 1].end, newText: ' resolve' }];
  const pre: string[] = [];
  if (!up.node.children.some((c) => c.name === 'zone')) pre.push(`zone ${zoneName(ctx, up.name)} 64k;`);
  if (!hasUpstreamResolver(ctx, up)) pre.push(RESOLVER_LINE);
  if (pre.length) edits.push(insertFirstIn(up.node, s.node, pre));
  return [{ title: `Re-resolve the name while running: add "resolve"${pre.length ? ', a zone and a resolver' : ''}${resolveRequirement(known)}`, edits }];
}

/** Per rule run: the passes by the host name of their target (lower-cased), gathered once instead of per finding. */
const passesByHost = oncePer((ctx: NginxRuleContext) => {
  const byHost = new Map<string, PassTarget[]>();
  for (const p of ctx.upstreams.passes) if (p.address) pushTo(byHost, p.address.host.toLowerCase(), p);
  return byHost;
});

function passesToHost(ctx: NginxRuleContext, host: string): PassTarget[] {
  return passesByHost(ctx).get(host.toLowerCase()) ?? [];
}

function passSuggestions(ctx: NginxRuleContext, t: PassTarget): Fix[] {
  const a = t.address!;
  const out: Fix[] = [];
  const known = resolveAvailable(ctx);
  const server = enclosing(t.node, 'server');
  // The group goes next to the server block: inside http, or at the top of a file included into http.
  const atHttpLevel = !!server && (server.parent ? server.parent.name === 'http' : ctx.config.rootContext === 'http');
  // Same-named group: the target text, $proxy_host, the Host header and the TLS name stay exactly as they are.
  const clash = passesToHost(ctx, a.host).some((p) => p !== t && (p.address!.port !== undefined || defaultPort(p.scheme) !== defaultPort(t.scheme)));
  if (known !== false && a.port === undefined && !clash && server && atHttpLevel) {
    const lines = [`upstream ${a.host} {`, `    zone ${zoneName(ctx, a.host)} 64k;`, `    ${RESOLVER_LINE}`, `    server ${a.host} resolve;`, '}'];
    if (t.scheme === 'https' || t.scheme === 'grpcs') lines[3] = `    server ${a.host}:443 resolve;`;
    out.push({ title: `Re-resolve the name while running: an upstream group of the same name with "resolve"${resolveRequirement(known)}`, edits: [insertLinesBefore(server, lines)] });
  }
  // A variable makes nginx resolve per request on every version; with no URI part the path sent is unchanged.
  // `set` is allowed in server, location and `if`, not in limit_except.
  const settable = !!t.node.parent && levelFor(t.node.parent, ['location', 'if-location', 'server']) === t.node.parent;
  // With a variable target nginx builds no default proxy_redirect: `proxy_redirect default` then stops it from starting,
  // and the implicit default (rewriting "http://host:port/" in Location and Refresh headers to "/") silently stops.
  // The fix writes that default out; an explicit `default` is rewritten in place when it is in this block, and an
  // inherited one (other locations rely on it) means no variable fix is offered.
  const redirect = t.directive === 'proxy_pass' ? redirectKeep(ctx, t) : { edits: [] };
  if (known !== true && t.module === 'http' && t.uri === undefined && settable && redirect) {
    // Short on purpose: long names overflow variables_hash_bucket_size (64) and nginx refuses to start.
    const v = '$backend_' + a.host.split('.')[0].replace(/[^A-Za-z0-9]/g, '_').slice(0, 16);
    const value = a.port === undefined ? a.host : `${a.host}:${a.port}`;
    const host = hostSpan(t);
    const portEnd = a.port === undefined ? host.end : spanIn(t.arg, `:${a.port}`, host.end - t.arg.start).end;
    // First in the block: a `set` after `rewrite … break` or `return` would never run.
    const edits: TextEdit[] = [insertFirstIn(t.node.parent, t.node, [`set ${v} ${value};`]), replaceSpan(t.node.file, { start: host.start, end: portEnd }, v)];
    if (!ctx.effective(t.node.parent, 'resolver').nodes.length) edits.push(insertFirstIn(server, t.node, [RESOLVER_LINE]));
    edits.push(...redirect.edits);
    const kept = redirect.edits.length ? ', keeping the default proxy_redirect' : '';
    out.push({ title: `Resolve per request: put the address in a variable and add a resolver${kept}${known === undefined ? ' (works on every version)' : ''}`, edits });
  }
  return out;
}

/**
 * The edits that keep Location/Refresh rewriting as it was once proxy_pass takes a variable, or undefined when that
 * cannot be done locally. A pass without a URI part gets the default redirect "<proxy_pass text>/" → "/"
 * (ngx_http_proxy_merge_loc_conf); only when no proxy_redirect is in force, or `proxy_redirect default` is.
 */
function redirectKeep(ctx: NginxRuleContext, t: PassTarget): { edits: TextEdit[] } | undefined {
  const e = ctx.effective(t.node.parent, 'proxy_redirect');
  const explicit = `${t.arg.value}/ /`;
  if (!e.nodes.length) {
    // proxy_redirect is not allowed inside `if`, and written in the enclosing location it would cover other passes.
    if (t.node.parent?.name === 'if') return undefined;
    return { edits: [insertFirstIn(t.node.parent, t.node, [`proxy_redirect ${explicit};`])] };
  }
  const defaults = e.nodes.filter((n) => n.directive.args.length === 1 && n.directive.args[0].value.toLowerCase() === 'default');
  if (!defaults.length) return { edits: [] };
  if (defaults.some((n) => n.parent !== t.node.parent)) return undefined;
  return { edits: defaults.map((n) => replaceSpan(n.file, n.directive.args[0], explicit)) };
}

function severityFor(host: string): 'info' | undefined {
  const h = host.replace(/\.$/, '');
  return K8S_SERVICE.test(h) || RESERVED.test(h) ? 'info' : undefined;
}

/** What a finding adds about this kind of name. */
function note(host: string): string {
  const h = host.replace(/\.$/, '');
  if (K8S_SERVICE.test(h)) return ' (info: a Kubernetes Service name resolves to the cluster IP, which stays while the Service exists; for a headless Service it resolves to pod addresses, which change on every reschedule)';
  if (RESERVED.test(h)) return ' (info: a reserved example name, probably a placeholder)';
  if (!h.includes('.')) return `; a Docker Compose or container name such as "${h}" points at one container, and a re-created container joins the network under a new address (docker compose up after a change)`;
  return '';
}

const consequence = (name: string, module: 'http' | 'stream') =>
  `nginx looks "${name}" up only when it starts or reloads: if the address changes, it keeps connecting to the old one and ${module === 'stream' ? 'connections fail (refused or timed out)' : 'clients get 502 (refused) or 504 (timed out)'} until the next reload, and if the name does not resolve then, nginx refuses to start ("host not found in upstream")`;

/**
 * nginx asks the resolver only for targets it must resolve at run time: a pass with variables, or (1.27.3+, Plus
 * before) an upstream server with "resolve". A literal name is resolved by the system resolver while loading
 * (ngx_parse_url with no_resolve unset), whatever resolver says.
 */
const RESOLVER_UNUSED = '; the resolver in force here does not change this: nginx asks it only for a target with variables';

export default defineNginxRule({
  id: 'hostname-resolved-at-startup',
  server: 'nginx',
  severity: 'warning',
  outcome: '502/504',
  summary: 'A host name in a pass target or upstream server is resolved only at start-up: when its address changes, requests fail with 502/504 until a reload.',
  directives: [...RESOLVING_PASSES, 'upstream'],
  versions: 'all',
  check(ctx) {
    for (const t of ctx.upstreams.passes) {
      const a = t.address;
      // Cheapest tests first: most targets name a group or an IP address.
      if (t.upstream || t.hasVariables || t.error || !a || a.unix || a.isIp || a.hasVariables || !RESOLVING_PASSES.includes(t.directive)) continue;
      if (a.host.toLowerCase() === 'localhost' || !/[A-Za-z]/.test(a.host)) continue;
      // A dotless name without a port may be a group defined in a file we do not see (undefined-upstream's business).
      if (!a.host.includes('.') && a.port === undefined) continue;
      // A resolver in force here is the usual reason people believe the name is looked up again: say that it is not.
      const resolver = ctx.effective(t.node.parent, 'resolver').nodes.at(-1);
      ctx.report({
        at: { file: t.node.file, ...hostSpan(t) },
        message: `${t.directive} ${t.arg.value}: ${consequence(a.host, t.module)}${note(a.host)}${resolver ? RESOLVER_UNUSED : ''}`,
        severity: severityFor(a.host),
        suggestions: passSuggestions(ctx, t),
        related: resolver ? [{ path: resolver.file.path, start: resolver.directive.start, end: resolver.directive.end, message: 'this resolver is not used for that name' }] : [],
      });
    }
    // An upstream fragment's server lines too: a name in one is looked up at start-up in whichever group includes it.
    for (const up of ctx.upstreams.members) {
      let dynamic: boolean | undefined;
      for (const s of up.servers) {
        const a = s.address;
        if (s.error || !a || a.unix || a.isIp || a.hasVariables || s.params.has('resolve')) continue;
        if (a.host.toLowerCase() === 'localhost' || !/[A-Za-z]/.test(a.host)) continue;
        // Third-party run-time resolution (Tengine's dynamic_resolve, jdomain) already does the job. Asked only
        // here, once a server would be reported: most groups list IP addresses, and this reads the whole block.
        dynamic ??= up.children.some((c) => c.name === 'dynamic_resolve' || c.name === 'jdomain');
        if (dynamic) break;
        const arg = s.node.directive.args[0];
        ctx.report({
          at: { file: s.node.file, ...spanIn(arg, a.host) },
          message: `${serverCalled(up, arg.value)}: ${consequence(a.host, up.module)}${note(a.host)}`,
          severity: severityFor(a.host),
          // "resolve" needs a zone and a resolver in the group or around it, which a fragment does not show: no edit to offer there.
          suggestions: up.upstream ? serverSuggestions(ctx, up.upstream, s) : [],
        });
      }
    }
  },
});
