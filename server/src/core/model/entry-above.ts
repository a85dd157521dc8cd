import { dirname, join } from '../paths';

/** The Debian, Red Hat and source layouts' main httpd configurations: apache2.conf beside sites-enabled/, conf/httpd.conf beside conf.d/. */
const APACHE_MAIN = ['apache2.conf', 'httpd.conf', 'conf/httpd.conf'];

/**
 * The nearest main httpd configuration in a folder above `path` (a vhost file checked without it), looked for no
 * higher than `stopAt` (a workspace folder) or the root. Whether it includes `path` is for its load to tell.
 */
export function apacheEntryAbove(path: string, isFile: (p: string) => boolean, stopAt?: string): string | undefined {
  for (let d = dirname(path); ; d = dirname(d)) {
    for (const name of APACHE_MAIN) {
      const p = join(d, name);
      if (p !== path && isFile(p)) return p;
    }
    if (d === stopAt || dirname(d) === d) return undefined;
  }
}
