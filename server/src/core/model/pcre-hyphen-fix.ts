import { pcreVerdict, posixSyntax } from './pcre-check';

/**
 * The one PCRE2 error whose repair is certain: a "-" in a character class right after a class such as \w, \d or
 * [:alpha:], or right before one after a single character ([\w-.], [.-\w], [[:alpha:]-_]). Perl reads that "-" as
 * a literal hyphen, since a range needs a character at each end; PCRE2 refuses it ("invalid range in character
 * class") as a likely slip. pcre2pattern: "Perl treats a hyphen as a literal if it appears before or after a POSIX
 * class ... or before or after a character type escape such as \d or \H ... PCRE2 throws an error in this case."
 * https://www.pcre.org/current/doc/html/pcre2pattern.html#characterclass
 *
 * Moving such a "-" to the end of its class keeps it a literal hyphen (a "-" before the closing "]" is one) and
 * changes nothing else: the order of the items of a class does not matter. Returns the repaired pattern only when
 * the pattern check then follows the whole pattern and finds nothing else wrong; undefined when the error is
 * another, when a class holds a reading that is not certain ([\w--z]: is "--z" a range?), or when the check gives
 * up on a part of the pattern.
 */
export function moveMisplacedHyphens(pattern: string): string | undefined {
  let p = pattern;
  // Each round repairs the first class the check stops at; a pattern has only so many classes.
  for (let round = 0; round <= pattern.length; round++) {
    const classes: number[] = [];
    const v = pcreVerdict(p, classes);
    if (v === 'ok') return round ? p : undefined;
    if (v === 'unknown' || v.message !== 'invalid range in character class' || !classes.length) return undefined;
    const next = repairClass(p, classes[classes.length - 1]);
    if (next === undefined || next === p) return undefined;
    p = next;
  }
  return undefined;
}

type Item = { kind: 'char' | 'class' | 'hyphen'; start: number; end: number };

/** The class that starts at `start`, its orphan hyphens moved to its end; undefined where that is not certain. */
function repairClass(p: string, start: number): string | undefined {
  const parsed = items(p, start);
  if (!parsed) return undefined;
  const { list, close } = parsed;
  // "--": a range that starts or ends at a hyphen ([!--]), or two literal ones? Not certain: no repair.
  if (list.some((it, k) => it.kind === 'hyphen' && list[k + 1]?.kind === 'hyphen')) return undefined;
  const orphans: Item[] = [];
  for (let k = 0; k < list.length; k++) {
    const it = list[k];
    const dash = list[k + 1];
    const after = list[k + 2];
    // A "-" first or last in the class is a literal already; so is one right after a range ([a-z-_]).
    if (it.kind === 'hyphen' || dash?.kind !== 'hyphen' || !after) continue;
    if (it.kind === 'char' && after.kind === 'char') { k += 2; continue; } // a range: a-z
    orphans.push(dash);
    k++;
  }
  if (!orphans.length) return undefined;
  let body = p.slice(0, start);
  let pos = start;
  for (const o of orphans) {
    body += p.slice(pos, o.start);
    pos = o.end;
  }
  body += p.slice(pos, close);
  const last = list[list.length - 1];
  const endsInHyphen = last.kind === 'hyphen' && !orphans.includes(last);
  return body + (endsInHyphen ? '' : '-') + p.slice(close);
}

/**
 * The items of a class in the order PCRE2 reads them: single characters (escaped ones included), classes (\w,
 * \p{L}, [:alpha:]) and hyphens, and the offset of its closing "]". Undefined on anything this does not follow.
 */
function items(p: string, start: number): { list: Item[]; close: number } | undefined {
  const list: Item[] = [];
  let i = start + 1;
  if (p[i] === '^') i++;
  let first = true;
  while (i < p.length) {
    const c = p[i];
    if (c === ']' && !first) return list.length ? { list, close: i } : undefined;
    first = false;
    if (c === '[' && p[i + 1] === ':' && posixSyntax(p, i + 1)) {
      const end = p.indexOf(':]', i + 2);
      if (!/^\^?[a-z]+$/.test(p.slice(i + 2, end))) return undefined;
      list.push({ kind: 'class', start: i, end: end + 2 });
      i = end + 2;
      continue;
    }
    // [.ch.] and [=ch=] (collating elements) are refused with other words; "[" before anything else is a "[".
    if (c === '[' && (p[i + 1] === '.' || p[i + 1] === '=') && posixSyntax(p, i + 1)) return undefined;
    if (c === '\\') {
      const e = p[i + 1];
      if (e === undefined) return undefined;
      if (/[pP]/.test(e)) {
        if (p[i + 2] !== '{') return undefined;
        const end = p.indexOf('}', i);
        if (end < 0) return undefined;
        list.push({ kind: 'class', start: i, end: end + 1 });
        i = end + 1;
        continue;
      }
      if (/[dDwWsShHvV]/.test(e)) { list.push({ kind: 'class', start: i, end: i + 2 }); i += 2; continue; }
      // An escaped punctuation character is that character; letters and digits (\x41, \n, \0, \b) have values
      // and rules of their own, left alone.
      if (/[A-Za-z0-9]/.test(e)) return undefined;
      list.push({ kind: 'char', start: i, end: i + 2 });
      i += 2;
      continue;
    }
    const cp = p.codePointAt(i)!;
    const len = cp > 0xffff ? 2 : 1;
    list.push({ kind: c === '-' ? 'hyphen' : 'char', start: i, end: i + len });
    i += len;
  }
  return undefined;
}
