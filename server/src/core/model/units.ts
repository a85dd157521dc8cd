/**
 * nginx time and size values (https://nginx.org/en/docs/syntax.html). A bare number of seconds is
 * allowed for times; units may be combined from largest to smallest ("1m30s").
 */

/**
 * How a directive hands its time to nginx's parser, ngx_parse_time (src/core/ngx_parse.c): "msec" for
 * ngx_conf_set_msec_slot and the handlers that parse like it (every proxy_*_timeout, keepalive_timeout, resolver_timeout,
 * *_next_upstream_timeout …), which take "ms" but not "y" or "M"; "sec" for ngx_conf_set_sec_slot and the parameters
 * read in seconds (ssl_session_timeout, proxy_cache_valid, fail_timeout=, valid=, inactive=, expires), which take
 * years and months but not "ms".
 */
export type NginxTimeForm = 'msec' | 'sec';

/**
 * ngx_parse_time's steps: a unit must come after a larger one ("y" only first), ms last. A blank where a unit could
 * be is one more, after all others: it ends a number of seconds, and only before any "s" or "ms".
 */
const YEAR = 1, MONTH = 2, SEC = 7, MSEC = 8, BLANK = 9;
/** Seconds of each step's unit, by step; "ms" is apart (one millisecond). */
const STEP_SECONDS = [0, 31_536_000, 2_592_000, 604_800, 86_400, 3_600, 60, 1, 0, 1];
const MAX_INT_T = 2n ** 63n - 1n;

/** The step of the unit at `p` (y M w d h m s ms, or a blank), or 0 when the character there is not a unit. */
function unitStep(text: string, p: number): number {
  switch (text.charCodeAt(p)) {
    case 121 /* y */: return YEAR;
    case 77 /* M */: return MONTH;
    case 119 /* w */: return 3;
    case 100 /* d */: return 4;
    case 104 /* h */: return 5;
    case 109 /* m */: return text.charCodeAt(p + 1) === 115 /* s */ ? MSEC : 6;
    case 115 /* s */: return SEC;
    case 32 /* blank */: return BLANK;
    default: return 0;
  }
}

/** The unit's length in the form's own unit (milliseconds or seconds). */
const scaleOf = (step: number, sec: boolean) => (step === MSEC ? 1 : sec ? STEP_SECONDS[step] : STEP_SECONDS[step] * 1000);

/**
 * Milliseconds of an nginx time, or null exactly when nginx refuses it ("invalid value"): ngx_parse_time as nginx
 * 1.22.1 runs it, in the directive's form. Digits with a unit each, units from largest to smallest and each at most
 * once, blanks allowed after a unit ("1m 30s"), and a number without a unit at the end counts seconds: "90" is 90 s,
 * "1h30" is 1 h 30 s, "5ms500" is 500.005 s. A blank after a number is a unit of seconds too, allowed before any "s"
 * or "ms" and followed by nothing but a number ("5 " and "1m5 " are times, "5 s" and "1s5 " are not). No fractions
 * ("1.5s" is refused), no signs, and nothing past a 64-bit signed total in the form's unit. A unit without digits
 * counts nothing ("s5" is 5 s, " 7" 7 s) but some digit must be there ("s" is refused). Checked against the real
 * nginx -t in test/servers/nginx-time.test.ts.
 *
 * A scanner over character codes in plain numbers: rules read every timeout of a configuration, thousands of them.
 * nginx's overflow checks all amount to "the exact total fits in 63 bits", and a total up to 2^53 is exact in a
 * number; only a larger one is summed again in BigInt to decide. Values past 2^53 ms (285,000 years) are rounded.
 */
export function parseNginxTime(text: string, form: NginxTimeForm): number | null {
  const sec = form === 'sec';
  const n = text.length;
  // In milliseconds nginx starts at the month step, which is what refuses "y" and "M" there.
  let step = sec ? 0 : MONTH;
  let value = 0, total = 0, digits = false;
  for (let p = 0; p < n; ) {
    const c = text.charCodeAt(p);
    if (c >= 48 && c <= 57) {
      value = value * 10 + (c - 48);
      digits = true;
      p++;
      continue;
    }
    const s = unitStep(text, p);
    if (s === 0 || (s === YEAR ? step > 0 : s === BLANK ? step >= SEC : step >= s) || (s === MSEC && sec)) return null;
    step = s;
    p += s === MSEC ? 2 : 1;
    total += value * scaleOf(s, sec);
    value = 0;
    while (text.charCodeAt(p) === 32 /* blank */) p++;
  }
  if (!digits) return null;
  total += sec ? value : value * 1000;
  if (total > Number.MAX_SAFE_INTEGER) return exactTotal(text, sec);
  return sec ? total * 1000 : total;
}

/** The total of a text parseNginxTime found well formed, summed exactly: null past nginx's 64-bit limit. */
function exactTotal(text: string, sec: boolean): number | null {
  let value = 0n, total = 0n;
  for (let p = 0; p < text.length; ) {
    const c = text.charCodeAt(p);
    if (c >= 48 && c <= 57) {
      value = value * 10n + BigInt(c - 48);
      p++;
      continue;
    }
    const s = unitStep(text, p);
    p += s === MSEC ? 2 : 1;
    total += value * BigInt(scaleOf(s, sec));
    value = 0n;
    while (text.charCodeAt(p) === 32) p++;
  }
  total += sec ? value : value * 1000n;
  if (total > MAX_INT_T) return null;
  return Number(sec ? total * 1000n : total);
}

// Constants rather than literals in parseNginxSize: a regular expression or object literal makes a new object each
// time it is evaluated, and rules parse sizes at every pass of a large configuration.
const SIZE = /^(\d+)([kKmMgG]?)$/;
const SIZE_UNIT: Readonly<Record<string, number>> = { '': 1, k: 1024, K: 1024, m: 1048576, M: 1048576, g: 1073741824, G: 1073741824 };

/** Bytes, or null. nginx accepts k/K and m/M for sizes (g/G only for offsets, which we also accept). */
export function parseNginxSize(text: string): number | null {
  const m = SIZE.exec(text);
  if (!m) return null;
  return Number(m[1]) * SIZE_UNIT[m[2]];
}

const SIZE_T = /^(\d+)([kKmM]?)$/;
const SIZE_T_MAX = 2n ** 63n - 1n;

/**
 * Bytes of a size as ngx_parse_size reads it (nginx 1.22.1, 64-bit), for the size_t directives (*_buffer_size,
 * *_buffers, *_busy_buffers_size, *_temp_file_write_size, *_max_temp_file_size): digits with an optional k or m
 * (no g: "1g" is an invalid value there), and null when the number times its unit would not fit in 63 bits, which
 * nginx refuses as an invalid value rather than wrapping ("9007199254740991k" is read, "9007199254740992k" is not).
 * Totals past 2^53 are rounded, which only such absurd values meet.
 */
export function parseNginxSizeT(text: string): number | null {
  const m = SIZE_T.exec(text);
  if (!m) return null;
  const scale = SIZE_UNIT[m[2]];
  // Short digit strings cannot overflow; only long ones are checked exactly.
  if (m[1].length > 15 && BigInt(m[1]) > SIZE_T_MAX / BigInt(scale)) return null;
  return Number(m[1]) * scale;
}

export function formatDuration(ms: number): string {
  if (ms % 3_600_000 === 0 && ms >= 3_600_000) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0 && ms >= 60_000) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}

export function formatSize(bytes: number): string {
  if (bytes % 1048576 === 0 && bytes >= 1048576) return `${bytes / 1048576}m`;
  if (bytes % 1024 === 0 && bytes >= 1024) return `${bytes / 1024}k`;
  return String(bytes);
}
