import { DiagnosticSeverity, DiagnosticTag, type Diagnostic, type Range } from 'vscode-languageserver';
import { URI } from 'vscode-uri';
import type { Finding } from '../core/finding';
import { LineIndex } from '../core/text';
import { ruleMeta } from '../core/rules/index';
import { docsUrl } from '../core/rules/rule';
import { PLACE_LINK } from '../core/features/place-link';

export const SOURCE = 'proxylint';

export function uriToPath(uri: string): string | undefined {
  const u = URI.parse(uri);
  return u.scheme === 'file' ? u.fsPath : undefined;
}

export function pathToUri(path: string): string {
  return URI.file(path).toString();
}

/**
 * Hover markdown with its links to config lines (`[label](<path#L12>)`, core/features/place-link.ts) pointed at
 * `file:///path#L12`, which VS Code opens at that line.
 */
export function linkTargetsToUris(markdown: string): string {
  return markdown.replace(PLACE_LINK, (_, label: string, path: string, line: string) => `[${label}](${pathToUri(path)}#L${line})`);
}

export function toRange(lines: LineIndex, start: number, end: number): Range {
  return { start: lines.lspPositionAt(start), end: lines.lspPositionAt(end) };
}

const SEVERITY = { error: DiagnosticSeverity.Error, warning: DiagnosticSeverity.Warning, info: DiagnosticSeverity.Information } as const;

export function toDiagnostic(f: Finding, linesOf: (path: string) => LineIndex | undefined): Diagnostic {
  const lines = linesOf(f.path)!;
  const meta = ruleMeta(f.ruleId);
  return {
    range: toRange(lines, f.start, f.end),
    severity: SEVERITY[f.severity],
    code: f.ruleId,
    ...(meta ? { codeDescription: { href: docsUrl(meta) } } : {}),
    source: SOURCE,
    message: f.message,
    // An unused suppression is dead text: editors fade it out, like an unused import.
    ...(f.ruleId === 'unused-suppression' ? { tags: [DiagnosticTag.Unnecessary] } : {}),
    relatedInformation: f.related.flatMap((r) => {
      const rl = linesOf(r.path);
      return rl ? [{ location: { uri: pathToUri(r.path), range: toRange(rl, r.start, r.end) }, message: r.message }] : [];
    }),
  };
}
