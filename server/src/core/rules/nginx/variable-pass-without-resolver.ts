import { oncePer, pushTo } from '../../collections';
import type { ConfigNode } from '../../model/nginx-tree';
import { enclosing } from '../../model/nginx-effective';
import { moduleOf, type PassTarget } from '../../model/nginx-upstreams';
import { defineNginxRule, type NginxRuleContext } from '../rule';
import { RESOLVER_LINE, RESOLVING_PASSES, defaultPort, groupNamed, implicitUpstream, insertFirstIn, isIpLiteral, outerLevelUnseen } from './addresses-support';

/**
 * With variables in a pass target, nginx parses the address for every request: "if an address is specified
 * as a domain name, the name is searched among the described server groups, and, if not found, is
 * determined using a resolver" (https://nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_pass).
 * IP literals need no resolver. Without one, the request ends in 502 and the log says
 * "no resolver defined to resolve <name>" [lab, nginx 1.22.1].
 */

/** Stand-ins for variable values we cannot know: they survive substitution so we can see whether they land in the host. */
const UNKNOWN = '\u0001';
const FROM_REQUEST = '\u0002';

/** Variables that hold a path, an IP address or a port: never a name to resolve. */
const PATHS = new Set(['request_uri', 'uri', 'document_uri', 'fastcgi_script_name', 'fastcgi_path_info', 'request_filename', 'document_root']);
const ADDRESSES = new Set(['remote_addr', 'server_addr', 'realip_remote_addr', 'proxy_protocol_addr', 'proxy_protocol_server_addr', 'binary_remote_addr']);
const PORTS = new Set(['server_port', 'remote_port', 'proxy_protocol_port', 'proxy_protocol_server_port', 'realip_remote_port']);
/** Variables whose value comes from the client: a host name, as far as we can tell. */
const REQUEST = /^(host|http_\w+|arg_\w+|cookie_\w+|args|query_string|\d+|ssl_preread_server_name|ssl_server_name)$/;

const VAR = /\$(?:\{(\w+)\}|(\w+))/g;

/**
 * The `set` and `map` lines of one rule run, by the variable they assign, gathered once: looked up for every pass with
 * variables, a scan of all of them each time made a configuration of n such locations cost n².
 */
interface Assignments {
  /** `set` lines by variable (`$x`), then by a level whose blocks see them: their own, and for a line inside `if` the level around that `if`. */
  sets: Map<string, Map<ConfigNode, ConfigNode[]>>;
  /** Where each `set` line comes in the configuration, to list them in that order. */
  order: Map<ConfigNode, number>;
  /** `map` blocks by the variable they define. */
  maps: Map<string, ConfigNode[]>;
}

const assignments = oncePer((ctx: NginxRuleContext): Assignments => {
  const a: Assignments = { sets: new Map(), order: new Map(), maps: new Map() };
  const sets = ctx.nodes('set');
  for (let k = 0; k < sets.length; k++) {
    const n = sets[k];
    const variable = n.directive.args[0]?.value;
    if (variable === undefined || !n.parent) continue;
    a.order.set(n, k);
    let byLevel = a.sets.get(variable);
    if (!byLevel) a.sets.set(variable, (byLevel = new Map()));
    pushTo(byLevel, n.parent, n);
    if (n.parent.name === 'if' && n.parent.parent) pushTo(byLevel, n.parent.parent, n);
  }
  for (const m of ctx.nodes('map')) {
    const variable = m.directive.args[1]?.value;
    if (variable !== undefined) pushTo(a.maps, variable, m);
  }
  return a;
});

/** The values `$name` may hold at `at`: from `set` in the blocks around it, else from `map`; undefined when unknown. */
function valuesOf(ctx: NginxRuleContext, at: ConfigNode, name: string): { values: string[]; from: ConfigNode[] } | undefined {
  const { sets: setsByName, order, maps: mapsByName } = assignments(ctx);
  // The `set` lines of the blocks around `at` (and of the `if` blocks in them), in the order of the configuration.
  const byLevel = setsByName.get('$' + name);
  const found = new Set<ConfigNode>();
  if (byLevel) for (let p = at.parent; p; p = p.parent) for (const n of byLevel.get(p) ?? []) found.add(n);
  const sets = [...found].sort((x, y) => order.get(x)! - order.get(y)!);
  // `set $x "";` placeholders are filled in later by Lua/njs: the value is not in the configuration.
  const setValues = sets.map((n) => n.directive.args[1]?.value ?? '').filter((v) => v !== '');
  // A `set` inside `if` may not run: the variable can then hold something else (here: an unknown value).
  if (setValues.length) return { values: sets.some((n) => n.parent?.name === 'if') ? [...setValues, '$'] : setValues, from: sets };
  if (sets.length) return undefined;
  const maps = (mapsByName.get('$' + name) ?? []).filter((n) => moduleOf(n) === moduleOf(at));
  if (maps.length !== 1) return undefined;
  const values: string[] = [];
  for (const e of maps[0].children) {
    if (e.name === 'hostnames' || e.name === 'volatile') continue;
    if (e.name === 'include') return undefined;
    // An empty value (also what unmatched keys get without a default) fails on the empty host, not on DNS.
    const v = e.directive.args[0]?.value;
    if (v !== undefined && v !== '') values.push(v);
  }
  return values.length ? { values, from: maps } : undefined;
}

/** Every way the target may read once its variables are filled in (capped), with what they came from. */
function expand(ctx: NginxRuleContext, t: PassTarget): { text: string; from: ConfigNode[] }[] {
  let out: { text: string; from: ConfigNode[] }[] = [{ text: '', from: [] }];
  const value = t.arg.value;
  let last = 0;
  const append = (s: string) => out.forEach((o) => (o.text += s));
  for (const m of value.matchAll(VAR)) {
    append(value.slice(last, m.index));
    last = m.index! + m[0].length;
    const name = m[1] ?? m[2];
    if (PATHS.has(name)) append('/');
    else if (name === 'is_args') append('?');
    else if (ADDRESSES.has(name)) append('127.0.0.1');
    else if (PORTS.has(name)) append(value[m.index! - 1] === ':' ? '80' : UNKNOWN);
    else if (name === 'scheme') append('http');
    else {
      const known = valuesOf(ctx, t.node, name);
      if (known) {
        const next: { text: string; from: ConfigNode[] }[] = [];
        for (const o of out) for (const v of known.values) next.push({ text: o.text + (v.includes('$') ? UNKNOWN : v), from: [...o.from, ...known.from] });
        out = next.slice(0, 64);
      } else append(REQUEST.test(name) ? FROM_REQUEST : UNKNOWN);
    }
  }
  append(value.slice(last));
  return out;
}

/** The host and port an expanded target names, or undefined for UNIX sockets and unparsable text. */
function hostOf(text: string): { host: string; port?: number; scheme?: string } | undefined {
  let rest = text;
  let scheme: string | undefined;
  const sep = text.indexOf('://');
  if (sep >= 0) {
    scheme = text.slice(0, sep).toLowerCase();
    rest = text.slice(sep + 3);
  }
  // A value that brings its own scheme into the middle of a URL makes nginx fail on the URL, not on DNS.
  if (rest.startsWith('unix:') || rest.includes('://')) return undefined;
  const authority = rest.split(/[/?]/)[0];
  if (authority.startsWith('[')) return { host: authority.slice(0, authority.indexOf(']') + 1), scheme };
  const colon = authority.lastIndexOf(':');
  const portText = colon >= 0 ? authority.slice(colon + 1) : undefined;
  return { host: colon >= 0 ? authority.slice(0, colon) : authority, port: portText && /^\d+$/.test(portText) ? Number(portText) : undefined, scheme };
}

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
