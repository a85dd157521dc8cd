import type { Fix } from '../../finding';
import { replaceSpan } from '../../fix';
import { closest } from '../../model/names';
import { nginxDirective } from '../../model/nginx-directives';
import type { ConfigNode } from '../../model/nginx-tree';
import { TEMPLATE_MARKUP } from '../../model/template-markup';
import { parseNginxSizeT, parseNginxTime, type NginxTimeForm } from '../../model/units';
import { atLeast } from '../../model/version';
import type { Arg } from '../../syntax/nginx/ast';
import { defineNginxRule, type NginxRuleContext } from '../rule';
import { BUFFER_MODULES, names } from './neighbours-support';
import { allowedIn, inReferenceContexts, placementKnown, templateLine } from './placement-support';
import { refusedAsPlus } from './plus-support';

/**
 * The keywords each http module's *_next_upstream takes, as nginx 1.22.1 -t accepted or refused them one by one
 * (test/servers/argument-values.test.ts asks it again). FastCGI, uwsgi and SCGI have no http_502 / http_504; gRPC has
 * no `updating` (an undocumented leftover of the cache keywords the others accept); memcached has its own list.
 */
const COMMON = ['error', 'timeout', 'invalid_header', 'http_500', 'http_503', 'http_403', 'http_404', 'http_429', 'non_idempotent', 'off'];
const NEXT_UPSTREAM: Record<string, { module: string; words: string[] }> = {
  proxy_next_upstream: { module: 'the proxy module', words: [...COMMON, 'http_502', 'http_504', 'updating'] },
  grpc_next_upstream: { module: 'the gRPC module', words: [...COMMON, 'http_502', 'http_504'] },
  fastcgi_next_upstream: { module: 'FastCGI', words: [...COMMON, 'updating'] },
  uwsgi_next_upstream: { module: 'uwsgi', words: [...COMMON, 'updating'] },
  scgi_next_upstream: { module: 'SCGI', words: [...COMMON, 'updating'] },
  memcached_next_upstream: { module: 'memcached', words: ['error', 'timeout', 'invalid_response', 'not_found', 'off'] },
};
/** The keywords a message lists (updating is accepted but undocumented: not worth teaching). */
const documented = (words: string[]) => words.filter((w) => w !== 'updating');

/** The keywords an http *_next_upstream takes, as a message lists them (the editor offers these); undefined for other names. */
export function nextUpstreamKeywords(name: string): string[] | undefined {
  const spec = NEXT_UPSTREAM[name];
  return spec && documented(spec.words);
}

/**
 * `denied` (the server refused by *_allow_upstream) is NGINX Plus, from 1.29.3 on ("This parameter is available as part
 * of our commercial subscription"): open source nginx refuses the word at every version, older NGINX Plus too.
 */
export const DENIED_SINCE = '1.29.3';

/** Whether the target takes `denied`: true, false, or undefined while the edition or version that decides is unknown. */
function takesDenied(ctx: NginxRuleContext): boolean | undefined {
  if (ctx.target.edition === 'oss') return false;
  const since = atLeast(ctx.target.version, DENIED_SINCE);
  return ctx.target.edition === 'plus' ? since !== false : since === false ? false : undefined;
}

/** Words people write for a switch, and the one nginx wants; only these are fixed without asking. */
const SWITCH_WORDS: Record<string, 'on' | 'off'> = { yes: 'on', true: 'on', enable: 'on', enabled: 'on', no: 'off', false: 'off', disable: 'off', disabled: 'off' };

/** nginx reads none of these: a value with `$` is a variable (nginx reads it as text here) or an envsubst placeholder. */
function unknowable(node: ConfigNode, arg: Arg): boolean {
  return arg.value.includes('$') || TEMPLATE_MARKUP.test(arg.raw) || templateLine(node);
}

/** Deletes one word of a line together with the blank before it. */
function removeWord(node: ConfigNode, arg: Arg): Fix {
  const text = node.file.text;
  let start = arg.start;
  while (start > 0 && (text[start - 1] === ' ' || text[start - 1] === '\t')) start--;
  return { title: `Remove "${arg.value}"`, edits: [replaceSpan(node.file, { start, end: arg.end }, '')] };
}

const list = (xs: string[]) => (xs.length <= 1 ? xs.join('') : `${xs.slice(0, -1).join(', ')} and ${xs[xs.length - 1]}`);

/**
 * Whether this rule reports a word of this *_next_upstream line, so nginx would not start: failover-ignores-5xx
 * leaves such a line to it rather than judge a list nginx never loads.
 */
export function nextUpstreamRejected(ctx: NginxRuleContext, node: ConfigNode): boolean {
  const spec = NEXT_UPSTREAM[node.name];
  if (!spec) return false;
  const denied = takesDenied(ctx);
  return node.directive.args.some((arg) => {
    if (unknowable(node, arg)) return false;
    const word = arg.value.toLowerCase();
    return !spec.words.includes(word) && (word !== 'denied' || denied === false);
  });
}

function checkNextUpstream(ctx: NginxRuleContext, node: ConfigNode): void {
  const spec = NEXT_UPSTREAM[node.name];
  const denied = takesDenied(ctx);
  const args = node.directive.args;
  for (const arg of args) {
    if (unknowable(node, arg)) continue;
    const word = arg.value.toLowerCase(); // nginx compares these words without regard to case
    if (spec.words.includes(word)) continue;
    if (word === 'denied') {
      if (denied !== false) continue;
      ctx.report({
        at: { file: node.file, start: arg.start, end: arg.end },
        message:
          ctx.target.edition === 'oss'
            ? `nginx will not start: "denied" is an NGINX Plus keyword of ${node.name} (from ${DENIED_SINCE} on), and open source nginx stops at it ("invalid value "denied"")`
            : `nginx will not start: "denied" is an NGINX Plus keyword of ${node.name} from ${DENIED_SINCE} on, and the target is nginx ${ctx.target.version!.join('.')} ("invalid value "denied"")`,
        suggestions: args.length > 1 ? [removeWord(node, arg)] : [],
      });
      continue;
    }
    const what = (word === 'http_502' || word === 'http_504') && !spec.words.includes(word)
      ? `${spec.module} has no ${word} (the 502 and 504 nginx answers itself when the backend cannot be reached or does not answer in time are retried with "error" and "timeout"); of the status codes it takes ${list(spec.words.filter((w) => w.startsWith('http_')))}`
      : `it takes ${list(documented(spec.words))}`;
    const near = closest(word, documented(spec.words), 2);
    const suggestions: Fix[] = [];
    if (near) suggestions.push({ title: `Change to "${near}"`, edits: [replaceSpan(node.file, arg, near)] });
    if (args.length > 1) suggestions.push(removeWord(node, arg));
    ctx.report({
      at: { file: node.file, start: arg.start, end: arg.end },
      message: `nginx will not start: ${node.name} does not take "${arg.value}" ("invalid value "${arg.value}""); ${near ? `did you mean "${near}"? ` : ''}${what}`,
      suggestions,
    });
  }
}

function checkSwitch(ctx: NginxRuleContext, node: ConfigNode): void {
  const arg = node.directive.args[0];
  const word = arg.value.toLowerCase(); // nginx compares "on" and "off" without regard to case
  if (word === 'on' || word === 'off' || unknowable(node, arg)) return;
  const to = SWITCH_WORDS[word];
  const stream = node.name === 'proxy_next_upstream';
  ctx.report({
    at: { file: node.file, start: arg.start, end: arg.end },
    message:
      `nginx will not start: invalid value "${arg.value}" in "${node.name}" directive, it must be "on" or "off"` +
      (stream
        ? ' (in stream {} proxy_next_upstream is a switch: "on", the default, passes a connection the server refused or did not accept in time to the next server; the keywords error, timeout, http_502 … are those of http {})'
        : ''),
    fix: to ? { title: `Change to "${to}"`, edits: [replaceSpan(node.file, arg, to)] } : undefined,
    suggestions: to ? [] : word === '1' || word === '0' ? [{ title: `Change to "${word === '1' ? 'on' : 'off'}"`, edits: [replaceSpan(node.file, arg, word === '1' ? 'on' : 'off')] }] : [],
  });
}

/** What was probably meant by a time nginx cannot read, when that is plain: "1.5s" → "1500ms", "30sec" → "30s". */
function timeSuggestion(value: string): string | undefined {
  let m = /^(\d+)\s*(?:sec|secs|second|seconds)$/i.exec(value);
  if (m) return `${m[1]}s`;
  m = /^(\d+)\s*(?:min|mins|minute|minutes)$/i.exec(value);
  if (m) return `${m[1]}m`;
  m = /^(\d+)([SHDW])$/.exec(value);
  if (m) return `${m[1]}${m[2].toLowerCase()}`;
  // "1M" as minutes: a month is never a timeout to a backend.
  m = /^(\d+)M$/.exec(value);
  if (m) return `${m[1]}m`;
  m = /^(\d+)\.(\d{1,3})s?$/.exec(value);
  if (m) return `${Number(m[1]) * 1000 + Number(m[2].padEnd(3, '0'))}ms`;
  return undefined;
}

/**
 * How nginx reads each time, where that was checked on nginx 1.22.1 (test/servers/argument-values.test.ts): nearly
 * every timeout in milliseconds (no "y" or "M", which are years and months), these two in seconds (no "ms").
 */
const SECONDS = new Set(['ssl_session_timeout', 'open_file_cache_valid']);
/** Obsolete since nginx 1.19.7: read and ignored with a warning, whatever the value. */
const OBSOLETE = new Set(['http2_idle_timeout', 'http2_recv_timeout']);
/**
 * Time directives nginx 1.22.1 (with its stream module) does not know (NGINX Plus, njs, later or unloaded modules):
 * which form they read is unchecked, so only a word neither form reads is reported there.
 */
export const UNCHECKED_TIMES = new Set([
  'auth_http_timeout', 'auth_jwt_key_cache', 'auth_jwt_leeway', 'health_check_timeout', 'hls_fragment', 'js_fetch_keepalive_time',
  'js_fetch_keepalive_timeout', 'js_fetch_timeout', 'keepalive_min_timeout', 'mp4_limit_rate_after', 'session_timeout', 'smtp_greeting_delay',
  'stall_threshold', 'timeout', 'tunnel_connect_timeout', 'tunnel_next_upstream_timeout', 'tunnel_read_timeout', 'tunnel_send_timeout',
  'zone_sync_connect_retry_interval', 'zone_sync_connect_timeout', 'zone_sync_interval', 'zone_sync_timeout',
]);

/**
 * How directive `name` reads its time: in milliseconds or seconds (checked on nginx 1.22.1), "either" where that is
 * unchecked, "ignored" for the obsolete ones nginx reads and drops.
 */
export function timeFormOf(name: string): NginxTimeForm | 'either' | 'ignored' {
  if (OBSOLETE.has(name)) return 'ignored';
  if (SECONDS.has(name)) return 'sec';
  if (UNCHECKED_TIMES.has(name)) return 'either';
  return 'msec';
}

/** Whether nginx reads `value` as the time of directive `name`. */
export function timeAccepted(name: string, value: string): boolean {
  const form = timeFormOf(name);
  if (form === 'ignored') return true;
  if (form === 'either') return parseNginxTime(value, 'msec') !== null || parseNginxTime(value, 'sec') !== null;
  return parseNginxTime(value, form) !== null;
}

function checkTime(ctx: NginxRuleContext, node: ConfigNode): void {
  const arg = node.directive.args[0];
  if (timeAccepted(node.name, arg.value) || unknowable(node, arg)) return;
  const guess = timeSuggestion(arg.value);
  const to = guess && timeAccepted(node.name, guess) ? guess : undefined;
  const months = /^\d+[My]$/.test(arg.value) && !SECONDS.has(node.name) ? ` ("M" is months and "y" years, which a timeout in milliseconds does not take; minutes are "m")` : '';
  ctx.report({
    at: { file: node.file, start: arg.start, end: arg.end },
    message: `nginx will not start: "${node.name}" directive invalid value — "${arg.value}" is not a time${months}: a whole number with an optional unit (${SECONDS.has(node.name) ? '' : 'ms, '}s, m, h, d, w; seconds without one), units from largest to smallest, as in 30s${SECONDS.has(node.name) ? '' : ', 500ms'} or 1m30s`,
    suggestions: to ? [{ title: `Change to "${to}"`, edits: [replaceSpan(node.file, arg, to)] }] : [],
  });
}

/** ngx_atoi: digits only, at least one, within a 64-bit signed integer. */
function atoi(text: string): bigint | undefined {
  if (!/^\d+$/.test(text)) return undefined;
  const n = BigInt(text);
  return n <= 2n ** 63n - 1n ? n : undefined;
}

/**
 * error_page code … [=[response]] uri, read as ngx_http_core_error_page reads it: the word before the URI is the
 * response code when it starts with "=" (it needs a code before it, and digits after it if any), and every word before
 * that is a status to redirect: a number from 300 to 599, and not 499 (nginx's code for a client that went away).
 */
function checkErrorPage(ctx: NginxRuleContext, node: ConfigNode): void {
  const args = node.directive.args;
  const bad = (arg: Arg, message: string) => ctx.report({ at: { file: node.file, start: arg.start, end: arg.end }, message: `nginx will not start: ${message}` });
  let codes = args.length - 1;
  const response = args[args.length - 2];
  if (response.value.startsWith('=')) {
    codes--;
    if (args.length === 2) {
      if (!unknowable(node, response)) bad(response, `invalid value "${response.value}" — error_page needs the status codes it handles before "${response.value}", as in "error_page 404 ${response.value} …"`);
      return;
    }
    if (response.value.length > 1 && atoi(response.value.slice(1)) === undefined && !unknowable(node, response)) {
      bad(response, `invalid value "${response.value}" — after "=" comes the status code to answer with (=200), or nothing ("=" alone answers with the status of the page it redirects to)`);
    }
  }
  for (const arg of args.slice(0, codes)) {
    if (unknowable(node, arg)) continue;
    const n = atoi(arg.value);
    if (n === undefined) bad(arg, `invalid value "${arg.value}" — error_page takes status codes one per word (500 502 503 504), before the URI`);
    else if (n === 499n) bad(arg, `invalid value "499" — 499 is how nginx logs a client that closed the connection; no response is sent for it, so there is no page to show`);
    else if (n < 300n || n > 599n) bad(arg, `value "${arg.value}" must be between 300 and 599 — error_page replaces error responses and redirects, not ${n < 300n ? 'successful ones' : 'codes past 599'}`);
  }
}

/**
 * The buffer sizes nginx reads with ngx_parse_size (ngx_conf_set_size_slot): in http {} and, for proxy_buffer_size,
 * in stream {} too. gRPC has its header buffer only.
 */
const SIZE_DIRECTIVES = new Set([
  'grpc_buffer_size',
  ...BUFFER_MODULES.flatMap((m) => { const n = names(m); return [n.bufferSize, n.busy, n.tempWrite, n.maxTemp]; }),
]);
const BUFS_DIRECTIVES = new Set(BUFFER_MODULES.map((m) => names(m).buffers));
const SIZE_FORM = 'a whole number of bytes with an optional k or m (no g), as in 16k, below 2^63 bytes';

/**
 * A buffer size nginx cannot read stops it with `"proxy_buffer_size" directive invalid value` (nginx 1.22.1), and so
 * does a *_buffers count or size it cannot read, a count of 0 or a size of 0. A size past 63 bits is refused, not
 * wrapped, so buffer-size-arithmetic never computes with one.
 */
function checkSize(ctx: NginxRuleContext, node: ConfigNode): void {
  const args = node.directive.args;
  const bad = (arg: Arg, why: string) =>
    ctx.report({ at: { file: node.file, start: arg.start, end: arg.end }, message: `nginx will not start: "${node.name}" directive invalid value — ${why}` });
  if (!BUFS_DIRECTIVES.has(node.name)) {
    if (!unknowable(node, args[0]) && parseNginxSizeT(args[0].value) === null) bad(args[0], `"${args[0].value}" is not a size nginx can read: ${SIZE_FORM}`);
    return;
  }
  const [count, size] = args;
  if (!unknowable(node, count)) {
    const n = atoi(count.value);
    // nginx stops at the count: the size after it is not read.
    if (n === undefined || n === 0n) return bad(count, `the number of buffers is "${count.value}": a whole number from 1 up (and at least 2, which nginx checks next)`);
  }
  if (size && !unknowable(node, size)) {
    const bytes = parseNginxSizeT(size.value);
    if (bytes === null || bytes === 0) bad(size, `"${size.value}" is not a buffer size nginx can use: ${SIZE_FORM}, and not 0`);
  }
}

/**
 * Since nginx 1.29.7 an upstream keeps idle connections by default (`keepalive 32 local`), and `keepalive 0` turns
 * that off; before, the count had to be positive. The `local` parameter came with the same release.
 */
export const KEEPALIVE_ZERO_AND_LOCAL_SINCE = '1.29.7';

/**
 * The upstream block's `keepalive N`: ngx_http_upstream_keepalive reads N with ngx_atoi (digits only, 63 bits) and
 * refuses 0 (nginx 1.22.1: `invalid value "0" in "keepalive" directive`, and the same for "-1", "abc", "2k"). A 0 is
 * reported only for a target known to be older than 1.29.7, where it is refused.
 */
function checkKeepalive(ctx: NginxRuleContext, node: ConfigNode): void {
  const arg = node.directive.args[0];
  if (unknowable(node, arg)) return;
  const n = atoi(arg.value);
  if (n !== undefined && n > 0n) return;
  const zeroAllowed = atLeast(ctx.target.version, KEEPALIVE_ZERO_AND_LOCAL_SINCE);
  if (n === 0n && zeroAllowed !== false) return;
  const why =
    n === 0n
      ? `before nginx ${KEEPALIVE_ZERO_AND_LOCAL_SINCE} the count of idle connections must be at least 1, and the target is nginx ${ctx.target.version!.join('.')}; leaving the line out is what keeps no idle connections there`
      : `keepalive takes the number of idle connections each worker keeps to the group, a whole number${zeroAllowed === false ? ' from 1 up' : ''}, without a unit`;
  ctx.report({
    at: { file: node.file, start: arg.start, end: arg.end },
    message: `nginx will not start: invalid value "${arg.value}" in "keepalive" directive — ${why}`,
  });
}

/**
 * A word nginx refuses where the directive reads a fixed kind of value, found while nginx reads the file, so `nginx -t`
 * fails, a start fails and a reload keeps the old configuration:
 * - *_next_upstream keywords, per module: FastCGI, uwsgi and SCGI have no http_502/http_504 (`[emerg] invalid value
 *   "http_502"`), and stream's proxy_next_upstream is a switch;
 * - every on/off switch (`invalid value "yes" in "fastcgi_keep_conn" directive, it must be "on" or "off"`);
 * - the time of every timeout-like directive (`"proxy_read_timeout" directive invalid value`);
 * - error_page's status codes and its "=response" word;
 * - an upstream's keepalive count (`invalid value "0" in "keepalive" directive`; 0 is allowed from 1.29.7 on);
 * - the proxy, FastCGI, uwsgi, SCGI and gRPC buffer sizes and *_buffers (`"proxy_buffers" directive invalid value`).
 * Which directives are switches or take a time comes from the reference's syntax lines (nginx-directives.json); the
 * real nginx 1.22.1 agrees for every one it knows (test/servers/argument-values.test.ts).
 * https://nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_next_upstream
 */
export default defineNginxRule({
  id: 'invalid-argument-value',
  server: 'nginx',
  severity: 'error',
  outcome: 'startup-failure',
  summary: 'A directive has a value nginx does not take (fastcgi_next_upstream http_502, proxy_buffering yes, proxy_read_timeout 5x, error_page 200): nginx refuses to start.',
  directives: ['proxy_next_upstream', 'fastcgi_next_upstream', 'uwsgi_next_upstream', 'scgi_next_upstream', 'fastcgi_keep_conn', 'proxy_buffering', 'proxy_read_timeout', 'error_page', 'keepalive', 'proxy_buffer_size', 'proxy_buffers'],
  versions: 'all ("denied" in *_next_upstream: open source nginx, and < 1.29.3; keepalive 0: < 1.29.7)',
  check(ctx) {
    // By index: a for-of over every node allocates an iterator result per node for as long as the loop runs unoptimised.
    const all = ctx.config.all;
    for (let k = 0; k < all.length; k++) {
      const node = all[k];
      const info = nginxDirective(node.name);
      if (!info || info.block || !node.directive.terminated || node.directive.args.length === 0) continue;
      // Judged only where the directive may stand: a misplaced line is reported as such (nginx says that first), and
      // inside a map, geo or third-party block the words are not this directive at all.
      if (!allowedIn(info, node.context)) continue;
      if (refusedAsPlus(ctx, node)) continue;
      // By index, not `const [min, max] =`: destructuring goes through an array iterator, at every line.
      const min = info.args[0], max = info.args[1];
      const n = node.directive.args.length;
      if (n < min || (max >= 0 && n > max)) continue; // invalid-number-of-arguments speaks about those
      if (info.flagIn && inReferenceContexts(info.flagIn, node.context)) {
        // A name that is a switch in one block and not in another (proxy_next_upstream) needs the block to be certain.
        if (info.flagIn.length === info.contexts.length || placementKnown(node, ctx.config)) checkSwitch(ctx, node);
        continue;
      }
      if (NEXT_UPSTREAM[node.name]) {
        if (node.name !== 'proxy_next_upstream' || placementKnown(node, ctx.config)) checkNextUpstream(ctx, node);
      } else if (info.timeIn && inReferenceContexts(info.timeIn, node.context)) checkTime(ctx, node);
      else if (node.name === 'error_page') checkErrorPage(ctx, node);
      else if (node.name === 'keepalive' && node.context === 'upstream') checkKeepalive(ctx, node);
      else if (SIZE_DIRECTIVES.has(node.name) || BUFS_DIRECTIVES.has(node.name)) checkSize(ctx, node);
    }
  },
});
