import type { RuleMeta } from '../../core/rules/rule';
import { docsUrl } from '../../core/rules/rule';
import type { PositionedFinding } from '../positions';
import type { RunError } from './text';
import { LineIndex } from '../../core/text';
import { fingerprinter } from '../fingerprint';
import { underRoot } from '../report-root';

const LEVEL = { error: 'error', warning: 'warning', info: 'note' } as const;

/**
 * SARIF 2.1.0 as GitHub code scanning reads it: rules with help links in tool.driver, results with
 * regions in UTF-16 columns (SARIF's default), paths relative to %SRCROOT% (the report root, see report-root.ts; a
 * file outside it gets an absolute file URI), and fixes as replacements.
 * Produced result by result, `JSON.stringify(log, null, 2)` byte for byte: the log of a large tree (17 MB for 8,000
 * findings) never exists as one string, nor as one object tree next to the findings.
 */
export function* formatSarifChunks(findings: PositionedFinding[], rules: RuleMeta[], version: string, root: string, textOf: (p: string) => string | undefined, errors: RunError[] = [], realpath?: (p: string) => string): Generator<string> {
  const ruleIndex = new Map(rules.map((r, i) => [r.id, i]));
  // One line index per file: regions are asked for every finding, related location and fix edit.
  const indexes = new Map<string, LineIndex>();
  const indexOf = (path: string) => {
    let idx = indexes.get(path);
    if (!idx) indexes.set(path, (idx = new LineIndex(textOf(path) ?? '')));
    return idx;
  };
  const region = (path: string, start: number, end: number) => {
    const idx = indexOf(path);
    const s = idx.positionAt(start);
    const e = idx.positionAt(end);
    return { startLine: s.line + 1, startColumn: s.character + 1, endLine: e.line + 1, endColumn: e.character + 1 };
  };
  const artifact = (path: string) => {
    const rel = underRoot(root, path, realpath);
    return rel === undefined ? { uri: 'file://' + uriOf(path) } : { uri: uriOf(rel), uriBaseId: '%SRCROOT%' };
  };
  const location = (path: string, start: number, end: number) => ({
    physicalLocation: { artifactLocation: artifact(path), region: region(path, start, end) },
  });
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'proxylint',
            version,
            informationUri: 'https://github.com/proxylint/proxylint',
            rules: rules.map((r) => ({
              id: r.id,
              name: r.id.replace(/(^|-)([a-z])/g, (_m, _d, c: string) => c.toUpperCase()),
              shortDescription: { text: r.summary },
              fullDescription: { text: r.summary },
              helpUri: docsUrl(r),
              help: { text: `${r.summary} See ${docsUrl(r)}`, markdown: `${r.summary}\n\n[Rule documentation](${docsUrl(r)})` },
              defaultConfiguration: { level: LEVEL[r.severity] },
              properties: { tags: [r.server, `outcome:${r.outcome}`] },
            })),
          },
        },
        // SARIF 2.1.0 §3.20: an input that could not be checked is a toolExecutionNotification, and the run did not
        // succeed; without them a log with no results would read as a clean run (GitHub would close open alerts).
        invocations: [
          {
            executionSuccessful: errors.length === 0,
            ...(errors.length
              ? {
                  toolExecutionNotifications: errors.map((e) => ({
                    level: 'error',
                    message: { text: e.message },
                    ...(e.path ? { locations: [{ physicalLocation: { artifactLocation: artifact(e.path) } }] } : {}),
                  })),
                }
              : {}),
          },
        ],
        originalUriBaseIds: { '%SRCROOT%': { uri: 'file://' + uriOf(root.endsWith('/') ? root : root + '/') } },
        results: [] as unknown[],
      },
    ],
  };
  const fingerprint = fingerprinter();
  const result = (f: PositionedFinding) => ({
    ruleId: f.ruleId,
    ...(ruleIndex.has(f.ruleId) ? { ruleIndex: ruleIndex.get(f.ruleId) } : {}),
    level: LEVEL[f.severity],
    message: { text: f.message },
    locations: [location(f.path, f.start, f.end)],
    ...(f.related.length ? { relatedLocations: f.related.map((r, i) => ({ id: i, ...location(r.path, r.start, r.end), message: { text: r.message } })) } : {}),
    partialFingerprints: { 'proxylint/v2': fingerprint(f.ruleId, underRoot(root, f.path, realpath) ?? f.path, indexOf(f.path).lineText(f.line - 1)) },
    ...(f.fix
      ? {
          fixes: [
            {
              description: { text: f.fix.title },
              artifactChanges: groupEdits(f.fix.edits).map(([path, edits]) => ({
                artifactLocation: artifact(path),
                replacements: edits.map((e) => ({ deletedRegion: region(path, e.start, e.end), insertedContent: { text: e.newText } })),
              })),
            },
          ],
        }
      : {}),
  });
  // The log with no results, cut where they go. `"results": []` can only be that key: inside a JSON string
  // the quotes would be escaped.
  const empty = JSON.stringify(log, null, 2) + '\n';
  if (findings.length === 0) {
    yield empty;
    return;
  }
  const marker = '"results": []';
  const at = empty.lastIndexOf(marker);
  yield empty.slice(0, at + marker.length - 1);
  // Results sit four levels deep (log, runs, the run, results): their own lines shift right by eight spaces.
  for (let k = 0; k < findings.length; k++) yield `${k ? ',' : ''}\n        ${JSON.stringify(result(findings[k]), null, 2).replace(/\n/g, '\n        ')}`;
  yield '\n      ]' + empty.slice(at + marker.length);
}

export function formatSarif(findings: PositionedFinding[], rules: RuleMeta[], version: string, root: string, textOf: (p: string) => string | undefined, errors: RunError[] = []): string {
  return [...formatSarifChunks(findings, rules, version, root, textOf, errors)].join('');
}

function groupEdits<T extends { path: string }>(edits: T[]): [string, T[]][] {
  const m = new Map<string, T[]>();
  for (const e of edits) {
    const list = m.get(e.path);
    if (list) list.push(e);
    else m.set(e.path, [e]);
  }
  return [...m.entries()];
}

/** A path as a URI reference: every segment percent-encoded, so "#", "?" and ";" in a name stay part of the path. */
function uriOf(p: string): string {
  return p.split('/').map(encodeURIComponent).join('/');
}
