import { lineOps } from '../core/text-diff';

/** A unified diff of two texts (3 lines of context), for --fix-dry-run. Lines aligned by lineOps. */
export function unifiedDiff(path: string, before: string, after: string): string {
  if (before === after) return '';
  const a = lines(before);
  const b = lines(after);
  const full = lineOps(a, b);
  const ctx = 3;
  const name = headerName(path);
  const out = [`--- ${name}`, `+++ ${name} (fixed)`];
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

/**
 * A file name as GNU diff writes it in a header: in double quotes, C-escaped, when it holds white space, a quote, a
 * backslash or a control character. GNU patch and git apply read such a name whole; unquoted, patch cut
 * "conf.d/api v2.conf" at the space and found no file to patch.
 */
export function headerName(path: string): string {
  if (!/[\s"\\\x00-\x1f\x7f]/.test(path)) return path;
  const escaped = path.replace(/[\\"\x00-\x1f\x7f]/g, (c) => {
    const named: Record<string, string> = { '\\': '\\\\', '"': '\\"', '\t': '\\t', '\n': '\\n', '\r': '\\r' };
    return named[c] ?? '\\' + c.charCodeAt(0).toString(8).padStart(3, '0');
  });
  return `"${escaped}"`;
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
