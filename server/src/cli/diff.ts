/** A unified diff of two texts (3 lines of context), for --fix-dry-run. Small LCS over the changed middle. */
export function unifiedDiff(path: string, before: string, after: string): string {
  if (before === after) return '';
  const a = lines(before);
  const b = lines(after);
  let pre = 0;
  while (pre < a.length && pre < b.length && a[pre] === b[pre]) pre++;
  let suf = 0;
  while (suf < a.length - pre && suf < b.length - pre && a[a.length - 1 - suf] === b[b.length - 1 - suf]) suf++;
  const am = a.slice(pre, a.length - suf);
  const bm = b.slice(pre, b.length - suf);
  type Op = { t: ' ' | '-' | '+'; s: string };
  let ops: Op[];
  if (am.length * bm.length > 4_000_000) {
    ops = [...am.map((s) => ({ t: '-' as const, s })), ...bm.map((s) => ({ t: '+' as const, s }))];
  } else {
    const dp = Array.from({ length: am.length + 1 }, () => new Int32Array(bm.length + 1));
    for (let i = am.length - 1; i >= 0; i--) for (let j = bm.length - 1; j >= 0; j--) dp[i][j] = am[i] === bm[j] ? dp[i + 1][j + 1] + 1 : Math.max(dp[i + 1][j], dp[i][j + 1]);
    ops = [];
    let i = 0, j = 0;
    while (i < am.length || j < bm.length) {
      if (i < am.length && j < bm.length && am[i] === bm[j]) {
        ops.push({ t: ' ', s: am[i++] });
        j++;
      } else if (i < am.length && (j >= bm.length || dp[i + 1][j] >= dp[i][j + 1])) ops.push({ t: '-', s: am[i++] });
      else ops.push({ t: '+', s: bm[j++] });
    }
  }
  const ctx = 3;
  const full: Op[] = [...a.slice(0, pre).map((s) => ({ t: ' ' as const, s })), ...ops, ...a.slice(a.length - suf).map((s) => ({ t: ' ' as const, s }))];
  const out = [`--- ${path}`, `+++ ${path} (fixed)`];
  let k = 0;
  let aLine = 1, bLine = 1;
  while (k < full.length) {
    if (full[k].t === ' ') {
      k++;
      aLine++;
      bLine++;
      continue;
    }
    const start = Math.max(0, k - ctx);
    let end = k;
    while (end < full.length) {
      if (full[end].t !== ' ') {
        end++;
        continue;
      }
      let run = 0;
      while (end + run < full.length && full[end + run].t === ' ') run++;
      if (end + run >= full.length || run > ctx * 2) {
        end = Math.min(full.length, end + ctx);
        break;
      }
      end += run;
    }
    const back = k - start;
    const hunk = full.slice(start, end);
    const aCount = hunk.filter((o) => o.t !== '+').length;
    const bCount = hunk.filter((o) => o.t !== '-').length;
    // An empty side is numbered by the line before it, as diff(1) does ("-0,0" for an empty file).
    out.push(`@@ -${aLine - back - (aCount ? 0 : 1)},${aCount} +${bLine - back - (bCount ? 0 : 1)},${bCount} @@`);
    for (const o of hunk) {
      if (o.s.endsWith(NO_EOL)) out.push(o.t + o.s.slice(0, -NO_EOL.length), '\\ No newline at end of file');
      else out.push(o.t + o.s);
    }
    for (let m = k; m < end; m++) {
      if (full[m].t !== '+') aLine++;
      if (full[m].t !== '-') bLine++;
    }
    k = end;
  }
  return out.join('\n') + '\n';
}

/** Marks a last line that has no newline, so it differs from the same line with one (as in diff(1)). */
const NO_EOL = '\0no-eol';

/** The lines of a text; the newline that ends the last line does not start another one. */
function lines(text: string): string[] {
  if (text === '') return [];
  const l = text.split('\n');
  if (l[l.length - 1] === '') l.pop();
  else l[l.length - 1] += NO_EOL;
  return l;
}
