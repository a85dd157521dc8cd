/**
 * Which sections httpd refuses inside which, and its words, as apache2 -t 2.4.68 printed them for every pair of
 * VirtualHost, Directory(Match), Location(Match), Files(Match), Proxy(Match) and If, and for chains of three
 * (test/servers/apache-macro-section-nesting.test.ts runs them again). httpd checks this when it runs each section's
 * line (ap_check_cmd_context in http_config.c), after the whole file has been read, so an unclosed section is
 * reported first.
 * https://httpd.apache.org/docs/2.4/sections.html#file-and-web
 */

/** The canonical names, as httpd prints them. */
const NAMES: Record<string, string> = {
  virtualhost: 'VirtualHost', directory: 'Directory', directorymatch: 'DirectoryMatch', location: 'Location', locationmatch: 'LocationMatch',
  files: 'Files', filesmatch: 'FilesMatch', proxy: 'Proxy', proxymatch: 'ProxyMatch', if: 'If',
};
/** Sections that make a per-directory context: a VirtualHost, Directory, Location or Proxy inside one is refused. */
const PER_DIRECTORY = new Set(['directory', 'directorymatch', 'location', 'locationmatch', 'files', 'filesmatch', 'proxy', 'proxymatch', 'if']);
/** Refused in any per-directory section, which httpd names (the innermost). */
const NOT_IN_DIRECTORY_CONTEXT = new Set(['virtualhost', 'directory', 'directorymatch', 'location', 'locationmatch', 'proxy', 'proxymatch']);

/**
 * What httpd says when a `<inner>` section opens while `open` (names, outermost first) are open, and which of them it
 * names; undefined when it takes it. <Files> is refused only under a <Location>, however deep (<Location><If><Files>
 * too); <If>, and the conditional sections (<IfModule>, …), which are not listed here, are taken anywhere.
 */
export function sectionRefused(inner: string, open: readonly string[]): { says: string; outer: number } | undefined {
  const lname = inner.toLowerCase();
  const name = NAMES[lname];
  if (!name) return undefined;
  const lower = open.map((o) => o.toLowerCase());
  const innermost = (set: (n: string) => boolean) => {
    for (let k = lower.length - 1; k >= 0; k--) if (set(lower[k])) return k;
    return -1;
  };
  if (NOT_IN_DIRECTORY_CONTEXT.has(lname)) {
    const k = innermost((n) => PER_DIRECTORY.has(n));
    if (k >= 0) return { says: `<${name} not allowed in <${NAMES[lower[k]]}> context`, outer: k };
  }
  if (lname === 'virtualhost') {
    const k = innermost((n) => n === 'virtualhost');
    if (k >= 0) return { says: '<VirtualHost> cannot occur within <VirtualHost> section', outer: k };
  }
  if (lname === 'files' || lname === 'filesmatch') {
    const k = innermost((n) => n === 'location' || n === 'locationmatch');
    if (k >= 0) return { says: `<${name}> cannot occur within <${NAMES[lower[k]]}> section`, outer: k };
  }
  return undefined;
}
