import type { TextDocuments } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { BINARY_FILE_MESSAGE, looksBinary, type Host } from '../core/host';
import { classify } from '../cli/classify';
import { demoteCrossConfigFixes, lintNginx, mergeConfigRuns, placementInEntry, type ConfigRun, type LintResult } from '../core/lint';
import { lintApache, type ApacheLintResult } from '../core/lint-apache';
import { isApacheEntry, parseApacheSourceFile, type ApacheSourceFile } from '../core/model/apache-tree';
import { apacheEntryAbove } from '../core/model/entry-above';
import { fragmentPrefix } from '../core/model/nginx-prefix';
import { isNginxEntry, parseSourceFile, type SourceFile } from '../core/model/nginx-tree';
import type { Finding, TextEdit } from '../core/finding';
import { fixUntilSettled } from '../core/fix';
import { isIgnored } from '../core/ignore';
import { editsBetween } from '../core/text-diff';
import { basename, dirname, join } from '../core/paths';
import type { Settings } from '../core/settings';
import { uriToPath } from './convert';
import { rawText } from '../core/reads';
import { DEFAULT_PROBLEMS, type EditorSettings, type ProblemsSettings, type ServerEnv } from './settings-source';

interface LoadedSettings {
  settings: Settings;
  ignoreBase: string;
  configPath?: string;
  problems: string[];
}

/** A lint result of either server's configuration; both carry `config.files` (path, text, lines) and findings. */
/** A check of `entry` that reads the open document `doc` where the configuration reads its open link `link`. */
interface Twin {
  entry: string;
  link: string;
  doc: string;
}

export type Checked = (LintResult & { dialect: 'nginx' }) | (ApacheLintResult & { dialect: 'apache' });

/** What the editor reports on a file: the findings, and the files they (and their fixes) refer to. */
export interface FindingsView {
  config: { files: (SourceFile | ApacheSourceFile)[] };
  findings: Finding[];
}

/**
 * Which configuration each open file belongs to, and the lint results of those configurations.
 *
 * A file that an nginx.conf of the workspace includes is checked inside it, as the CLI does when it is
 * given the folder; other files are checked on their own as fragments. Unsaved buffers win over the disk.
 */
export class Workspace {
  private readonly parseCache = new Map<string, SourceFile>();
  /** Entry config → every file its last lint read. */
  private readonly closures = new Map<string, Set<string>>();
  private readonly results = new Map<string, Checked>();
  private readonly apacheCache = new Map<string, ApacheSourceFile>();
  /** The entries of `closures` that are nginx configurations: their folders are prefixes for the fragments below them. */
  private readonly nginxEntries = new Set<string>();
  private entriesIndexed = false;
  editorSettings: EditorSettings = {};
  /** Which files the editor shows problems on (the editor's own setting, beside those of the lint). */
  problems: ProblemsSettings = DEFAULT_PROBLEMS;
  roots: string[] = [];
  trusted = true;

  constructor(
    private readonly env: ServerEnv,
    private readonly documents: TextDocuments<TextDocument>,
    private readonly log: (message: string) => void,
    /** Called whenever settings are (re)read, with their problems (none when they are valid). */
    private readonly onSettingsProblems: (configPath: string | undefined, problems: string[]) => void = () => {},
  ) {}

  readonly parse = (path: string, text: string): SourceFile => {
    const hit = this.parseCache.get(path);
    // rawText: asked while a configuration is loaded, which notes what it reads (core/reads.ts); this is no such read.
    if (hit && rawText(hit) === text) return hit;
    // Let go of the previous version's tree before building the new one: nothing else holds it once the edit has
    // invalidated its result, and kept here it stayed alive (and was counted live by any full collection that
    // finished meanwhile) until the new tree replaced it, so two trees of the document were alive during the parse.
    this.parseCache.delete(path);
    const f = parseSourceFile(path, text);
    this.parseCache.set(path, f);
    return f;
  };

  readonly parseApache = (path: string, text: string): ApacheSourceFile => {
    const hit = this.apacheCache.get(path);
    if (hit && hit.text === text) return hit;
    this.apacheCache.delete(path); // as in parse(): the stale tree need not live through the new parse
    const f = parseApacheSourceFile(path, text);
    this.apacheCache.set(path, f);
    return f;
  };

  /** nginx or Apache, decided from the file's name and what it says, as the CLI decides. */
  dialectOf(path: string, text: string): 'nginx' | 'apache' {
    return classify(path, text) === 'apache' ? 'apache' : 'nginx';
  }

  /**
   * The last check of each configuration an edit invalidated, until it is checked again: when the edit only changed
   * a value, that check takes the findings of the rules that never read it from this one (LintOptions.previous).
   */
  private readonly before = new Map<string, LintResult>();

  /** Each entry's findings as its own check gave them, before demoteAcrossEntries. */
  private readonly undemoted = new Map<string, Checked>();
  /** How each result was made (which file, whether as a fragment), so that fixAllEdits can make it again. */
  private readonly checkedAs = new WeakMap<Checked, { path: string; fragment: boolean; twin?: Twin }>();
  /** The results made for a document whose open link the configuration reads (see linkTwin): one per such document. */
  private readonly twins = new WeakSet<Checked>();

  /**
   * `fragment`: checked without an entry, so its relative includes resolve against the nginx.conf above it.
   * `overlay`: texts that replace the files' own for this check only (fix-all passes); nothing is cached then.
   * `twin`: the configuration reads the document `twin.doc` in place of its open link `twin.link` (see linkTwin).
   */
  private check(path: string, text: string, fragment = false, overlay?: ReadonlyMap<string, string>, twin?: Twin): Checked {
    const settings = this.settingsFor(path);
    const roots = this.trusted ? undefined : this.roots;
    const host = overlay ? this.guard(this.env.createHost((p) => overlay.get(p) ?? this.openText(p), roots), twin) : twin ? this.guard(this.env.createHost(this.openText, roots), twin) : this.host();
    // An overlay's texts are parsed without replacing the cached trees of the documents as they are.
    const parse = overlay ? (p: string, t: string) => (this.parseCache.has(p) && rawText(this.parseCache.get(p)!) === t ? this.parseCache.get(p)! : parseSourceFile(p, t)) : this.parse;
    const parseApache = overlay ? (p: string, t: string) => (this.apacheCache.get(p)?.text === t ? this.apacheCache.get(p)! : parseApacheSourceFile(p, t)) : this.parseApache;
    let result: Checked;
    if (this.dialectOf(path, text) === 'apache') result = { dialect: 'apache', ...lintApache(path, text, host, { settings, parse: parseApache }) };
    else {
      const fragmentPrefix = fragment ? this.fragmentPrefix(path) : undefined;
      // Fix-all's passes check texts that are not the documents': their results are not the documents' next ones.
      // A twin's check reads another document than the entry's own last check did: nothing of that one carries over.
      const before = overlay || twin ? undefined : this.before.get(path);
      const previous = before && this.checkedAs.get(before as Checked)?.fragment === fragment ? before : undefined;
      if (!overlay && !twin) this.before.delete(path);
      result = { dialect: 'nginx', ...lintNginx(path, text, host, { settings, parse, fragmentPrefix, trackReads: !overlay && !twin, previous }) };
    }
    this.checkedAs.set(result, { path, fragment, twin });
    return result;
  }

  /**
   * "Fix all" for the findings of `path`, as --fix does it: fixes are applied pass after pass, checking the
   * configuration again after each (a fix that clashed with another in one pass is taken in the next), until none
   * is left, none helps, or `maxPasses`. Returns the edits from the texts of now to the fixed ones, and those texts.
   */
  fixAllEdits(path: string, maxPasses: number): { edits: TextEdit[]; before: Map<string, string> } {
    const including = this.includingEntries(path);
    const shared = including.length > 1;
    const first = shared ? this.findingsView(path) : this.resultFor(path);
    const only = shared ? undefined : this.checkedAs.get(first as Checked);
    // How each configuration to check again was checked: every entry that includes the file, else the one it belongs to.
    const how = shared ? including.map((e) => ({ path: e, fragment: false })) : only ? [only] : [];
    if (!first || how.length === 0) return { edits: [], before: new Map() };
    const overlay = new Map<string, string>();
    const original = new Map(first.config.files.map((f) => [f.path, f.text]));
    // The texts of the files the latest check read (a fix can add an include, and so a file).
    let read = new Map(original);
    const textOf = (p: string) => overlay.get(p) ?? read.get(p);
    fixUntilSettled<FindingsView>(
      {
        lint: () => {
          // A file several entries include is fixed as --fix fixes it in a run over all of them: each is checked
          // again, and their findings merged (a fix is safe only when every one of them offers it).
          const results = how.map((h) => this.check(h.path, textOf(h.path) ?? '', h.fragment, overlay, (h as { twin?: Twin }).twin));
          read = new Map(results.flatMap((r) => r.config.files.map((f) => [f.path, f.text] as const)));
          return shared ? this.merge(path, including, results) : this.demoteAcrossEntries(how[0].path, results[0]);
        },
        findingsOf: (r) => r.findings.filter((f) => f.path === path),
        textOf,
        setText: (p, text) => {
          if (!original.has(p)) original.set(p, textOf(p) ?? '');
          overlay.set(p, text);
        },
      },
      maxPasses,
      first,
    );
    return { edits: [...overlay].flatMap(([p, text]) => editsBetween(p, original.get(p) ?? '', text)), before: original };
  }

  /**
   * How high above `path` the editor may look for the main configuration: in a trusted workspace as high as the CLI
   * looks (the root; undefined), since a workspace folder opened at sites-available/ or conf.d/ holds none, and the
   * nginx.conf that includes the file sits beside those folders; in an untrusted one, no higher than the workspace
   * folder that holds the file, since nothing outside it is read, not even to see whether an nginx.conf is there
   * (null when no folder holds the file: nothing above it may be looked at).
   */
  private searchStop(path: string): string | undefined | null {
    if (this.trusted) return undefined;
    return this.rootOf(path) ?? null;
  }

  /**
   * As the CLI chooses it (see fragmentPrefix): the nearest folder above the file with an nginx entry of the workspace
   * or an nginx.conf, within what searchStop allows; null when there is none.
   */
  private fragmentPrefix(path: string): string | null {
    const stop = this.searchStop(path);
    if (stop === null) return null;
    const entryDirs = [...this.nginxEntries].map(dirname);
    return fragmentPrefix(path, entryDirs, (p) => this.openText(p) !== undefined || this.env.isFile(p), stop) ?? null;
  }

  /** The main configuration (nginx.conf, apache2.conf, httpd.conf) nearest above `path`, within what may be read. */
  private entryAbove(path: string, text: string): string | undefined {
    const stop = this.searchStop(path);
    if (stop === null) return undefined;
    const isFile = (p: string) => this.openText(p) !== undefined || this.env.isFile(p);
    if (this.dialectOf(path, text) === 'apache') return apacheEntryAbove(path, isFile, stop);
    const prefix = this.fragmentPrefix(path);
    const entry = prefix === null ? undefined : join(prefix, 'nginx.conf');
    return entry && entry !== path && isFile(entry) ? entry : undefined;
  }

  /** The innermost workspace folder holding `path`. */
  private rootOf(path: string): string | undefined {
    return this.roots.filter((r) => path.startsWith(r + '/')).sort((a, b) => b.length - a.length)[0];
  }

  private openText = (path: string): string | undefined => this.documents.all().find((d) => uriToPath(d.uri) === path)?.getText();

  host(): Host {
    return this.guard(this.env.createHost(this.openText, this.trusted ? undefined : this.roots));
  }

  /**
   * Why the open buffer of `path` is not checked: it has NUL bytes, as a binary file opened as text does (the CLI
   * refuses to read such a file; parsing it would only report its bytes as syntax errors). Undefined otherwise.
   */
  binaryReason(path: string): string | undefined {
    const text = this.openText(path);
    return text !== undefined && looksBinary(text) ? BINARY_FILE_MESSAGE : undefined;
  }

  /**
   * An open binary buffer is read as the CLI reads a binary file: not at all (an include of it is unreadable). A file
   * an include's wildcard finds through a link to an open document is read as that document (see openLinkTarget).
   */
  private guard(host: Host, twin?: Twin): Host {
    const guarded: Host = {
      readFile: (p) => (this.binaryReason(p) ? { ok: false, reason: 'binary', message: BINARY_FILE_MESSAGE } : host.readFile(p)),
      glob: (pattern) => {
        const g = host.glob(pattern);
        return 'paths' in g ? { paths: g.paths.map((p) => (p === twin?.link ? twin.doc : this.openLinkTarget(p, host) ?? p)) } : g;
      },
    };
    if (host.realpath) guarded.realpath = (p) => host.realpath!(p);
    if (host.byteOrderMark) guarded.byteOrderMark = (p) => host.byteOrderMark!(p);
    return guarded;
  }

  /**
   * The open document that `path`, a link, points to. Debian's sites-enabled/x (nginx's and Apache's alike) is a link
   * to sites-available/x, where the file is edited: the configuration reads it by the link, and the CLI reports it
   * there, so an edit of sites-available/x is checked in place of the link's file, its findings shown on the
   * document. Only links with the document's name are looked at (a2ensite and the usual `ln -s` keep it), which spares
   * a realpath for every other file a wildcard finds; a link that is itself open stays its own document, whichever
   * of the two was opened first (the CLI reports the file by the link, and so does the editor then), and the
   * document it points to gets a check of its own in the configuration (linkTwin).
   */
  private openLinkTarget(path: string, host: Pick<Host, 'realpath'>): string | undefined {
    if (!host.realpath) return undefined;
    const name = basename(path);
    let real: string | undefined;
    let target: string | undefined;
    for (const d of this.documents.all()) {
      const p = uriToPath(d.uri);
      if (!p || basename(p) !== name) continue;
      if (p === path) return undefined;
      if (target) continue;
      real ??= host.realpath(path);
      if (real !== path && real === host.realpath(p)) target = p;
    }
    return target;
  }

  /**
   * With both open, sites-available/x and the link sites-enabled/x to it: the configuration reads the link's document,
   * and the file open as sites-available/x would be checked alone, as a fragment, and show other findings than the
   * CLI given that file (which checks it in the configuration, by the link's name). Its twin check is the
   * configuration's again, reading this document's text in the link's place, as when the link is not open: the
   * entry that reads the link, and the link. Undefined when no open link to `path` is read by a configuration.
   */
  private linkTwin(path: string): Twin | undefined {
    const host = this.host();
    if (!host.realpath) return undefined;
    const name = basename(path);
    let real: string | undefined;
    for (const d of this.documents.all()) {
      const link = uriToPath(d.uri);
      if (!link || link === path || basename(link) !== name) continue;
      const target = host.realpath(link);
      if (target === link) continue;
      real ??= host.realpath(path);
      if (target !== real) continue;
      // The link's own check decides which configuration reads it (the nearest entry above, with no workspace folder).
      if (!this.resultFor(link)) continue;
      const entry = this.ownerOf(link);
      if (entry !== link && this.closures.get(entry)?.has(link)) return { entry, link, doc: path };
    }
    return undefined;
  }

  /** Whether `files` (an entry's closure) reads `path` through a link, before a check made it read the document itself. */
  private readsThroughLink(files: ReadonlySet<string>, path: string, host: Pick<Host, 'realpath'> = this.host()): boolean {
    if (!host.realpath) return false;
    const name = '/' + basename(path);
    for (const f of files) if (f !== path && f.endsWith(name) && this.openLinkTarget(f, host) === path) return true;
    return false;
  }

  /**
   * Whether `files` read the file `path` names by another name (the link's target read in the link's place, before
   * the link was opened): opening or closing `path` changes which document such a check reads.
   */
  private readsAnotherName(files: ReadonlySet<string>, path: string, host: Pick<Host, 'realpath'>): boolean {
    if (!host.realpath) return false;
    const name = '/' + basename(path);
    let real: string | undefined;
    for (const f of files) {
      if (f === path || !f.endsWith(name)) continue;
      real ??= host.realpath(path);
      if (host.realpath(f) === real) return true;
    }
    return false;
  }

  /** Per folder: reading .proxylintrc.json on every keystroke would be wasted work; reset() forgets them. */
  private readonly settingsCache = new Map<string, LoadedSettings>();

  private loadSettings(path: string): LoadedSettings {
    const dir = dirname(path);
    const hit = this.settingsCache.get(dir);
    if (hit) return hit;
    const { settings, problems, configPath } = this.env.settingsFor(path, this.editorSettings);
    for (const p of problems) this.log(`${configPath ?? 'editor settings'}: ${p}`);
    this.onSettingsProblems(configPath, problems);
    // "ignore" patterns are relative to the .proxylintrc.json that lists them; set in the editor, to the workspace folder.
    const root = this.rootOf(path);
    const loaded = { settings, ignoreBase: configPath ? dirname(configPath) : root ?? dir, configPath, problems };
    this.settingsCache.set(dir, loaded);
    return loaded;
  }

  /** What is wrong with the settings a file is checked with (its .proxylintrc.json, or the editor's), if anything. */
  settingsProblemsFor(path: string): { configPath?: string; problems: string[] } {
    const { configPath, problems } = this.loadSettings(path);
    return { configPath, problems };
  }

  settingsFor(path: string): Settings {
    return this.loadSettings(path).settings;
  }

  /** The file matches the "ignore" list of its settings: as the CLI reports nothing on it, the editor shows nothing. */
  isIgnored(path: string): boolean {
    const { settings, ignoreBase } = this.loadSettings(path);
    return isIgnored(path, settings.ignore, ignoreBase);
  }

  /** Finds the workspace's nginx entry configs once and learns what each includes. */
  private indexEntries(): void {
    if (this.entriesIndexed) return;
    this.entriesIndexed = true;
    for (const entry of this.env.findEntries(this.roots, this.trusted ? undefined : this.roots)) this.lintEntry(entry);
    // An entry checked before another that includes the same files could not compare its fixes with that one's.
    for (const [entry, checked] of this.undemoted) if (this.results.has(entry)) this.results.set(entry, this.demoteAcrossEntries(entry, checked));
  }

  /**
   * As the CLI does for the configurations of one run (demoteCrossConfigFixes): a fix that edits a file another entry
   * of the workspace also includes is kept only when that entry's last result offers the same fix.
   */
  private demoteAcrossEntries(entry: string, result: Checked): Checked {
    if (!result.findings.some((f) => f.fix)) return result;
    const others = [...this.closures].filter(([e, files]) => e !== entry && result.config.files.some((f) => files.has(f.path)));
    if (others.length === 0) return result;
    const runs = [
      { files: new Set(result.config.files.map((f) => f.path)), findings: result.findings },
      // The other entry's findings before this step (an entry not checked since its last change offers nothing).
      ...others.map(([e, files]) => ({ files, findings: this.results.has(e) ? (this.undemoted.get(e)?.findings ?? []) : [] })),
    ];
    const findings = demoteCrossConfigFixes(runs).slice(0, result.findings.length);
    const demoted = { ...result, findings } as Checked;
    const how = this.checkedAs.get(result);
    if (how) this.checkedAs.set(demoted, how);
    return demoted;
  }

  private lintEntry(entry: string): Checked | undefined {
    const text = this.readDisk(entry);
    if (text === undefined) return undefined;
    this.views.clear();
    const checked = this.check(entry, text);
    this.undemoted.set(entry, checked);
    const result = this.demoteAcrossEntries(entry, checked);
    this.results.set(entry, result);
    this.closures.set(entry, new Set(result.config.files.map((f) => f.path)));
    // A file this entry now includes was checked alone until now: that result no longer applies to it.
    for (const f of result.config.files) if (f.path !== entry && !this.closures.has(f.path)) this.results.delete(f.path);
    if (result.dialect === 'nginx') this.nginxEntries.add(entry);
    else this.nginxEntries.delete(entry);
    return result;
  }

  /** The open buffer, else the disk; undefined when neither can be read or the text is binary. */
  private readDisk(path: string): string | undefined {
    const r = this.host().readFile(path);
    return r.ok ? r.text : undefined;
  }

  /**
   * The config a file is checked in: an entry that includes it (the first, when several do: its tree serves hover,
   * completion and navigation, while findingsView and includingEntries take them all), the file itself if it is an
   * entry, else the file alone.
   */
  ownerOf(path: string): string {
    this.indexEntries();
    if (this.closures.has(path)) return path;
    for (const [entry, files] of this.closures) if (files.has(path)) return entry;
    // A document its configuration reads through a link: checked again, the configuration reads the document itself.
    const host = this.host();
    for (const [entry, files] of this.closures) if (this.readsThroughLink(files, path, host)) return entry;
    return path;
  }

  /**
   * The entries whose configuration reads `path`, as the CLI given the workspace checks it in each of them. One that
   * an edit has invalidated is checked again first: the edit may have removed its include of the file.
   */
  includingEntries(path: string): string[] {
    this.indexEntries();
    const out: string[] = [];
    for (const [entry, files] of [...this.closures]) {
      if (!files.has(path)) continue;
      if (!this.results.has(entry) && !this.resultFor(entry)) continue;
      if (this.closures.get(entry)?.has(path)) out.push(entry);
    }
    return out;
  }

  /** The results of the entries that include `path`, when there are several (hover tells the values in force in each). */
  resultsIncluding(path: string): Checked[] {
    const including = this.includingEntries(path);
    return including.length > 1 ? including.flatMap((e) => this.results.get(e) ?? []) : [];
  }

  /** Per file that several entries include: what findingsView made of their results, until one of them changes. */
  private readonly views = new Map<string, FindingsView>();

  /**
   * The findings the editor shows on `path` (diagnostics, quick fixes, fix all). For a file several entries include,
   * those every one of them finds there, merged as the CLI merges the configurations of a run (mergeConfigRuns): each
   * once, the ones some entries make naming them, fixes that edit a file other entries read kept only when they all
   * offer them. Otherwise the result of the one configuration the file belongs to.
   */
  findingsView(path: string): FindingsView | undefined {
    if (this.binaryReason(path)) return undefined;
    const including = this.includingEntries(path);
    if (including.length < 2) return this.resultFor(path);
    const hit = this.views.get(path);
    if (hit) return hit;
    const view = this.merge(path, including, including.map((e) => this.undemoted.get(e) ?? this.results.get(e)!));
    this.views.set(path, view);
    return view;
  }

  /** mergeConfigRuns over `results` (of the entries `including`) and the other entries that share files with them. */
  private merge(path: string, including: string[], results: Checked[]): FindingsView {
    const runs: ConfigRun[] = results.map((r, k) => ({ files: new Set(r.config.files.map((f) => f.path)), findings: r.findings, entry: including[k], placement: placementInEntry(including[k], r.config.all) }));
    // As demoteAcrossEntries: another entry that reads one of their files must offer a fix that edits it too (it offers
    // none when it is not checked since its last change). It reports nothing on `path`, which it does not include.
    const read = new Set(runs.flatMap((r) => [...r.files]));
    const shares = (files: ReadonlySet<string>) => {
      for (const f of files) if (read.has(f)) return true;
      return false;
    };
    for (const [e, files] of this.closures) {
      if (including.includes(e) || !shares(files)) continue;
      runs.push({ files, findings: this.results.has(e) ? (this.undemoted.get(e)?.findings ?? []) : [] });
    }
    const files = new Map<string, SourceFile | ApacheSourceFile>();
    for (const r of results) for (const f of r.config.files) if (!files.has(f.path)) files.set(f.path, f);
    return { config: { files: [...files.values()] }, findings: mergeConfigRuns(runs).filter((f) => f.path === path) };
  }

  /** The lint result for the configuration `path` belongs to (cached until something changes). */
  resultFor(path: string): Checked | undefined {
    // Never parsed: no result, so no hover, symbols or code actions either (diagnosticsFor says why).
    if (this.binaryReason(path)) return undefined;
    const owner = this.ownerOf(path);
    const cached = this.results.get(owner);
    if (cached) return cached;
    if (owner === path ? this.isEntryText(path) : true) {
      const r = this.lintEntry(owner);
      // The entry's tree of before may be out of date: it read this document, and now reads its link, opened since.
      if (owner === path || this.closures.get(owner)?.has(path) || this.readsThroughLink(this.closures.get(owner) ?? new Set(), path)) return r;
    }
    const text = this.readDisk(path);
    if (text === undefined) return undefined;
    const twin = this.linkTwin(path);
    const entryText = twin && this.readDisk(twin.entry);
    if (twin && entryText !== undefined) {
      const r = this.demoteAcrossEntries(twin.entry, this.check(twin.entry, entryText, false, undefined, twin));
      if (r.config.files.some((f) => f.path === path)) {
        this.twins.add(r);
        this.results.set(path, r);
        return r;
      }
    }
    // A file no entry of the workspace includes (no folder open, or the file outside it) belongs to the main
    // configuration above it when that includes it, as the CLI given the file alone decides.
    const above = this.entryAbove(path, text);
    if (above && !this.closures.has(above) && this.isEntryText(above)) {
      const r = this.lintEntry(above);
      if (this.closures.get(above)?.has(path)) return r;
    }
    const result = this.check(path, text, true);
    this.results.set(path, result);
    return result;
  }

  private isEntryText(path: string): boolean {
    // A closed file is what the disk says: closing nginx.conf does not make it stop being an entry.
    const text = this.readDisk(path);
    if (text === undefined) return false;
    return this.dialectOf(path, text) === 'apache' ? isApacheEntry(this.parseApache(path, text)) : isNginxEntry(this.parse(path, text));
  }

  /** The lint results of the workspace's nginx entry configurations (to place error-log lines in). */
  nginxEntryResults(): (LintResult & { path: string; settings: Settings })[] {
    this.indexEntries();
    const out: (LintResult & { path: string; settings: Settings })[] = [];
    for (const entry of [...this.nginxEntries]) {
      const r = this.resultFor(entry);
      if (r?.dialect === 'nginx') out.push({ ...r, path: entry, settings: this.settingsFor(entry) });
    }
    return out;
  }

  /**
   * The lint results of the workspace's Apache httpd configurations (to place error-log lines in): its entries, and
   * the open files checked on their own (a virtual-host file with no apache2.conf in the workspace).
   */
  apacheResults(): ApacheLintResult[] {
    this.indexEntries();
    const out = new Set<ApacheLintResult>();
    const open = this.documents.all().map((d) => uriToPath(d.uri)).filter((p): p is string => !!p);
    for (const path of [...this.closures.keys(), ...open]) {
      const r = this.resultFor(path);
      // A twin is its link's configuration checked again: that one is here already.
      if (r?.dialect === 'apache' && !this.twins.has(r)) out.add(r);
    }
    return [...out];
  }

  /**
   * Forgets results that depend on `path`; returns the open documents whose findings may have changed as far as the
   * old include tree tells. An edit can also add files to the tree: see openFilesWith for those. `openedOrClosed`: the
   * document was just opened or closed, which changes what a check that read its file by another name reads (a
   * realpath per file of that name; an edit does not change it, so a keystroke is spared them).
   */
  invalidate(path: string, openedOrClosed = false): string[] {
    this.views.clear();
    // Only the checks this edit invalidates are worth keeping: one kept from an earlier edit holds a whole tree.
    this.before.clear();
    const affected = new Set<string>([path]);
    const host = this.host();
    for (const [owner, result] of this.results) {
      const files = new Set(result.config.files.map((f) => f.path));
      if (owner === path || files.has(path) || this.readsThroughLink(files, path, host) || (openedOrClosed && this.readsAnotherName(files, path, host))) {
        const checked = this.undemoted.get(owner) ?? result;
        if (checked.dialect === 'nginx' && checked.runs) this.before.set(owner, checked);
        this.results.delete(owner);
        this.undemoted.delete(owner);
        files.forEach((f) => affected.add(f));
      }
    }
    // A newly typed `http {` can make a fragment an entry, or an entry stop being one.
    if (this.closures.has(path) !== this.isEntryText(path)) {
      if (this.closures.has(path)) {
        this.closures.delete(path);
        this.nginxEntries.delete(path);
      } else this.closures.set(path, new Set([path]));
    }
    return this.openAmong(affected);
  }

  /**
   * The open documents of the configuration `path` belongs to now, checking it again if need be. After an edit that
   * adds an include, the newly included file is among them but was in no old tree, so invalidate() missed it.
   */
  openFilesWith(path: string): string[] {
    // A fragment checked alone decides nothing about the findings of other files (each is checked in its own config).
    if (this.ownerOf(path) === path && !this.closures.has(path)) return this.openAmong(new Set([path]));
    // A file several entries include is in each of their trees, and its includes resolve in each (against a/ and b/).
    const including = this.includingEntries(path);
    const results = including.length > 1 ? including.map((e) => this.results.get(e)) : [this.resultFor(path)];
    const files = new Set([path]);
    for (const r of results) r?.config.files.forEach((f) => files.add(f.path));
    return this.openAmong(files);
  }

  /**
   * The files of the configurations the open documents `open` are checked in (the entries that include each, with
   * everything those include; a file checked alone, with what it includes), other than the open ones, in include
   * order, each with the view its findings come from. In an entry's configuration that is what the file would show
   * if it were opened (findingsView: every entry that includes it); in a file checked alone, that check, which already
   * read it (checking each of its includes alone as well would be a second lint per file for the same findings).
   * Nothing is read that the checks did not read: the files come from their results.
   */
  configurationMembers(open: readonly string[]): Map<string, FindingsView> {
    const openSet = new Set(open);
    const out = new Map<string, FindingsView>();
    for (const p of open) {
      const own = this.resultFor(p);
      // A twin's configuration is its link's: the link, open too, gives its files their views.
      if (!own || this.twins.has(own)) continue;
      // After resultFor: checking the file may have found the entry above it that includes it.
      const including = this.includingEntries(p);
      const results = including.length ? including.map((e) => this.results.get(e)) : [own];
      for (const r of results) {
        if (!r) continue;
        for (const f of r.config.files) {
          if (openSet.has(f.path) || out.has(f.path)) continue;
          const view = including.length ? this.findingsView(f.path) : r;
          if (view) out.set(f.path, view);
        }
      }
    }
    return out;
  }

  private openAmong(paths: ReadonlySet<string>): string[] {
    return this.documents
      .all()
      .map((d) => uriToPath(d.uri))
      .filter((p): p is string => !!p && paths.has(p));
  }

  /**
   * Whether a change on disk at `path` can change what is shown: a .proxylintrc.json; a file a configuration read;
   * and, created or deleted, a file in a folder one read from (an include glob may take it in or lose it), a folder
   * that holds a file one read (VS Code reports a deleted folder alone, not its files), a *.conf file (conf.d/new.conf
   * for a folder read nothing from yet), or an entry (nginx.conf, apache2.conf, httpd.conf).
   */
  changedOnDisk(path: string, createdOrDeleted: boolean): boolean {
    const base = basename(path);
    if (base === '.proxylintrc.json') return true;
    if (createdOrDeleted && base.endsWith('.conf')) return true;
    const dir = dirname(path);
    const inside = path.endsWith('/') ? path : `${path}/`;
    const reads = (p: string) => p === path || (createdOrDeleted && (dirname(p) === dir || p.startsWith(inside)));
    for (const files of this.closures.values()) for (const p of files) if (reads(p)) return true;
    for (const r of this.results.values()) for (const f of r.config.files) if (reads(f.path)) return true;
    return false;
  }

  /** Files changed on disk, settings changed or the workspace changed: start over. */
  reset(): void {
    this.views.clear();
    this.before.clear();
    this.results.clear();
    this.undemoted.clear();
    this.closures.clear();
    this.nginxEntries.clear();
    this.settingsCache.clear();
    this.entriesIndexed = false;
  }
}
