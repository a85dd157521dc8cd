/** Deep-merges plain JSON objects; `over` wins key by key, arrays and scalars are replaced whole. */
export function mergeJson(base: unknown, over: unknown): unknown {
  const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isObj(base) || !isObj(over)) return over === undefined ? base : over;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = mergeJson(base[k], v);
  return out;
}
