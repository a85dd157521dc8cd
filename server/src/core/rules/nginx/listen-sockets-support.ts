import { keptIn, type Made } from '../../reads';
import { parseListen } from '../../model/nginx-listen';
import type { ConfigNode } from '../../model/nginx-tree';
import type { Span } from '../../syntax/nginx/ast';
import type { NginxRuleContext } from '../rule';
import { allIncludesFollowed } from './whole-config';

export type Module = 'http' | 'stream' | 'mail';

const MODULE_OF: Record<string, Module> = { server: 'http', 'stream-server': 'stream', 'mail-server': 'mail' };

/** A listening socket one module opens, as nginx binds it. */
export interface Socket {
  module: Module;
  /** The listen line, or the http server block that has none (nginx gives it *:80). */
  node: ConfigNode;
  at: Span;
  /** As nginx prints it in "bind() to … failed": `0.0.0.0:8080`, `127.0.0.1:8080`, `[::]:8080`, `unix:/run/a.sock`. */
  text: string;
  family: 'ipv4' | 'ipv6' | 'unix';
  host: string;
  port: number;
  wildcard: boolean;
  /** `[::]:port ipv6only=off`: the IPv6 socket takes the port's IPv4 connections too. */
  dualStack: boolean;
  reuseport: boolean;
  /** Set by a socket option or `bind`: nginx binds this address on its own even beside the port's wildcard. */
  ownBind: boolean;
  /** The first listen line of the address that sets `bind` or a socket option, and those parameters. */
  optionsAt?: ConfigNode;
  options: string[];
}

/**
 * The sockets of every TCP (and unix stream) listen line, per module; udp (stream) and quic (http) sockets are left out.
 * Made once per configuration (with what it read: core/reads.ts): listen-address-in-use and reuseport-splits-connections
 * both ask. Shared: do not modify the list or its sockets (boundSockets copies them).
 */
export function listenSockets(ctx: NginxRuleContext): readonly Socket[] {
  return keptIn(socketsOf, ctx.config, () => listenSocketsOf(ctx));
}
const socketsOf = new WeakMap<object, Made<readonly Socket[]>>();

function listenSocketsOf(ctx: NginxRuleContext): Socket[] {
  const out: Socket[] = [];
  for (const node of ctx.nodes('listen')) {
    const module = MODULE_OF[node.context];
    if (!module) continue;
    const l = parseListen(node);
    if (!l || l.key !== l.text) continue;
    const params = node.directive.args.slice(1).map((a) => a.value.toLowerCase());
    if (params.includes('quic')) continue;
    const unix = l.text.startsWith('unix:');
    const colon = l.text.lastIndexOf(':');
    const host = unix ? l.text : l.text.slice(0, colon);
    const family = unix ? 'unix' : host.startsWith('[') ? 'ipv6' : 'ipv4';
    const wildcard = host === '0.0.0.0' || host === '[::]';
    out.push({
      module,
      node,
      at: node.directive,
      text: l.text,
      family,
      host,
      port: unix ? 0 : Number(l.text.slice(colon + 1)),
      wildcard,
      dualStack: family === 'ipv6' && wildcard && params.includes('ipv6only=off'),
      reuseport: params.includes('reuseport'),
      ownBind: l.socketOptions.length > 0,
      optionsAt: l.socketOptions.length ? node : undefined,
      options: l.socketOptions,
    });
  }
  return out;
}

/**
 * An http server block with no listen line listens on *:80 when nginx runs as root (*:8000 otherwise). Only in a
 * configuration whose includes were all read: an unread include may hold its listen.
 */
export function implicitSockets(ctx: NginxRuleContext): Socket[] {
  if (!allIncludesFollowed(ctx)) return [];
  return ctx
    .nodes('server')
    .filter((s) => s.context === 'http' && s.directive.block && !s.children.some((c) => c.name === 'listen'))
    .map((node) => ({ module: 'http', node, at: node.directive.nameSpan, text: '0.0.0.0:80', family: 'ipv4', host: '0.0.0.0', port: 80, wildcard: true, dualStack: false, reuseport: false, ownBind: false, options: [] }));
}

/**
 * What each module really binds: one socket per address (server blocks of a module share it), and where a port has
 * the wildcard address, only the wildcard and the addresses with `bind` or a socket option; the others are served
 * through the wildcard socket (ngx_http_init_listening, and the same in stream and mail).
 */
export function boundSockets(all: Socket[]): Socket[] {
  const byAddress = new Map<string, Socket>();
  for (const s of all) {
    const key = `${s.module} ${s.text}`;
    const seen = byAddress.get(key);
    if (!seen) byAddress.set(key, { ...s });
    else {
      seen.reuseport ||= s.reuseport;
      seen.ownBind ||= s.ownBind;
      seen.dualStack ||= s.dualStack;
      if (!seen.optionsAt && s.optionsAt) Object.assign(seen, { optionsAt: s.optionsAt, options: s.options });
    }
  }
  const sockets = [...byAddress.values()];
  const wildcards = new Set(sockets.filter((s) => s.wildcard).map((s) => `${s.module} ${s.family} ${s.port}`));
  return sockets.filter((s) => s.family === 'unix' || s.wildcard || s.ownBind || !wildcards.has(`${s.module} ${s.family} ${s.port}`));
}
