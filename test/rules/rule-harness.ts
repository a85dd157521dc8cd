import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Finding } from '../../server/src/core/finding';
import { applyEdits } from '../../server/src/core/fix';
import { lintNginx } from '../../server/src/core/lint';
import { lintApache } from '../../server/src/core/lint-apache';
import { defaultSettings, type Settings } from '../../server/src/core/settings';
import { parseVersion } from '../../server/src/core/model/version';
import { allRules } from '../../server/src/core/rules/index';
import type { RuleMeta } from '../../server/src/core/rules/rule';
import { createNodeHost } from '../../server/src/node/node-host';
import { ROOT, memHost } from '../helpers';

export const RULES_SRC = join(ROOT, 'server', 'src', 'core', 'rules');
export const FIXTURES = join(ROOT, 'test', 'rules');

export const folderOf = (r: Pick<RuleMeta, 'server'>) => (r.server === 'any' ? 'common' : r.server);
export const docPath = (r: RuleMeta) => join(RULES_SRC, folderOf(r), `${r.id}.md`);
export const fixtureDir = (r: RuleMeta) => join(FIXTURES, folderOf(r), r.id);

/** Optional per-fixture settings: `# proxylint-test: nginx.version=1.22.1 edition=oss` on the first line. */
export function fixtureSettings(text: string): Settings {
  const s = defaultSettings();
  const m = /^#\s*proxylint-test:(.*)$/m.exec(text);
  if (m) {
    for (const kv of m[1].trim().split(/\s+/)) {
      const [k, v] = kv.split('=');
      if (k === 'nginx.version') s.nginx.version = parseVersion(v);
      else if (k === 'apache.version') s.apache.version = parseVersion(v);
      else if (k === 'nginx.edition') s.nginx.edition = v as Settings['nginx']['edition'];
      else if (k === 'outerIdleTimeout') s.environment.outerIdleTimeoutMs = Number(v) * 1000;
      else if (k === 'backendKeepaliveTimeout') s.environment.backendKeepaliveTimeoutMs = Number(v) * 1000;
      else if (k === 'pageSize') s.nginx.pageSize = Number(v);
      else if (k.startsWith('option.')) {
        // option.<rule-id>.<name>=<value> sets a rule option for the fixture.
        const [, rule, name] = k.split('.');
        const cfg = s.rules.get(rule) ?? { options: {} };
        cfg.options[name] = /^\d+$/.test(v) ? Number(v) : v;
        s.rules.set(rule, cfg);
      }
    }
  }
  return s;
}

/** Lints a fixture file from disk (its includes resolve inside the fixture folder). */
export function lintFixture(path: string): { findings: Finding[]; text: string; files: { path: string; text: string }[] } {
  const text = readFileSync(path, 'utf8');
  if (isApacheFixture(path)) {
    const a = lintApache(path, text, createNodeHost(), { settings: fixtureSettings(text), htaccess: htaccessFixture(text) || undefined });
    return { findings: a.findings, text, files: a.config.files.map((f) => ({ path: f.path, text: f.text })) };
  }
  const r = lintNginx(path, text, createNodeHost(), { settings: fixtureSettings(text) });
  return { findings: r.findings, text, files: r.config.files.map((f) => ({ path: f.path, text: f.text })) };
}

/** `# expect: rule-a, rule-b` at the end of a line: those rules must report on that line, and nothing else may. */
export function expectations(text: string): { line: number; ruleId: string }[] {
  const out: { line: number; ruleId: string }[] = [];
  text.split(/\r?\n/).forEach((l, i) => {
    const m = /#\s*expect:\s*([\w\-, ]+)\s*$/.exec(l);
    if (m) for (const id of m[1].split(/[\s,]+/).filter(Boolean)) out.push({ line: i + 1, ruleId: id });
    // httpd has no end-of-line comments: `# expect-next-line: <ids>` on its own line marks the line below.
    const next = /^\s*#\s*expect-next-line:\s*([\w\-, ]+)\s*$/.exec(l);
    if (next) for (const id of next[1].split(/[\s,]+/).filter(Boolean)) out.push({ line: i + 2, ruleId: id });
  });
  return out;
}

export function lineOf(text: string, offset: number): number {
  return text.slice(0, offset).split('\n').length;
}

/** Applies the rule's safe fixes repeatedly (as --fix does) to one file. */
export function applyRuleFixes(path: string, ruleId: string): string {
  let text = readFileSync(path, 'utf8');
  for (let pass = 0; pass < 10; pass++) {
    const r = isApacheFixture(path)
      ? lintApache(path, text, overlayHost(path, text), { settings: fixtureSettings(text) })
      : lintNginx(path, text, overlayHost(path, text), { settings: fixtureSettings(text) });
    const edits = r.findings.filter((f) => f.ruleId === ruleId && f.fix).flatMap((f) => f.fix!.edits.filter((e) => e.path === path));
    if (edits.length === 0) break;
    text = applyEdits(text, edits).text;
  }
  return text;
}

function overlayHost(path: string, text: string) {
  return createNodeHost({}, (p) => (p === path ? text : undefined));
}

/** A doc page split into its sections (## headings) and the nginx code blocks of each. */
export function readDoc(r: RuleMeta): { text: string; sections: Map<string, string> } {
  const text = readFileSync(docPath(r), 'utf8');
  const sections = new Map<string, string>();
  const parts = text.split(/^## /m);
  for (const p of parts.slice(1)) {
    const nl = p.indexOf('\n');
    sections.set(p.slice(0, nl).trim(), p.slice(nl + 1));
  }
  return { text, sections };
}

export function nginxBlocks(section: string): string[] {
  return [...section.matchAll(/```nginx\n([\s\S]*?)```/g)].map((m) => m[1]);
}

/**
 * A doc example may span files: `# file: name` lines start each file. Returns the files under /doc/ and the
 * entry (the first file; `defaultName` when the example starts without a `# file:` line).
 */
function splitExample(example: string, defaultName: string): { files: Record<string, string>; entry: string } {
  const files: Record<string, string> = {};
  let current = defaultName;
  const chunks: Record<string, string[]> = { [current]: [] };
  for (const line of example.split('\n')) {
    const m = /^# file: (\S+)\s*$/.exec(line);
    if (m) {
      current = m[1];
      chunks[current] = [];
    } else chunks[current].push(line);
  }
  for (const [name, lines] of Object.entries(chunks)) if (lines.join('').trim() || name !== defaultName) files['/doc/' + name] = lines.join('\n');
  return { files, entry: Object.keys(files)[0] };
}

/** Lints an nginx doc example (see splitExample); the first file is the entry. */
export function lintExample(example: string, settingsLine = ''): Finding[] {
  const { files, entry } = splitExample(example, 'nginx.conf');
  return lintNginx(entry, files[entry], memHost(files), { settings: fixtureSettings(settingsLine + '\n' + files[entry]) }).findings;
}

export const nginxRuleMetas = () => allRules.filter((r) => r.server !== 'apache');
export const listFixtureFiles = (r: RuleMeta) => (existsSync(fixtureDir(r)) ? readdirSync(fixtureDir(r)) : []);

/** Apache fixtures live under test/rules/apache/ (and .htaccess files anywhere). */
export function isApacheFixture(path: string): boolean {
  return /[\\/]rules[\\/]apache[\\/]/.test(path) || /(^|[\\/])\.htaccess$|htaccess\.conf$/.test(path);
}

export function apacheBlocks(section: string): string[] {
  return [...section.matchAll(/```apache\n([\s\S]*?)```/g)].map((m) => m[1]);
}

/** An Apache doc example, linted like an nginx one (the entry is httpd.conf unless a `# file:` line names another). */
export function lintApacheExample(example: string, settingsLine = ''): Finding[] {
  const { files, entry } = splitExample(example, 'httpd.conf');
  return lintApache(entry, files[entry], memHost(files), { settings: fixtureSettings(settingsLine + '\n' + files[entry]), htaccess: htaccessFixture(files[entry]) || /\.htaccess$/.test(entry) || undefined }).findings;
}

/** `# proxylint-test: htaccess` lints an Apache fixture or doc example as an .htaccess file. */
export function htaccessFixture(text: string): boolean {
  return /^#\s*proxylint-test:.*\bhtaccess\b/m.test(text);
}
