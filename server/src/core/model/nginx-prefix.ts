import { dirname, join } from '../paths';

/**
 * The folder a fragment's relative includes resolve against when it is checked without the nginx.conf that
 * includes it. nginx resolves a relative include against its configuration prefix (the folder of the nginx.conf it
 * was started with), never against the including file's folder
 * (https://nginx.org/en/docs/ngx_core_module.html#include), so `include snippets/x.conf;` in
 * sites-available/app.conf means <prefix>/snippets/x.conf. The best stand-in for the prefix is the nearest folder
 * above the fragment that holds a main configuration: one of `entryDirs` (the entries found beside it in the same
 * run or workspace) or a folder with an nginx.conf in it. The search stops at `stopAt` (a workspace folder) or at
 * the root. Undefined when there is none: the prefix is then unknown.
 */
export function fragmentPrefix(path: string, entryDirs: readonly string[], isFile: (p: string) => boolean, stopAt?: string): string | undefined {
  const known = new Set(entryDirs);
  for (let d = dirname(path); ; d = dirname(d)) {
    if (known.has(d) || isFile(join(d, 'nginx.conf'))) return d;
    if (d === stopAt || dirname(d) === d) return undefined;
  }
}
