import type { PositionedFinding } from '../positions';

const LEVEL = { error: 'error', warning: 'warning', info: 'notice' } as const;

/** Workflow commands escape %, CR and LF in the message, and also ":" and "," in properties. */
const escData = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const escProp = (s: string) => escData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

/** GitHub Actions annotations: https://docs.github.com/actions/using-workflows/workflow-commands-for-github-actions */
export function formatGithub(findings: PositionedFinding[], relPath: (p: string) => string): string {
  return [...formatGithubChunks(findings, relPath)].join('');
}

/** One workflow command per finding, each its own chunk. */
export function* formatGithubChunks(findings: PositionedFinding[], relPath: (p: string) => string): Generator<string> {
  for (const f of findings) {
    // The runner takes columns only on a one-line range: it drops col and endColumn when line and endLine differ.
    const at = f.line === f.endLine ? [`line=${f.line}`, `col=${f.column}`, `endLine=${f.endLine}`, `endColumn=${f.endColumn}`] : [`line=${f.line}`, `endLine=${f.endLine}`];
    const props = [`file=${escProp(relPath(f.path))}`, ...at, `title=${escProp(`proxylint ${f.ruleId}`)}`];
    yield `::${LEVEL[f.severity]} ${props.join(',')}::${escData(f.message + (f.docs ? `\n${f.docs}` : ''))}\n`;
  }
}
