import type { TextEdit } from './finding';

/** One line of a line diff: kept (' '), only in the old text ('-'), only in the new one ('+'). */
export interface LineOp {
  t: ' ' | '-' | '+';
  s: string;
}

/**
 * A line diff of `a` and `b`: the common start and end are kept as they are, the changed middle is aligned by the
 * longest common subsequence. A middle too large for that (over 4 million line pairs) is shown as removed then
 * added: correct, just not minimal, and never a quadratic wait on a huge rewrite.
 */
export function lineOps(a: readonly string[], b: readonly string[]): LineOp[] {
  let pre = 0;
  while (pre < a.length && pre < b.length && a[pre] === b[pre]) pre++;
  let suf = 0;
  while (suf < a.length - pre && suf < b.length - pre && a[a.length - 1 - suf] === b[b.length - 1 - suf]) suf++;
  const am = a.slice(pre, a.length - suf);
  const bm = b.slice(pre, b.length - suf);
  const ops: LineOp[] = a.slice(0, pre).map((s) => ({ t: ' ', s }));
  if (am.length * bm.length > 4_000_000) {
    for (const s of am) ops.push({ t: '-', s });
    for (const s of bm) ops.push({ t: '+', s });
  } else {
    const dp = Array.from({ length: am.length + 1 }, () => new Int32Array(bm.length + 1));
    for (let i = am.length - 1; i >= 0; i--) for (let j = bm.length - 1; j >= 0; j--) dp[i][j] = am[i] === bm[j] ? dp[i + 1][j + 1] + 1 : Math.max(dp[i + 1][j], dp[i][j + 1]);
    let i = 0, j = 0;
    while (i < am.length || j < bm.length) {
      if (i < am.length && j < bm.length && am[i] === bm[j]) {
        ops.push({ t: ' ', s: am[i++] });
        j++;
      } else if (i < am.length && (j >= bm.length || dp[i + 1][j] >= dp[i][j + 1])) ops.push({ t: '-', s: am[i++] });
      else ops.push({ t: '+', s: bm[j++] });
    }
  }
  for (const s of a.slice(a.length - suf)) ops.push({ t: ' ', s });
  return ops;
}

/** The lines of a text with their line breaks, so that joining them gives the text back. */
function linesWithBreaks(text: string): string[] {
  const out: string[] = [];
  let from = 0;
  for (let k = text.indexOf('\n'); k >= 0; k = text.indexOf('\n', from)) {
    out.push(text.slice(from, k + 1));
    from = k + 1;
  }
  if (from < text.length) out.push(text.slice(from));
  return out;
}

/**
 * Edits that turn `before` into `after`, one per run of changed lines, as offsets into `before`. The editor's "fix
 * all" applies fixes over several passes, as --fix does, and hands the editor the difference: a pass's edits are
 * offsets into the text the previous pass made, so they cannot be sent as they are. Whole lines, so that text the
 * fixes did not touch keeps its place (and the cursor, folds and markers on it).
 */
export function editsBetween(path: string, before: string, after: string): TextEdit[] {
  if (before === after) return [];
  const edits: TextEdit[] = [];
  let offset = 0;
  let open: TextEdit | undefined;
  for (const op of lineOps(linesWithBreaks(before), linesWithBreaks(after))) {
    if (op.t === ' ') {
      if (open) edits.push(open);
      open = undefined;
      offset += op.s.length;
      continue;
    }
    open ??= { path, start: offset, end: offset, newText: '' };
    if (op.t === '-') {
      offset += op.s.length;
      open.end = offset;
    } else open.newText += op.s;
  }
  if (open) edits.push(open);
  return edits;
}
