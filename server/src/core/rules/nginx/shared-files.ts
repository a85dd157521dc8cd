import type { Fix } from '../../finding';
import type { ConfigNode, NginxConfig } from '../../model/nginx-tree';

/**
 * Files the configuration places in more than one spot: a snippet included by several locations
 * (`include snippets/proxy-common.conf;` in `/` and in `/socket.io/`), or a file included from a file
 * that is itself included twice. An edit there changes every spot, not only the one a finding is about,
 * so rules must not write into such files to fix one location.
 */
const cache = new WeakMap<NginxConfig, Map<string, ConfigNode[]>>();

/** Per included file, the distinct `include` nodes that place it (two for a snippet included twice). */
function placements(config: NginxConfig): Map<string, ConfigNode[]> {
  let byFile = cache.get(config);
  if (byFile) return byFile;
  // Sets, not list.includes(): a snippet included from thousands of locations would make that quadratic.
  // A Set keeps insertion order, so the lists come out in the same (document) order.
  const sets = new Map<string, Set<ConfigNode>>();
  const all = config.all;
  // The top-level lines of one placement come one after another: only the first of them needs recording.
  let lastVia: ConfigNode | null = null, lastFile: ConfigNode['file'] | null = null;
  for (let k = 0; k < all.length; k++) {
    const n = all[k];
    if (!n.via || (n.via === lastVia && n.file === lastFile)) continue;
    lastVia = n.via;
    lastFile = n.file;
    const set = sets.get(n.file.path);
    if (!set) sets.set(n.file.path, new Set([n.via]));
    else set.add(n.via);
  }
  byFile = new Map();
  for (const [path, set] of sets) byFile.set(path, [...set]);
  cache.set(config, byFile);
  return byFile;
}

/** The `include` lines that place `path`, when there are two or more; [] when it is placed once (or is the entry). */
export function sharedPlacements(config: NginxConfig, path: string): ConfigNode[] {
  const list = placements(config).get(path) ?? [];
  return list.length > 1 ? list : [];
}

export function isSharedFile(config: NginxConfig, path: string): boolean {
  const list = placements(config).get(path);
  return list !== undefined && list.length > 1;
}

/** Whether a fix writes into a file placed in more than one spot. */
export function touchesSharedFile(config: NginxConfig, fix: Fix | undefined): boolean {
  return !!fix && fix.edits.some((e) => isSharedFile(config, e.path));
}

/** The fix, or undefined when it would write into a shared file. */
export function unlessShared(config: NginxConfig, fix: Fix | undefined): Fix | undefined {
  return touchesSharedFile(config, fix) ? undefined : fix;
}

/** "snippets/proxy-common.conf (included 3 times)" style note for messages. */
export function sharedNote(config: NginxConfig, node: ConfigNode): string {
  const n = sharedPlacements(config, node.file.path).length;
  return n ? `${node.file.path.split('/').slice(-2).join('/')} is included from ${n} places` : '';
}
