import type { PositionedFinding } from '../positions';
import type { RunError } from './text';

const LEVEL = { error: 'error', warning: 'warning', info: 'notice' } as const;

/** Workflow commands escape %, CR and LF in the message, and also ":" and "," in properties. */
const escData = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const escProp = (s: string) => escData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

/** GitHub Actions annotations: https://docs.github.com/actions/using-workflows/workflow-commands-for-github-actions */
export function formatGithub(findings: PositionedFinding[], relPath: (p: string) => string, errors: RunError[] = []): string {
  return [...formatGithubChunks(findings, relPath, errors)].join('');
}

/**
 * One workflow command per finding, each its own chunk; first, one error per input that could not be checked (a
 * missing file, a broken .proxylintrc.json: exit 2). Said only on stderr, such a failure shows in the job's log but
 * not among the annotations of the run and the pull request, where the reader of a red check looks first.
 */
export function* formatGithubChunks(findings: PositionedFinding[], relPath: (p: string) => string, errors: RunError[] = []): Generator<string> {
  for (const e of errors) {
    const props = [...(e.path ? [`file=${escProp(relPath(e.path))}`] : []), `title=${escProp('proxylint: not checked')}`];
    yield `::error ${props.join(',')}::${escData(e.message)}\n`;
  }
  for (const f of findings) {
    // The runner takes columns only on a one-line range: it drops col and endColumn when line and endLine differ.
    const at = f.line === f.endLine ? [`line=${f.line}`, `col=${f.column}`, `endLine=${f.endLine}`, `endColumn=${f.endColumn}`] : [`line=${f.line}`, `endLine=${f.endLine}`];
    const props = [`file=${escProp(relPath(f.path))}`, ...at, `title=${escProp(`proxylint ${f.ruleId}`)}`];
    yield `::${LEVEL[f.severity]} ${props.join(',')}::${escData(f.message + (f.docs ? `\n${f.docs}` : ''))}\n`;
  }
}
