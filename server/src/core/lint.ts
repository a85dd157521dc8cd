import { lastStartingBy, pushTo } from './collections';
import { MAX_RELATED, type Finding, type RelatedLocation, type Severity } from './finding';
import { markInText, type Host } from './host';
import { effective, noValueIn, type Effective } from './model/nginx-effective';
import { loadNginxConfig, type ConfigNode, type NginxConfig, type SourceFile } from './model/nginx-tree';
import { buildUpstreamGraph, type UpstreamGraph } from './model/nginx-upstreams';
import { isDuplicateAtLevel, isSingleValueSomewhere } from './model/nginx-single-value';
import { allRuleIds, nginxRules, ruleMeta } from './rules/index';
import type { NginxRule, NginxRuleContext, Report } from './rules/rule';
import type { Settings } from './settings';
import { findSuppressions, statementLine, type Suppression, type SuppressibleFile } from './suppress';
import { runRules, type RuleRuns } from './run-rules';
import { demoteMisplacedFixes } from './misplaced';
import { validateFindings } from './validate';
import { basename, dirname, join, relative } from './paths';
import { internalError } from './rules/common/internal-error';
import { timed, type Timings } from './timings';
import { ANY, keptIn, rawText, recordReads, type Made } from './reads';
import { movedFindings, valueEdit, type ValueEdit } from './model/value-edit';
import { VERSION_GATED_RULES, versionDependentUses, type VersionDependentUse } from './rules/nginx/version-support';

export type { VersionDependentUse } from './rules/nginx/version-support';

export interface LintOptions {
  settings: Settings;
  rules?: NginxRule[];
  /** Context of the file's top level when it is a fragment (else declared by comment or inferred). */
  rootContext?: string;
  parse?: (path: string, text: string) => SourceFile;
  /**
   * For a fragment checked on its own, outside any configuration known to include it: the prefix its relative includes
   * resolve against (see fragmentPrefix), the folder of a main configuration beside or above it that does not include
   * it (or was not asked, with --context), or null when none was found. `nginx.prefix` in the settings wins.
   */
  fragmentPrefix?: string | null;
  /** Receives per-phase and per-rule times (--timing). */
  timings?: Timings;
  /**
   * Keep what each rule found and read (core/reads.ts) in the result, so that the check after an edit can take it as
   * `previous`. The language server does; the CLI checks each configuration once.
   */
  trackReads?: boolean;
  /**
   * The result of this configuration's check before an edit, made with trackReads. When the edit changed one argument
   * of one statement and nothing else (model/value-edit.ts), the rules that never read the arguments of statements of
   * that name are not run again: what they found is taken, moved by the edit. Everything after the rules (suppressions,
   * fix checks) is done again as always.
   */
  previous?: LintResult;
}

export interface LintResult {
  config: NginxConfig;
  upstreams: UpstreamGraph;
  findings: Finding[];
  /** With trackReads: what each rule found and read, for the next check (LintOptions.previous). */
  runs?: TrackedRuns;
  /**
   * With nginx.version unknown (and not NGINX Plus): the lines the version-gated start-failure checks skipped, so
   * that the CLI can say a version would have checked them. Undefined when the version is known, and in checks made
   * with trackReads (the editor shows no such note).
   */
  versionUnknown?: VersionDependentUse[];
}

/** What a check made with trackReads keeps for the next one. */
export interface TrackedRuns {
  settings: Settings;
  rules: readonly NginxRule[];
  /**
   * Names whose arguments loading the configuration and building its model read (include, upstream, proxy_pass, …):
   * an edit of one of those changes what every rule is given, so every rule runs again.
   */
  structural: ReadonlySet<string>;
  byRule: Map<string, { findings: Finding[]; reads: ReadonlySet<string> | undefined }>;
  /** How many rules' findings this check took from the previous one instead of running them. */
  reused: number;
  /** The edit those findings were moved by. */
  edit?: ValueEdit;
}

export const INTERNAL_ERROR = internalError.id;

/** Rules whose findings are about the text of a statement without its ";" (kept on it; see the report hook). */
const ABOUT_THE_SYNTAX: ReadonlySet<string> = new Set(['syntax-error', 'probable-missing-semicolon', 'analysis-limit']);

export function lintNginx(path: string, text: string, host: Host, options: LintOptions): LintResult {
  const { settings } = options;
  const timings = options.timings;
  const track = !!options.trackReads;
  const loaded = timed(timings, 'load includes', () => recordReads(() => loadNginxConfig(path, text, host, {
    prefix: settings.nginx.prefix ?? options.fragmentPrefix ?? undefined,
    prefixGuessed: settings.nginx.prefix === undefined && options.fragmentPrefix === null,
    // A fragment is checked on its own only when no configuration in sight includes it (or, with --context, none was
    // asked): the nginx.conf whose folder stands in for the prefix is not known to read it. Not so for that nginx.conf
    // itself, given with --context.
    prefixBorrowed: settings.nginx.prefix === undefined && typeof options.fragmentPrefix === 'string' && path !== join(options.fragmentPrefix, 'nginx.conf'),
    pathMap: settings.nginx.pathMap,
    rootContext: options.rootContext,
    parse: options.parse,
    maxIncludeDepth: settings.limits?.maxIncludeDepth,
    maxDirectives: settings.limits?.maxDirectives,
  }), track));
  const config = loaded.value;
  const model = timed(timings, 'model (upstreams)', () => recordReads(() => buildUpstreamGraph(config), track));
  const upstreams = model.value;
  const rules = options.rules ?? nginxRules;
  const runs = track ? trackedRuns(options.previous, config, settings, rules, new Set([...(loaded.reads ?? []), ...(model.reads ?? [])])) : undefined;
  const byName = new Map<string, ConfigNode[]>();
  for (let k = 0; k < config.all.length; k++) {
    const n = config.all[k];
    const list = byName.get(n.name);
    if (list) list.push(n);
    else byName.set(n.name, [n]);
  }
  // Whether some block holds a name the way nginx refuses as duplicate (isDuplicateAtLevel on the name's directives
  // at that level, as effective() finds them), asked per name on first use. Only there can effective() say
  // `duplicate`, so for a rule none of whose directives is such a name no finding can judge a value that is not there
  // (noValueToJudge), and the lookups up the levels for each of its directives at every finding (tens of thousands on
  // a large tree) are not needed.
  // Kept with what working each out read (core/reads.ts): the rule that asks second depends on it too.
  const duplicateNames = new Map<string, Made<boolean>>();
  const duplicateSomewhere = (name: string): boolean =>
    keptIn(duplicateNames, name, () => {
      let found = false;
      const list = byName.get(name);
      // Most names asked (proxy_set_header, server, location) are never single-value: no need to group their
      // thousands of lines by level to learn that.
      if (list && list.length > 1 && isSingleValueSomewhere(name)) {
        // A second line of the name under one parent is the only way to a duplicate; then that level's lines of the
        // name, in order, are its children of that name. A Set of the parents seen, not a Map of lists: nearly every
        // level has one line of a name (one proxy_pass per location), and thousands of lists cost more than the check.
        const seen = new Set<ConfigNode | null>();
        const checked = new Set<ConfigNode | null>();
        for (let k = 0; k < list.length && !found; k++) {
          const parent = list[k].parent;
          if (!seen.has(parent)) {
            seen.add(parent);
            continue;
          }
          if (checked.has(parent)) continue;
          checked.add(parent);
          found = isDuplicateAtLevel(name, (parent ? parent.children : config.roots).filter((n) => n.name === name));
        }
      }
      return found;
    });
  /** Findings made milder for want of nginx.version (Report.milderForUnknownVersion), for the CLI's note. */
  const milder: VersionDependentUse[] = [];
  // The statements without their ";" by file, in order, made on the first finding placed by span (most files have
  // none). Searched by halves: a broken generated file can have tens of thousands of them, each with a finding.
  let unterminated: Map<string, { start: number; end: number }[]> | undefined;
  const insideUnterminated = (path: string, at: number): boolean => {
    if (!unterminated) {
      unterminated = new Map();
      for (const n of config.all) if (!n.directive.terminated) pushTo(unterminated, n.file.path, { start: n.directive.start, end: n.directive.end });
      for (const list of unterminated.values()) list.sort((a, b) => a.start - b.start);
    }
    const list = unterminated.get(path);
    // The last statement starting at or before `at` is the only one that can hold it: statements do not overlap.
    const s = list && lastStartingBy(list, at);
    return !!s && at <= s.end;
  };
  const { findings, ran } = timed(timings, 'rules', () => runRules(
    rules,
    settings,
    config.entry.path,
    (rule, place): NginxRuleContext => {
      let mayJudgeDuplicate: boolean | undefined;
      return {
        config,
        target: settings.nginx,
        settings,
        upstreams,
        options: settings.rules.get(rule.id)?.options ?? {},
        nodes: (name) => byName.get(name) ?? [],
        effective: (scope, name) => effective(config, scope, name, settings.nginx),
        // The file reader keeps the mark out of the text; a text handed over with it (stdin, another editor) keeps it.
        // The text's first character, which an edit of an argument never touches.
        byteOrderMark: (file) => markInText(rawText(file)) ?? host.byteOrderMark?.(file.path),
        report: (r: Report) => {
          if (r.node) {
            // A statement without its ";" is syntax-error's alone: nginx stops at it before reading its value, and in an
            // editor it is usually a line still being typed, whose value ("6" on the way to "60s") is not the final one.
            if (!r.node.directive.terminated) return;
            mayJudgeDuplicate ??= !!rule.directives?.some(duplicateSomewhere);
            if (mayJudgeDuplicate && noValueToJudge(rule, r.node, (scope, name) => effective(config, scope, name, settings.nginx))) return;
          } else if (r.at && !ABOUT_THE_SYNTAX.has(rule.id) && insideUnterminated(r.at.file.path, r.at.start)) {
            // The same for a finding placed on an argument of such a statement ("http://ap" on the way to "http://app"),
            // but not for the rules that report the missing ";" itself, there.
            return;
          }
          const file = r.node?.file ?? r.at?.file ?? config.entry;
          const span = r.node ? r.node.directive : r.at;
          if (r.milderForUnknownVersion && !track && settings.nginx.version === null) milder.push({ path: file.path, start: span ? span.start : 0, what: rule.id, needs: r.milderForUnknownVersion, milder: true });
          place(r, file.path, span ? span.start : 0, span ? span.end : 0);
        },
      };
    },
    (rule, ctx) => rule.check(ctx),
    timings,
    runs?.ruleRuns,
  ));
  const checked = timed(timings, 'check findings and suppressions', () => applySuppressions(demoteMisplacedFixes(demoteSharedFileFixes(validateFindings(findings, config.files), config.all), config), config.files, settings, ran, 'nginx'));
  const skipped =
    !track && settings.nginx.version === null && settings.nginx.edition !== 'plus' && VERSION_GATED_RULES.some((id) => ran.has(id)) ? versionDependentUses(config.all, ran) : undefined;
  // Findings a suppression comment silenced are not in `checked`: no note for them.
  const kept = milder.length ? new Set(checked.map((f) => `${f.ruleId}\0${f.path}\0${f.start}`)) : undefined;
  const shown = milder.filter((m) => kept!.has(`${m.what}\0${m.path}\0${m.start}`));
  const versionUnknown = skipped || shown.length ? [...(skipped ?? []), ...shown] : undefined;
  return { config, upstreams, findings: checked, ...(runs ? { runs: runs.kept } : {}), ...(versionUnknown ? { versionUnknown } : {}) };
}

/**
 * The bookkeeping of a check made with trackReads: what each rule found and read goes into `kept`; a rule whose
 * findings the previous check can give (see LintOptions.previous) is not run.
 */
function trackedRuns(previous: LintResult | undefined, config: NginxConfig, settings: Settings, rules: readonly NginxRule[], structural: ReadonlySet<string>): { ruleRuns: RuleRuns; kept: TrackedRuns } {
  const kept: TrackedRuns = { settings, rules, structural, byRule: new Map(), reused: 0 };
  const before = previous?.runs;
  const edit = before && before.settings === settings && before.rules === rules ? editSince(previous.config, config) : undefined;
  // An edit of a name the loader or the model read changes what every rule is given.
  if (edit && !structural.has(ANY) && !structural.has(edit.name) && !before!.structural.has(ANY) && !before!.structural.has(edit.name)) kept.edit = edit;
  return {
    kept,
    ruleRuns: {
      reuse(ruleId) {
        const e = kept.edit;
        const was = e && before!.byRule.get(ruleId);
        if (!e || !was || !was.reads || was.reads.has(ANY) || was.reads.has(e.name)) return undefined;
        const findings = movedFindings(e, was.findings);
        if (!findings) return undefined;
        kept.byRule.set(ruleId, { findings, reads: was.reads });
        kept.reused++;
        return findings;
      },
      record(ruleId, findings, reads) {
        kept.byRule.set(ruleId, { findings, reads });
      },
    },
  };
}

/** The value edit between two checks of one configuration: the same files, one of them changed by a value edit. */
function editSince(before: NginxConfig, after: NginxConfig): ValueEdit | undefined {
  if (before.files.length !== after.files.length || before.rootContext !== after.rootContext || before.problems.length !== after.problems.length) return undefined;
  let edit: ValueEdit | undefined;
  for (let k = 0; k < before.files.length; k++) {
    const a = before.files[k], b = after.files[k];
    if (a === b) continue;
    if (edit || a.path !== b.path) return undefined;
    edit = valueEdit(a, b);
    if (!edit) return undefined;
  }
  return edit;
}

/**
 * Whether a finding of `rule` at `node` would judge a value that is not there: a directive the rule looks at is
 * written twice at the level that decides its value where `node` is (the block itself, for a block), which nginx
 * refuses ("directive is duplicate", duplicate-directive's finding), so no value is in force to compare or judge.
 * Only for findings about what requests get (502/504, silent effects) and start-up failures nginx finds when it
 * merges values (judgesMergedValues); other start-up and lint findings judge the lines as nginx reads them, and
 * nginx may well stop at one of them first. Rules that read a duplicated value elsewhere (an upstream's keepalive
 * from a location) check for the duplicate themselves.
 */
export function noValueToJudge(rule: Pick<NginxRule, 'outcome' | 'directives' | 'judgesMergedValues'>, node: ConfigNode, eff: (scope: ConfigNode | null, name: string) => Effective): boolean {
  if ((rule.outcome === 'startup-failure' && !rule.judgesMergedValues) || rule.outcome === 'lint' || !rule.directives) return false;
  return noValueIn(eff, node.directive.block ? node : node.parent, rule.directives);
}

/**
 * A fix that edits a file included in more than one place (a shared snippet) changes every place that
 * includes it, not just the one the finding is about: it is offered as a suggestion, never applied by --fix.
 */
export function demoteSharedFileFixes(findings: Finding[], nodes: readonly { file: { path: string }; via: unknown }[]): Finding[] {
  if (!findings.some((f) => f.fix)) return findings;
  const placements = new Map<string, Set<unknown>>();
  // By index: a for-of over every node allocates an iterator result per node for as long as the loop runs unoptimised.
  for (let k = 0; k < nodes.length; k++) {
    const n = nodes[k];
    if (!n.via) continue;
    const set = placements.get(n.file.path);
    if (set) set.add(n.via);
    else placements.set(n.file.path, new Set([n.via]));
  }
  return findings.map((f) => {
    if (!f.fix) return f;
    const shared = f.fix.edits.find((e) => (placements.get(e.path)?.size ?? 0) > 1)?.path;
    if (!shared) return f;
    const title = `${f.fix.title} (edits ${basename(shared)}, which is included in ${placements.get(shared)!.size} places)`;
    return { ...f, fix: undefined, suggestions: [{ ...f.fix, title }, ...f.suggestions] };
  });
}

/** The findings of one configuration checked in a run (an nginx.conf with its includes, a fragment, an httpd.conf). */
export interface ConfigRun {
  /** Every file the configuration read. */
  files: ReadonlySet<string>;
  findings: readonly Finding[];
  /**
   * The file the configuration was checked from (its nginx.conf, or a fragment checked on its own): named when a file
   * that several configurations include has a finding in some of them only.
   */
  entry?: string;
  /** The files whose findings the run reports, when not every file it read (the configuration of a fragment given alone). */
  reported?: ReadonlySet<string>;
  /** The line of `entry` that brings a file in (placementInEntry). */
  placement?: (path: string) => Placement | undefined;
}

/** A line of a configuration's main file: the include that brings another file in. */
export interface Placement {
  path: string;
  start: number;
  end: number;
}

/** What placementInEntry needs of a configuration node (nginx's ConfigNode and Apache's ApacheNode both have it). */
interface PlacedNode {
  file: { path: string };
  directive: { start: number; end: number };
  parent: PlacedNode | null;
  via: PlacedNode | null;
}

/**
 * For ConfigRun.placement: the include line of `entry` that brings each file in, directly or through other included
 * files (its first placement). Built on first use: most runs never need it.
 */
export function placementInEntry(entry: string, nodes: readonly PlacedNode[]): (path: string) => Placement | undefined {
  let top: Map<string, PlacedNode> | undefined;
  return (path) => {
    if (path === entry) return { path, start: 0, end: 0 };
    if (!top) {
      top = new Map();
      for (const n of nodes) if (n.via && !top.has(n.file.path)) top.set(n.file.path, n);
    }
    let n = top.get(path);
    // Include cycles are cut when the configuration is loaded; the bound only guards against a malformed tree.
    for (let hops = 0; n?.via && hops < 1000; hops++) {
      const include = n.via;
      if (include.file.path === entry) return { path: entry, start: include.directive.start, end: include.directive.end };
      // The include sits in another included file: climb to the line at that file's top, which records its own include.
      let up: PlacedNode = include;
      while (!up.via && up.parent && up.parent.file === up.file) up = up.parent;
      n = up;
    }
    return undefined;
  };
}

/** Each run's findings, with a fix that edits a file other runs read too kept only when all of them offer it. */
function demoteRuns(runs: readonly ConfigRun[]): Finding[][] {
  const including = new Map<string, number>();
  for (const r of runs) for (const p of r.files) including.set(p, (including.get(p) ?? 0) + 1);
  const key = (f: Finding) => `${f.ruleId}\0${f.fix!.edits.map((e) => `${e.path}\0${e.start}\0${e.end}\0${e.newText}`).sort().join('\0')}`;
  const offeredBy = new Map<string, Set<number>>();
  runs.forEach((r, k) => {
    for (const f of r.findings) {
      if (!f.fix) continue;
      const id = key(f);
      offeredBy.set(id, (offeredBy.get(id) ?? new Set()).add(k));
    }
  });
  return runs.map((r) =>
    r.findings.map((f) => {
      if (!f.fix) return f;
      const sharedPaths = f.fix.edits.map((e) => e.path).filter((p) => (including.get(p) ?? 0) > 1);
      if (sharedPaths.length === 0) return f;
      const by = offeredBy.get(key(f))!;
      if (runs.every((q, k) => by.has(k) || !sharedPaths.some((p) => q.files.has(p)))) return f;
      const shared = sharedPaths[0];
      const title = `${f.fix.title} (edits ${basename(shared)}, which ${including.get(shared)} of the checked configurations include)`;
      return { ...f, fix: undefined, suggestions: [{ ...f.fix, title }, ...f.suggestions] };
    }),
  );
}

/**
 * demoteSharedFileFixes across the configurations of one run: a file that two configurations include (a snippet that
 * a/nginx.conf and b/nginx.conf both include) is edited for both by a fix meant for one. A fix that edits such a file
 * is applied only when every configuration that includes it offers the very same fix; otherwise it becomes a
 * suggestion. (A WebSocket fix for a/ added its map to a/nginx.conf and the header to the snippet, and b/ then failed
 * `nginx -t` with unknown "connection_upgrade" variable.)
 */
export function demoteCrossConfigFixes(runs: readonly ConfigRun[]): Finding[] {
  return demoteRuns(runs).flat();
}

/**
 * The findings of several configurations checked together, as the CLI reports a run and the editor a file that
 * several entries include: fixes demoted as demoteCrossConfigFixes says; a finding several configurations make is
 * reported once, with the related places of all of them; and a finding in a file that several configurations report
 * on, made by some of them only, names (as a related place first in its list: the include line) each configuration
 * it applies to, since the file alone does not say which (a/nginx.conf sets proxy_read_timeout for the snippet, b's
 * upstream has keepalive).
 */
export function mergeConfigRuns(runs: readonly ConfigRun[]): Finding[] {
  const demoted = demoteRuns(runs);
  if (runs.length < 2) return uniqueFindings(demoted[0] ?? []);
  const all = demoted.flat();
  const runOf: number[] = [];
  demoted.forEach((list, k) => list.forEach(() => runOf.push(k)));
  const first = firstAlike(all);
  // Per finding kept (by its index in `all`): the runs that made it, and the related places its repeats add.
  const madeBy = new Map<number, number[]>();
  const moreRelated = new Map<number, RelatedLocation[]>();
  for (let k = 0; k < all.length; k++) {
    const j = first[k];
    const by = madeBy.get(j);
    if (!by) madeBy.set(j, [runOf[k]]);
    else if (!by.includes(runOf[k])) by.push(runOf[k]);
    if (j === k) continue;
    const kept = [...all[j].related, ...(moreRelated.get(j) ?? [])];
    const extra = all[k].related.filter((r) => !kept.some((q) => q.path === r.path && q.start === r.start && q.end === r.end && q.message === r.message));
    if (extra.length) moreRelated.set(j, [...(moreRelated.get(j) ?? []), ...extra]);
  }
  // Which runs report on each file: a finding made by fewer of them is labelled.
  const reportedBy = new Map<string, number[]>();
  runs.forEach((r, k) => {
    for (const p of r.reported ?? r.files) {
      const list = reportedBy.get(p);
      if (list) list.push(k);
      else reportedBy.set(p, [k]);
    }
  });
  const out: Finding[] = [];
  for (let j = 0; j < all.length; j++) {
    if (first[j] !== j) continue;
    let f = all[j];
    const extra = moreRelated.get(j);
    if (extra) f = { ...f, related: [...f.related, ...extra].slice(0, Math.max(MAX_RELATED, f.related.length)) };
    const reporting = reportedBy.get(f.path);
    const made = madeBy.get(j)!;
    if (reporting && reporting.length > 1 && made.length < reporting.length) {
      const reports = new Set(reporting);
      const by = new Set(made.filter((k) => reports.has(k)));
      const labels = appliesTo(f.path, [...by].map((k) => runs[k]), reporting.filter((k) => !by.has(k)).map((k) => runs[k]));
      if (labels.length) f = { ...f, related: [...labels, ...f.related] };
    }
    out.push(f);
  }
  return out;
}

/** Related places that say which of the configurations reporting on `path` a finding there applies to, and which not. */
function appliesTo(path: string, found: ConfigRun[], notFound: ConfigRun[]): RelatedLocation[] {
  const from = dirname(path);
  const name = (r: ConfigRun) => relative(from, r.entry!);
  const missing = notFound.filter((r) => r.entry);
  const not = missing.length
    ? `, not to that of ${missing.slice(0, 3).map(name).join(', ')}${missing.length > 3 ? ` and ${missing.length - 3} more` : ''}`
    : '';
  const others = found.length - 1;
  return found
    .filter((r) => r.entry)
    .map((r) => {
      const at = r.placement?.(path) ?? { path: r.entry!, start: 0, end: 0 };
      const how = r.entry === path ? 'checked from this file' : at.path === r.entry && (at.start || at.end) ? `which includes ${basename(path)} here` : `which includes ${basename(path)}`;
      const and = others ? ` and ${others} other${others === 1 ? '' : 's'}` : '';
      return { ...at, message: `applies to the configuration of ${name(r)} (${how})${and}${not}` };
    });
}

/**
 * Drops suppressed findings and adds invalid-/unused-suppression ones; shared by the nginx and Apache drivers.
 * `server`: the syntax of the files, whose rules alone can report on them.
 */
export function applySuppressions(findings: Finding[], files: SuppressibleFile[], settings: Settings, ran: ReadonlySet<string>, server: 'nginx' | 'apache'): Finding[] {
  const known = allRuleIds();
  const out: Finding[] = [];
  const meta = (id: string, fallback: Severity) => {
    const level = settings.rules.get(id)?.level;
    return level === 'off' ? undefined : level ?? fallback;
  };
  const byFileLine = new Map<string, ReturnType<typeof findSuppressions>['suppressions']>();
  const extra: Finding[] = [];
  for (const file of files) {
    const { suppressions, invalid } = findSuppressions(file, known);
    for (const s of suppressions) {
      for (let line = s.from; line <= s.line; line++) {
        const key = `${s.path}\0${line}`;
        const list = byFileLine.get(key);
        if (list) list.push(s);
        else byFileLine.set(key, [s]);
      }
    }
    const sev = meta('invalid-suppression', 'warning');
    if (sev) for (const inv of invalid) extra.push({ ruleId: 'invalid-suppression', severity: sev, message: inv.message, path: inv.path, start: inv.comment.start, end: inv.comment.end, suggestions: [], related: [] });
    // A rule of the other server never runs on this file, so unused-suppression (which counts only rules that ran)
    // would not see it either: a comment copied from an httpd file into an nginx one would silence nothing, unseen.
    if (sev) {
      for (const s of suppressions) {
        const foreign = s.ruleIds.filter((id) => {
          const of = ruleMeta(id)?.server;
          return of !== undefined && of !== 'any' && of !== server;
        });
        if (!foreign.length) continue;
        const names = foreign.map((id) => `"${id}"`).join(', ');
        const whose = server === 'nginx' ? 'Apache httpd' : 'nginx';
        const message = `${names} ${foreign.length === 1 ? 'is an' : 'are'} ${whose} rule${foreign.length === 1 ? '' : 's'}, which never report${foreign.length === 1 ? 's' : ''} on an ${server === 'nginx' ? 'nginx' : 'Apache httpd'} file: this comment silences nothing there`;
        extra.push({ ruleId: 'invalid-suppression', severity: sev, message, path: s.path, start: s.comment.start, end: s.comment.end, suggestions: [], related: [] });
      }
    }
  }
  const lineOf = new Map(files.map((f) => [f.path, f]));
  for (const f of findings) {
    if (byFileLine.size === 0) {
      out.push(f);
      continue;
    }
    const file = lineOf.get(f.path);
    const line = file ? statementLine(file, f.start) : -1;
    const hits = byFileLine.get(`${f.path}\0${line}`)?.filter((s) => s.ruleIds.includes(f.ruleId)) ?? [];
    if (hits.length && f.ruleId !== INTERNAL_ERROR) hits.forEach((s) => s.used.add(f.ruleId));
    else out.push(f);
  }
  const unusedSev = meta('unused-suppression', 'warning');
  if (unusedSev) {
    // A suppression listed under each line of its directive is judged once.
    const judged = new Set<Suppression>();
    for (const list of byFileLine.values()) {
      for (const s of list) {
        if (judged.has(s)) continue;
        judged.add(s);
        const unused = s.ruleIds.filter((id) => ran.has(id) && !s.used.has(id));
        if (unused.length) {
          extra.push({
            ruleId: 'unused-suppression',
            severity: unusedSev,
            message: `unused suppression: ${unused.map((u) => `"${u}"`).join(', ')} reports nothing on ${s.from < s.line ? `lines ${s.from + 1}–${s.line + 1}` : `line ${s.line + 1}`}; remove the comment or move it to the line it is meant for`,
            path: s.path,
            start: s.comment.start,
            end: s.comment.end,
            suggestions: [],
            related: [],
            fix: s.ruleIds.length === unused.length ? removeCommentFix(lineOf.get(s.path)!, s.comment) : undefined,
          });
        }
      }
    }
  }
  return dedupe([...out, ...extra]);
}

/** Removes a suppression comment: the whole line when the comment is alone on it. */
function removeCommentFix(file: SuppressibleFile, comment: { start: number; end: number }) {
  const line = file.lines.positionAt(comment.start).line;
  const lineStart = file.lines.lineStart(line);
  const alone = file.text.slice(lineStart, comment.start).trim() === '';
  const nextStart = line + 1 < file.lines.lineCount ? file.lines.lineStart(line + 1) : file.text.length;
  let start = comment.start;
  while (!alone && start > lineStart && /[ \t]/.test(file.text[start - 1])) start--;
  return {
    title: 'Remove the unused suppression comment',
    edits: [alone ? { path: file.path, start: lineStart, end: nextStart, newText: '' } : { path: file.path, start, end: comment.end, newText: '' }],
  };
}

/**
 * The findings without repeats (same rule, file, range and message: a snippet placed twice yields its findings twice),
 * first occurrence kept.
 */
export function uniqueFindings(findings: readonly Finding[]): Finding[] {
  const first = firstAlike(findings);
  return findings.filter((_, k) => first[k] === k);
}

/**
 * For each finding, the index of the first one alike (same rule, file, range and message); its own index when it is
 * the first. Compared field by field: a string key per finding would copy every message.
 */
function firstAlike(findings: readonly Finding[]): number[] {
  const seen = new Map<string, Map<number, number[]>>();
  const out: number[] = [];
  for (let k = 0; k < findings.length; k++) {
    const f = findings[k];
    let byStart = seen.get(f.path);
    if (!byStart) seen.set(f.path, (byStart = new Map()));
    const alike = byStart.get(f.start);
    const j = alike?.find((i) => findings[i].ruleId === f.ruleId && findings[i].end === f.end && findings[i].message === f.message);
    if (j !== undefined) out.push(j);
    else {
      if (alike) alike.push(k);
      else byStart.set(f.start, [k]);
      out.push(k);
    }
  }
  return out;
}

function dedupe(findings: Finding[]): Finding[] {
  return uniqueFindings(findings).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.start - b.start || a.ruleId.localeCompare(b.ruleId)));
}
