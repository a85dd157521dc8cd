/**
 * POSIX path helpers for the core, which may not import Node's `path`: config files name POSIX paths
 * (nginx and Apache run on Unix), and the adapters hand the core absolute POSIX-style paths.
 */
export function isAbsolute(p: string): boolean {
  return p.startsWith('/');
}

export function dirname(p: string): string {
  const i = p.lastIndexOf('/');
  if (i < 0) return '.';
  if (i === 0) return '/';
  return p.slice(0, i);
}

export function basename(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}

export function normalize(p: string): string {
  const abs = p.startsWith('/');
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length && out[out.length - 1] !== '..') out.pop();
      else if (!abs) out.push('..');
      continue;
    }
    out.push(part);
  }
  const joined = out.join('/');
  return abs ? '/' + joined : joined || '.';
}

export function join(...parts: string[]): string {
  return normalize(parts.filter(Boolean).join('/'));
}

export function resolve(base: string, p: string): string {
  return isAbsolute(p) ? normalize(p) : join(base, p);
}

export function relative(from: string, to: string): string {
  const a = normalize(from).split('/').filter(Boolean);
  const b = normalize(to).split('/').filter(Boolean);
  let k = 0;
  while (k < a.length && k < b.length && a[k] === b[k]) k++;
  return [...a.slice(k).map(() => '..'), ...b.slice(k)].join('/') || '.';
}

export function hasGlob(p: string): boolean {
  return /[*?[]/.test(p);
}

/**
 * A matcher for one path segment of a glob(3) pattern, as nginx's `include` uses it: `*`, `?`, `[…]` (with `!` or `^`
 * negation and ranges; a `]` first in the brackets is literal, an unclosed `[` is a literal `[`), `\` escapes the next
 * character. It never throws, unlike a RegExp built from the pattern ("[z-a]" is an invalid RegExp but a class that
 * matches nothing to glob(3)), and a pattern needing more characters than a name has fails at once.
 */
export function globSegmentMatcher(seg: string): (name: string) => boolean {
  let minLength = 0;
  for (let i = 0; i < seg.length; i++) {
    const c = seg[i];
    if (c === '*') continue;
    minLength++;
    if (c === '\\') i++;
    else if (c === '[') {
      const end = classEnd(seg, i);
      if (end > 0) i = end - 1;
    }
  }
  return (name) => name.length >= minLength && matchSegment(seg, name);
}

/** Where the bracket expression starting at `i` ends (just past its `]`), or -1 when it is never closed. */
function classEnd(p: string, i: number): number {
  let k = i + 1;
  if (p[k] === '!' || p[k] === '^') k++;
  if (p[k] === ']') k++;
  for (; k < p.length; k++) {
    if (p[k] === '\\') k++;
    else if (p[k] === ']') return k + 1;
  }
  return -1;
}

function classMatches(p: string, start: number, end: number, ch: string): boolean {
  let k = start + 1;
  const negate = p[k] === '!' || p[k] === '^';
  if (negate) k++;
  let ok = false;
  // classEnd found the closing `]` (at end - 1): everything before it is members, a leading `]` included.
  while (k < end - 1) {
    let lo = p[k];
    if (lo === '\\' && k + 1 < end - 1) lo = p[++k];
    if (p[k + 1] === '-' && k + 2 < end - 1) {
      let hi = p[k + 2];
      k += 3;
      if (hi === '\\' && k < end - 1) hi = p[k++];
      if (lo <= ch && ch <= hi) ok = true;
    } else {
      if (ch === lo) ok = true;
      k++;
    }
  }
  return ok !== negate;
}

function matchSegment(p: string, s: string): boolean {
  let pi = 0;
  let si = 0;
  let starP = -1;
  let starS = 0;
  while (si < s.length) {
    if (pi < p.length) {
      const c = p[pi];
      if (c === '*') {
        starP = pi++;
        starS = si;
        continue;
      }
      if (c === '?') {
        pi++;
        si++;
        continue;
      }
      if (c === '[') {
        const end = classEnd(p, pi);
        if (end < 0) {
          if (s[si] === '[') {
            pi++;
            si++;
            continue;
          }
        } else if (classMatches(p, pi, end, s[si])) {
          pi = end;
          si++;
          continue;
        }
      } else if (c === '\\') {
        // A lone backslash at the end escapes nothing: glob(3) then matches no name.
        if (pi + 1 < p.length && p[pi + 1] === s[si]) {
          pi += 2;
          si++;
          continue;
        }
      } else if (c === s[si]) {
        pi++;
        si++;
        continue;
      }
    }
    // Mismatch: let the last `*` take one more character, or fail.
    if (starP < 0) return false;
    pi = starP + 1;
    si = ++starS;
  }
  while (pi < p.length && p[pi] === '*') pi++;
  return pi === p.length;
}
