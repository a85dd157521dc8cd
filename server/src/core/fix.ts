import type { ConfigNode, SourceFile } from './model/nginx-tree';
import type { Finding, Fix, TextEdit } from './finding';
import type { Span } from './syntax/nginx/ast';
import { noteRead, rawText } from './reads';

/** Applies edits to one text; overlapping edits after the first are skipped and returned so callers can retry. */
export function applyEdits(text: string, edits: TextEdit[]): { text: string; skipped: TextEdit[] } {
  const sorted = [...edits].sort((a, b) => a.start - b.start || a.end - b.end);
  const kept: TextEdit[] = [];
  const skipped: TextEdit[] = [];
  let lastEnd = -1;
  for (const e of sorted) {
    if (e.start < lastEnd || e.start < 0 || e.end > text.length || e.end < e.start) skipped.push(e);
    else {
      kept.push(e);
      lastEnd = e.end;
    }
  }
  let out = '';
  let pos = 0;
  for (const e of kept) {
    out += text.slice(pos, e.start) + e.newText;
    pos = e.end;
  }
  return { text: out + text.slice(pos), skipped };
}

/** How many passes of fixes --fix and the editor's "fix all" make at most (a pass that fixes nothing ends it sooner). */
export const MAX_FIX_PASSES = 10;

/**
 * One pass of "apply every safe fix" (the CLI's --fix and the fuzz properties share it): fixes are taken whole, in
 * finding order, and one that touches text an earlier one already edits (or a file `hasText` does not know) waits
 * for the next pass. Returns the edits per file, sorted and non-overlapping, and how many fixes were taken.
 */
export function selectSafeFixes(findings: readonly Finding[], hasText: (path: string) => boolean): { byPath: Map<string, TextEdit[]>; applied: number; taken: Finding[] } {
  const byPath = new Map<string, TextEdit[]>();
  const taken: Finding[] = [];
  for (const f of findings) {
    if (!f.fix) continue;
    const clashes = f.fix.edits.some((e) => overlapsSorted(byPath.get(e.path) ?? [], e) || !hasText(e.path));
    if (clashes) continue;
    for (const e of f.fix.edits) {
      const list = byPath.get(e.path);
      if (list) insertSorted(list, e);
      else byPath.set(e.path, [e]);
    }
    taken.push(f);
  }
  return { byPath, applied: taken.length, taken };
}

export interface FixLoopIo<R> {
  /** Lints the current texts. */
  lint(): R;
  findingsOf(result: R): Finding[];
  textOf(path: string): string | undefined;
  setText(path: string, text: string): void;
}

/**
 * The --fix loop: take every safe fix that does not clash (selectSafeFixes), apply, lint again, until nothing applies
 * or `maxPasses` passes. A fix that leaves its problem in place — after it, the same rule offers the same fix in the
 * same file at least as often as before — did nothing useful and would be applied again on every pass (a rule bug, or
 * a configuration so broken that the rule's idea of where the fix goes and where it looks disagree): that pass is
 * undone and such fixes are not applied at all, so applying the fixes twice gives what applying them once gives.
 */
export function fixUntilSettled<R>(io: FixLoopIo<R>, maxPasses: number, first: R = io.lint()): { result: R; ineffective: number } {
  let result = first;
  const key = (f: Finding) => `${f.ruleId}\0${f.path}\0${f.fix!.title}\0${f.fix!.edits.map((e) => `${e.path}\0${e.newText}`).join('\0')}`;
  /** A finding's identity that survives edits elsewhere: its fix, the text it is about, and which of the alike it is. */
  const identities = (findings: readonly Finding[]) => {
    const seen = new Map<string, number>();
    const ids = new Map<Finding, string>();
    for (const f of findings) {
      if (!f.fix) continue;
      const base = `${key(f)}\0${io.textOf(f.path)?.slice(f.start, f.end) ?? ''}`;
      const n = seen.get(base) ?? 0;
      seen.set(base, n + 1);
      ids.set(f, `${base}\0${n}`);
    }
    return ids;
  };
  const ineffective = new Set<string>();
  for (let pass = 0; pass < maxPasses; pass++) {
    const findings = io.findingsOf(result);
    const ids = identities(findings);
    const candidates = ineffective.size ? findings.filter((f) => !f.fix || !ineffective.has(ids.get(f)!)) : findings;
    const { byPath, applied, taken } = selectSafeFixes(candidates, (p) => io.textOf(p) !== undefined);
    if (applied === 0) break;
    const previous = new Map<string, string>();
    for (const [p, edits] of byPath) {
      const current = io.textOf(p)!;
      previous.set(p, current);
      io.setText(p, applyEdits(current, edits).text);
    }
    const next = io.lint();
    // Where each taken finding's start is after the edits: the same fix offered there again did not help.
    const mapped = (path: string, offset: number) => {
      let shift = 0;
      for (const e of byPath.get(path) ?? []) {
        if (e.end <= offset && e.start < offset) shift += e.newText.length - (e.end - e.start);
        else if (e.start <= offset && e.end === e.start && e.start === offset) shift += e.newText.length;
        else break;
      }
      return offset + shift;
    };
    const offered = new Set(io.findingsOf(next).filter((g) => g.fix).map((g) => `${key(g)}\0${g.start}`));
    const stuck = taken.filter((f) => offered.has(`${key(f)}\0${mapped(f.path, f.start)}`) || offered.has(`${key(f)}\0${f.start}`));
    if (stuck.length) {
      // Undo the pass, and do not take those fixes again; the others are taken in the next pass.
      for (const f of stuck) ineffective.add(ids.get(f)!);
      for (const [p, t] of previous) io.setText(p, t);
      continue;
    }
    result = next;
  }
  return { result, ineffective: ineffective.size };
}

type OffsetSpan = { start: number; end: number };

/** Index of the first span in `list` (sorted by start) that starts at or after `start`. */
function lowerBound(list: OffsetSpan[], start: number): number {
  let lo = 0, hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid].start < start) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Whether `e` overlaps an edit already accepted (a sorted, non-overlapping list): only its neighbours can. */
function overlapsSorted(list: OffsetSpan[], e: OffsetSpan): boolean {
  const k = lowerBound(list, e.start);
  const prev = list[k - 1];
  const next = list[k];
  return (!!prev && prev.end > e.start) || (!!next && next.start < e.end) || (!!next && next.start === e.start && e.start === e.end);
}

function insertSorted<T extends OffsetSpan>(list: T[], e: T): void {
  list.splice(lowerBound(list, e.start), 0, e);
}

export function replaceSpan(file: SourceFile, span: Span, newText: string): TextEdit {
  return { path: file.path, start: span.start, end: span.end, newText };
}

const eols = new WeakMap<{ text: string }, string>();

/** The file's line ending (CRLF if it uses any), computed once per parsed file: fixes are built by the thousand. */
export function eolOf(file: { text: string }): string {
  let eol = eols.get(file);
  if (eol === undefined) {
    eol = rawText(file).includes('\r\n') ? '\r\n' : '\n';
    eols.set(file, eol);
  }
  return eol;
}

/** Indents of spaces only, by length, made once: most indents are a few spaces, and fixes are built by the thousand. */
const SPACES: string[] = [];

/** The indentation of the line the offset is on. */
export function indentAt(file: SourceFile, offset: number): string {
  const text = rawText(file);
  const start = file.lines.lineStart(file.lines.positionAt(offset).line);
  // Read from the text rather than a copy of the line and a regular expression: no strings but the answer.
  let end = start, tabs = false;
  for (let c = text.charCodeAt(end); c === 32 || c === 9; c = text.charCodeAt(++end)) if (c === 9) tabs = true;
  const n = end - start;
  if (tabs || n > 64) return text.slice(start, end);
  return (SPACES[n] ??= ' '.repeat(n));
}

/**
 * Inserts whole lines right after the line that holds `node`'s end, indented like `node`. When more statements
 * follow `node` on its line (one-line blocks: `location / { proxy_pass http://app; } } }`), the line's end may be
 * outside the block `node` is in, even outside http{}: the lines then go right after `node` instead, inline, or,
 * when one of them carries a comment (which would swallow the rest of the line), each on a line of its own with
 * the rest of the original line moved to the next line.
 */
export function insertLinesAfter(node: ConfigNode, lines: string[]): TextEdit {
  if (unterminated(node)) return insertLinesBefore(node, lines);
  const file = node.file;
  // What is read of the text here (the rest of the line: empty, a comment or more statements) an edit of an argument
  // cannot change.
  const text = rawText(file);
  const endLine = file.lines.positionAt(node.directive.end).line;
  const at = endLine + 1 < file.lines.lineCount ? file.lines.lineStart(endLine + 1) : text.length;
  const indent = indentAt(file, node.directive.start);
  const eol = eolOf(file);
  // The rest of the line holds more statements when its first character that is not white space is not "#". Read in
  // place rather than trim()med from a copy: fixes are built by the thousand on a large tree.
  const rest = firstNonSpace(text, node.directive.end, at);
  if (rest !== -1 && rest !== 35 /* # */) {
    const end = node.directive.end;
    if (!lines.some((l) => l.includes('#'))) return { path: file.path, start: end, end, newText: ' ' + lines.join(' ') };
    let after = end;
    while (text.charCodeAt(after) === 32 || text.charCodeAt(after) === 9) after++;
    return { path: file.path, start: end, end: after, newText: eol + indentedLines(lines, indent, eol) + indent };
  }
  const lead = at === text.length && !/[\r\n]$/.test(text) ? eol : '';
  return { path: file.path, start: at, end: at, newText: lead + indentedLines(lines, indent, eol) };
}

/** Each line with the indent before it and the line ending after it, as one string (no array per fix). */
function indentedLines(lines: readonly string[], indent: string, eol: string): string {
  let out = '';
  for (let k = 0; k < lines.length; k++) out += indent + lines[k] + eol;
  return out;
}

/**
 * The code of the first character of text[from, to) that trim() would keep (not white space nor a line break, as
 * JavaScript defines them: /\s/), or -1 when there is none.
 */
function firstNonSpace(text: string, from: number, to: number): number {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === 32 || (c >= 9 && c <= 13)) continue;
    if (c < 128 || !/\s/.test(text[i])) return c;
  }
  return -1;
}

/**
 * A statement whose ";" is missing (a syntax error, `proxy_pass https://app }`): nginx, and the parser after an
 * edit, read whatever follows it as more of its arguments, so nothing may be inserted after it.
 */
export function unterminated(node: ConfigNode): boolean {
  return !node.directive.terminated && !node.directive.block;
}

/**
 * Inserts lines right before `node`, at its indentation: on lines of their own when the node starts its line, else
 * inline in front of it (on lines of their own again when one of them carries a comment).
 */
export function insertLinesBefore(node: ConfigNode, lines: string[]): TextEdit {
  const file = node.file;
  const start = node.directive.start;
  const line = file.lines.positionAt(start).line;
  const lineStart = file.lines.lineStart(line);
  const indent = indentAt(file, start);
  const eol = eolOf(file);
  // Whether the node starts its line: white space before it, which an edit of an argument cannot change.
  if (rawText(file).slice(lineStart, start).trim() === '') return { path: file.path, start: lineStart, end: lineStart, newText: lines.map((l) => indent + l + eol).join('') };
  if (!lines.some((l) => l.includes('#'))) return { path: file.path, start, end: start, newText: lines.join(' ') + ' ' };
  return { path: file.path, start, end: start, newText: eol + lines.map((l) => indent + l + eol).join('') + indent };
}

/** Inserts lines as the first statements inside `block`'s braces, indented one level deeper than the block. */
export function insertLinesInBlock(block: ConfigNode, lines: string[]): TextEdit {
  const file = block.file;
  const open = block.directive.block!.start;
  const eol = eolOf(file);
  const first = block.children.find((c) => c.file === file);
  const indent = first ? indentAt(file, first.directive.start) : indentAt(file, block.directive.start) + '    ';
  return { path: file.path, start: open + 1, end: open + 1, newText: eol + lines.map((l) => indent + l).join(eol) };
}

export function fix(title: string, ...edits: TextEdit[]): Fix {
  return { title, edits };
}

/**
 * Lines to write at a level when adding a directive of an array-like family (proxy_set_header,
 * add_header, …): nginx inherits such directives only while a level defines none, so the first one
 * added there would silently drop every inherited line unless they are written out again.
 * https://nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_set_header
 */
export function withInheritedLines(inherited: ConfigNode[] | undefined, added: string[]): string[] {
  const copies = (inherited ?? []).map((n) => oneLine(statementText(n)));
  return [...copies, ...added];
}

/**
 * The source of a statement (`proxy_set_header Host $host;`), as a read of its arguments; a block's source holds
 * every statement inside it, so it counts as a read of the whole text (core/reads.ts).
 */
export function statementText(node: ConfigNode): string {
  if (node.directive.block) return node.file.text.slice(node.directive.start, node.directive.end);
  noteRead(node.name);
  return rawText(node.file).slice(node.directive.start, node.directive.end);
}

/**
 * `text` with each run of white space that holds a line break made one space, as /\s*\n\s*\/g would, in one pass:
 * that regex retries from every position of a long run without a line break (a 54,500-space argument took 5 s,
 * found by the fuzz campaign).
 */
export function oneLine(text: string): string {
  if (!text.includes('\n')) return text;
  const parts = text.split('\n');
  let out = parts[0].trimEnd();
  for (let k = 1; k < parts.length; k++) {
    const last = k === parts.length - 1;
    const p = last ? parts[k].trimStart() : parts[k].trim();
    // A blank line in the middle belongs to the run around it: the run becomes one space, added with what follows.
    if (!last && p === '') continue;
    out += ' ' + p;
  }
  return out;
}
