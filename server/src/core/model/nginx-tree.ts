import type { Host } from '../host';
import { basename, dirname, hasGlob, isAbsolute, resolve } from '../paths';
import { LineIndex } from '../text';
import type { Directive, NginxAst, Span } from '../syntax/nginx/ast';
import { parseNginx } from '../syntax/nginx/parser';
import { isKnownNginxDirective, isNginxBlockDirective, nginxDirective, nginxMaxArgs } from './nginx-directives';
import { pathMapper, realPathMemo } from './include-paths';
import { ANY, noteRead } from '../reads';

/**
 * Files the nginx packages put in the configuration folder (nginx's own conf/ and Debian's nginx-common: proxy_params,
 * snippets/). A checkout laid over a package's /etc/nginx often includes them without having them.
 */
const PACKAGED = new Set(['fastcgi.conf', 'fastcgi_params', 'koi-utf', 'koi-win', 'mime.types', 'scgi_params', 'uwsgi_params', 'win-utf', 'proxy_params', 'snippets/fastcgi-php.conf', 'snippets/snakeoil.conf']);

export interface SourceFile {
  path: string;
  text: string;
  ast: NginxAst;
  lines: LineIndex;
}

/** One directive placed in the effective configuration: included files are spliced in where `include` stands. */
export interface ConfigNode {
  directive: Directive;
  name: string;
  file: SourceFile;
  /** The block directive this one sits in (null at the top level of the configuration). */
  parent: ConfigNode | null;
  /** Directives inside this one's block, with included files' directives in place. */
  children: ConfigNode[];
  /** The context this directive sits in: main, events, http, server, location, if-location, upstream, stream, stream-server, … */
  context: string;
  /** The `include` that brought this directive's file in, for directives at the top of an included file. */
  via: ConfigNode | null;
}

export type LoadProblemKind = 'include-not-found' | 'include-unreadable' | 'include-cycle' | 'include-depth' | 'bad-directive-name';

export interface LoadProblem {
  kind: LoadProblemKind;
  file: SourceFile;
  span: Span;
  message: string;
  /** True when the missing path is absolute and may well exist on the server itself. */
  mayExistOnServer?: boolean;
  /** Not read on purpose: outside the workspace folders of an untrusted (Restricted Mode) workspace. */
  notFollowed?: boolean;
  /** True when a relative path is missing under a prefix that was only a guess (a fragment with no nginx.conf above it). */
  prefixGuessed?: boolean;
  /**
   * True when a relative path is missing under the prefix of the nginx.conf found beside or above a fragment that is
   * checked on its own (that configuration does not include it, or was not asked): nginx fails only if it does.
   */
  prefixBorrowed?: boolean;
  /** A missing relative include of a file nginx packages install in the configuration folder (fastcgi_params, mime.types, …). */
  packaged?: boolean;
}

export interface LoadOptions {
  /** Folder relative include paths are resolved against (nginx's configuration prefix). Default: the entry's folder. */
  prefix?: string;
  /** The prefix is a guess (a fragment checked alone, no nginx.conf known above it): a missing relative include may be there on the server. */
  prefixGuessed?: boolean;
  /**
   * The prefix is that of a main configuration found beside or above a fragment checked on its own, one not known to
   * include it: a relative include resolves there, and fails, only if that configuration includes the fragment.
   */
  prefixBorrowed?: boolean;
  /** Rewrites absolute path prefixes, e.g. { "/etc/nginx/": "/repo/nginx/" }, for trees checked out away from the server. */
  pathMap?: Record<string, string>;
  /** Context of the entry's top level: "main" for a full nginx.conf, else a fragment's context. */
  rootContext?: string;
  /** Reuses parses across loads (the language server keeps one per document version). */
  parse?: (path: string, text: string) => SourceFile;
  maxIncludeDepth?: number;
  /** Includes are not followed once the configuration has this many directives (an include fan-out can multiply them). */
  maxDirectives?: number;
}

export interface NginxConfig {
  entry: SourceFile;
  rootContext: string;
  /** How the root context was chosen. */
  rootContextSource: 'main' | 'comment' | 'inferred' | 'option';
  /** The folder relative includes were resolved against. */
  prefix: string;
  /** Every file read, entry first, each once. */
  files: SourceFile[];
  /** Top-level directives of the configuration (the entry's, with includes spliced in). */
  roots: ConfigNode[];
  /** Every node, in document order (pre-order). */
  all: ConfigNode[];
  problems: LoadProblem[];
  /**
   * The files each `include` line named, as the loader resolved them (prefix, "nginx.pathMap", a checkout's own copy
   * of an absolute /etc/nginx/… path, globs expanded): what go to definition and document links open. Some may not
   * have been read (missing, unreadable): only those among `files` were.
   */
  includeTargets: Map<Directive, readonly string[]>;
}

/** What the parser needs to know about nginx's directives for recovery. */
/**
 * A fragment checked on its own (conf.d/app.conf with no nginx.conf that includes it) has levels above it that
 * proxylint cannot see: a value its own lines do not set may be set there, so a "default" is only the likely value.
 * Findings and hovers that name such a default add this clause ("them" for several values), empty for a whole
 * configuration.
 */
export function unlessIncluderSets(config: Pick<NginxConfig, 'rootContext'>, them = false): string {
  return config.rootContext === 'main' ? '' : `, unless the configuration that includes this file sets ${them ? 'them' : 'it'}`;
}

export const NGINX_PARSE_OPTIONS = { isKnownDirective: isKnownNginxDirective, isBlockDirective: isNginxBlockDirective, maxArgs: nginxMaxArgs };

/** Default limits; see README "Limits". */
export const DEFAULT_MAX_INCLUDE_DEPTH = 64;
export const DEFAULT_MAX_DIRECTIVES = 2_000_000;

const NO_CHILDREN: ConfigNode[] = Object.freeze([]) as unknown as ConfigNode[];

export function parseSourceFile(path: string, text: string): SourceFile {
  return new ParsedSourceFile(path, text, parseNginx(text, NGINX_PARSE_OPTIONS), new LineIndex(text));
}

/** A parsed file whose text, read whole, counts as a read of every directive in it (core/reads.ts). */
class ParsedSourceFile implements SourceFile {
  constructor(
    public readonly path: string,
    private readonly source: string,
    public readonly ast: NginxAst,
    public readonly lines: LineIndex,
  ) {}
  get text(): string {
    noteRead(ANY);
    return this.source;
  }
}

/** The context a block directive opens, given the context it sits in. */
export function blockContext(name: string, outer: string): string {
  switch (name) {
    case 'server':
      // The rtmp module's server is no http server: its hls, listen 1935 or application blocks are the rtmp module's.
      return outer === 'stream' ? 'stream-server' : outer === 'mail' ? 'mail-server' : outer === 'rtmp' ? 'rtmp-server' : 'server';
    case 'upstream':
      return outer === 'stream' ? 'stream-upstream' : 'upstream';
    case 'if':
      return outer === 'server' ? 'if-server' : 'if-location';
    default:
      return name;
  }
}

export const FRAGMENT_CONTEXTS = ['main', 'events', 'http', 'server', 'location', 'upstream', 'stream', 'stream-server', 'stream-upstream', 'mail', 'mail-server', 'map', 'geo', 'types', 'split_clients'];

/** Blocks whose entries are data (keys and values), not directives. */
export const DATA_CONTEXTS = new Set(['map', 'geo', 'types', 'split_clients', 'charset_map', 'match']);
const DIRECTIVE_NAME = /^[A-Za-z0-9_]+$/;
const CONTEXT_COMMENT = /^\s*proxylint:\s*context\s+([\w-]+)\s*$/;

/** `# proxylint: context http` anywhere in the file declares the context the file is meant for. */
export function declaredContext(file: SourceFile): { context: string; span: Span } | undefined {
  for (const c of file.ast.comments) {
    const m = CONTEXT_COMMENT.exec(c.text);
    if (m) return { context: m[1], span: c };
  }
  return undefined;
}

/** Reference contexts a directive may appear in, mapped to our context names. */
const allowedCache = new Map<string, Set<string>>();
export function allowedIn(name: string): ReadonlySet<string> | undefined {
  // Asked once per node up the chain for every fixable finding: the set is built once per directive name. Only
  // known names are kept, so a long editing session's half-typed names do not pile up in a module-level map.
  const hit = allowedCache.get(name);
  if (hit) return hit;
  const out = computeAllowedIn(name);
  if (out) allowedCache.set(name, out);
  return out;
}

function computeAllowedIn(name: string): Set<string> | undefined {
  const info = nginxDirective(name);
  if (!info) return undefined;
  const out = new Set<string>();
  for (const c of info.contexts) {
    if (c === 'if in location') out.add('if-location');
    else if (c === 'if') out.add('if-server');
    else out.add(c);
  }
  return out;
}

const UPSTREAM_MEMBER: ReadonlySet<string> = new Set(['upstream', 'stream-upstream']);
const SERVER_BLOCK: ReadonlySet<string> = new Set(['http', 'stream', 'mail']);

/**
 * The contexts a top-level directive of a fragment points to. `server` is two directives: with a block it is a
 * virtual server (http, stream, mail), without one a member of an upstream group (`server 10.0.0.1:80 weight=2;`),
 * so a file of server lines is an upstream fragment, not an http one.
 */
function contextsFor(d: Directive): ReadonlySet<string> | undefined {
  if (d.name === 'server') return d.block ? SERVER_BLOCK : UPSTREAM_MEMBER;
  return allowedIn(d.name);
}

/**
 * Picks the context a fragment is meant for: the outermost context in which every known top-level
 * directive is allowed, or else the one that accepts the most of them. `main` wins for full configs.
 */
export function inferContext(file: SourceFile): string {
  const names = file.ast.directives.map((d) => d.name);
  if (names.length === 0 || names.some((n) => n === 'http' || n === 'events' || n === 'stream')) return 'main';
  // Keys such as "~*bot", "10.0.0.0/8" or "text/html" are entries of a map/geo/types file, not directives.
  const entries = names.filter((n) => n !== 'include' && n !== 'default' && n !== 'hostnames' && n !== 'volatile');
  if (entries.length > 0 && entries.filter((n) => !DIRECTIVE_NAME.test(n)).length * 2 >= entries.length) return 'map';
  const candidates = ['main', 'http', 'server', 'location', 'stream', 'stream-server', 'upstream', 'stream-upstream'];
  let best = 'main', bestScore = -1;
  for (const ctx of candidates) {
    let score = 0, known = 0;
    for (const d of file.ast.directives) {
      if (d.name === 'include') continue;
      const allowed = contextsFor(d);
      if (!allowed) continue;
      known++;
      if (allowed.has(ctx)) score++;
    }
    if (known > 0 && score === known) return ctx;
    if (score > bestScore) {
      best = ctx;
      bestScore = score;
    }
  }
  return best;
}

export function loadNginxConfig(entryPath: string, entryText: string, host: Host, options: LoadOptions = {}): NginxConfig {
  const parse = options.parse ?? parseSourceFile;
  const prefix = options.prefix ?? dirname(entryPath);
  const maxDepth = options.maxIncludeDepth ?? DEFAULT_MAX_INCLUDE_DEPTH;
  const maxDirectives = options.maxDirectives ?? DEFAULT_MAX_DIRECTIVES;
  const overLimit = new Set<string>();
  const identity = realPathMemo(host);
  const entry = parse(entryPath, entryText);
  const filesByPath = new Map<string, SourceFile>([[entryPath, entry]]);
  const problems: LoadProblem[] = [];
  const all: ConfigNode[] = [];

  let rootContext = 'main';
  let rootContextSource: NginxConfig['rootContextSource'] = 'main';
  const declared = declaredContext(entry);
  if (options.rootContext) {
    rootContext = options.rootContext;
    rootContextSource = 'option';
  } else if (declared) {
    rootContext = declared.context;
    rootContextSource = 'comment';
  } else {
    const inferred = inferContext(entry);
    if (inferred !== 'main') {
      rootContext = inferred;
      rootContextSource = 'inferred';
    }
  }

  const mapPath = pathMapper(options.pathMap);

  /** For an absolute path that is not in the checkout, tries the entry's folder when it mirrors the path (…/etc/nginx). */
  /**
   * For an absolute include, the same path inside a checkout that mirrors the server's folder: the entry's
   * folder ends with the path's leading folders (repo/etc/nginx ↔ /etc/nginx) or is named like one of them
   * (repo/nginx ↔ /etc/nginx).
   */
  const rerooted = (p: string): string | undefined => {
    const dir = dirname(entryPath).split('/').filter(Boolean);
    const segs = p.split('/').filter(Boolean);
    for (let k = Math.min(dir.length, segs.length - 1); k >= 1; k--) {
      if (dir.slice(dir.length - k).join('/') === segs.slice(0, k).join('/')) return '/' + [...dir, ...segs.slice(k)].join('/');
    }
    const j = segs.lastIndexOf(dir[dir.length - 1] ?? '', segs.length - 2);
    return j >= 0 ? '/' + [...dir, ...segs.slice(j + 1)].join('/') : undefined;
  };

  const readInclude = (path: string): { file?: SourceFile; error?: string; missing?: boolean; outside?: boolean } => {
    const known = filesByPath.get(path);
    if (known) return { file: known };
    const r = host.readFile(path);
    if (!r.ok) return { error: r.message, missing: r.reason === 'missing', outside: r.reason === 'outside-workspace' };
    const f = parse(path, r.text);
    filesByPath.set(path, f);
    return { file: f };
  };

  const build = (dirs: Directive[], file: SourceFile, parent: ConfigNode | null, context: string, via: ConfigNode | null, stack: string[], out: ConfigNode[]) => {
    for (let k = 0; k < dirs.length; k++) {
      const d = dirs[k];
      // Leaves share one empty array: a 100k-line tree would otherwise allocate 100k of them for nothing.
      const node: ConfigNode = { directive: d, name: d.name, file, parent, children: d.block ? [] : NO_CHILDREN, context, via };
      out.push(node);
      // Directive names are identifiers; anything else is what is left of a value split by an unquoted "{"
      // (a regex such as ^/v{1,3}/) or a stray token: nginx stops with 'unknown directive'.
      if (!DIRECTIVE_NAME.test(d.name) && !DATA_CONTEXTS.has(context) && !(d.name === '' && d.args.length === 0)) {
        const hint = /[},]/.test(d.name) ? ': an unquoted "{" ended the word before it (quote values such as regular expressions that contain "{")' : '';
        problems.push({ kind: 'bad-directive-name', file, span: d.nameSpan, message: `unknown directive "${d.name}"${hint}` });
      }
      all.push(node);
      if (d.block && !d.block.opaque) build(d.block.children, file, node, blockContext(d.name, context), null, stack, node.children);
      if (d.name === 'include' && d.args.length === 1) expandInclude(node, parent, context, stack, out);
    }
  };

  /**
   * The files an include names, once per distinct argument: a snippet included from every location would otherwise
   * be resolved, path-mapped and looked up (or globbed) thousands of times per load.
   */
  const targetsOf = new Map<string, { targets: string[] } | { unreadable: string; error: string; outside?: boolean }>();
  const includeTargets = new Map<Directive, readonly string[]>();
  const expandInclude = (node: ConfigNode, parent: ConfigNode | null, context: string, stack: string[], out: ConfigNode[]) => {
    const arg = node.directive.args[0];
    const file = node.file;
    let found = targetsOf.get(arg.value);
    if (!found) targetsOf.set(arg.value, (found = targetsNamed(arg.value)));
    if ('error' in found) {
      problems.push({ kind: 'include-unreadable', file, span: arg, message: `cannot list "${found.unreadable}": ${found.error}`, ...(found.outside ? { notFollowed: true } : {}) });
      return;
    }
    includeTargets.set(node.directive, found.targets);
    for (const target of found.targets) placeInclude(target, node, parent, context, stack, out);
  };

  const targetsNamed = (value: string): { targets: string[] } | { unreadable: string; error: string; outside?: boolean } => {
    const resolved = resolve(prefix, value);
    const pattern = mapPath(resolved);
    // The checkout's own copy wins over a file that happens to exist at that absolute path on this machine:
    // linting a repository must not depend on what the CI runner has in its /etc/nginx.
    const mirror = isAbsolute(value) && pattern === resolved ? rerooted(pattern) : undefined;
    const candidates = mirror && mirror !== pattern ? [mirror, pattern] : [pattern];
    if (hasGlob(pattern)) {
      let targets: string[] = [];
      for (const candidate of candidates) {
        const g = host.glob(candidate);
        if ('error' in g) return { unreadable: candidate, error: g.error, outside: g.outsideWorkspace };
        targets = g.paths;
        if (targets.length) break;
      }
      return { targets };
    }
    // With one candidate there is nothing to choose: reading it here only to test that it exists would read every
    // included file twice (readInclude reads it again).
    if (candidates.length === 1) return { targets: candidates };
    return { targets: [candidates.find((c) => filesByPath.has(c) || host.readFile(c).ok) ?? pattern] };
  };

  const placeInclude = (target: string, node: ConfigNode, parent: ConfigNode | null, context: string, stack: string[], out: ConfigNode[]) => {
    const arg = node.directive.args[0];
    const file = node.file;
    const id = identity(target);
    if (stack.includes(id)) {
      const chain = [...stack.slice(stack.indexOf(id)), id].map(basename).join(' → ');
      // What nginx does with a loop depends on its shape and the open-files limit (see include-cycle.md):
      // it fails with "Too many open files", crashes, or, for a wildcard loop, may even pass -t.
      const how = hasGlob(arg.value)
        ? 'nginx reads these files hundreds of times over and, depending on its open-files limit, passes -t with a wrong configuration or crashes'
        : 'nginx refuses to start ("Too many open files", or "directive is not allowed here" first when the file\'s lines do not belong where it is included again) or crashes';
      problems.push({ kind: 'include-cycle', file, span: arg, message: `include cycle: ${chain}; ${how}` });
      return;
    }
    // The stack holds the entry and each file included on the way here, so the target would sit stack.length
    // levels below the entry: with a limit of n, the entry's includes are followed n levels deep.
    if (stack.length > maxDepth) {
      problems.push({ kind: 'include-depth', file, span: arg, message: `includes nest deeper than ${maxDepth} levels; not following "${target}"` });
      return;
    }
    if (all.length >= maxDirectives) {
      // Reported once per include line, however often an include fan-out reaches it.
      const key = `${file.path}\0${arg.start}`;
      if (!overLimit.has(key)) {
        overLimit.add(key);
        problems.push({ kind: 'include-depth', file, span: arg, message: `the configuration already has ${all.length} directives with its includes, over the limit of ${maxDirectives} (--max-directives); not following "${target}" or the includes after it` });
      }
      return;
    }
    const res = readInclude(target);
    if (!res.file) {
      // An include without its ";" is syntax-error's: nginx stops there before it opens anything, and in an editor
      // it is a path still being typed ("snippets/pro" on the way to "snippets/proxy.conf").
      if (!node.directive.terminated) return;
      if (res.missing && options.prefixGuessed && !isAbsolute(arg.value)) {
        problems.push({
          kind: 'include-not-found',
          file,
          span: arg,
          message: `cannot verify include "${arg.value}": there is no "${target}", but nginx resolves relative includes against its prefix (the folder of its nginx.conf), and no nginx.conf was found above this file to tell where that is; check the folder that holds nginx.conf, or set "nginx.prefix" in .proxylintrc.json`,
          prefixGuessed: true,
        });
      } else if (res.missing && options.prefixBorrowed && !isAbsolute(arg.value) && file.path !== resolve(prefix, 'nginx.conf')) {
        // (An include written in that nginx.conf itself, which the fragment includes, is resolved exactly as when
        // nginx.conf is checked: the plain finding below, the same one that run makes.)
        problems.push({
          kind: 'include-not-found',
          file,
          span: arg,
          message: `included file "${target}" does not exist: this file is checked on its own, so "${arg.value}" was resolved against ${prefix}, the folder of the nginx configuration found beside or above it; nginx refuses to start with open() "${target}" failed (2: No such file or directory) only if that configuration includes this file`,
          prefixBorrowed: true,
        });
      } else if (res.missing) {
        problems.push({
          kind: 'include-not-found',
          file,
          span: arg,
          message: `included file "${target}" does not exist; nginx refuses to start with: open() "${target}" failed (2: No such file or directory)`,
          mayExistOnServer: isAbsolute(arg.value),
          ...(!isAbsolute(arg.value) && PACKAGED.has(arg.value.replace(/^\.\//, '')) ? { packaged: true } : {}),
        });
      } else {
        problems.push({ kind: 'include-unreadable', file, span: arg, message: `cannot read included file "${target}": ${res.error}`, ...(res.outside ? { notFollowed: true } : {}) });
      }
      return;
    }
    build(res.file.ast.directives, res.file, parent, context, node, [...stack, id], out);
  };

  const roots: ConfigNode[] = [];
  build(entry.ast.directives, entry, null, rootContext, null, [identity(entryPath)], roots);
  return { entry, rootContext, rootContextSource, prefix, files: [...filesByPath.values()], roots, all, problems, includeTargets };
}

/** A main configuration (checked with its includes) rather than a fragment: nginx.conf, or a file with http/events/stream at its top. */
export function isNginxEntry(file: SourceFile): boolean {
  if (basename(file.path).startsWith('nginx.conf')) return true;
  return file.ast.directives.some((d) => (d.name === 'http' || d.name === 'events' || d.name === 'stream') && d.block !== null);
}
