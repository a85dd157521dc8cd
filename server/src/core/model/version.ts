/** A target server version from settings; `null` means unknown, and rules must then stay conservative. */
export type Version = [number, number, number] | null;

export function parseVersion(text: string | undefined): Version {
  if (!text || text === 'unknown') return null;
  const m = /^(\d+)\.(\d+)(?:\.(\d+))?$/.exec(text.trim());
  return m ? [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)] : null;
}

/** true / false when the target is known; undefined when it is not. */
export function atLeast(v: Version, min: string): boolean | undefined {
  if (!v) return undefined;
  const m = parseVersion(min)!;
  for (let i = 0; i < 3; i++) if (v[i] !== m[i]) return v[i] > m[i];
  return true;
}
