import { hostPort } from './apache-place';
import { APACHE_NO_CONNECTION, type LogExplanation, type LogFields } from './log-patterns';
import type { NginxOutcome } from './nginx-requests';

/**
 * Which backends one httpd request tried, and what the client got. mod_proxy runs a request through a loop: it picks
 * a worker (for a balancer, a usable member), tries it, and goes round again only while the worker it just tried is
 * no longer usable and attempts are left (`while (!PROXY_WORKER_IS_USABLE(worker) && max_attempts > attempts++)` in
 * proxy_handler). A failed connect puts a member in error state (AH00959), and so does giving it up before
 * connecting, so only those make a balancer try the next member; a timeout or a bad answer after the request was
 * sent leaves the member usable and ends the request with its own status. Seen on httpd 2.4.71
 * (test/servers/explain-apache-tried.test.ts): three refused members were tried in turn and the client got 503; a
 * refused member then a live one gave 200; members that time out or reset the connection gave 502 after one try
 * each; a member whose pool was busy (AH00941) was given up for a free one, which answered 200.
 */

/** Lines of a try httpd gave up before it sent the request: a balancer goes on to another member after them. */
const GIVEN_UP = new Set(['apache-connect-failed', 'apache-unix-connect-failed', 'apache-worker-disabled', ...Object.keys(APACHE_NO_CONNECTION), 'apache-worker-in-error', 'apache-acquire-failed']);
/** Lines that start a try: a connect attempt (TCP or Unix socket), or a worker given up before connecting. */
const STARTS_TRY = new Set(['apache-connect-failed', 'apache-unix-connect-failed', 'apache-worker-in-error', 'apache-acquire-failed']);
/** Connect failures, whose errno says what the try got. */
const CONNECT = new Set(['apache-connect-failed', 'apache-unix-connect-failed', 'apache-worker-disabled', ...Object.keys(APACHE_NO_CONNECTION)]);
/** Lines about the balancer as a whole: httpd found no member to try, and answered. */
const NO_MEMBER = new Set(['apache-all-in-error', 'apache-route-in-error', 'apache-no-workers']);

/** One backend tried: the lines that name it, and what it got. */
export interface ApacheTry {
  /** The backend as httpd logs it: `127.0.0.1:9001` (AH01114 alone names the host only). */
  server: string;
  lines: number[];
  /** What went wrong, in a few words ("refused", "connect timed out", "no status line within the backend timeout"). */
  got: string;
  /** Whether httpd gave this try up before sending the request (a balancer then goes on to its next member). */
  givenUp: boolean;
}

export interface ApacheTries {
  tries: ApacheTry[];
  /** The line after which httpd tried nothing more: a failure after the request was sent, or no member left (AH01170). */
  end?: number;
  /** The first line is a timeout ((70007)): the request may have begun with a try logged that long before. */
  slowStart?: boolean;
}

/** A line of a request with what it says, its backend completed from its siblings (see borrowFromRequest). */
export interface TriedLine {
  index: number;
  text: string;
  explanation: LogExplanation;
  fields: LogFields;
}

const sameServer = (a: string, b: string) => {
  const x = hostPort(a);
  const y = hostPort(b);
  return x.host === y.host && (!x.port || !y.port || x.port === y.port);
};

/** What a connect that failed got, from the error httpd writes before the message ("(111)Connection refused: "). */
function connectGot(text: string): string {
  const m = /\((\d+)\)([^:[]+?):? (?:\[client [^\]]*\] )?AH0\d{4}:/.exec(text);
  if (!m) return 'connect failed';
  if (m[1] === '111') return 'refused';
  if (m[1] === '2' && /AH02454:/.test(text)) return 'no such socket file';
  if (m[1] === '70007') return 'connect timed out';
  return `connect failed: ${m[2].trim().toLowerCase()}`;
}

const GOT: Record<string, string> = {
  'apache-worker-in-error': 'in error state or disabled: not tried',
  'apache-acquire-failed': 'no pooled connection free within acquire=',
  'apache-read-timeout': 'no status line within the backend timeout',
  'apache-status-line-unknown-cause': 'no status line (timed out or closed: the log line has no %E error to tell)',
  'apache-100-continue-no-answer': 'no "100 Continue" in time',
  'apache-100-continue-timeout': 'no "100 Continue" in time',
  'apache-big-header': 'response header over responsefieldsize=',
  'apache-bad-header': 'bad response header',
  'apache-dns-failure': 'name did not resolve',
  'apache-tls-handshake': 'TLS handshake failed',
  'apache-tls-handshake-info': 'TLS handshake failed',
  'apache-tls-connect-failed': 'TLS handshake failed',
  'apache-tls-wrong-version': 'TLS to a port that does not speak it',
  'apache-tls-to-plain-port': 'TLS to a port that does not speak it',
  'apache-h2-no-alpn': 'no HTTP/2 in the backend\'s TLS (ALPN)',
  'apache-tls-cert-check': 'certificate check failed',
  'apache-no-ssl': 'TLS to the backend not enabled',
  'apache-pass-body-timeout': 'stopped reading the request body',
  'apache-pass-body-failed': 'request body not passed',
  'apache-body-error': 'response body cut short',
  'apache-fcgi-timeout': 'no answer within the backend timeout',
};

function gotOf(e: LogExplanation, text: string): string {
  const id = e.pattern.id;
  if (CONNECT.has(id)) return connectGot(text);
  if (id === 'apache-closed-by-backend') return /\(104\)/.test(text) ? 'reset before answering' : 'closed without answering';
  if (id === 'apache-failonstatus') return `answered ${e.pattern.status}, a status in failonstatus=`;
  return GOT[id] ?? id.replace(/^apache-/, '').replace(/-/g, ' ');
}

/** A try whose lines name no backend. */
const UNNAMED = 'the backend';

/**
 * The tries of one request, in log order. A connect attempt logs AH00957, AH00959 (a balancer member) and AH01114
 * (the host only); a read logs AH01102 and AH00898 (the path only), and AH02460 with failontimeout: the lines of one
 * try name one backend, or none, and each new AH00957 starts a try.
 */
export function apacheTries(lines: readonly TriedLine[]): ApacheTries {
  const tries: ApacheTry[] = [];
  let end: number | undefined;
  let prevId: string | undefined;
  for (const l of lines) {
    const id = l.explanation.pattern.id;
    if (NO_MEMBER.has(id)) {
      end = l.index;
      continue;
    }
    const givenUp = GIVEN_UP.has(id);
    const server = l.fields.socket ? `unix:${l.fields.socket}` : l.fields.upstream;
    const last = tries[tries.length - 1];
    // A try's later lines: AH00959 and AH01114 after its AH00957, AH00898 and AH02460 after its AH01102.
    // AH01961 (no backend named) then AH00961 (the backend) are the one TLS set-up that failed (httpd 2.4.68).
    const sslPair = id === 'apache-no-ssl' && prevId === 'apache-no-ssl' && last?.server === UNNAMED;
    // Likewise a failed certificate check (AH02039, "[remote …]" but no backend) and the AH01084, AH00898 and AH01097
    // of the same handshake after it (httpd 2.4.71, test/unit/explain-apache-tls-verify.test.ts): a try whose first
    // line names no backend takes the one a later line of it names.
    const unnamedTry = last?.server === UNNAMED && !last.givenUp;
    const joins = last && !STARTS_TRY.has(id) && last.givenUp === givenUp && (server === undefined || sameServer(last.server, server) || sslPair || unnamedTry);
    prevId = id;
    if (joins) {
      last.lines.push(l.index);
      if ((sslPair || unnamedTry) && server) last.server = server;
      // AH01102 says whether the backend timed out or closed; AH00898 after it only that reading failed. AH01084 and
      // AH01097 without (70007) only say that the body did not get through, and AH00898's "Error during SSL
      // Handshake" after AH02039 only that the handshake failed: the line before them says why, and decides the status.
      // So do mod_ssl's AH01997 and AH00898 after the "wrong version number" line that said why.
      const tlsKnown = last.got === GOT['apache-tls-cert-check'] || last.got === GOT['apache-tls-wrong-version'];
      const vague = id === 'apache-read-error' || id === 'apache-failontimeout' || id === 'apache-pass-body-failed' || ((id === 'apache-tls-handshake' || id === 'apache-tls-handshake-info') && tlsKnown);
      if (!givenUp && !vague) last.got = gotOf(l.explanation, l.text);
      if (server && !hostPort(last.server).port && hostPort(server).port) last.server = server;
      if (id === 'apache-pass-body-failed' && end !== undefined && last.lines.includes(end)) continue;
    } else tries.push({ server: server ?? UNNAMED, lines: [l.index], got: gotOf(l.explanation, l.text), givenUp });
    if (!givenUp) end = l.index;
  }
  const slowStart = lines.length > 0 && /\(70007\)/.test(lines[0].text);
  return { tries, ...(end !== undefined ? { end } : {}), ...(slowStart ? { slowStart } : {}) };
}

/** What the configuration says about how far a request's balancer could go on (see apacheOutcome). */
export type ApacheLimits =
  /** A ProxyPass worker that is no balancer member: one backend, one try. */
  | { kind: 'worker' }
  | {
      kind: 'balancer';
      name: string;
      /** Each member's backend (`host:port`). */
      members: string[];
      /** maxattempts as httpd uses it: as set, else one less than the members (0 with a single member). */
      maxattempts: number;
      /** Where that comes from, in words. */
      from: string;
    };

const tries = (n: number) => `${n} ${n === 1 ? 'try' : 'tries'}`;

/**
 * What the client got, from a request's tries. A failure after the request was sent (or no member left) ends the
 * request with its own status. After a try httpd gave up, a balancer goes on while maxattempts allows: the client got
 * 503 for sure only when these lines used every try it allows (with --in), or for a ProxyPass worker, which has no
 * other member. A try that gets an answer is not logged, so otherwise the lines do not say what the client got.
 */
export function apacheOutcome(t: ApacheTries, explanations: ReadonlyMap<number, LogExplanation>, limits?: ApacheLimits): NginxOutcome {
  const n = t.tries.length;
  if (t.end !== undefined) {
    const e = explanations.get(t.end)!;
    const id = e.pattern.id;
    if (id === 'apache-all-in-error') {
      return { status: e.pattern.status, final: true, why: `${n ? 'after these tries ' : ''}no member of ${e.fields.balancer ?? 'the balancer'} was usable (AH01170: each in error state, disabled, stopped or failing its health check), so httpd answered 503 without trying one` };
    }
    if (id === 'apache-route-in-error') return { status: e.pattern.status, final: true, why: 'the sticky route names a member in error state and nofailover=On keeps the request on it' };
    if (id === 'apache-no-workers') return { status: e.pattern.status, final: true, why: 'the balancer has no members' };
    // As statusText judges a line: a status phrase ("response cut short …", "500, 502, 504 or 408") is what it says;
    // a code with other codes beside it, or with a condition, is not sure.
    const others = e.pattern.statuses.filter((s) => s !== e.pattern.status && !e.pattern.status.startsWith(s));
    if (e.pattern.otherwise) return { status: e.pattern.status, final: false, why: e.pattern.otherwise };
    if (others.length && /^\d{3}$/.test(e.pattern.status)) return { status: e.pattern.status, final: false, why: `or ${others.join(' or ')}: the line alone does not say which` };
    const after = t.tries.find((x) => x.lines.includes(t.end!));
    return { status: e.pattern.status, final: true, why: n > 1 || limits?.kind === 'balancer' ? `a balancer goes on to another member only after one it gave up before sending the request (a failed connect, a busy pool), not after ${after ? `"${after.got}"` : 'this line'}` : 'this failure ends the request' };
  }
  const last = t.tries[n - 1];
  if (!last) return { final: false, why: 'no line says what went wrong' };
  if (limits?.kind === 'worker') return { status: '503', final: true, why: 'the backend is no balancer member (a ProxyPass worker, or a SetHandler "proxy:…"): there is no other member to go to' };
  if (limits?.kind === 'balancer') {
    const allowed = limits.maxattempts + 1;
    if (n >= allowed) return { status: '503', final: true, why: `${limits.from} allows ${tries(allowed)} in ${limits.name}, and ${n === allowed ? 'all were' : `${n} were`} used` };
    const untried = limits.members.filter((m) => !t.tries.some((x) => sameServer(m, x.server)));
    // A request whose first line is a timeout may have tried a member before it, a timeout's wait earlier (see
    // apacheRequests): then these lines are not all its tries.
    const whole = t.slowStart ? 'if these lines are the whole request (they begin with a timeout, and an earlier try of the same request would be logged that long before), ' : '';
    return {
      final: false,
      // Said for sure only when the lines begin with the request (no earlier timeout may hide a try).
      ...(whole ? {} : { wentOn: true as const }),
      why: `${whole}${limits.name} had tries left after the last line (${limits.from}: ${tries(allowed)}, ${n} in these lines), so httpd went on to another member${untried.length ? ` (not tried in these lines: ${untried.join(', ')})` : ''}; a try that gets an answer is not logged, and no later line says that one failed: what it answered (in the access log, not here) is what the client got`,
    };
  }
  return { status: '503', final: false, why: 'unless a balancer went on to another member after the last line: a try that gets an answer is not logged (with --in, the configuration says whether the backend is a balancer member and how many tries it allows)' };
}

/**
 * Within a request, what each line's status means: the first line of a try but the last says that httpd went on; that
 * of the last try (or a line about the balancer as a whole) decided the request's outcome, which the request's own
 * heading says (said again on the line, it made a request of three lines three times as long to read).
 * A try's other lines (AH00959 and AH01114 after AH00957, AH00898 after AH01102) say they are part of it.
 */
export function apacheLineRoles(lines: readonly number[], t: ApacheTries, outcome?: NginxOutcome): (string | undefined)[] {
  const lastTry = t.tries[t.tries.length - 1];
  return lines.map((i) => {
    if (i === t.end && !t.tries.some((x) => x.lines.includes(i))) return `the request's end, which decided what the client got (above)`;
    const own = t.tries.find((x) => x.lines.includes(i));
    if (!own) return undefined;
    if (own.lines[0] !== i) return `part of the same try as the line above${own === lastTry ? ' (the request\'s last)' : ''}`;
    if (own !== lastTry) return 'this try failed (503 had it been the last); httpd went on with another try after it';
    if (t.end !== undefined && !own.lines.includes(t.end)) return 'this try failed; httpd looked for another member after it and found none usable (the last line)';
    // A balancer with tries left went on to a member whose answer is not logged: this try decided nothing.
    if (outcome?.wentOn) return 'this try failed (503 had it been the last); httpd went on to another member after it, whose answer is not logged (above)';
    // Whether a balancer went on after it is not known (no --in): the heading says what the client got may differ.
    if (outcome && !outcome.final && t.end === undefined) return `the last try these lines show (${outcome.status ?? '503'} if it was the request's last; see above)`;
    return `the request's last try, which decided what the client got (above)`;
  });
}
