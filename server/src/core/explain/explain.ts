import type { Finding } from '../finding';
import type { NginxTarget } from '../model/nginx-defaults';
import type { ConfigNode, NginxConfig } from '../model/nginx-tree';
import type { UpstreamGraph } from '../model/nginx-upstreams';
import type { Balancer, ProxyModel } from '../model/apache-proxy';
import { virtualHostOf, type ApacheConfig, type ApacheNode } from '../model/apache-tree';
import { apacheConfigPlace, joinHttpdStartupLines } from './apache-config-place';
import { findApachePlace, hostPort, sameBackend, workerAddress, type ApachePlace, type ApacheValue } from './apache-place';
import { apacheRequests, borrowFromRequest, REQUEST_WINDOW_MS, type Borrowed, type ContinuesAfterGap } from './apache-requests';
import { apacheLineRoles, apacheOutcome, apacheTries, type ApacheLimits } from './apache-tries';
import { APACHE_CONTINUE_NO_ANSWER, APACHE_TLS_TO_PLAIN_PORT, HEALTH_CHECK_PROBE, NGINX_REFUSED_WRITTEN_IP, asStreamExplanation, explainedStatus, explainLogLine, type LogExplanation } from './log-patterns';
import { evidenceKey, mergeEvidence, serverEvidence, serversOfEvidence, type ServerEvidence } from './apache-servers';
import { unwrapLogLines } from './log-wrappers';
import { errorPageLocation, errorPagePlace, findNginxPlace, groupValuesAt, resolverNames, retryLimits, valuesAt, type NginxPlace, type PlaceCandidate, type ValueHere } from './nginx-place';
import { failureWord, reusedConnectionFailure, loneOutcome, loneReuseHedge, loneWentOn, nginxOutcome, nginxRequests, serverOf, tryLabel, withErrorPage, type NginxOutcome, type RetryLimits } from './nginx-requests';
import { errorPageFor, type ErrorPageTurn } from './nginx-error-page';
import { cacheTurn, type CacheTurn } from './nginx-cache';
import { apacheBigHeaderStep, apacheSniStep, nginxBigHeaderStep, nginxFastcgiResetStep, nginxSniStep } from './next-step';
import { PASS_DIRECTIVES } from '../model/nginx-upstreams';
import { apacheSetups, nginxSetups, rulesHere, type Setup } from './rules-here';
import { apacheTlsValues } from './apache-tls-values';
import { isIpLiteral } from '../rules/nginx/addresses-support';

/** An nginx configuration already linted, to place log lines in: the CLI's --in, or the editor's workspace entries. */
export interface CheckedNginx {
  config: NginxConfig;
  findings: Finding[];
  target: NginxTarget;
  /** The pass targets and groups: a line's backend address confirms the location (see findNginxPlace). */
  upstreams?: UpstreamGraph;
}

/** An httpd configuration already linted: its proxy model (workers, rules, timeouts) and findings. */
export interface CheckedApache {
  proxy: ProxyModel;
  findings: Finding[];
  /** Its files: a start-up line names a file and line, placed in them (see apacheConfigPlace). */
  config?: ApacheConfig;
}

/** One distinct explanation: the same kind of line at the same place is reported once, with a count. */
export interface ExplainedEntry {
  explanation: LogExplanation;
  count: number;
  /** How many of those lines are not part of a request of several lines (see ExplainedRequest). */
  alone: number;
  /** The first line of this kind that is not part of a request of several lines (else the first one), trimmed (and unwrapped from a container log's JSON or prefix). `explanation` is that line's. */
  example: string;
  place?: NginxPlace;
  /** The configuration the place is in. */
  checked?: CheckedNginx;
  values: ValueHere[];
  /** Apache lines: the backend the line names (or the rule its path matches), with its timeouts. */
  apache?: ApachePlace;
  /**
   * The line's rules (its pattern's) that can apply where it was placed (see rulesHere): all of them when it was not
   * placed, or not for sure.
   */
  rules: string[];
  /** What proxylint reports, for the line's rules, on the lines that applied to the request: the handling block's own and those of the levels it inherits from, not a nested location's (Apache: on the worker's and the rule's lines). */
  findings: Finding[];
  /**
   * A line about a configuration nginx refused (`[emerg]`, no request): where each of `findings` is, which are then
   * the errors of the line's rules anywhere in the configurations given (the line names no place proxylint can use).
   */
  findingAt?: { path: string; line: number }[];
  /**
   * An httpd line about a configuration file (a start-up failure, an .htaccess file), with configurations given: the
   * files read with them that the line's file is (the same path, or the same last path segments), or none.
   */
  configFiles?: string[];
  /**
   * nginx: what the client got for the lines of this entry that are not part of a request of several lines, when the
   * configuration leaves nginx no other server to try after each of them (see loneOutcome) and they all agree.
   */
  outcome?: NginxOutcome;
  /**
   * nginx: when there is no sure outcome because nginx may have sent the lone lines' requests on a kept-alive
   * connection and then resent them unlogged (see loneReuseHedge), the condition their status holds under, when they
   * all agree; or, for a failed connect that nginx passed on to another server (see loneWentOn), what the client got
   * instead. It replaces the line's own condition ("the next lines with the same *connection number tell").
   */
  hedge?: NginxOutcome;
  /** nginx: the error_page in force where the example line was handled that replaces the status it made. */
  errorPage?: ErrorPageTurn;
  /** nginx: what the cache in force where the example line was handled does to its failure (see cacheTurn). */
  cache?: CacheTurn;
  /** nginx "no live upstreams": the `server … down` lines, when every server of the group the line names is down. */
  allDown?: ConfigNode[];
  /** A concrete change that cures the line (a header over the size limit: the sizes to write), see next-step.ts. */
  nextStep?: string;
}

/**
 * Lines that are one request, each still explained on its own: httpd's lines of one worker thread a moment apart
 * (see apacheRequests), nginx's lines of one connection number (see nginxRequests). The same sequence of kinds at the
 * same places (and, for nginx, with the same outcome) is reported once, with a count.
 */
export interface ExplainedRequest {
  server: 'nginx' | 'apache';
  count: number;
  /** httpd: the first request's thread (`pid 6832:tid 6855`); nginx: its connection (`*17`) and worker (`4242`). Each after the container's name in a container log. */
  thread: string;
  client?: string;
  /**
   * Each line, its kind at its place (shared with other lines), what the line itself says (its backend, path), and
   * where the line itself was placed: the same block and location as its entry's, but the words saying how name this
   * line's path and backend, not those of the first line of its kind.
   */
  lines: { entry: ExplainedEntry; text: string; explanation: LogExplanation; place?: NginxPlace }[];
  /** nginx: the request line as logged (`GET /api/orders HTTP/1.1`). */
  request?: string;
  /**
   * The backends tried, in order, and what each got (the kind of its failure line); nginx's `handedOn`: the first try
   * after an error_page sent the request on.
   */
  tried?: { server: string; got: string; handedOn?: true }[];
  /** What the client got, from the last lines (and, with the configuration, how far the server could go on). */
  outcome?: NginxOutcome;
  /** httpd: what each line's status means within the request (see apacheLineRoles), by line. */
  roles?: (string | undefined)[];
}

export interface ExplainedLog {
  entries: ExplainedEntry[];
  /** Requests logged in several lines (httpd and nginx). Their lines are counted in `entries` as well. */
  requests: ExplainedRequest[];
  /** Non-blank lines that are not about a failed proxied request, or not known. */
  unknown: number;
  blank: number;
}

/**
 * Explains error-log lines and, for nginx lines, places each in the configuration whose server block fits it best
 * (see placeIn), or lists the blocks of each configuration that fit it as well. httpd lines are grouped by request, and a line that cannot say which backend it was about takes
 * that from the other lines of its request. Lines wrapped by docker or Kubernetes are read inside their wrapper.
 */
/**
 * What the client got for the entry's line, in words. An Apache line placed at a worker that belongs to no balancer
 * (one backend; the placing not in doubt) had no other member to go on to, so a connect failure's 503 is sure.
 */
/**
 * "the client got 504" for a request's line; for a line about a configuration nginx refused there was no client: it
 * says what happened to nginx instead (a reload keeps the configuration that ran before: nginx 1.22.1's `-s reload`
 * stopped at the same [emerg] and the old configuration went on answering).
 */
export function clientGot(x: ExplainedEntry): string {
  const status = entryStatus(x);
  // A health check probe's line: no client to speak of (the status says so).
  if (x.explanation.pattern.statuses.includes(HEALTH_CHECK_PROBE)) return status;
  if (!x.explanation.pattern.statuses.includes('startup-failure')) return `the client got ${status}`;
  return x.explanation.pattern.server === 'apache' ? `${status} (${HTTPD_RELOAD})` : `${status} (no request is involved; a reload keeps the configuration that ran before)`;
}

/**
 * What a refused configuration does to a running httpd. On 2.4.71, `apache2 -k graceful` (what apachectl graceful and
 * Debian's `systemctl reload apache2` run, after `apache2 -t`) printed these lines and left the running server answering
 * with its old configuration; a SIGUSR1 sent to the running parent logged them in its error log after "AH00493:
 * SIGUSR1 received" and the server exited (test/servers/explain-apache-startup.test.ts).
 */
const HTTPD_RELOAD = 'no request is involved; apachectl graceful and systemctl reload check the configuration first and leave the running httpd on the one before, but a running httpd sent SIGUSR1 directly reads it, logs these lines and exits';

export function entryStatus(x: ExplainedEntry): string {
  const balancer = x.apache && !x.apache.ambiguous ? !!(x.apache.worker?.balancer ?? x.apache.balancer) : undefined;
  return explainedStatus(x.explanation, balancer);
}

/** The start of an nginx error-log record: "2026/11/24 07:08:58 [error] …". */
const NGINX_RECORD = /^\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d \[/;
/**
 * Records whose quoted message may go on over the next physical lines, by how the quote opens and how the record
 * ends: a FastCGI stderr record (a PHP stack trace), and the bytes a listen with proxy_protocol got instead of its
 * header (a plain HTTP request, one header per line; nginx 1.22.1, test/servers/explain-nginx-proxy-protocol.test.ts).
 */
const MULTI_LINE_RECORDS: readonly { open: RegExp; end: RegExp }[] = [
  { open: /FastCGI sent in stderr: "/, end: /" while (?:reading response header from upstream|reading upstream)/ },
  { open: /broken header: "/, end: /" while reading PROXY protocol/ },
];
/** nginx writes at most 2 KiB of a record (NGX_MAX_ERROR_STR, 2,048 bytes with the line feed): no more lines than that. */
const MAX_CONTINUATION_LINES = 64;
const NGX_MAX_ERROR_STR = 2048;

/**
 * php-fpm's stderr often holds line breaks (a PHP fatal error with its stack trace), and nginx writes them as they
 * are (nginx 1.22.1, php-fpm 8.2): the record's end (`" while reading response header from upstream, client: …`) is
 * on a later physical line. Such a record is read as one line, at its first line; the lines it goes on over count as
 * blank, so each line given is still accounted for once.
 *
 * A record longer than nginx's 2,048 bytes is cut there, end and all: the last physical line stops mid-word and the
 * next record follows (test/servers/explain-nginx-fastcgi-stderr-cut.test.ts). Then the record runs to the next
 * line that starts a record, if what lies between fits in 2,048 bytes; it is read without its end (nginx-fastcgi-
 * stderr-cut). Lines beyond that are not nginx's, and nothing is joined.
 */
function joinContinuations<T extends { text: string }>(lines: T[]): T[] {
  for (let i = 0; i < lines.length; i++) {
    const first = lines[i].text;
    const kind = MULTI_LINE_RECORDS.find((k) => k.open.test(first));
    if (!kind || kind.end.test(first)) continue;
    let end = -1;
    let j = i + 1;
    for (; j < lines.length && j <= i + MAX_CONTINUATION_LINES && !NGINX_RECORD.test(lines[j].text); j++) {
      if (kind.end.test(lines[j].text)) {
        end = j;
        break;
      }
    }
    if (end < 0) {
      // No end: the record stops before the next one (or the input's end), trailing blank lines aside.
      let last = j - 1;
      while (last > i && lines[last].text.trim() === '') last--;
      let bytes = 0;
      for (let k = i; k <= last; k++) bytes += utf8Length(lines[k].text) + 1;
      // Only where the stretch ends at a record's start or the input's end (not at the line limit).
      const atRecordOrEnd = j >= lines.length || NGINX_RECORD.test(lines[j].text);
      if (last === i || bytes > NGX_MAX_ERROR_STR || !atRecordOrEnd) continue;
      end = last;
    }
    lines[i] = { ...lines[i], text: lines.slice(i, end + 1).map((l) => l.text).join(' ') };
    for (let j = i + 1; j <= end; j++) lines[j] = { ...lines[j], text: '' };
    i = end;
  }
  return lines;
}

/** Bytes of `s` in UTF-8: nginx's limit is in bytes. */
function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    n += c < 0x80 ? 1 : c < 0x800 ? 2 : c >= 0xd800 && c < 0xdc00 ? (i++, 4) : 3;
  }
  return n;
}

export function explainLog(rawLines: readonly string[], configs: readonly CheckedNginx[], apacheConfigs: readonly CheckedApache[] = []): ExplainedLog {
  const lines = joinHttpdStartupLines(joinContinuations(unwrapLogLines(rawLines))).map((l) => ({ ...l, explanation: l.text.trim() === '' ? undefined : explainLogLine(l.text) }));
  // A resolver's own line ("send() failed … while resolving, resolver: 127.0.0.1:53") does not say whether an http or
  // a stream lookup failed: when only stream blocks name that DNS server, it was a stream connection's.
  // A log repeats the same few DNS servers thousands of times: each is looked up in the configurations once.
  const streamOnly = new Map<string, boolean>();
  for (const l of lines) {
    const e = l.explanation;
    const dns = e?.pattern.server === 'nginx' && !e.fields.stream ? e.fields.resolver : undefined;
    if (!dns || configs.length === 0) continue;
    let stream = streamOnly.get(dns);
    if (stream === undefined) {
      const naming = configs.flatMap((c) => c.config.all.filter((n) => n.name === 'resolver' && resolverNames(n, dns)));
      streamOnly.set(dns, (stream = naming.length > 0 && naming.every((n) => n.context.startsWith('stream'))));
    }
    if (stream) l.explanation = asStreamExplanation(e!);
  }
  const requests = apacheRequests(lines, apacheConfigs.length ? nextTryAfterGap(lines, apacheConfigs) : undefined);
  // A (70007) AH01102 says what the client got only with the line after it: "AH00898: Timeout on 100-Continue" means
  // httpd was waiting for "100 Continue" and answered 503; "Error reading from remote server", 502. So does an
  // AH01102 for a backend that closed the connection: with that AH00898 after it the client got 502; a later request
  // of a kept-alive client connection, which gets no answer, has no AH00898 (test/servers/explain-apache-oncall.test.ts).
  for (const r of requests) {
    const ids = new Set(r.lines.map((i) => lines[i].explanation!.pattern.id));
    for (const i of r.lines) {
      const e = lines[i].explanation!;
      // mod_ssl's info line for a failed handshake says "sending 502": with AH10273 in the request the backend was an
      // h2:// one, and mod_proxy_http2 answered 503; with AH00898 after it, mod_proxy_http answered 500
      // (test/servers/explain-apache-http2-backend.test.ts).
      // So do its AH02003 and the "SSL Library Error" reason line after it.
      if (MOD_SSL_INFO.has(e.pattern.id)) {
        const status = ids.has('apache-h2-no-alpn') ? '503' : ids.has('apache-tls-handshake') ? '500' : undefined;
        if (status) lines[i].explanation = { ...e, pattern: { ...e.pattern, status, statuses: [status], otherwise: undefined } };
        continue;
      }
      // AH00898 "Error during SSL Handshake" after mod_ssl's "wrong version number": the port does not speak TLS, which
      // is all there is to say (no certificate or SNI cause, and no SNI next step).
      if (e.pattern.id === 'apache-tls-handshake' && ids.has('apache-tls-wrong-version')) {
        lines[i].explanation = { ...e, pattern: APACHE_TLS_TO_PLAIN_PORT };
        continue;
      }
      if (e.pattern.id === 'apache-closed-by-backend' && ids.has('apache-read-error')) lines[i].explanation = { ...e, pattern: { ...e.pattern, statuses: ['502'], otherwise: undefined } };
      // Without the error in front (an ErrorLogFormat with no %E) only a timeout can be followed by "Timeout on
      // 100-Continue"; "Error reading from remote server" follows both a timeout and a close, and both got 502.
      if (e.pattern.id === 'apache-status-line-unknown-cause') {
        if (ids.has('apache-100-continue-timeout')) lines[i].explanation = { ...e, pattern: APACHE_CONTINUE_NO_ANSWER };
        else if (ids.has('apache-read-error')) lines[i].explanation = { ...e, pattern: { ...e.pattern, statuses: ['502'], otherwise: undefined } };
        continue;
      }
      if (e.pattern.id !== 'apache-read-timeout') continue;
      if (ids.has('apache-100-continue-timeout')) lines[i].explanation = { ...e, pattern: APACHE_CONTINUE_NO_ANSWER };
      else if (ids.has('apache-read-error')) lines[i].explanation = { ...e, pattern: { ...e.pattern, statuses: ['502'], otherwise: undefined } };
    }
  }
  // What a request's lines say about the server it came to (see serverEvidence), for each of them.
  const evidence = new Map<number, ServerEvidence>();
  // Every rule that reported in the configurations given (--in), per server: see rulesHere.
  const lintedNginx = configs.length ? new Set(configs.flatMap((c) => c.findings.map((f) => f.ruleId))) : undefined;
  const lintedApache = apacheConfigs.length ? new Set(apacheConfigs.flatMap((c) => c.findings.map((f) => f.ruleId))) : undefined;
  const tails = apacheConfigs.flatMap((c) => (c.proxy.errorLogFormat.tail ? [c.proxy.errorLogFormat.tail] : []));
  for (const r of requests) {
    const merged = mergeEvidence(r.lines.map((i) => serverEvidence(lines[i].text, lines[i].explanation!.fields, tails)));
    if (merged) for (const i of r.lines) evidence.set(i, merged);
  }
  lines.forEach((l, i) => {
    if (l.explanation?.pattern.server !== 'apache' || evidence.has(i)) return;
    const own = serverEvidence(l.text, l.explanation.fields, tails);
    if (own) evidence.set(i, own);
  });
  const borrowed = new Map<number, Borrowed>();
  for (const r of requests) {
    borrowFromRequest(r.lines.map((i) => ({ text: lines[i].text, explanation: lines[i].explanation! }))).forEach((b, n) => {
      if (b) borrowed.set(r.lines[n], b);
    });
  }

  // A log repeats the same request and backend many times: each is placed once (placing looks at every server block).
  const places = new Map<string, Placed>();
  const placeLine = (index: number, balancers?: ReadonlySet<Balancer>): Placed => {
    const explanation = lines[index].explanation!;
    const took = borrowed.get(index);
    const f = took?.fields ?? explanation.fields;
    const apacheKey = explanation.pattern.server === 'apache' ? `${explanation.pattern.id}\0${f.balancer}\0${f.serverPort}\0${evidenceKey(evidence.get(index))}` : '';
    const placeKey = `${explanation.pattern.server}\0${f.serverName}\0${f.host}\0${f.path}\0${f.upstream}\0${f.socket ?? ''}\0${took?.note ?? ''}\0${balancers ? [...balancers].map((b) => b.name).join(' ') : ''}\0${apacheKey}`;
    let placed = places.get(placeKey);
    if (!placed) {
      placed = explanation.pattern.server === 'nginx' ? { found: placeIn(configs, explanation) } : { apache: apachePlaceIn(apacheConfigs, { ...explanation, fields: f }, took?.note, balancers, evidence.get(index)) };
      places.set(placeKey, placed);
    }
    return placed;
  };
  const placedAt: Placed[] = [];
  lines.forEach((line, index) => {
    // A configuration nginx refused served no request: there is no block to place the line in.
    // Nor is there one for an httpd line about a configuration file (an .htaccess file): it is placed at that file.
    if (line.explanation) placedAt[index] = line.explanation.pattern.statuses.includes('startup-failure') || line.explanation.pattern.inConfig ? {} : placeLine(index);
  });
  // A balancer's request tries several members: a line whose backend is both a member and another worker (a
  // ProxyPass of its own, a member of another balancer) belongs to the balancer that a sibling line's member is in.
  for (const r of requests) {
    const balancers = new Set(r.lines.map((i) => placedAt[i].apache?.place).filter((p) => p && !p.ambiguous && p.worker?.balancer).map((p) => p!.worker!.balancer!));
    if (balancers.size === 0) continue;
    for (const i of r.lines) if (placedAt[i].apache?.place.ambiguous) placedAt[i] = placeLine(i, balancers);
  }
  // What a line means where it was placed, when the line alone left it open (see placedExplanation).
  lines.forEach((line, index) => {
    if (line.explanation && placedAt[index]) line.explanation = placedExplanation(line.explanation, placedAt[index]);
  });

  // How far nginx could go on with a request handled at a place (for the lines of one request, and for lone lines).
  const limitsAt = new Map<Placed, RetryLimits | undefined>();
  const limitsOf = (index: number): RetryLimits | undefined => {
    const placed = placedAt[index];
    const found = placed.found;
    if (!found?.place.location) return undefined;
    if (!limitsAt.has(placed)) {
      const family = lines[index].explanation!.fields.family ?? 'proxy';
      const at = (location: ConfigNode, c = found.checked) => retryLimits(c.config, location, c.upstreams, family, c.target);
      const limits = at(found.place.location);
      // Blocks the line cannot tell apart: how far nginx could go on is known only when they all agree.
      const others = (found.place.others ?? []).map((o) => (o.location ? JSON.stringify(at(o.location, o.checked)) : ''));
      limitsAt.set(placed, others.every((o) => o === JSON.stringify(limits)) ? limits : undefined);
    }
    return limitsAt.get(placed);
  };
  // An error_page where the request was handled replaces the status nginx made (the client got the page's answer).
  const errorPageOf = (index: number, status: string | undefined): ErrorPageTurn | undefined => {
    const found = placedAt[index].found;
    if (!found) return undefined;
    const turnAt = (c: PlaceCandidate) => {
      // A request an error_page already sent here gets no second error page (recursive_error_pages is off by
      // default): the new failure's status is what the client got.
      const scope = c.location ?? c.server;
      const checked = ('checked' in c && c.checked) || found.checked;
      if (c.handoff?.some((h) => h.via.name === 'error_page') && valuesAt(checked.config, scope, ['recursive_error_pages'], checked.target)[0].value !== 'on') return undefined;
      const turn = errorPageFor(checked.config, scope, status, checked.target);
      // An error page that is proxied in its turn answers only if its own try works; when that fails, a line for the
      // same connection follows (and joins the request: see `continues` below).
      const page = turn && errorPageLocation(c.server, turn.node);
      const proxied = page?.children.some((x) => (PASS_DIRECTIVES as readonly string[]).includes(x.name));
      return proxied && turn ? { ...turn, answer: `${turn.answer}, if that location's own ${page!.children.find((x) => (PASS_DIRECTIVES as readonly string[]).includes(x.name))!.name} worked (had it failed, a line for the same connection would follow)` } : turn;
    };
    const turn = turnAt(found.place);
    // Blocks the line cannot tell apart, with different error pages: none is said to have answered.
    return (found.place.others ?? []).every((o) => turnAt(o)?.node === turn?.node) ? turn : undefined;
  };
  // A failure on the same connection and request right after one that an error_page handles, at a location that
  // error page leads to, is the error page's own try (nginx 1.22.1: `error_page 502 /err502` with /err502 passing to
  // the same dead backend logs the backend twice for *N, the second with the page's URI). It is placed there: what
  // is in force there, and whether another error page follows (recursive_error_pages), are that location's.
  const continues = (prev: number, next: number, again: boolean): boolean => {
    const a = placedAt[prev]?.found;
    const b = placedAt[next]?.found;
    if (!a?.place.location || !b || a.checked !== b.checked) return false;
    // A failure placed where the earlier one was, at a server not yet tried there, is the next server of that location.
    if (!again && b.place.location === a.place.location && !b.place.handoff) return false;
    const turn = errorPageOf(prev, lines[prev].explanation!.pattern.status);
    if (!turn) return false;
    const fields = lines[next].explanation!.fields;
    const how = `${a.place.how.split('; ')[0]}; the request's error page: the error_page in force where its earlier failure (the line before on the same connection) was handled sent it to this location, which passes to ${serverOf(fields.upstream) ?? 'the line\'s backend'}`;
    const place = errorPagePlace(a.place, turn.node, fields, a.checked.upstreams, how);
    if (!place) return false;
    placedAt[next] = { found: { place, checked: a.checked } };
    return true;
  };
  // A second failure at the same server for the same connection and request is the request sent again, not another
  // request, where nginx does that: after a failure on a reused kept-alive connection, in a group of that one server
  // (nginx 1.22.1 with php-fpm behind fastcgi_keep_conn: two resets 4 s apart for one GET, one 502;
  // test/servers/explain-nginx-oncall-review.test.ts). A client that sent the same request again on its connection would
  // log the same lines: the grouping takes the likelier reading.
  const retriesSame = (prev: number, next: number): boolean => {
    const a = placedAt[prev]?.found;
    const b = placedAt[next]?.found;
    if (!a?.place.location || a.place.location !== b?.place.location || !reusedConnectionFailure(lines[prev].explanation!.pattern.id)) return false;
    const limits = limitsOf(next);
    return !!limits?.reuses && (limits.servers?.length === 1 || !!limits.oneServer);
  };
  const ngxRequests = nginxRequests(lines, continues, retriesSame);
  const inRequest = new Set([...requests, ...ngxRequests].flatMap((r) => r.lines));
  // The cache in force where a line was handled, for the status nginx made (see cacheTurn).
  const cacheOf = (index: number, status: string | undefined): CacheTurn | undefined => {
    const found = placedAt[index].found;
    const e = lines[index].explanation!;
    if (!found?.place.location || e.fields.subrequest || found.place.others?.length) return undefined;
    return cacheTurn(found.checked.config, found.place.location, e.fields.family ?? 'proxy', e.fields.method, failureWord(e.pattern.id), status, found.checked.target);
  };
  const withStale = (o: NginxOutcome, index: number): NginxOutcome => {
    const stale = o.final && o.status !== undefined ? cacheOf(index, o.errorPage?.generated ?? o.status)?.stale : undefined;
    return stale ? { ...o, stale: stale.node } : o;
  };
  // Lone lines of one entry: their sure outcome while they all have the same one (null once one differs or is unsure).
  const lone = new Map<ExplainedEntry, NginxOutcome | null>();
  const hedges = new Map<ExplainedEntry, NginxOutcome | null>();
  const addLone = (entry: ExplainedEntry, index: number) => {
    const e = lines[index].explanation!;
    if (e.pattern.server !== 'nginx') return;
    const hedge = loneReuseHedge(index, e, limitsOf(index)) ?? loneWentOn(index, e, limitsOf(index)) ?? null;
    const said = hedges.get(entry);
    if (!hedges.has(entry)) hedges.set(entry, hedge);
    else if (said && (!hedge || hedge.why !== said.why || hedge.status !== said.status)) hedges.set(entry, null);
    const sure = loneOutcome(index, e, limitsOf(index));
    const o = sure && withStale(withErrorPage(sure, errorPageOf(index, sure.status)), index);
    const seen = lone.get(entry);
    if (seen === undefined && !lone.has(entry)) lone.set(entry, o ?? null);
    else if (seen && (!o || o.status !== seen.status || o.why !== seen.why || o.errorPage?.node !== seen.errorPage?.node || o.stale !== seen.stale)) lone.set(entry, null);
  };

  const byKey = new Map<string, ExplainedEntry>();
  const keyOf: string[] = [];
  let unknown = 0;
  let blank = 0;
  lines.forEach((line, index) => {
    if (line.text.trim() === '') {
      blank++;
      return;
    }
    const explanation = line.explanation;
    if (!explanation) {
      unknown++;
      return;
    }
    const { found, apache } = placedAt[index];
    const at = found ? found.place.location ?? found.place.server : apache?.place.node;
    // A guess among several workers (or server blocks) is not counted with the lines that were placed there for
    // sure, nor with a guess among other ones.
    // Requests handed on to one location by different routes are kept apart too: an error_page route, say, leaves
    // no second error page for the failure there.
    const nodeKey = (n: ConfigNode) => `${n.file.path}:${n.directive.start}`;
    const routeKey = (c: PlaceCandidate) => [c.location ?? c.server, ...(c.handoff ?? []).map((h) => h.via)].map(nodeKey).join('>');
    const others = found ? [found.place, ...(found.place.others ?? [])].map(routeKey).join(' ') : '';
    // nginx lines of another method are kept apart: whether a failed request is passed on, and whether the cache
    // serves it, depend on the method. Not the path: the place (location) is in the key already, and the cache,
    // error page and retries in force there are the same for every path it handles; a log of one failure over
    // thousands of URLs with ids in them is one entry with a count, not thousands.
    const request = explanation.pattern.server === 'nginx' ? explanation.fields.method ?? '' : '';
    // Apache: lines of one worker whose values differ (their requests came to different servers) are kept apart.
    const values = apache ? JSON.stringify(apache.place.values.map((v) => [v.name, v.value, v.origin, v.scope?.label])) : '';
    // httpd lines about a configuration file are kept apart by the file and line they name.
    const named = explanation.pattern.inConfig ? `${explanation.fields.configFile ?? ''}:${explanation.fields.configLine ?? ''}` : '';
    // Lines whose meaning says something of their own values (what a gRPC frame length decodes to) are kept apart by it.
    const detail = explanation.pattern.detail ? explanation.pattern.meaning : '';
    const key = `${explanation.pattern.id}\0${at ? `${at.file.path}\0${at.directive.start}` : ''}\0${apache?.place.ambiguous ? 'guess' : ''}\0${others}\0${request}\0${values}\0${named}\0${detail}`;
    keyOf[index] = key;
    const alone = inRequest.has(index) ? 0 : 1;
    const seen = byKey.get(key);
    if (seen) {
      seen.count++;
      if (alone && !seen.alone) {
        seen.example = line.text.trim();
        seen.explanation = explanation;
        // The same block or worker, but the words saying how it was found name a path and backend: the example's own.
        seen.place = found?.place ?? seen.place;
        seen.apache = apache?.place ?? seen.apache;
      }
      seen.alone += alone;
      if (alone) addLone(seen, index);
      return;
    }
    const scope = found && (found.place.location ?? found.place.server);
    const startup = explanation.pattern.server === 'nginx' && explanation.pattern.statuses.includes('startup-failure') ? startupFindings(configs, explanation.pattern.rules) : undefined;
    const inConfig = explanation.pattern.inConfig && apacheConfigs.length ? apacheConfigPlace(apacheConfigs, explanation.fields, explanation.pattern.rules) : undefined;
    const entry: ExplainedEntry = {
      explanation,
      count: 1,
      alone,
      example: line.text.trim(),
      place: found?.place,
      checked: found?.checked,
      rules: explanation.pattern.rules,
      values: found && scope ? [...valuesWithOthers(found, explanation.directives), ...groupValues(found, explanation)] : [],
      apache: apache?.place,
      findings: inConfig ? inConfig.findings.map((s) => s.finding) : startup ? startup.map((s) => s.finding) : found && scope ? [{ at: scope, checked: found.checked }, ...(found.place.others ?? []).map((o) => ({ at: o.location ?? o.server, checked: o.checked ?? found.checked }))].flatMap(({ at, checked }) => findingsIn(checked, at, explanation.pattern.rules)) : apache ? apacheFindings(apache, explanation.pattern.rules) : [],
      ...(startup ? { findingAt: startup.map((s) => s.at) } : {}),
      ...(inConfig ? { findingAt: inConfig.findings.map((s) => s.at), configFiles: inConfig.files } : {}),
    };
    entry.rules = startup || inConfig
      ? [...explanation.pattern.rules]
      : rulesHere(explanation.pattern.rules, found && scope ? nginxPlaceSetups(found) : apache ? apacheSetups(apache.place) : undefined, entry.findings, explanation.pattern.server === 'nginx' ? lintedNginx : lintedApache);
    // A subrequest's failure (auth_request) is not what the client got, so no error_page is said to replace it.
    // After a redirect cycle nginx makes no more internal redirects: no error_page can answer its 500.
    const turn = explanation.fields.subrequest || explanation.pattern.id === 'nginx-redirect-cycle' ? undefined : errorPageOf(index, explanation.pattern.status);
    if (turn) entry.errorPage = turn;
    const cache = explanation.pattern.server === 'nginx' ? cacheOf(index, explanation.pattern.status) : undefined;
    if (cache) entry.cache = cache;
    const down = explanation.pattern.id === 'nginx-no-live-upstreams' && found ? allServersDown(found.checked, explanation.fields.upstream) : undefined;
    if (down) entry.allDown = down;
    const step = nextStepOf(explanation, line.text, found && scope ? { config: found.checked.config, scope, target: found.checked.target } : undefined, apache?.place.worker, apache?.place.values) ?? ([nginxFastcgiResetStep(explanation.pattern.id, explanation.fields.family), keepaliveStep(entry.values)].filter(Boolean).join('; else, ') || undefined);
    if (step) entry.nextStep = step;
    byKey.set(key, entry);
    if (alone) addLone(entry, index);
  });
  for (const [entry, outcome] of lone) if (outcome) entry.outcome = outcome;
  // An error_page or the cache may still change what the client got: the hedge is said only where neither does.
  for (const [entry, hedge] of hedges) if (hedge && !entry.outcome && !entry.errorPage && !entry.cache?.stale) entry.hedge = hedge;

  const requestsByKey = new Map<string, ExplainedRequest>();
  // An AH01079/AH01114 after an AH02454 names the URL's host ("localhost" of unix:/run/php/x.sock|fcgi://localhost),
  // which is only the worker's name: the socket the AH02454 names is the backend the line is about, so it is shown.
  const withSocket = (i: number): LogExplanation => {
    const e = lines[i].explanation!;
    const socket = borrowed.get(i)?.fields.socket;
    return socket && !e.fields.socket ? { ...e, fields: { ...e.fields, socket } } : e;
  };
  const addRequest = (indexes: number[], key: string, make: () => Omit<ExplainedRequest, 'count' | 'lines'>) => {
    const seen = requestsByKey.get(key);
    if (seen) seen.count++;
    else requestsByKey.set(key, { ...make(), count: 1, lines: indexes.map((i) => ({ entry: byKey.get(keyOf[i])!, text: lines[i].text.trim(), explanation: withSocket(i), ...(placedAt[i].found ? { place: placedAt[i].found!.place } : {}) })) });
  };
  const withSource = (index: number, what: string) => (lines[index].source ? `${lines[index].source} ${what}` : what);
  for (const r of requests) {
    const t = apacheTries(r.lines.map((i) => ({ index: i, text: lines[i].text, explanation: lines[i].explanation!, fields: borrowed.get(i)?.fields ?? lines[i].explanation!.fields })));
    const outcome = apacheOutcome(t, new Map(r.lines.map((i) => [i, lines[i].explanation!])), apacheLimits(r.lines.map((i) => placedAt[i]), evidence.get(r.lines[0])));
    const tried = t.tries.map((x) => ({ server: x.server, got: x.got }));
    const roles = apacheLineRoles(r.lines, t, outcome);
    const key = `apache\n${r.lines.map((i) => keyOf[i]).join('\n')}\n${tried.map((x) => x.got).join('\n')}\n${outcome.status}\n${outcome.final}\n${outcome.why}`;
    addRequest(r.lines, key, () => ({ server: 'apache', thread: withSource(r.lines[0], r.thread), ...(r.client ? { client: r.client } : {}), tried, outcome, roles }));
  }
  const explanations = new Map(lines.flatMap((l, i) => (l.explanation ? [[i, l.explanation] as const] : [])));
  for (const r of ngxRequests) {
    // The configuration says how far nginx could go on: read where the request's last placed line was handled.
    const at = [...r.lines].reverse().find((i) => placedAt[i].found?.place.location);
    const limits = at === undefined ? undefined : limitsOf(at);
    const made = nginxOutcome(r, explanations, limits);
    const cycle = r.end !== undefined && explanations.get(r.end)!.pattern.id === 'nginx-redirect-cycle';
    const turn = at === undefined || cycle ? undefined : errorPageOf(at, made.status);
    let outcome = at === undefined ? made : withErrorPage(made, turn);
    // The error page's own try failed, and no error page handles that (recursive_error_pages off): nginx's own page.
    if (r.handedOn?.length && !turn && !cycle && made.final && made.status && /^\d{3}$/.test(made.status)) {
      outcome = { ...outcome, why: `the error page failed in its turn, and with recursive_error_pages off nginx sent its own ${made.status} page; ${made.why}` };
    }
    const lastFailure = [...r.lines].reverse().find((i) => failureWord(explanations.get(i)!.pattern.id) !== undefined);
    if (at !== undefined && lastFailure !== undefined && !cycle) outcome = withStale(outcome, lastFailure);
    const tried = r.tries.map((t) => ({ server: t.server, got: tryLabel(t.failure === undefined ? undefined : explanations.get(t.failure)), ...(t.handedOn ? { handedOn: t.handedOn } : {}) }));
    const key = `nginx\n${r.lines.map((i) => keyOf[i]).join('\n')}\n${outcome.status}\n${outcome.final}\n${outcome.errorPage?.answer ?? ''}`;
    addRequest(r.lines, key, () => ({ server: 'nginx', thread: withSource(r.lines[0], `${r.connection} (worker ${r.worker})`), ...(r.client ? { client: r.client } : {}), ...(r.request !== undefined ? { request: r.request } : {}), tried, outcome }));
  }
  return { entries: [...byKey.values()], requests: [...requestsByKey.values()], unknown, blank };
}

/**
 * The values in force where the request was handled; where blocks the line cannot tell apart have another value,
 * each block's is kept (`others`), so that no one block's value is given as the one in force.
 */
function valuesWithOthers(found: NonNullable<ReturnType<typeof placeIn>>, directives: string[]): ValueHere[] {
  const { config, target } = found.checked;
  const values = valuesAt(config, found.place.location ?? found.place.server, directives, target);
  const others = (found.place.others ?? []).map((o) => ({ server: o.server, location: o.location, values: valuesAt(o.checked?.config ?? config, o.location ?? o.server, directives, o.checked?.target ?? target) }));
  return values.map((v, i) => {
    const differ = others.some((o) => o.values[i].value !== v.value);
    return differ ? { ...v, others: others.map((o) => ({ server: o.server, location: o.location, value: o.values[i] })) } : v;
  });
}

/**
 * The pattern's group directives (keepalive, keepalive_timeout) in the upstream group the request's location passes
 * to: whether nginx reused a kept-alive connection decides what a closed or reset connection means. Only for one
 * place: where the line cannot tell blocks apart, their groups may differ.
 */
function groupValues(found: NonNullable<ReturnType<typeof placeIn>>, e: LogExplanation): ValueHere[] {
  const names = e.pattern.groupDirectives;
  if (!names?.length || !found.place.location || found.place.others?.length) return [];
  const family = e.fields.family && e.fields.family !== 'memcached' ? e.fields.family : 'proxy';
  return groupValuesAt(found.checked.config, found.place.location, found.checked.upstreams, family, names, found.checked.target);
}

/**
 * The configuration an nginx line was handled in, when several are given (the CLI's --in, the editor's workspace).
 * nginx chooses a server block by the address:port a request came to, then by name among the blocks there; the line
 * names the block (`server:`) and the Host, not nginx's port. So the configurations whose block fits the line best
 * win, in this order: placed by what the line says rather than as an only or default block, a block nginx could have
 * chosen for that Host (see couldWin), a location that passes to the line's backend, a block listening on the Host's
 * port (the port the client asked for: nginx's own unless a port mapping or a proxy is in between). When several
 * configurations are left, the line does not tell which: the first's place is given with the others' blocks listed
 * (`others`, each with its configuration), as for blocks of one configuration the line cannot tell apart.
 */
function placeIn(configs: readonly CheckedNginx[], e: LogExplanation): { place: NginxPlace; checked: CheckedNginx } | undefined {
  // Two configurations that include the same file (two entries of a workspace that share sites-enabled, or one file
  // given twice) find the same block there: it is one candidate, not two the line cannot tell apart.
  const seen = new Set<string>();
  const at = (c: PlaceCandidate) => [c.server, c.location].map((n) => (n ? `${n.file.path}:${n.directive.start}` : '')).join(' ');
  let found = configs.flatMap((checked) => {
    const place = findNginxPlace(checked.config, e.fields, checked.upstreams);
    if (!place || seen.has(at(place))) return [];
    seen.add(at(place));
    return [{ place, checked }];
  });
  if (found.length <= 1) return found[0];
  const tests: ((p: NginxPlace) => boolean)[] = [(p) => p.byName, (p) => !!p.fits?.host, (p) => !!p.fits?.backend, (p) => !!p.fits?.port];
  let byPort = false;
  for (const [k, t] of tests.entries()) {
    const kept = found.filter((f) => t(f.place));
    if (kept.length && kept.length < found.length) {
      found = kept;
      if (k === tests.length - 1) byPort = true;
    }
  }
  const [first, ...rest] = found;
  const port = e.fields.host ? /:(\d+)$/.exec(e.fields.host)?.[1] : undefined;
  if (rest.length === 0) {
    const how = byPort ? `${first.place.how}; of the configurations given, only this one has such a block listening on the Host's port ${port}` : first.place.how;
    return { place: { ...first.place, how }, checked: first.checked };
  }
  const listed = new Set([first.place, ...(first.place.others ?? [])].map(at));
  const more = rest.flatMap(({ place, checked }) =>
    [place, ...(place.others ?? [])].flatMap((c) => {
      if (listed.has(at(c))) return [];
      listed.add(at(c));
      return [{ server: c.server, location: c.location, ...(c.handoff ? { handoff: c.handoff } : {}), checked }];
    }),
  );
  const why = port ? (first.place.fits?.port ? `each has such a block listening on the Host's port ${port}` : `none listens on the Host's port ${port}: a port mapping or a proxy in front?`) : e.fields.host ? 'its Host has no port' : 'it has no Host';
  const how = `${first.place.how}; ${found.length} of the configurations given could have handled it, and the line does not tell which (${why}): all are listed`;
  return { place: { ...first.place, how, others: [...(first.place.others ?? []), ...more] }, checked: first.checked };
}

interface Placed {
  found?: ReturnType<typeof placeIn>;
  apache?: ReturnType<typeof apachePlaceIn>;
}

/** The setups of every block an nginx line may have been handled in; undefined when one of them has none to tell. */
function nginxPlaceSetups(found: NonNullable<ReturnType<typeof placeIn>>): Setup[] | undefined {
  const all: Setup[] = [];
  for (const c of [found.place, ...(found.place.others ?? [])]) {
    const checked = ('checked' in c && c.checked) || found.checked;
    const setups = nginxSetups(c.location ?? c.server, checked.upstreams);
    if (!setups) return undefined;
    all.push(...setups);
  }
  return all;
}

/** mod_ssl's info lines about a backend's handshake, whose status depends on the worker's module (see explainLog). */
const MOD_SSL_INFO: ReadonlySet<string> = new Set(['apache-tls-handshake-info', 'apache-tls-connect-failed', 'apache-tls-wrong-version']);

/**
 * A line's explanation narrowed by where it was placed for sure:
 * - mod_ssl's info lines (AH01997, AH02003, "wrong version number") at one worker: mod_proxy_http (https://, wss://)
 *   answered 500, mod_proxy_http2 (h2://) 503 (httpd 2.4.71, test/servers/explain-apache-http2-backend.test.ts and
 *   explain-apache-tls-plain-port.test.ts). A balancer went on to no other member after the 500 (the handler gives up
 *   on anything but 503), so only the 503 keeps the balancer's "unless".
 */
function placedExplanation(e: LogExplanation, placed: Placed): LogExplanation {
  // A refused connect to a backend the configuration writes as an IP address (a group of such servers): nothing was
  // resolved, so an old address from DNS is no cause.
  if (e.pattern.id === 'nginx-refused' && placed.found?.place.location) {
    const setups = nginxPlaceSetups(placed.found);
    const hosts = setups?.flatMap((s) => s.hosts) ?? [];
    if (hosts.length && setups!.every((s) => !s.socket) && hosts.every((h) => h !== '$' && isIpLiteral(h.replace(/^\[|\]$/g, '')))) return { ...e, pattern: { ...e.pattern, meaning: NGINX_REFUSED_WRITTEN_IP } };
  }
  const place = placed.apache?.place;
  if (MOD_SSL_INFO.has(e.pattern.id) && e.pattern.otherwise && place && !place.ambiguous && place.worker) {
    const scheme = place.worker.target.scheme;
    const status = scheme === 'h2' ? '503' : scheme === 'https' || scheme === 'wss' ? '500' : undefined;
    if (status) return { ...e, pattern: { ...e.pattern, status, statuses: status === '503' ? e.pattern.statuses : [status], otherwise: undefined } };
  }
  return e;
}

function apachePlaceIn(configs: readonly CheckedApache[], e: LogExplanation, borrowed?: string, balancers?: ReadonlySet<Balancer>, evidence?: ServerEvidence): { place: ApachePlace; checked: CheckedApache } | undefined {
  for (const checked of configs) {
    const servers = evidence && serversOfEvidence(checked.proxy, evidence);
    const place = findApachePlace(checked.proxy, e.fields, { borrowed, balancers, servers, patternId: e.pattern.id });
    if (!place) continue;
    // A TLS handshake line: what decides the backend's checks and the name sent, where the worker is known (and the
    // values shown are not per candidate already).
    if (e.pattern.directives.includes('SSLProxyCheckPeerName') && place.worker && !place.ambiguous && checked.config && !place.values.some((v) => v.scope)) {
      const tls = apacheTlsValues(checked.proxy, place.worker, place.rule, checked.config.all);
      if (tls.length) return { place: { ...place, values: [...place.values, ...tls] }, checked };
    }
    return { place, checked };
  }
  return undefined;
}

/**
 * How far a request's balancer could go on, from where its lines were placed: the one balancer their members belong
 * to, or a ProxyPass worker that is no member (one try). Undefined when a line was not placed, or not for sure, or
 * the lines point to more than one, or the servers the request may have come to allow different numbers of tries.
 * maxattempts is the request's server's (ProxyModel.balancerParams): on 2.4.71, with three members that refused,
 * maxattempts=0 on a virtual host's ProxyPass to the main server's balancer gave that virtual host's requests one try
 * and the main server's three (test/servers/explain-apache-vhost-maxattempts.test.ts).
 */
function apacheLimits(placed: readonly Placed[], evidence?: ServerEvidence): ApacheLimits | undefined {
  const balancers = new Set<Balancer>();
  const plain = new Set<unknown>();
  let proxy: ProxyModel | undefined;
  for (const p of placed) {
    const place = p.apache?.place;
    if (!place || place.ambiguous) return undefined;
    const b = place.worker ? place.worker.balancer : place.balancer;
    if (b) {
      balancers.add(b);
      proxy ??= p.apache!.checked.proxy;
    } else if (place.worker) plain.add(place.worker);
    else if (place.handler) plain.add(place.handler.node);
  }
  if (balancers.size === 0 && plain.size === 1) return { kind: 'worker' };
  if (balancers.size !== 1 || plain.size || !proxy) return undefined;
  const b = [...balancers][0];
  const n = b.members.length;
  // The servers whose requests use the balancer, narrowed by what the lines say about the request's server.
  let servers = b.members.length ? proxy.serversOf(b.members[0]) : [b.vhost];
  const said = evidence && serversOfEvidence(proxy, evidence);
  if (said) {
    const narrowed = servers.filter((s) => said.servers.has(s));
    if (narrowed.length) servers = narrowed;
  }
  const sets = [...new Set(servers.map((s) => proxy.balancerParams(b, s).get('maxattempts')))];
  if (sets.length !== 1) return undefined;
  const set = sets[0];
  const value = set && /^\d+$/.test(set.value) ? Number(set.value) : undefined;
  // mod_proxy_balancer sets the default only for more than one member (init_balancer_members): a single member is
  // tried once (on 2.4.71, one AH00957 per request), not the "1" the manual gives.
  const maxattempts = value ?? (n > 1 ? n - 1 : 0);
  // A virtual host's own line for the main server's balancer holds for that virtual host's requests only.
  const vhost = set && b.vhost === null ? virtualHostOf(set.node) : null;
  const whose = vhost ? `, in <VirtualHost ${vhost.args.join(' ')}> for its requests` : '';
  const from = value !== undefined ? `maxattempts=${set!.value} (${set!.node.name} on the balancer${whose})` : n > 1 ? `maxattempts (not set: one less than its ${n} members, so ${n - 1})` : 'maxattempts (not set: 0 with a single member)';
  return { kind: 'balancer', name: b.name, members: b.members.map(workerAddress), maxattempts, from };
}

/**
 * With the configuration, whether lines logged a while after a balancer's failed connect are the same request's next
 * try (see ContinuesAfterGap): the line names another member of a balancer the earlier try's member is in, and the
 * gap is that member's connect timeout (a (70007) AH00957) or backend timeout (a (70007) AH01102), give or take
 * REQUEST_WINDOW_MS. On 2.4.71 a refused member then one that did not answer within timeout=2 logged the AH01102
 * 2 s after the AH01114, for the same client, and the client got 502.
 */
function nextTryAfterGap(lines: readonly { explanation?: LogExplanation }[], configs: readonly CheckedApache[]): ContinuesAfterGap {
  return (request, index, gap) => {
    const prev = [...request].reverse().map((i) => lines[i].explanation?.fields.upstream).find((u) => u && hostPort(u).port);
    const e = lines[index].explanation;
    if (!prev || !e?.fields.upstream) return false;
    const { host, port } = hostPort(prev);
    for (const { proxy } of configs) {
      const balancers = new Set(proxy.balancers.filter((b) => b.members.some((m) => sameBackend(m, host, port))));
      if (!balancers.size) continue;
      const next = findApachePlace(proxy, e.fields, { patternId: e.pattern.id, balancers });
      const w = next?.worker;
      if (!w?.balancer || !balancers.has(w.balancer)) continue;
      const servers = proxy.serversOf(w);
      const waits = (servers.length ? servers : [w.vhost]).map((s) => (e.pattern.id === 'apache-connect-failed' ? proxy.connectTimeout(w, s) : proxy.backendTimeout(w, s)).ms);
      if (waits.some((ms) => Math.abs(gap - ms) <= REQUEST_WINDOW_MS)) return true;
    }
    return false;
  };
}

function apacheFindings({ place, checked }: { place: ApachePlace; checked: CheckedApache }, rules: readonly string[]): Finding[] {
  // The lines that set the values in force count too: a "ProxyTimeout 3" whose finding says a slow answer gets 502 is
  // the cause of the AH01102 placed at the ProxyPass it applies to.
  const lines: ApacheNode[] = [place.node, ...(place.rule ? [place.rule.node] : []), ...place.values.flatMap((v) => (v.node ? [v.node] : []))];
  return checked.findings.filter((f) => rules.includes(f.ruleId) && lines.some((n) => f.path === n.file.path && f.start >= n.directive.start && f.end <= n.directive.end));
}

/** Blocks inside a location that still apply to its requests (conditionally): their lines count as the location's. */
const SAME_REQUEST_BLOCKS: ReadonlySet<string> = new Set(['if', 'limit_except']);

/**
 * What proxylint reports, for the line's rules, on the lines that apply to a request `scope` handled: the block's own
 * lines and those of the levels it inherits from (server, http), not a nested location's (`location ~ /api/slow`
 * inside `location /api/` did not handle GET /api/x) nor another server's or group's.
 */
/** At most this many findings are listed for a start-up failure line. */
const MAX_STARTUP_FINDINGS = 10;

/**
 * The findings of `rules` in the configurations, errors first, with their file and line: what nginx refused, as
 * proxylint reports it (nginx's own line names a file and line, or for an unknown variable none at all). Warnings
 * count too: hostname-resolved-at-startup warns of the name that "host not found in upstream" is about.
 */
function startupFindings(configs: readonly CheckedNginx[], rules: readonly string[]): { finding: Finding; at: { path: string; line: number } }[] {
  const out: { finding: Finding; at: { path: string; line: number } }[] = [];
  for (const severity of ['error', 'warning', 'info']) {
    for (const c of configs) {
      for (const f of c.findings) {
        if (f.severity !== severity || !rules.includes(f.ruleId)) continue;
        const file = c.config.files.find((x) => x.path === f.path);
        if (file) out.push({ finding: f, at: { path: f.path, line: file.lines.positionAt(f.start).line + 1 } });
        if (out.length >= MAX_STARTUP_FINDINGS) return out;
      }
    }
  }
  return out;
}

function findingsIn(checked: CheckedNginx, scope: ConfigNode, rules: readonly string[]): Finding[] {
  const wanted = checked.findings.filter((f) => rules.includes(f.ruleId));
  if (!wanted.length) return [];
  const chain = new Set<ConfigNode>();
  for (let p: ConfigNode | null = scope; p; p = p.parent) chain.add(p);
  return wanted.filter((f) => {
    const owner = innermostAt(checked.config, f);
    if (!owner) return false;
    // Up from the line the finding is on: it applies when the way up reaches the handling block or one of its
    // levels before any other block (an `if` or `limit_except` of those levels is looked through).
    for (let p: ConfigNode | null = owner; p; p = p.parent) {
      if (chain.has(p)) return true;
      if (p.directive.block && !SAME_REQUEST_BLOCKS.has(p.name)) return false;
    }
    // A line at the top level of the configuration: the http level of a fragment, or main (events, user…).
    return owner.parent === null && !owner.directive.block;
  });
}

/** Found once per finding: a log's entries ask about the same few findings again and again. */
const owners = new WeakMap<Finding, ConfigNode | null>();

/** The innermost directive whose text holds the finding's span. */
function innermostAt(config: NginxConfig, f: Finding): ConfigNode | undefined {
  const known = owners.get(f);
  if (known !== undefined) return known ?? undefined;
  let best: ConfigNode | undefined;
  for (const n of config.all) {
    if (n.file.path !== f.path || f.start < n.directive.start || f.end > n.directive.end) continue;
    if (!best || n.directive.end - n.directive.start < best.directive.end - best.directive.start) best = n;
  }
  owners.set(f, best ?? null);
  return best;
}

/**
 * The `server` lines of the group a "no live upstreams" line names (nginx logs the group's name as the upstream's
 * host), when every one of them is `down`: nginx never tries one, and no earlier line says why.
 */
function allServersDown(checked: CheckedNginx, upstream: string | undefined): ConfigNode[] | undefined {
  const name = upstream ? /^[a-z]+:\/\/([^/:]+)/.exec(upstream)?.[1]?.toLowerCase() : undefined;
  const group = name === undefined ? undefined : checked.upstreams?.upstreams.find((u) => u.module === 'http' && u.name.toLowerCase() === name);
  if (!group || group.servers.length === 0 || !group.servers.every((s) => s.params.has('down'))) return undefined;
  return group.servers.map((s) => s.node);
}

/**
 * What the configuration adds to an nginx entry's explanation, in sentences: the cache's turn (a stale copy sent
 * instead, the error itself stored and answered again) and a group whose servers are all `down`. `where` names a
 * directive's place ("nginx.conf:12").
 */
export function nginxNotes(x: ExplainedEntry, where: (node: ConfigNode) => string): string[] {
  const out: string[] = [];
  const written = (n: ConfigNode) => `${n.name} ${n.directive.args.map((a) => a.raw).join(' ')}`;
  const stale = x.cache?.stale;
  if (stale) {
    out.push(`${written(stale.node)} (${where(stale.node)}) lists "${stale.word}": when this failure ended the request and the cache held an expired copy for it, nginx sent that copy instead (the access log shows its status, such as 200), and the line is logged all the same.`);
  }
  const kept = x.cache?.keepsError;
  if (kept) {
    out.push(`${written(kept.node)} (${where(kept.node)}) covers ${kept.status}: the ${kept.status} nginx made here is stored under the request's cache key${stale ? ' (when no stale copy was sent)' : ''} and answered from the cache for ${kept.time}, without asking the backend and with no new error-log line, even once the backend is back.`);
  }
  if (x.allDown) {
    out.push(`every server of this group is marked down (${x.allDown.map(where).join(', ')}): nginx has none to try, so no earlier line is the cause; the configuration is.`);
  }
  return out;
}

/**
 * For a backend that closed or reset the connection, where the request's group keeps connections alive: the race
 * keepalive-timeout-races-backend describes is then one cause, and proxylint can only check it when told the backend's
 * idle timeout (environment.backendKeepaliveTimeout), which the on-call review found nothing pointed to. The backend
 * defaults are those of the rule's page.
 */
function keepaliveStep(values: readonly ValueHere[]): string | undefined {
  const keepalive = values.find((v) => v.group && v.directive === 'keepalive');
  // A number of connections: written, or the default of the target version (from 1.29.7 "32 local"); not "0", not "off",
  // and not a default that depends on a version not set ("off (32 local from nginx 1.29.7)").
  if (!keepalive?.value || !/^[1-9]\d*(\s|$)/.test(keepalive.value.trim())) return undefined;
  const timeout = values.find((v) => v.group === keepalive.group && v.directive === 'keepalive_timeout')?.value ?? '60s';
  return `if these lines come after idle moments, nginx reused a kept-alive connection just as the backend closed it: make keepalive_timeout in upstream ${keepalive.group} (${timeout} now) shorter than the backend's idle timeout (Node.js up to v25: 5 s, gunicorn: 2 s, Apache httpd: 5 s), or raise the backend's; with environment.backendKeepaliveTimeout set in .proxylintrc.json, the rule keepalive-timeout-races-backend checks every group against it.`;
}

/** The next step for a line whose cure is one setting (see next-step.ts), from where it was placed when it was. */
function nextStepOf(e: LogExplanation, line: string, at: Parameters<typeof nginxBigHeaderStep>[1], worker: Parameters<typeof apacheBigHeaderStep>[1], values?: readonly ApacheValue[]): string | undefined {
  if (e.pattern.id === 'nginx-too-big-header') return nginxBigHeaderStep(e.fields.family ?? 'proxy', at);
  if (e.pattern.id === 'apache-big-header') return apacheBigHeaderStep(line, worker);
  if (e.pattern.id === 'nginx-tls-handshake' && at) return nginxSniStep(e.fields.family ?? 'proxy', line, at);
  if (e.pattern.id === 'apache-tls-handshake') return apacheSniStep(worker, values?.find((v) => v.name === 'ProxyPreserveHost')?.value);
  return undefined;
}
