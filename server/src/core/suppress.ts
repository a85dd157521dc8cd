import type { Comment } from './syntax/nginx/ast';
import type { LineIndex } from './text';

/** What suppression needs from a parsed file, nginx or Apache: its path, text, line index and comments. */
export interface SuppressibleFile {
  path: string;
  text: string;
  lines: LineIndex;
  ast: { comments: Comment[] };
}

/**
 * `# proxylint-disable-next-line <rule-id>[, <rule-id>] -- <reason>` on its own line silences those rules
 * on the next line; `# proxylint-disable-line …` after a directive silences them on its own line.
 * A reason is required: a silenced 502 risk must say why it is acceptable, for the next person on call.
 */
export interface Suppression {
  path: string;
  comment: Comment;
  /** Zero-based line the suppression applies to. */
  line: number;
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
    const commentLine = file.lines.positionAt(comment.start).line;
    suppressions.push({ path: file.path, comment, line: m[1] === 'next-line' ? commentLine + 1 : commentLine, ruleIds, reason, used: new Set() });
  }
  return { suppressions, invalid };
}
