import type { Fix } from '../../finding';
import { replaceSpan } from '../../fix';
import { allNginxDirectiveNames, nginxDirective } from '../../model/nginx-directives';
import type { ConfigNode } from '../../model/nginx-tree';
import { parseNginxTime, type NginxTimeForm } from '../../model/units';
import type { Arg } from '../../syntax/nginx/ast';
import { defineNginxRule, type NginxRuleContext } from '../rule';
import { timeFormOf } from './invalid-argument-value';
import { inReferenceContexts } from './placement-support';

/**
 * ngx_parse_time (src/core/ngx_parse.c) resets its scale to seconds after every unit, so a number written after the
 * last unit counts seconds whatever came before it, in milliseconds directives too: "1h30" is 1 h 30 s, "1s500" is
 * 501 s, "5ms500" 500.005 s. Measured on nginx 1.22.1: proxy_read_timeout 0h1 answers 504 after 1 s, 0m2 waits 2 s,
 * 1s500 outlasts a backend that needs 1.5 s (test/servers/misread-time-value.test.ts).
 * https://nginx.org/en/docs/syntax.html
 */
const STEP_MINUTES = 6;
const STEP_SECONDS = 7;
const STEP_MSEC = 8;
/** Unit letters as ngx_parse_time orders them (index = its step; https://nginx.org/en/docs/syntax.html lists them). */
const UNITS = ['', 'y', 'M', 'w', 'd', 'h', 'm', 's', 'ms'];
/** By step: the unit a number written after that one was probably meant in (the next smaller; none after ms). */
const SMALLER = ['', 'M', 'w', 'd', 'h', 'm', 's', 'ms', ''];
const SMALLER_NAME = ['', 'months', 'weeks', 'days', 'hours', 'minutes', 'seconds', 'milliseconds', ''];

/** Parameters that take a time in seconds (ngx_parse_time(…, 1)), by the directive they belong to. */
const PARAMS: Record<string, string> = { server: 'fail_timeout=', resolver: 'valid=' };
const CACHE_VALID = ['proxy_cache_valid', 'fastcgi_cache_valid', 'uwsgi_cache_valid', 'scgi_cache_valid'];
/** The http timeouts whose expiry nginx answers with 504 (in stream it closes the client connection instead). */
const GATEWAY_TIMEOUT = /^(proxy|fastcgi|uwsgi|scgi|grpc|memcached)_(connect|send|read)_timeout$/;
const STREAM_TIMEOUT = /^proxy_(connect_)?timeout$/;

let timeDirectives: string[] | undefined;
/** Directives whose first argument is a time somewhere, from the reference's syntax lines (made once). */
function timeDirectiveNames(): string[] {
  return (timeDirectives ??= allNginxDirectiveNames().filter((n) => nginxDirective(n)!.timeIn && timeFormOf(n) !== 'ignored'));
}

const isDigit = (c: number) => c >= 48 && c <= 57;

/** Milliseconds as an exact number of seconds: "3630 s", "500.005 s". */
const exact = (ms: number) => `${ms / 1000} s`;

function parse(text: string, form: NginxTimeForm | 'either'): { ms: number; form: NginxTimeForm } | undefined {
  if (form !== 'sec') {
    const ms = parseNginxTime(text, 'msec');
    if (ms !== null) return { ms, form: 'msec' };
    if (form === 'msec') return undefined;
  }
  const ms = parseNginxTime(text, 'sec');
  return ms === null ? undefined : { ms, form: 'sec' };
}

/**
 * Reports `arg` (its value after `prefix`, e.g. "fail_timeout=") when it ends in a number after a unit that nginx reads
 * differently from the next smaller unit: after m the seconds are what is meant, and a zero is the same either way.
 * Most times end in a unit or are a bare number: the first checks return before anything is allocated.
 */
function check(ctx: NginxRuleContext, node: ConfigNode, arg: Arg, prefix: string, form: NginxTimeForm | 'either', subject: string, timeIn?: string[]): void {
  const v = arg.value;
  const p = prefix.length;
  let end = v.length;
  while (end > p && v.charCodeAt(end - 1) === 32) end--;
  if (end === p || !isDigit(v.charCodeAt(end - 1))) return;
  // Only where the reference says the argument is a time (placed elsewhere, nginx refuses the line for that).
  if (timeIn && !inReferenceContexts(timeIn, node.context)) return;
  let digits = end;
  let zero = true;
  while (digits > p && isDigit(v.charCodeAt(digits - 1))) if (v.charCodeAt(--digits) !== 48) zero = false;
  let unitEnd = digits;
  while (unitEnd > p && v.charCodeAt(unitEnd - 1) === 32) unitEnd--;
  if (zero || unitEnd === p) return;
  const step = unitStepBefore(v, unitEnd, p);
  if (step === 0 || step === STEP_MINUTES) return;
  const time = v.slice(p);
  const read = parse(time, form);
  if (!read) return; // nginx refuses it: invalid-argument-value says so
  // Written twice at one level, nginx stops at the duplicate (duplicate-directive's finding): no value is in force.
  if (ctx.effective(node.parent, node.name).duplicate) return;
  const head = v.slice(p, unitEnd);
  const number = v.slice(digits, end);
  const cut = end - p;
  // Blanks after the last number go: they are nginx's way of ending a number of seconds, nothing else.
  const meantText = SMALLER[step] ? time.slice(0, cut) + SMALLER[step] : '';
  const meant = meantText ? parse(meantText, read.form) : undefined;
  // The same value, written so nobody misreads it: a seconds unit after the number, or, where the last unit is s or
  // ms and a second "s" is refused, the whole value in seconds (and milliseconds).
  const sameText = step < STEP_SECONDS ? time.slice(0, cut) + 's' : `${Math.floor(read.ms / 1000)}s${read.ms % 1000 ? `${read.ms % 1000}ms` : ''}`;
  const same = parse(sameText, read.form)?.ms === read.ms ? sameText : undefined;

  const stream = node.context.startsWith('stream');
  const gives = !prefix && (stream ? STREAM_TIMEOUT.test(node.name) : GATEWAY_TIMEOUT.test(node.name)) ? (stream ? 'closes the client connection' : 'answers 504') : undefined;
  let advice: string;
  if (meant && gives) advice = `; if ${meantText} (${exact(meant.ms)}) was meant, nginx now gives the backend ${exact(read.ms)} before it ${gives}, not ${exact(meant.ms)}`;
  else if (meant) advice = `; write ${meantText} if ${exact(meant.ms)} was meant`;
  else if (step === STEP_MSEC) advice = `, even after ms; write ${sameText} if that is what you mean`;
  else if (step === STEP_SECONDS) advice = ` (this time is read in whole seconds: it has no ms)`;
  else advice = '';
  const not = SMALLER_NAME[step] ? `, not as ${SMALLER_NAME[step]}` : '';

  const quote = arg.quote ?? '';
  const edit = (t: string) => [replaceSpan(node.file, arg, quote + prefix + t + quote)];
  const suggestions: Fix[] = [];
  if (meant) suggestions.push({ title: `Change to ${meantText} (${exact(meant.ms)}): ${number} as ${SMALLER_NAME[step]}, as probably meant`, edits: edit(meantText) });
  if (same) suggestions.push({ title: `Change to ${same}: keep what nginx reads now (${exact(read.ms)}), written out`, edits: edit(same) });
  ctx.report({
    at: { file: node.file, start: arg.start, end: arg.end },
    message: `"${time}" in ${subject} is ${head.trim()} + ${number}s = ${exact(read.ms)}: nginx counts a number after the last unit as seconds${not}${advice}`,
    suggestions,
  });
}

/** The step (1 y … 8 ms) of the unit that ends just before `at`, or 0 when no unit letter is there. */
function unitStepBefore(v: string, at: number, floor: number): number {
  const c = v[at - 1];
  if (c === 's' && at - 2 >= floor && v[at - 2] === 'm') return STEP_MSEC;
  const step = UNITS.indexOf(c);
  return step > 0 && step < STEP_MSEC ? step : 0;
}

export default defineNginxRule({
  id: 'misread-time-value',
  server: 'nginx',
  severity: 'warning',
  outcome: '504',
  summary: 'A time ends in a number after a unit ("1h30", "1s500"): nginx counts that number as seconds, so the value is not the 1 h 30 min or 1.5 s it looks like.',
  directives: ['proxy_read_timeout', 'proxy_send_timeout', 'proxy_connect_timeout', 'fastcgi_read_timeout', 'keepalive_timeout', 'proxy_cache_valid'],
  versions: 'all',
  check(ctx) {
    for (const name of timeDirectiveNames()) {
      const nodes = ctx.nodes(name);
      if (nodes.length === 0) continue;
      const info = nginxDirective(name)!;
      const form = timeFormOf(name) as NginxTimeForm | 'either';
      for (const node of nodes) {
        const args = node.directive.args;
        if (args.length === 0) continue;
        check(ctx, node, args[0], '', form, name, info.timeIn);
        // keepalive_timeout's second time is the "Keep-Alive: timeout=" header, read in seconds.
        if (name === 'keepalive_timeout' && args.length > 1 && node.context !== 'upstream') check(ctx, node, args[1], '', 'sec', `${name}'s Keep-Alive header time`, info.timeIn);
      }
    }
    for (const name of CACHE_VALID) {
      for (const node of ctx.nodes(name)) {
        const args = node.directive.args;
        if (args.length > 0) check(ctx, node, args[args.length - 1], '', 'sec', name);
      }
    }
    for (const name in PARAMS) {
      const prefix = PARAMS[name];
      for (const node of ctx.nodes(name)) {
        if (node.directive.block || (name === 'server' && node.context !== 'upstream' && node.context !== 'stream-upstream')) continue;
        const args = node.directive.args;
        for (let k = 1; k < args.length; k++) if (args[k].value.startsWith(prefix)) check(ctx, node, args[k], prefix, 'sec', `${name} ${prefix}`);
      }
    }
  },
});
