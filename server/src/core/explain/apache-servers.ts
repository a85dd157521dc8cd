import type { ErrorLogTail, ProxyModel } from '../model/apache-proxy';
import type { ApacheNode } from '../model/apache-tree';
import type { LogFields } from './log-patterns';

/**
 * Which server (main server or <VirtualHost>) an httpd error-log line's request came to, as far as the line says.
 * The default ErrorLogFormat names no server, so a main-server worker used by several virtual hosts cannot be tied to
 * one of them from it (and its timeouts differ per server, see ProxyModel.backendTimeout). What can say it:
 * - mod_proxy_fcgi's AH01075 (and AH01073/AH01074) write the port the request came to: "Error dispatching request to :8080:";
 * - an ErrorLogFormat with %v or %V (the server's name) or %{Host}i writes a name, and one with %A the local address
 *   and port: before the message, or after it (read with the format's ErrorLogTail).
 */
export interface ServerEvidence {
  /** Words before the message code that may be a server name (`[a.test]`, `a.test:8080`). */
  names: string[];
  /** IP:port words before the message code, outside `[client …]`. */
  addresses: string[];
  /** The port mod_proxy_fcgi's AH01075/AH01073/AH01074 name ('' for the scheme's default). */
  port?: string;
  /** The message code of the line that names `port` ("AH01075"). */
  portBy?: string;
}

/**
 * The evidence a line carries; undefined when it has none. `tails`: the ends of line that the configurations'
 * ErrorLogFormats write after the message, with the server's name or address in them.
 */
export function serverEvidence(text: string, fields: LogFields, tails: readonly ErrorLogTail[] = []): ServerEvidence | undefined {
  const code = /AH\d{5}:/.exec(text);
  const head = (code ? text.slice(0, code.index) : '').replace(/\[client [^\]]*\]/g, ' ');
  const names: string[] = [];
  const addresses: string[] = [];
  const address = (word: string) => /^(\d{1,3}(\.\d{1,3}){3}|\[[0-9a-fA-F:.]+\]):\d+$/.test(word);
  for (const word of head.split(/[[\]\s,]+/)) {
    if (address(word)) addresses.push(word.toLowerCase());
    else if (/^[a-z0-9*_-]+(\.[a-z0-9*_-]+)*(:\d+)?$/i.test(word) && /[a-z]/i.test(word)) names.push(word.replace(/:\d+$/, '').toLowerCase());
  }
  for (const tail of code ? tails : []) {
    const word = tail.pattern.exec(text.slice(code!.index))?.[1];
    if (!word) continue;
    if (tail.kind === 'address' && address(word)) addresses.push(word.toLowerCase());
    else if (tail.kind === 'name') names.push(word.replace(/:\d+$/, '').toLowerCase());
  }
  if (!names.length && !addresses.length && fields.serverPort === undefined) return undefined;
  return { names, addresses, ...(fields.serverPort !== undefined ? { port: fields.serverPort, portBy: code?.[0].slice(0, -1) } : {}) };
}

/** The evidence of several lines of one request together. */
export function mergeEvidence(list: (ServerEvidence | undefined)[]): ServerEvidence | undefined {
  const present = list.filter((e): e is ServerEvidence => !!e);
  if (!present.length) return undefined;
  const port = present.find((e) => e.port !== undefined);
  return { names: [...new Set(present.flatMap((e) => e.names))], addresses: [...new Set(present.flatMap((e) => e.addresses))], port: port?.port, portBy: port?.portBy };
}

const wildcard = (name: string) => new RegExp(`^${name.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);

/**
 * The servers the evidence points to in one configuration, with the words that say how; undefined when it points to
 * none (then nothing is narrowed). Names count only when the configuration's ErrorLogFormat writes one (%v, %V,
 * %{Host}i), addresses only when it writes %A: otherwise such words are something else.
 */
export function serversOfEvidence(proxy: ProxyModel, e: ServerEvidence): { servers: Set<ApacheNode | null>; how: string } | undefined {
  const format = proxy.errorLogFormat;
  if (format.name) {
    for (const word of e.names) {
      const hits = proxy.servers.filter((s) => s.names.some((n) => (n.includes('*') || n.includes('?') ? wildcard(n).test(word) : n === word)));
      if (hits.length) return { servers: new Set(hits.map((s) => s.vhost)), how: `the line names the server ${word} (ErrorLogFormat ${format.name})` };
    }
  }
  if (format.address) {
    for (const word of e.addresses) {
      const m = /^(.*):(\d+)$/.exec(word)!;
      const hits = proxy.servers.filter((s) => s.vhost && s.addresses.some((a) => (a.port === '*' || a.port === m[2]) && (a.host === '*' || a.host === '_default_' || a.host === m[1])));
      const servers = new Set<ApacheNode | null>(hits.map((s) => s.vhost));
      if (!hits.length && proxy.mainServerAnswers) servers.add(null);
      if (servers.size) return { servers, how: `the line names the local address ${word} (ErrorLogFormat %A)` };
    }
  }
  if (e.port !== undefined) {
    // "to :8080:" is the Host header's port, else the port the client connected to; nothing for 80 or 443.
    const ports = e.port === '' ? ['80', '443'] : [e.port];
    const hits = proxy.servers.filter((s) => s.vhost && s.addresses.some((a) => a.port === '*' || ports.includes(a.port)));
    const servers = new Set<ApacheNode | null>(hits.map((s) => s.vhost));
    if (proxy.mainServerAnswers && (!proxy.mainServerPorts || proxy.mainServerPorts.some((p) => ports.includes(p)))) servers.add(null);
    if (servers.size) return { servers, how: `the request came to httpd's port ${e.port || '80 or 443'} (${e.portBy ?? 'AH01075'} names it), which ${servers.size === 1 ? 'one server takes' : `${servers.size} servers take`}` };
  }
  return undefined;
}

/** A short key for place caching. */
export function evidenceKey(e: ServerEvidence | undefined): string {
  return e ? `${e.names.join(',')}|${e.addresses.join(',')}|${e.port ?? '-'}` : '';
}
