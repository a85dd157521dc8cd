import type { ConfigNode } from '../../model/nginx-tree';
import { enclosing } from '../../model/nginx-effective';
import type { PassTarget } from '../../model/nginx-upstreams';
import { defineNginxRule, type NginxRuleContext } from '../rule';
import { RESOLVER_LINE, RESOLVING_PASSES, defaultPort, groupNamed, implicitUpstream, insertFirstIn, isIpLiteral, outerLevelUnseen } from './addresses-support';
import { expand, FROM_REQUEST, hostOf, UNKNOWN } from './pass-variables';

/**
 * With variables in a pass target, nginx parses the address for every request: "if an address is specified
 * as a domain name, the name is searched among the described server groups, and, if not found, is
 * determined using a resolver" (https://nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_pass).
 * IP literals need no resolver. Without one, the request ends in 502 and the log says
 * "no resolver defined to resolve <name>" [lab, nginx 1.22.1].
 */

export default defineNginxRule({
  id: 'variable-pass-without-resolver',
  server: 'nginx',
  severity: 'error',
  outcome: '502',
  summary: 'A pass target with variables names a host that must be looked up at run time, and no resolver is set: every such request fails with 502.',
  directives: [...RESOLVING_PASSES, 'resolver', 'set', 'map'],
  versions: 'all',
  check(ctx) {
    // The modules with a group named like a site, worked out at the first pass that asks.
    let siteGroupsIn: Set<string> | undefined;
    for (const t of ctx.upstreams.passes) {
      if (!t.hasVariables || !RESOLVING_PASSES.includes(t.directive)) continue;
      const resolver = ctx.effective(t.node.parent, 'resolver');
      if (resolver.nodes.length) continue;
      const names = new Map<string, ConfigNode[]>();
      let fromRequest = false;
      /** The port written after a host taken from the request: nginx then never takes the host for a group's name. */
      let requestPort: number | undefined;
      /** The whole address comes from the request: it may also be a "unix:" socket path, which needs no lookup. */
      let wholeAddress = false;
      const candidates = expand(ctx, t);
      let named = 0;
      for (const c of candidates) {
        const h = hostOf(c.text);
        if (!h || !h.host || h.host.includes(UNKNOWN)) continue;
        // proxy_pass needs a scheme; without one nginx fails on the URL ("invalid URL prefix"), before any lookup.
        if (t.directive === 'proxy_pass' && t.module === 'http' && !h.scheme) continue;
        if (h.host.includes(FROM_REQUEST)) {
          fromRequest = true;
          if (h.port !== undefined) requestPort ??= h.port;
          else if (h.host === FROM_REQUEST) wholeAddress = true;
          continue;
        }
        if (isIpLiteral(h.host) || /[^A-Za-z0-9.\-_]/.test(h.host)) continue;
        if (h.port === undefined && groupNamed(ctx, t.module, h.host)) continue;
        // In a fragment a dotless, portless name may be a group defined in a file we do not see.
        if (h.port === undefined && !h.host.includes('.') && ctx.config.rootContext !== 'main') continue;
        if (t.module === 'http' && implicitUpstream(ctx, h.host, h.port ?? defaultPort(h.scheme ?? t.scheme))) continue;
        names.set(h.host, [...(names.get(h.host) ?? []), ...c.from]);
        named++;
      }
      // Routing by Host to groups named after sites (upstream example.com { … }) is deliberate: unknown hosts then fail on purpose.
      const siteGroups = (siteGroupsIn ??= new Set(ctx.upstreams.upstreams.filter((u) => u.name.includes('.')).map((u) => u.module))).has(t.module);
      if (!names.size && (!fromRequest || siteGroups)) continue;
      report(ctx, t, [...names.keys()], [...new Set([...names.values()].flat())], named === candidates.length, requestPort, wholeAddress);
    }
  },
});

function report(ctx: NginxRuleContext, t: PassTarget, names: string[], from: ConfigNode[], always: boolean, requestPort?: number, wholeAddress = false) {
  const unseen = outerLevelUnseen(ctx.config, t.node);
  const where = unseen ? `this file sets no resolver (ignore this if the ${t.module} block that includes it sets one)` : 'no resolver is in effect here';
  // The stream module has no error page to send: it closes the connection and logs $status 500.
  const unit = t.module === 'stream' ? 'connection' : 'request';
  const fails = (name: string) =>
    t.module === 'stream' ? `is closed at once, logged with $status 500 ("no resolver defined to resolve ${name}")` : `fails with 502 ("no resolver defined to resolve ${name}")`;
  const shown = names.slice(0, 3).map((n) => `"${n}"`).join(', ');
  const message = names.length
    ? always
      ? `${t.directive} ${t.arg.value} has variables, so nginx looks ${shown} up for every ${unit}, but ${where}: each one ${fails(names[0])}`
      : `${t.directive} ${t.arg.value} has variables and can name ${shown}, which nginx must look up per ${unit}, but ${where}: each ${unit} that gets such a name ${fails(names[0])}`
    : requestPort === undefined
      ? `${t.directive} ${t.arg.value} takes its host from the ${unit}, but ${where}: unless the value is an IP address${wholeAddress ? ', a UNIX socket (unix:/path)' : ''} or an upstream group name, the ${unit} ${fails('…')}`
      : // With a port nginx looks only among the groups that static pass targets made of "host:port", never for an upstream block.
        `${t.directive} ${t.arg.value} takes its host from the ${unit}, but ${where}: unless the value is an IP address, the ${unit} ${fails('…')}; the name of an upstream block does not help, because the target has a port (":${requestPort}") and nginx then does not look for a group of that name`;
  const server = enclosing(t.node, 'server');
  ctx.report({
    at: { file: t.node.file, ...t.arg },
    message,
    // A host taken from the request may be an IP in practice; a fragment may get a resolver from its includer.
    severity: unseen || !names.length ? 'warning' : undefined,
    suggestions: [{ title: 'Add a resolver (replace the placeholder address with your DNS server)', edits: [insertFirstIn(server, t.node, [RESOLVER_LINE])] }],
    related: from.map((n) => ({ path: n.file.path, start: n.directive.start, end: n.directive.end, message: `the host name comes from here` })),
  });
}
