import type { Comment, Span } from './syntax/nginx/ast';
import type { LineIndex } from './text';

/**
 * What suppression needs from a parsed file, nginx or Apache: its path, text, line index and comments, and (httpd
 * files) the lines a trailing `\` continues.
 */
export interface SuppressibleFile {
  path: string;
  text: string;
  lines: LineIndex;
  ast: { comments: Comment[]; continued?: Span[]; directives?: readonly Statement[] };
}

/** A directive as far as disable-line needs it; only nginx's have `block` (httpd has no comment after a directive). */
interface Statement extends Span {
  block?: { children: readonly Statement[] } | null;
}

/**
 * The zero-based line a statement holding `offset` starts on. In an httpd file, a line that ends in `\` goes on
 * into the next one and httpd reads them as one: a `#` line put between them would be read as more arguments of the
 * directive (and ProxyPass refuses to start on it), so a comment about any of them goes above the first.
 */
export function statementLine(file: Pick<SuppressibleFile, 'lines'> & { ast?: { comments: unknown[]; continued?: Span[] } }, offset: number): number {
  const spans = file.ast?.continued;
  if (spans?.length) {
    let lo = 0;
    let hi = spans.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (offset < spans[mid].start) hi = mid - 1;
      else if (offset > spans[mid].end) lo = mid + 1;
      else return file.lines.positionAt(spans[mid].start).line;
    }
  }
  return file.lines.positionAt(offset).line;
}

/**
 * `# proxylint-disable-next-line <rule-id>[, <rule-id>] -- <reason>` on its own line silences those rules
 * on the next line (in httpd files, on every line that line's trailing `\` continues it onto); `# proxylint-disable-line …`
 * after a directive silences them on its own line, and (nginx) on every line of the directive it ends: after the `;`
 * of a directive written over several lines, it is about that directive, whose findings sit on its first line or on
 * the argument concerned. (httpd has no comment after a directive: a `#` there is an argument.)
 * A reason is required: a silenced 502 risk must say why it is acceptable, for the next person on call.
 */
export interface Suppression {
  path: string;
  comment: Comment;
  /** Zero-based line the suppression applies to (the first line of a statement, see statementLine). */
  line: number;
  /** The first line it applies to: `line` itself, or for a disable-line after a multi-line nginx directive, that directive's first. */
  from: number;
  ruleIds: string[];
  reason: string;
  used: Set<string>;
}

export interface InvalidSuppression {
  path: string;
  comment: Comment;
  message: string;
}

const DIRECTIVE = /^\s*proxylint-disable-(next-line|line)(?:\s+(.*))?$/;

/** Per file: the first line of each nginx directive (without a block) that spans several lines, by its last line. */
const multiLine = new WeakMap<SuppressibleFile, Map<number, { start: number; end: number }[]>>();

/**
 * The first line of the nginx directive that ends on `line` before `before` (the disable-line comment after it), when
 * it starts on an earlier line; undefined otherwise.
 */
function startOfEndingOn(file: SuppressibleFile, line: number, before: number): number | undefined {
  const top = file.ast.directives;
  if (!top?.length || !('block' in top[0])) return undefined;
  let byEnd = multiLine.get(file);
  if (!byEnd) {
    byEnd = new Map();
    const walk = (list: readonly Statement[]) => {
      for (const d of list) {
        if (d.block) {
          walk(d.block.children);
          continue;
        }
        const last = file.lines.positionAt(Math.max(d.start, d.end - 1)).line;
        if (last === file.lines.positionAt(d.start).line) continue;
        const at = byEnd!.get(last);
        if (at) at.push({ start: d.start, end: d.end });
        else byEnd!.set(last, [{ start: d.start, end: d.end }]);
      }
    };
    walk(top);
    multiLine.set(file, byEnd);
  }
  const d = byEnd.get(line)?.find((x) => x.end <= before);
  return d ? file.lines.positionAt(d.start).line : undefined;
}

export function findSuppressions(file: SuppressibleFile, knownRules: ReadonlySet<string>): { suppressions: Suppression[]; invalid: InvalidSuppression[] } {
  const suppressions: Suppression[] = [];
  const invalid: InvalidSuppression[] = [];
  for (const comment of file.ast.comments) {
    const m = DIRECTIVE.exec(comment.text);
    if (!m) continue;
    const rest = m[2] ?? '';
    const sep = rest.indexOf('--');
    const idsText = sep < 0 ? rest : rest.slice(0, sep);
    const reason = sep < 0 ? '' : rest.slice(sep + 2).trim();
    const ruleIds = idsText.split(/[\s,]+/).filter(Boolean);
    const bad = (message: string) => invalid.push({ path: file.path, comment, message });
    if (ruleIds.length === 0) {
      bad('name the rule to silence: "# proxylint-disable-next-line <rule-id> -- <reason>"');
      continue;
    }
    const unknown = ruleIds.filter((id) => !knownRules.has(id));
    if (unknown.length) {
      bad(`unknown rule ${unknown.map((u) => `"${u}"`).join(', ')} in suppression comment`);
      continue;
    }
    // The editor's "Add a disable comment" action writes "TODO: …" as a placeholder: it is not a reason yet.
    if (!reason || /^TODO\b/i.test(reason)) {
      bad(`suppression needs a reason after "--", e.g. "# proxylint-disable-${m[1]} ${ruleIds.join(', ')} -- backend streams for up to 2 h"; it is ignored until it has one`);
      continue;
    }
    // A comment a trailing `\` continues ends on a later line: "next" is the line after its last.
    const line = m[1] === 'next-line' ? file.lines.positionAt(comment.end).line + 1 : file.lines.positionAt(comment.start).line;
    const from = m[1] === 'line' ? (startOfEndingOn(file, line, comment.start) ?? line) : line;
    suppressions.push({ path: file.path, comment, line, from, ruleIds, reason, used: new Set() });
  }
  return { suppressions, invalid };
}
