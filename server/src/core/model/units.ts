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
