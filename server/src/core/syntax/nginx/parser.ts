import type { Arg, Block, Comment, Directive, NginxAst, Quote, Span, SyntaxProblem } from './ast';
import { scanLuaBlockBody } from './lua-body';
import { noteRead } from '../../reads';

/**
 * A tolerant parser that follows nginx's own tokenizer (ngx_conf_read_token in src/core/ngx_conf_file.c)
 * so that what nginx accepts parses without problems, and what nginx rejects is reported at the place
 * nginx names, while still producing a tree an editor can use. It never throws and runs in one pass.
 *
 * Tokenizer facts that matter here:
 * - `#` starts a comment only where a token could start; inside a word it is an ordinary character.
 * - `{` ends a word unless it follows `$` (so `${var}` stays one word); `}` inside a word is ordinary.
 * - After a closing quote only white space, `;`, `{` or `)` may follow.
 * - A backslash escapes the next character both inside and outside quotes.
 */

const TAB = 9, LF = 10, CR = 13, SP = 32, DQ = 34, HASH = 35, DOLLAR = 36, SQ = 39, RPAREN = 41, SEMI = 59, BSLASH = 92, LBRACE = 123, RBRACE = 125;

/** Deeper blocks are not parsed into the tree (see the LBRACE case); real configurations nest a handful of levels. */
export const MAX_DEPTH = 200;

/** Directives that are blocks in every context (unlike `server`, which is a plain line inside `upstream`). */
const ALWAYS_BLOCKS = new Set(['http', 'events', 'stream', 'mail', 'location', 'upstream', 'if', 'limit_except', 'map', 'geo', 'split_clients', 'types', 'charset_map']);

/** Blocks whose body nginx hands to a custom handler: entries there are data, and `{` is always an error. */
export const HANDLER_BLOCKS = new Set(['map', 'geo', 'types', 'split_clients', 'charset_map', 'match']);

export interface ParseOptions {
  /** Used only to recover from a missing `;` before a line that starts with a known directive name. */
  isKnownDirective?: (name: string) => boolean;
  /** Used to word the problem when a block directive got no `{`. */
  isBlockDirective?: (name: string) => boolean;
  /** Most arguments a directive takes (Infinity if unbounded): tells whether nginx would reject a merged statement. */
  maxArgs?: (name: string) => number;
}

/**
 * A directive as parsed. The name's span is derived when asked for (errors, hovers, outlines) instead of being an
 * object of its own on every directive: a 100k-line tree would carry 100,000 of them through garbage collection.
 * Its arguments are read through a getter that notes the name for whoever keeps track (core/reads.ts).
 */
class ParsedDirective implements Directive {
  block: Block | null = null;
  constructor(
    public name: string,
    public start: number,
    private readonly nameEnd: number,
    private readonly argList: Arg[],
    public terminated: boolean,
    public end: number,
    public parent: Directive | null,
  ) {}
  get args(): Arg[] {
    noteRead(this.name);
    return this.argList;
  }
  get nameSpan(): Span {
    return { start: this.start, end: this.nameEnd };
  }
}

interface OpenBlock {
  directive: Directive | null;
  block: Block | null;
  handler: boolean;
}

export function parseNginx(text: string, options: ParseOptions = {}): NginxAst {
  const n = text.length;
  const top: Directive[] = [];
  const comments: Comment[] = [];
  const problems: SyntaxProblem[] = [];
  const stack: OpenBlock[] = [];
  // The words of the pending statement are words[0, count): the buffer is kept from statement to statement and
  // written over, not replaced, since a new array's first push() allocates room for 17 of them (about 150 bytes of
  // garbage per line, 15 MB on the 100k-line tree). Nothing keeps the buffer: each statement takes a copy of its words.
  const words: Arg[] = [];
  let count = 0;
  const push = (a: Arg) => {
    words[count++] = a;
  };
  // One string per distinct short bare word of this file (see INTERN_MAX).
  const interned = new Map<string, string>();
  let newlineSinceToken = false;
  let depthReported = false;
  // A UTF-8 byte-order mark kept in the text (--fix keeps it there; some editors hand it over) is read as the file
  // reader reads it, not as part of the first word: the tree is the same as without it, and utf8-bom-at-file-start
  // alone reports it (a second "unknown directive" on it would say the same twice).
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;

  const problem = (start: number, end: number, message: string, related?: SyntaxProblem['related']) =>
    problems.push(related ? { start, end, message, related } : { start, end, message });

  const currentChildren = (): Directive[] => {
    for (let k = stack.length - 1; k >= 0; k--) {
      const b = stack[k].block;
      if (b) return b.children;
    }
    return top;
  };
  const currentParent = (): Directive | null => {
    for (let k = stack.length - 1; k >= 0; k--) if (stack[k].directive) return stack[k].directive;
    return null;
  };
  const inHandlerBlock = () => stack.length > 0 && stack[stack.length - 1].handler;

  const makeDirective = (end: number, terminated: boolean): Directive => {
    const head = words[0];
    // slice() makes an exactly-sized array: the `words` buffer, grown by push(), would keep its spare capacity in the tree.
    const args = count > 1 ? words.slice(1, count) : [];
    count = 0;
    const d: Directive = new ParsedDirective(head.value, head.start, head.end, args, terminated, end, currentParent());
    currentChildren().push(d);
    return d;
  };

  /**
   * Ends the pending statement without `;` (recovery), reporting why at its last word, where the `;` belongs.
   * nginx reads on and fails where the statement really ends (`nginxStop`): that place is the related location.
   */
  const abandonStatement = (message: string, nginxStop: number, nginxMessage: string, kind?: SyntaxProblem['kind']) => {
    const last = words[count - 1];
    problems.push({ start: last.start, end: last.end, message, related: { start: nginxStop, end: Math.min(nginxStop + 1, n), message: nginxMessage }, ...(kind ? { kind } : {}) });
    makeDirective(last.end, false);
  };

  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === SP || c === TAB || c === CR || c === LF) {
      if (c === LF) newlineSinceToken = true;
      i++;
      continue;
    }
    if (c === HASH) {
      let e = i + 1;
      while (e < n) {
        const ch = text.charCodeAt(e);
        if (ch === LF || ch === CR) break;
        e++;
      }
      comments.push({ start: i, end: e, text: text.slice(i + 1, e) });
      i = e;
      continue;
    }
    if (c === SEMI) {
      if (count === 0) problem(i, i + 1, 'unexpected ";": there is no directive before it');
      else {
        const d = makeDirective(i + 1, true);
        if (ALWAYS_BLOCKS.has(d.name) && !inHandlerBlock()) {
          const last = d.args[d.args.length - 1] ?? d.nameSpan;
          // nginx: directive "location" has no opening "{" — reported on the line of the ";".
          problem(last.start, i + 1, `"${d.name}" needs a "{ ... }" block, but ";" ends it here`);
        }
      }
      i++;
      newlineSinceToken = false;
      continue;
    }
    if (c === LBRACE) {
      newlineSinceToken = false;
      if (count === 0) {
        problem(i, i + 1, 'unexpected "{": a block needs a directive name before it');
        stack.push({ directive: null, block: null, handler: false });
        i++;
        continue;
      }
      if (inHandlerBlock()) {
        const owner = stack[stack.length - 1].directive?.name ?? '';
        problem(i, i + 1, `unexpected "{": entries of a "${owner}" block cannot open a block (quote a value that contains "{")`);
      }
      const d = makeDirective(i + 1, true);
      if (d.name.endsWith('_by_lua_block')) {
        const close = scanLuaBlockBody(text, i + 1);
        const closed = close >= 0;
        const end = closed ? close + 1 : n;
        d.block = { start: i, end, closed, children: [], opaque: true };
        d.end = end;
        if (!closed) problem(n, n, `unexpected end of file, expecting "}" to close "${d.name}"`, { ...d.nameSpan, message: 'block opened here' });
        i = end;
        continue;
      }
      if (stack.length >= MAX_DEPTH) {
        // Deeper blocks are kept as text: every consumer of the tree may then recurse without limits.
        const close = skipNginxBlock(text, i + 1);
        const end = close >= 0 ? close + 1 : n;
        d.block = { start: i, end, closed: close >= 0, children: [], opaque: true };
        d.end = end;
        if (!depthReported) {
          depthReported = true;
          problems.push({ start: d.nameSpan.start, end: d.nameSpan.end, message: `blocks nest deeper than ${MAX_DEPTH} levels here; proxylint does not check inside deeper blocks`, kind: 'limit' });
        }
        i = end;
        continue;
      }
      const block: Block = { start: i, end: n, closed: false, children: [], opaque: false };
      d.block = block;
      stack.push({ directive: d, block, handler: HANDLER_BLOCKS.has(d.name) });
      i++;
      continue;
    }
    if (c === RBRACE) {
      newlineSinceToken = false;
      if (count > 0) abandonStatement(`missing ";" before "}"`, i, 'nginx reports unexpected "}" here');
      const open = stack.pop();
      if (!open) {
        problem(i, i + 1, 'unexpected "}": no block is open here');
      } else if (open.block && open.directive) {
        open.block.end = i + 1;
        open.block.closed = true;
        open.directive.end = i + 1;
      }
      i++;
      continue;
    }

    // A word or a quoted string starts here.
    if (count > 0 && newlineSinceToken && c !== DQ && c !== SQ && !inHandlerBlock() && options.isKnownDirective) {
      const end = scanWordEnd(text, i);
      const word = text.slice(i, end);
      const pending = words[0].value;
      // Continuation lines are indented deeper than their directive; a known directive name at the same
      // or a shallower indentation is almost always a new statement after a forgotten `;` (also after a
      // half-typed name, so the rest of the block keeps its shape while the user types).
      if (options.isKnownDirective(word) && indentOf(text, i) <= indentOf(text, words[0].start)) {
        const rest = statementEnd(text, i);
        const stopChar = text.charCodeAt(rest.end);
        // "server" opens a block in http, stream and mail, but inside an upstream block it is an address line.
        const isBlock = (options.isBlockDirective?.(pending) ?? false) && !(pending === 'server' && currentParent()?.name === 'upstream');
        // nginx joins the lines into one statement. It certainly refuses it when the joined statement has too many
        // arguments, a block where none belongs, or a block directive without "{"; otherwise it depends on the
        // values (add_header's third argument must be "always"; server_name takes anything), so that case is
        // reported as probable rather than as a certain start-up failure.
        // An unknown name (often half-typed, "proxy_rea") fails on its own: nginx says 'unknown directive'.
        const rejected = !options.isKnownDirective(pending) || (isBlock ? stopChar !== LBRACE : stopChar !== SEMI || count - 1 + rest.tokens > (options.maxArgs?.(pending) ?? Infinity));
        if (isBlock && !options.isKnownDirective(words[count - 1].value)) {
          abandonStatement(`"${pending}" needs a "{ ... }" block here`, rest.end, `nginx reads on to here and fails`);
        } else if (rejected) {
          abandonStatement(`missing ";" after this: the next line starts the "${word}" directive`, rest.end, `without the ";", nginx reads on as arguments of "${pending}" and fails where the statement ends`);
        } else {
          abandonStatement(
            `missing ";" after this? nginx reads the next line as more arguments of "${pending}" (${count - 1 + rest.tokens} in all): it either refuses to start over them or accepts them as values, and "${word}" never takes effect`,
            rest.end,
            `nginx's statement ends here`,
            'probable-missing-semicolon',
          );
        }
      }
    }
    newlineSinceToken = false;

    if (c === DQ || c === SQ) {
      const close = scanQuoted(text, i, c);
      if (close < 0) {
        // nginx reads to the end of the file and fails there; recover at the end of this line instead,
        // so one stray quote does not swallow the rest of the file in the editor.
        let eol = i + 1;
        while (eol < n && text.charCodeAt(eol) !== LF && text.charCodeAt(eol) !== CR) eol++;
        problem(i, eol, `unterminated ${c === DQ ? 'double' : 'single'}-quoted string: nginx reads to the end of the file and stops there`, {
          start: n,
          end: n,
          message: 'nginx reports "unexpected end of file" here',
        });
        push(makeArg(text, i, eol, c === DQ ? '"' : "'", i + 1, eol));
        // The statement ends with the line too: for nginx the "}" or the directive on the next line is inside the
        // string, so reporting a 'missing ";"' there (as a pending statement would) adds an error nginx never gives.
        makeDirective(eol, false);
        i = eol;
        continue;
      }
      push(makeArg(text, i, close + 1, c === DQ ? '"' : "'", i + 1, close));
      i = close + 1;
      if (i < n) {
        const after = text.charCodeAt(i);
        if (!(after === SP || after === TAB || after === CR || after === LF || after === SEMI || after === LBRACE || after === RPAREN)) {
          problem(i, i + 1, `unexpected "${text[i]}" right after a quoted string: nginx needs a space, ";" or "{" there`);
        }
      }
      continue;
    }

    const end = scanWordEnd(text, i);
    push(makeArg(text, i, end, null, i, end, end - i <= INTERN_MAX ? interned : undefined));
    i = end;
  }

  if (count > 0) {
    const last = words[count - 1];
    problem(n, n, 'unexpected end of file, expecting ";" or "}"', { start: last.start, end: last.end, message: 'this directive is not terminated' });
    makeDirective(last.end, false);
  }
  for (let k = stack.length - 1; k >= 0; k--) {
    const open = stack[k];
    const opener: Span = open.directive ? open.directive.nameSpan : { start: n, end: n };
    problem(n, n, `unexpected end of file, expecting "}"${open.directive ? ` to close "${open.directive.name}"` : ''}`, {
      ...opener,
      message: 'block opened here',
    });
  }
  return { directives: top, comments, problems };
}

/** Where nginx's tokenizer ends the statement that continues at `i`: the next `;`, `{` or `}`, or the end of the file. */
/** Where nginx's statement starting at `i` ends (at `;`, `{`, `}` or the end of the file), and how many words it has. */
function statementEnd(text: string, i: number): { end: number; tokens: number } {
  const n = text.length;
  let tokens = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === SEMI || c === LBRACE || c === RBRACE) return { end: i, tokens };
    if (c === SP || c === TAB || c === CR || c === LF) i++;
    else if (c === HASH) while (i < n && text.charCodeAt(i) !== LF) i++;
    else if (c === DQ || c === SQ) {
      const close = scanQuoted(text, i, c);
      if (close < 0) return { end: n, tokens };
      tokens++;
      i = close + 1;
    } else {
      tokens++;
      i = scanWordEnd(text, i);
    }
  }
  return { end: n, tokens };
}

function indentOf(text: string, offset: number): number {
  let k = offset;
  while (k > 0 && text.charCodeAt(k - 1) !== LF && text.charCodeAt(k - 1) !== CR) k--;
  return offset - k;
}

/** Offset of the `}` closing the block whose body starts at `i`, skipping quotes, escapes and comments; -1 if none. */
function skipNginxBlock(text: string, i: number): number {
  const n = text.length;
  let depth = 1;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === BSLASH) i += 2;
    else if (c === DQ || c === SQ) {
      const close = scanQuoted(text, i, c);
      if (close < 0) return -1;
      i = close + 1;
    } else if (c === HASH) {
      while (i < n && text.charCodeAt(i) !== LF) i++;
    } else if (c === DOLLAR && text.charCodeAt(i + 1) === LBRACE) i += 2;
    else {
      if (c === LBRACE) depth++;
      else if (c === RBRACE && --depth === 0) return i;
      i++;
    }
  }
  return -1;
}

/** End of a bare word starting at `i`, by nginx's rules. */
function scanWordEnd(text: string, i: number): number {
  const n = text.length;
  let variable = false;
  while (i < n) {
    const ch = text.charCodeAt(i);
    if (ch === LBRACE && variable) {
      variable = false;
      i++;
      continue;
    }
    variable = false;
    if (ch === BSLASH) {
      i += 2;
      continue;
    }
    if (ch === DOLLAR) {
      variable = true;
      i++;
      continue;
    }
    if (ch === SP || ch === TAB || ch === CR || ch === LF || ch === SEMI || ch === LBRACE) break;
    i++;
  }
  return Math.min(i, n);
}

/** Offset of the closing quote for the quote at `i`, or -1 at the end of the file. */
function scanQuoted(text: string, i: number, q: number): number {
  const n = text.length;
  i++;
  while (i < n) {
    const ch = text.charCodeAt(i);
    if (ch === BSLASH) {
      i += 2;
      continue;
    }
    if (ch === q) return i;
    i++;
  }
  return -1;
}

/**
 * Bare words up to this length are kept once per file: directive names and values such as `on`, `30s` or `$host`
 * repeat thousands of times, and V8 copies a slice this short into a string of its own each time. The copy just made
 * is dropped at once (cheap for the young-generation collector); the one kept is what the tree holds, so a 100k-line
 * tree keeps some hundred thousand fewer strings alive.
 */
const INTERN_MAX = 24;

function makeArg(text: string, start: number, end: number, quote: Quote, innerStart: number, innerEnd: number, interned?: Map<string, string>): Arg {
  let raw = text.slice(start, end);
  if (interned) {
    const kept = interned.get(raw);
    if (kept === undefined) interned.set(raw, raw);
    else raw = kept;
  }
  // A bare word's value is its source text: one string, not two equal copies (unless it holds an escape).
  const inner = quote === null ? raw : text.slice(innerStart, innerEnd);
  return { start, end, raw, quote, value: inner.includes('\\') ? unescape(inner) : inner };
}

/** nginx unescapes these sequences in every word (quoted or not) and keeps any other backslash as is. */
function unescape(s: string): string {
  let out = '';
  for (let k = 0; k < s.length; k++) {
    const ch = s[k];
    if (ch === '\\' && k + 1 < s.length) {
      const nx = s[k + 1];
      if (nx === '"' || nx === "'" || nx === '\\') {
        out += nx;
        k++;
        continue;
      }
      if (nx === 't' || nx === 'r' || nx === 'n') {
        out += nx === 't' ? '\t' : nx === 'r' ? '\r' : '\n';
        k++;
        continue;
      }
    }
    out += ch;
  }
  return out;
}
