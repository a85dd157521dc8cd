import type { Finding } from '../finding';
import type { ApacheSourceFile } from '../model/apache-tree';
import type { CheckedApache } from './explain';
import type { LogFields } from './log-patterns';
import { HTTPD_STARTUP_HEAD } from './log-wrappers';

/** A line after httpd's start-up head that is a record of its own, not the head's reason. */
const RECORD_START = /^\s*(?:\[|\{|\d{4}\/\d\d\/\d\d |AH\d{5}: |[\w.-]+: Syntax error on line )/;

/**
 * httpd prints a refused configuration in two lines (2.4.71, `apache2 -t` and a failed start or reload alike):
 * "AH00526: Syntax error on line 14 of /etc/apache2/sites-enabled/app.conf:" and the reason on the next line. They are
 * read as one line, at the first; the second counts as blank, so each line given is still accounted for once.
 */
export function joinHttpdStartupLines<T extends { text: string }>(lines: T[]): T[] {
  for (let i = 0; i + 1 < lines.length; i++) {
    const next = lines[i + 1].text;
    if (!HTTPD_STARTUP_HEAD.test(lines[i].text) || next.trim() === '' || RECORD_START.test(next)) continue;
    lines[i] = { ...lines[i], text: `${lines[i].text.trimEnd()} ${next.trim()}` };
    lines[i + 1] = { ...lines[i + 1], text: '' };
    i++;
  }
  return lines;
}

/** At most this many findings are listed when the line's file is not among those read. */
const MAX_ELSEWHERE = 10;

export interface ConfigLinePlace {
  /** The findings at the file and line the line names (anywhere in the file when it names no line), or, when no file read is that file, the findings of the rules anywhere. */
  findings: { finding: Finding; at: { path: string; line: number } }[];
  /** The files read that the line's file is; empty when none is. */
  files: string[];
}

/**
 * Where an httpd line about a configuration file is in the configurations given, and what proxylint reports there, for
 * `rules` (every rule when the line's reason is not known). The server's path (/etc/apache2/sites-enabled/app.conf)
 * is often not where the checked-out copy is: a file read is taken when its path is the same, else the files whose
 * last path segments match the most of it, at least its name.
 */
export function apacheConfigPlace(configs: readonly CheckedApache[], fields: LogFields, rules: readonly string[]): ConfigLinePlace {
  const wanted = (f: Finding) => (rules.length === 0 || rules.includes(f.ruleId)) && f.severity !== 'info';
  const path = fields.configFile;
  const files = path ? filesNamed(configs, path) : [];
  const out: ConfigLinePlace['findings'] = [];
  const at = (file: ApacheSourceFile, f: Finding) => ({ path: file.path, line: file.lines.positionAt(f.start).line + 1 });
  if (files.length) {
    for (const { checked, file } of files) {
      for (const f of checked.findings) {
        if (f.path !== file.path || !wanted(f)) continue;
        if (fields.configLine === undefined || onLine(checked, file, f, fields.configLine)) out.push({ finding: f, at: at(file, f) });
      }
    }
    return { findings: out, files: [...new Set(files.map((x) => x.file.path))] };
  }
  // The line names no file that was read: the findings of its rules anywhere, as for nginx's start-up lines.
  if (rules.length === 0) return { findings: [], files: [] };
  for (const checked of configs) {
    for (const f of checked.findings) {
      const file = checked.config?.files.find((x) => x.path === f.path);
      if (file && wanted(f) && f.severity === 'error') out.push({ finding: f, at: at(file, f) });
      if (out.length >= MAX_ELSEWHERE) return { findings: out, files: [] };
    }
  }
  return { findings: out, files: [] };
}

function filesNamed(configs: readonly CheckedApache[], path: string): { checked: CheckedApache; file: ApacheSourceFile }[] {
  const segments = (p: string) => p.split('/').filter(Boolean);
  const named = segments(path);
  let best = 0;
  let found: { checked: CheckedApache; file: ApacheSourceFile }[] = [];
  for (const checked of configs) {
    for (const file of checked.config?.files ?? []) {
      const own = segments(file.path);
      let same = 0;
      while (same < own.length && same < named.length && own[own.length - 1 - same] === named[named.length - 1 - same]) same++;
      // The whole path counts for more than any tail of it.
      const score = file.path === path ? Infinity : same;
      if (score === 0 || score < best) continue;
      if (score > best) found = [];
      best = score;
      found.push({ checked, file });
    }
  }
  return found;
}

/**
 * Whether the finding is on the line httpd names: httpd counts a directive continued with a backslash at its last
 * line (2.4.71 reported a ProxyPass over lines 2-4 at line 4), so any line of the directive the finding is in counts.
 * In a section's opening line, only the finding's own lines do (the section's span holds its whole body).
 */
function onLine(checked: CheckedApache, file: ApacheSourceFile, f: Finding, line: number): boolean {
  const lineOf = (offset: number) => file.lines.positionAt(offset).line + 1;
  let from = lineOf(f.start);
  let to = lineOf(Math.max(f.start, f.end - 1));
  const node = checked.config?.all
    .filter((n) => n.file === file && !n.directive.section && n.directive.start <= f.start && f.end <= n.directive.end)
    .reduce<{ start: number; end: number } | undefined>((best, n) => (!best || n.directive.end - n.directive.start < best.end - best.start ? n.directive : best), undefined);
  if (node) {
    from = Math.min(from, lineOf(node.start));
    to = Math.max(to, lineOf(Math.max(node.start, node.end - 1)));
  }
  return from <= line && line <= to;
}
