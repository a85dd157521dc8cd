import { eolOf } from './fix';
import type { Fix, TextEdit } from './finding';
import type { ApacheNode, ApacheSourceFile } from './model/apache-tree';
import { moduleKey, moduleNeeds } from './model/apache-modules';
import { ifModuleKey } from './model/apache-conditions';
import type { WorkerParam } from './model/apache-workers';

/** Edit helpers for Apache quick fixes. Lines are inserted whole, indented like their neighbours. */


export function indentOf(file: ApacheSourceFile, offset: number): string {
  const line = file.lines.positionAt(offset).line;
  return /^[ \t]*/.exec(file.lines.lineText(line))![0];
}

/**
 * Appends ` key=value` (or any words) at the end of a directive (after its last argument, continuation lines
 * included) — or, on a line with an "inline comment", before it: httpd has no inline comments, the `#` words are
 * arguments, and the fix that moves them to a line of their own would carry the added words into the comment.
 */
export function appendToDirective(node: ApacheNode, words: string): TextEdit {
  const args = node.directive.args;
  for (let k = 1; k < args.length; k++) {
    if (args[k].quote === null && args[k].raw.startsWith('#')) return { path: node.file.path, start: args[k].start, end: args[k].start, newText: words + ' ' };
  }
  // After a quote that is never closed, httpd reads the rest of the line into that word: close it first (the word
  // keeps its value, as the line's trailing blanks are not part of it), or the added words would vanish into it.
  const last = args[args.length - 1];
  const close = last?.unterminated ? last.quote! : '';
  return { path: node.file.path, start: node.directive.end, end: node.directive.end, newText: close + ' ' + words };
}

/** Replaces a `key=value` parameter with a new value, keeping the key as written. */
export function setParam(p: WorkerParam, value: string): TextEdit {
  const raw = p.arg.raw;
  const eq = raw.indexOf('=');
  const quote = p.arg.quote ?? '';
  return { path: p.node.file.path, start: p.arg.start, end: p.arg.end, newText: `${raw.slice(0, eq + 1)}${value}${quote && raw.endsWith(quote) ? quote : ''}` };
}

/** Inserts whole lines before the line where `node` starts, indented like it. */
export function insertLinesBefore(node: ApacheNode, lines: string[]): TextEdit {
  const file = node.file;
  const line = file.lines.positionAt(node.directive.start).line;
  const at = file.lines.lineStart(line);
  const indent = indentOf(file, node.directive.start);
  return { path: file.path, start: at, end: at, newText: lines.map((l) => indent + l + eolOf(file)).join('') };
}

/** Inserts whole lines after the line where `node` ends (after `</Section>` for a section), indented like it. */
export function insertLinesAfter(node: ApacheNode, lines: string[]): TextEdit {
  const file = node.file;
  const endLine = file.lines.positionAt(node.directive.end).line;
  const at = endLine + 1 < file.lines.lineCount ? file.lines.lineStart(endLine + 1) : file.text.length;
  const indent = indentOf(file, node.directive.start);
  const eol = eolOf(file);
  const lead = at === file.text.length && !/[\r\n]$/.test(file.text) ? eol : '';
  return { path: file.path, start: at, end: at, newText: lead + lines.map((l) => indent + l + eol).join('') };
}

/** Inserts lines as the first ones inside a section (after its opening line), indented like its first child. */
export function insertLinesInSection(section: ApacheNode, lines: string[]): TextEdit {
  const file = section.file;
  const openLine = file.lines.positionAt(section.directive.nameSpan.start).line;
  const at = file.lines.lineStart(openLine + 1);
  const first = section.children.find((c) => c.file === file);
  const indent = first ? indentOf(file, first.directive.start) : indentOf(file, section.directive.start) + '    ';
  return { path: file.path, start: at, end: at, newText: lines.map((l) => indent + l + eolOf(file)).join('') };
}

/** The whole physical lines a node occupies, line breaks included. */
export function lineRange(node: ApacheNode): { start: number; end: number } {
  const file = node.file;
  const first = file.lines.positionAt(node.directive.start).line;
  const last = file.lines.positionAt(node.directive.end).line;
  return { start: file.lines.lineStart(first), end: last + 1 < file.lines.lineCount ? file.lines.lineStart(last + 1) : file.text.length };
}

export function apacheFix(title: string, ...edits: TextEdit[]): Fix {
  return { title, edits };
}

/**
 * Adds LoadModule lines for `modules` after the last top-level LoadModule line, written like that one
 * (same folder). Undefined when there is no such line to model on, or when modules are loaded through
 * Debian's mods-enabled/*.load files (there the fix is `a2enmod`, not an edit).
 */
export function loadModuleFix(view: { loadLines: ApacheNode[]; loadModuleLine(m: string): string | undefined }, modules: string[]): Fix | undefined {
  let anchor = [...view.loadLines].reverse().find((n) => n.parent === null && !/\/mods-(enabled|available)\//.test(n.file.path));
  if (!anchor || modules.length === 0) return undefined;
  const lines = modules.map((m) => view.loadModuleLine(m));
  if (lines.some((l) => !l)) return undefined;
  // httpd links a module as it reads its LoadModule line, and stops when one it needs is not in memory yet
  // ("undefined symbol: proxy_module" for mod_proxy_http; moduleNeeds). That one can be loaded after the anchor,
  // through a later include (a main file that loads its MPM itself and the rest through `IncludeOptional
  // mods-enabled/*.load`): the lines then go after that include, or are not offered when it cannot be reached from
  // the anchor's file.
  for (const need of modules.flatMap((m) => moduleNeeds(m)).filter((n) => !modules.includes(n))) {
    const line = view.loadLines.find((n) => moduleKey(n.args[0]) === need);
    if (line && view.loadLines.indexOf(line) > view.loadLines.indexOf(anchor)) {
      const at = reachFrom(anchor.file, line);
      if (!at || at.directive.start < anchor.directive.start) return undefined;
      anchor = at;
    }
  }
  return apacheFix(`Load ${modules.map((m) => `mod_${m}`).join(', ')}`, insertLinesAfter(anchor, lines as string[]));
}

/** The top-level line of `file` through which `node` is read (itself, its outermost section, or an Include), if any. */
function reachFrom(file: ApacheSourceFile, node: ApacheNode): ApacheNode | undefined {
  for (let n: ApacheNode | null = node, hops = 0; n && hops < 64; hops++) {
    while (n.parent) n = n.parent;
    if (n.file === file) return n;
    n = n.via;
  }
  return undefined;
}

/**
 * The <IfModule> sections (either way, `<IfModule !m>` too) that test one of `modules`: loading the module
 * switches them, which may change what a server that starts today does (a guarded /balancer-manager
 * handler, a Listen 443, a php-fpm handler). A fix that loads a module into a server that starts is safe
 * only when there are none.
 */
export function ifModuleSections(config: { all: ApacheNode[]; unread?: ApacheNode[] }, modules: string[]): ApacheNode[] {
  // A section httpd skips today because the module is not loaded is not in what rules see, but is the one that switches on.
  const tests = (n: ApacheNode) => n.lname === 'ifmodule' && n.args[0] !== undefined && modules.includes(ifModuleKey(n.args[0].replace(/^!/, '')) ?? '');
  return [...config.all.filter(tests), ...(config.unread ?? []).filter(tests)];
}

/** How a module is turned on: a2enmod on Debian's layout, a LoadModule line elsewhere. */
export function enableHint(view: { loadLines: ApacheNode[] }, modules: string[]): string {
  const debian = view.loadLines.some((n) => /\/mods-(enabled|available)\//.test(n.file.path));
  return debian ? `run "a2enmod ${modules.join(' ')}"` : `load ${modules.map((m) => `mod_${m}`).join(' and ')} with LoadModule`;
}
