import { keptIn, type Made } from './reads';

/** Adds `value` to the list kept under `key`, starting the list on first use (the lists of an index built in one pass). */
export function pushTo<K, V>(lists: Map<K, V[]>, key: K, value: V): void {
  const list = lists.get(key);
  if (list) list.push(value);
  else lists.set(key, [value]);
}

/**
 * Of spans sorted by start that do not overlap (statements, lines of a file), the one that can hold offset `at`: the
 * last starting at or before it, found by halves (a generated file has tens of thousands); undefined when none does.
 * Whether it reaches `at` is the caller's test (its end may or may not count).
 */
export function lastStartingBy<T extends { start: number }>(sorted: readonly T[], at: number): T | undefined {
  if (!sorted.length || sorted[0].start > at) return undefined;
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (sorted[mid].start <= at) lo = mid;
    else hi = mid - 1;
  }
  return sorted[lo];
}

/**
 * `build`, worked out once per key (a rule run's context, a configuration, a node) and kept while the key lives: for
 * indexes a rule would otherwise rebuild, or a whole list it would otherwise scan, at every line it asks about. What
 * building it read is noted again at each use (core/reads.ts): another rule may be the one that uses it.
 */
export function oncePer<K extends object, V>(build: (key: K) => V): (key: K) => V {
  const kept = new WeakMap<K, Made<V>>();
  return (key) => keptIn(kept, key, () => build(key));
}
