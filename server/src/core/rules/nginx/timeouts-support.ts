import { insertLinesAfter, insertLinesInBlock, replaceSpan } from '../../fix';
import type { TextEdit } from '../../finding';
import type { Origin } from '../../model/nginx-effective';
import { timeMs, type UpstreamModule } from '../../model/nginx-modules';
import type { ConfigNode } from '../../model/nginx-tree';
import type { PassTarget } from '../../model/nginx-upstreams';
import { parseNginxTime } from '../../model/units';
import type { NginxRuleContext } from '../rule';

/** The http upstream module behind each pass directive (memcached has no read/send/retry family worth checking). */
const MODULE_OF_PASS: Record<string, UpstreamModule> = {
  proxy_pass: 'proxy',
  fastcgi_pass: 'fastcgi',
  uwsgi_pass: 'uwsgi',
  scgi_pass: 'scgi',
  grpc_pass: 'grpc',
};

export interface PassSite {
  pass: PassTarget;
  /** Prefix of the module's directives: "proxy" for http proxy_pass and for stream proxy_pass alike. */
  module: UpstreamModule;
  stream: boolean;
  /** The block the pass directive sits in: values are read as nginx resolves them there. */
  scope: ConfigNode;
}

/** Every pass directive of the http upstream modules, plus stream proxy_pass when asked for. */
export function passSites(ctx: NginxRuleContext, opts: { stream?: boolean } = {}): PassSite[] {
  const out: PassSite[] = [];
  for (const pass of ctx.upstreams.passes) {
    const scope = pass.node.parent;
    if (!scope || pass.error) continue;
    const stream = pass.module === 'stream';
    if (stream && !opts.stream) continue;
    const module = stream ? 'proxy' : MODULE_OF_PASS[pass.directive];
    if (module) out.push({ pass, module, stream, scope });
  }
  return out;
}

export interface TimeValue {
  ms: number;
  /** The value as written (or nginx's built-in default). */
  text: string;
  /** The directive that sets it; absent for a built-in default. */
  node?: ConfigNode;
  origin: Origin;
}

/** The time in force for `name` inside `scope`; undefined when it is not a literal time (a variable or a typo nginx -t reports). */
export function effectiveTime(ctx: NginxRuleContext, scope: ConfigNode | null, name: string): TimeValue | undefined {
  const eff = ctx.effective(scope, name);
  const node = eff.nodes[eff.nodes.length - 1];
  if (node) {
    const arg = node.directive.args[0];
    const ms = timeMs(arg);
    return ms === undefined ? undefined : { ms, text: arg.value, node, origin: eff.origin };
  }
  if (eff.defaultValue === undefined) return undefined;
  const ms = parseNginxTime(eff.defaultValue);
  return ms === null ? undefined : { ms, text: eff.defaultValue, origin: eff.origin };
}

/** "90 s", "1.5 s", "500 ms": durations in prose (values as written are quoted as written). */
export function seconds(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  const s = ms / 1000;
  return `${Number.isInteger(s) ? s : s.toFixed(1)} s`;
}

/** A time option of a rule: a number of seconds or an nginx time string; the fallback when absent or invalid. */
export function timeOption(ctx: NginxRuleContext, name: string, fallbackMs: number): number {
  const v = ctx.options[name];
  if (typeof v === 'number' && v >= 0) return v * 1000;
  if (typeof v === 'string') return parseNginxTime(v) ?? fallbackMs;
  return fallbackMs;
}

/** The nearest enclosing `location` block (the level where per-location directives such as proxy_read_timeout may be written). */
export function locationOf(node: ConfigNode): ConfigNode | null {
  for (let p: ConfigNode | null = node.parent; p; p = p.parent) if (p.name === 'location') return p;
  return null;
}

/** The URI or pattern of a location block ("/ws/", "^/api/(.*)$", "@named"). */
export function locationPath(location: ConfigNode | null): string {
  const args = location?.directive.args ?? [];
  return args[args.length - 1]?.value ?? '';
}

/** Rewrites the first argument of a directive (its value). */
export function setValue(node: ConfigNode, value: string): TextEdit {
  return replaceSpan(node.file, node.directive.args[0], value);
}

/**
 * Adds directive lines at the level of a pass: right after the pass when it sits in the location itself,
 * else at the top of the enclosing location, because timeouts are not allowed inside `if` or `limit_except`.
 */
export function insertAtPass(site: PassSite, lines: string[]): TextEdit | undefined {
  const parent = site.pass.node.parent;
  if (parent && (parent.name === 'location' || site.stream)) return insertLinesAfter(site.pass.node, lines);
  const loc = locationOf(site.pass.node);
  return loc && loc.directive.block ? insertLinesInBlock(loc, lines) : undefined;
}

/** The directive that sets a value at the pass's own level (the location, or the `if` inside it), if any. */
export function setAtPassLevel(site: PassSite, value: TimeValue | undefined): ConfigNode | undefined {
  const n = value?.node;
  if (!n) return undefined;
  const loc = locationOf(site.pass.node);
  return n.parent === site.scope || (loc !== null && n.parent === loc) ? n : undefined;
}

const WEBSOCKET_PATH = /(^|\/)(ws|wss|websockets?|socket\.io|sockjs|cable|signalr|hubs?)\b/i;
const STREAM_PATH = /(^|\/)(events?|sse|event-?stream|eventsource|stream(ing)?|subscribe|subscriptions?|notifications?|live|updates?|long-?poll(ing)?|poll(ing)?)\b/i;

export type LongLivedKind = 'websocket' | 'event-stream';

/**
 * Whether requests passed from this scope are meant to stay open (WebSocket, Server-Sent Events, long
 * polling), which a 60 s read timeout cuts off. Evidence, in order: an `Upgrade` request header passed on
 * in this location (https://nginx.org/en/docs/http/websocket.html), or one inherited by a location whose
 * path names a WebSocket endpoint; or response buffering turned off for a path that names an event stream.
 */
export function longLivedKind(ctx: NginxRuleContext, site: PassSite): LongLivedKind | undefined {
  if (site.stream || site.module !== 'proxy') return undefined;
  const path = locationPath(locationOf(site.pass.node));
  const headers = ctx.effective(site.scope, 'proxy_set_header');
  const upgrade = headers.nodes.some((n) => n.directive.args[0]?.value.toLowerCase() === 'upgrade');
  if (upgrade) {
    const loc = locationOf(site.pass.node);
    const here = headers.nodes.some((n) => n.parent === site.scope || n.parent === loc);
    if (here || WEBSOCKET_PATH.test(path)) return 'websocket';
  }
  const buffering = ctx.effective(site.scope, 'proxy_buffering').nodes.at(-1)?.directive.args[0]?.value.toLowerCase();
  if (buffering === 'off' && (STREAM_PATH.test(path) || WEBSOCKET_PATH.test(path))) return 'event-stream';
  return undefined;
}
