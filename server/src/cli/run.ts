import type { ByteOrderMark, Host } from '../core/host';
import type { Finding } from '../core/finding';
import { SEVERITY_RANK } from '../core/finding';
import { fixUntilSettled, MAX_FIX_PASSES } from '../core/fix';
import { INTERNAL_ERROR, lintNginx, mergeConfigRuns, placementInEntry, type ConfigRun, type VersionDependentUse } from '../core/lint';
import { lintApache } from '../core/lint-apache';
import { isApacheEntry, parseApacheSourceFile, type ApacheSourceFile } from '../core/model/apache-tree';
import { apacheEntryAbove } from '../core/model/entry-above';
import { fragmentPrefix } from '../core/model/nginx-prefix';
import { FRAGMENT_CONTEXTS, isNginxEntry, parseSourceFile, type SourceFile } from '../core/model/nginx-tree';
import { parseVersion } from '../core/model/version';
import { dirname, hasGlob, join, relative, resolve } from '../core/paths';
import { allRuleIds, allRules, ruleOptionsOf } from '../core/rules/index';
import { docsUrl } from '../core/rules/rule';
import { defaultSettings, readProjectConfig, type Settings } from '../core/settings';
import { runExplain } from './explain';
import { HELP, parseArgs, UsageError, type CliArgs } from './args';
import { classify, isCandidateName } from './classify';
import { unifiedDiff } from './diff';
import { formatGithubChunks } from './formatters/github';
import { formatGitlabChunks } from './formatters/gitlab';
import { formatJsonChunks } from './formatters/json';
import { formatSarifChunks, sarifCut } from './formatters/sarif';
import { formatTextChunks, summarize, type RunError, type Summary } from './formatters/text';
import type { CliIo, DecodedText } from './io';
import { positionFindings, type PositionedFinding } from './positions';
import { applyBaseline, formatBaseline, readBaseline, type BaselineEntry } from './baseline';
import { LineIndex } from '../core/text';
import { reportRoot, underRoot } from './report-root';
import { formatTimings, timed, type Timings } from '../core/timings';
import { isIgnored } from '../core/ignore';

export const CONFIG_FILE = '.proxylintrc.json';

/** A main configuration (nginx.conf, apache2.conf, httpd.conf) checked only to give files given without it their configuration. */
interface ContextRun {
  /** Real path of each file the configuration read → the path it read it by. */
  real: Map<string, string>;
  findings: Finding[];
  /** The lines the version-gated checks skipped (nginx.version unknown), for the note; see LintResult.versionUnknown. */
  versionUnknown?: VersionDependentUse[];
  /** The findings of this configuration reported in the run (those of the fragments checked inside it). */
  run: ConfigRun & { findings: Finding[]; reported: Set<string> };
}

interface Input {
  path: string;
  original: DecodedText;
  /** Apache httpd configuration (classify() said so): linted by lintApache. */
  apache?: boolean;
}

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  if (argv[0] === 'explain') return runExplain(argv.slice(1), io);
  let args: CliArgs;
  try {
    args = parseArgs(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`proxylint: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  if (args.help) {
    io.stdout(HELP + '\n');
    return 0;
  }
  if (args.version) {
    io.stdout(io.version + '\n');
    return 0;
  }
  if (args.listRules) {
    // For scripts (a CI step that checks which rules exist, a docs generator): the same facts, with the summary.
    if (args.format === 'json') {
      const list = allRules.map((r) => ({ id: r.id, server: r.server, severity: r.severity, outcome: r.outcome, summary: r.summary, docs: docsUrl(r) }));
      io.stdout(JSON.stringify(list, null, 2) + '\n');
      return 0;
    }
    if (args.format !== 'text') {
      io.stderr(`proxylint: --list-rules prints text or json, not ${args.format}\n`);
      return 2;
    }
    const width = Math.max(...allRules.map((r) => r.id.length));
    for (const r of allRules) io.stdout(`${r.id.padEnd(width)}  ${r.server.padEnd(6)} ${r.severity.padEnd(7)} ${r.outcome.padEnd(18)} ${docsUrl(r)}\n`);
    return 0;
  }
  if (args.context && !FRAGMENT_CONTEXTS.includes(args.context)) {
    io.stderr(`proxylint: unknown context "${args.context}" (use ${FRAGMENT_CONTEXTS.join(', ')})\n`);
    return 2;
  }
  if (args.nginxVersion && args.nginxVersion !== 'unknown' && !parseVersion(args.nginxVersion)) {
    io.stderr(`proxylint: --nginx-version takes a version such as 1.22.1\n`);
    return 2;
  }

  // --timing: phases and rules, summed over every configuration checked, printed to stderr at the end.
  const timings: Timings | undefined = args.timing ? new Map() : undefined;
  const started = timings ? performance.now() : 0;
  // What kept an input from being checked (exit code 2): said on stderr and listed in the JSON and SARIF reports,
  // so that a report read on its own does not pass for a clean run.
  const errors: RunError[] = [];
  let ioFailed = false;
  const fail = (msg: string, path?: string) => {
    io.stderr(`proxylint: ${msg}\n`);
    errors.push(path === undefined ? { message: msg } : { path, message: msg });
    ioFailed = true;
  };

  // Settings: one per config file, found upward from each linted file unless --config names one.
  const settingsCache = new Map<string, Settings | null>();
  const loadSettings = (configPath: string | undefined): Settings | null => {
    const key = configPath ?? '';
    if (settingsCache.has(key)) return settingsCache.get(key)!;
    let settings: Settings | null = defaultSettings();
    if (configPath) {
      const r = io.read(configPath);
      if (!r.ok) {
        fail(`cannot read ${configPath}: ${r.message}`, configPath);
        settings = null;
      } else {
        let json: unknown;
        try {
          json = JSON.parse(r.text);
        } catch (e) {
          fail(`${configPath} is not valid JSON: ${jsonErrorAt(r.text, (e as Error).message)}`, configPath);
          settings = null;
        }
        if (settings) {
          const read = readProjectConfig(json, dirname(configPath), allRuleIds(), ruleOptionsOf);
          for (const p of read.problems) fail(`${configPath}: ${p}`, configPath);
          settings = read.problems.length ? null : read.settings;
        }
      }
    }
    if (settings && args.nginxVersion) settings.nginx.version = parseVersion(args.nginxVersion);
    if (settings && args.nginxEdition) settings.nginx.edition = args.nginxEdition;
    if (settings) settings.limits = { maxIncludeDepth: args.maxIncludeDepth, maxDirectives: args.maxDirectives, maxFindingsPerRule: args.maxFindingsPerRule };
    settingsCache.set(key, settings);
    return settings;
  };
  const explicitConfig = args.config ? resolve(io.cwd, args.config) : undefined;
  if (explicitConfig && io.kind(explicitConfig) !== 'file') {
    io.stderr(`proxylint: config file ${args.config} not found\n`);
    return 2;
  }
  // The .proxylintrc.json above each folder, looked up once per folder: the search stats every folder up to the root,
  // and a run asks for each file (its settings, its ignore list) and again for every finding's file (ignored()). A run
  // writes no config file, so the answer cannot change while it lasts.
  const configAbove = new Map<string, string | undefined>();
  const configIn = (dir: string): string | undefined => {
    if (configAbove.has(dir)) return configAbove.get(dir);
    const found = io.findUp(dir, CONFIG_FILE);
    configAbove.set(dir, found);
    return found;
  };
  const settingsFor = (file: string) => loadSettings(explicitConfig ?? configIn(dirname(file)));
  // Read before anything is checked: a baseline that cannot be used is a usage problem, not a reason to report
  // everything it would have held back (or nothing).
  let baseline: BaselineEntry[] | undefined;
  if (args.baseline) {
    const r = io.read(resolve(io.cwd, args.baseline));
    const read = r.ok ? readBaseline(r.text) : undefined;
    if (!r.ok || !read || 'error' in read) {
      io.stderr(`proxylint: baseline ${args.baseline} ${!r.ok ? `cannot be read: ${r.message} (make one with --format baseline)` : read && 'error' in read ? read.error : ''}\n`);
      return 2;
    }
    baseline = read.entries;
  }

  // Inputs.
  const inputs: Input[] = [];
  const skipped: { path: string; reason: string }[] = [];
  const explicit = new Set<string>();
  // Each folder or glob argument with the candidate files found through it: one that yields no configuration is an
  // error (exit 2) whether it is given alone or beside other arguments.
  const folders = new Map<string, { arg: string; glob: boolean; files: Set<string> }>();
  if (args.stdin) {
    const r = io.readStdin();
    const path = resolve(io.cwd, args.stdinFilename ?? 'stdin.conf');
    if (!r.ok) {
      // An empty (or white-space only) or unreadable standard input is a broken pipeline (`git show missing:nginx.conf | proxylint --stdin`),
      // not a clean configuration: exit 2, and the JSON and SARIF reports say so like any input that could not be
      // checked (a consumer that reads the report finds one, not an empty standard output).
      fail(`cannot check standard input: ${r.message}`, args.stdinFilename === undefined ? undefined : path);
    } else {
      explicit.add(path);
      inputs.push({ path, original: r, apache: classify(path, r.text) === 'apache' });
    }
  } else {
    const readStart = timings ? performance.now() : 0;
    const found: string[] = [];
    const group = (abs: string, arg: string, glob: boolean) => {
      let g = folders.get(abs);
      if (!g) folders.set(abs, (g = { arg, glob, files: new Set<string>() }));
      return g.files;
    };
    // Only the files worth opening: a walk meets READMEs, keys and scripts that nobody asked to have checked.
    const walkInto = (dir: string, files: Set<string>, errorPath: string) => {
      const w = io.walk(dir);
      w.errors.forEach((e) => fail(e, errorPath));
      for (const f of w.files) {
        if (!isCandidateName(f)) continue;
        found.push(f);
        files.add(f);
      }
    };
    for (const arg of args.paths) {
      const abs = resolve(io.cwd, arg);
      const kind = io.kind(abs);
      if (kind === 'file') {
        explicit.add(abs);
        found.push(abs);
      } else if (kind === 'dir') {
        walkInto(abs, group(abs, arg, false), abs);
      } else if (kind === 'missing' && hasGlob(arg)) {
        // A quoted glob is expanded here, not by the shell: what it matches is chosen and classified as a folder walk
        // would (a folder is walked; a file that is not a configuration, is binary or cannot be read is skipped and
        // listed, not an I/O error). Only a file named on its own is taken as certainly meant to be checked.
        const matches = io.glob(abs);
        if (matches.length === 0) fail(`no files match ${arg}`, abs);
        else {
          const files = group(abs, arg, true);
          for (const m of matches) {
            if (io.kind(m) === 'dir') walkInto(m, files, m);
            else if (isCandidateName(m)) {
              found.push(m);
              files.add(m);
            }
          }
        }
      } else {
        fail(kind === 'missing' ? `${arg}: no such file or folder` : `${arg}: not a file or folder`, abs);
      }
    }
    const seen = new Set<string>();
    for (const p of found) {
      if (seen.has(p)) continue;
      seen.add(p);
      const r = io.read(p);
      if (!r.ok) {
        if (explicit.has(p)) fail(`cannot read ${relative(io.cwd, p)}: ${r.message}`, p);
        else skipped.push({ path: p, reason: r.message });
        continue;
      }
      const dialect = classify(p, r.text);
      if (dialect === 'apache') inputs.push({ path: p, original: r, apache: true });
      else if (dialect === 'unknown' && !explicit.has(p)) skipped.push({ path: p, reason: 'not recognised as an nginx configuration' });
      else inputs.push({ path: p, original: r });
    }
    timings?.set('find and read files', performance.now() - readStart);
  }
  // Patterns are relative to the folder of the .proxylintrc.json that lists them.
  const configOf = (p: string) => explicitConfig ?? configIn(dirname(p));
  const ignoredCache = new Map<string, boolean>();
  const ignored = (p: string) => {
    let hit = ignoredCache.get(p);
    if (hit === undefined) {
      const s = settingsFor(p);
      const config = configOf(p);
      ignoredCache.set(p, (hit = !!s && isIgnored(p, s.ignore, config ? dirname(config) : io.cwd)));
    }
    return hit;
  };

  // Lint, then (for --fix / --fix-dry-run) apply safe fixes and lint again until nothing more applies.
  const parseCache = new Map<string, SourceFile>();
  const parse = (path: string, text: string): SourceFile => {
    const hit = parseCache.get(path);
    if (hit && hit.text === text) return hit;
    // Timed here, where every file is first parsed (most of them to tell an nginx.conf from a fragment, before any
    // configuration is loaded), not in the phase that happens to ask first.
    const f = timed(timings, 'parse', () => parseSourceFile(path, text));
    parseCache.set(path, f);
    return f;
  };
  const apacheCache = new Map<string, ApacheSourceFile>();
  const parseApache = (path: string, text: string): ApacheSourceFile => {
    const hit = apacheCache.get(path);
    if (hit && hit.text === text) return hit;
    const f = timed(timings, 'parse', () => parseApacheSourceFile(path, text));
    apacheCache.set(path, f);
    return f;
  };
  // --fix and --fix-dry-run keep a UTF-8 byte-order mark in the text (the reader leaves it out), so that removing
  // it is an edit like any other (utf8-bom-at-file-start's safe fix) and the file is written with the mark only if
  // its text still starts with it; the texts then say themselves whether they have one (markInText).
  const fixing = args.fix || args.fixDryRun;
  const marked = (text: string, mark: ByteOrderMark | undefined) => (fixing && mark === 'utf8' && text.charCodeAt(0) !== 0xfeff ? '\ufeff' + text : text);
  const overlay = new Map<string, string>(inputs.map((i) => [i.path, marked(i.original.text, i.original.byteOrderMark)]));
  const readerHost = io.host((p) => overlay.get(p));
  const baseHost: Host = fixing
    ? {
        ...readerHost,
        readFile: (p) => {
          const r = readerHost.readFile(p);
          return r.ok && !overlay.has(p) ? { ...r, text: marked(r.text, readerHost.byteOrderMark?.(p)) } : r;
        },
      }
    : readerHost;
  // An input's own bytes say whether it starts with a byte-order mark: standard input has no file to look at, and
  // --stdin-filename may name a file on disk with other bytes.
  const inputMarks = new Map(inputs.map((i) => [i.path, i.original.byteOrderMark]));
  const markOf = (p: string) => (inputMarks.has(p) ? inputMarks.get(p) : baseHost.byteOrderMark?.(p));
  // When fixing, a UTF-8 mark is in the text (see marked), and after its fix no longer anywhere.
  const host: Host = { ...baseHost, byteOrderMark: (p) => (fixing && markOf(p) === 'utf8' ? undefined : markOf(p)) };
  let ignoredInputs = 0;
  let ignoredExplicit = 0;
  const active = inputs.filter((i) => {
    const skip = ignored(i.path);
    if (skip) ignoredInputs++;
    // As ESLint does: a file named explicitly (a pre-commit hook passes every changed file) is not checked, with a
    // warning, and is not a failure; the user may have meant to check it, so it is not passed over in silence.
    if (skip && explicit.has(i.path)) {
      ignoredExplicit++;
      io.stderr(`proxylint: warning: ${relative(io.cwd, i.path)} not checked: it matches the "ignore" list of ${relative(io.cwd, configOf(i.path)!)}\n`);
    }
    return settingsFor(i.path) && !skip;
  });
  // A folder that gave nothing to check, even beside other arguments: a CI job pointed at the wrong or an empty
  // folder must not pass as "clean" because another file was checked. (A folder whose files are all ignored is
  // exit 2 too, unlike a file named explicitly: see README, "ignore".)
  for (const [abs, { arg, glob, files }] of folders) {
    const from = inputs.filter((i) => files.has(i.path));
    const through = glob ? `matching ${arg}` : `found in ${arg}`;
    if (from.length === 0) fail(`no nginx or Apache configuration files ${glob ? 'match' : 'found in'} ${arg}`, abs);
    else if (from.every((i) => ignored(i.path))) fail(`all ${from.length} configuration file(s) ${through} match the "ignore" list; nothing was checked`, abs);
  }

  const lintAll = (): { findings: Finding[]; files: Set<string>; versionUnknown: VersionDependentUse[] } => {
    const entries: Input[] = [];
    const fragments: Input[] = [];
    const apacheEntries: Input[] = [];
    const apacheFragments: Input[] = [];
    for (const i of active) {
      if (i.apache) (isApacheEntry(parseApache(i.path, overlay.get(i.path)!)) ? apacheEntries : apacheFragments).push(i);
      else (isNginxEntry(parse(i.path, overlay.get(i.path)!)) && !args.context ? entries : fragments).push(i);
    }
    const covered = new Set<string>();
    // Lines a known nginx version would have been checked for, by file and offset (a file several entries read counts once).
    const versionUnknown = new Map<string, VersionDependentUse>();
    const heldBack = (uses: VersionDependentUse[] | undefined, only?: string) => {
      for (const u of uses ?? []) if (only === undefined || u.path === only) versionUnknown.set(`${u.path}\0${u.start}`, u);
    };
    // Each configuration checked, with its findings, merged by mergeConfigRuns as the editor merges those of the
    // entries that include a file: a fix to a file that several of them read is applied only when all of them offer
    // it, and a finding some of them make in such a file says which.
    const runs: ConfigRun[] = [];
    // Checked files by real path too: sites-enabled/x is usually a link to sites-available/x, and both are in the folder.
    const coveredReal = new Set<string>();
    const cover = (p: string) => {
      covered.add(p);
      coveredReal.add(io.realpath(p));
    };
    const isCovered = (p: string) => covered.has(p) || coveredReal.has(io.realpath(p));
    const run = (i: Input, rootContext: string | undefined, fragmentPrefix?: string | null) => {
      try {
        const r = lintNginx(i.path, overlay.get(i.path)!, host, { settings: settingsFor(i.path)!, parse, rootContext, fragmentPrefix, timings });
        r.config.files.forEach((f) => cover(f.path));
        runs.push({ files: new Set(r.config.files.map((f) => f.path)), findings: r.findings, entry: i.path, placement: placementInEntry(i.path, r.config.all) });
        heldBack(r.versionUnknown);
      } catch (e) {
        fail(`internal error while checking ${relative(io.cwd, i.path)}: ${(e as Error).stack ?? e}`, i.path);
      }
    };
    for (const i of entries) run(i, undefined);
    // A file already checked inside an nginx.conf that includes it is not checked again out of context. One
    // that no entry includes (sites-available/x not enabled), or that was given alone, still belongs to the tree of
    // the nginx.conf above it: nginx would resolve its relative includes against that configuration's prefix, so
    // proxylint does too, as the language server does.
    const entryDirs = entries.map((e) => dirname(e.path));
    // The nginx.conf above a fragment given without it (a pre-commit hook passes only the changed files, an editor's
    // stdin one buffer): checked once per run, and when it includes the fragment, the fragment's findings are those
    // it has in that configuration, as in a run over the whole folder and in the editor. A fragment checked alone
    // cannot see the upstream groups, resolver or timeouts its configuration gives it.
    const contexts = new Map<string, ContextRun | null>();
    const contextOf = (entryPath: string, apache: boolean): ContextRun | null => {
      let c = contexts.get(entryPath);
      if (c !== undefined) return c;
      c = null;
      const settings = settingsFor(entryPath);
      const read = overlay.has(entryPath) ? undefined : io.read(entryPath);
      const text = overlay.get(entryPath) ?? (read?.ok ? read.text : undefined);
      if (settings && text !== undefined && (classify(entryPath, text) === 'apache') === apache) {
        try {
          const r = apache
            ? isApacheEntry(parseApache(entryPath, text)) ? lintApache(entryPath, text, host, { settings, parse: parseApache, timings }) : undefined
            : isNginxEntry(parse(entryPath, text)) ? lintNginx(entryPath, text, host, { settings, parse, timings }) : undefined;
          if (r) {
            const real = new Map<string, string>();
            for (const f of r.config.files) real.set(io.realpath(f.path), f.path);
            const run = { files: new Set(r.config.files.map((f) => f.path)), findings: [], reported: new Set<string>(), entry: entryPath, placement: placementInEntry(entryPath, r.config.all) };
            c = { real, findings: r.findings, versionUnknown: 'versionUnknown' in r ? r.versionUnknown : undefined, run };
            runs.push(c.run);
          }
        } catch (e) {
          fail(`internal error while checking ${relative(io.cwd, entryPath)}: ${(e as Error).stack ?? e}`, entryPath);
        }
      }
      contexts.set(entryPath, c);
      return c;
    };
    /** Checks `i` inside the configuration at `entryPath` when that includes it; false when it does not. */
    const inContext = (i: Input, entryPath: string | undefined, apache: boolean): boolean => {
      if (!entryPath || entryPath === i.path || args.context) return false;
      const context = contextOf(entryPath, apache);
      // The path the configuration reads the fragment by (sites-enabled/x for sites-available/x): its findings carry it.
      const asIncluded = context?.real.get(io.realpath(i.path));
      if (!context || asIncluded === undefined) return false;
      cover(i.path);
      context.run.reported.add(asIncluded);
      for (const f of context.findings) if (f.path === asIncluded) context.run.findings.push(f);
      heldBack(context.versionUnknown, asIncluded);
      return true;
    };
    for (const i of fragments) {
      if (isCovered(i.path)) continue;
      const prefix = fragmentPrefix(i.path, entryDirs, (p) => io.kind(p) === 'file') ?? null;
      const entryPath = prefix === null ? undefined : join(prefix, 'nginx.conf');
      // An entry of this run that did not include the file has said so already.
      if (!entries.some((e) => e.path === entryPath) && inContext(i, entryPath, false)) continue;
      run(i, args.context, prefix);
    }
    // Apache: httpd.conf / apache2.conf (and other complete configurations) with their Includes first, then
    // the files none of them included, each on its own (a vhost file, a conf.d snippet, an .htaccess).
    const runApache = (i: Input) => {
      try {
        const r = lintApache(i.path, overlay.get(i.path)!, host, { settings: settingsFor(i.path)!, parse: parseApache, timings });
        r.config.files.forEach((f) => cover(f.path));
        runs.push({ files: new Set(r.config.files.map((f) => f.path)), findings: r.findings, entry: i.path, placement: placementInEntry(i.path, r.config.all) });
      } catch (e) {
        fail(`internal error while checking ${relative(io.cwd, i.path)}: ${(e as Error).stack ?? e}`, i.path);
      }
    };
    for (const i of apacheEntries) runApache(i);
    for (const i of apacheFragments) {
      if (isCovered(i.path)) continue;
      const entryPath = apacheEntryAbove(i.path, (p) => io.kind(p) === 'file');
      if (!apacheEntries.some((e) => e.path === entryPath) && inContext(i, entryPath, true)) continue;
      runApache(i);
    }
    // An ignored file that a checked one includes is still read (nginx reads it), but its own findings are not
    // reported, as the editor shows none on it.
    return { findings: mergeConfigRuns(runs).filter((f) => !ignored(f.path)), files: covered, versionUnknown: [...versionUnknown.values()].filter((u) => !ignored(u.path)) };
  };

  let result = lintAll();
  // --fix-dry-run changes nothing on disk, so it reports (and exits on) the files as they are.
  const onDisk = result;
  // Texts of files whose parse was let go before output (see below).
  const released = new Map<string, string>();
  const textNow = (p: string) => overlay.get(p) ?? parseCache.get(p)?.text ?? apacheCache.get(p)?.text ?? released.get(p);
  // Each file's text before its first fix: inputs and files reached only through an include alike.
  const before = new Map<string, string>(inputs.map((i) => [i.path, overlay.get(i.path)!]));
  if (args.fix || args.fixDryRun) {
    // A fix is applied whole or not at all, never over an edit already taken in its pass, and not at all when it
    // leaves its problem in place (see fixUntilSettled).
    result = fixUntilSettled(
      {
        lint: lintAll,
        findingsOf: (r) => r.findings,
        textOf: textNow,
        setText: (p, text) => {
          if (!before.has(p)) before.set(p, textNow(p)!);
          overlay.set(p, text);
        },
      },
      MAX_FIX_PASSES,
      result,
    ).result;
  }

  const originals = new Map<string, DecodedText>(inputs.map((i) => [i.path, i.original]));
  const outputs = new Map<string, string>();
  for (const [p, text] of overlay) {
    const was = before.get(p);
    if (was !== undefined && was !== text) outputs.set(p, text);
  }
  if (args.fix) {
    const fixed: string[] = [];
    for (const [p, text] of outputs) {
      const like = originals.get(p) ?? io.read(p);
      if (!('text' in like)) {
        fail(`cannot rewrite ${relative(io.cwd, p)}`, p);
        continue;
      }
      const err = io.write(p, text, like);
      if (err) fail(`cannot write ${relative(io.cwd, p)}: ${err}`, p);
      else fixed.push(relative(io.cwd, p));
    }
    // Said before the report, so that a report that cannot be written (a full disk) does not hide that files changed.
    // Each file is named: a fix can edit a file of the configuration that was not given (the map block a WebSocket
    // location in a snippet needs goes into nginx.conf's http level), and a pre-commit hook must be able to tell.
    if (fixed.length) io.stderr(`proxylint: fixed ${fixed.length} file(s): ${fixed.join(', ')}\n`);
  }

  // Findings hold offsets and texts, never nodes: the parsed trees (tens of megabytes for a large tree) can go
  // before the report is made, so the two never take memory at the same time.
  for (const [p, f] of parseCache) released.set(p, f.text);
  for (const [p, f] of apacheCache) released.set(p, f.text);
  parseCache.clear();
  apacheCache.clear();
  const reported = args.fixDryRun ? onDisk : result;
  const textReported = args.fixDryRun ? (p: string) => before.get(p) ?? textNow(p) : textNow;
  const outputStart = timings ? performance.now() : 0;
  // SARIF and github paths are taken by their real paths (see underRoot), asked once per file, not per location.
  const realpaths = new Map<string, string>();
  const realpathOnce = (p: string) => {
    let r = realpaths.get(p);
    if (r === undefined) realpaths.set(p, (r = io.realpath(p)));
    return r;
  };
  // A file's path under a report root, once per root and file: reports name a file for every finding (and the
  // baseline matches by it), and underRoot is two path.relative calls.
  const underRoots = new Map<string, Map<string, string | undefined>>();
  const underRootOnce = (root: string, p: string) => {
    let byPath = underRoots.get(root);
    if (!byPath) underRoots.set(root, (byPath = new Map()));
    if (byPath.has(p)) return byPath.get(p);
    const r = underRoot(root, p, realpathOnce);
    byPath.set(p, r);
    return r;
  };
  let positioned = positionFindings(reported.findings, textReported);
  // The baseline's file names are relative to the report root, as SARIF's are (see baseline.ts).
  const lineIndexes = new Map<string, LineIndex>();
  const baselineRoot = baseline || args.format === 'baseline' || args.format === 'gitlab' ? reportRoot(io) : '';
  const locate = (f: PositionedFinding) => {
    let idx = lineIndexes.get(f.path);
    if (!idx) lineIndexes.set(f.path, (idx = new LineIndex(textReported(f.path) ?? '')));
    return { path: underRootOnce(baselineRoot, f.path) ?? f.path, line: idx.lineText(f.line - 1) };
  };
  let held: { matched: number; stale: number } | undefined;
  if (baseline) {
    // An internal error is never an accepted finding: it says the check itself did not run.
    const { kept, matched, stale } = applyBaseline(positioned, baseline.filter((e) => e.ruleId !== INTERNAL_ERROR), locate);
    positioned = kept;
    held = { matched, stale };
  }
  // -q hides warnings and info from the report. An explicit --fail-on or --max-warnings still counts them:
  // `-q --max-warnings 0` must not pass a run that has a warning.
  const findings = args.quiet ? positioned.filter((f) => f.severity === 'error') : positioned;
  const thresholdGiven = args.failOn !== undefined || args.maxWarnings !== undefined;
  const gated = args.quiet && !thresholdGiven ? findings : positioned;
  const fileCount = new Set([...active.map((i) => i.path), ...reported.files]).size;
  const summary: Summary = summarize(findings, fileCount);
  if (args.quiet) {
    summary.hiddenWarnings = positioned.filter((f) => f.severity === 'warning').length;
    summary.hiddenInfos = positioned.filter((f) => f.severity === 'info').length;
    summary.hidden = summary.hiddenWarnings + summary.hiddenInfos;
    if (thresholdGiven) summary.hiddenCounted = true;
  }
  // Every file given by name is ignored: said above for each, and not an error.
  const allIgnoredByName = fileCount === 0 && !ioFailed && ignoredExplicit > 0 && ignoredExplicit === inputs.length;
  if (fileCount === 0 && !ioFailed && !allIgnoredByName) {
    // Not expected to be reached (each folder that gave nothing is reported above, and files named explicitly are
    // either checked or warned about); kept so that a run that checked nothing can never exit 0.
    const only = args.paths.length === 1 ? resolve(io.cwd, args.paths[0]) : undefined;
    if (ignoredInputs > 0) fail(`all ${ignoredInputs} configuration file(s) found in ${args.paths.join(' ')} match the "ignore" list; nothing was checked`, only);
    else fail(`no nginx or Apache configuration files found in ${args.paths.join(' ')}`, only);
  }
  summary.runErrors = errors.length;
  if (held) {
    summary.baselined = held.matched;
    summary.baselineStale = held.stale;
    // Said on stderr in every format: a finding fixed since the baseline was written would come back unnoticed if
    // its line were written again the same way.
    if (held.stale) io.stderr(`proxylint: ${held.stale} finding(s) in the baseline ${args.baseline} were not found (fixed, or their line changed); write it again with --format baseline to drop them\n`);
  }
  // Once per file: the text report names a file for each finding and each related place (12,000 times for the 100k
  // tree, from 40 files), and path.relative normalises both paths on every call.
  const relPaths = new Map<string, string>();
  const rel = (p: string) => {
    let r = relPaths.get(p);
    if (r === undefined) relPaths.set(p, (r = relative(io.cwd, p)));
    return r;
  };

  // Reports are made piece by piece and written in batches of about 32K characters: a large tree's report (12 MB of
  // JSON, 17 MB of SARIF) is never one string, and one write per finding would be thousands of system calls. The
  // pieces of a batch are joined once, when it is written: appending them one by one builds a tree of concatenated
  // strings that writing has to flatten into a copy again. A batch of 64K characters, two bytes each once a message
  // holds a non-Latin-1 character ("…"), is past V8's 128 KB limit for ordinary heap objects: with those the 100k-line
  // tree peaked about 6 MB higher (149–154 MB against 143–147 MB in five runs each).
  const write = (chunks: Iterable<string>) => {
    let batch: string[] = [];
    let length = 0;
    for (const chunk of chunks) {
      batch.push(chunk);
      length += chunk.length;
      if (length >= 32768) {
        io.stdout(batch.join(''));
        batch = [];
        length = 0;
      }
    }
    io.stdout(batch.join(''));
  };
  switch (args.format) {
    case 'json':
      write(formatJsonChunks(findings, summary, args.fixDryRun ? outputs : new Map(), skipped, errors));
      break;
    case 'sarif': {
      // Said on stderr too: a CI log shows it where nobody reads the SARIF file itself.
      const cut = sarifCut(findings);
      if (cut) io.stderr(`proxylint: ${cut.note}\n`);
      write(formatSarifChunks(findings, allRules, io.version, reportRoot(io), textReported, errors, realpathOnce));
      break;
    }
    case 'baseline':
      io.stdout(formatBaseline(positioned, locate));
      break;
    case 'gitlab':
      // Paths relative to the repository root, as GitLab places issues on the merge request's files.
      write(formatGitlabChunks(findings, locate));
      break;
    case 'github': {
      // GitHub resolves file= from the repository root; a file outside it can only be named absolutely.
      const root = reportRoot(io);
      write(formatGithubChunks(findings, (p) => underRootOnce(root, p) ?? p, errors));
      break;
    }
    default:
      if (args.fixDryRun) {
        for (const [p, text] of outputs) {
          // Named by the file --fix writes: through a link (sites-enabled/app), its target, which patch and git apply
          // can change (both refuse to patch a symbolic link).
          io.stdout(unifiedDiff(rel(realpathOnce(p)), before.get(p)!, text));
          // The diff is text, written as UTF-8: for a file stored otherwise, `patch` finds no line to change.
          const like = originals.get(p) ?? io.read(p);
          if ('notUtf8' in like && like.notUtf8) io.stderr(`proxylint: ${rel(p)} is stored as ${like.notUtf8}; the diff shows its text in UTF-8 and will not apply with patch as is (--fix writes the file in its own encoding)\n`);
        }
      }
      write(formatTextChunks(findings, summary, rel, args.stdin ? '--fix-dry-run' : '--fix'));
      if (skipped.length) io.stderr(`proxylint: skipped ${skipped.length} file(s) that are not nginx or Apache configurations (see --format json for the list)\n`);
  }
  // A config the installed nginx refuses (resolver's ipv4= before 1.23.1) passes quietly while the version is unknown:
  // said on stderr, in every format (the reports stay as they are), and only when some line was not checked for it.
  const unchecked = reported.versionUnknown.filter((u) => !u.milder);
  // Findings that are info only for want of the version: a CI run that fails on warnings passes them.
  // Counted among the findings the run keeps (a baseline takes some away), -q or not: -q hides exactly these.
  const keptFindings = reported.versionUnknown.some((u) => u.milder) ? new Set(positioned.map((f) => `${f.ruleId}\0${f.path}\0${f.start}`)) : undefined;
  const milder = reported.versionUnknown.filter((u) => u.milder && keptFindings!.has(`${u.what}\0${u.path}\0${u.start}`));
  // The first of these lines in file and offset order, and where it is ("path:line"), named by the notes below.
  const firstOf = (uses: VersionDependentUse[]) => {
    const first = [...uses].sort((a, b) => (a.path === b.path ? a.start - b.start : a.path < b.path ? -1 : 1))[0];
    const text = textReported(first.path);
    const line = text === undefined ? undefined : text.slice(0, first.start).split('\n').length;
    return { first, where: line === undefined ? rel(first.path) : `${rel(first.path)}:${line}` };
  };
  if (milder.length) {
    const { first, where } = firstOf(milder);
    const n = milder.length;
    io.stderr(
      `proxylint: nginx version unknown: ${n} finding${n === 1 ? ' is' : 's are'} info only for that reason (${n === 1 ? '' : 'the first: '}${where} ${first.what}, a ${allRules.find((r) => r.id === first.what)?.severity ?? 'warning'} on ${first.needs}); set nginx.version in .proxylintrc.json or --nginx-version\n`,
    );
  }
  if (unchecked.length) {
    const { first, where } = firstOf(unchecked);
    const n = unchecked.length;
    io.stderr(
      `proxylint: nginx version unknown: ${n} version-dependent check${n === 1 ? ' was' : 's were'} not made (${n === 1 ? '' : 'the first: '}${where} ${first.what} needs ${first.needs}); set nginx.version in .proxylintrc.json or --nginx-version\n`,
    );
  }
  if (timings) {
    timings.set('position and format output', performance.now() - outputStart);
    const measured = [...timings].filter(([k]) => !k.startsWith('rule:')).reduce((sum, [, ms]) => sum + ms, 0);
    timings.set('other (settings, fragments, --fix passes)', Math.max(0, performance.now() - started - measured));
    io.stderr(formatTimings(timings, args.timingAllRules ? Infinity : undefined));
  }

  if (allIgnoredByName) return 0;
  if (ioFailed || findings.some((f) => f.ruleId === INTERNAL_ERROR)) return 2;
  // The list of findings for a baseline is not a check: a CI step that writes one must not fail for their number.
  if (args.format === 'baseline') return 0;
  const threshold = SEVERITY_RANK[args.failOn ?? 'warning'];
  // With --max-warnings, warnings fail the run by their number rather than by their presence, and so do infos when
  // --fail-on info makes them count: one budget for both, so that a run never passes with a warning where it would
  // fail with an info in its place.
  const budgeted = (f: (typeof gated)[number]) => args.maxWarnings !== undefined && (f.severity === 'warning' || (f.severity === 'info' && threshold <= SEVERITY_RANK.info));
  let budgetUsed = 0;
  for (const f of gated) {
    if (budgeted(f)) budgetUsed++;
    else if (SEVERITY_RANK[f.severity] >= threshold) return 1;
  }
  return args.maxWarnings !== undefined && budgetUsed > args.maxWarnings ? 1 : 0;
}

/** JSON.parse names a character offset ("at position 57"); people look for a line and column. */
function jsonErrorAt(text: string, message: string): string {
  const m = /at position (\d+)/.exec(message);
  if (!m) return message;
  const before = text.slice(0, Number(m[1]));
  const line = before.split('\n').length;
  return `${message.replace(/ in JSON at position \d+.*$/, '').replace(/ at position \d+.*$/, '')} at line ${line}, column ${before.length - before.lastIndexOf('\n')}`;
}
