import type { DocumentLink, LocationLink } from 'vscode-languageserver';
import { definitions, includeTargets, type Target } from '../core/features/navigation';
import { locate } from '../core/features/locate';
import type { Host } from '../core/host';
import type { LintResult } from '../core/lint';
import { LineIndex } from '../core/text';
import { pathToUri, toRange } from './convert';

// The prefix the configuration was loaded with: a fragment's is the folder of the nginx.conf above it, not its own.
const prefixOf = (result: LintResult) => result.config.prefix;

export function toLocationLinks(targets: Target[], lines: LineIndex, files: { path: string; lines: LineIndex }[]): LocationLink[] {
  return targets.map((t) => {
    const range = toRange(files.find((f) => f.path === t.path)?.lines ?? new LineIndex(''), t.start, t.end);
    return { originSelectionRange: toRange(lines, t.origin.start, t.origin.end), targetUri: pathToUri(t.path), targetRange: range, targetSelectionRange: range };
  });
}

export function definitionLinks(result: LintResult, path: string, offset: number, host: Host): LocationLink[] {
  const file = result.config.files.find((f) => f.path === path);
  if (!file) return [];
  const loc = locate(result.config, path, offset);
  return toLocationLinks(definitions(loc, result.config, result.upstreams, prefixOf(result), host), file.lines, result.config.files);
}

/** Every include path in the file, linked to the file it names (the first match for a glob). */
export function documentLinks(result: LintResult, path: string, host: Host): DocumentLink[] {
  const file = result.config.files.find((f) => f.path === path);
  if (!file) return [];
  const links: DocumentLink[] = [];
  for (const n of result.config.all) {
    if (n.file !== file || n.name !== 'include' || !n.directive.args[0]) continue;
    const [first] = includeTargets(n, prefixOf(result), host);
    const arg = n.directive.args[0];
    // Only files that exist: a link to a missing include would just open an error.
    if (first && result.config.files.some((f) => f.path === first)) links.push({ range: toRange(file.lines, arg.start, arg.end), target: pathToUri(first), tooltip: first });
  }
  return links;
}
