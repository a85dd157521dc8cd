let rows = [new Int32Array(64), new Int32Array(64)];

/** Levenshtein distance, capped: returns `max + 1` as soon as the distance is known to exceed `max`. */
export function editDistance(a: string, b: string, max = 3): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  // Two rows, kept between calls: a name checked against hundreds of candidates (a misspelt variable against nginx's
  // built-in ones, for each of thousands of lines) otherwise allocates arrays per candidate and per row.
  if (rows[0].length <= b.length) rows = [new Int32Array(b.length * 2 + 1), new Int32Array(b.length * 2 + 1)];
  let [prev, cur] = rows;
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    let rowMin = i;
    const ca = a.charCodeAt(i - 1);
    for (let j = 1; j <= b.length; j++) {
      const sub = prev[j - 1] + (ca === b.charCodeAt(j - 1) ? 0 : 1);
      const v = Math.min(prev[j] + 1, cur[j - 1] + 1, sub);
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    const t = prev;
    prev = cur;
    cur = t;
  }
  return prev[b.length];
}

/** The one closest candidate within `max` edits, or undefined when there is none or a tie. */
export function closest(name: string, candidates: string[], max = 2): string | undefined {
  let best: string | undefined, bestD = max + 1, tie = false;
  const a = name.toLowerCase();
  for (const c of candidates) {
    const d = editDistance(a, c.toLowerCase(), max);
    if (d < bestD) {
      best = c;
      bestD = d;
      tie = false;
    } else if (d === bestD) tie = true;
  }
  return bestD <= max && !tie ? best : undefined;
}
