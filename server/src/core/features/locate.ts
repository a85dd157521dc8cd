import { blockContext, type ConfigNode, type NginxConfig } from '../model/nginx-tree';
import type { Arg } from '../syntax/nginx/ast';

export interface Located {
  /** The innermost directive whose text contains the offset (null between statements at the top level). */
  node: ConfigNode | null;
  /** The block the offset is directly inside (null = top level of the file). */
  block: ConfigNode | null;
  part: 'name' | 'arg' | 'body' | 'between';
  arg?: Arg;
  argIndex?: number;
}

/**
 * What sits at `offset` in `path`. Uses the effective tree, so a file opened inside its nginx.conf gets
 * its real contexts. A file included twice resolves to its first placement.
 */
export function locate(config: NginxConfig, path: string, offset: number): Located {
  let node: ConfigNode | null = null;
  for (const n of config.all) {
    if (n.file.path !== path) continue;
    const d = n.directive;
    // Right after a statement's ";" or a block's "}" is outside it: what is typed there is a new statement. Right
    // after the last word of one with no ";" yet, it is still being typed.
    if (d.start <= offset && (offset < d.end || (offset === d.end && !(d.block ? d.block.closed : d.terminated)))) node = n;
  }
  // Typing after an unfinished directive ("proxy_buffering |" with no ";" yet) continues that directive.
  const open = config.all.find((n) => n.file.path === path && !n.directive.terminated && !n.directive.block && n.directive.end <= offset && /^[ \t]*$/.test(n.file.text.slice(n.directive.end, offset)));
  if (open && (!node || node === open.parent)) return { node: open, block: open.parent, part: 'arg', argIndex: open.directive.args.length };
  if (!node) {
    const first = config.all.find((n) => n.file.path === path);
    // Outside every statement: the file's top level, whose context is the one its first directive sits in.
    return { node: null, block: first?.parent ?? null, part: 'between' };
  }
  const d = node.directive;
  if (offset <= d.nameSpan.end) return { node, block: node.parent, part: 'name' };
  const k = d.args.findIndex((a) => a.start <= offset && offset <= a.end);
  if (k >= 0) return { node, block: node.parent, part: 'arg', arg: d.args[k], argIndex: k };
  if (d.block && offset > d.block.start && (offset < d.block.end || !d.block.closed)) return { node: null, block: node, part: 'body' };
  const before = d.args.filter((a) => a.end < offset).length;
  return { node, block: node.parent, part: 'arg', argIndex: before };
}

/** The context a new directive typed at this place would sit in. */
export function contextAt(config: NginxConfig, loc: Located): string {
  if (loc.node) return loc.node.context;
  return loc.block ? blockContext(loc.block.name, loc.block.context) : config.rootContext;
}
