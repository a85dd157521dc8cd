/** Levenshtein distance, capped: returns `max + 1` as soon as the distance is known to exceed `max`. */
export function editDistance(a: string, b: string, max = 3): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      rowMin = Math.min(rowMin, cur[j]);
    }
    if (rowMin > max) return max + 1;
    prev = cur;
  }
  return prev[b.length];
}

/** The one closest candidate within `max` edits, or undefined when there is none or a tie. */
export function closest(name: string, candidates: string[], max = 2): string | undefined {
  let best: string | undefined, bestD = max + 1, tie = false;
  for (const c of candidates) {
    const d = editDistance(name.toLowerCase(), c.toLowerCase(), max);
    if (d < bestD) {
      best = c;
      bestD = d;
      tie = false;
    } else if (d === bestD) tie = true;
  }
  return bestD <= max && !tie ? best : undefined;
}
