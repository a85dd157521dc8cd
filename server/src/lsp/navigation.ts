import type { DocumentLink, LocationLink } from 'vscode-languageserver';
import { definitions, includeTargets, type Target } from '../core/features/navigation';
import { locate } from '../core/features/locate';
import type { LintResult } from '../core/lint';
import { LineIndex } from '../core/text';
import { pathToUri, toRange } from './convert';

export function toLocationLinks(targets: Target[], lines: LineIndex, files: { path: string; lines: LineIndex }[]): LocationLink[] {
  return targets.map((t) => {
    const range = toRange(files.find((f) => f.path === t.path)?.lines ?? new LineIndex(''), t.start, t.end);
    return { originSelectionRange: toRange(lines, t.origin.start, t.origin.end), targetUri: pathToUri(t.path), targetRange: range, targetSelectionRange: range };
  });
}

export function definitionLinks(result: LintResult, path: string, offset: number): LocationLink[] {
  const file = result.config.files.find((f) => f.path === path);
  if (!file) return [];
  const loc = locate(result.config, path, offset);
  return toLocationLinks(definitions(loc, result.config, result.upstreams), file.lines, result.config.files);
}

/** Every include line of the file that brought a file in, linked to it (the first, for a glob). */
export function documentLinks(result: LintResult, path: string): DocumentLink[] {
  const file = result.config.files.find((f) => f.path === path);
  if (!file) return [];
  const links: DocumentLink[] = [];
  for (const n of result.config.all) {
    if (n.file !== file || n.name !== 'include' || !n.directive.args[0]) continue;
    const [first] = includeTargets(n, result.config);
    const arg = n.directive.args[0];
    // Only files the configuration read: a link to a missing include would just open an error.
    if (first) links.push({ range: toRange(file.lines, arg.start, arg.end), target: pathToUri(first), tooltip: first });
  }
  return links;
}
