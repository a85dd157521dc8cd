import type { Finding, Fix } from './finding';
import { validateFindings } from './validate';
import { markInText, type Host } from './host';
import { applySuppressions, demoteSharedFileFixes } from './lint';
import { runRules } from './run-rules';
import { notAllowedInHtaccess, withoutNodes } from './model/apache-htaccess';
import { buildModuleView, type ModuleView } from './model/apache-modules';
import { buildProxyModel, type ProxyModel } from './model/apache-proxy';
import { loadApacheConfig, type ApacheConfig, type ApacheNode, type ApacheSourceFile } from './model/apache-tree';
import type { ApacheReport, ApacheRule, ApacheRuleContext } from './rules/apache-rule';
import { apacheRules } from './rules/families/apache';
import { linesHttpdRejects, type RejectedGroup } from './rules/apache/apache-module-not-loaded';
import type { Settings } from './settings';
import { timed, type Timings } from './timings';
import { lastStartingBy, pushTo } from './collections';

export interface ApacheLintOptions {
  settings: Settings;
  rules?: ApacheRule[];
  parse?: (path: string, text: string) => ApacheSourceFile;
  /** Lint as an .htaccess file (default: by the file name). */
  htaccess?: boolean;
  /** Receives per-phase and per-rule times (--timing). */
  timings?: Timings;
}

export interface ApacheLintResult {
  config: ApacheConfig;
  modules: ModuleView;
  proxy: ProxyModel;
  findings: Finding[];
}

/** Lints an httpd configuration (a full httpd.conf/apache2.conf with its Includes, a fragment, or an .htaccess). */
export function lintApache(path: string, text: string, host: Host, options: ApacheLintOptions): ApacheLintResult {
  const { settings } = options;
  const timings = options.timings;
  const config = timed(timings, 'load includes', () => loadApacheConfig(path, text, host, {
    serverRoot: settings.apache.serverRoot,
    pathMap: settings.apache.pathMap,
    parse: options.parse,
    htaccess: options.htaccess,
    maxIncludeDepth: settings.limits?.maxIncludeDepth,
    maxDirectives: settings.limits?.maxDirectives,
    version: settings.apache.version,
    defines: settings.apache.defines,
  }));
  // What is inside a conditional section httpd skips (<IfVersion>, <IfModule>, <IfDefine>) is never read: no rule analyses it.
  const read = withoutNodes(config, config.unread);
  // Lines httpd rejects in an .htaccess file never take effect: htaccess-directive-not-allowed reports them, and
  // every rule (that one included) analyses the file without them.
  const notAllowed = notAllowedInHtaccess(read);
  const view = withoutNodes(read, notAllowed);
  const { modules, proxy } = timed(timings, 'model (modules, proxies)', () => ({ modules: buildModuleView(view), proxy: buildProxyModel(view) }));
  const byName = new Map<string, ApacheNode[]>();
  for (const n of view.all) {
    const list = byName.get(n.lname);
    if (list) list.push(n);
    else byName.set(n.lname, [n]);
  }
  const lineOf = (n: ApacheNode) => n.file.lines.positionAt(n.directive.start).line + 1;
  const { findings, ran } = timed(timings, 'rules', () => runRules(
    options.rules ?? apacheRules,
    settings,
    config.entry.path,
    (rule, place): ApacheRuleContext => ({
      config: view,
      notAllowed,
      version: settings.apache.version,
      settings,
      modules,
      proxy,
      options: settings.rules.get(rule.id)?.options ?? {},
      nodes: (name) => byName.get(name) ?? [],
      lineOf,
      // The file reader keeps the mark out of the text; a text handed over with it (stdin, another editor) keeps it.
      byteOrderMark: (file) => markInText(file.text) ?? host.byteOrderMark?.(file.path),
      report: (r: ApacheReport) => {
        const file = r.node?.file ?? r.at?.file ?? view.entry;
        // A section is reported on its opening line, not on everything up to its closing tag.
        const span = r.node ? (r.node.directive.section ? { start: r.node.directive.start, end: r.node.directive.nameSpan.end } : r.node.directive) : r.at;
        place(r, file.path, span ? span.start : 0, span ? span.end : 0);
      },
    }),
    (rule, ctx) => rule.check(ctx),
    timings,
  ));
  // After the suppressions: a suppression comment for a dropped finding is still used, and where
  // apache-module-not-loaded is itself suppressed (a module built into this server), the other findings stand.
  const checked = timed(timings, 'check findings and suppressions', () => applySuppressions(macroFindings(demoteSharedFileFixes(validateFindings(findings, config.files), config.all), config.all), config.files, settings, ran, 'apache'));
  const rejected = ran.has('apache-module-not-loaded') ? linesHttpdRejects(view, modules, settings.apache.version) : [];
  return { config, modules, proxy, findings: withoutClaimsOnUnknownCommands(checked, rejected, options.rules ?? apacheRules) };
}

/**
 * httpd looks a directive's name up before it reads its words or checks where it stands: a line whose module is not
 * loaded stops it with "Invalid command" (apache-module-not-loaded), never with what another rule says it would print
 * about the same line ("ProxyPass unknown Worker parameter", "BalancerMember must define remote proxy server").
 * Those findings are dropped there; each comes back once the module is loaded, as httpd's own message would.
 */
function withoutClaimsOnUnknownCommands(findings: Finding[], groups: readonly RejectedGroup[], rules: readonly ApacheRule[]): Finding[] {
  // The groups whose finding stands (at its first line; a suppressed one leaves the other findings in place), and
  // all their lines: the finding lists the rest as related, but a long list is cut for display.
  const reported = new Set(findings.filter((f) => f.ruleId === 'apache-module-not-loaded').map((f) => `${f.path}\0${f.start}`));
  if (reported.size === 0) return findings;
  const startup = new Set(rules.filter((r) => r.outcome === 'startup-failure').map((r) => r.id));
  // The line's name and words: where a finding about that line lies; for a section, all of it up to its closing
  // line, since httpd stops at the opening line and never reads the lines inside (none of them is in a group). Per
  // file, in document order (they do not overlap): each finding is looked up by halves, not against every line.
  const spans = new Map<string, { start: number; end: number }[]>();
  for (const g of groups) {
    if (!reported.has(`${g.lines[0].file.path}\0${g.lines[0].directive.start}`)) continue;
    for (const n of g.lines) {
      const section = n.directive.section;
      pushTo(spans, n.file.path, { start: n.directive.start, end: section ? section.end : Math.max(n.directive.nameSpan.end, ...n.directive.args.map((a) => a.end)) });
    }
  }
  for (const list of spans.values()) list.sort((a, b) => a.start - b.start);
  const onUnknownLine = (f: Finding): boolean => {
    const list = spans.get(f.path);
    const s = list && lastStartingBy(list, f.start);
    return !!s && f.end <= s.end;
  };
  return findings.filter((f) => f.ruleId === 'apache-module-not-loaded' || !startup.has(f.ruleId) || !onUnknownLine(f));
}

/**
 * Findings on the lines of a `<Macro>` body, which each `Use` expands with its own values (see ApacheNode.macro): the
 * same finding from several Uses is kept once, and a fix that edits the body is only offered, never applied by --fix:
 * it changes the lines for every Use, and a fix written from one Use's values would put them into all of them.
 */
function macroFindings(findings: Finding[], nodes: readonly ApacheNode[]): Finding[] {
  const bodies = new Map<string, { start: number; end: number; name: string }[]>();
  for (const n of nodes) {
    const close = n.lname === 'macro' ? n.directive.section?.close : undefined;
    if (!close) continue;
    const start = n.file.text.indexOf('\n', n.directive.start);
    if (start < 0 || start >= close.start) continue;
    const list = bodies.get(n.file.path);
    const body = { start, end: close.start, name: n.args[0] ?? '' };
    if (list) list.push(body);
    else bodies.set(n.file.path, [body]);
  }
  if (bodies.size === 0) return findings;
  const inBody = (path: string, start: number, end: number) => bodies.get(path)?.find((b) => b.start <= start && end <= b.end);
  const seen = new Set<string>();
  const out: Finding[] = [];
  for (const f of findings) {
    if (inBody(f.path, f.start, f.end)) {
      const key = `${f.ruleId}\0${f.path}\0${f.start}\0${f.end}\0${f.message}`;
      if (seen.has(key)) continue;
      seen.add(key);
    }
    const bodyOf = (fix: Fix) => fix.edits.map((e) => inBody(e.path, e.start, e.end)).find((b) => b);
    const said = (fix: Fix) => {
      const body = bodyOf(fix);
      return body ? { ...fix, title: `${fix.title} (edits the body of macro ${body.name}, which every Use of it expands)` } : fix;
    };
    const suggestions = f.suggestions.map(said);
    out.push(f.fix && bodyOf(f.fix) ? { ...f, fix: undefined, suggestions: [said(f.fix), ...suggestions] } : { ...f, suggestions });
  }
  return out;
}
