// Shared by the CLI tests (not a test file itself: test/run.mjs only picks up *.test.ts).
import assert from 'node:assert/strict';
import { realpathSync } from 'node:fs';
import { runCli, tempTree, type CliRun } from '../helpers';

export interface JsonFinding {
  ruleId: string;
  severity: 'error' | 'warning' | 'info';
  message: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  docs?: string;
  fix?: { title: string; edits: { path: string; start: number; end: number; newText: string }[] };
  suggestions: { title: string; edits: { path: string; start: number; end: number; newText: string }[] }[];
  related: { path: string; start: number; end: number; message: string }[];
}

export interface JsonReport {
  version: number;
  summary: { errors: number; warnings: number; infos: number; fixable: number; files: number; runErrors: number; hidden?: number; hiddenWarnings?: number; hiddenInfos?: number; hiddenCounted?: boolean };
  files: { path: string; findings: JsonFinding[]; output?: string }[];
  skipped: { path: string; reason: string }[];
  errors: { path?: string; message: string }[];
}

export const DOCS = 'https://github.com/proxylint/proxylint/blob/main/server/src/core/rules';

/** A temp tree whose `dir` is the real path (what the CLI's process.cwd() reports). */
export function tree(files: Record<string, string | Buffer>): { dir: string; cleanup(): void } {
  const t = tempTree(files);
  return { dir: realpathSync(t.dir), cleanup: t.cleanup };
}

/** Runs the CLI with --format json and parses its report; `code` is the exit status. */
export function runJson(args: string[], opts: { cwd?: string; input?: string } = {}): { code: number | null; report: JsonReport; stderr: string } {
  const r = runCli(['--format', 'json', ...args], opts);
  let report: JsonReport;
  try {
    report = JSON.parse(r.stdout) as JsonReport;
  } catch (e) {
    assert.fail(`stdout is not JSON (exit ${r.code}): ${(e as Error).message}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  }
  return { code: r.code, report, stderr: r.stderr };
}

/** Every finding of a JSON report, each with the path of its file. */
export function allFindings(report: JsonReport): (JsonFinding & { path: string })[] {
  return report.files.flatMap((f) => f.findings.map((x) => ({ ...x, path: f.path })));
}

/** "ruleId@line:column" for each finding of one file (by absolute path), in report order. */
export function where(report: JsonReport, path: string): string[] {
  return (report.files.find((f) => f.path === path)?.findings ?? []).map((f) => `${f.ruleId}@${f.line}:${f.column}`);
}

/** Shows what the CLI printed when an assertion about a run fails. */
export function show(r: CliRun): string {
  return `exit ${r.code}\n--- stdout ---\n${r.stdout}\n--- stderr ---\n${r.stderr}`;
}

/** Applies a unified diff (as --fix-dry-run prints it) to `before`; fails on any hunk that does not match. */
export function applyUnifiedDiff(before: string, diff: string): string {
  const src = splitLines(before);
  const out: Line[] = [];
  const lines = diff.split('\n');
  let at = 0; // next unconsumed index into src
  let hunks = 0;
  for (let i = 0; i < lines.length; i++) {
    const m = /^@@ -(\d+),(\d+) \+(\d+),(\d+) @@$/.exec(lines[i]);
    if (!m) continue;
    hunks++;
    const [aStart, aCount, , bCount] = m.slice(1).map(Number);
    const first = aCount === 0 ? aStart : aStart - 1;
    assert.ok(first >= at, `hunk ${lines[i]} overlaps the previous one`);
    out.push(...src.slice(at, first));
    at = first;
    let seenA = 0;
    let seenB = 0;
    while (seenA < aCount || seenB < bCount) {
      const l = lines[++i];
      assert.ok(l !== undefined, `hunk ${m[0]} is cut short`);
      const body = l.slice(1);
      const noEol = lines[i + 1] === '\\ No newline at end of file';
      if (noEol) i++;
      const line: Line = { text: body, eol: !noEol };
      if (l[0] === ' ' || l[0] === '-') {
        assert.deepEqual(src[at], line, `hunk ${m[0]}: line ${at + 1} of the original does not match "${l}"`);
        at++;
        seenA++;
      }
      if (l[0] === ' ' || l[0] === '+') {
        out.push(line);
        seenB++;
      }
      assert.ok(' -+'.includes(l[0]) && l.length > 0, `not a hunk line: ${JSON.stringify(l)}`);
    }
    assert.equal(seenA, aCount, `hunk ${m[0]}: wrong count of original lines`);
    assert.equal(seenB, bCount, `hunk ${m[0]}: wrong count of new lines`);
  }
  assert.ok(hunks > 0, 'the diff has no hunks');
  out.push(...src.slice(at));
  return out.map((l) => l.text + (l.eol ? '\n' : '')).join('');
}

interface Line {
  text: string;
  eol: boolean;
}

function splitLines(text: string): Line[] {
  const parts = text.split('\n');
  const last = parts.pop()!;
  const out: Line[] = parts.map((t) => ({ text: t, eol: true }));
  if (last !== '') out.push({ text: last, eol: false });
  return out;
}
