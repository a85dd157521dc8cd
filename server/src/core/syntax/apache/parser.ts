import type { ApacheArg, ApacheAst, ApacheComment, ApacheDirective, ApacheSection, ApacheTag, Span, SyntaxProblem } from './ast';

/**
 * A tolerant parser for httpd configuration files that follows httpd's own reader (ap_cfg_getline and
 * ap_getword_conf in server/util.c, ap_build_config in server/config.c) so what httpd accepts parses
 * without problems and what it rejects is reported where httpd names it. It never throws and runs in
 * one pass over the text.
 *
 * Reader facts that matter here:
 * - A line ending in a single `\` (right before the line break) continues on the next line; the two are
 *   joined without the backslash and the line break. Comments continue the same way.
 * - `#` starts a comment only as the first non-blank character of a (logical) line. After a directive
 *   it is an ordinary argument.
 * - Words are split at white space; a word that starts with `"` or `'` runs to the matching quote, and
 *   only a backslash before that quote character is an escape. Nothing else is special.
 * - `<Name args>` opens a section that `</Name>` closes in the same file; names are case-insensitive.
 */

interface Segment {
  /** Offset of this piece in the logical line. */
  logical: number;
  /** Offset of the same character in the file. */
  physical: number;
  length: number;
}

interface LogicalLine {
  text: string;
  segments: Segment[];
  /** Physical offset just past the last character of the logical line (before its line break). */
  physicalEnd: number;
}

const isSpace = (c: string) => c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\v' || c === '\f';

export function parseApache(text: string): ApacheAst {
  const n = text.length;
  const top: ApacheDirective[] = [];
  const comments: ApacheComment[] = [];
  const problems: SyntaxProblem[] = [];
  const tags: ApacheTag[] = [];
  const continued: Span[] = [];
  const stack: ApacheDirective[] = [];
  // A UTF-8 byte-order mark kept in the text (--fix keeps it there; some editors hand it over) is read as the file
  // reader reads it, not as part of the first word: the tree is the same as without it, and utf8-bom-at-file-start
  // alone reports it (a second "unknown directive" on it would say the same twice).
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;

  const problem = (start: number, end: number, message: string, related?: SyntaxProblem['related'], kind?: SyntaxProblem['kind']) =>
    problems.push({ start, end, message, ...(related ? { related } : {}), ...(kind ? { kind } : {}) });

  /** Reads one logical line starting at physical offset `i`, joining `\` continuations. */
  const readLine = (): LogicalLine => {
    const segments: Segment[] = [];
    let logical = '';
    let physicalEnd = i;
    const first = i;
    let joined = false;
    for (;;) {
      let lf = text.indexOf('\n', i);
      if (lf < 0) lf = n;
      let contentEnd = lf;
      if (contentEnd > i && text.charCodeAt(contentEnd - 1) === 13) contentEnd--;
      const content = text.slice(i, contentEnd);
      const continued = lf < n && content.length >= 2 && content.endsWith('\\') && content[content.length - 2] !== '\\';
      const kept = continued ? content.slice(0, -1) : content;
      if (kept.length) segments.push({ logical: logical.length, physical: i, length: kept.length });
      logical += kept;
      physicalEnd = i + kept.length;
      i = lf < n ? lf + 1 : n;
      if (!continued) break;
      joined = true;
    }
    if (joined) continued.push({ start: first, end: physicalEnd });
    return { text: logical, segments, physicalEnd };
  };

  /** Physical offset of logical offset `k` (for k = text length: just past the last character). */
  const phys = (line: LogicalLine, k: number): number => {
    const segs = line.segments;
    if (segs.length === 0) return line.physicalEnd;
    for (let s = segs.length - 1; s >= 0; s--) {
      if (k >= segs[s].logical) return segs[s].physical + Math.min(k - segs[s].logical, segs[s].length);
    }
    return segs[0].physical;
  };
  /** Physical span of logical [a, b): ends just past the last character, even across a continuation. */
  const span = (line: LogicalLine, a: number, b: number): Span => ({ start: phys(line, a), end: b > a ? phys(line, b - 1) + 1 : phys(line, a) });

  const words = (line: LogicalLine, from: number, to: number): ApacheArg[] => {
    const s = line.text;
    const out: ApacheArg[] = [];
    let p = from;
    for (;;) {
      while (p < to && isSpace(s[p])) p++;
      if (p >= to) break;
      const c = s[p];
      if (c === '"' || c === "'") {
        let j = p + 1;
        while (j < to && s[j] !== c) j += s[j] === '\\' && s[j + 1] === c ? 2 : 1;
        const inner = s.slice(p + 1, Math.min(j, to));
        const end = Math.min(j + 1, to);
        const sp = span(line, p, end);
        const arg: ApacheArg = { start: sp.start, end: sp.end, value: inner.includes('\\') ? inner.split('\\' + c).join(c) : inner, raw: text.slice(sp.start, sp.end), quote: c };
        if (j >= to) arg.unterminated = true;
        out.push(arg);
        p = end;
      } else {
        let j = p;
        while (j < to && !isSpace(s[j])) j++;
        const sp = span(line, p, j);
        out.push({ start: sp.start, end: sp.end, value: s.slice(p, j), raw: text.slice(sp.start, sp.end), quote: null });
        p = j;
      }
    }
    return out;
  };

  const add = (d: ApacheDirective) => {
    const parent = stack[stack.length - 1];
    if (parent) parent.section!.children.push(d);
    else top.push(d);
  };

  while (i < n) {
    const line = readLine();
    const s = line.text;
    let b = 0;
    while (b < s.length && isSpace(s[b])) b++;
    if (b >= s.length) continue;
    let e = s.length;
    while (e > b && isSpace(s[e - 1])) e--;

    if (s[b] === '#') {
      const sp = span(line, b, e);
      comments.push({ ...sp, text: s.slice(b + 1, e) });
      continue;
    }

    if (s[b] === '<' && s[b + 1] === '/') {
      let k = b + 2;
      while (k < e && s[k] !== '>' && !isSpace(s[k])) k++;
      // The name up to the first ">" serves recovery; httpd itself takes the first word of the line and wants it to
      // end in ">" ("</Proxy >" and "</Proxy>x" fail), then compares what comes before that ">" (server/config.c).
      let name = s.slice(b + 2, k);
      let w = b;
      while (w < e && !isSpace(s[w])) w++;
      const word = s.slice(b, w);
      const sp = span(line, b, e);
      const open = stack[stack.length - 1];
      const unclosed = open !== undefined && !word.endsWith('>');
      if (unclosed) {
        problem(sp.start, sp.end, `${word}> directive missing closing '>': httpd refuses to start`);
        // Read on as if the tag were whole, so the lines after it keep their place while it is typed.
      } else if (open) name = word.slice(2, -1);
      if (!unclosed) tags.push({ open: false, name: word.endsWith('>') ? word.slice(2, -1) : name, start: sp.start, end: sp.end });
      if (open && open.lname === name.toLowerCase()) {
        stack.pop();
        closeSection(open, sp);
      } else {
        const depth = stack.findIndex((d) => d.lname === name.toLowerCase());
        // httpd stops at the first error of the line: a tag without its ">" is not also a mismatch.
        if (open && !unclosed) {
          problem(sp.start, sp.end, `Expected </${open.name}> but saw </${name}>: httpd refuses to start`, { ...open.nameSpan, message: `<${open.name}> opened here` }, 'nesting');
        } else if (!open) {
          problem(sp.start, sp.end, `</${name}> without matching <${name}> section: httpd refuses to start`, undefined, 'nesting');
        }
        if (depth >= 0) {
          // Recover: treat the sections opened inside the matching one as closed here too.
          while (stack.length > depth) closeSection(stack.pop()!, sp);
        } else if (open) {
          // A misspelled or wrong closer most often means to close the innermost section.
          closeSection(stack.pop()!, sp);
        }
      }
      continue;
    }

    if (s[b] === '<') {
      let k = b + 1;
      while (k < e && s[k] !== '>' && !isSpace(s[k])) k++;
      const name = s.slice(b + 1, k);
      const nameSpan = span(line, b, k);
      const gt = s.lastIndexOf('>', e - 1);
      let argsEnd = e;
      const tagOpen = gt < k;
      if (tagOpen) {
        problem(nameSpan.start, phys(line, e - 1) + 1, `<${name}> directive missing closing '>': httpd refuses to start`);
      } else argsEnd = gt;
      const d: ApacheDirective = {
        name,
        lname: name.toLowerCase(),
        nameSpan,
        args: words(line, k, argsEnd),
        section: null,
        parent: stack[stack.length - 1] ?? null,
        start: nameSpan.start,
        end: phys(line, e - 1) + 1,
      };
      const section: ApacheSection = { start: d.start, end: n, closed: false, children: [], opaque: false, ...(tagOpen ? { tagOpen } : {}) };
      d.section = section;
      add(d);
      if (d.lname !== 'macro') tags.push({ open: true, name, start: nameSpan.start, end: nameSpan.end });
      if (d.lname === 'macro') {
        section.opaque = true;
        skipMacroBody(d);
        continue;
      }
      stack.push(d);
      continue;
    }

    const all = words(line, b, e);
    const head = all[0];
    const d: ApacheDirective = {
      name: head.value,
      lname: head.value.toLowerCase(),
      nameSpan: { start: head.start, end: head.end },
      args: all.slice(1),
      section: null,
      parent: stack[stack.length - 1] ?? null,
      start: head.start,
      end: all[all.length - 1].end,
    };
    add(d);
  }

  function closeSection(d: ApacheDirective, closer: Span) {
    const sec = d.section!;
    sec.closed = true;
    sec.close = closer;
    sec.end = closer.end;
    d.end = closer.end;
  }

  /**
   * mod_macro keeps a `<Macro>` body as lines up to the matching `</Macro>`. It compares the first word of each line,
   * in any case, with `</Macro>` and `<Macro` (modules/core/mod_macro.c, get_lines_till_end_token): `</Macro >` and
   * `</Macro># note` do not end the body, and a `<Macro>` or `<Macro>x` inside it opens no nested one (apache2 -t 2.4.68).
   */
  function skipMacroBody(d: ApacheDirective) {
    let depth = 1;
    while (i < n) {
      const line = readLine();
      const first = /^\S*/.exec(line.text.trim())![0].toLowerCase();
      if (first === '<macro') depth++;
      else if (first === '</macro>') {
        depth--;
        if (depth === 0) {
          const b = line.text.indexOf('<');
          closeSection(d, span(line, b, line.text.trimEnd().length));
          return;
        }
      }
    }
    // A tag without its ">" stops httpd before it reads the body (macro_section in mod_macro.c), and says so already.
    if (d.section?.tagOpen) return;
    problems.push({ start: d.nameSpan.start, end: d.nameSpan.end, message: `<${d.name}> was not closed: httpd refuses to start`, kind: 'macro-unclosed', related: { start: n, end: n, message: 'the file ends here' } });
  }

  for (let k = stack.length - 1; k >= 0; k--) {
    const open = stack[k];
    // httpd names the line of the opening tag: "Syntax error on line 3 of …: <VirtualHost> was not closed."
    // A conditional section whose condition holds is read to the end of the file without complaint;
    // when it does not hold, httpd fails with "Expected </IfModule> before end of configuration".
    const conditional = /^if/.test(open.lname);
    problem(
      open.nameSpan.start,
      open.nameSpan.end,
      conditional
        ? `<${open.name}> is never closed: httpd refuses to start ("Expected </${open.name}> before end of configuration") whenever its condition is false`
        : `<${open.name}> was not closed: httpd refuses to start`,
      { start: n, end: n, message: 'the file ends here' },
      'nesting',
    );
  }
  return { directives: top, comments, problems, tags, continued };
}
