/**
 * nginx time and size values (https://nginx.org/en/docs/syntax.html). A bare number of seconds is
 * allowed for times; units may be combined from largest to smallest ("1m30s").
 */
const TIME_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000, M: 2_592_000_000, y: 31_536_000_000 };
const TIME_ORDER = ['y', 'M', 'w', 'd', 'h', 'm', 's', 'ms'];

/** Milliseconds, or null when the text is not a valid nginx time. */
export function parseNginxTime(text: string): number | null {
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const re = /(\d+)(ms|[smhdwMy])/gy;
  let total = 0, last = -1, pos = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) {
    const rank = TIME_ORDER.indexOf(m[2]);
    if (rank <= last) return null;
    last = rank;
    total += Number(m[1]) * TIME_UNITS[m[2]];
    pos = re.lastIndex;
  }
  return pos === text.length && pos > 0 ? total : null;
}

/** Bytes, or null. nginx accepts k/K and m/M for sizes (g/G only for offsets, which we also accept). */
export function parseNginxSize(text: string): number | null {
  const m = /^(\d+)([kKmMgG]?)$/.exec(text);
  if (!m) return null;
  const mult = { '': 1, k: 1024, K: 1024, m: 1048576, M: 1048576, g: 1073741824, G: 1073741824 }[m[2]]!;
  return Number(m[1]) * mult;
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
