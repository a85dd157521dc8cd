/** Pretty-printed JSON written piece by piece, the way the JSON and SARIF reports are produced. */

/** Per depth, how many characters JSON.stringify puts before and after a value wrapped in that many arrays (see nested). */
const CUT: { before: number; after: number }[] = [];

/** `value` inside `depth` one-element arrays. */
function wrap(value: unknown, depth: number): unknown {
  let v = value;
  for (let d = 0; d < depth; d++) v = [v];
  return v;
}

/**
 * What JSON.stringify(value, null, 2) writes for plain data (objects, arrays, strings, numbers, booleans, null) nested
 * `depth` levels deep. A writer of our own that called JSON.stringify per value and joined the pieces allocated about
 * 100 MB of short-lived strings for the 13 MB report of a 100k-line tree (a third of the run's allocation, and its
 * garbage collection). Instead the value is stringified natively inside `depth` one-element arrays, which gives every
 * line of it exactly the indentation of that depth, and the arrays' brackets are cut off: the cut is a slice of the
 * one flat string, not a copy (re-indenting the native output with replaceAll made a second copy of the whole
 * report and scanned it again). A value JSON cannot write (undefined, a function) comes out as null, as an array
 * element does.
 */
export function nested(value: unknown, depth: number): string {
  if (depth === 0) return JSON.stringify(value, null, 2) ?? 'null';
  let cut = CUT[depth];
  if (!cut) {
    const sample = JSON.stringify(wrap(0, depth), null, 2);
    const at = sample.indexOf('0');
    CUT[depth] = cut = { before: at, after: sample.length - at - 1 };
  }
  const json = JSON.stringify(wrap(value, depth), null, 2);
  return json.slice(cut.before, json.length - cut.after);
}
