import { hostPort } from './apache-place';
import { APACHE_NO_CONNECTION, type LogExplanation, type LogFields } from './log-patterns';

/**
 * httpd logs one failed proxied request in several lines, all from the worker thread that handled it: for a refused
 * connect `AH00957 … attempt to connect to 127.0.0.1:9 (127.0.0.1:9) failed`, then (balancer members only) `AH00959
 * … disabling worker for (127.0.0.1:9)`, then `[client …] AH01114 … failed to make connection to backend: 127.0.0.1`,
 * which names the host only. A thread handles one request at a time, so consecutive lines of one `[pid N:tid M]` a
 * moment apart are one request, and a line that cannot say which backend it was about can use its siblings'.
 * (Lines logged for the server rather than the request, like AH00957, carry no `[client …]`.)
 */

/** Lines of one thread further apart than this are not taken for one request (each attempt's lines are µs apart). */
export const REQUEST_WINDOW_MS = 1000;

/**
 * Lines httpd writes first for a request, when it gives a worker up before connecting: AH00940 (the worker is in error
 * state or disabled) and AH00941 (no pooled connection free within acquire=). On 2.4.71 each was the only line of its
 * request (503); a balancer may go on to another member, whose lines follow.
 */
const FIRST_OF_REQUEST = new Set(['apache-worker-in-error', 'apache-acquire-failed']);

export interface ApacheLineHead {
  /** `pid 6832:tid 6855` (`pid 6832` under the prefork MPM, where a process handles one request at a time). */
  thread: string;
  /** Milliseconds, from httpd's local time (only differences are used). */
  time: number;
  client?: string;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
// The default ErrorLogFormat: [Sun Nov 22 14:33:49.357225 2026] [proxy:error] [pid 6832:tid 6839] …
const CTIME = /^\[(?:\w{3} )?(\w{3}) +(\d{1,2}) (\d\d):(\d\d):(\d\d)(?:\.(\d+))? (\d{4})\]/;
// ErrorLogFormat with %{cu}t: [2026-11-22 14:33:49.357225]
const ISO = /^\[(\d{4})-(\d\d)-(\d\d)[ T](\d\d):(\d\d):(\d\d)(?:\.(\d+))?\]/;
const THREAD = /\[pid (\d+)(?::tid (\d+))?\]/;
const HEAD_CHARS = 512;

/**
 * The time, thread and client httpd wrote before the message; undefined when the line lacks the time or the thread.
 * `fallbackTime` is the time of the line's syslog header: httpd writes no time of its own in what it sends to syslog.
 */
export function apacheLineHead(line: string, fallbackTime?: number): ApacheLineHead | undefined {
  // httpd writes all three before the message: a long line (or a pasted blob) is not scanned to its end.
  const text = line.trimStart().slice(0, HEAD_CHARS);
  const thread = THREAD.exec(text);
  if (!thread) return undefined;
  let time: number | undefined;
  const c = CTIME.exec(text);
  if (c && MONTHS.includes(c[1])) time = Date.UTC(+c[7], MONTHS.indexOf(c[1]), +c[2], +c[3], +c[4], +c[5]) + fraction(c[6]);
  const i = c ? undefined : ISO.exec(text);
  if (i) time = Date.UTC(+i[1], +i[2] - 1, +i[3], +i[4], +i[5], +i[6]) + fraction(i[7]);
  time ??= fallbackTime;
  if (time === undefined) return undefined;
  const client = /\[client ([^\]]+)\]/.exec(text)?.[1];
  return { thread: `pid ${thread[1]}${thread[2] ? `:tid ${thread[2]}` : ''}`, time, ...(client ? { client } : {}) };
}

function fraction(digits: string | undefined): number {
  return digits ? Number(`0.${digits}`) * 1000 : 0;
}

export interface LineForGrouping {
  text: string;
  /** The service or pod of a container log, or the host of a syslog line: threads are only unique within one. */
  source?: string;
  /** The time of the line's syslog header (see UnwrappedLine). */
  time?: number;
  explanation?: LogExplanation;
}

export interface ApacheRequest {
  /** Indexes of the explained lines of one request, in log order (two or more). */
  lines: number[];
  thread: string;
  client?: string;
}

interface Open {
  thread: string;
  lines: number[];
  last: number;
  client?: string;
  path?: string;
  /** Connect attempts seen (AH00957 text): a second one to the same address is another request. */
  attempts: Set<string>;
  /** Backends given up before connecting (AH00940, AH00941): a later line about the same one is another request. */
  refused: Set<string>;
  /** How many of `lines` come up to the last line that said which request it is (client or path). */
  identified: number;
  /**
   * Where lines taken for the balancer's next try begin while no line has yet said they are this request's (a second
   * attempt at a member, or a timeout after a gap): the next line that names the client confirms them, or, naming
   * another client, starts another request with them.
   */
  tentative?: number;
}

/**
 * Whether lines logged `gapMs` after the lines of `request` (indexes) are that request's next try: a balancer's next
 * member timed out (AH00957 or AH01102 with (70007)), and the wait fits that member's timeout in the configuration.
 */
export type ContinuesAfterGap = (request: readonly number[], index: number, gapMs: number) => boolean;

/**
 * The requests of several lines: the explained httpd lines of one thread, each within REQUEST_WINDOW_MS of the
 * thread's previous line. A line that says which request it is (its `[client …]` or path) and disagrees with the
 * group, or a second connect attempt to the same address, starts another request: the lines after the group's last
 * identified line go with it, since httpd writes a request's server-level lines (AH00957, AH00959) before its own.
 * An AH00940 or AH00941 line starts another request too (see FIRST_OF_REQUEST), and a later line about the backend
 * it names is yet another one. Lines proxylint does not explain take part in that (their client), but are not part of
 * a request.
 *
 * After a balancer member's failed connect (see goesOn) httpd goes on with the same request, so two things that
 * would otherwise end it are taken for its next try until a line names the client (the same one: a 503 closes the
 * client's connection, so no later request comes over it): a second attempt at a member, and, when
 * `continuesAfterGap` (the configuration) says the wait fits, a timeout logged after a gap.
 */
export function apacheRequests(lines: readonly LineForGrouping[], continuesAfterGap?: ContinuesAfterGap): ApacheRequest[] {
  const done: ApacheRequest[] = [];
  const open = new Map<string, Open>();
  const push = (l: number[], o: Open, client = o.client) => {
    if (l.length >= 2) done.push({ lines: l, thread: o.thread, ...(client ? { client } : {}) });
  };
  const close = (o: Open, upTo = o.lines.length) => {
    // Lines never confirmed as the balancer's next try are a request of their own.
    const to = o.tentative !== undefined ? Math.min(upTo, o.tentative) : upTo;
    push(o.lines.slice(0, to), o);
    if (o.tentative !== undefined && upTo === o.lines.length) push(o.lines.slice(o.tentative), o, undefined);
  };
  const idOf = (i: number) => lines[i].explanation?.pattern.id;
  lines.forEach((line, index) => {
    const e = line.explanation;
    if (e && e.pattern.server !== 'apache') return;
    // mod_proxy_hcheck's probe lines come from its own threads and belong to no request.
    if (e && HEALTH_CHECK_LINES.has(e.pattern.id)) return;
    const head = apacheLineHead(line.text, line.time);
    if (!head) return;
    const key = `${line.source ?? ''}\0${head.thread}`;
    let o = open.get(key);
    let joined = false;
    // Time going backwards (logs of two hosts concatenated) ends the request as much as a gap does; so does a gap,
    // unless it is the wait of the balancer's next try (see goesOn, ContinuesAfterGap).
    if (o && (head.time - o.last > REQUEST_WINDOW_MS || head.time < o.last)) {
      const gap = head.time - o.last;
      if (gap > 0 && e && SLOW.has(e.pattern.id) && /\(70007\)/.test(line.text) && goesOn(o.lines, idOf) && continuesAfterGap?.(o.lines, index, gap)) joined = true;
      else {
        close(o);
        o = undefined;
      }
    }
    const first = e !== undefined && FIRST_OF_REQUEST.has(e.pattern.id);
    const backend = e?.fields.upstream;
    if (o && (first || (backend !== undefined && o.refused.has(backend)))) {
      close(o);
      o = undefined;
    }
    const client = head.client;
    const path = e?.fields.path;
    const attempt = e ? attemptOf(line.text) : undefined;
    // A balancer whose members are all in error state tries them again within the request (forcerecovery, while
    // maxattempts allows: on 2.4.71 two refused members with maxattempts=4 were tried five times for one client), so
    // a second attempt at a member right after a failed try of a member is taken for the same request until a
    // line names the client. A ProxyPass worker is not put in error state (no AH00959), and its request ends there.
    const again = !!attempt && !!o && o.attempts.has(attempt) && goesOn(o.lines, idOf);
    if (o && (again || joined) && o.tentative === undefined) o.tentative = o.lines.length;
    if (o && ((client && o.client && client !== o.client) || (path && o.path && path !== o.path) || (attempt && o.attempts.has(attempt) && !again))) {
      const carried = o.lines.slice(o.identified);
      close(o, o.identified);
      const tried = new Set(carried.map((i) => attemptOf(lines[i].text)).filter((a): a is string => !!a));
      // Carried lines that already tried this address are a request of their own (left ungrouped); this line starts the next.
      o = attempt && tried.has(attempt) ? { thread: head.thread, lines: [], last: o.last, attempts: new Set(), refused: new Set(), identified: 0 } : { thread: head.thread, lines: carried, last: o.last, attempts: tried, refused: new Set(), identified: 0 };
    }
    o ??= { thread: head.thread, lines: [], last: head.time, attempts: new Set(), refused: new Set(), identified: 0 };
    open.set(key, o);
    o.last = head.time;
    if (e) o.lines.push(index);
    if (attempt) o.attempts.add(attempt);
    if (first && backend !== undefined) o.refused.add(backend);
    if (client) o.client ??= client;
    if (path) o.path ??= path;
    if (client || path) {
      o.identified = o.lines.length;
      o.tentative = undefined;
    }
  });
  for (const o of open.values()) close(o);
  return done.sort((a, b) => a.lines[0] - b.lines[0]);
}

const HEALTH_CHECK_LINES = new Set(['apache-hc-connect-failed', 'apache-hc-disabling']);

/** Lines of a try that can end a timeout's wait after the try before it: a connect or a read that timed out. */
const SLOW = new Set(['apache-connect-failed', 'apache-unix-connect-failed', 'apache-read-timeout']);

/**
 * Whether the request's lines end with a connect attempt that put its worker in error state (AH00957, AH00959, then
 * AH01114): the balancer goes on to another try after it, while maxattempts allows. A ProxyPass worker logs no
 * AH00959 (it stays in service on 2.4.71), and its request ends with the 503.
 */
function goesOn(request: readonly number[], idOf: (i: number) => string | undefined): boolean {
  const ids = request.map(idOf);
  const last = ids[ids.length - 1];
  if (last === undefined || !(last in APACHE_NO_CONNECTION)) return false;
  const start = Math.max(ids.lastIndexOf('apache-connect-failed'), ids.lastIndexOf('apache-unix-connect-failed'));
  return start >= 0 && ids.slice(start).includes('apache-worker-disabled');
}

/** AH00957's "127.0.0.1:9 (127.0.0.1:9)": the address of one connect attempt, and the backend as configured. */
function attemptOf(text: string): string | undefined {
  return /attempt to connect to (?:Unix domain socket )?(\S+ \([^)]*\))/.exec(text)?.[1];
}

/** What a line of a request took from its siblings, and the sentence that says so. */
export interface Borrowed {
  fields: LogFields;
  /** How the fields were taken, said in the answer; none when saying it would mislead (see the AH01961 case). */
  note?: string;
}

const code = (text: string) => /AH\d{5}/.exec(text)?.[0] ?? 'previous';

/** "failed to make connection to backend: host" of mod_proxy_http (AH01114), mod_proxy_fcgi (AH01079) and the others. */
const CONNECTION_LOST = new Set(Object.keys(APACHE_NO_CONNECTION));

/** AH00898 lines that name the request path of a read whose AH01102, just before, names the backend. */
const READ_RESULT = new Set(['apache-read-error', 'apache-100-continue-timeout']);

/**
 * For each line of one request, what it can take from the others, or undefined:
 * - a backend named by its host only (AH01114) gets the port of the line just before it that names a backend, when
 *   that is the same host: httpd logs the AH00957 (and AH00959) of a connect attempt right before its AH01114, and a
 *   balancer's next attempt starts with another AH00957;
 * - AH00898 ("Error reading from remote server", "Timeout on 100-Continue"; it names the request path) gets the
 *   backend of the line just before it (the AH01102 of the same read);
 * - a line without the request path (AH01102, AH10124, AH01114) gets it from a sibling that names it (AH00898, AH01106):
 *   with it, of several workers with the same backend, the one whose ProxyPass the path matches is the one (on 2.4.71
 *   `/ps/x` timed out after its worker's timeout=3 although an earlier ProxyPass to the same host:port had timeout=2).
 */
export function borrowFromRequest(lines: readonly { text: string; explanation: LogExplanation }[]): (Borrowed | undefined)[] {
  return lines.map(({ explanation: e }, i) => {
    let fields = e.fields;
    const notes: string[] = [];
    const before = lines.slice(0, i).reverse().find((l) => l.explanation.fields.upstream);
    const prev = lines[i - 1]?.explanation;
    if (CONNECTION_LOST.has(e.pattern.id) && prev?.pattern.id === 'apache-unix-connect-failed' && prev.fields.socket) {
      // AH01114/AH01079 name the URL's host ("localhost"); the AH02454 just before it names the socket, which tells
      // the worker.
      fields = { ...fields, upstream: undefined, socket: prev.fields.socket };
      notes.push(`the AH02454 line before it in the same request (same httpd thread) names the socket`);
    } else if (fields.upstream) {
      const own = hostPort(fields.upstream);
      const theirs = before && hostPort(before.explanation.fields.upstream!);
      if (!own.port && before && theirs && theirs.host === own.host && theirs.port) {
        fields = { ...fields, upstream: before.explanation.fields.upstream };
        notes.push(`the line names the host only, the ${code(before.text)} line before it in the same request (same httpd thread) names the port`);
      }
    } else if (READ_RESULT.has(e.pattern.id) && before && hostPort(before.explanation.fields.upstream!).port) {
      fields = { ...fields, upstream: before.explanation.fields.upstream };
      notes.push(`the ${code(before.text)} line before it in the same request (same httpd thread) names the backend`);
    } else if (e.pattern.id === 'apache-tls-wrong-version' && prev?.pattern.id === 'apache-tls-connect-failed' && prev.fields.upstream) {
      // mod_ssl's reason line names no backend; the AH02003 right before it, of the same handshake, does. No note, as
      // for AH01961 below.
      fields = { ...fields, upstream: prev.fields.upstream };
    } else if (e.pattern.id === 'apache-no-ssl') {
      // AH01961 names no backend; the AH00961 right after it, of the same failed TLS set-up, does. No note: the two
      // lines are one kind, explained once, and the note would be shown for the AH00961 line too.
      const next = lines[i + 1];
      if (next?.explanation.pattern.id === 'apache-no-ssl' && next.explanation.fields.upstream) fields = { ...fields, upstream: next.explanation.fields.upstream };
    }
    if (!fields.path) {
      const sibling = lines.find((l) => l.explanation.fields.path);
      if (sibling) {
        fields = { ...fields, path: sibling.explanation.fields.path };
        notes.push(`the ${code(sibling.text)} line of the same request (same httpd thread) names the path`);
      }
    }
    return notes.length ? { fields, note: notes.join('; ') } : fields !== e.fields ? { fields } : undefined;
  });
}
