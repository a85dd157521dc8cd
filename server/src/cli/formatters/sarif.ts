import type { RuleMeta } from '../../core/rules/rule';
import { docsUrl } from '../../core/rules/rule';
import { visibleColumn, type PositionedFinding } from '../positions';
import { nested } from './pretty';
import type { RunError } from './text';
import { LineIndex } from '../../core/text';
import { fingerprinter, lineHashes } from '../fingerprint';
import { underRoot } from '../report-root';
import { SEVERITY_RANK } from '../../core/finding';

const LEVEL = { error: 'error', warning: 'warning', info: 'note' } as const;

/**
 * GitHub code scanning rejects a whole upload whose run has more results than this ("more results per run than
 * allowed"), and then the open alerts stay as they were. A larger run is cut to it, as described by
 * sarifCut().
 */
export const SARIF_MAX_RESULTS = 25_000;

/**
 * Which findings a log of at most SARIF_MAX_RESULTS results keeps: the errors, then the warnings, then the info
 * ones, each in report order (GitHub too ranks results by severity, and shows the first 5,000). Undefined when all
 * fit. `note` says what was left out, for the log and for stderr.
 */
export function sarifCut(findings: readonly PositionedFinding[]): { keep: Uint8Array; note: string } | undefined {
  if (findings.length <= SARIF_MAX_RESULTS) return undefined;
  const order = findings.map((_f, i) => i).sort((a, b) => SEVERITY_RANK[findings[b].severity] - SEVERITY_RANK[findings[a].severity] || a - b);
  const keep = new Uint8Array(findings.length);
  for (const i of order.slice(0, SARIF_MAX_RESULTS)) keep[i] = 1;
  const left = { error: 0, warning: 0, info: 0 };
  findings.forEach((f, i) => keep[i] || left[f.severity]++);
  const parts = ([['error', 'errors'], ['warning', 'warnings'], ['info', 'notes']] as const).filter(([k]) => left[k]).map(([k, word]) => `${left[k]} ${word}`);
  const note =
    `GitHub code scanning takes at most ${SARIF_MAX_RESULTS} results per run: this log lists ${SARIF_MAX_RESULTS} of ${findings.length} results ` +
    `(errors first, then warnings, then notes) and left out ${findings.length - SARIF_MAX_RESULTS} (${parts.join(', ')}); the text and JSON reports list them all`;
  return { keep, note };
}

/**
 * SARIF 2.1.0 as GitHub code scanning reads it: rules with help links in tool.driver, results with regions in
 * UTF-16 columns (said in columnKind: SARIF's default is Unicode code points), paths relative to %SRCROOT% (the
 * report root, see report-root.ts; a file outside it gets an absolute file URI), and fixes as replacements.
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
    const text = textOf(path);
    return { startLine: s.line + 1, startColumn: visibleColumn(text, s, start), endLine: e.line + 1, endColumn: visibleColumn(text, e, end) };
  };
  // Each file's path under the report root and its artifactLocation, worked out once: every result, related location
  // and fix edit names one (12,000 and more for the 100k-line tree, from 40 files), and path.relative normalises both
  // paths each time. The artifactLocation object is shared by all that name the file; nothing changes it.
  const relPaths = new Map<string, string | undefined>();
  const underRootOnce = (path: string) => {
    if (relPaths.has(path)) return relPaths.get(path);
    const rel = underRoot(root, path, realpath);
    relPaths.set(path, rel);
    return rel;
  };
  const artifacts = new Map<string, { uri: string; uriBaseId?: string }>();
  const artifact = (path: string) => {
    let a = artifacts.get(path);
    if (!a) {
      const rel = underRootOnce(path);
      a = rel === undefined ? { uri: 'file://' + uriOf(path) } : { uri: uriOf(rel), uriBaseId: '%SRCROOT%' };
      artifacts.set(path, a);
    }
    return a;
  };
  const location = (path: string, start: number, end: number) => ({
    physicalLocation: { artifactLocation: artifact(path), region: region(path, start, end) },
  });
  const cut = sarifCut(findings);
  // A cut is no failure of the run (executionSuccessful stays as the errors make it), but the log says it.
  const notifications = [
    ...errors.map((e) => ({
      level: 'error',
      message: { text: e.message },
      ...(e.path ? { locations: [{ physicalLocation: { artifactLocation: artifact(e.path) } }] } : {}),
    })),
    ...(cut ? [{ level: 'warning', message: { text: cut.note } }] : []),
  ];
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
            ...(notifications.length ? { toolExecutionNotifications: notifications } : {}),
          },
        ],
        originalUriBaseIds: { '%SRCROOT%': { uri: 'file://' + uriOf(root.endsWith('/') ? root : root + '/') } },
        // Columns are JavaScript string offsets. Without columnKind a reader takes them as code points (the
        // standard's default), one off per character outside the BMP before the finding on its line.
        columnKind: 'utf16CodeUnits',
        results: [] as unknown[],
      },
    ],
  };
  const fingerprint = fingerprinter();
  const fingerprintOf = (f: PositionedFinding) => fingerprint(f.ruleId, underRootOnce(f.path) ?? f.path, indexOf(f.path).lineText(f.line - 1));
  // The occurrence counter in a fingerprint follows report order: with a cut, every finding is counted, so those
  // kept have the fingerprints they would have in a log that listed all.
  const fingerprints = cut ? findings.map(fingerprintOf) : undefined;
  // GitHub's own line hashes, one pass over each file that has a result.
  const hashes = new Map<string, string[]>();
  const lineHashOf = (f: PositionedFinding) => {
    let h = hashes.get(f.path);
    if (!h) hashes.set(f.path, (h = lineHashes(textOf(f.path) ?? '')));
    return h[f.line - 1];
  };
  const result = (f: PositionedFinding, k: number) => ({
    ruleId: f.ruleId,
    ...(ruleIndex.has(f.ruleId) ? { ruleIndex: ruleIndex.get(f.ruleId) } : {}),
    level: LEVEL[f.severity],
    message: { text: f.message },
    locations: [location(f.path, f.start, f.end)],
    ...(f.related.length ? { relatedLocations: f.related.map((r, i) => ({ id: i, ...location(r.path, r.start, r.end), message: { text: r.message } })) } : {}),
    // GitHub matches alerts by primaryLocationLineHash alone; proxylint/v2, which earlier logs had alone, stays for
    // whoever reads it. The line hash is absent when the file's text is unknown.
    partialFingerprints: { 'proxylint/v2': fingerprints ? fingerprints[k] : fingerprintOf(f), primaryLocationLineHash: lineHashOf(f) },
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
  let first = true;
  for (let k = 0; k < findings.length; k++) {
    if (cut && !cut.keep[k]) continue;
    yield `${first ? '' : ','}\n        ${nested(result(findings[k], k), 4)}`;
    first = false;
  }
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
