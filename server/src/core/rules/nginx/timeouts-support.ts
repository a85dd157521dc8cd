import { insertLinesAfter, insertLinesInBlock, replaceSpan } from '../../fix';
import type { TextEdit } from '../../finding';
import type { Origin } from '../../model/nginx-effective';
import { timeMs, type UpstreamModule } from '../../model/nginx-modules';
import type { ConfigNode } from '../../model/nginx-tree';
import type { PassTarget, UpstreamGraph } from '../../model/nginx-upstreams';
import { parseNginxTime } from '../../model/units';
import type { NginxRuleContext } from '../rule';
import { wsPathPattern } from './neighbours-support';

/** The http upstream module behind each pass directive (memcached has no read/send/retry family worth checking). */
const MODULE_OF_PASS: Record<string, UpstreamModule> = {
  proxy_pass: 'proxy',
  fastcgi_pass: 'fastcgi',
  uwsgi_pass: 'uwsgi',
  scgi_pass: 'scgi',
  grpc_pass: 'grpc',
};

/**
 * A stream server whose every `listen` is UDP: nginx proxies it over UDP too, where connect() has no handshake and
 * returns at once, so proxy_connect_timeout never runs (nginx 1.22.1: a 1 ms connect timeout still relays, and a
 * backend that never answers keeps the session for proxy_timeout).
 */
export function listensOnlyUdp(server: ConfigNode | null): boolean {
  const listens = server?.context === 'stream' ? server.children.filter((c) => c.name === 'listen') : [];
  return listens.length > 0 && listens.every((c) => c.directive.args.some((a) => a.value === 'udp'));
}

/**
 * A pass that reaches only UNIX sockets (a unix: address, or a group whose servers are all unix:): there is no
 * handshake to wait for. connect() fails at once when nobody listens, and on a full backlog Linux answers a
 * non-blocking connect with EAGAIN straight away, which ngx_event_connect_peer treats as a refusal (502,
 * "(11: Resource temporarily unavailable)"); so the *_connect_timeout never runs. A pass with variables counts as TCP.
 */
export function reachesOnlyUnixSockets(t: PassTarget): boolean {
  if (t.hasVariables) return false;
  return t.upstream ? t.upstream.servers.length > 0 && t.upstream.servers.every((s) => !!s.address?.unix) : !!t.address?.unix;
}

export interface PassSite {
  pass: PassTarget;
  /** Prefix of the module's directives: "proxy" for http proxy_pass and for stream proxy_pass alike. */
  module: UpstreamModule;
  stream: boolean;
  /** The block the pass directive sits in: values are read as nginx resolves them there. */
  scope: ConfigNode;
}

/**
 * The sites of one upstream graph, made once: five rules walk them, and a large configuration has thousands.
 * `http` holds the http sites only; `all` adds stream proxy_pass, in document order.
 */
const sitesCache = new WeakMap<UpstreamGraph, { http: readonly PassSite[]; all: readonly PassSite[] }>();

/** Every pass directive of the http upstream modules, plus stream proxy_pass when asked for. Shared: do not modify. */
export function passSites(ctx: NginxRuleContext, opts: { stream?: boolean } = {}): readonly PassSite[] {
  let sites = sitesCache.get(ctx.upstreams);
  if (!sites) {
    const http: PassSite[] = [];
    const all: PassSite[] = [];
    const passes = ctx.upstreams.passes;
    for (let k = 0; k < passes.length; k++) {
      const pass = passes[k];
      const scope = pass.node.parent;
      if (!scope || pass.error) continue;
      const stream = pass.module === 'stream';
      const module = stream ? 'proxy' : MODULE_OF_PASS[pass.directive];
      if (!module) continue;
      const site: PassSite = { pass, module, stream, scope };
      all.push(site);
      if (!stream) http.push(site);
    }
    sites = { http: Object.freeze(http), all: Object.freeze(all) };
    sitesCache.set(ctx.upstreams, sites);
  }
  return opts.stream ? sites.all : sites.http;
}

export interface TimeValue {
  ms: number;
  /** The value as written (or nginx's built-in default). */
  text: string;
  /** The directive that sets it; absent for a built-in default. */
  node?: ConfigNode;
  origin: Origin;
}

/**
 * Only the milliseconds of effectiveTime (same value, same undefined): for rules that compare times at every
 * pass and describe them only in the rare finding, without a TimeValue per lookup.
 */
export function effectiveMs(ctx: NginxRuleContext, scope: ConfigNode | null, name: string): number | undefined {
  const here = writtenHere(scope, name);
  if (here) return timeMs(here.directive.args[0]);
  const eff = ctx.effective(scope, name);
  if (eff.duplicate) return undefined;
  const nodes = eff.nodes;
  if (nodes.length) return timeMs(nodes[nodes.length - 1].directive.args[0]);
  if (eff.defaultValue === undefined) return undefined;
  return parseNginxTime(eff.defaultValue, 'msec') ?? undefined;
}

/**
 * The time in force for `name` inside `scope`; undefined when it is not a literal time (a variable or a typo nginx -t
 * reports), or when the level that decides has it twice: nginx does not start, so there is no time to judge.
 */
export function effectiveTime(ctx: NginxRuleContext, scope: ConfigNode | null, name: string): TimeValue | undefined {
  const here = writtenHere(scope, name);
  if (here) return timeValue(here, 'here');
  const eff = ctx.effective(scope, name);
  if (eff.duplicate) return undefined;
  const node = eff.nodes[eff.nodes.length - 1];
  if (node) return timeValue(node, eff.origin);
  if (eff.defaultValue === undefined) return undefined;
  const ms = parseNginxTime(eff.defaultValue, 'msec');
  return ms === null ? undefined : { ms, text: eff.defaultValue, origin: eff.origin };
}

function timeValue(node: ConfigNode, origin: Origin): TimeValue | undefined {
  const arg = node.directive.args[0];
  const ms = timeMs(arg);
  return ms === undefined ? undefined : { ms, text: arg.value, node, origin };
}

/** Levels up to this many children are scanned directly; larger ones are left to ctx.effective and its index. */
const SCAN_LIMIT = 64;

/**
 * The `name` directive written in `scope` itself: then it is the one in force there, with origin "here", for any
 * directive (ctx.effective looks at the scope's own children before anything else). Undefined when there is none,
 * more than one (ctx.effective says whether nginx refuses them as a duplicate), or the scope is large: ask
 * ctx.effective. Most passes set their timeouts in their own location, and this answers those lookups without the
 * Effective and node list ctx.effective allocates for each.
 */
function writtenHere(scope: ConfigNode | null, name: string): ConfigNode | undefined {
  if (!scope) return undefined;
  const children = scope.children;
  if (children.length > SCAN_LIMIT) return undefined;
  let found: ConfigNode | undefined;
  for (let k = children.length - 1; k >= 0; k--) {
    if (children[k].name !== name) continue;
    if (found) return undefined;
    found = children[k];
  }
  return found;
}

/** "90 s", "1.5 s", "500 ms": durations in prose (values as written are quoted as written). */
export function seconds(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  const s = ms / 1000;
  return `${Number.isInteger(s) ? s : s.toFixed(1)} s`;
}

/**
 * A few seconds under the idle timeout of a load balancer in front of nginx (55 s for 60 s): the longest value
 * worth proposing for nginx's read and send timeouts there, so that nginx answers (and logs) before the balancer.
 */
export function belowOuter(outerMs: number): number {
  const margin = Math.max(1000, Math.min(5000, Math.floor(outerMs / 10 / 1000) * 1000));
  const whole = Math.max(1000, Math.floor((outerMs - margin) / 1000) * 1000);
  // An outer timeout of 1 s or less leaves no whole second below it (1 s is not below 1 s): half of it, in
  // milliseconds, which nginx times accept. Otherwise the suggestion would set the value the finding is about.
  return whole < outerMs ? whole : Math.max(1, Math.floor(outerMs / 2));
}

/** A time option of a rule: a number of seconds or an nginx time string; the fallback when absent or invalid. */
export function timeOption(ctx: NginxRuleContext, name: string, fallbackMs: number): number {
  const v = ctx.options[name];
  if (typeof v === 'number' && v >= 0) return v * 1000;
  if (typeof v === 'string') return parseNginxTime(v, 'msec') ?? fallbackMs;
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

const STREAM_PATH = /(^|\/)(events?|sse|event-?stream|eventsource|stream(ing)?|subscribe|subscriptions?|notifications?|live|updates?|long-?poll(ing)?|poll(ing)?)\b/i;

export type LongLivedKind = 'websocket' | 'event-stream';

const NAMES_WEBSOCKET = 1;
const NAMES_STREAM = 2;
/** What each location path names (the bits above), by path: thousands of locations share a few hundred paths. */
const pathCache = new Map<string, number>();
const PATH_CACHE_MAX = 10_000;

function pathNames(path: string): number {
  let bits = pathCache.get(path);
  if (bits === undefined) {
    // The WebSocket words are websocket-headers-missing's (whole path segments: /ws.php is no WebSocket endpoint).
    bits = (wsPathPattern(path) ? NAMES_WEBSOCKET : 0) | (STREAM_PATH.test(path) ? NAMES_STREAM : 0);
    if (pathCache.size >= PATH_CACHE_MAX) pathCache.clear();
    pathCache.set(path, bits);
  }
  return bits;
}

/**
 * Whether requests passed from this scope are meant to stay open (WebSocket, Server-Sent Events, long
 * polling), which a 60 s read timeout cuts off. Evidence, in order: an `Upgrade` request header passed on
 * in this location (https://nginx.org/en/docs/http/websocket.html), or one inherited by a location whose
 * path names a WebSocket endpoint; or response buffering turned off for a path that names an event stream.
 */
export function longLivedKind(ctx: NginxRuleContext, site: PassSite): LongLivedKind | undefined {
  if (site.stream || site.module !== 'proxy') return undefined;
  // Called for every proxy_pass, and reading the nodes is most of its cost: one pass over the scope's own
  // directives finds its proxy_set_header lines (and an Upgrade among them) and its proxy_buffering. Directives
  // written in the scope are the ones in force there; ctx.effective is asked only about what is not.
  const scope = site.scope;
  const children = scope.children;
  let headersHere = false;
  let upgrade = false;
  let buffering: ConfigNode | undefined;
  if (children.length <= SCAN_LIMIT) {
    for (let k = 0; k < children.length; k++) {
      const c = children[k];
      if (c.name === 'proxy_set_header') {
        headersHere = true;
        upgrade ||= isWord(c.directive.args[0]?.value, 'upgrade');
      } else if (c.name === 'proxy_buffering') buffering = c;
    }
  }
  // locationOf(site.pass.node), from the scope (the pass's parent): the pass node itself need not be read.
  let loc: ConfigNode | null = scope;
  while (loc && loc.name !== 'location') loc = loc.parent;
  let here = headersHere;
  if (!headersHere) {
    const headers = ctx.effective(scope, 'proxy_set_header').nodes;
    for (let k = 0; k < headers.length && !upgrade; k++) upgrade = isWord(headers[k].directive.args[0]?.value, 'upgrade');
    for (let k = 0; k < headers.length && !here; k++) here = headers[k].parent === scope || headers[k].parent === loc;
  }
  if (upgrade && here) return 'websocket';
  const names = pathNames(locationPath(loc));
  if (upgrade && names & NAMES_WEBSOCKET) return 'websocket';
  // Most paths name neither: proxy_buffering is looked up only for those that do.
  if (!names) return undefined;
  buffering ??= ctx.effective(scope, 'proxy_buffering').nodes.at(-1);
  return buffering && isWord(buffering.directive.args[0]?.value, 'off') ? 'event-stream' : undefined;
}

/**
 * Paths of endpoints that answer only once they are done, after longer than a minute as a matter of course: long
 * polling (the backend holds the request until there is news), and the text-generation calls of LLM APIs, which
 * answer a request that is not streamed when the whole completion is ready (OpenAI-style /v1/chat/completions and
 * /v1/completions, Ollama's /api/generate). Words that also name quick endpoints ("/poll" of a polls app, "/subscribe"
 * of a newsletter form, "/api/chat") are left out. A regex location may end in "$".
 */
const LONG_POLL_PATH = /(^|[/@_-])long[-_]?poll(ing)?(?![a-z0-9])/i;
const LLM_PATH = /(^|\/)(chat\/completions|v1\/completions|api\/generate)\/?\$?$/i;
/** Ollama's default port: every call of its API that generates text answers only when done unless streamed. */
const OLLAMA_PORT = 11434;

export type SlowResponseKind = 'long-poll' | 'llm';

/**
 * Whether requests passed from this scope are for an endpoint whose answer comes after a long wait (see LONG_POLL_PATH,
 * LLM_PATH): nginx answers 504 when no response header arrives within proxy_read_timeout (real nginx 1.22.1,
 * test/servers/nginx-slow-endpoints.test.ts). Only for http proxy_pass.
 */
export function slowResponseKind(site: PassSite): SlowResponseKind | undefined {
  if (site.stream || site.module !== 'proxy') return undefined;
  let loc: ConfigNode | null = site.scope;
  while (loc && loc.name !== 'location') loc = loc.parent;
  const path = loc ? locationPath(loc) : '';
  if (LONG_POLL_PATH.test(path)) return 'long-poll';
  if (LLM_PATH.test(path)) return 'llm';
  const pass = site.pass;
  const ports = pass.upstream ? pass.upstream.servers.map((s) => s.address?.port) : [pass.address?.port];
  if (ports.length && ports.every((p) => p === OLLAMA_PORT)) return 'llm';
  return undefined;
}

/**
 * `value?.toLowerCase() === word` for a lower-case ASCII word, without lower-casing every value: lower-casing never
 * shortens a string, and the one character it lengthens (İ, into "i" and a combining dot) cannot end up ASCII.
 */
function isWord(value: string | undefined, word: string): boolean {
  return value !== undefined && value.length === word.length && value.toLowerCase() === word;
}
