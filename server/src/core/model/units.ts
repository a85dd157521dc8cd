/**
 * nginx time and size values (https://nginx.org/en/docs/syntax.html). A bare number of seconds is
 * allowed for times; units may be combined from largest to smallest ("1m30s").
 */

/**
 * Milliseconds, or null when the text is not a valid nginx time. A scanner over character codes, not a regular
 * expression: rules read every timeout of a configuration, thousands of them, and the regex version allocated a
 * RegExp and match arrays per call. Units must come from largest to smallest, each at most once.
 */
export function parseNginxTime(text: string): number | null {
  const n = text.length;
  let total = 0, lastRank = -1, pos = 0;
  while (pos < n) {
    const start = pos;
    let value = 0;
    for (let c = text.charCodeAt(pos); c >= 48 && c <= 57; c = text.charCodeAt(++pos)) value = value * 10 + (c - 48);
    if (pos === start) return null;
    // Exact up to 15 digits; longer runs are rounded as Number() rounds them.
    if (pos - start > 15) value = Number(text.slice(start, pos));
    // Digits alone: a bare number of seconds when that is the whole text, else a value without its unit.
    if (pos === n) return start === 0 ? value * 1000 : null;
    let rank: number, unit: number;
    switch (text.charCodeAt(pos++)) {
      case 121 /* y */: rank = 0; unit = 31_536_000_000; break;
      case 77 /* M */: rank = 1; unit = 2_592_000_000; break;
      case 119 /* w */: rank = 2; unit = 604_800_000; break;
      case 100 /* d */: rank = 3; unit = 86_400_000; break;
      case 104 /* h */: rank = 4; unit = 3_600_000; break;
      case 109 /* m */:
        if (text.charCodeAt(pos) === 115 /* s */) {
          pos++;
          rank = 7; unit = 1;
        } else {
          rank = 5; unit = 60_000;
        }
        break;
      case 115 /* s */: rank = 6; unit = 1000; break;
      default: return null;
    }
    if (rank <= lastRank) return null;
    lastRank = rank;
    total += value * unit;
  }
  return n > 0 ? total : null;
}

const MAX_INT_T = 2n ** 63n - 1n;
/** Unit letter → [rank, seconds]; "ms" is handled apart. Ranks must rise within a value, as in nginx. */
const TIME_UNITS: Readonly<Record<string, [number, bigint]>> = { y: [1, 31_536_000n], M: [2, 2_592_000n], w: [3, 604_800n], d: [4, 86_400n], h: [5, 3_600n], m: [6, 60n], s: [7, 1n] };

/**
 * Whether nginx's time parser (ngx_parse_time) reads `text` without error, as a time in seconds (`seconds`, e.g.
 * ssl_session_timeout) or in milliseconds (every proxy timeout). It differs from parseNginxTime, which the rules
 * use to compare values, in what it accepts exactly as nginx does: a bare number after the units ("1h30" is 1h30s),
 * spaces after a unit ("1m 30s"), no "y"/"M" for milliseconds, no "ms" for seconds, and the 64-bit overflow checks.
 * Written after nginx's src/core/ngx_parse.c; the cases that differ between the two forms are in test/unit/units.test.ts.
 */
export function isValidNginxTime(text: string, seconds: boolean): boolean {
  let value = 0n, total = 0n, valid = false;
  let step = seconds ? 0 : 2;
  const n = text.length;
  for (let p = 0; p < n; ) {
    const c = text.charCodeAt(p);
    if (c >= 48 && c <= 57) {
      value = value * 10n + BigInt(c - 48);
      if (value > MAX_INT_T) return false;
      p++;
      valid = true;
      continue;
    }
    const ch = text[p++];
    let scale: bigint, max: bigint, ms = false;
    if (ch === 'm' && text[p] === 's') {
      if (seconds || step >= 8) return false;
      p++;
      step = 8;
      scale = 1n;
      max = MAX_INT_T;
      ms = true;
    } else {
      const unit = TIME_UNITS[ch];
      // "y" may only come first; every other unit must be smaller than the one before it.
      if (!unit || (ch === 'y' ? step > 0 : step >= unit[0])) return false;
      step = unit[0];
      scale = unit[1];
      max = MAX_INT_T / unit[1];
    }
    if (!ms && !seconds) {
      scale *= 1000n;
      max /= 1000n;
    }
    if (value > max) return false;
    value *= scale;
    if (total > MAX_INT_T - value) return false;
    total += value;
    value = 0n;
    while (p < n && text[p] === ' ') p++;
  }
  if (!valid) return false;
  if (!seconds) {
    if (value > MAX_INT_T / 1000n) return false;
    value *= 1000n;
  }
  return total <= MAX_INT_T - value;
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
