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
import { isIpLiteral } from '../rules/nginx/addresses-support';
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

/**
 * nginx: a failed TLS handshake with the backend, where nginx sent no SNI or a name the backend cannot know. A backend
 * that serves several names (an ingress, a CDN, an nginx with ssl_reject_handshake on) refuses a handshake without
 * one: nginx 1.22.1 logs "tlsv1 unrecognized name … SSL alert number 112". nginx sends a name only with
 * *_ssl_server_name on, and never an IP address (RFC 6066): for a pass target written as an IP, switching it on alone
 * still sends nothing, and *_ssl_name must give the host name (test/servers/explain-nginx-tls-sni-step.test.ts: 502
 * with the switch alone, 404 from the backend's default server with the name but the Host left as the address, 200
 * with both). The step is said as a condition: a handshake fails for other reasons too.
 */
export function nginxSniStep(family: string, line: string, at: { config: NginxConfig; scope: ConfigNode; target: NginxTarget }): string | undefined {
  if (!['proxy', 'grpc', 'uwsgi'].includes(family)) return undefined;
  const pass = at.scope.children.find((c) => c.name === `${family}_pass`);
  const url = pass?.directive.args[0]?.value;
  const host = url ? /^(?:https|grpcs|suwsgi):\/\/(\[[^\]]*\]|[^/:]+)/i.exec(url)?.[1] : undefined;
  if (!host || host.includes('$')) return undefined;
  const value = (name: string) => {
    const node = effective(at.config, at.scope, name, at.target).nodes[0];
    return node ? node.directive.args.map((a) => a.value).join(' ') : undefined;
  };
  const on = value(`${family}_ssl_server_name`) === 'on';
  const written = value(`${family}_ssl_name`);
  if (written?.includes('$')) return undefined;
  const group = at.config.all.some((n) => n.name === 'upstream' && n.context === 'http' && n.directive.args[0]?.value === host);
  // The name nginx sends (with the switch on): the written *_ssl_name, else the pass target's host.
  const name = written ?? host;
  const ip = isIpLiteral(name);
  if (on && !ip && !(group && written === undefined)) return undefined;
  const alert = /unrecognized name|alert number 112/.test(line) ? 'the backend\'s alert 112 ("unrecognized name") says it wanted a name it knows; ' : 'if the backend needs SNI (one TLS address for several names: an ingress, a CDN, nginx with ssl_reject_handshake), ';
  const sw = `${family}_ssl_server_name on;`;
  // A backend that picks its site by the TLS name picks it again by the Host header (nginx does, and answers from its
  // default server when the Host is no name of it): proxy_pass sends $proxy_host, the IP or the group's name, unless a
  // proxy_set_header Host in force says otherwise.
  const hostSet = family === 'proxy' && effective(at.config, at.scope, 'proxy_set_header', at.target).nodes.some((n) => n.directive.args[0]?.value.toLowerCase() === 'host');
  const nm = `${family}_ssl_name <the backend's host name>;${family === 'proxy' && !hostSet ? ' proxy_set_header Host <the same name>; (the backend picks its site by the Host header too, and proxy_pass sends the address or group name written there)' : ''}`;
  if (ip) {
    return `${alert}nginx sent no name here: the name it would send is the IP address ${name}${written ? ` (${family}_ssl_name)` : ` (from ${family}_pass)`}, and nginx never sends an IP address as SNI, even with ${family}_ssl_server_name on. Write the backend's host name in the location: ${on ? '' : `${sw} `}${nm}`;
  }
  if (!on) {
    return `${alert}nginx sent no name here: ${family}_ssl_server_name is off${value(`${family}_ssl_server_name`) ? '' : ' (the default)'}. Write in the location: ${sw}${group && written === undefined ? ` ${nm} (without it the name sent is the group's name, ${host})` : ''}`;
  }
  return `${alert}the name nginx sent is the group's name, ${host}, not a host name the backend knows. Write in the location: ${nm}`;
}

/**
 * httpd: a failed TLS handshake (AH00898) with a backend whose URL names an IP address: httpd sends no SNI then
 * (without ProxyPreserveHost On), and a backend that serves several names on one address refuses such a handshake.
 * 2.4.71 has no directive for the name alone: a host name in the URL, or the client's Host through ProxyPreserveHost
 * On, sends one (test/servers/explain-apache-tls-sni-step.test.ts: 500 with the IP, 200 with either). Said as a
 * condition: a handshake fails for other reasons too (the AH00898 meaning lists them).
 */
export function apacheSniStep(worker?: Worker, preserveHost?: string): string | undefined {
  const w = worker?.shares ?? worker;
  if (!w || !['https', 'wss', 'h2'].includes(w.target.scheme) || !isIpLiteral(w.target.host)) return undefined;
  // ProxyPreserveHost On known to be in force for the request: httpd sent the client's Host as SNI, so this is no cure.
  if (preserveHost === 'On') return undefined;
  return `if the backend needs SNI (one TLS address for several names: an ingress, a CDN, nginx with ssl_reject_handshake), httpd sent it none unless ProxyPreserveHost On was in force for the request: the URL of ${w.node.name} ${w.url} names the IP address ${w.target.host}, which httpd never sends as SNI. Write a host name the backend serves in the URL (one this machine resolves), or, if the clients' Host is a name the backend serves, set ProxyPreserveHost On: httpd then sends that Host as SNI (and, with SSLProxyCheckPeerName on, checks the backend's certificate against it).`;
}

/**
 * nginx behind fastcgi_pass: a connection php-fpm resets or closes before any header. php-fpm kills a worker whose
 * request ran past the pool's request_terminate_timeout, and a worker that crashes dies the same way; nginx sees either
 * as this line (php-fpm 8.2 with nginx 1.22.1, test/servers/explain-nginx-oncall-review.test.ts: a 10 s script with
 * request_terminate_timeout 4s, and a script that killed its own worker with SIGSEGV, both "recv() failed (104…)" and
 * 502). PHP's max_execution_time is no such cause: the script ends with a fatal error that nginx logs as "FastCGI sent
 * in stderr" and answers 500 (the same run).
 */
export function nginxFastcgiResetStep(patternId: string, family: string | undefined): string | undefined {
  if (family !== 'fastcgi' || !['nginx-reset', 'nginx-premature-close'].includes(patternId)) return undefined;
  return 'if the backend is php-fpm, look in its own log at the time of this line: "execution timed out (… sec), terminating" means the request ran longer than the pool\'s request_terminate_timeout and php-fpm killed the worker serving it (raise that setting above the slowest script\'s time, or make the script faster); "exited on signal 11 (SIGSEGV)" means the script crashed its worker (an extension, or the PHP build). PHP\'s max_execution_time does not end a request this way: it stops the script with a fatal error, logged by nginx as "FastCGI sent in stderr: … Maximum execution time", and the client gets 500';
}
