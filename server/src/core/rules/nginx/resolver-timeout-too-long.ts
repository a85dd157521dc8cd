import { insertLinesAfter } from '../../fix';
import type { Fix } from '../../finding';
import type { ConfigNode } from '../../model/nginx-tree';
import { formatDuration } from '../../model/units';
import { defineNginxRule, type NginxRuleContext } from '../rule';
import { effectiveTime, passSites, seconds, setValue, timeOption, type PassSite } from './timeouts-support';

/**
 * nginx resends an unanswered DNS query every 5 s (ngx_resolver.c, resend_timeout): 10 s lets one resend
 * rescue a lost UDP packet, and still bounds how long a request waits on a DNS server that is down.
 */
const DEFAULT_MAXIMUM_MS = 10_000;
/** Variables that hold a request URI, so a static host written before them is the whole host. */
const URI_VARIABLES = new Set(['request_uri', 'uri', 'document_uri', 'args', 'query_string', 'is_args']);
/** `http://`, `grpcs://`, or a scheme chosen by a variable (`$scheme://`). */
const SCHEME = /^[^/]*?:\/\//;
const IP_LITERAL = /^(\d{1,3}(\.\d{1,3}){3}|\[[0-9a-fA-F:.]+\])$/;

/** `host[:port][/uri]` of a pass target or a variable's value, without scheme and port. */
function hostOf(text: string): string {
  let rest = text.replace(SCHEME, '');
  const slash = rest.indexOf('/');
  if (slash >= 0) rest = rest.slice(0, slash);
  if (rest.startsWith('[')) return rest.slice(0, rest.indexOf(']') + 1);
  const colon = rest.lastIndexOf(':');
  return colon >= 0 ? rest.slice(0, colon) : rest;
}

/** The values a variable can take from `set` in the scope chain and from `map` blocks; undefined when unknown. */
function valuesOf(ctx: NginxRuleContext, scope: ConfigNode, variable: string): string[] | undefined {
  const out: string[] = [];
  for (let level: ConfigNode | null = scope; level; level = level.parent) {
    for (const c of level.children) if (c.name === 'set' && c.directive.args[0]?.value === `$${variable}` && c.directive.args[1]) out.push(c.directive.args[1].value);
  }
  for (const map of ctx.nodes('map')) {
    if (map.directive.args[1]?.value !== `$${variable}`) continue;
    for (const entry of map.children) {
      if (['hostnames', 'volatile', 'include'].includes(entry.name)) continue;
      const v = entry.directive.args[0]?.value;
      if (v !== undefined) out.push(v);
    }
  }
  return out.length ? out : undefined;
}

/** Whether a host needs the resolver: not an IP literal, and not the name of an upstream group (searched first). */
function needsDns(ctx: NginxRuleContext, site: PassSite, host: string): boolean {
  if (!host || host.startsWith('unix:') || IP_LITERAL.test(host)) return false;
  return !ctx.upstreams.find(site.pass.module, host);
}

/**
 * With variables in the target, nginx parses the address per request and looks a host name up with the
 * configured resolver (https://nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_pass).
 */
function runtimeLookup(ctx: NginxRuleContext, site: PassSite): 'name' | 'maybe' | undefined {
  if (!site.pass.hasVariables) return undefined;
  const value = site.pass.arg.value.replace(SCHEME, '');
  if (value.startsWith('unix:')) return undefined;
  const hostPort = value.split('/')[0];
  const m = /^([^$]*)\$\{?(\w+)\}?/.exec(hostPort);
  const named = (host: string) => (needsDns(ctx, site, host) ? 'name' : undefined);
  if (!m) return named(hostOf(hostPort));
  const [, prefix, variable] = m;
  if (prefix && (prefix.includes(':') || URI_VARIABLES.has(variable))) return named(hostOf(prefix));
  if (prefix) return 'name';
  const values = valuesOf(ctx, site.scope, variable);
  // A variable filled from the request ($host, $arg_…) may hold an IP address, which needs no lookup.
  if (!values || values.some((v) => v.includes('$'))) return 'maybe';
  return values.some((v) => needsDns(ctx, site, hostOf(v))) ? 'name' : undefined;
}

export default defineNginxRule({
  id: 'resolver-timeout-too-long',
  server: 'nginx',
  severity: 'info',
  outcome: '502',
  summary: 'Names are resolved per request with a long resolver_timeout (30 s by default): when DNS does not answer, each such request hangs that long, then fails with 502.',
  directives: ['resolver', 'resolver_timeout'],
  versions: 'all',
  options: {
    maximum: { kind: 'time', description: 'A resolver_timeout above this is reported: seconds, or an nginx time such as "10s" (default 10s).' },
  },
  check(ctx) {
    const maximum = timeOption(ctx, 'maximum', DEFAULT_MAXIMUM_MS);
    const seen = new Set<string>();
    for (const site of passSites(ctx, { stream: true })) {
      // runtimeLookup's own first test, made before the resolver lookup: most targets have no variables.
      if (!site.pass.hasVariables) continue;
      const resolver = ctx.effective(site.scope, 'resolver').nodes.at(-1);
      const lookup = resolver && runtimeLookup(ctx, site);
      if (!resolver || !lookup) continue;
      const timeout = effectiveTime(ctx, site.scope, 'resolver_timeout');
      if (!timeout) continue;
      const read = site.stream ? undefined : effectiveTime(ctx, site.scope, `${site.module}_read_timeout`);
      const slowerThanBackend = read !== undefined && timeout.ms >= read.ms;
      if (timeout.ms <= maximum && !slowerThanBackend) continue;
      const at = timeout.node ?? resolver;
      const key = `${at.file.path}\0${at.directive.start}`;
      if (seen.has(key)) continue;
      seen.add(key);

      const value = formatDuration(Math.max(1000, Math.min(maximum, read ? read.ms - 1000 : maximum)));
      const fix: Fix = timeout.node
        ? { title: `Set resolver_timeout to ${value}`, edits: [setValue(timeout.node, value)] }
        : { title: `Add "resolver_timeout ${value};" after the resolver`, edits: [insertLinesAfter(resolver, [`resolver_timeout ${value};`])] };
      const what = timeout.node ? `resolver_timeout ${timeout.text}` : `resolver without resolver_timeout (nginx's default is ${timeout.text})`;
      // Stream: seen on nginx 1.22.1 with a DNS server that never answers: a reset for the client, $status 500.
      const outcome = site.stream
        ? 'then nginx closes the client connection ("… could not be resolved (110: Operation timed out)", $status 500 in the stream access log)'
        : 'then fails with 502 ("… could not be resolved (110: Operation timed out)")';
      const why = slowerThanBackend ? `, longer than the ${read!.text} ${site.module}_read_timeout gives a slow backend` : '';
      ctx.report({
        node: at,
        message: `${what}: "${site.pass.directive} ${site.pass.arg.value}" looks its host up per ${site.stream ? 'connection' : 'request'}${lookup === 'maybe' ? ' (when it is a name, not an IP address)' : ''}, so when the DNS server does not answer, every ${site.stream ? 'connection' : 'request'} that needs a fresh lookup waits ${seconds(timeout.ms)}${why}, ${outcome}`,
        suggestions: [fix],
        related: [{ path: site.pass.node.file.path, start: site.pass.node.directive.start, end: site.pass.node.directive.end, message: 'resolved at run time here' }],
      });
    }
  },
});
