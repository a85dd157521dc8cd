// npm run corpus-report [-- [--nginx|--apache] <path>...]: lints a corpus through the same CLI code path users run,
// then writes reports/corpus-report.md: per rule, how many findings, in how many files, what share of the
// files that use the rule's directives it fires on (the noise measure), and a few samples.
// Without a path it reports on ../shared/corpus/nginx, then ../shared/corpus/apache in a second section. A path is
// reported as nginx or Apache httpd configuration by what most of its files are (the CLI's own test); --nginx and
// --apache say it instead. One path of each kind at most.
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { classify } from '../server/src/cli/classify';
import { runCli } from '../server/src/cli/run';
import { createCliIo } from '../server/src/node/cli-io';
import { parseSourceFile } from '../server/src/core/model/nginx-tree';
import { allRules } from '../server/src/core/rules/index';
import type { Directive } from '../server/src/core/syntax/nginx/ast';
import { parseApache } from '../server/src/core/syntax/apache/parser';
import type { ApacheDirective } from '../server/src/core/syntax/apache/ast';

const ROOT = join(__dirname, '..');
const CORPUS = join(ROOT, '..', 'shared', 'corpus');

export type Dialect = 'nginx' | 'apache';

export interface Target {
  dialect: Dialect;
  path: string;
  /** How the dialect was decided, for the console. */
  why: string;
}

const USAGE = 'usage: npm run corpus-report [-- [--nginx|--apache] <path>...]  (at most one nginx and one Apache path)';

interface JsonFinding { ruleId: string; severity: string; message: string; line: number }
interface JsonOut { files: { path: string; findings: JsonFinding[] }[]; skipped: { path: string }[] }

/** A file, or every file under a folder (a folder walk that skips nothing: the corpus has *.conf.in and *.load files). */
function filesOf(path: string): string[] {
  return statSync(path).isFile() ? [path] : createCliIo('report').walk(path).files;
}

/** What most of the files under `path` are, by the test the CLI uses on each; undefined when none is either. */
export function dialectOf(path: string): { dialect: Dialect; nginx: number; apache: number } | undefined {
  let nginx = 0;
  let apache = 0;
  for (const p of filesOf(path)) {
    let text: string;
    try {
      text = readFileSync(p, 'latin1');
    } catch {
      continue;
    }
    const d = classify(p, text);
    if (d === 'nginx') nginx++;
    else if (d === 'apache') apache++;
  }
  if (nginx === 0 && apache === 0) return undefined;
  return { dialect: apache > nginx ? 'apache' : 'nginx', nginx, apache };
}

/** The sections to report, from the command-line arguments (relative paths from the current folder). */
export function targetsFrom(argv: readonly string[], corpus = CORPUS): { targets: Target[] } | { error: string } {
  if (argv.length === 0) {
    return {
      targets: [
        { dialect: 'nginx', path: join(corpus, 'nginx'), why: 'the nginx half of the corpus' },
        { dialect: 'apache', path: join(corpus, 'apache'), why: 'the Apache half of the corpus' },
      ],
    };
  }
  const targets: Target[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-h' || a === '--help') return { error: USAGE };
    const forced = a === '--nginx' ? 'nginx' : a === '--apache' ? 'apache' : undefined;
    if (!forced && a.startsWith('-')) return { error: `corpus-report: unknown option ${a}\n${USAGE}` };
    const given = forced ? argv[++i] : a;
    if (given === undefined) return { error: `corpus-report: ${a} needs a path\n${USAGE}` };
    const path = resolve(given);
    if (!existsSync(path)) return { error: `corpus-report: ${given} does not exist` };
    let dialect: Dialect;
    let why: string;
    if (forced) {
      dialect = forced;
      why = `${a} given`;
    } else {
      const found = dialectOf(path);
      if (!found) return { error: `corpus-report: no nginx or Apache httpd configuration found in ${given}; say which it is with --nginx or --apache` };
      dialect = found.dialect;
      why = `${found.nginx} nginx and ${found.apache} Apache files in it; --nginx or --apache says otherwise`;
    }
    if (targets.some((t) => t.dialect === dialect)) return { error: `corpus-report: two ${dialect === 'apache' ? 'Apache' : 'nginx'} paths (${targets.find((t) => t.dialect === dialect)!.path} and ${path}); give one of each kind at most\n${USAGE}` };
    targets.push({ dialect, path, why });
  }
  // nginx first, as in the report of the whole corpus.
  return { targets: targets.sort((x, y) => (x.dialect === y.dialect ? 0 : x.dialect === 'nginx' ? -1 : 1)) };
}

/** A path as the report shows it: relative to the repository when it is beside it (../shared/…), else absolute. */
function shown(p: string): string {
  const rel = relative(ROOT, p);
  return rel.startsWith('../..') || isAbsolute(rel) ? p : rel;
}

/** A sample's file: inside the corpus relative to it (nginx/…, apache/…), elsewhere as `shown` says. */
function sampleFile(p: string): string {
  const rel = relative(CORPUS, p);
  return rel.startsWith('..') || isAbsolute(rel) ? shown(p) : rel;
}

async function lintJson(args: string[]): Promise<{ json: JsonOut; code: number; ms: number; walk: (p: string) => string[] }> {
  let out = '';
  const io = createCliIo('report');
  io.stdout = (s) => {
    out += s;
  };
  io.stderr = () => undefined;
  const t0 = Date.now();
  const code = await runCli(['--format', 'json', '--fail-on', 'error', ...args], io);
  return { json: JSON.parse(out) as JsonOut, code, ms: Date.now() - t0, walk: (p) => io.walk(p).files };
}

export interface Section {
  /** The section's lines in reports/corpus-report.md. */
  lines: string[];
  /** What the console shows: its heading, target line and table. */
  table: string[];
}

/** The nginx half: the CLI on the folder (or file), nginx and common rules. */
async function nginxSection(target: string): Promise<Section> {
  const { json, code, ms, walk } = await lintJson([target]);

  // Which files use which directives (each file on its own, as written).
  const uses = new Map<string, Set<string>>();
  const walkAst = (ds: Directive[], names: Set<string>) => {
    for (const d of ds) {
      names.add(d.name);
      if (d.block) walkAst(d.block.children, names);
    }
  };
  const linted = new Set<string>(json.files.map((f) => f.path));
  const allFiles: string[] = [];
  const listing = statSync(target).isFile() ? [target] : walk(target);
  for (const p of listing) {
    if (json.skipped.some((s) => s.path === p)) continue;
    let text: string;
    try {
      text = readFileSync(p, 'latin1');
    } catch {
      continue;
    }
    if (!/\.(conf|nginx|vhost)$|nginx\.conf|sites-|conf\.d/.test(p) && !linted.has(p)) continue;
    allFiles.push(p);
    const names = new Set<string>();
    walkAst(parseSourceFile(p, text).ast.directives, names);
    uses.set(p, names);
  }

  const table: string[] = [];
  table.push(`Target: \`${shown(target)}\` · files with findings: ${json.files.filter((f) => f.findings.length).length} · files considered: ${allFiles.length} · time: ${(ms / 1000).toFixed(1)} s · CLI exit code: ${code}`, '');
  table.push('Share = files where the rule fired ÷ files that contain at least one directive the rule checks.', '');
  table.push('| Rule | Severity | Findings | Files | Files using its directives | Share |', '|---|---|---:|---:|---:|---:|');
  const samples: string[] = [];
  const rows = allRules
    .filter((r) => r.server !== 'apache')
    .map((r) => {
      const hits = json.files.flatMap((f) => f.findings.filter((x) => x.ruleId === r.id).map((x) => ({ path: f.path, ...x })));
      const files = new Set(hits.map((h) => h.path));
      const base = r.directives ? [...uses.entries()].filter(([, names]) => r.directives!.some((d) => names.has(d))).length : undefined;
      const share = base ? files.size / base : undefined;
      return { r, hits, files, base, share };
    });
  rows.sort((a, b) => b.hits.length - a.hits.length);
  for (const { r, hits, files, base, share } of rows) {
    table.push(`| \`${r.id}\` | ${r.severity} | ${hits.length} | ${files.size} | ${base ?? '–'} | ${share === undefined ? '–' : (share * 100).toFixed(1) + '%'} |`);
    if (hits.length) {
      samples.push(`### ${r.id}`, '');
      for (const h of hits.slice(0, 3)) samples.push(`- \`${sampleFile(h.path)}:${h.line}\` — ${h.message}`);
      samples.push('');
    }
  }
  return { lines: [...table, '', '## Samples', '', ...samples], table };
}

/** The Apache half: the same measures, Apache rules only. */
async function apacheSection(target: string): Promise<Section> {
  // Every file under the folder, named explicitly (a folder walk skips names such as *.conf.in and *.load).
  const files = filesOf(target);
  const { json, code, ms } = await lintJson(files);
  const uses = new Map<string, Set<string>>();
  const walk = (ds: ApacheDirective[], names: Set<string>) => {
    for (const d of ds) {
      names.add(d.lname);
      if (d.section) walk(d.section.children, names);
    }
  };
  for (const p of files) {
    let text: string;
    try {
      text = readFileSync(p, 'latin1');
    } catch {
      continue;
    }
    const names = new Set<string>();
    walk(parseApache(text).directives, names);
    uses.set(p, names);
  }
  const accepted = acceptedApacheFiles(target);
  const syntaxOnAccepted = accepted && accepted.filter((p) => json.files.some((f) => f.path === p && f.findings.some((x) => x.ruleId === 'syntax-error'))).length;
  const table: string[] = [];
  table.push('## Apache httpd', '');
  table.push(
    `Target: \`${shown(target)}\` · files: ${files.length} · files with findings: ${json.files.filter((f) => f.findings.length).length} · time: ${(ms / 1000).toFixed(1)} s · CLI exit code: ${code}${accepted ? ` · syntax errors on the ${accepted.length} files apache2 -t accepts: ${syntaxOnAccepted}` : ''}`,
    '',
  );
  table.push('| Rule | Severity | Findings | Files | Files using its directives | Share |', '|---|---|---:|---:|---:|---:|');
  const samples: string[] = [];
  const apacheIds = new Set(allRules.filter((r) => r.server === 'apache').map((r) => r.id));
  const rows = allRules
    .filter((r) => r.server !== 'nginx')
    .map((r) => {
      const hits = json.files.flatMap((f) => f.findings.filter((x) => x.ruleId === r.id).map((x) => ({ path: f.path, ...x })));
      const hitFiles = new Set(hits.map((h) => h.path));
      const base = r.directives ? [...uses.values()].filter((names) => r.directives!.some((d) => names.has(d.toLowerCase()))).length : undefined;
      return { r, hits, hitFiles, base, share: base ? hitFiles.size / base : undefined };
    })
    .filter((x) => apacheIds.has(x.r.id) || x.hits.length > 0);
  rows.sort((a, b) => b.hits.length - a.hits.length);
  for (const { r, hits, hitFiles, base, share } of rows) {
    table.push(`| \`${r.id}\` | ${r.severity} | ${hits.length} | ${hitFiles.size} | ${base ?? '–'} | ${share === undefined ? '–' : (share * 100).toFixed(1) + '%'} |`);
    if (hits.length) {
      samples.push(`### ${r.id} (Apache)`, '');
      for (const h of hits.slice(0, 3)) samples.push(`- \`${sampleFile(h.path)}:${h.line}\` — ${h.message}`);
      samples.push('');
    }
  }
  return { lines: [...table, '', '## Apache samples', '', ...samples], table };
}

/**
 * The Apache files under `target` that apache2 -t 2.4.71 accepted (standalone_parses yes or fragment in the corpus's
 * MANIFEST.tsv); undefined for a target outside the corpus, which has no such record.
 */
function acceptedApacheFiles(target: string): string[] | undefined {
  const manifest = join(CORPUS, 'MANIFEST.tsv');
  const rel = relative(CORPUS, target);
  if (rel.startsWith('..') || isAbsolute(rel) || !existsSync(manifest)) return undefined;
  const [header, ...rows] = readFileSync(manifest, 'utf8').split('\n');
  const cols = header.split('\t');
  const [server, path, sp, templated] = ['server', 'local_path', 'standalone_parses', 'templated'].map((c) => cols.indexOf(c));
  return rows
    .map((l) => l.split('\t'))
    .filter((c) => c[server] === 'apache' && c[templated] === 'no' && (c[sp] === 'yes' || c[sp] === 'fragment'))
    .map((c) => join(CORPUS, c[path]))
    .filter((p) => p === target || p.startsWith(target + '/'));
}

/** The whole report: one section per target, nginx first. */
export async function buildReport(targets: readonly Target[]): Promise<{ markdown: string; console: string[] }> {
  const lines = ['# Corpus report', ''];
  const shownLines: string[] = [...lines];
  for (const t of targets) {
    const s = t.dialect === 'nginx' ? await nginxSection(t.path) : await apacheSection(t.path);
    if (lines.length > 2) lines.push('');
    lines.push(...s.lines);
    if (shownLines.length > 2) shownLines.push('');
    shownLines.push(...s.table);
  }
  return { markdown: lines.join('\n') + '\n', console: shownLines };
}

async function main() {
  const parsed = targetsFrom(process.argv.slice(2));
  if ('error' in parsed) {
    console.error(parsed.error);
    process.exit(2);
  }
  for (const t of parsed.targets) {
    if (!existsSync(t.path)) {
      console.error(`corpus-report: ${t.path} does not exist (the corpus is expected in ../shared/corpus next to the repository)`);
      process.exit(2);
    }
  }
  if (process.argv.length > 2) for (const t of parsed.targets) console.log(`${shown(t.path)}: reported as ${t.dialect === 'apache' ? 'Apache httpd' : 'nginx'} (${t.why})`);
  const report = await buildReport(parsed.targets);
  mkdirSync(join(ROOT, 'reports'), { recursive: true });
  const file = join(ROOT, 'reports', 'corpus-report.md');
  writeFileSync(file, report.markdown);
  console.log(report.console.join('\n'));
  console.log(`\nwritten: ${relative(process.cwd(), file)}`);
}

if (require.main === module) void main();
