/** Pretty-printed JSON written piece by piece, the way the JSON and SARIF reports are produced. */

const BREAKS: string[] = [];
/** A line break and the indentation of level `depth`, made once per depth. */
function lineAt(depth: number): string {
  return (BREAKS[depth] ??= '\n' + '  '.repeat(depth));
}

/**
 * What JSON.stringify(value, null, 2) writes for plain data (objects, arrays, strings, numbers, booleans, null) nested
 * `depth` levels deep: stringified natively, then every line break given the extra indentation. JSON escapes line
 * breaks inside strings, so each "\n" in the text is one between members. A writer of our own that called
 * JSON.stringify per value and joined the pieces allocated about 100 MB of short-lived strings for the 13 MB report of
 * a 100k-line tree (a third of the run's allocation, and its garbage collection); this allocates two flat strings per
 * value.
 */
export function nested(value: unknown, depth: number): string {
  const json: string | undefined = JSON.stringify(value, null, 2);
  // JSON.stringify gives undefined for what it cannot write (undefined, a function): written as null, as before.
  if (json === undefined) return 'null';
  return depth === 0 ? json : json.replaceAll('\n', lineAt(depth));
}
