import type { ConfigNode, NginxConfig } from '../model/nginx-tree';
import type { UpstreamGraph } from '../model/nginx-upstreams';
import type { Located } from './locate';

export interface Target {
  path: string;
  start: number;
  end: number;
  /** The part of the source the link or definition is about. */
  origin: { start: number; end: number };
}

/**
 * The files an include line brought in: those the loader resolved it to (prefix, "nginx.pathMap", a checkout's copy of
 * an absolute path, globs) and read. Resolving the argument again here would open /etc/nginx/… on this machine where
 * the configuration read the checkout's copy, or a file that does not exist.
 */
export function includeTargets(node: ConfigNode, config: NginxConfig): string[] {
  const targets = node.name === 'include' ? config.includeTargets.get(node.directive) : undefined;
  if (!targets?.length) return [];
  const read = new Set(config.files.map((f) => f.path));
  return targets.filter((p) => read.has(p));
}

/**
 * Go to definition: an upstream name in a pass target → its `upstream` block (every one, when the name is duplicated); an include → the file(s);
 * `@name` (try_files, error_page, proxy_intercept targets) → the named location.
 */
export function definitions(loc: Located, config: NginxConfig, upstreams: UpstreamGraph): Target[] {
  const node = loc.node;
  if (!node || loc.part !== 'arg' || !loc.arg) return [];
  const origin = { start: loc.arg.start, end: loc.arg.end };
  if (node.name === 'include') {
    return includeTargets(node, config).map((path) => ({ path, start: 0, end: 0, origin }));
  }
  const pass = upstreams.passes.find((p) => p.node === node);
  if (pass?.upstream) {
    // Every block of the name: where two share it nginx does not start, and neither is the one it would use.
    return upstreams.sameName(pass.upstream).map((up) => {
      const d = up.node.directive;
      return { path: up.node.file.path, start: d.start, end: d.block?.start ?? d.end, origin };
    });
  }
  const value = loc.arg.value;
  const at = value.lastIndexOf('@');
  if (at >= 0 && (at === 0 || value[at - 1] === '=')) {
    const name = value.slice(at);
    const target = config.all.find((n) => n.name === 'location' && n.directive.args[0]?.value === name);
    if (target) return [{ path: target.file.path, start: target.directive.start, end: target.directive.block?.start ?? target.directive.end, origin }];
  }
  return [];
}

/**
 * Find references on an upstream group's name, in its `upstream` line or in a pass target that names it: the pass
 * targets that use the group, and with `includeDeclaration` the `upstream` lines of that name (every one, when the
 * name is duplicated). Each place once: a file included in several places has a node per placement.
 */
export function upstreamReferences(loc: Located, upstreams: UpstreamGraph, includeDeclaration: boolean): { path: string; start: number; end: number }[] {
  const node = loc.node;
  if (!node || loc.part !== 'arg' || !loc.arg) return [];
  const group = node.name === 'upstream' && loc.argIndex === 0 ? upstreams.upstreams.find((u) => u.node === node) : upstreams.passes.find((p) => p.node === node)?.upstream;
  if (!group) return [];
  const blocks = upstreams.sameName(group);
  const places = [
    ...(includeDeclaration ? blocks.map((u) => ({ path: u.node.file.path, span: u.node.directive.args[0] })) : []),
    // Passes are tied to the first block of a name (the one nginx's lookup finds).
    ...upstreams.passes.filter((p) => p.upstream && blocks.includes(p.upstream)).map((p) => ({ path: p.node.file.path, span: p.arg })),
  ];
  const seen = new Set<string>();
  return places
    .filter(({ path, span }) => !seen.has(`${path}\0${span.start}`) && !!seen.add(`${path}\0${span.start}`))
    .map(({ path, span }) => ({ path, start: span.start, end: span.end }));
}
