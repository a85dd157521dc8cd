import type { LineForGrouping } from './apache-requests';
import { explainedStatus, MAX_LOG_LINE, type LogExplanation } from './log-patterns';
import type { ErrorPageTurn } from './nginx-error-page';
import type { ConfigNode } from '../model/nginx-tree';

/**
 * nginx numbers every client connection (`*17` after `pid#tid:`) and writes that number in each line about it. A
 * request that nginx passes to a group of servers is tried on one server after the other (proxy_next_upstream), and
 * each failed try logs a line of its own: `connect() failed (111: Connection refused) while connecting to upstream …
 * upstream: "http://127.0.0.1:9001/"`, then the same for :9002, maybe `upstream server temporarily disabled`, or `no
 * live upstreams`. The client gets one status, the outcome of the last try. A try that gets an answer nginx passes on
 * is not logged at all, so the lines alone say what the last *failed* try got, not always what the client got.
 *
 * Several requests share a number when the client keeps its connection open (keep-alive), so a connection's lines
 * are split, conservatively, where they cannot be one request: another `request:`, a second try at a server already
 * tried, anything after a line that ends a request, time going backwards, or a try that fails at once (refused)
 * logged more than a second after the line before it (the next try starts as soon as the last one failed).
 * Under HTTP/2 the requests of one connection run at the same time and nginx names no stream, so the lines of two
 * identical requests (same request line) that fail on different servers at once cannot be told apart.
 */

export interface NginxLineHead {
  /** The worker's pid: connection numbers are shared by the workers of one nginx, and restart with it. */
  worker: string;
  /** `*17`. */
  connection: string;
  /** Milliseconds (nginx writes whole seconds, in local time: only differences are used). */
  time: number;
  /** The `request: "GET /x HTTP/1.1"` field, as written. */
  request?: string;
}

// 2026/11/22 13:40:01 [error] 4242#4242: *17 …
const HEAD = /^(\d{4})\/(\d\d)\/(\d\d) (\d\d):(\d\d):(\d\d) \[[a-z]+\] (\d+)#\d+: (\*\d+) /;

export function nginxLineHead(line: string): NginxLineHead | undefined {
  const text = line.trimStart();
  const m = HEAD.exec(text);
  if (!m) return undefined;
  const time = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]);
  const request = /, request: "([^"]*)"/.exec(text.length > MAX_LOG_LINE ? text.slice(0, MAX_LOG_LINE) : text)?.[1];
  return { worker: m[7], connection: m[8], time, ...(request !== undefined ? { request } : {}) };
}

/** One server tried: the lines that name it (its error line, and `upstream server temporarily disabled`). */
export interface NginxTry {
  /** The server as nginx logs it: `127.0.0.1:9001`, `[::1]:8080`, `unix:/run/app.sock`. */
  server: string;
  lines: number[];
  /** The line that says what went wrong (absent when only "temporarily disabled" names the server). */
  failure?: number;
  /** The first try after an error_page sent the request on to another location (see NginxRequest.handedOn). */
  handedOn?: true;
}

export interface NginxRequest {
  /** Indexes of the explained lines of one request, in log order (two or more). */
  lines: number[];
  connection: string;
  worker: string;
  client?: string;
  request?: string;
  tries: NginxTry[];
  /** The index of a line after which nginx tried nothing more for this request (no live upstreams, a cut body, …). */
  end?: number;
  /**
   * The lines at which an error_page had sent the request on to another location (the `continues` judgement of
   * nginxRequests): from each on, nginx tried that location's servers afresh, so only the tries after the last one
   * decide what the client got.
   */
  handedOn?: number[];
  /**
   * Stream: a line of the same connection after the last failed try that counts bytes to or from a backend ("client
   * disconnected, …, bytes from/to upstream:9/3"): a later try connected and the session carried data. Its index.
   */
  served?: number;
}

/** Lines after which nginx tries no other server for the request: it has answered, or given up. */
const ENDS = new Set([
  'nginx-no-live-upstreams', 'nginx-client-closed', 'nginx-auth-request', 'nginx-bind-failed',
  'nginx-body-timeout', 'nginx-premature-close-body', 'nginx-reset-body', 'nginx-client-send-timeout', 'nginx-upgraded-timeout',
  'nginx-invalid-chunked', 'nginx-http09-response', 'nginx-redirect-cycle', 'nginx-stream-idle-timeout', 'nginx-stream-reply-timeout',
  'nginx-stream-upstream-reset', 'nginx-stream-udp-refused', 'nginx-stream-udp-timeout', 'nginx-stream-udp-unanswered',
]);
/** Failures that happen as soon as a try starts: within a request they follow the line before at once. */
const AT_ONCE = new Set(['nginx-refused', 'nginx-no-live-upstreams', 'nginx-unreachable', 'nginx-unix-socket', 'nginx-unix-socket-denied', 'nginx-unix-socket-busy', 'nginx-unix-socket-stale', 'nginx-ports-exhausted', 'nginx-bind-failed', 'nginx-no-resolver']);
/** Lines that are about a server of the request without being a try's failure. */
const NOT_A_FAILURE = new Set(['nginx-server-disabled', 'nginx-no-live-upstreams', 'nginx-client-closed', 'nginx-redirect-cycle', 'nginx-stream-idle-timeout']);
/**
 * Lines whose `upstream:` is not a server tried by that line: a group's name ("no live upstreams"), the last server
 * the request had (the redirect cycle line), or the server of a session that simply went idle.
 */
const NAMES_NO_TRY = new Set(['nginx-no-live-upstreams', 'nginx-redirect-cycle', 'nginx-stream-idle-timeout']);

/** Whether a line of this kind says what went wrong with a try (or with the request), as opposed to "temporarily disabled" or "no live upstreams". */
export function isTryFailure(patternId: string): boolean {
  return patternId.startsWith('nginx-') && !NOT_A_FAILURE.has(patternId);
}

/** `http://127.0.0.1:9001/x?y` → `127.0.0.1:9001`; `http://unix:/run/a.sock:/x` → `unix:/run/a.sock`. */
export function serverOf(upstream: string | undefined): string | undefined {
  if (!upstream) return undefined;
  const rest = upstream.replace(/^[a-z]+:\/\//, '');
  if (rest.startsWith('unix:')) return /^unix:[^:]*/.exec(rest)![0];
  // An IPv6 address is written in brackets, its port after them ("[::1]:9401"): two ports are two servers.
  return /^(?:\[[^\]]*\](?::\d+)?|[^/?#]*)/.exec(rest)![0] || undefined;
}

interface Open extends NginxRequest {
  last: number;
  /** The index in `tries` where the current location's tries begin (after the last error_page hand-off). */
  from: number;
  lastFailure?: number;
}

/**
 * Whether the failure at `index` is the error page of the failure at `previous` (same connection and request): the
 * error_page in force where `previous` was handled sends the request to a location that passes to the backend
 * `index` names. nginx tries that location's servers afresh, the ones already tried too. `again`: `index` names a
 * server already tried since the last hand-off (else another request of a kept-alive connection).
 */
export type Continues = (previous: number, index: number, again: boolean) => boolean;

/**
 * Whether the failure at `index`, at the server the failure at `previous` (same connection and request) was at, can be
 * nginx sending the same request there again: it does so after a failure on a reused kept-alive connection when the
 * group has that one server (more servers: each is tried at most once per request).
 */
export type RetriesSame = (previous: number, index: number) => boolean;

/** `bytes from/to upstream:9/3` on a stream line: whether any byte went either way between nginx and a backend. */
const UPSTREAM_BYTES = /, bytes from\/to upstream:(\d+)\/(\d+)/;
export function upstreamBytes(text: string): string | undefined {
  const m = UPSTREAM_BYTES.exec(text);
  return m && (m[1] !== '0' || m[2] !== '0') ? `${m[1]}/${m[2]}` : undefined;
}

/** The requests of several lines: the explained nginx lines of one connection (`*N` of one worker) that are one request. */
export function nginxRequests(lines: readonly LineForGrouping[], continues?: Continues, retriesSame?: RetriesSame): NginxRequest[] {
  const done: NginxRequest[] = [];
  const open = new Map<string, Open>();
  const close = (o: Open) => {
    if (o.lines.length < 2) return;
    const { last: _, from: _f, lastFailure: _l, ...request } = o;
    done.push(request);
  };
  lines.forEach((line, index) => {
    const e = line.explanation;
    if (e && e.pattern.server !== 'nginx') return;
    const head = nginxLineHead(line.text);
    if (!head) return;
    const key = `${line.source ?? ''}\0${head.worker}\0${head.connection}`;
    let o = open.get(key);
    const server = e && !NAMES_NO_TRY.has(e.pattern.id) ? serverOf(e.fields.upstream) : undefined;
    const failure = e && !NOT_A_FAILURE.has(e.pattern.id);
    let handed = false;
    if (
      o &&
      (head.time < o.last ||
        o.end !== undefined ||
        (head.request !== undefined && o.request !== undefined && head.request !== o.request) ||
        (e && AT_ONCE.has(e.pattern.id) && head.time - o.last > 1000))
    ) {
      close(o);
      o = undefined;
    }
    const again = !!o && !!failure && server !== undefined && repeats(o.tries.slice(o.from), server);
    if (o && failure && o.lastFailure !== undefined && continues?.(o.lastFailure, index, again)) handed = true;
    else if (o && again && !(o.lastFailure !== undefined && retriesSame?.(o.lastFailure, index))) {
      close(o);
      o = undefined;
    }
    o ??= { lines: [], connection: head.connection, worker: head.worker, tries: [], last: head.time, from: 0 };
    open.set(key, o);
    o.last = head.time;
    if (head.request !== undefined) o.request ??= head.request;
    // A stream session's closing line, after a failed connect: bytes to or from a backend mean a later try worked.
    if (!e && o.lastFailure !== undefined && o.served === undefined && upstreamBytes(line.text) !== undefined) o.served = index;
    if (!e) return;
    o.lines.push(index);
    if (e.fields.client) o.client ??= e.fields.client;
    if (ENDS.has(e.pattern.id)) o.end = index;
    if (failure) o.lastFailure = index;
    if (handed) {
      (o.handedOn ??= []).push(index);
      o.from = o.tries.length;
    }
    if (server === undefined) return;
    // "temporarily disabled" comes after a refused connect's line, but before a timeout's: it joins the try next to it.
    const prev = o.tries.length > o.from ? o.tries[o.tries.length - 1] : undefined;
    const t = prev && prev.server === server && !(failure && prev.failure !== undefined) ? prev : undefined;
    if (t) {
      t.lines.push(index);
      if (failure) t.failure = index;
    } else o.tries.push({ server, lines: [index], ...(failure ? { failure: index } : {}), ...(handed ? { handedOn: true as const } : {}) });
  });
  for (const o of open.values()) close(o);
  return done.sort((a, b) => a.lines[0] - b.lines[0]);
}

/** A failure at a server this request already tried: nginx tries each server of a group once, so it is another request. */
function repeats(tries: readonly NginxTry[], server: string): boolean {
  const last = tries[tries.length - 1];
  return tries.some((t) => t.server === server && (t.failure !== undefined || t !== last));
}

/** What the lines of one request say the client got. */
export interface NginxOutcome {
  /** A status code, or a phrase (see LogPattern.status); undefined when no line says. */
  status?: string;
  /** True when nginx cannot have tried another server after the last line; else the last try may not be logged. */
  final: boolean;
  /** Why, in a sentence. */
  why: string;
  /**
   * An error_page in force where the request was handled that replaces the status nginx made (`status` above is
   * then what the client got: the error_page's, or undefined when the page's own answer decides).
   */
  errorPage?: ErrorPageTurn;
  /**
   * The *_cache_use_stale directive that lists the last failure's kind, where the request was handled: when the
   * cache held an expired copy for the request, the client got that instead (see cacheTurn).
   */
  stale?: ConfigNode;
  /**
   * "no live upstreams" after failed tries of the same request: the servers were used up by those tries (nginx tries
   * each server of a group at most once per request), not (only) marked failed. `sure`: the configuration shows the
   * tries covered every server of the group.
   */
  usedUp?: { sure: boolean };
  /** Stream: a later try took the session (see NginxRequest.served); the failed tries logged did not decide the outcome. */
  servedLater?: true;
  /** The last failure was a failed connect that nginx passed on to a server left to try: that server's answer (unlogged) is what the client got. */
  wentOn?: true;
}

/** What the configuration says about how far nginx goes on for the request, when the request was placed. */
export interface RetryLimits {
  /** The addresses nginx can try (the group's servers that are not `down`, or the pass target's own address); undefined when they cannot all be told (a host name). */
  servers?: string[];
  /** The pass target has one address whose port (or URI) comes from variables: one server to try, which `servers` cannot name. */
  oneServer?: boolean;
  /** `*_next_upstream` as written or by default ("error timeout"). */
  nextUpstream?: string[];
  /** `*_next_upstream_tries` (0: no limit). */
  maxTries?: number;
  /**
   * Whether nginx may send the request on a kept-alive connection (a group with keepalive, or any group from nginx
   * 1.29.7 on; assumed when the version is not known). A failure on such a connection does not count as a try
   * (ngx_http_upstream_next: `peer.tries++` for a cached connection's error), so *_next_upstream_tries does not make
   * the outcome sure. The server still counts as tried: in a group of several servers nginx goes on to another one and
   * never back to it (nginx 1.22.1, test/servers/explain-nginx-oncall-review.test.ts: two servers whose parked
   * connections were both stale, a GET got 502 after "no live upstreams"); only a group of one server (or a pass to
   * one address) gets the request again, on a new connection.
   */
  reuses?: boolean;
  /**
   * `*_request_buffering off` in force: nginx passes no request it has begun to send while its body was still arriving
   * to another server (ngx_http_upstream_next: `u->request_sent && r->request_body_no_buffering`), whatever its method;
   * a request without a body, or whose body came whole with the header, is buffered and passed on as usual.
   */
  unbuffered?: string;
}

/** The proxy_next_upstream word for each kind of failed try (ngx_http_upstream_next's ft_type). */
const NEXT_UPSTREAM_KIND: Record<string, string> = {
  'nginx-refused': 'error', 'nginx-kernel-connect-timeout': 'error', 'nginx-unreachable': 'error', 'nginx-unix-socket': 'error', 'nginx-unix-socket-denied': 'error', 'nginx-unix-socket-busy': 'error', 'nginx-unix-socket-stale': 'error',
  'nginx-premature-close': 'error', 'nginx-reset': 'error', 'nginx-send-failed': 'error',
  'nginx-connect-timeout': 'timeout', 'nginx-header-timeout': 'timeout', 'nginx-send-timeout': 'timeout', 'nginx-tls-handshake-timeout': 'timeout',
  // FastCGI's version byte: with fastcgi_next_upstream invalid_header nginx 1.22.1 tried the next server, by default
  // not (test/servers/wrong-protocol-to-local-listener.test.ts).
  'nginx-too-big-header': 'invalid_header', 'nginx-invalid-header': 'invalid_header', 'nginx-fastcgi-not-fastcgi': 'invalid_header', 'nginx-grpc-frame-too-large': 'invalid_header', 'nginx-grpc-rejected': 'invalid_header',
};
/** The *_next_upstream (and *_cache_use_stale) word for a kind of failed try; undefined for lines that are no such failure. */
export function failureWord(patternId: string): string | undefined {
  return NEXT_UPSTREAM_KIND[patternId];
}

/** Failures that can happen on a kept-alive connection the backend has closed (no connect() on a reused connection). */
const ON_REUSED_CONNECTION = new Set(['nginx-premature-close', 'nginx-reset', 'nginx-send-failed']);
export const reusedConnectionFailure = (patternId: string) => ON_REUSED_CONNECTION.has(patternId);
/** Failures after nginx began to send the request: not passed on for POST, LOCK and PATCH without non_idempotent (nginx 1.9.13). */
const AFTER_SENDING = new Set(['nginx-send-timeout', 'nginx-send-failed', 'nginx-header-timeout', 'nginx-premature-close', 'nginx-reset', 'nginx-too-big-header', 'nginx-invalid-header', 'nginx-grpc-frame-too-large', 'nginx-grpc-rejected']);

/** What the client of a stream session got when a later try took it (the stream access log's $status is 200 then). */
const WENT_ON = 'the answer of another server of the group';
const STREAM_SERVED = 'a working session from a later server (no HTTP status; the stream access log\'s $status says 200)';

/** Why nginx went no further after a line of ENDS. */
const END_WHY: Record<string, string> = {
  'nginx-no-live-upstreams': 'after "no live upstreams" nginx tries no server and answers 502',
  'nginx-redirect-cycle': 'nginx refused an eleventh internal redirect and ended the request with 500, its own page',
  'nginx-stream-idle-timeout': 'the session had been idle for proxy_timeout',
  'nginx-stream-reply-timeout': 'the backend sent nothing back for proxy_timeout, and nginx passes no stream session that has begun to another server',
  'nginx-stream-upstream-reset': 'nginx passes no stream session that has begun to another server',
  'nginx-stream-udp-refused': 'nginx passes no datagram it has sent to another server',
  'nginx-stream-udp-timeout': 'nginx passes no datagram it has sent to another server',
  'nginx-stream-udp-unanswered': 'the backend sent nothing back within proxy_timeout',
};

/**
 * The status of a request from its lines: `no live upstreams` (and the other lines in ENDS) end the request with
 * their own status. Otherwise the client got what the last failed try got if nginx could try no other server: every
 * server nginx could use was tried, `*_next_upstream_tries` was reached, or `*_next_upstream` does not pass that
 * failure (or that method) on. Else a later try may have got an answer, which nginx does not log.
 */
export function nginxOutcome(request: NginxRequest, explanations: ReadonlyMap<number, LogExplanation>, limits?: RetryLimits): NginxOutcome {
  const lastFailure = [...request.lines].reverse().find((i) => !NOT_A_FAILURE.has(explanations.get(i)!.pattern.id));
  // After an error_page hand-off the new location's servers are tried afresh: only its tries count.
  const from = request.handedOn?.length ? request.handedOn[request.handedOn.length - 1] : -1;
  const tries = request.tries.filter((t) => t.lines[t.lines.length - 1] >= from);
  if (request.end !== undefined) {
    const e = explanations.get(request.end)!;
    const failedTries = tries.filter((t) => t.failure !== undefined && t.failure < request.end!);
    // "no live upstreams" right after failed tries of the same request: nginx picks no server twice for one request
    // (the round robin's "tried" bits), so once each server of the group had its try nothing is left, even with no
    // server at max_fails (nginx 1.22.1: max_fails=3, one failure each, test/servers/explain-nginx-oncall-review.test.ts).
    if (e.pattern.id === 'nginx-no-live-upstreams' && failedTries.length > 0) {
      const servers = [...new Set(failedTries.map((t) => t.server))];
      const sure = !!limits?.servers?.length && limits.servers.every((s) => servers.includes(s));
      const why = sure
        ? `every server of the group (${servers.length}) had already been tried for this request, and nginx tries a server at most once per request: none was left, whether or not max_fails had marked any of them failed, so the cause is what those tries logged`
        : `this request had already tried ${servers.length === 1 ? 'a server' : `${servers.length} servers`} of the group, and nginx tries a server at most once per request: if the group has no other server, none was left even with none marked failed (max_fails), and the cause is what those tries logged; else the others had been marked failed by earlier failures or are down`;
      return { status: e.pattern.status, final: true, why, usedUp: { sure } };
    }
    return { status: e.pattern.status, final: true, why: END_WHY[e.pattern.id] ?? 'nginx tries no other server after this line' };
  }
  // Stream: the session's closing line counts bytes to and from a backend after the last failed connect: a later
  // server took the session (nginx 1.22.1, a refused server then its backup, test/servers/explain-nginx-oncall-review.test.ts).
  if (request.served !== undefined && (lastFailure === undefined || request.served > lastFailure)) {
    return {
      status: STREAM_SERVED,
      final: true,
      why: 'a later line of this connection counts bytes to and from a backend, so a later try connected and the session carried data; the failed tries logged before it did not decide what the client got',
      servedLater: true,
    };
  }
  const lastTry = tries[tries.length - 1];
  if (lastTry && lastTry.failure === undefined && (lastFailure === undefined || lastTry.lines[0] > lastFailure)) {
    return { final: false, why: `no line says what ${lastTry.server} did: nginx counted its answer as a failure (an http_5xx that *_next_upstream lists) and went on, and what the client got then is not logged` };
  }
  if (lastFailure === undefined) return { final: false, why: 'no line says what went wrong' };
  const failed = explanations.get(lastFailure)!;
  if (failed.fields.subrequest) return { final: false, why: `the last failed try was for the subrequest ${failed.fields.subrequest}: ${explainedStatus(failed)}` };
  const status = failed.pattern.status;
  const tried = tries.map((t) => t.server);
  const word = NEXT_UPSTREAM_KIND[failed.pattern.id];
  if (limits?.nextUpstream && word) {
    if (limits.nextUpstream.includes('off')) return { status, final: true, why: `*_next_upstream is off: nginx passes no failed request to another server` };
    if (!limits.nextUpstream.includes(word)) return { status, final: true, why: `*_next_upstream does not list "${word}", so nginx did not pass this failure to another server` };
    const method = failed.fields.method;
    // gRPC: said below, for every method; non_idempotent would not change it.
    if (method && ['POST', 'LOCK', 'PATCH'].includes(method) && AFTER_SENDING.has(failed.pattern.id) && !limits.nextUpstream.includes('non_idempotent') && limits.unbuffered !== 'grpc_pass') {
      return { status, final: true, why: `a ${method} that was already sent is not passed to another server without non_idempotent in *_next_upstream` };
    }
  }
  // Checked on nginx 1.22.1 (test/servers/explain-nginx-requests.test.ts, a PUT of 2 MB to a group of two): one
  // try, then 502, though the other server was never tried.
  if (limits?.unbuffered && AFTER_SENDING.has(failed.pattern.id)) {
    // Before the keep-alive hedge below: ngx_http_upstream_next stops at request_sent && request_body_no_buffering
    // whether the connection was reused or not (read in nginx's source; the reuse case was not run here). One server
    // is said the simple way.
    if (limits.unbuffered === 'grpc_pass' && (limits.servers?.length === 1 || limits.oneServer)) return { status, final: true, why: 'the request had one server to go to' };
    if (limits.unbuffered === 'grpc_pass') return { status, final: true, why: 'grpc_pass streams the request to the backend as it comes (gRPC requests are never buffered), so nginx could not pass a request it had begun to send to another server, whatever grpc_next_upstream lists' };
    // *_request_buffering off streams only a body that is still arriving: a request without one, or whose body came
    // whole with the header, is buffered and passed on as usual (nginx 1.22.1, test/servers/unbuffered-body-retry.test.ts:
    // a GET and a 10-byte POST went on to the second server, 200 KiB uploads did not). A GET or HEAD is judged as any
    // request below; for other methods the log does not say how large the body was.
    const method = failed.fields.method;
    if (method !== 'GET' && method !== 'HEAD') {
      return {
        status,
        final: false,
        why: `${limits.unbuffered} is off: if the ${method ?? 'request'}'s body was still arriving when nginx began to send it (an upload), nginx could not pass it to another server and the client got this; a body that came whole with the request header is passed on as usual, and a try that gets an answer is not logged`,
      };
    }
  }
  // Checked on nginx 1.22.1 (evidence scenario keepalive-timeout-races-backend, a group of one server, GET retried): a
  // GET whose reused connection the backend closed logs "upstream prematurely closed connection" and then gets 200 on
  // a new one. With several servers the server that failed is not tried again for the request (see RetryLimits.reuses):
  // the servers tried then still tell, as below; only *_next_upstream_tries does not.
  const reused = !!limits?.reuses && ON_REUSED_CONNECTION.has(failed.pattern.id);
  if (reused && !(limits?.servers && limits.servers.length > 1)) {
    return { status, final: false, why: `if nginx tried nothing more after the last line: a failure on a reused keep-alive connection does not count as a try, and nginx sends the request again on a new connection${limits?.servers?.length === 1 || limits?.oneServer ? ', to the same server (the only one)' : ' (to the same server when it is the only one)'}; a try that gets an answer is not logged` };
  }
  if (limits?.maxTries && tried.length >= limits.maxTries && !reused) return { status, final: true, why: `*_next_upstream_tries ${limits.maxTries} reached` };
  if (limits?.oneServer && tried.length > 0) return { status, final: true, why: 'the request had one server to go to' };
  if (limits?.servers && limits.servers.length > 0 && limits.servers.every((s) => tried.includes(s))) {
    return { status, final: true, why: limits.servers.length === 1 ? 'the request had one server to go to' : `every server nginx could use (${limits.servers.length}) was tried` };
  }
  const untried = limits?.servers?.filter((s) => !tried.includes(s));
  // A failed connect sends nothing, and *_next_upstream passes it on (the checks above): with a server left, nginx went
  // on to it, and that try logged no failure ("no live upstreams" too would be a line of this connection), so the client
  // got its answer (nginx 1.22.1: grpc_next_upstream error, a refused server and a working one, 200 after one refused
  // line, test/servers/explain-nginx-oncall-review.test.ts; the /mixed/1 request of the explain-nginx-requests fixture).
  if (untried?.length && limits?.nextUpstream && word && NOTHING_SENT.has(failed.pattern.id)) {
    return {
      status: WENT_ON,
      final: false,
      why: `(not logged): a failed connect sends nothing, so *_next_upstream (${word}) passed the request on to ${untried.length === 1 ? untried[0] : `another server (not tried in these lines: ${untried.join(', ')})`}, and no line of this connection says that try failed`,
      wentOn: true,
    };
  }
  return {
    status,
    final: false,
    why: `if nginx tried no other server after the last line${untried?.length ? ` (not tried in these lines: ${untried.join(', ')})` : ''}; a try that gets an answer is not logged`,
  };
}

/**
 * What the client got for a failed try logged alone (no other line of its connection beside it), when the
 * configuration leaves nginx no other try: the same judgement as nginxOutcome for a request of that one line (one
 * server to go to, *_next_upstream off or not passing that failure or a sent POST on, *_next_upstream_tries 1). With
 * more servers (a backup too) another try may have answered, which nginx does not log: undefined then, as it is
 * without the configuration.
 */
export function loneOutcome(index: number, e: LogExplanation, limits: RetryLimits | undefined): NginxOutcome | undefined {
  if (!limits || !isTryFailure(e.pattern.id) || ENDS.has(e.pattern.id)) return undefined;
  const server = serverOf(e.fields.upstream);
  if (server === undefined) return undefined;
  const lone: NginxRequest = { lines: [index], connection: '', worker: '', tries: [{ server, lines: [index], failure: index }] };
  const o = nginxOutcome(lone, new Map([[index, e]]), limits);
  return o.final && o.status !== undefined ? o : undefined;
}

/**
 * For a failed try logged alone whose outcome is not sure because nginx may have sent it on a kept-alive connection
 * (loneOutcome gives nothing then): the condition the status holds under. The line's own words ("if no other server
 * of the group was tried after it: the next lines with the same *connection number tell") would mislead there: nginx
 * resends such a request on a new connection (to the same server when the group has only that one), and a resend that
 * gets an answer is not logged, so no later line tells (nginx 1.22.1: a GET to a group of one server with keepalive
 * got 200 after this line).
 */
export function loneReuseHedge(index: number, e: LogExplanation, limits: RetryLimits | undefined): NginxOutcome | undefined {
  if (!limits?.reuses || !ON_REUSED_CONNECTION.has(e.pattern.id)) return undefined;
  const server = serverOf(e.fields.upstream);
  if (server === undefined) return undefined;
  const lone: NginxRequest = { lines: [index], connection: '', worker: '', tries: [{ server, lines: [index], failure: index }] };
  const o = nginxOutcome(lone, new Map([[index, e]]), limits);
  return !o.final && o.status !== undefined ? o : undefined;
}

/**
 * Failures before nginx sent anything, at once (no timer runs out, so *_next_upstream_timeout cannot have ended the
 * request): nginx passes any method on after them (non_idempotent is about a request already sent).
 */
const NOTHING_SENT = new Set(['nginx-refused', 'nginx-unreachable', 'nginx-unix-socket', 'nginx-unix-socket-denied', 'nginx-unix-socket-busy', 'nginx-unix-socket-stale']);

/**
 * For a failed connect logged alone (no other line of its connection), at a place whose group has another server and
 * whose *_next_upstream passes that failure on: nginx sent the request on to another server, and that try logged no
 * failure ("no live upstreams" too would be a line of the same connection), so the client got that server's answer.
 * nginx 1.22.1, test/servers/explain-nginx-oncall-review.test.ts: grpc_next_upstream error, a refused server and a
 * working one, 200 with one refused line. Undefined when the configuration leaves room for doubt.
 */
export function loneWentOn(index: number, e: LogExplanation, limits: RetryLimits | undefined): NginxOutcome | undefined {
  const server = serverOf(e.fields.upstream);
  if (!limits || server === undefined || !isTryFailure(e.pattern.id) || ENDS.has(e.pattern.id)) return undefined;
  const lone: NginxRequest = { lines: [index], connection: '', worker: '', tries: [{ server, lines: [index], failure: index }] };
  const o = nginxOutcome(lone, new Map([[index, e]]), limits);
  // The servers it names differ from line to line of one entry: said without them, so that the lines agree.
  return o.wentOn ? { ...o, why: o.why.replace(/passed the request on to .*?, and no line/, 'passed the request on to another server, and no line') } : undefined;
}

const GOT: Record<string, string> = {
  'nginx-refused': 'refused', 'nginx-connect-timeout': 'connect timed out', 'nginx-kernel-connect-timeout': 'connect timed out (kernel)',
  'nginx-tls-handshake-timeout': 'TLS handshake timed out', 'nginx-send-timeout': 'timed out sending the request',
  'nginx-header-timeout': 'no response header within the read timeout', 'nginx-unreachable': 'unreachable', 'nginx-unix-socket': 'no such socket file', 'nginx-unix-socket-denied': 'permission denied on the socket', 'nginx-unix-socket-busy': 'socket\'s listen queue full', 'nginx-unix-socket-stale': 'nothing listens on the socket',
  'nginx-ports-exhausted': 'no local port free', 'nginx-premature-close': 'closed without a response', 'nginx-reset': 'reset',
  'nginx-send-failed': 'closed while the request was sent', 'nginx-too-big-header': 'response header too big', 'nginx-invalid-header': 'invalid response',
  'nginx-fastcgi-no-header': 'no response header', 'nginx-tls-name': 'certificate name mismatch', 'nginx-tls-verify': 'certificate not verified',
  'nginx-tls-wrong-version': 'TLS to a plain-HTTP port', 'nginx-tls-handshake': 'TLS handshake failed', 'nginx-tls-no-alpn': 'no HTTP/2 in the backend\'s TLS', 'nginx-memcached-invalid-response': 'not a memcached answer', 'nginx-fastcgi-not-fastcgi': 'not a FastCGI answer',
  'nginx-stream-upstream-reset': 'reset during the session', 'nginx-stream-udp-refused': 'UDP port unreachable', 'nginx-stream-udp-timeout': 'no answer within proxy_timeout', 'nginx-stream-udp-unanswered': 'no answer',
  'nginx-stream-reply-timeout': 'no reply within proxy_timeout',
};

/** What one try got, in a few words: the kind of its failure line, or what "temporarily disabled" alone means. */
export function tryLabel(failure: LogExplanation | undefined): string {
  if (!failure) return 'answered with a status *_next_upstream lists, such as 502, not logged';
  return GOT[failure.pattern.id] ?? failure.pattern.id.replace(/^nginx-/, '').replace(/-/g, ' ');
}

/** The outcome with the error_page in force where the request was handled: what the client got in place of nginx's status. */
export function withErrorPage(o: NginxOutcome, turn: ErrorPageTurn | undefined): NginxOutcome {
  if (!turn) return o;
  return { ...o, status: turn.status, errorPage: turn };
}

const defaultWhere = (node: ConfigNode) => `${node.file.path}:${node.file.lines.positionAt(node.directive.start).line + 1}`;

/** "error_page at nginx.conf:9, in place of nginx's 502": what a turn says about itself, in brackets. */
export function errorPageNote(turn: ErrorPageTurn, where: (node: ConfigNode) => string = defaultWhere): string {
  return `error_page at ${where(turn.node)}${turn.status !== turn.generated ? `, in place of nginx's ${turn.generated}` : ''}`;
}

/** "the client got …" ends with this: the status and why it is sure, or the condition under which it holds. */
export function outcomeText(o: NginxOutcome, where: (node: ConfigNode) => string = defaultWhere): string {
  // A stale copy is sent only when nginx gives up on the last try: said for a sure outcome (an unsure one says
  // "if nginx tried no other server", and the note on the cache says the rest).
  const stale = o.stale && o.final ? `a stale copy from the cache if it held an expired one for this request (${o.stale.name} at ${where(o.stale)}), else ` : '';
  if (o.errorPage) {
    const note = errorPageNote(o.errorPage, where);
    return o.final ? `the client got ${stale}${o.errorPage.answer} (${note}; ${o.why})` : `the client got ${o.errorPage.answer} (${note}) ${o.why}`;
  }
  if (!o.status) return `what the client got is not in these lines (${o.why})`;
  return o.final ? `the client got ${stale}${o.status} (${o.why})` : `the client got ${o.status} ${o.why}`;
}

/** "127.0.0.1:9001 (refused), then 127.0.0.1:9002 (refused)". */
export function triedText(tried: readonly { server: string; got: string; handedOn?: true }[], name: (server: string) => string = (x) => x): string {
  // The same try over and over (an error page that sends the request back to itself) is said once, with a count.
  const runs: { t: (typeof tried)[number]; n: number }[] = [];
  for (const t of tried) {
    const last = runs[runs.length - 1];
    if (last && last.t.server === t.server && last.t.got === t.got && !!last.t.handedOn === !!t.handedOn) last.n++;
    else runs.push({ t, n: 1 });
  }
  return runs.map(({ t, n }, k) => `${k === 0 ? '' : t.handedOn ? ', then, as the error page, ' : ', then '}${name(t.server)} (${t.got})${n > 1 ? ` ${n} times` : ''}`).join('');
}

/**
 * Within a request, what each line's status means: the failure line of each try but the last says that nginx went
 * on; the last one decided the outcome, which the request's heading says. Other lines ("temporarily disabled", "no live upstreams") are
 * undefined: their own status text stands.
 */
export function nginxLineRoles(lines: readonly LogExplanation[], outcome?: NginxOutcome): (string | undefined)[] {
  const failures = lines.map((e, n) => (isTryFailure(e.pattern.id) ? n : -1)).filter((n) => n >= 0);
  const lastFailure = failures[failures.length - 1];
  const ended = lastFailure !== undefined && lines.slice(lastFailure + 1).some((e) => ENDS.has(e.pattern.id));
  return lines.map((e, n) => {
    // The group's name in its "upstream:", not a server: the tries above it had used up the group for this request.
    if (outcome?.usedUp && e.pattern.id === 'nginx-no-live-upstreams') {
      return `the client got ${e.pattern.status}: ${outcome.usedUp.sure ? 'every server of the group had been tried above for this request' : 'the servers tried above could not be tried again for this request'}, and nginx does not pick a server twice for one request, so none was left; the cause is what those tries logged, not servers marked failed or down`;
    }
    if (!failures.includes(n)) return undefined;
    if (outcome?.servedLater) return 'this try failed; nginx went on to a later server, which took the session (see above)';
    if (n !== lastFailure || ended || outcome?.wentOn) return `this try failed (${e.pattern.status} had it been the last); nginx went on with the request after it`;
    return `the request's last failed try, which decided what the client got (above)`;
  });
}
