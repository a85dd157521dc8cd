import type { ApacheLintResult } from '../lint-apache';
import { describeTimeout, formatSeconds, isIpLiteral, type BackendUrl, type TimeoutValue, type Worker } from '../model/apache-proxy';
import type { ApacheNode } from '../model/apache-tree';
import { atoi, checkParamValue, parseApacheDuration, type WorkerParam } from '../model/apache-workers';
import { lineLink } from './place-link';

/** The worker parameters whose hover says what they bound and the value in force, instead of the worker's timeouts. */
export const EXPLAINED_PARAMS = new Set(['connectiontimeout', 'timeout', 'retry', 'acquire', 'keepalive', 'ping']);

type LineOf = (n: ApacheNode) => number;

/**
 * What one worker parameter bounds and what the client gets when it runs out, on httpd. The status codes and log lines
 * are those of /work/shared/reference/proxy-failure-catalogue.md (measured on 2.4.71; those of connectiontimeout
 * and timeout re-checked on 2.4.68 by test/servers/apache-param-hover.test.ts): a refused or unanswered connect is 503 with AH00957 + AH01114
 * (HTTP_SERVICE_UNAVAILABLE in mod_proxy_http.c), a silent backend 502 with AH01102 + AH00898, through mod_proxy_fcgi
 * 504 with AH01075. The lines name this worker's host and port, as httpd writes them for it, so that a reader can
 * search the log for them; what the configuration cannot know (the request's path, a name's address, the port the
 * request came to) is a placeholder in angle brackets.
 */
function bounds(key: string, target: BackendUrl): string {
  const { scheme } = target;
  const port = target.port || '<port>';
  const hostPort = `${target.host}:${port}`;
  // AH00957 writes the address it connected to, then the name and port from the URL.
  const address = isIpLiteral(target.host) ? hostPort : `<address of ${target.host}>:${port}`;
  switch (key) {
    case 'connectiontimeout':
      return `the TCP connect to this backend only. When it runs out httpd answers **503** (not 504), and the error log has \`(70007)The timeout specified has expired: AH00957: http: attempt to connect to ${address} (${hostPort}) failed\` then \`AH01114: HTTP: failed to make connection to backend: ${target.host}\`.`;
    case 'timeout':
      return scheme === 'fcgi'
        ? 'each wait for this backend to send or accept data (and the connect, without `connectiontimeout`). A FastCGI backend silent that long gets the client **504** (mod_proxy_fcgi): `(70007)The timeout specified has expired: AH01075: Error dispatching request to :<port the request came to>: (polling)`.'
        : `each wait for this backend to send or accept data (and the connect, without \`connectiontimeout\`). A backend silent that long before its status line gets the client **502** through mod_proxy_http (not 504): \`(70007)The timeout specified has expired: AH01102: error reading status line from remote server ${hostPort}\` then \`AH00898: Error reading from remote server returned by <request path>\`; after the header was sent, a truncated 200 (\`AH01110: error reading response\`).`;
    case 'retry':
      return `how long this worker is skipped after a connect to it failed. A balancer member in that state gets no requests (\`AH00959: ap_proxy_connect_backend disabling worker for (${hostPort}) for 60s\`, with this value), and when every member is, clients get **503**; a plain ProxyPass worker (no balancer) was tried again on every request in the lab unless it had \`status=-I\` (then **503** with \`AH00940: http: disabled connection for (${hostPort})\`).`;
    case 'acquire':
      return `the wait for a free connection in this worker's pool (milliseconds without a unit). When it runs out the client gets **503** without the backend seeing the request: \`(70007)The timeout specified has expired: AH00941: http: failed to acquire connection for (${hostPort})\`.`;
    case 'ping':
      return 'the wait for `100 Continue` (HTTP, requests with a body only) or a CPONG (AJP) before the request is sent. A backend that does not answer in time gets the client **503**: `AH00898: Timeout on 100-Continue returned by <request path>`; a request without a body still waits `timeout` and gets the usual **502**.';
    default:
      return 'TCP keepalive probes on idle connections to this backend, at the interval the operating system sets (possibly two hours). It bounds no wait and decides no status code; it does not turn HTTP keep-alive or connection reuse on or off.';
  }
}

/** Where a parameter in force comes from, seen from the hovered line. */
function origin(p: WorkerParam, node: ApacheNode, lineOf: LineOf): string {
  if (p.node === node) return 'set here';
  const at = lineLink(p.node, node);
  return `from \`${p.arg.value}\` on the ${p.node.name} of ${at}`;
}

/** A timeout as the hover states it, with the line it comes from when that is not the hovered one. */
function timeoutText(t: TimeoutValue, key: string, node: ApacheNode, lineOf: LineOf): string {
  if (t.origin !== 'worker') return `${describeTimeout(t, lineOf, node, (n) => lineLink(n, node))} — not set on this worker, so httpd takes ${t.origin === 'ProxyTimeout' ? 'ProxyTimeout' : t.origin === 'Timeout' ? 'Timeout (no ProxyTimeout)' : 'the default Timeout'}`;
  // connectiontimeout=0 (or not set) leaves the connect to the backend timeout: name the word that sets it.
  const from = t.param!.key === key ? origin(t.param!, node, lineOf) : t.param!.node === node ? `from \`${t.param!.arg.value}\` on this line` : origin(t.param!, node, lineOf);
  return `${formatSeconds(t.ms)} — ${from}`;
}

/**
 * "In force here" for one parameter of a worker: the value the worker has (its own line's, or a later ProxySet's,
 * which httpd applies to the same worker and so overrides), else what httpd falls back to. `servers` are the servers
 * whose requests use the worker: timeout and connectiontimeout fall back to each one's ProxyTimeout or Timeout.
 */
function inForce(result: ApacheLintResult, worker: Worker, key: string, node: ApacheNode, lineOf: LineOf, servers: (ApacheNode | null)[]): string[] {
  const { proxy } = result;
  const p = worker.params.get(key);
  const own = node.directive.args.find((a) => a.value.toLowerCase().startsWith(`${key}=`));
  // A value httpd refuses (connectiontimeout=0, timeout=0, ping=abc) stops it at this line: nothing is in force.
  const refused = own && checkParamValue({ key, value: own.value.slice(key.length + 1), arg: own, node });
  if (refused) return [`none — httpd refuses \`${own.value}\` and does not start (apache2 -t: "${refused}")`];
  const overridden = (q: WorkerParam | undefined) => {
    return q && own && q.node !== node && worker.node === node ? ` (httpd applies that line to this worker after this one, so \`${own.value}\` here has no effect)` : '';
  };
  if (key === 'timeout' || key === 'connectiontimeout') {
    const of = (s: ApacheNode | null) => timeoutText(key === 'timeout' ? proxy.backendTimeout(worker, s) : proxy.connectTimeout(worker, s), key, node, lineOf);
    const list = servers.length ? servers : [worker.vhost];
    const values = [...new Set(list.map(of))];
    const fallback = key === 'connectiontimeout' && !p ? ' (without `connectiontimeout` the connect waits the backend timeout)' : '';
    if (values.length === 1) return [`${values[0]}${overridden(p)}${fallback}`];
    return [`depends on the server the request came to${fallback}:`, ...values.map((v) => `- ${v}`)];
  }
  if (p) {
    const shown =
      key === 'retry' ? `${atoi(p.value)} s` : key === 'keepalive' ? (/^on$/i.test(p.value) ? 'On' : 'Off') : (() => {
        const ms = parseApacheDuration(p.value, key === 'acquire' ? 'ms' : 's');
        return ms === null ? `\`${p.value}\` (httpd refuses it)` : formatSeconds(ms);
      })();
    return [`${shown} — ${origin(p, node, lineOf)}${overridden(p)}`];
  }
  switch (key) {
    case 'retry':
      return ['60 s — not set, the default'];
    case 'acquire':
      return ['none — not set: httpd puts no time limit on the wait for a pooled connection'];
    case 'ping':
      return ['off — not set: httpd sends the request without a probe'];
    default:
      return ['Off — not set, the default'];
  }
}

/** The hover part for `key=value` on a worker line (ProxyPass, ProxyPassMatch, BalancerMember, ProxySet). */
export function paramNote(result: ApacheLintResult, worker: Worker, key: string, node: ApacheNode, lineOf: LineOf): string {
  const value = inForce(result, worker, key, node, lineOf, result.proxy.serversOf(worker));
  const head = `**\`${key}\` in force here:** ${value[0]}${value.length > 1 ? '\n' + value.slice(1).join('\n') : ''}`;
  return `${head}\n\n**Bounds:** ${bounds(key, worker.target)}`;
}
