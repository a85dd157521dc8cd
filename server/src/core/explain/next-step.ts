/**
 * A concrete next step for log lines whose cure is one setting: a response header larger than the buffer or field
 * size in force (nginx "upstream sent too big header", httpd AH10124). The values are checked with the real servers in
 * test/servers/explain-big-header-next-step.test.ts: nginx -t accepts the nginx lines, and a 6 KB Set-Cookie that got
 * 502 with the defaults got 200 once they were written.
 */
import type { NginxTarget } from '../model/nginx-defaults';
import { effective } from '../model/nginx-effective';
import type { ConfigNode, NginxConfig } from '../model/nginx-tree';
import type { Worker } from '../model/apache-proxy';
import { formatSize } from '../model/units';
import { BUFFER_KEYS, bufferError, bufferSetOf, names, nginxBufferMessage, passingBufferLines } from '../rules/nginx/neighbours-support';

/** What the header buffer or field size is raised to: 16k, or twice the size in force when that is 16k or more. */
export const raisedHeaderSize = (current: number) => (current < 16384 ? 16384 : current * 2);

/** x86-64's page, nginx's default buffer size there, when no configuration says where the request was handled. */
const DEFAULT_PAGE = 4096;

/**
 * nginx: the *_buffer_size to write for a "too big header" of `family`, with the *_buffers and *_busy_buffers_size
 * (and temp-file sizes) that nginx's start-up checks then need (buffer-size-arithmetic's passingBufferLines), from
 * the lines in force where the request was handled (`at`), else nginx's defaults. grpc has no body buffers: only
 * grpc_buffer_size.
 */
export function nginxBigHeaderStep(family: string, at?: { config: NginxConfig; scope: ConfigNode; target: NginxTarget }): string | undefined {
  const page = at?.target.pageSize ?? DEFAULT_PAGE;
  const where = at ? 'where the request was handled' : 'in the location that passes the request';
  if (family === 'grpc') {
    const node = at ? effective(at.config, at.scope, 'grpc_buffer_size', at.target).nodes[0] : undefined;
    const current = node ? bufferSetOf(page, node, undefined)?.bufferSize : page;
    if (current === undefined) return undefined;
    return `raise the header buffer ${where}: grpc_buffer_size ${formatSize(raisedHeaderSize(current))}; (it is ${formatSize(current)}${node ? '' : at ? ', the default: one memory page' : ' if the configuration leaves it at its default: one memory page, 4k on x86-64'})`;
  }
  if (!['proxy', 'fastcgi', 'uwsgi', 'scgi'].includes(family)) return undefined;
  const n = names(family);
  const nodes = BUFFER_KEYS.map((k) => (at ? effective(at.config, at.scope, n[k], at.target).nodes[0] : undefined));
  const now = bufferSetOf(page, nodes[0], nodes[1], nodes[2], nodes[3], nodes[4]);
  if (!now) return undefined;
  const size = raisedHeaderSize(now.bufferSize);
  // The new header buffer as if no line set it, so that passingBufferLines writes it.
  const raised = { ...now, bufferSize: size, nodes: { ...now.nodes, bufferSize: undefined } };
  const error = bufferError(raised);
  const lines = error ? passingBufferLines(family, raised) : [`${n.bufferSize} ${formatSize(size)};`];
  const written = lines.filter((l): l is string => !!l);
  const why = error ? `; with ${n.bufferSize} ${formatSize(size)} alone nginx would refuse to start (${nginxBufferMessage(family, error)}), and the other lines keep its checks passing` : '';
  return `raise the header buffer ${where}: ${written.join(' ')} (${n.bufferSize} is ${formatSize(now.bufferSize)}${nodes[0] ? '' : at ? ', the default: one memory page' : ' if the configuration leaves it at its default: one memory page, 4k on x86-64'}${why})`;
}

/** httpd: responsefieldsize= on the worker the AH10124 line was placed at (else on the ProxyPass or BalancerMember). */
export function apacheBigHeaderStep(line: string, worker?: Worker): string {
  const quoted = /ResponseFieldSize \((\d+) bytes\)/.exec(line);
  const current = quoted ? Number(quoted[1]) : 8192;
  const size = raisedHeaderSize(current);
  // A line that shares an earlier worker has that worker's parameters: the setting goes on the line that defines it.
  const w = worker?.shares ?? worker;
  const on = w ? `on the ${w.node.name} of ${w.url}` : 'on the ProxyPass or BalancerMember of the backend';
  return `set responsefieldsize=${size} ${on} (the limit was ${current} bytes); a header line longer than that still gets 502`;
}
