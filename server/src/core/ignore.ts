import { relative } from './paths';

/**
 * Whether `path` matches one of the "ignore" patterns of .proxylintrc.json, which are relative to `base` (the folder
 * of that file). `**` spans folders, `*` and `?` stay within one; a pattern without "/" matches a name anywhere.
 */
export function isIgnored(path: string, patterns: readonly string[], base: string): boolean {
  if (patterns.length === 0) return false;
  const rel = relative(base, path);
  return patterns.some((g) => globToRegExp(g).test(rel));
}

function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*' && glob[i + 1] === '*') {
      i++;
      // "**/" is any number of whole folders (none included): "**/test.conf" must not match "latest.conf".
      if (glob[i + 1] === '/') {
        re += '(?:.*/)?';
        i++;
      } else re += '.*';
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(glob.includes('/') ? `^${re}$` : `(^|/)${re}(/|$)`);
}
