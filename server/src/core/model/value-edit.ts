import type { Finding, Fix, RelatedLocation, TextEdit } from '../finding';
import { rawText } from '../reads';
import type { Arg, Block, Comment, Directive, SyntaxProblem } from '../syntax/nginx/ast';
import { TEMPLATE_MARKUP } from './template-markup';
import type { SourceFile } from './nginx-tree';

/**
 * An edit of a file that changed the characters of one argument of one statement and nothing else: what typing a
 * value (`proxy_read_timeout 30s` → `300s`) does on nearly every keystroke. Every other statement, block, comment and
 * syntax problem of the file is the same, at the same place or moved by `delta`; so a rule that never read the
 * arguments of statements called `name` (core/reads.ts) finds what it found before, moved by `delta`.
 */
export interface ValueEdit {
  path: string;
  /** The old text's [start, oldEnd) became `delta` characters longer or shorter. */
  start: number;
  oldEnd: number;
  delta: number;
  /** The name of the statement whose argument changed. */
  name: string;
}

/**
 * Characters that never change the statements around them: no white space (which separates arguments and decides
 * indentation), quotes, escapes, `;`, braces or `#`. An edit that types or deletes one of these is taken for a change
 * of structure, and everything is checked again.
 */
function isValueChar(c: number): boolean {
  return c > 32 && c !== 34 && c !== 35 && c !== 39 && c !== 59 && c !== 92 && c !== 123 && c !== 125 && c !== 127;
}

const CHUNK = 512;

/** The value edit that turned `before` into `after` (same path), or undefined when the change is anything more. */
export function valueEdit(before: SourceFile, after: SourceFile): ValueEdit | undefined {
  const a = rawText(before), b = rawText(after);
  if (before.path !== after.path || a === b) return undefined;
  const min = Math.min(a.length, b.length);
  // In steps of CHUNK first: comparing two slices is one native comparison, a loop over characters is one step per
  // character (a 10k-line document is 300,000 of them, on every keystroke).
  let start = 0;
  while (start + CHUNK <= min && a.slice(start, start + CHUNK) === b.slice(start, start + CHUNK)) start += CHUNK;
  while (start < min && a.charCodeAt(start) === b.charCodeAt(start)) start++;
  let tail = 0;
  while (tail + CHUNK <= min - start && a.slice(a.length - tail - CHUNK, a.length - tail) === b.slice(b.length - tail - CHUNK, b.length - tail)) tail += CHUNK;
  while (tail < min - start && a.charCodeAt(a.length - 1 - tail) === b.charCodeAt(b.length - 1 - tail)) tail++;
  const oldEnd = a.length - tail, newEnd = b.length - tail;
  for (let k = start; k < oldEnd; k++) if (!isValueChar(a.charCodeAt(k))) return undefined;
  for (let k = start; k < newEnd; k++) if (!isValueChar(b.charCodeAt(k))) return undefined;
  // Template markup (`{{ }}`, `@NAME@`) makes a line's words unknown to the rules that ask (templateLine): an edit
  // that adds or removes it changes their answers for other statements on the line.
  if (markupOnLine(a, start) || markupOnLine(b, start)) return undefined;
  const delta = newEnd - oldEnd;
  const edit = { path: after.path, start, oldEnd, delta, name: '' };
  const found = new Compare(edit).directives(before.ast.directives, after.ast.directives);
  if (!found || !edit.name) return undefined;
  const ca = before.ast.comments, cb = after.ast.comments;
  if (ca.length !== cb.length || ca.some((c, k) => !sameComment(edit, c, cb[k]))) return undefined;
  const pa = before.ast.problems, pb = after.ast.problems;
  if (pa.length !== pb.length || pa.some((p, k) => !sameProblem(edit, p, pb[k]))) return undefined;
  return edit;
}

function markupOnLine(text: string, at: number): boolean {
  let s = at, e = at;
  while (s > 0 && text.charCodeAt(s - 1) !== 10 && text.charCodeAt(s - 1) !== 13) s--;
  while (e < text.length && text.charCodeAt(e) !== 10 && text.charCodeAt(e) !== 13) e++;
  return TEMPLATE_MARKUP.test(text.slice(s, e));
}

/**
 * Where an offset of the old text is in the new one, or undefined when that is not known: inside the edited
 * characters, or at the very place characters were inserted (before them or after?).
 */
export function moved(e: Pick<ValueEdit, 'start' | 'oldEnd' | 'delta'>, offset: number): number | undefined {
  if (offset < e.start || (offset === e.start && e.oldEnd > e.start)) return offset;
  if (offset > e.oldEnd || (offset === e.oldEnd && e.oldEnd > e.start)) return offset + e.delta;
  return undefined;
}

/** Walks both trees side by side; the one argument allowed to differ names `edit.name`. */
class Compare {
  constructor(private readonly edit: ValueEdit) {}

  private at(a: number, b: number): boolean {
    return moved(this.edit, a) === b;
  }

  directives(as: readonly Directive[], bs: readonly Directive[]): boolean {
    if (as.length !== bs.length) return false;
    for (let k = 0; k < as.length; k++) if (!this.directive(as[k], bs[k])) return false;
    return true;
  }

  private directive(a: Directive, b: Directive): boolean {
    if (a.name !== b.name || a.terminated !== b.terminated || !this.at(a.start, b.start) || !this.at(a.end, b.end)) return false;
    if (!this.args(a, a.args, b.args)) return false;
    if (!a.block || !b.block) return !a.block && !b.block;
    return this.block(a.block, b.block);
  }

  private block(a: Block, b: Block): boolean {
    return a.closed === b.closed && this.at(a.start, b.start) && this.at(a.end, b.end) && this.directives(a.children, b.children);
  }

  private args(d: Directive, as: readonly Arg[], bs: readonly Arg[]): boolean {
    if (as.length !== bs.length) return false;
    for (let k = 0; k < as.length; k++) {
      const x = as[k], y = bs[k];
      if (x.start <= this.edit.start && this.edit.oldEnd <= x.end) {
        // The edited argument: it starts where it did and ends `delta` later; its value may differ.
        if (this.edit.name || x.start !== y.start || x.end + this.edit.delta !== y.end || x.quote !== y.quote) return false;
        this.edit.name = d.name;
        continue;
      }
      if (x.value !== y.value || x.raw !== y.raw || x.quote !== y.quote || !this.at(x.start, y.start) || !this.at(x.end, y.end)) return false;
    }
    return true;
  }
}

function sameComment(e: ValueEdit, a: Comment, b: Comment): boolean {
  return a.text === b.text && moved(e, a.start) === b.start && moved(e, a.end) === b.end;
}

function sameProblem(e: ValueEdit, a: SyntaxProblem, b: SyntaxProblem): boolean {
  return a.message === b.message && a.kind === b.kind && moved(e, a.start) === b.start && moved(e, a.end) === b.end && !a.related === !b.related && (!a.related || (a.related.message === b.related!.message && moved(e, a.related.start) === b.related!.start));
}

/**
 * `findings` as they are after the edit: offsets in the edited file moved. Undefined when one of them is where the
 * edit cannot say (then the rule is run again).
 */
export function movedFindings(e: ValueEdit, findings: readonly Finding[]): Finding[] | undefined {
  const out: Finding[] = [];
  for (const f of findings) {
    const g = movedFinding(e, f);
    if (!g) return undefined;
    out.push(g);
  }
  return out;
}

function movedFinding(e: ValueEdit, f: Finding): Finding | undefined {
  // Most findings are before the edit, or the edit kept the length (a digit replaced): kept as they are.
  if (unmoved(e, f)) return f;
  let start = f.start, end = f.end;
  if (f.path === e.path) {
    const s = moved(e, start), t = moved(e, end);
    if (s === undefined || t === undefined) return undefined;
    start = s;
    end = t;
  }
  const fix = f.fix && movedFix(e, f.fix);
  if (f.fix && !fix) return undefined;
  const suggestions: Fix[] = [];
  for (const s of f.suggestions) {
    const m = movedFix(e, s);
    if (!m) return undefined;
    suggestions.push(m);
  }
  const related: RelatedLocation[] = [];
  for (const r of f.related) {
    const m = movedSpan(e, r);
    if (!m) return undefined;
    related.push(m);
  }
  const g: Finding = { ...f, start, end, suggestions, related };
  if (fix) g.fix = fix;
  return g;
}

/** Whether every offset of the finding stays where it is (none at or after the edit, or all of them kept by it). */
function unmoved(e: ValueEdit, f: Finding): boolean {
  const same = (x: { path: string; start: number; end: number }) => x.path !== e.path || (moved(e, x.start) === x.start && moved(e, x.end) === x.end);
  if (!same(f)) return false;
  if (f.fix && !f.fix.edits.every(same)) return false;
  for (const s of f.suggestions) if (!s.edits.every(same)) return false;
  return f.related.every(same);
}

function movedFix(e: ValueEdit, fix: Fix): Fix | undefined {
  const edits: TextEdit[] = [];
  for (const x of fix.edits) {
    const m = movedSpan(e, x);
    if (!m) return undefined;
    edits.push(m);
  }
  return { ...fix, edits };
}

function movedSpan<T extends { path: string; start: number; end: number }>(e: ValueEdit, x: T): T | undefined {
  if (x.path !== e.path) return x;
  const start = moved(e, x.start), end = moved(e, x.end);
  return start === undefined || end === undefined ? undefined : { ...x, start, end };
}
