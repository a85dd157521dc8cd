import type { Host } from '../host';
import { normalize } from '../paths';

/**
 * The identity of a file on the include stack: its real path, so that a cycle through a symbolic link is found as
 * one. Memoised per load: a snippet included from every location would otherwise cost a realpath (a system call
 * per path segment) each time, a tenth of the run on a 100k-line tree.
 */
export function realPathMemo(host: Host): (p: string) => string {
  const identities = new Map<string, string>();
  return (p) => {
    let id = identities.get(p);
    if (id === undefined) identities.set(p, (id = host.realpath?.(p) ?? p));
    return id;
  };
}

/** Rewrites absolute path prefixes (`{ "/etc/nginx/": "/repo/nginx/" }`) for trees checked out away from the server. */
export function pathMapper(pathMap: Record<string, string> = {}): (p: string) => string {
  const entries = Object.entries(pathMap);
  return (p) => {
    for (const [from, to] of entries) {
      if (p === from || p.startsWith(from.endsWith('/') ? from : from + '/')) return normalize(to + '/' + p.slice(from.length));
    }
    return p;
  };
}
