import type { Host } from '../host';
import { hasGlob, resolve } from '../paths';
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

/** Files an include argument names (globs expanded), resolved as the loader does. */
export function includeTargets(node: ConfigNode, prefix: string, host: Host): string[] {
  const arg = node.directive.args[0];
  if (node.name !== 'include' || !arg) return [];
  const pattern = resolve(prefix, arg.value);
  if (!hasGlob(pattern)) return [pattern];
  const g = host.glob(pattern);
  return 'paths' in g ? g.paths : [];
}

/**
 * Go to definition: an upstream name in a pass target → its `upstream` block; an include → the file(s);
 * `@name` (try_files, error_page, proxy_intercept targets) → the named location.
 */
export function definitions(loc: Located, config: NginxConfig, upstreams: UpstreamGraph, prefix: string, host: Host): Target[] {
  const node = loc.node;
  if (!node || loc.part !== 'arg' || !loc.arg) return [];
  const origin = { start: loc.arg.start, end: loc.arg.end };
  if (node.name === 'include') {
    return includeTargets(node, prefix, host).map((path) => ({ path, start: 0, end: 0, origin }));
  }
  const pass = upstreams.passes.find((p) => p.node === node);
  if (pass?.upstream) {
    const d = pass.upstream.node.directive;
    return [{ path: pass.upstream.node.file.path, start: d.start, end: d.block?.start ?? d.end, origin }];
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
