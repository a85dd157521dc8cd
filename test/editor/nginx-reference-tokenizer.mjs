// A reference reader of nginx configuration text for the grammar test, written after ngx_conf_read_token
// (src/core/ngx_conf_file.c) and, for *_by_lua_block bodies, lua-nginx-module's Lua-aware block reader.
// It does not parse directives; it says where each line starts (between statements or not, at which block depth)
// and whether nginx's tokenizer would read the whole text without an error and end at the top level.
//
// The facts it follows:
//  - a token starts after whitespace, ';', '{' or '}' (or at the start of the text); only there do '#' (comment),
//    '"' and "'" (quoted token) have a meaning; inside a word they are ordinary characters;
//  - a word ends at whitespace, ';' or '{'; '}' inside a word is part of it; '{' right after '$' is part of the word
//    (${var}); '\' makes the next character part of the word;
//  - a quoted token runs to the same unescaped quote, over lines; after it must come whitespace, ';', '{' or ')';
//  - ';' or '{' with no word before it, and '}' after words without ';', are errors; so is a '}' with no open block;
//  - a directive named *_by_lua_block takes a Lua body: Lua strings, comments and long brackets are skipped, and
//    braces are counted, to the '}' that closes it.

/**
 * @param {string} text
 * @returns {{ ok: boolean, error?: string, lines: Array<{ between: boolean, depth: number }> }}
 *   lines[i].between: line i starts between statements (no statement, string or Lua body open);
 *   lines[i].depth: the block depth there. ok: nginx's tokenizer reads the text to its end without an error, with
 *   no block, statement or string left open.
 */
export function readNginx(text) {
  const n = text.length;
  const lines = [];
  let depth = 0;
  let words = 0; // words of the current statement
  let firstWord = '';
  let i = 0;
  const fail = (error) => {
    while (lines.length < text.split('\n').length) lines.push({ between: false, depth });
    return { ok: false, error, lines };
  };
  const markLine = () => lines.push({ between: words === 0, depth });
  markLine();
  const newline = () => { i++; markLine(); };
  const newlineInside = () => { i++; lines.push({ between: false, depth }); };
  while (i < n) {
    const ch = text[i];
    if (ch === '\n') { newline(); continue; }
    if (ch === ' ' || ch === '\t' || ch === '\r') { i++; continue; }
    if (ch === ';') {
      if (words === 0) return fail(`unexpected ";" at ${i}`);
      words = 0; i++; continue;
    }
    if (ch === '{') {
      if (words === 0) return fail(`unexpected "{" at ${i}`);
      i++;
      if (/_by_lua_block$/.test(firstWord)) {
        const end = skipLua(i);
        if (end < 0) return fail('unterminated lua block');
        i = end + 1; // past its '}'
        words = 0;
        continue;
      }
      depth++; words = 0; continue;
    }
    if (ch === '}') {
      if (words !== 0) return fail(`unexpected "}" at ${i}`);
      if (depth === 0) return fail(`unexpected "}" at ${i}`);
      depth--; i++; continue;
    }
    if (ch === '#') { while (i < n && text[i] !== '\n') i++; continue; }
    // a token
    let word = '';
    if (ch === '"' || ch === "'") {
      const q = ch;
      i++;
      while (i < n && text[i] !== q) {
        if (text[i] === '\\') {
          word += text[i + 1] ?? '';
          i++;
          if (text[i] === '\n') newlineInside(); else i++;
          continue;
        }
        word += text[i];
        if (text[i] === '\n') newlineInside(); else i++;
      }
      if (i >= n) return fail('unterminated quoted string');
      i++;
      const next = text[i];
      if (next !== undefined && !/[ \t\r\n;{)]/.test(next)) return fail(`unexpected "${next}" after a quoted string at ${i}`);
    } else {
      let variable = false;
      while (i < n) {
        const c = text[i];
        if (c === '{' && variable) { word += c; i++; continue; }
        variable = false;
        if (c === '\\') {
          if (text[i + 1] === '\n') { word += '\n'; i++; newlineInside(); continue; }
          word += text[i + 1] ?? ''; i += 2; continue;
        }
        if (c === '$') { variable = true; word += c; i++; continue; }
        if (c === ' ' || c === '\t' || c === '\r' || c === '\n' || c === ';' || c === '{') break;
        word += c; i++;
      }
    }
    if (words === 0) firstWord = word;
    words++;
  }
  if (words !== 0) return fail('unexpected end of file, expecting ";" or "}"');
  if (depth !== 0) return fail('unexpected end of file, expecting "}"');
  return { ok: true, lines };

  /** From just past the '{' of a Lua body: the index of its closing '}', or -1. Lines inside are not between. */
  function skipLua(from) {
    let d = 1;
    let k = from;
    const nl = () => { i = k; newlineInside(); k = i; };
    const longBracket = (at) => /^\[(=*)\[/.exec(text.slice(at, at + 64));
    const skipTo = (close) => {
      const e = text.indexOf(close, k);
      if (e < 0) return false;
      while (k < e + close.length) { if (text[k] === '\n') nl(); else k++; }
      return true;
    };
    while (k < n) {
      const c = text[k];
      if (c === '\n') { nl(); continue; }
      if (c === '-' && text[k + 1] === '-') {
        const m = longBracket(k + 2);
        if (m) { k += 2 + m[0].length; if (!skipTo(']' + m[1] + ']')) return -1; continue; }
        while (k < n && text[k] !== '\n') k++;
        continue;
      }
      if (c === '[') {
        const m = longBracket(k);
        if (m) { k += m[0].length; if (!skipTo(']' + m[1] + ']')) return -1; continue; }
      }
      if (c === '"' || c === "'") {
        k++;
        while (k < n && text[k] !== c) {
          if (text[k] === '\n') return -1; // a Lua short string does not run over a line
          if (text[k] === '\\') { k++; if (text[k] === '\n') { nl(); continue; } }
          k++;
        }
        if (k >= n) return -1;
        k++;
        continue;
      }
      if (c === '{') d++;
      if (c === '}' && --d === 0) { i = k; return k; }
      k++;
    }
    return -1;
  }
}
