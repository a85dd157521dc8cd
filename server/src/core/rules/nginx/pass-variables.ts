import { oncePer, pushTo } from '../../collections';
import type { ConfigNode } from '../../model/nginx-tree';
import { moduleOf, type PassTarget, type Upstream } from '../../model/nginx-upstreams';
import type { NginxRuleContext } from '../rule';
import { groupNamed } from './addresses-support';

/**
 * What a pass target with variables may read once nginx fills them in, from the configuration's `set` and `map`
 * lines: variable-pass-without-resolver looks for host names that need a resolver, and the rules about a group's
 * settings (upstream-keepalive-ineffective) for the upstream groups such a target reaches.
 */

/** Stand-ins for variable values we cannot know: they survive substitution so we can see whether they land in the host. */
export const UNKNOWN = '\u0001';
export const FROM_REQUEST = '\u0002';

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
export function expand(ctx: NginxRuleContext, t: PassTarget): { text: string; from: ConfigNode[] }[] {
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
export function hostOf(text: string): { host: string; port?: number; scheme?: string } | undefined {
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

/**
 * The http proxy_pass targets with variables that may name each upstream group: one of their readings is the group's
 * name with no port. nginx looks such a host up among the `upstream` blocks first ("the name is searched among the
 * described server groups": https://nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_pass), and a block
 * matches only a target without a port. The usual form is a map from $host to group names (an ingress-like setup).
 */
export const passesViaVariables = oncePer((ctx: NginxRuleContext): Map<Upstream, PassTarget[]> => {
  const out = new Map<Upstream, PassTarget[]>();
  const passes = ctx.upstreams.passes;
  for (let k = 0; k < passes.length; k++) {
    const t = passes[k];
    if (!t.hasVariables || t.directive !== 'proxy_pass' || t.module !== 'http') continue;
    const seen = new Set<Upstream>();
    for (const c of expand(ctx, t)) {
      const h = hostOf(c.text);
      if (!h || !h.scheme || h.port !== undefined || !h.host || h.host.includes(UNKNOWN) || h.host.includes(FROM_REQUEST)) continue;
      const up = groupNamed(ctx, 'http', h.host);
      if (up && !seen.has(up)) {
        seen.add(up);
        pushTo(out, up, t);
      }
    }
  }
  return out;
});
