// npm run corpus-report: lints ../shared/corpus/nginx (and then ../shared/corpus/apache, in a second section)
// through the same CLI code path users run, then
// writes reports/corpus-report.md: per rule, how many findings, in how many files, what share of the
// files that use the rule's directives it fires on (the noise measure), and a few samples.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { runCli } from '../server/src/cli/run';
import { createCliIo } from '../server/src/node/cli-io';
import { parseSourceFile } from '../server/src/core/model/nginx-tree';
import { allRules } from '../server/src/core/rules/index';
import type { Directive } from '../server/src/core/syntax/nginx/ast';
import { parseApache } from '../server/src/core/syntax/apache/parser';
import type { ApacheDirective } from '../server/src/core/syntax/apache/ast';

const ROOT = join(__dirname, '..');
const CORPUS = join(ROOT, '..', 'shared', 'corpus');
const target = process.argv[2] ?? join(CORPUS, 'nginx');

interface JsonFinding { ruleId: string; severity: string; message: string; line: number }
interface JsonOut { files: { path: string; findings: JsonFinding[] }[]; skipped: { path: string }[] }

async function main() {
  if (!existsSync(target)) {
    console.error(`corpus-report: ${target} does not exist (the corpus is expected in ../shared/corpus next to the repository)`);
    process.exit(2);
  }
  let out = '';
  const io = createCliIo('report');
  io.stdout = (s) => {
    out += s;
  };
  io.stderr = () => undefined;
  const t0 = Date.now();
  const code = await runCli(['--format', 'json', '--fail-on', 'error', target], io);
  const ms = Date.now() - t0;
  const json = JSON.parse(out) as JsonOut;

  // Which files use which directives (each file on its own, as written).
  const uses = new Map<string, Set<string>>();
  const walk = (ds: Directive[], names: Set<string>) => {
    for (const d of ds) {
      names.add(d.name);
      if (d.block) walk(d.block.children, names);
    }
  };
  const linted = new Set<string>(json.files.map((f) => f.path));
  const allFiles: string[] = [];
  const listing = io.walk(target).files;
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
    walk(parseSourceFile(p, text).ast.directives, names);
    uses.set(p, names);
  }

  const lines: string[] = [];
  lines.push('# Corpus report', '');
  lines.push(`Target: \`${relative(ROOT, target)}\` · files with findings: ${json.files.filter((f) => f.findings.length).length} · files considered: ${allFiles.length} · time: ${(ms / 1000).toFixed(1)} s · CLI exit code: ${code}`, '');
  lines.push('Share = files where the rule fired ÷ files that contain at least one directive the rule checks.', '');
  lines.push('| Rule | Severity | Findings | Files | Files using its directives | Share |', '|---|---|---:|---:|---:|---:|');
  const samples: string[] = [];
  const rows = allRules.filter((r) => r.server !== 'apache').map((r) => {
    const hits = json.files.flatMap((f) => f.findings.filter((x) => x.ruleId === r.id).map((x) => ({ path: f.path, ...x })));
    const files = new Set(hits.map((h) => h.path));
    const base = r.directives ? [...uses.entries()].filter(([, names]) => r.directives!.some((d) => names.has(d))).length : undefined;
    const share = base ? files.size / base : undefined;
    return { r, hits, files, base, share };
  });
  rows.sort((a, b) => b.hits.length - a.hits.length);
  for (const { r, hits, files, base, share } of rows) {
    lines.push(`| \`${r.id}\` | ${r.severity} | ${hits.length} | ${files.size} | ${base ?? '–'} | ${share === undefined ? '–' : (share * 100).toFixed(1) + '%'} |`);
    if (hits.length) {
      samples.push(`### ${r.id}`, '');
      for (const h of hits.slice(0, 3)) samples.push(`- \`${relative(CORPUS, h.path)}:${h.line}\` — ${h.message}`);
      samples.push('');
    }
  }
  lines.push('', '## Samples', '', ...samples);
  const apache = process.argv[2] ? undefined : await apacheSection(join(CORPUS, 'apache'));
  if (apache) lines.push('', ...apache.lines);
  mkdirSync(join(ROOT, 'reports'), { recursive: true });
  const file = join(ROOT, 'reports', 'corpus-report.md');
  writeFileSync(file, lines.join('\n') + '\n');
  console.log(lines.slice(0, 8 + rows.length).join('\n'));
  if (apache) console.log('\n' + apache.table.join('\n'));
  console.log(`\nwritten: ${relative(process.cwd(), file)}`);
}

void main();

/** The Apache half: the same measures over ../shared/corpus/apache, Apache rules only. */
async function apacheSection(target: string): Promise<{ lines: string[]; table: string[] }> {
  let out = '';
  const io = createCliIo('report');
  io.stdout = (s) => {
    out += s;
  };
  io.stderr = () => undefined;
  // Every file under the folder, named explicitly (a folder walk skips names such as *.conf.in and *.load).
  const files = io.walk(target).files;
  const t0 = Date.now();
  const code = await runCli(['--format', 'json', '--fail-on', 'error', ...files], io);
  const ms = Date.now() - t0;
  const json = JSON.parse(out) as JsonOut;
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
  const syntaxOnAccepted = acceptedApacheFiles().filter((p) => json.files.some((f) => f.path === p && f.findings.some((x) => x.ruleId === 'syntax-error'))).length;
  const table: string[] = [];
  table.push('## Apache httpd', '');
  table.push(`Target: \`${relative(ROOT, target)}\` · files: ${files.length} · files with findings: ${json.files.filter((f) => f.findings.length).length} · time: ${(ms / 1000).toFixed(1)} s · CLI exit code: ${code} · syntax errors on the ${acceptedApacheFiles().length} files apache2 -t accepts: ${syntaxOnAccepted}`, '');
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
      for (const h of hits.slice(0, 3)) samples.push(`- \`${relative(CORPUS, h.path)}:${h.line}\` — ${h.message}`);
      samples.push('');
    }
  }
  return { lines: [...table, '', '## Apache samples', '', ...samples], table };
}

/** Apache files apache2 -t 2.4.71 accepted (standalone_parses yes or fragment in MANIFEST.tsv). */
function acceptedApacheFiles(): string[] {
  const [header, ...rows] = readFileSync(join(CORPUS, 'MANIFEST.tsv'), 'utf8').split('\n');
  const cols = header.split('\t');
  const [server, path, sp, templated] = ['server', 'local_path', 'standalone_parses', 'templated'].map((c) => cols.indexOf(c));
  return rows
    .map((l) => l.split('\t'))
    .filter((c) => c[server] === 'apache' && c[templated] === 'no' && (c[sp] === 'yes' || c[sp] === 'fragment'))
    .map((c) => join(CORPUS, c[path]));
}
