import type { RelatedLocation } from '../../finding';
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

/** A group with at least two usable `server` lines (primaries and backups, not `down`): a failed request has somewhere else to go. */
export function hasSpareServers(up: Upstream | undefined): up is Upstream {
  return !!up && !serversAreDynamic(up) && up.servers.filter((s) => !isDown(s)).length >= 2;
}

export function describeGroup(up: Upstream): string {
  const backups = up.servers.filter(isBackup).length;
  const primaries = up.servers.length - backups;
  return `upstream "${up.name}" (${primaries} server${primaries === 1 ? '' : 's'}${backups ? ` + ${backups} backup` : ''})`;
}

/** The value of a retry directive in force for a pass, with nginx's default when the configuration sets none. */
export interface InForce {
  node?: ConfigNode;
  args: string[];
}

export function inForce(ctx: NginxRuleContext, t: PassTarget, name: string, fallback: string): InForce {
  const e = ctx.effective(t.node.parent, name);
  const node = e.nodes[e.nodes.length - 1];
  if (node) return { node, args: node.directive.args.map((a) => a.value) };
  return { args: (e.defaultValue ?? fallback).split(/\s+/) };
}

/** nginx's default for *_next_upstream: "error timeout" in http, "on" in stream. */
export function nextUpstreamDefault(t: PassTarget): string {
  return t.module === 'stream' ? 'on' : 'error timeout';
}

/** A time directive in force for a pass (its default when unset), as written and in ms; undefined for variables or typos. */
export function timeInForce(ctx: NginxRuleContext, t: PassTarget, name: string, fallback: string): { ms: number; text: string } | undefined {
  const e = ctx.effective(t.node.parent, name);
  const node = e.nodes[e.nodes.length - 1];
  const raw = node ? node.directive.args[0]?.value : e.defaultValue ?? fallback;
  // A bare number is seconds; say so.
  const text = raw && /^\d+$/.test(raw) ? `${raw}s` : raw;
  const ms = node ? timeMs(node.directive.args[0]) : parseNginxTime(raw ?? '') ?? undefined;
  return ms === undefined || text === undefined ? undefined : { ms, text };
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

/**
 * Collects findings per line: a directive inherited by many locations is reported once, where it is
 * written, with every affected pass as a related location; a default value is reported at each pass.
 */
export class PerLine<T> {
  private readonly map = new Map<ConfigNode, { passes: PassTarget[]; data: T }>();
  add(at: ConfigNode, t: PassTarget, data: T): void {
    const cur = this.map.get(at);
    if (cur) {
      if (!cur.passes.includes(t)) cur.passes.push(t);
    } else this.map.set(at, { passes: [t], data });
  }
  entries(): [ConfigNode, { passes: PassTarget[]; data: T }][] {
    return [...this.map.entries()];
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
