/** A target server version from settings; `null` means unknown, and rules must then stay conservative. */
export type Version = [number, number, number] | null;

export function parseVersion(text: string | undefined): Version {
  if (!text || text === 'unknown') return null;
  const m = /^(\d+)\.(\d+)(?:\.(\d+))?$/.exec(text.trim());
  return m ? [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)] : null;
}

const minimums = new Map<string, [number, number, number]>();

/** true / false when the target is known; undefined when it is not. */
export function atLeast(v: Version, min: string): boolean | undefined {
  if (!v) return undefined;
  // The minimums are a few dozen literals from the rules and version tables, asked about for every line of a tree.
  let m = minimums.get(min);
  if (!m) minimums.set(min, (m = parseVersion(min)!));
  for (let i = 0; i < 3; i++) if (v[i] !== m[i]) return v[i] > m[i];
  return true;
}
