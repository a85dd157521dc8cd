/**
 * Where a check spends its time (`proxylint --timing`), per phase and per rule, in milliseconds summed over every
 * configuration checked. Optional everywhere: without a sink nothing is measured. `performance` is a JavaScript
 * global in Node and in browsers, so the core stays free of Node imports.
 */
export type Timings = Map<string, number>;

/**
 * Time spent in each phase that runs inside another one (a file parsed while includes are loaded), per sink: it is
 * taken off the outer phase, so that every millisecond is in one row and the rows add up to the run. Rule times
 * ("rule:<id>") are the exception: they are the parts of "rules" that the table lists below it.
 */
const nestedMs = new WeakMap<Timings, number>();

export function timed<T>(timings: Timings | undefined, key: string, run: () => T): T {
  if (!timings) return run();
  const isPhase = !key.startsWith('rule:');
  const outerNested = isPhase ? (nestedMs.get(timings) ?? 0) : 0;
  if (isPhase) nestedMs.set(timings, 0);
  const start = performance.now();
  try {
    return run();
  } finally {
    const elapsed = performance.now() - start;
    const inner = isPhase ? (nestedMs.get(timings) ?? 0) : 0;
    timings.set(key, (timings.get(key) ?? 0) + elapsed - inner);
    if (isPhase) nestedMs.set(timings, outerNested + elapsed);
  }
}

/** The --timing table: phases first, then the slowest rules, with their share of the total. */
export function formatTimings(timings: Timings, topRules = 15): string {
  const rows = [...timings.entries()];
  const phases = rows.filter(([k]) => !k.startsWith('rule:'));
  const rules = rows.filter(([k]) => k.startsWith('rule:')).sort((a, b) => b[1] - a[1]);
  const total = phases.reduce((s, [, ms]) => s + ms, 0);
  const line = (name: string, ms: number) => `${name.padEnd(44)} ${ms.toFixed(1).padStart(9)} ms ${total > 0 ? ((100 * ms) / total).toFixed(1).padStart(5) : '  0.0'}%`;
  // The header's words end where their columns do: "Time" over "ms", "Share" over "%".
  const out = [`${'Phase'.padEnd(44)} ${'Time'.padStart(12)} ${'Share'.padStart(6)}`, ...phases.map(([k, ms]) => line(k, ms)), line('total', total)];
  if (rules.length) out.push('', `Slowest rules (of ${rules.length}; their time is part of "rules")`, ...rules.slice(0, topRules).map(([k, ms]) => line(k.slice(5), ms)));
  return out.join('\n') + '\n';
}
