import { oncePer } from '../collections';
import type { ConfigNode } from './nginx-tree';
import { TEMPLATE_MARKUP } from './template-markup';

/**
 * A `listen` line as nginx groups it: by the socket address it binds (http and stream alike), and in stream also by
 * protocol (a udp listener is a socket of its own). https://nginx.org/en/docs/http/ngx_http_core_module.html#listen
 */
export interface ListenAddress {
  node: ConfigNode;
  /** The address as nginx prints it in its errors: `127.0.0.1:8080`, `0.0.0.0:8080`, `[::]:8080`, `unix:/run/a.sock`. */
  text: string;
  /** `text`, and `udp` for a stream udp listener: lines with the same key are the same socket to nginx. */
  key: string;
  defaultServer: boolean;
  ssl: boolean;
  /**
   * The parameters that set socket options (what nginx 1.22.1 calls `lsopt.set` in ngx_http_core_listen): one
   * address:port may carry them in one listen line only.
   */
  socketOptions: string[];
}

/** Parameters that set options of the listening socket; `ssl`, `http2`, `proxy_protocol` and `default_server` do not. */
const SOCKET_OPTIONS = /^(backlog|rcvbuf|sndbuf|setfib|fastopen|accept_filter|ipv6only|so_keepalive)=|^(deferred|bind|reuseport)$/;

/** nginx's own spelling of an IPv4 address (each octet a decimal number, leading zeros dropped), or undefined. */
function ipv4(text: string): string | undefined {
  const parts = text.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) < 256)) return undefined;
  return parts.map(Number).join('.');
}

/**
 * An IPv6 address written as nginx prints it (ngx_inet6_ntop): lower-case hex groups without leading zeros, the
 * first longest run of two or more zero groups shortened to `::`. Undefined for anything it cannot read (a zone, an
 * embedded IPv4 part): such lines are left alone.
 */
function ipv6(text: string): string | undefined {
  if (!/^[0-9a-f:]+$/i.test(text)) return undefined;
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groups = (s: string) => (s ? s.split(':') : []);
  const head = groups(halves[0]);
  const tail = halves.length === 2 ? groups(halves[1]) : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const all = [...head, ...Array<string>(missing).fill('0'), ...tail];
  if (!all.every((g) => /^[0-9a-f]{1,4}$/i.test(g))) return undefined;
  const nums = all.map((g) => parseInt(g, 16));
  let best = -1, bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (nums[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && nums[j] === 0) j++;
    if (j - i > bestLen) [best, bestLen] = [i, j - i];
    i = j;
  }
  const hex = nums.map((n) => n.toString(16));
  if (best < 0) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}

/**
 * The socket a listen line binds, or undefined when the text does not say for sure: a host name (nginx looks it up,
 * and may listen on several addresses), variables or template markup, a malformed port.
 */
export const parseListen: (node: ConfigNode) => ListenAddress | undefined = oncePer(parseListenLine);

/**
 * parseListen's work, done once per line (per lint: a new tree has new nodes): four rules read every listen line
 * (listen-conflict, listen-ssl-without-certificate, and through listenSockets listen-address-in-use and
 * reuseport-splits-connections), and each parse splits and copies the line's words. Shared: do not modify.
 */
function parseListenLine(node: ConfigNode): ListenAddress | undefined {
  const args = node.directive.args;
  const first = args[0];
  if (!first || first.value.includes('$') || TEMPLATE_MARKUP.test(first.raw)) return undefined;
  const rest = args.slice(1).map((a) => a.value.toLowerCase());
  const addr = first.value;
  let text: string;
  if (addr.toLowerCase().startsWith('unix:')) {
    if (addr.length <= 5) return undefined;
    text = `unix:${addr.slice(5)}`;
  } else {
    let host: string | undefined = '0.0.0.0', port = '80';
    if (/^\d+$/.test(addr)) port = addr;
    else if (addr.startsWith('[')) {
      const close = addr.indexOf(']');
      if (close < 0) return undefined;
      const v6 = ipv6(addr.slice(1, close));
      host = v6 === undefined ? undefined : `[${v6}]`;
      if (addr.length > close + 1) {
        if (addr[close + 1] !== ':') return undefined;
        port = addr.slice(close + 2);
      }
    } else {
      const colon = addr.lastIndexOf(':');
      const h = colon < 0 ? addr : addr.slice(0, colon);
      if (colon >= 0) port = addr.slice(colon + 1);
      host = h === '*' ? '0.0.0.0' : ipv4(h);
    }
    if (host === undefined || !/^\d{1,5}$/.test(port) || Number(port) > 65535) return undefined;
    text = `${host}:${Number(port)}`;
  }
  const udp = node.context === 'stream-server' && rest.includes('udp');
  return {
    node,
    text,
    key: udp ? `${text} udp` : text,
    defaultServer: rest.includes('default_server') || rest.includes('default'),
    ssl: rest.includes('ssl'),
    socketOptions: args.slice(1).map((a) => a.value).filter((v) => SOCKET_OPTIONS.test(v.toLowerCase())),
  };
}
