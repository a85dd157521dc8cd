import type { RelatedLocation } from '../../finding';
import { oncePer } from '../../collections';
import { flagsInForce, type Effective } from '../../model/nginx-effective';
import type { ConfigNode } from '../../model/nginx-tree';
import type { Address, PassTarget, Upstream, UpstreamServer } from '../../model/nginx-upstreams';
import { timeMs } from '../../model/nginx-modules';
import { parseNginxTime } from '../../model/units';
import type { NginxRuleContext } from '../rule';

/** Directive prefixes whose *_next_upstream family decides retries (memcached is left out). */
export type RetryFamily = 'proxy' | 'fastcgi' | 'uwsgi' | 'scgi' | 'grpc';

const FAMILY_OF_PASS: Record<string, RetryFamily> = {
  proxy_pass: 'proxy',
  fastcgi_pass: 'fastcgi',
  uwsgi_pass: 'uwsgi',
  scgi_pass: 'scgi',
  grpc_pass: 'grpc',
};

export function familyOf(t: PassTarget): RetryFamily | undefined {
  return FAMILY_OF_PASS[t.directive];
}

/** `${family}_next_upstream` per family, written out: rules look it up at every pass and need no new string for it. */
export const NEXT_UPSTREAM_OF: Readonly<Record<RetryFamily, string>> = {
  proxy: 'proxy_next_upstream',
  fastcgi: 'fastcgi_next_upstream',
  uwsgi: 'uwsgi_next_upstream',
  scgi: 'scgi_next_upstream',
  grpc: 'grpc_next_upstream',
};

/** `${family}_next_upstream_tries` per family, written out like NEXT_UPSTREAM_OF (singleTry asks at every pass). */
const NEXT_UPSTREAM_TRIES_OF: Readonly<Record<RetryFamily, string>> = {
  proxy: 'proxy_next_upstream_tries',
  fastcgi: 'fastcgi_next_upstream_tries',
  uwsgi: 'uwsgi_next_upstream_tries',
  scgi: 'scgi_next_upstream_tries',
  grpc: 'grpc_next_upstream_tries',
};

/** Names of the directives that are the passive-check/retry settings of a pass, e.g. "proxy_next_upstream". */
export const NEXT_UPSTREAM = ['proxy', 'fastcgi', 'uwsgi', 'scgi', 'grpc'].map((m) => `${m}_next_upstream`);
export const PASSES = ['proxy_pass', 'fastcgi_pass', 'uwsgi_pass', 'scgi_pass', 'grpc_pass'];

export const isBackup = (s: UpstreamServer): boolean => s.params.has('backup');
export const isDown = (s: UpstreamServer): boolean => s.params.has('down');

/**
 * A `server` whose name may stand for several addresses: nginx makes one peer per address a name
 * resolves to (https://nginx.org/en/docs/http/ngx_http_upstream_module.html#server), and `resolve`
 * or `service=` servers change at run time.
 */
export function mayBeSeveral(s: UpstreamServer): boolean {
  if (s.params.has('resolve') || s.params.has('service')) return true;
  const a = s.address;
  return !a || (!a.unix && !a.isIp);
}

/** Loopback or UNIX socket: the backend runs on the nginx machine itself. */
export function isLocal(a: Address | undefined): boolean {
  if (!a) return false;
  if (a.unix) return true;
  const h = a.host.toLowerCase();
  // Connecting to 0.0.0.0 reaches the local machine on Linux; configs copied from a `listen` line use it.
  return h === 'localhost' || h === '::1' || h === '0.0.0.0' || /^127\./.test(h);
}

/**
 * Groups whose members come from somewhere other than their `server` lines: NGINX Plus `state` files,
 * or OpenResty's `balancer_by_lua*`, where a placeholder such as `server 0.0.0.1;` stands for servers
 * the Lua code picks per request.
 */
export function serversAreDynamic(up: Upstream): boolean {
  return up.node.children.some((c) => c.name === 'state' || c.name.startsWith('balancer_by_lua'));
}

/**
 * What the retry rules ask about a group at every pass that uses it. A large configuration sends thousands of
 * passes to a few hundred groups, so each group is looked at once (per lint: a new graph has new groups). The
 * texts are made up front too (one short string each), so the objects never change once made.
 */
interface GroupFacts {
  /** `server` lines not marked `down`. */
  readonly usable: number;
  readonly dynamic: boolean;
  /** describeGroup */
  readonly description: string;
  /** The related-location text of a pass to this group. */
  readonly usedHere: string;
}
/** Per group, made once (with what it read: core/reads.ts). */
const factsOf = oncePer((up: Upstream): GroupFacts => {
  let usable = 0;
  let backups = 0;
  for (let k = 0; k < up.servers.length; k++) {
    const s = up.servers[k];
    if (!isDown(s)) usable++;
    if (isBackup(s)) backups++;
  }
  const primaries = up.servers.length - backups;
  return {
    usable,
    dynamic: serversAreDynamic(up),
    description: `upstream "${up.name}" (${primaries} server${primaries === 1 ? '' : 's'}${backups ? ` + ${backups} backup` : ''})`,
    usedHere: `${up.module === 'stream' ? 'connections' : 'requests'} to upstream "${up.name}" use it here`,
  };
});

/** How many `server` lines of the group are not `down`: how often a request may be tried. */
export function usableServers(up: Upstream): number {
  return factsOf(up).usable;
}

/** A group with at least two usable `server` lines (primaries and backups, not `down`): a failed request has somewhere else to go. */
export function hasSpareServers(up: Upstream | undefined): up is Upstream {
  if (!up) return false;
  const f = factsOf(up);
  return !f.dynamic && f.usable >= 2;
}

export function describeGroup(up: Upstream): string {
  return factsOf(up).description;
}

/** The groups of these passes, each once in order of first use, described and joined with ", ". */
export function describeGroupsOf(passes: readonly PassTarget[]): string {
  // Most lines are used by one pass, or by passes to one group: no Set and no arrays for those.
  const first = passes[0].upstream!;
  let k = 1;
  while (k < passes.length && passes[k].upstream === first) k++;
  if (k === passes.length) return describeGroup(first);
  return [...new Set(passes.map((p) => p.upstream!))].map(describeGroup).join(', ');
}

/** Default values split into words, once per text: the same few defaults stand in at thousands of passes. Shared: do not modify. */
const splitDefaults = new Map<string, string[]>();
export function defaultArgs(text: string): string[] {
  let args = splitDefaults.get(text);
  if (!args) {
    args = text.split(/\s+/);
    splitDefaults.set(text, args);
  }
  return args;
}

/** nginx's default for *_next_upstream: "error timeout" in http, "on" in stream. */
export function nextUpstreamDefault(t: PassTarget): string {
  return t.module === 'stream' ? 'on' : 'error timeout';
}

/**
 * ctx.effective at the level of a pass, for rules that ask it of thousands of passes. A directive written nowhere in
 * the configuration is in force with its default at every level of one module (http or stream), so that is looked up
 * once per module instead of up the levels from each pass: most of the retry limits asked about are never written.
 * One per rule run.
 */
export function effectiveAtPasses(ctx: NginxRuleContext): (t: PassTarget, name: string) => Effective {
  // Per name: null when it is written somewhere, else the value found for each module so far.
  const unwritten = new Map<string, { http?: Effective; stream?: Effective } | null>();
  return (t, name) => {
    let u = unwritten.get(name);
    if (u === undefined) unwritten.set(name, (u = ctx.nodes(name).length ? null : {}));
    if (!u) return ctx.effective(t.node.parent, name);
    // A pass's module is the context of its level, which is what decides the default (see effective()).
    return t.module === 'stream' ? (u.stream ??= ctx.effective(t.node.parent, name)) : (u.http ??= ctx.effective(t.node.parent, name));
  };
}

/** The directive line that decides a value (the last one at the deciding level), or undefined where none is written. */
export function lastNode(e: Effective): ConfigNode | undefined {
  return e.nodes[e.nodes.length - 1];
}

/**
 * Whether the value in force has `word` among its flags: for *_next_upstream that is every line at the deciding level
 * together, with `off` anywhere there leaving only `off` (flagsInForce); the default's words where none is written.
 */
export function inForceIncludes(e: Effective, fallback: string, word: string): boolean {
  return flagsInForce(e, fallback).includes(word);
}

/**
 * Whether `*_next_upstream_tries 1` is in force for this pass: nginx then makes one try and passes no failure on, so
 * settings about retries change nothing there (nginx 1.22.1, test/servers/next-upstream-lines.test.ts).
 */
export function singleTry(effectiveAt: (t: PassTarget, name: string) => Effective, t: PassTarget, family: RetryFamily): boolean {
  const e = effectiveAt(t, NEXT_UPSTREAM_TRIES_OF[family]);
  return !e.duplicate && inForceFirst(e, '0') === '1';
}

/** The first word of the value in force (written, or the default's), without the array of words. */
export function inForceFirst(e: Effective, fallback: string): string | undefined {
  const node = lastNode(e);
  return node ? node.directive.args[0]?.value : defaultArgs(e.defaultValue ?? fallback)[0];
}

/**
 * A time value in force as written (its default, else `fallback`, when unset) and in ms; undefined for variables or
 * typos, and where the deciding level has it twice (nginx does not start: no value). Rules that test thousands of
 * passes take this and make the display text (timeText) only for a finding.
 */
export function rawTimeOf(e: Effective, fallback: string): { raw: string; ms: number } | undefined {
  if (e.duplicate) return undefined;
  const node = lastNode(e);
  if (node) {
    const arg = node.directive.args[0];
    const ms = timeMs(arg);
    return ms === undefined ? undefined : { raw: arg.value, ms };
  }
  const raw = e.defaultValue ?? fallback;
  const ms = parseNginxTime(raw, 'msec');
  return ms === null ? undefined : { raw, ms };
}

/** A time as written, with a bare number (seconds) saying so. */
export function timeText(raw: string): string {
  return /^\d+$/.test(raw) ? `${raw}s` : raw;
}

/**
 * Where a directive of the *_next_upstream / *_request_buffering families can be added for a pass:
 * right after the pass itself, or after the `if`/`limit_except` block it sits in, since those blocks do
 * not accept these directives (https://nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_next_upstream).
 */
export function insertionAnchor(t: PassTarget): ConfigNode {
  let n = t.node;
  while (n.parent && (n.parent.name === 'if' || n.parent.name === 'limit_except')) n = n.parent;
  return n;
}

export function passRelated(t: PassTarget, message: string): RelatedLocation {
  return { path: t.node.file.path, start: t.node.directive.start, end: t.node.directive.end, message };
}

/** passRelated with `requests (stream: connections) to upstream "<name>" use it here`, the text made once per group. */
export function passUsesItHere(t: PassTarget): RelatedLocation {
  return passRelated(t, factsOf(t.upstream!).usedHere);
}

/**
 * Collects findings per line: a directive inherited by many locations is reported once, where it is
 * written, with every affected pass as a related location; a default value is reported at each pass.
 */
export class PerLine<T> {
  private readonly map = new Map<ConfigNode, { passes: PassTarget[]; data: T; seen: Set<PassTarget> }>();
  /** The lines in the order they were first added (iterated by index: no entry arrays as with a Map iterator). */
  private readonly order: { at: ConfigNode; passes: PassTarget[]; data: T }[] = [];
  add(at: ConfigNode, t: PassTarget, data: T): void {
    const cur = this.map.get(at);
    if (cur) {
      // A Set, not passes.includes: one http-level line is in force at every pass of the configuration, and a scan
      // of the list per pass made 40,000 locations cost 0.7-0.9 s in this rule alone.
      if (!cur.seen.has(t)) {
        cur.seen.add(t);
        cur.passes.push(t);
      }
    } else {
      const entry = { at, passes: [t], data, seen: new Set([t]) };
      this.map.set(at, entry);
      this.order.push(entry);
    }
  }
  entries(): [ConfigNode, { passes: PassTarget[]; data: T }][] {
    return [...this.map.entries()];
  }
  forEach(each: (at: ConfigNode, passes: PassTarget[], data: T) => void): void {
    const order = this.order;
    for (let k = 0; k < order.length; k++) each(order[k].at, order[k].passes, order[k].data);
  }
}

/** Removes one argument and the blank before it (`server a max_fails=0;` → `server a;`). */
export function removeArgEdit(n: ConfigNode, value: string) {
  const a = n.directive.args.find((x) => x.value === value)!;
  let start = a.start;
  while (start > 0 && /[ \t]/.test(n.file.text[start - 1])) start--;
  return { path: n.file.path, start, end: a.end, newText: '' };
}

/** "7m30s", "45s", "2h": whole seconds, largest units first. */
export function humanDuration(ms: number): string {
  const total = Math.round(ms / 1000);
  const h = Math.floor(total / 3600), m = Math.floor((total % 3600) / 60), sec = total % 60;
  return `${h ? `${h}h` : ''}${m ? `${m}m` : ''}${sec || total === 0 ? `${sec}s` : ''}`;
}
