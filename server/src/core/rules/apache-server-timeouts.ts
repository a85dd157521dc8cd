import type { ApacheNode } from '../model/apache-tree';
import type { ProxyModel, TimeoutValue, Worker } from '../model/apache-proxy';

export type Server = ApacheNode | null;

export interface ServerTimeouts {
  t: TimeoutValue;
  /** The servers (null = the main server) whose requests to the worker wait `t`. */
  servers: Server[];
}

/** A key for the line (or parameter) a value comes from, and the value: two servers with the same key wait the same. */
export function timeoutKey(t: TimeoutValue): string {
  return `${t.ms}\0${t.origin}\0${t.node ? `${t.node.file.path}:${t.node.directive.start}` : ''}`;
}

/**
 * How long requests to worker `w` wait, server by server, grouped by value: without timeout= (connectiontimeout= for
 * 'connect') httpd reads ProxyTimeout and Timeout from the server the request came to, so a main-server ProxyPass used
 * from virtual hosts waits each one's own (measured on 2.4.71 in test/servers/apache-vhost-timeouts.test.ts). The
 * groups are in the order of the servers (the main server first); one group when every server waits the same.
 */
export function timeoutsByServer(proxy: ProxyModel, w: Worker, kind: 'backend' | 'connect'): ServerTimeouts[] {
  const all = proxy.serversOf(w);
  const byValue = new Map<string, ServerTimeouts>();
  // One lookup per group of servers with the same ProxyTimeout and Timeout lines, not one per server: a configuration
  // with hundreds of virtual hosts and main-server workers would otherwise ask workers × hosts times, in four rules.
  for (const group of all.length ? profiles(proxy, all) : [[w.vhost]]) {
    const t = kind === 'backend' ? proxy.backendTimeout(w, group[0]) : proxy.connectTimeout(w, group[0]);
    const key = timeoutKey(t);
    const g = byValue.get(key);
    if (g) g.servers.push(...group);
    else byValue.set(key, { t, servers: [...group] });
  }
  return [...byValue.values()];
}

/**
 * `servers` grouped by the ProxyTimeout and Timeout lines in force for them, the only server-level inputs of a
 * worker's waits. Kept per list: serversOf gives every main-server worker the same list.
 */
const profileCache = new WeakMap<ProxyModel, WeakMap<Server[], Server[][]>>();
function profiles(proxy: ProxyModel, servers: Server[]): Server[][] {
  let byList = profileCache.get(proxy);
  if (!byList) profileCache.set(proxy, (byList = new WeakMap()));
  let groups = byList.get(servers);
  if (!groups) {
    const by = new Map<string, Server[]>();
    for (const s of servers) {
      const key = ['proxytimeout', 'timeout'].map((d) => {
        const n = proxy.serverValue(s, d);
        return n ? `${n.file.path}:${n.directive.start}` : '-';
      }).join('\0');
      const list = by.get(key);
      if (list) list.push(s);
      else by.set(key, [s]);
    }
    byList.set(servers, (groups = [...by.values()]));
  }
  return groups;
}

/** `a.test (<VirtualHost *:80> on line 4)`, `<VirtualHost *:81> (line 9)` or `the main server`, for messages. */
export function serverLabel(proxy: ProxyModel, lineOf: (n: ApacheNode) => number, s: Server): string {
  if (!s) return 'the main server';
  const names = proxy.servers.find((i) => i.vhost === s)?.names ?? [];
  return names[0] ? `${names[0]} (<VirtualHost ${s.args.join(' ')}> on line ${lineOf(s)})` : `<VirtualHost ${s.args.join(' ')}> (line ${lineOf(s)})`;
}

/** At most `max` servers by name, the rest counted: messages stay short in a configuration with hundreds of virtual hosts. */
export function serverList(proxy: ProxyModel, lineOf: (n: ApacheNode) => number, servers: Server[], max = 3): string {
  const named = servers.slice(0, max).map((s) => serverLabel(proxy, lineOf, s));
  const rest = servers.length - named.length;
  if (rest > 0) named.push(`${rest} more virtual host${rest === 1 ? '' : 's'}`);
  return named.length <= 1 ? named.join('') : `${named.slice(0, -1).join(', ')} and ${named[named.length - 1]}`;
}
