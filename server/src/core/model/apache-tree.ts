import { TEMPLATE_MARKUP } from './template-markup';
import type { Host } from '../host';
import { basename, dirname, hasGlob, isAbsolute, resolve } from '../paths';
import { LineIndex } from '../text';
import type { ApacheAst, ApacheDirective, ApacheTag, Span } from '../syntax/apache/ast';
import { parseApache } from '../syntax/apache/parser';
import { DEFAULT_MAX_DIRECTIVES, DEFAULT_MAX_INCLUDE_DEPTH, type LoadProblem as NginxLoadProblem } from './nginx-tree';
import { pathMapper, realPathMemo } from './include-paths';
import { ifVersionHolds } from './apache-ifversion';
import { mayLoadModules, ReadState } from './apache-conditions';
import { sectionRefused } from './apache-section-nesting';
import type { Version } from './version';

export interface ApacheSourceFile {
  path: string;
  text: string;
  ast: ApacheAst;
  lines: LineIndex;
}

/** The scope kinds httpd knows: the main server, a virtual host, a per-directory section, an .htaccess file. */
export type ApacheContext = 'server' | 'virtualhost' | 'directory' | 'htaccess';

/** One directive placed in the effective configuration: included files are spliced in where `Include` stands. */
export interface ApacheNode {
  directive: ApacheDirective;
  /** The name as written (sections without `<`). */
  name: string;
  /** Lower-case name, for matching. */
  lname: string;
  file: ApacheSourceFile;
  parent: ApacheNode | null;
  children: ApacheNode[];
  /** The `Include` that brought this directive's file in, for directives at the top of an included file. */
  via: ApacheNode | null;
  /** Argument values with `${VAR}` replaced by `Define`d values; unknown variables are left as written. */
  args: string[];
  /** True when an argument still holds a `${VAR}` httpd would fill from the environment or a -D flag. */
  unresolved: boolean;
  /**
   * For a line of a `<Macro>` body, the `Use` that expanded it here (mod_macro): its `args` hold that Use's values for
   * the macro's parameters, its spans are the body's lines, which every Use of the macro shares.
   */
  macro?: ApacheNode;
  /**
   * For an `<IfModule>`, `<IfDefine>` or `<IfVersion>` section whose condition proxylint can tell: whether httpd reads
   * what is inside, and why (for the editor). Undefined when it cannot tell, or for any other line.
   */
  condition?: { holds: boolean; why: string };
}

export interface ApacheLoadProblem {
  kind: NginxLoadProblem['kind'];
  file: ApacheSourceFile;
  span: Span;
  message: string;
  mayExistOnServer?: boolean;
  /**
   * True for a file a wildcard include listed that cannot be opened (a dangling symbolic link): the include's
   * other files were read, so it hides no LoadModule lines.
   */
  danglingLink?: boolean;
  /**
   * True when ServerRoot is only a guess and the path exists under no likely ServerRoot in the checkout:
   * whether httpd finds it depends on a ServerRoot proxylint does not know, so this is not a sure start failure.
   */
  unverified?: boolean;
  /** Not read on purpose: outside the workspace folders of an untrusted (Restricted Mode) workspace. */
  notFollowed?: boolean;
}

export interface ApacheLoadOptions {
  /**
   * ServerRoot, against which relative Include paths resolve. Default: a ServerRoot directive, else the entry's
   * folder (its parent for a sites-enabled/… file), and then the folders above it for paths not found there.
   */
  serverRoot?: string;
  pathMap?: Record<string, string>;
  /** True for an .htaccess file (default: decided by the file name). */
  htaccess?: boolean;
  parse?: (path: string, text: string) => ApacheSourceFile;
  maxIncludeDepth?: number;
  /** Includes are not followed once the configuration has this many directives (an include fan-out can multiply them). */
  maxDirectives?: number;
  /** The httpd version the configuration is for (apache.version), for `<IfVersion>`; unknown: some 2.4 release. */
  version?: Version;
  /** The names httpd is started with `-D` (apache.defines), for `<IfDefine>`; undefined: not known. */
  defines?: readonly string[];
}

export interface ApacheConfig {
  entry: ApacheSourceFile;
  /** Every file read, entry first, each once. */
  files: ApacheSourceFile[];
  roots: ApacheNode[];
  /** Every node, in document order (pre-order). */
  all: ApacheNode[];
  problems: ApacheLoadProblem[];
  serverRoot: string;
  htaccess: boolean;
  /** Variables set by `Define`, as they stand at the end of the configuration. */
  defines: Map<string, string>;
  /**
   * IncludeOptional lines that found nothing here but may on the server (an absolute path, or a ServerRoot the
   * settings do not give): what they would load (LoadModule lines above all) is not visible.
   */
  unseenIncludes: ApacheNode[];
  /**
   * Conditional sections httpd skips: an `<IfVersion>` false for the target version, an `<IfModule>` for a module not
   * loaded above it (when the configuration shows all of them), an `<IfDefine>` for a name not defined above it (when
   * the configuration and apache.defines show all of them). No Include in them was followed, no Define or LoadModule
   * in them counts, and the rules do not analyse them. Sections proxylint cannot decide are read, as httpd may.
   */
  unread: ApacheNode[];
  /**
   * The files each Include or IncludeOptional line read, in order (a folder's files, a wildcard's matches): only files
   * that were read, so none outside the workspace in Restricted Mode, and none that is missing or unreadable.
   */
  includeTargets: Map<ApacheDirective, string[]>;
  /**
   * mod_macro lines httpd refuses, which stop it while it reads the configuration: a `Use` (see expandUse), an
   * `UndefMacro` (see undefMacroError), a `<Macro>` (see macroDefinitionError). Only where the configuration shows it
   * for sure, with httpd's words.
   */
  macroErrors: MacroError[];
  /**
   * The files with a Use whose macro body (or a body it uses in turn) opens or closes sections. httpd reads a body in
   * place of its Use (mod_macro hands it the body's lines, then the file's again), so a body may open a section the
   * file closes after the Use, or close one the file opened before it (apache2 -t 2.4.68 loads both). For these
   * files this is the first nesting error httpd meets across the bodies, or null; the parser's nesting problems,
   * made from the file alone, do not count for them.
   */
  nesting: Map<ApacheSourceFile, NestingError | null>;
}

/** A section tag httpd stops at (see ApacheConfig.nesting), with parser's words for it. */
export interface NestingError {
  file: ApacheSourceFile;
  start: number;
  end: number;
  message: string;
  related: { file: ApacheSourceFile; start: number; end: number; message: string }[];
}

/** A mod_macro line httpd refuses: `says` is apache2 -t's message; `macroAt` the `<Macro>` it names, when there is one. */
export interface MacroError {
  node: ApacheNode;
  says: string;
  why: string;
  macroAt?: ApacheNode;
}

export function parseApacheSourceFile(path: string, text: string): ApacheSourceFile {
  return { path, text, ast: parseApache(text), lines: new LineIndex(text) };
}

const LAYOUT_DIRS = /^(sites|conf|mods)-(available|enabled)$|^conf\.d$|^conf\.modules\.d$|^extra$|^vhosts?\.d$|^other$/;

/** Where relative paths resolve when the configuration does not say: Debian and Red Hat keep snippets one level below ServerRoot. */
export function guessServerRoot(entryPath: string): string {
  const dir = dirname(entryPath);
  return LAYOUT_DIRS.test(basename(dir)) ? dirname(dir) : dir;
}

/** The wording for a relative include found under no likely ServerRoot: proxylint cannot tell whether httpd would find it. */
function unverifiedMessage(what: string, guessedRoot: string, consequence: string): string {
  return `cannot verify this include: ${what} (looked under ${guessedRoot} and the folders above it, since neither the configuration nor the settings give ServerRoot); ${consequence}`;
}

const VAR = /\$\{([^}]*)\}/g;


export function loadApacheConfig(entryPath: string, entryText: string, host: Host, options: ApacheLoadOptions = {}): ApacheConfig {
  const parse = options.parse ?? parseApacheSourceFile;
  const maxDepth = options.maxIncludeDepth ?? DEFAULT_MAX_INCLUDE_DEPTH;
  const maxDirectives = options.maxDirectives ?? DEFAULT_MAX_DIRECTIVES;
  const overLimit = new Set<string>();
  const identity = realPathMemo(host);
  const entry = parse(entryPath, entryText);
  const filesByPath = new Map<string, ApacheSourceFile>([[entryPath, entry]]);
  const problems: ApacheLoadProblem[] = [];
  const unseenIncludes: ApacheNode[] = [];
  const unread: ApacheNode[] = [];
  const includeTargets = new Map<ApacheDirective, string[]>();
  const included = (node: ApacheNode, path: string) => {
    const list = includeTargets.get(node.directive);
    if (!list) includeTargets.set(node.directive, [path]);
    else if (!list.includes(path)) list.push(path);
  };
  const all: ApacheNode[] = [];
  const defines = new Map<string, string>();
  const htaccess = options.htaccess ?? basename(entryPath) === '.htaccess';
  const state = new ReadState({ commandLine: options.defines, main: !htaccess && isApacheEntry(entry) });
  let serverRoot = options.serverRoot ?? guessServerRoot(entryPath);
  /**
   * Where ServerRoot comes from: apache.serverRoot; a ServerRoot directive naming a folder found in the checkout;
   * one naming a folder that is only on the server; or nothing (httpd then uses its compiled-in default, which a
   * checkout says nothing about), so the entry's folder is a guess.
   */
  let rootSource: 'settings' | 'config' | 'server-only' | 'guess' = options.serverRoot !== undefined ? 'settings' : 'guess';
  /**
   * A ServerRoot such as /etc/httpd that is not in the checkout: use the entry's ancestor folder of the
   * same name (…/centos7/httpd/conf/httpd.conf → …/centos7/httpd) when there is one.
   */
  const serverRootFor = (p: string): { root: string; inCheckout: boolean } => {
    // The checkout's own folder first, as for nginx: linting a repository must not depend on what this machine has
    // in its /etc/apache2 (a CI runner with apache2 installed read its own conf-enabled/, not the repository's).
    const name = basename(p);
    for (let dir = dirname(entryPath); dir !== '/' && dir !== '.'; dir = dirname(dir)) if (basename(dir) === name) return { root: dir, inCheckout: true };
    const probe = host.readFile(p);
    if (!probe.ok && probe.reason === 'directory') return { root: p, inCheckout: true };
    return { root: p, inCheckout: false };
  };
  /**
   * httpd resolves a relative Include against ServerRoot only, never against the including file's folder
   * (https://httpd.apache.org/docs/2.4/mod/core.html#include). When the checkout does not show where ServerRoot
   * is, a fragment such as h5bp/basic.conf (`Include h5bp/security/x.conf`) is usually meant for a ServerRoot
   * higher up: the folders above the entry, nearest first, are the likely ServerRoots.
   */
  const likelyRoots = (): string[] => {
    if (rootSource === 'settings' || rootSource === 'config') return [];
    const out: string[] = [];
    for (let dir = dirname(entryPath); dir !== '/' && dir !== '.'; dir = dirname(dir)) if (dir !== serverRoot) out.push(dir);
    return out;
  };

  const mapPath = pathMapper(options.pathMap);
  /**
   * For an absolute path missing from the checkout, the checkout folder that mirrors it: ServerRoot ends with the
   * path's leading folders (repo/etc/apache2 ↔ /etc/apache2) or is named like one of its folders (repo/conf/etc/httpd
   * ↔ /opt/docker/etc/httpd, the layout Docker images copy into place), as for nginx.
   */
  const rerooted = (p: string): string | undefined => {
    const dir = serverRoot.split('/').filter(Boolean);
    const segs = p.split('/').filter(Boolean);
    for (let k = Math.min(dir.length, segs.length - 1); k >= 1; k--) {
      if (dir.slice(dir.length - k).join('/') === segs.slice(0, k).join('/')) return '/' + [...dir, ...segs.slice(k)].join('/');
    }
    const j = segs.lastIndexOf(dir[dir.length - 1] ?? '', segs.length - 2);
    return j >= 0 ? '/' + [...dir, ...segs.slice(j + 1)].join('/') : undefined;
  };

  // mod_macro: the macros defined so far (a Use must come after its <Macro>; names in any case), and the parameters of
  // the Use being expanded, longest name first so that "$port" is not read as "$p" followed by "ort".
  const macros = new Map<string, ApacheNode>();
  const macroBodies = new Map<ApacheNode, ApacheAst>();
  const macroErrors: MacroError[] = [];
  /**
   * What proxylint knows of the macros httpd has: `holes` counts the places above that it cannot see (a missing
   * include, a Use it cannot expand), which may define or drop macros; `definedAt` the count when each <Macro> was read
   * (-1 when httpd may or may not read it); `unsure` is set once a <Macro> or UndefMacro may or may not have been read,
   * or names its macro with a variable; `anyMacro` once httpd has surely read a <Macro>; `doubtful` while expanding a
   * macro whose definition a hole may have replaced.
   */
  const macroState = { holes: 0, unsure: false, anyMacro: false, doubtful: false };
  const definedAt = new Map<ApacheNode, number>();
  let macroParams: [string, string][] = [];
  /** The Use whose macro body is being built (see ApacheNode.macro). */
  let expanding: ApacheNode | undefined;
  const activeMacros: string[] = [];
  const substitute = (v0: string): { value: string; unresolved: boolean } => {
    let v = v0;
    for (const [name, value] of macroParams) if (v.includes(name)) v = v.split(name).join(value);
    if (!v.includes('${')) return { value: v, unresolved: false };
    let unresolved = false;
    const value = v.replace(VAR, (m, name: string) => {
      const d = defines.get(name);
      if (d === undefined) {
        unresolved = true;
        return m;
      }
      return d;
    });
    return { value, unresolved };
  };

  const where = (d: ApacheDirective, file: ApacheSourceFile) => `line ${file.lines.positionAt(d.start).line + 1}${file === entry ? '' : ` of ${basename(file.path)}`}`;

  /** Whether httpd reads the inside of a conditional section, as far as what it has read above shows; undefined when it may or may not. */
  const decide = (d: ApacheDirective, args: string[], unresolved: boolean): { holds: boolean | undefined; why: string } => {
    // A variable's value may come from a Define proxylint cannot tell is read. (<IfVersion> keeps its earlier rule: a
    // value filled from any Define counts.)
    if (unresolved || (d.lname !== 'ifversion' && d.args.some((a) => a.value.includes('${')))) return { holds: undefined, why: '' };
    if (d.lname === 'ifversion') {
      const holds = ifVersionHolds(args, options.version ?? null);
      const target = options.version ? `apache.version ${options.version.join('.')}` : 'any 2.4 release (apache.version is not set)';
      return { holds, why: `\`${args.join(' ')}\` is ${holds ? 'true' : 'false'} for ${target}` };
    }
    if (d.lname === 'ifdefine') return state.ifDefine(args);
    if (d.lname === 'ifmodule') return state.ifModule(args);
    return { holds: undefined, why: '' };
  };

  /**
   * What proxylint cannot see may load modules or define names: an include that is missing or unreadable (a
   * problem), one named with a variable, an IncludeOptional that matches nothing here but may on the server, and a
   * `Use` that cannot be expanded here (see expandUse). Checked before each line, so that the
   * lines after a hole are the ones it affects.
   */
  let seen = { problems: 0, unseen: 0 };
  const hidden = (loadsModules: boolean, macroHole = true) => {
    if (macroHole) macroState.holes++;
    if (loadsModules) state.modulesIncomplete();
    state.defineUnknown('both');
  };
  const noteHoles = () => {
    if (problems.length === seen.problems && unseenIncludes.length === seen.unseen) return;
    hidden(problems.length > seen.problems || unseenIncludes.slice(seen.unseen).some(mayLoadModules));
    seen = { problems: problems.length, unseen: unseenIncludes.length };
  };

  /**
   * `skipped`: inside a conditional section httpd does not read, where nodes are kept (for the editor) but have no
   * effect. `uncertain`: inside one proxylint cannot decide, where httpd may or may not read them: what they load or
   * define is only possible.
   */
  const build = (dirs: ApacheDirective[], file: ApacheSourceFile, parent: ApacheNode | null, via: ApacheNode | null, stack: string[], out: ApacheNode[], skipped = false, uncertain = false) => {
    for (const d of dirs) {
      let unresolved = false;
      const args = d.args.map((a) => {
        const r = substitute(a.value);
        unresolved ||= r.unresolved || TEMPLATE_MARKUP.test(a.value);
        return r.value;
      });
      const node: ApacheNode = { directive: d, name: d.name, lname: d.lname, file, parent, children: [], via, args, unresolved, ...(expanding ? { macro: expanding } : {}) };
      out.push(node);
      all.push(node);
      if (skipped) {
        if (d.section && !d.section.opaque) build(d.section.children, file, node, null, stack, node.children, true);
        continue;
      }
      noteHoles();
      // The name alone decides what Define, Undefine and LoadModule do to the conditions below; a value may stay unresolved.
      const nameKnown = args.length >= 1 && !args[0].includes('${') && !TEMPLATE_MARKUP.test(d.args[0].value);
      if (d.lname === 'define' && args.length >= 1) {
        if (!unresolved) defines.set(args[0], args[1] ?? '');
        if (nameKnown) state.define(args[0], !uncertain, where(d, file));
        else state.defineUnknown('define');
      } else if (d.lname === 'undefine' && args.length >= 1) {
        defines.delete(args[0]);
        if (nameKnown) state.undefine(args[0], !uncertain, where(d, file));
        else state.defineUnknown('undefine');
      } else if (d.lname === 'loadmodule') {
        if (nameKnown) state.loadModule(args[0], !uncertain, where(d, file));
        else state.modulesIncomplete();
      } else if (d.lname === 'macro' && args.length >= 1 && !unresolved) {
        const r = uncertain || htaccess ? undefined : macroDefinitionError(node, () => httpdPlace(node));
        if (r) macroErrors.push({ node, ...r });
        macros.set(args[0].toLowerCase(), node);
        definedAt.set(node, uncertain ? -1 : macroState.holes);
        if (uncertain) macroState.unsure = true;
        else macroState.anyMacro = true;
      } else if (d.lname === 'macro') {
        const r = uncertain || htaccess || unresolved ? undefined : macroDefinitionError(node, () => httpdPlace(node));
        if (r) macroErrors.push({ node, ...r });
        macroState.unsure = true;
      } else if (d.lname === 'undefmacro') {
        const r = undefMacroError(node);
        if (r && !uncertain && !htaccess) macroErrors.push({ node, ...r });
        if (args.length >= 1) macros.delete(args[0].toLowerCase());
        if (uncertain || unresolved) macroState.unsure = true;
      } else if (d.lname === 'use') {
        const r = expandUse(node, parent, stack, out, uncertain);
        if (r !== true) {
          // httpd may not read a line in a section proxylint cannot decide: then it cannot stop there.
          const reported = r !== undefined && !uncertain && !htaccess;
          if (reported) macroErrors.push({ node, ...r });
          // A Use httpd refuses is not one that may define macros: the lines after it are still checked as they stand.
          hidden(true, !reported);
        }
      } else if (d.lname === 'serverroot' && args.length === 1 && !unresolved && options.serverRoot === undefined && parent === null) {
        const r = serverRootFor(mapPath(resolve(dirname(entryPath), args[0])));
        serverRoot = r.root;
        rootSource = r.inCheckout ? 'config' : 'server-only';
      }
      let inner = uncertain;
      if (CONDITIONAL.has(d.lname)) {
        const { holds, why } = decide(d, args, unresolved);
        if (holds === undefined) inner = true;
        else node.condition = { holds, why };
        if (holds === false) unread.push(node);
      }
      const skip = node.condition?.holds === false;
      if (d.section && !d.section.opaque) build(d.section.children, file, node, null, stack, node.children, skip, inner);
      if (d.lname === 'include' || d.lname === 'includeoptional') {
        if (args.length === 1 && !unresolved) expandInclude(node, parent, stack, out, uncertain);
        else hidden(true);
      }
    }
  };

  /**
   * `Use name values…`: the lines of the `<Macro name $params…>` defined above it, read where the Use stands with each
   * parameter replaced by its value (mod_macro). The body's lines keep their places in the macro's file, so what is
   * reported about them points at the macro, and each Use builds its own nodes from them. True when expanded; else
   * what stops httpd at this line when proxylint is sure of it (no such macro above it, a different number of
   * values, a macro that uses itself), or undefined (a value or name proxylint cannot read, a macro that may come
   * from a file it cannot see): then what the Use holds stays unknown.
   * https://httpd.apache.org/docs/2.4/mod/mod_macro.html
   */
  /** The <Macro> each Use expanded, for the names httpd gives the lines of its body (see httpdPlace). */
  const expandedMacro = new Map<ApacheNode, ApacheNode>();
  /**
   * Where httpd's messages say a line is ("defined on line N of "name"", "used on line N of "name""): for a line of a
   * file, the last physical line of a `\`-continued line and the file's path; for a line of a macro body as a Use
   * expanded it, its place among the body's lines (mod_macro keeps no comment lines, and a continued line as one) in
   * "macro 'm' (defined on …) used on line … of …", the name mod_macro gives each expansion (use_macro in mod_macro.c).
   */
  const httpdPlace = (node: ApacheNode): MacroPlace => {
    const macro = node.macro && expandedMacro.get(node.macro);
    if (!node.macro || !macro) return { line: lastLineOf(node.file, node.directive.start) + 1, name: node.file.path };
    const def = httpdPlace(macro);
    const use = httpdPlace(node.macro);
    return { line: bodyLineOf(macro, node.directive.start), name: `macro '${macro.args[0].toLowerCase()}' (defined on line ${def.line} of "${def.name}") used on line ${use.line} of "${use.name}"` };
  };

  /** Whether no file proxylint cannot see, nor a section it cannot decide, may have defined or dropped a macro above. */
  const allMacrosSeen = () => !macroState.holes && !macroState.unsure && !macroState.doubtful && !htaccess && isApacheEntry(entry);

  /**
   * `UndefMacro name`: what stops httpd at this line when proxylint is sure of it, in mod_macro's order (apache2 -t
   * 2.4.68): one word, not empty ("UndefMacro takes one argument", httpd's own check of the count), then a <Macro> read
   * before it, then one of that name still defined (dropping a macro that is not there is an error, not a warning).
   */
  const undefMacroError = (node: ApacheNode): Omit<MacroError, 'node'> | undefined => {
    const words = node.directive.args;
    if (words.length !== 1 || words[0].value === '') {
      const why = words.length === 0 ? 'UndefMacro needs the name of a macro, and the line has none'
        : words.length === 1 ? 'the name is an empty word ("")'
        : `UndefMacro drops one macro per line, and this one has ${words.length} words${words.some((w) => w.quote === null && w.value.startsWith('#')) ? ' (a "#" after a directive starts no comment)' : ''}`;
      return { says: 'UndefMacro takes one argument, Remove a macro definition.', why };
    }
    if (node.unresolved || !allMacrosSeen()) return undefined;
    if (!macroState.anyMacro) return { says: 'no macro defined before UndefMacro', why: 'no <Macro> comes before this line' };
    const key = node.args[0].toLowerCase();
    if (!macros.has(key)) return { says: `cannot remove undefined macro '${key}'`, why: `no <Macro ${node.args[0]}> is defined above this line, or an UndefMacro above has dropped it already` };
    return undefined;
  };

  const expandUse = (node: ApacheNode, parent: ApacheNode | null, stack: string[], out: ApacheNode[], uncertain: boolean): true | Omit<MacroError, 'node'> | undefined => {
    // Like an Include, a Use adds lines: past the directive limit it is left unexpanded.
    if (node.unresolved || all.length > maxDirectives) return undefined;
    // A value with a space that came from a parameter: httpd puts it into the line's text and splits the line again,
    // so the count of words is not the one parsed here.
    if (node.directive.args.some((a, k) => node.args[k] !== a.value && /\s/.test(node.args[k]))) return undefined;
    const allSeen = allMacrosSeen();
    // mod_macro's checks, in its order (apache2 -t 2.4.68): a macro must have been defined before any Use, the Use must
    // name one, the name must be defined, must not be in use by an enclosing Use, and must get one value per parameter.
    if (node.args.length === 0) {
      // Either way httpd stops here; which words it uses depends on whether a <Macro> came before.
      if (!macroState.anyMacro && allSeen) return { says: 'no macro defined before Use', why: 'Use needs the name of a macro, and no <Macro> comes before this line' };
      const or = macroState.anyMacro ? '' : ' (or "no macro defined before Use", when no <Macro> comes before it)';
      return { says: 'no macro name specified with Use', why: `Use needs the name of a macro, and the line has none${or}` };
    }
    if (!macroState.anyMacro) return allSeen ? { says: 'no macro defined before Use', why: 'no <Macro> comes before this line' } : undefined;
    const key = node.args[0].toLowerCase();
    const macro = macros.get(key);
    if (!macro) return allSeen && key !== '' ? { says: `macro '${key}' undefined`, why: `no <Macro ${node.args[0]}> is defined above this line, or UndefMacro has dropped it` } : undefined;
    if (macro.directive.section?.closed !== true) return undefined;
    // A hole since the <Macro> may have replaced it with another of the same name.
    const sure = definedAt.get(macro) === macroState.holes && !macroState.doubtful;
    if (activeMacros.includes(key)) {
      const chain = [...activeMacros.slice(activeMacros.indexOf(key)), key].join(' → ');
      return sure ? { says: `recursive use of macro '${key}' is invalid`, why: `the Use lines expand into each other without end: ${chain}`, macroAt: macro } : undefined;
    }
    const params = macroParameters(macro);
    const values = node.args.slice(1);
    if (!params || params.some((p) => p === '')) return undefined;
    if (params.length !== values.length) {
      if (!sure) return undefined;
      const place = httpdPlace(macro);
      const defined = `line ${place.line} of "${place.name}"`;
      const why = `<Macro ${macro.args[0]}> has ${params.length === 0 ? 'no parameters' : `${params.length} parameter${params.length === 1 ? '' : 's'} (${params.join(' ')})`}, and this Use gives ${values.length === 0 ? 'no value' : `${values.length} value${values.length === 1 ? '' : 's'}`}${values.length > params.length ? ' (a value with spaces needs quotes around it)' : ''}`;
      return { says: `macro '${key}' (defined on ${defined}) used with ${values.length} arguments instead of ${params.length}`, why, macroAt: macro };
    }
    expandedMacro.set(node, macro);
    let body = macroBodies.get(macro);
    if (!body) macroBodies.set(macro, (body = macroBody(macro)));
    const saved = macroParams;
    macroParams = params.map((p, k): [string, string] => [p, values[k]]).sort((a, b) => b[0].length - a[0].length);
    activeMacros.push(key);
    const before = expanding;
    const wasDoubtful = macroState.doubtful;
    expanding = node;
    macroState.doubtful ||= !sure;
    try {
      build(body.directives, macro.file, parent, null, stack, out, false, uncertain);
    } finally {
      expanding = before;
      macroState.doubtful = wasDoubtful;
      activeMacros.pop();
      macroParams = saved;
    }
    return true;
  };

  const readInclude = (path: string): { file?: ApacheSourceFile; error?: string; missing?: boolean; directory?: boolean; outside?: boolean } => {
    const known = filesByPath.get(path);
    if (known) return { file: known };
    const r = host.readFile(path);
    if (!r.ok) return { error: r.message, missing: r.reason === 'missing', directory: r.reason === 'directory', outside: r.reason === 'outside-workspace' };
    const f = parse(path, r.text);
    filesByPath.set(path, f);
    return { file: f };
  };

  /**
   * What httpd 2.4 prints when `Include pattern` matches nothing. It walks the pattern folder by folder: a folder
   * before the first wildcard that does not exist fails with "Could not open directory", a wildcard nothing in its
   * folder matches with "No matches for the wildcard" (apache2 -t 2.4.71). Undefined when a deeper level fails,
   * where the line depends on what the server's folders hold.
   */
  const wildcardFailure = (pattern: string): string | undefined => {
    const kind = (p: string) => {
      const r = host.readFile(p);
      return r.ok ? 'file' : r.reason;
    };
    const segs = pattern.split('/');
    const i = segs.findIndex((s) => hasGlob(s));
    const dir = segs.slice(0, i).join('/') || '/';
    const d = kind(dir);
    if (d === 'missing') return `Include/IncludeOptional: Could not open directory ${dir}: No such file or directory`;
    if (d !== 'directory') return undefined;
    const g = host.glob(`${dir.replace(/\/$/, '')}/${segs[i]}`);
    if (!('paths' in g)) return undefined;
    // Before the last segment only folders count.
    const hits = i === segs.length - 1 ? g.paths : g.paths.filter((p) => kind(p) === 'directory');
    return hits.length === 0 ? `Include/IncludeOptional: No matches for the wildcard '${segs[i]}' in '${dir}', failing` : undefined;
  };


  const expandInclude = (node: ApacheNode, parent: ApacheNode | null, stack: string[], out: ApacheNode[], uncertain: boolean) => {
    const optional = node.lname === 'includeoptional';
    const arg = node.directive.args[0];
    const file = node.file;
    const written = node.args[0];
    let pattern = mapPath(resolve(serverRoot, written));
    let targets: string[];
    // Set when the targets come from listing a folder for a wildcard (below), not from the path as written.
    let listed = false;
    // An absolute path, or one under a ServerRoot the configuration names, may exist on the server only.
    // Relative paths are checked for sure only against a ServerRoot the settings give (apache.serverRoot);
    // otherwise it is a guess, and the file may well exist under the server's real ServerRoot.
    const mayExist = isAbsolute(written) || rootSource !== 'settings';
    const searchAbove = !isAbsolute(written) && (rootSource === 'guess' || rootSource === 'server-only');
    const guessed = !isAbsolute(written) && rootSource === 'guess';
    // httpd has one ServerRoot: once a folder above holds an included path, later includes try it first.
    const adopt = (root: string) => (serverRoot = root);
    // An absolute path (not mapped by apache.pathMap) that the checkout mirrors: its copy wins over a file that
    // happens to be at that path on this machine, as for nginx.
    const mirror = isAbsolute(written) && pattern === resolve(serverRoot, written) ? rerooted(pattern) : undefined;
    const checkoutCopy = mirror !== undefined && mirror !== pattern ? mirror : undefined;
    if (hasGlob(pattern)) {
      let g = checkoutCopy === undefined ? undefined : host.glob(checkoutCopy);
      if (g && 'paths' in g && g.paths.length) pattern = checkoutCopy!;
      else g = host.glob(pattern);
      if ('paths' in g && g.paths.length === 0 && mayExist) {
        const alt = rerooted(pattern);
        if (alt) {
          const ga = host.glob(alt);
          if ('paths' in ga && ga.paths.length) {
            g = ga;
            pattern = alt;
          }
        }
      }
      if ('paths' in g && g.paths.length === 0 && searchAbove) {
        for (const root of likelyRoots()) {
          const alt = mapPath(resolve(root, written));
          const ga = host.glob(alt);
          if ('paths' in ga && ga.paths.length) {
            g = ga;
            pattern = alt;
            adopt(root);
            break;
          }
        }
      }
      if ('error' in g) {
        if (!optional) problems.push({ kind: 'include-unreadable', file, span: arg, message: `cannot list "${pattern}": ${g.error}`, ...(g.outsideWorkspace ? { notFollowed: true } : {}) });
        return;
      }
      targets = g.paths;
      listed = true;
      if (targets.length === 0) {
        if (optional && mayExist) unseenIncludes.push(node);
        if (!optional) {
          const said = guessed ? undefined : wildcardFailure(pattern);
          problems.push({
            kind: 'include-not-found',
            file,
            span: arg,
            message: guessed
              ? unverifiedMessage(`no file matches "${written}"`, serverRoot, `httpd refuses to start if nothing matches under the real one (No matches for the wildcard '${basename(pattern)}' …); use IncludeOptional if none may exist`)
              : `no file matches "${pattern}"; httpd refuses to start${said ? `: ${said}` : ''} (use IncludeOptional if none may exist)`,
            mayExistOnServer: mayExist,
            unverified: guessed,
          });
        }
        return;
      }
    } else {
      // readInclude keeps what it read: the copy is not read a second time below.
      const copy = checkoutCopy === undefined ? undefined : readInclude(checkoutCopy);
      targets = [copy && (copy.file || copy.directory) ? checkoutCopy! : pattern];
    }

    for (const target0 of targets) {
      let target = target0;
      const id = identity(target);
      if (stack.includes(id)) {
        const chain = [...stack.slice(stack.indexOf(id)), id].map(basename).join(' → ');
        problems.push({ kind: 'include-cycle', file, span: arg, message: `include cycle: ${chain}; httpd refuses to start (it stops at a nesting depth of 128)` });
        continue;
      }
      // The stack holds the entry and each file included on the way here, so the target would sit stack.length
      // levels below the entry: with a limit of n, the entry's includes are followed n levels deep.
      if (stack.length > maxDepth) {
        problems.push({ kind: 'include-depth', file, span: arg, message: `includes nest deeper than ${maxDepth} levels; not following "${target}"` });
        continue;
      }
      if (all.length >= maxDirectives) {
        // Reported once per include line, however often an include fan-out reaches it.
        const key = `${file.path}\0${arg.start}`;
        if (!overLimit.has(key)) {
          overLimit.add(key);
          problems.push({ kind: 'include-depth', file, span: arg, message: `the configuration already has ${all.length} directives with its includes, over the limit of ${maxDirectives} (--max-directives); not following "${target}" or the includes after it` });
        }
        continue;
      }
      let res = readInclude(target);
      if (res.missing && mayExist) {
        const alt = rerooted(target);
        if (alt) {
          const r2 = readInclude(alt);
          if (r2.file || r2.directory) {
            res = r2;
            target = alt;
          }
        }
      }
      if (res.missing && searchAbove) {
        for (const root of likelyRoots()) {
          const alt = mapPath(resolve(root, written));
          const r2 = readInclude(alt);
          if (r2.file || r2.directory) {
            res = r2;
            target = alt;
            adopt(root);
            break;
          }
        }
      }
      if (res.directory) {
        // httpd reads every file in a named folder (and its subfolders), in sorted order.
        const g = host.glob(target.replace(/\/+$/, '') + '/*');
        const inner = 'paths' in g ? g.paths : [];
        for (const p of inner) {
          const r = readInclude(p);
          if (!r.file) continue;
          included(node, p);
          build(r.file.ast.directives, r.file, parent, node, [...stack, identity(p)], out, false, uncertain);
        }
        continue;
      }
      if (!res.file) {
        if (listed && res.missing) {
          // The folder listing named it, yet it cannot be opened: a symbolic link whose file is gone (a mods-enabled
          // link left behind when a module's package was removed). httpd 2.4.71 skips it for IncludeOptional
          // (apache2 -t: Syntax OK, the glob's other files loaded) and refuses to start for Include ("Could not open
          // configuration file …"). It is no sign that the wildcard may match other files on the server, so it does
          // not go into unseenIncludes, which would make the module list unknown.
          if (!optional) {
            problems.push({
              kind: 'include-not-found',
              file,
              span: arg,
              message: `"${target}" matches "${written}" but cannot be opened (a symbolic link to a file that does not exist?); httpd refuses to start: Could not open configuration file ${target}: No such file or directory. Remove the link, or use IncludeOptional, which skips it`,
              mayExistOnServer: false,
              danglingLink: true,
            });
          }
          continue;
        }
        if (optional && res.missing) {
          if (mayExist) unseenIncludes.push(node);
          continue;
        }
        if (res.missing) {
          problems.push({
            kind: 'include-not-found',
            file,
            span: arg,
            message: guessed
              ? unverifiedMessage(`"${written}" is not in this checkout`, serverRoot, 'httpd refuses to start if it is missing under the real one (Could not open configuration file …)')
              : `included file "${target}" does not exist; httpd refuses to start: Could not open configuration file ${target}: No such file or directory`,
            mayExistOnServer: mayExist,
            unverified: guessed,
          });
        } else problems.push({ kind: 'include-unreadable', file, span: arg, message: `cannot read included file "${target}": ${res.error}`, ...(res.outside ? { notFollowed: true } : {}) });
        continue;
      }
      included(node, target);
      build(res.file.ast.directives, res.file, parent, node, [...stack, identity(target)], out, false, uncertain);
    }
  };

  /** See ApacheConfig.nesting. */
  const nestingAcrossMacros = (): Map<ApacheSourceFile, NestingError | null> => {
    // The expanded Use lines each stretch of text holds, in order: a file's own (key: the file), and those of a body as
    // one Use expanded it (key: that Use).
    const usesIn = new Map<ApacheNode | ApacheSourceFile, ApacheNode[]>();
    for (const n of all) {
      const m = expandedMacro.get(n);
      if (!m) continue;
      const key = n.macro && n.file === expandedMacro.get(n.macro)?.file ? n.macro : n.file;
      const list = usesIn.get(key);
      if (list) list.push(n);
      else usesIn.set(key, [n]);
    }
    for (const list of usesIn.values()) list.sort((a, b) => a.directive.start - b.directive.start);
    const unbalancedMemo = new Map<ApacheNode, boolean>();
    const unbalanced = (u: ApacheNode): boolean => {
      let r = unbalancedMemo.get(u);
      if (r === undefined) {
        unbalancedMemo.set(u, false);
        r = macroBodies.get(expandedMacro.get(u)!)!.problems.some((p) => p.kind === 'nesting') || (usesIn.get(u) ?? []).some(unbalanced);
        unbalancedMemo.set(u, r);
      }
      return r;
    };
    type Event = { tag: ApacheTag; file: ApacheSourceFile; use?: ApacheNode };
    const events = (tags: ApacheTag[], file: ApacheSourceFile, uses: ApacheNode[], use: ApacheNode | undefined, out: Event[]) => {
      let k = 0;
      for (const u of uses) {
        while (k < tags.length && tags[k].start < u.directive.start) out.push({ tag: tags[k++], file, use });
        const m = expandedMacro.get(u)!;
        events(macroBodies.get(m)!.tags, m.file, usesIn.get(u) ?? [], u, out);
      }
      while (k < tags.length) out.push({ tag: tags[k++], file, use });
      return out;
    };
    const at = (e: Event, message: string, related: NestingError['related'] = []): NestingError => ({
      file: e.file,
      start: e.tag.start,
      end: e.tag.end,
      message,
      related: [...related, ...(e.use ? [{ file: e.use.file, start: e.use.directive.start, end: e.use.directive.end, message: 'the Use that expands the body holding this line' }] : [])],
    });
    const result = new Map<ApacheSourceFile, NestingError | null>();
    for (const [key, uses] of usesIn) {
      if (!('ast' in key) || !uses.some(unbalanced)) continue;
      // httpd stops at the first error, as the parser's messages say it.
      const check = (): NestingError | null => {
        const open: Event[] = [];
        for (const e of events(key.ast.tags, key, uses, undefined, [])) {
          if (e.tag.open) {
            open.push(e);
            continue;
          }
          const top = open.pop();
          const name = e.tag.name;
          if (!top) return at(e, `</${name}> without matching <${name}> section: httpd refuses to start`);
          if (top.tag.name.toLowerCase() !== name.toLowerCase()) {
            return at(e, `Expected </${top.tag.name}> but saw </${name}>: httpd refuses to start`, [{ file: top.file, start: top.tag.start, end: top.tag.end, message: `<${top.tag.name}> opened here` }]);
          }
        }
        const last = open.pop();
        if (!last) return sectionInSection();
        const ends = { file: key, start: key.text.length, end: key.text.length, message: 'the file ends here' };
        const name = last.tag.name;
        return /^if/i.test(name)
          ? at(last, `<${name}> is never closed: httpd refuses to start ("Expected </${name}> before end of configuration") whenever its condition is false`, [ends])
          : at(last, `<${name}> was not closed: httpd refuses to start`, [ends]);
      };
      // Once the file is read, httpd runs each section's line and refuses one that may not stand inside those around it:
      // a body that opens <Directory /x> without closing it, used twice in a row, puts one <Directory> inside the
      // other ("<Directory not allowed in <Directory> context"). Reported at the Use of this file that brings the
      // inner section in, as httpd names it ("Syntax error on line 1 of macro 'd' … used on line 15 of …").
      const sectionInSection = (): NestingError | null => {
        const open: Event[] = [];
        for (const e of events(key.ast.tags, key, uses, undefined, [])) {
          if (!e.tag.open) {
            open.pop();
            continue;
          }
          const refused = e.use && sectionRefused(e.tag.name, open.map((o) => o.tag.name));
          open.push(e);
          if (!refused) continue;
          const topUse = (u: ApacheNode) => {
            while (u.macro) u = u.macro;
            return u;
          };
          const top = topUse(e.use!);
          if (skippedBy(top)) continue;
          const outer = open[refused.outer];
          // The tag's span is its name ("<Directory"): show the line up to its ">".
          const tagText = (x: Event) => /^[^\n>]*>?/.exec(x.file.text.slice(x.tag.start))![0].trim();
          const useLine = (u: ApacheNode) => u.file.lines.positionAt(u.directive.start).line + 1;
          return {
            file: key,
            start: top.directive.start,
            end: top.directive.end,
            message: `${refused.says}: httpd refuses to start (this Use brings in ${tagText(e)} inside ${tagText(outer)})`,
            related: [
              { file: e.file, start: e.tag.start, end: e.tag.end, message: `the body line that opens ${tagText(e)}` },
              {
                file: outer.file,
                start: outer.tag.start,
                end: outer.tag.end,
                message: `${tagText(outer)} opened here${outer.use ? `, by the Use on line ${useLine(topUse(outer.use))}` : ''}, and not closed before`,
              },
            ],
          };
        }
        return null;
      };
      result.set(key, check());
    }
    return result;
  };

  const roots: ApacheNode[] = [];
  build(entry.ast.directives, entry, null, null, [identity(entryPath)], roots);
  const nesting = nestingAcrossMacros();
  return { entry, files: [...filesByPath.values()], roots, all, problems, serverRoot, htaccess, defines, unseenIncludes, unread, includeTargets, macroErrors, nesting };
}

/** The scope a node sits in: the nearest per-directory section, else the nearest <VirtualHost>, else the server. */
export function contextOf(node: ApacheNode, config: Pick<ApacheConfig, 'htaccess'>): ApacheContext {
  if (config.htaccess) return 'htaccess';
  for (let p = node.parent; p; p = p.parent) {
    if (DIRECTORY_SECTIONS.has(p.lname)) return 'directory';
    if (p.lname === 'virtualhost') return 'virtualhost';
  }
  return 'server';
}

export const DIRECTORY_SECTIONS = new Set(['directory', 'directorymatch', 'location', 'locationmatch', 'files', 'filesmatch', 'proxy', 'proxymatch', 'limit', 'limitexcept']);

/** The <VirtualHost> a node belongs to, or null for the main server. */
export function virtualHostOf(node: ApacheNode): ApacheNode | null {
  for (let p = node.parent; p; p = p.parent) if (p.lname === 'virtualhost') return p;
  return null;
}

/**
 * Sections httpd reads or skips by a condition evaluated as it reads the configuration. <If>, <ElseIf> and <Else>
 * are evaluated per request instead: what they hold is read (a Define in `<If "false">` counts, apache2 -t 2.4.71).
 */
const CONDITIONAL = new Set(['ifmodule', 'ifdefine', 'ifversion', 'iffile', 'ifdirective', 'ifsection']);

/**
 * Conditional sections around a node that proxylint cannot decide: what httpd must see for the node to take effect.
 * A section it knows httpd reads (node.condition) is left out.
 */
export function conditionsOf(node: ApacheNode): { modules: { name: string; negated: boolean }[]; defines: { name: string; negated: boolean }[]; version: boolean } {
  const modules: { name: string; negated: boolean }[] = [];
  const defines: { name: string; negated: boolean }[] = [];
  let version = false;
  for (let p = node.parent; p; p = p.parent) {
    if (p.condition?.holds) continue;
    const a = p.args[0] ?? '';
    const negated = a.startsWith('!');
    if (p.lname === 'ifmodule') modules.push({ name: a.replace(/^!/, ''), negated });
    else if (p.lname === 'ifdefine') defines.push({ name: a.replace(/^!/, ''), negated });
    else if (p.lname === 'ifversion') version = true;
  }
  return { modules, defines, version };
}

/** The conditional section around a node that httpd skips (node.condition false), if there is one: the node is not read. */
export function skippedBy(node: ApacheNode): ApacheNode | undefined {
  for (let p = node.parent; p; p = p.parent) if (p.condition?.holds === false) return p;
  return undefined;
}

/**
 * Directives only a main configuration holds (httpd takes them in the server config alone, and a distribution's
 * fragments hold at most one kind: ports.conf its Listen lines, conf.modules.d/*.conf their LoadModule lines).
 */
const MAIN_ONLY = new Set(['loadmodule', 'listen', 'pidfile', 'defaultruntimedir', 'user', 'group', 'mutex']);

/**
 * True for a complete httpd configuration (linted with its Includes, before the files it includes): httpd.conf /
 * apache2.conf by name, or by what the file holds whatever its name: ServerRoot, an MPM loaded, or two kinds of the
 * main configuration's own lines (LoadModule and Listen, say: a main.conf that loads its MPM through an Include, or a
 * copy of Debian's apache2.conf, which sets PidFile, Mutex, User and Group and includes the rest).
 */
export function isApacheEntry(file: ApacheSourceFile): boolean {
  const name = basename(file.path);
  if (/^(httpd|apache2)\.conf$/.test(name)) return true;
  if (file.ast.directives.some((d) => d.lname === 'serverroot' || (d.lname === 'loadmodule' && /^mpm_/i.test(d.args[0]?.value ?? '')))) return true;
  return new Set(file.ast.directives.filter((d) => MAIN_ONLY.has(d.lname)).map((d) => d.lname)).size >= 2;
}

/** A line as httpd's messages name it: a one-based line number in a file, or in a macro body as a Use expanded it. */
interface MacroPlace {
  line: number;
  name: string;
}

/** The zero-based physical line where the (maybe `\`-continued) line holding `offset` ends. */
function lastLineOf(file: ApacheSourceFile, offset: number): number {
  const spans = file.ast.continued;
  let lo = 0, hi = spans.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (spans[mid].end < offset) lo = mid + 1;
    else if (spans[mid].start > offset) hi = mid - 1;
    else return file.lines.positionAt(spans[mid].end).line;
  }
  return file.lines.positionAt(offset).line;
}

/**
 * The one-based place of the line at `offset` among the lines mod_macro keeps of a `<Macro>` body: each line after the
 * tag's, a continued line counted once, with no comment lines (get_lines_till_end_token in mod_macro.c skips them).
 */
function bodyLineOf(macro: ApacheNode, offset: number): number {
  const file = macro.file;
  const target = file.lines.positionAt(offset).line;
  let count = 0;
  for (let l = lastLineOf(file, macro.directive.start) + 1; l <= target; ) {
    const end = lastLineOf(file, file.lines.lineStart(l));
    if (!/^[ \t]*#/.test(file.lines.lineText(l)) || end >= target) count++;
    l = end + 1;
  }
  return count;
}

/** mod_macro's flags, which may come between a macro's name and its parameters, in any case. */
const MACRO_FLAGS = new Set(['/ignoreemptyargs', '/ignorebadnesting']);

/**
 * The parameters of `<Macro name [/flags…] params…>`: the words after the name, without the flags mod_macro takes
 * first (`<Macro Site /IgnoreEmptyArgs $host>` has one parameter). Undefined when a word there starts with "/" and is no
 * flag: httpd warns and reads what follows in ways that depend on the spacing.
 */
export function macroParameters(macro: ApacheNode): string[] | undefined {
  let k = 1;
  for (; k < macro.args.length && macro.directive.args[k]?.quote === null && macro.args[k].startsWith('/'); k++) {
    if (!MACRO_FLAGS.has(macro.args[k].toLowerCase())) return undefined;
  }
  return macro.args.slice(k);
}

/**
 * What stops httpd at a `<Macro …>` line itself, in mod_macro's order (macro_section and check_macro_arguments in
 * modules/core/mod_macro.c; the words as apache2 -t 2.4.68 prints them): no name, then for each parameter in turn an
 * empty name or the same name again further on, then a body the file ends in. What it only warns about (AH02796 a parameter without $, % or @;
 * AH02797 one that is the start of another; AH02802 a macro defined again; AH02799 an empty body) does not stop it.
 */
function macroDefinitionError(node: ApacheNode, placeOf: () => MacroPlace): Omit<MacroError, 'node'> | undefined {
  // A tag without its ">" is the parser's to report, with httpd's words for it.
  if (node.directive.section?.tagOpen) return undefined;
  if (node.args.length === 0) return { says: '<Macro macro definition: empty name', why: '<Macro> needs a name for Use to call it by' };
  if (node.args[0] === '') return { says: '<Macro macro definition: name not found', why: 'the name is an empty word ("")' };
  const params = macroParameters(node);
  if (!params) return undefined;
  // Worked out only for a line that is refused: a body's place counts its lines.
  const where = () => {
    const place = placeOf();
    return `macro '${node.args[0].toLowerCase()}' (defined on line ${place.line} of "${place.name}")`;
  };
  for (let i = 0; i < params.length; i++) {
    if (params[i] === '') return { says: `${where()}: empty argument #${i + 1} name`, why: `parameter ${i + 1} is an empty word ("")` };
    const j = params.indexOf(params[i], i + 1);
    if (j > i) {
      return {
        says: `argument name conflict in ${where()}: argument '${params[i]}': #${i + 1} and #${j + 1}, change argument names!`,
        why: `parameters ${i + 1} and ${j + 1} have the same name, so a Use could not tell which value goes where`,
      };
    }
  }
  // Only then does mod_macro read the body, up to the </Macro> that matches (get_lines_till_end_token); the file's end
  // first is an error at the <Macro> line. httpd prints the message's newline and tab escaped, as "\n\t".
  if (node.directive.section && !node.directive.section.closed) {
    return { says: `${where()}\\n\\tcontents error: expected token not found: </Macro>`, why: 'the file ends before a </Macro> line closes this body' };
  }
  return undefined;
}

/**
 * The lines of a `<Macro>` section (the parser keeps its body as text): the file parsed with everything but the body
 * blanked out, so that every line keeps its offsets in the file. A body that does not parse cleanly is read as far as
 * it goes, as for any file; what it gets wrong is httpd's to report where the macro is used.
 */
function macroBody(macro: ApacheNode): ApacheAst {
  const section = macro.directive.section;
  const none: ApacheAst = { directives: [], comments: [], problems: [], tags: [], continued: [] };
  if (!section?.close) return none;
  const text = macro.file.text;
  // The body starts after the tag's line, which a `\` may continue onto the next ones.
  const from = text.indexOf('\n', macro.file.lines.lineStart(lastLineOf(macro.file, macro.directive.start)));
  const to = section.close.start;
  if (from < 0 || from >= to) return none;
  const blank = (t: string) => t.replace(/[^\n]/g, ' ');
  return parseApache(blank(text.slice(0, from)) + text.slice(from, to) + blank(text.slice(to)));
}
