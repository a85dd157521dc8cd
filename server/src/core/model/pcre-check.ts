/**
 * A conservative check of a PCRE2 pattern for the mistakes pcre2_compile() refuses and that a hand-written nginx
 * regex most often has: an unclosed or unmatched parenthesis, an unclosed character class, a quantifier with nothing
 * to repeat, `{n,m}` with n > m, a class range backwards, a back reference to a group that does not exist.
 * JavaScript's RegExp cannot stand in: it refuses much that PCRE2 takes (`(?i)`, `(?P<n>…)`, `a++`, `(?>…)`), so
 * this walks the pattern itself and gives up (says nothing) on anything it does not model: extended mode `(?x)`,
 * conditionals `(?(…)`, branch resets `(?|`, unknown `(?` forms. The messages are pcre2_compile()'s, as nginx 1.22.1
 * (PCRE2 10.42) prints them.
 */
export interface PcreError {
  message: string;
  /** Offset in the pattern where the problem is seen. */
  offset: number;
}

type Prev = 'start' | 'assertion' | 'atom' | 'quant' | 'quantmod';

const QUANT_BRACE = /^\{(\d+)(,(\d*))?\}/;
const ASSERTION_ESCAPES = new Set(['b', 'B', 'A', 'Z', 'z', 'G']);
const POSIX_CLASSES = new Set(['alpha', 'digit', 'alnum', 'upper', 'lower', 'space', 'punct', 'print', 'graph', 'cntrl', 'xdigit', 'blank', 'word', 'ascii']);
const MAX_QUANT = 65535;

class GiveUp extends Error {}

export function checkPcre(pattern: string): PcreError | undefined {
  const v = pcreVerdict(pattern);
  return v === 'ok' || v === 'unknown' ? undefined : v;
}

/**
 * The check's full answer: the error, 'ok' when it followed the whole pattern and saw none, 'unknown' when it gave
 * up on a part it does not model. `classes` gets the offset of each character class's "[" it walked into, in order:
 * after an error found inside a class, the last one is that class.
 */
export function pcreVerdict(pattern: string, classes?: number[]): PcreError | 'ok' | 'unknown' {
  try {
    return walk(pattern, classes) ?? 'ok';
  } catch (e) {
    if (e instanceof GiveUp) return 'unknown';
    throw e;
  }
}

/**
 * The settings a pattern may start with that PCRE2 10.42 accepts (checked with nginx -t on Debian's nginx 1.22.1, in
 * test/rules/invalid-regex.test.ts): newline and \R conventions, UTF and UCP, optimisation switches, match limits.
 */
const START_SETTING = /^\(\*(?:UTF8?|UCP|NO_AUTO_POSSESS|NO_DOTSTAR_ANCHOR|NO_JIT|NO_START_OPT|NOTEMPTY(?:_ATSTART)?|CR|LF|CRLF|ANYCRLF|ANY|NUL|BSR_ANYCRLF|BSR_UNICODE|LIMIT_(?:HEAP|MATCH|DEPTH|RECURSION)=\d+)\)/;

function walk(p: string, classes?: number[]): PcreError | undefined {
  const open: number[] = [];
  let prev: Prev = 'start';
  let groups = 0;
  const names = new Set<string>();
  const refs: { n: number; at: number }[] = [];
  let i = 0;
  const nothingToRepeat = (at: number): PcreError => ({ message: 'quantifier does not follow a repeatable item', offset: at });
  // Verbs such as (*UTF) may only lead the pattern; anywhere else PCRE2 has its own words for them.
  let leading = true;
  while (i < p.length) {
    const c = p[i];
    if (!(c === '(' && p[i + 1] === '*')) leading = false;
    if (c === '\\') {
      const e = p[i + 1];
      if (e === undefined) throw new GiveUp(); // nginx's own tokenizer has its say on a trailing backslash first
      if (e === 'Q') {
        const end = p.indexOf('\\E', i + 2);
        const literal = end < 0 ? p.length - (i + 2) : end - (i + 2);
        i = end < 0 ? p.length : end + 2;
        if (literal > 0) prev = 'atom';
        continue;
      }
      if (e === 'E') { i += 2; continue; }
      if (ASSERTION_ESCAPES.has(e)) { prev = 'assertion'; i += 2; continue; }
      if (e >= '1' && e <= '9' && !/\d/.test(p[i + 2] ?? '')) refs.push({ n: Number(e), at: i + 1 });
      // \x{…}, \p{…}, \k<…>, \g{…} and friends: skip their bracketed part whole.
      const bracket = /^[xopPkgN]([{<'])/.exec(p.slice(i + 1, i + 3));
      if (bracket) {
        const close = { '{': '}', '<': '>', "'": "'" }[bracket[1] as '{' | '<' | "'"];
        const end = p.indexOf(close, i + 3);
        if (end < 0) throw new GiveUp();
        i = end + 1;
      } else i += 2;
      prev = 'atom';
      continue;
    }
    if (c === '[') {
      // [.ch.] and [=ch=] are POSIX collating elements, which PCRE2 refuses with words of its own; [.-\w] is a class.
      if ((p[i + 1] === '.' || p[i + 1] === '=') && posixSyntax(p, i + 1)) throw new GiveUp();
      // [:alpha:] outside a class: PCRE2 refuses it rather than read a class of ":alph".
      if (/^\[:\^?\w+:\]/.test(p.slice(i))) return { message: 'POSIX named classes are supported only within a class', offset: i };
      classes?.push(i);
      const r = charClass(p, i);
      if ('message' in r) return r;
      i = r.end;
      prev = 'atom';
      continue;
    }
    if (c === '(') {
      // "(*)" is a group whose first item is a "*"; "(*" and anything else starts a verb such as (*UTF) or (*ANY),
      // which PCRE2 checks by its own rules.
      if (p[i + 1] === '*' && p[i + 2] !== ')') {
        // Only the settings PCRE2 takes at the start are known here; any other name ((*FOO), (*b, (*utf)) gets words
        // of PCRE2's own ("(*VERB) not recognized or malformed", "(*alpha_assertion) not recognized").
        const setting = leading ? START_SETTING.exec(p.slice(i)) : null;
        if (!setting) throw new GiveUp();
        i += setting[0].length;
        prev = 'start'; // only at the start (see leading): nothing before it to repeat
        continue;
      }
      if (p[i + 1] !== '?') {
        open.push(i);
        groups++;
        i++;
        prev = 'start';
        continue;
      }
      const rest = p.slice(i + 2);
      if (rest.startsWith('#')) {
        const end = p.indexOf(')', i);
        if (end < 0) return { message: 'missing ) after (?# comment', offset: p.length };
        i = end + 1;
        continue;
      }
      const opts = /^([a-zA-Z^-]*)([):])/.exec(rest);
      if (opts && !/^(P[<=>]|[R&])/.test(rest)) {
        // (?x) makes white space and # comments insignificant: a different language, left alone.
        if (opts[1].includes('x')) throw new GiveUp();
        // An option setting repeats nothing, and PCRE2 does not look through it to the item before.
        if (opts[2] === ')') { i += 2 + opts[0].length; prev = 'assertion'; continue; }
        open.push(i);
        i += 2 + opts[0].length;
        prev = 'start';
        continue;
      }
      const named = /^(?:P?<([A-Za-z_]\w*)>|'([A-Za-z_]\w*)')/.exec(rest);
      if (named) {
        const name = named[1] ?? named[2];
        if (names.has(name)) return { message: 'two named subpatterns have the same name (PCRE2_DUPNAMES not set)', offset: i + 2 };
        names.add(name);
        open.push(i);
        groups++;
        i += 2 + named[0].length;
        prev = 'start';
        continue;
      }
      const head = /^(?:=|!|<=|<!|>)/.exec(rest);
      if (head) { open.push(i); i += 2 + head[0].length; prev = 'start'; continue; }
      // (?R), (?1), (?&name), (?P=name), (?P>name): a call or reference, one atom.
      const call = /^(?:R|[+-]?\d+|&\w+|P[=>]\w+)\)/.exec(rest);
      if (call) { i += 2 + call[0].length; prev = 'atom'; continue; }
      throw new GiveUp(); // conditionals, branch resets, anything else
    }
    if (c === ')') {
      if (!open.length) return { message: 'unmatched closing parenthesis', offset: i };
      open.pop();
      i++;
      prev = 'atom';
      continue;
    }
    if (c === '|') { prev = 'start'; i++; continue; }
    if (c === '^' || c === '$') { prev = 'assertion'; i++; continue; }
    const brace = c === '{' ? QUANT_BRACE.exec(p.slice(i)) : null;
    if (c === '*' || c === '+' || c === '?' || brace) {
      if (brace) {
        const lo = Number(brace[1]);
        const hi = brace[3] ? Number(brace[3]) : undefined;
        if (lo > MAX_QUANT || (hi !== undefined && hi > MAX_QUANT)) return { message: 'number too big in {} quantifier', offset: i + brace[0].length - 1 };
        if (hi !== undefined && hi < lo) return { message: 'numbers out of order in {} quantifier', offset: i + brace[0].length - 1 };
      }
      const len = brace ? brace[0].length : 1;
      if (prev === 'start' || prev === 'assertion' || prev === 'quantmod') return nothingToRepeat(i);
      if (prev === 'quant') {
        // A ? or + right after a quantifier makes it lazy or possessive; anything more repeats a repeat.
        if (c === '?' || c === '+') { prev = 'quantmod'; i++; continue; }
        return nothingToRepeat(i);
      }
      prev = 'quant';
      i += len;
      continue;
    }
    prev = 'atom';
    i++;
  }
  if (open.length) return { message: 'missing closing parenthesis', offset: p.length };
  for (const r of refs) if (r.n > groups) return { message: 'reference to non-existent subpattern', offset: r.at };
  return undefined;
}

/**
 * Whether the "[" before `at` starts POSIX syntax ([:alpha:], [.ch.], [=ch=]): PCRE2's check_posix_syntax() looks
 * for the closing ".]" (":]", "=]") before any "]" or another "[." of the same kind, stepping over \] and \\.
 */
export function posixSyntax(p: string, at: number): boolean {
  const t = p[at];
  for (let i = at + 1; i + 1 < p.length; i++) {
    if (p[i] === '\\' && (p[i + 1] === ']' || p[i + 1] === '\\')) i++;
    else if ((p[i] === '[' && p[i + 1] === t) || p[i] === ']') return false;
    else if (p[i] === t && p[i + 1] === ']') return true;
  }
  return false;
}

/** A character class from its `[`: where it ends, or the error that keeps it from ending well. */
function charClass(p: string, start: number): { end: number } | PcreError {
  let i = start + 1;
  if (p[i] === '^') i++;
  // A ] right at the start is a literal one.
  let first = true;
  let last: string | null = null;
  let dash = false;
  while (i < p.length) {
    const c = p[i];
    if (c === ']' && !first) return { end: i + 1 };
    first = false;
    if (c === '[' && p[i + 1] === ':') {
      const end = p.indexOf(':]', i + 2);
      if (end > 0) {
        const name = p.slice(i + 2, end).replace(/^\^/, '');
        if (/^\^?\w+$/.test(p.slice(i + 2, end)) && !POSIX_CLASSES.has(name)) return { message: 'unknown POSIX class name', offset: i + 2 };
        // A POSIX class can neither end a range (a-[:alpha:]) nor start one.
        if (dash) return { message: 'invalid range in character class', offset: i };
        i = end + 2;
        // Nor can a POSIX class start one.
        if (p[i] === '-' && i + 1 < p.length && p[i + 1] !== ']') return { message: 'invalid range in character class', offset: i };
        last = null;
        dash = false;
        continue;
      }
    }
    if (c === '[' && (p[i + 1] === '.' || p[i + 1] === '=') && posixSyntax(p, i + 1)) throw new GiveUp();
    if (c === '\\') {
      if (p[i + 1] === 'Q' || p[i + 1] === 'E' || p[i + 1] === undefined) throw new GiveUp();
      // Escapes that mean nothing in a class (\k<n>, \g1, \R, \X, \B …) are an error of their own.
      if (/[A-Za-z]/.test(p[i + 1]) && !/[dDwWsShHvVpPxntrfeab]/.test(p[i + 1])) throw new GiveUp();
      // Nor can a class escape end one: [a-\d] is refused as well (PCRE2 points past the escape).
      if (dash && /[dDwWsShHvVpP]/.test(p[i + 1])) return { message: 'invalid range in character class', offset: i + 2 };
      // An escaped ASCII punctuation character is that character (\. \- \]): it starts and ends ranges like one.
      if (/[!-/:-@[-`{-~]/.test(p[i + 1])) {
        if (dash && last !== null && p[i + 1].charCodeAt(0) < last.codePointAt(0)!) return { message: 'range out of order in character class', offset: i + 1 };
        last = dash ? null : p[i + 1];
        dash = false;
        i += 2;
        continue;
      }
      // An escape that ends a range (a-\x7f, a-\b) has a value this check does not work out.
      if (dash) throw new GiveUp();
      // A class escape (\d, \w, \p{L}, …) cannot start a range: [\d-z] is refused, [\d-] is not.
      if (/[dDwWsShHvVpP]/.test(p[i + 1]) && p[i + 2 + (/[pP]/.test(p[i + 1]) ? p.slice(i + 2).indexOf('}') + 1 : 0)] === '-') {
        const after = i + 3 + (/[pP]/.test(p[i + 1]) ? p.slice(i + 2).indexOf('}') + 1 : 0);
        if (after < p.length && p[after] !== ']') return { message: 'invalid range in character class', offset: after - 1 };
      }
      const bracket = /^[xopPN]\{/.test(p.slice(i + 1, i + 3));
      if (bracket) {
        const end = p.indexOf('}', i);
        if (end < 0) throw new GiveUp();
        i = end + 1;
      } else i += 2;
      // An escape is not followed into ranges (\d-z is an error, \x41-z is not): left alone either way.
      last = null;
      dash = false;
      continue;
    }
    if (c === '-' && last !== null && !dash && p[i + 1] !== ']') { dash = true; i++; continue; }
    if (dash && last !== null) {
      if (c.codePointAt(0)! < last.codePointAt(0)!) return { message: 'range out of order in character class', offset: i };
      last = null;
      dash = false;
      i++;
      continue;
    }
    last = c;
    i++;
  }
  return { message: 'missing terminating ] for character class', offset: p.length };
}
