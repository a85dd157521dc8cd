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
  byFile = new Map();
  for (const n of config.all) {
    if (!n.via) continue;
    const list = byFile.get(n.file.path);
    if (!list) byFile.set(n.file.path, [n.via]);
    else if (!list.includes(n.via)) list.push(n.via);
  }
  cache.set(config, byFile);
  return byFile;
}

/** The `include` lines that place `path`, when there are two or more; [] when it is placed once (or is the entry). */
export function sharedPlacements(config: NginxConfig, path: string): ConfigNode[] {
  const list = placements(config).get(path) ?? [];
  return list.length > 1 ? list : [];
}

export function isSharedFile(config: NginxConfig, path: string): boolean {
  return sharedPlacements(config, path).length > 0;
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
