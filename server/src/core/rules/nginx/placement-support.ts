import { allNginxDirectiveNames, nginxDirective, type DirectiveInfo } from '../../model/nginx-directives';
import { rawText } from '../../reads';
import { allowedIn as contextsInTree, type ConfigNode, type NginxConfig, type SourceFile } from '../../model/nginx-tree';
import { TEMPLATE_MARKUP } from '../../model/template-markup';

/**
 * Where a directive may stand and how many arguments it takes, for the directives proxylint is about: the proxy
 * modules and their fastcgi/uwsgi/scgi/grpc/memcached siblings, the upstream block's, and four of the rewrite module's (which
 * proxy locations use around proxy_pass; `rewrite` or `return` in limit_except stops nginx before a proxy_pass fix
 * there could help; the table's argument count for `return` is http's, and invalid-number-of-arguments gives stream's
 * its own). nginx refuses to start
 * on either mistake. The knowledge comes from the reference table (nginx-directives.json), whose contexts and
 * argument counts test/servers/directive-placement.test.ts compares with the real nginx for every such directive.
 */

const IN_SCOPE_PREFIX = /^(proxy|fastcgi|uwsgi|scgi|grpc|memcached)_/;
const IN_SCOPE = new Set(['rewrite', 'return', 'set', 'break', 'keepalive', 'keepalive_requests', 'keepalive_time', 'keepalive_timeout', 'least_conn', 'ip_hash', 'hash', 'random', 'zone', 'resolver', 'resolver_timeout']);

export function inPlacementScope(name: string): boolean {
  return IN_SCOPE_PREFIX.test(name) || IN_SCOPE.has(name);
}

/**
 * Our context names → the names the reference gives them. Mail is left out: Debian's nginx has no mail module to
 * check the table against. Blocks of third-party modules are not here either, so nothing inside them is judged.
 */
const REFERENCE_NAMES: Record<string, string[]> = {
  main: ['main'],
  events: ['events'],
  http: ['http'],
  server: ['server'],
  location: ['location'],
  'if-location': ['if in location', 'if'],
  'if-server': ['if'],
  limit_except: ['limit_except'],
  upstream: ['upstream'],
  stream: ['stream'],
  'stream-server': ['stream-server'],
  'stream-upstream': ['stream-upstream'],
};

/** How a context reads in a message. */
const READABLE: Record<string, string> = {
  main: 'the top level (outside any block)',
  'if in location': '"if" in a location',
  if: '"if"',
  'stream-server': 'a stream "server"',
  'stream-upstream': 'a stream "upstream"',
  'mail-server': 'a mail "server"',
};

export function readableContext(referenceName: string): string {
  return READABLE[referenceName] ?? `"${referenceName}"`;
}

/** A block of the reference's context list, as a phrase of its own: 'an "upstream" block', 'a stream "server"'. */
export function readableBlock(referenceName: string): string {
  return READABLE[referenceName] ?? `${/^[aeiouh]/.test(referenceName) ? 'an' : 'a'} "${referenceName}" block`;
}

export function readableHere(context: string): string {
  if (context === 'if-location') return 'an "if" block in a location';
  if (context === 'if-server') return 'an "if" block in a server';
  if (context === 'main') return 'the top level (outside any block)';
  const name = REFERENCE_NAMES[context]?.[0] ?? context;
  if (name.startsWith('stream-')) return `a stream "${name.slice(7)}" block`;
  return `${/^[aeiouh]/.test(name) ? 'an' : 'a'} "${name}" block`;
}

/**
 * Where the directive may stand, in the family of blocks the line is in (http or stream): an http proxy_pass
 * need not hear about stream server blocks. A directive of the other family says so instead.
 */
export function readableAllowed(allowed: string[], context: string): string {
  const stream = context === 'stream' || context.startsWith('stream-');
  const family = (c: string) => c === 'stream' || c.startsWith('stream-');
  const same = allowed.filter((c) => !c.startsWith('mail') && family(c) === stream);
  if (same.length === 0) {
    const other = allowed.filter((c) => !c.startsWith('mail'));
    // proxy_buffer, proxy_pass_error_message, proxy_smtp_auth…: the mail module's only.
    if (other.length === 0) return `it is a mail directive (it belongs in ${orList(allowed.map(readableContext))})`;
    return `it is ${stream ? 'an http' : 'a stream'} directive (it belongs in ${orList(other.map(readableContext))})`;
  }
  return `it belongs in ${orList(same.map(readableContext))}`;
}

export const orList = (xs: string[]) => (xs.length <= 1 ? xs.join('') : `${xs.slice(0, -1).join(', ')} or ${xs[xs.length - 1]}`);

/**
 * Blocks that fix the context of everything inside them, whatever the file they sit in is included from. Not `if`:
 * whether it is a server's or a location's depends on the block around it, which may be the guessed one.
 */
const DECIDING_BLOCKS = new Set(['http', 'stream', 'events', 'location', 'limit_except']);

/**
 * True when the context of `node` is known for certain. A fragment checked alone whose context was only guessed
 * from its name or content (an included snippet) may be meant for another block: its top-level lines, and blocks
 * such as `server` or `upstream` whose meaning depends on the block around them, are not judged.
 */
export function placementKnown(node: ConfigNode, config: NginxConfig): boolean {
  if (!REFERENCE_NAMES[node.context]) return false;
  if (config.rootContextSource !== 'inferred' && !mainIsGuessed(config)) return true;
  for (let p = node.parent; p; p = p.parent) if (DECIDING_BLOCKS.has(p.name)) return true;
  return false;
}

const guessedMain = new WeakMap<NginxConfig, boolean>();

/**
 * True when the entry was taken for a whole configuration only because no block fitted its lines better: it has no
 * http, events, stream or mail block, and some of its top-level directives are not allowed at the top level. A mail
 * snippet checked alone (auth_http, proxy_buffer, smtp_auth: no candidate block takes them) is such a file; its
 * lines belong in a mail block, not at the top level where they would be reported.
 */
function mainIsGuessed(config: NginxConfig): boolean {
  if (config.rootContextSource !== 'main') return false;
  let guessed = guessedMain.get(config);
  if (guessed === undefined) {
    const names = config.entry.ast.directives.map((d) => d.name);
    guessed =
      !names.some((n) => n === 'http' || n === 'events' || n === 'stream' || n === 'mail') &&
      names.some((n) => {
        const where = contextsInTree(n);
        return where !== undefined && !where.has('main');
      });
    guessedMain.set(config, guessed);
  }
  return guessed;
}

/** The reference entry of an in-scope directive, or undefined for names outside the scope or unknown to it. */
export function placementInfo(node: ConfigNode): DirectiveInfo | undefined {
  // Asked for every node of the tree by two rules: one map lookup, from a map as big as the table's scope.
  if (!inScopeTable) {
    inScopeTable = new Map();
    for (const name of allNginxDirectiveNames()) if (inPlacementScope(name)) inScopeTable.set(name, nginxDirective(name)!);
  }
  return inScopeTable.get(node.name);
}
let inScopeTable: Map<string, DirectiveInfo> | undefined;

export function allowedIn(info: DirectiveInfo, context: string): boolean {
  return inReferenceContexts(info.contexts, context);
}

/** Whether the context is one of nginx's own blocks (not a map, geo or third-party block, whose lines are not directives of nginx's). */
export function nginxBlockContext(context: string): boolean {
  return REFERENCE_NAMES[context] !== undefined;
}

/** Whether one of our contexts is among a list of the reference's context names (a directive's, or where it is a switch). */
export function inReferenceContexts(contexts: readonly string[] | undefined, context: string): boolean {
  const names = REFERENCE_NAMES[context];
  if (contexts === undefined || names === undefined) return false;
  // Loops, not names.some(n => contexts.includes(n)): rules ask this for every line of the configuration, and the
  // callback was a new closure per line (100k of them on the 100k-line tree, for each such rule).
  for (let i = 0; i < names.length; i++) if (contexts.includes(names[i])) return true;
  return false;
}

/**
 * True when the line holds template markup (`{{ .Timeout }}`, `<%= @timeout %>`, `@TIMEOUT@`): the file is a template
 * whose rendered lines nginx will read, and the words nginx would see are unknown. A directive over several lines
 * counts when any of them does.
 */
export function templateLine(node: ConfigNode): boolean {
  const marked = templateLines(node.file);
  if (marked.size === 0) return false;
  const d = node.directive;
  const first = node.file.lines.positionAt(d.start).line;
  const last = node.file.lines.positionAt(d.block ? d.start : d.end).line;
  for (let line = first; line <= last; line++) if (marked.has(line)) return true;
  return false;
}

/**
 * The lines of a file with template markup, found in one pass over it. Asking each directive's line instead costs the
 * line's length per question: thousands of arguments or directives on one long line (a minified or damaged file)
 * made that quadratic (a 185 KB line with one 43,000-word error_page took 15 s).
 */
const markedLines = new WeakMap<SourceFile, ReadonlySet<number>>();
const TEMPLATE_MARKUP_ALL = new RegExp(TEMPLATE_MARKUP.source, 'g');
function templateLines(file: SourceFile): ReadonlySet<number> {
  let marked = markedLines.get(file);
  if (!marked) {
    const lines = new Set<number>();
    TEMPLATE_MARKUP_ALL.lastIndex = 0;
    // No pattern of the markup spans a line break, so each match marks the one line it starts on.
    // Read without noting: model/value-edit.ts takes an edit that adds or removes markup on its line for no value edit.
    const text = rawText(file);
    for (let m = TEMPLATE_MARKUP_ALL.exec(text); m; m = TEMPLATE_MARKUP_ALL.exec(text)) lines.add(file.lines.positionAt(m.index).line);
    markedLines.set(file, (marked = lines));
  }
  return marked;
}
