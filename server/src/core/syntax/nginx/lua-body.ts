/**
 * Finds the `}` that closes a `*_by_lua_block { ... }` body that starts at `from` (just past `{`).
 * The body is Lua, not nginx syntax, so braces inside Lua strings and comments must not count.
 * Returns -1 when the body is never closed.
 */
export function scanLuaBlockBody(text: string, from: number): number {
  const n = text.length;
  let depth = 1;
  let i = from;
  while (i < n) {
    const ch = text[i];
    if (ch === '-' && text[i + 1] === '-') {
      const long = longBracketLevel(text, i + 2);
      if (long >= 0) {
        i = skipLongBracket(text, i + 2, long);
      } else {
        while (i < n && text[i] !== '\n') i++;
      }
      continue;
    }
    if (ch === '[') {
      const long = longBracketLevel(text, i);
      if (long >= 0) {
        i = skipLongBracket(text, i, long);
        continue;
      }
    }
    if (ch === '"' || ch === "'") {
      i++;
      while (i < n && text[i] !== ch && text[i] !== '\n') i += text[i] === '\\' ? 2 : 1;
      i++;
      continue;
    }
    if (ch === '{') depth++;
    else if (ch === '}' && --depth === 0) return i;
    i++;
  }
  return -1;
}

/** For `[[`, `[=[`, `[==[` … at `i` returns the number of `=`; otherwise -1. */
function longBracketLevel(text: string, i: number): number {
  if (text[i] !== '[') return -1;
  let k = i + 1;
  while (text[k] === '=') k++;
  return text[k] === '[' ? k - i - 1 : -1;
}

function skipLongBracket(text: string, i: number, level: number): number {
  const close = ']' + '='.repeat(level) + ']';
  const at = text.indexOf(close, i + level + 2);
  return at < 0 ? text.length : at + close.length;
}
