import type { ApacheNode } from '../../model/apache-tree';
import { virtualHostOf } from '../../model/apache-tree';
import type { Worker } from '../../model/apache-proxy';
import { defineApacheRule } from '../apache-rule';

/**
 * A `SetHandler "proxy:unix:/a.sock|fcgi://localhost"` request is proxied through the worker httpd finds for its URL
 * with the socket part taken off: the handler's URL followed by the file's path, "fcgi://localhost/var/www/x.php"
 * ("fcgi://localhost//var/www/x.php" for a handler URL ending in "/"). The worker is the one with the longest name
 * that starts that URL, among the server's workers and the main server's (merge_proxy_config appends them); a worker
 * name is a plain string prefix (scheme and host compared in lower case), so "fcgi://localhost/var/www/ht" takes
 * /var/www/html/x.php. A ProxyPassMatch worker's name is a pattern, each $N standing for any text, and one without $N
 * matches as a prefix. When that worker has a socket of its own, its socket is used, not the handler's
 * (ap_proxy_determine_connection takes the worker's uds_path before the request's). On 2.4.68, with DocumentRoot
 * /srv/html and the handler to a.sock, the requests went to b.sock through "ProxyPass … unix:b.sock|fcgi://localhost/",
 * "…|fcgi://localhost/srv/html/", "…|fcgi://LocalHost/srv/ht" and "ProxyPassMatch … unix:b.sock|fcgi://localhost/srv/html/$1";
 * only those under /srv/html/sub/ through "…|fcgi://localhost/srv/html/sub/"; none through "…|fcgi://localhost/legacy/"
 * or "ProxyPassMatch … |fcgi://localhost/legacy/$1" (test/servers/apache-sethandler-worker-path.test.ts). A later
 * ProxyPass whose URL an earlier worker's name starts shares that worker (AH01145), so only workers of their own count.
 * The files a handler serves are known from its <Directory> section, else from the server's DocumentRoot and its
 * Alias and AliasMatch folders (see filesFolders); where none says, only a worker that takes every URL of the handler
 * is reported. Balancer members are not looked up this way, and a ProxyPassMatch pattern with text after a $N is left
 * out.
 */
export default defineApacheRule({
  id: 'sethandler-socket-taken-by-worker',
  server: 'apache',
  severity: 'warning',
  outcome: 'wrong-backend-path',
  summary:
    'A SetHandler "proxy:unix:…|fcgi://host" request URL (fcgi://host/path/of/the/file) starts with the name of a ProxyPass worker to another socket: httpd sends the handler\'s requests through that worker, to the other socket (another PHP-FPM pool, or 503 when it is down).',
  directives: ['SetHandler', 'ProxyPass', 'ProxyPassMatch', 'DocumentRoot'],
  versions: 'all 2.4',
  check(ctx) {
    const lowerHost = (u: string) => u.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, (s) => s.toLowerCase());
    /** The text every URL the worker takes starts with, or undefined for a pattern this rule does not read. */
    const prefixOf = (w: Worker): string | undefined => {
      const name = lowerHost(w.url.slice(w.url.indexOf('|') + 1));
      if (!w.match) return name;
      // A pattern: only one whose first $N ends it (or with none) is a plain prefix.
      const cut = name.search(/\$\d/);
      if (cut < 0) return name;
      return /^\$\d$/.test(name.slice(cut)) ? name.slice(0, cut) : undefined;
    };
    const own = ctx.proxy.workers.filter((x) => x.kind === 'proxypass' && x.target.socket && !x.shares && !x.node.unresolved);
    for (const n of ctx.nodes('sethandler')) {
      if (n.unresolved) continue;
      const m = /^proxy:unix:([^|]+)\|([a-z][a-z0-9+.-]*:\/\/[^/]+)(\/.*)?$/i.exec(n.args[0] ?? '');
      if (!m) continue;
      const [, socket, base0, hpath = ''] = m;
      const base = base0.toLowerCase();
      const server = virtualHostOf(n);
      const aliases = [...ctx.nodes('alias'), ...ctx.nodes('aliasmatch')].filter((a) => !a.unresolved && (virtualHostOf(a) === null || virtualHostOf(a) === server));
      let hit: { w: Worker; prefix: string; takes: 'all' | 'some'; folder: string | undefined } | undefined;
      for (const folder of filesFolders(n, ctx.proxy.serverValue(server, 'documentroot'), aliases)) {
        // What every request URL for files under `folder` starts with: the file path is absolute.
        const known = `${base}${hpath}${folder === undefined ? '' : folder}/`;
        const take = (prefix: string): 'all' | 'some' | undefined => {
          if (known.startsWith(prefix)) return 'all';
          // Only the files below a folder the worker names: sure only when the handler's folder is known.
          if (folder !== undefined && prefix.startsWith(known)) return 'some';
          return undefined;
        };
        const found = own
          .filter((x) => x.vhost === null || x.vhost === server)
          .map((w) => ({ w, prefix: prefixOf(w) }))
          .filter((c): c is { w: Worker; prefix: string } => c.prefix !== undefined)
          .map((c) => ({ ...c, takes: take(c.prefix), folder }))
          .filter((c): c is { w: Worker; prefix: string; takes: 'all' | 'some'; folder: string | undefined } => c.takes !== undefined)
          .sort((a, b) => b.prefix.length - a.prefix.length);
        // The longest name that takes every request wins them all; longer ones take their part of them.
        const firstAll = found.findIndex((c) => c.takes === 'all');
        const live = firstAll < 0 ? found : found.slice(0, firstAll + 1);
        hit = live.find((c) => c.takes === 'all' && c.w.target.socket !== socket) ?? live.find((c) => c.w.target.socket !== socket);
        if (hit) break;
      }
      if (!hit) continue;
      const { w, folder } = hit;
      const which =
        hit.takes === 'all'
          ? folder === undefined
            ? 'requests this SetHandler sends'
            : `requests this SetHandler sends for files under ${folder}/`
          : `requests this SetHandler sends for files whose path starts with ${hit.prefix.slice(`${base}${hpath}`.length)}`;
      ctx.report({
        node: n,
        message: `${which} to ${socket} go through the worker of ${w.node.name} on line ${ctx.lineOf(w.node)}${w.node.file === n.file ? '' : ` of ${w.node.file.path.slice(w.node.file.path.lastIndexOf('/') + 1)}`} (${w.url}) instead: httpd looks the worker up by the URL without its socket part (${base}${hpath}/path/of/the/file), the longest worker name that starts it wins, and a worker's own socket wins over the handler's, so they reach ${w.target.socket} (another pool answers, or 503 with "AH02454: … attempt to connect to Unix domain socket ${w.target.socket} … failed" while it is down). Give one of them another host name (${base.replace(/:\/\/.*/, '')}://php-fpm-pool), which names a worker of its own`,
      });
    }
  },
});

/**
 * The folders (absolute, without a trailing "/") the files the handler serves are under, each undefined when it is
 * not a plain path: its <Directory> section's; for a handler outside any <Directory>, the server's DocumentRoot and
 * the folders its Alias and AliasMatch lines map URLs to (the main server's too, which mod_alias merges into every
 * virtual host). On 2.4.71, with `Alias "/app" "/…/app"` and a handler in <FilesMatch>, /app/x.php went through a
 * worker named "…|fcgi://localhost/…/app/" to its socket, and /index.php did not
 * (test/servers/apache-sethandler-worker-path.test.ts).
 */
function filesFolders(n: ApacheNode, documentRoot: ApacheNode | undefined, aliases: ApacheNode[]): (string | undefined)[] {
  const plain = (p: string | undefined) => (p && p.startsWith('/') && !/[*?[~]/.test(p) && !p.includes('${') ? p.replace(/\/+$/, '') : undefined);
  for (let p = n.parent; p; p = p.parent) {
    if (p.lname === 'directory') return [plain(p.args[0])];
    if (p.lname === 'directorymatch') return [undefined];
  }
  const folders = [documentRoot && !documentRoot.unresolved ? plain(documentRoot.args[0]) : undefined];
  for (const a of aliases) {
    // `Alias "/path"` alone inside <Location> names only the target.
    const target = a.args.length === 1 ? a.args[0] : a.args[1];
    if (a.lname === 'alias') folders.push(plain(target));
    else {
      // AliasMatch "^/app/(.*)$" "/srv/app/$1": the files are under the folder the text before the first $N ends in.
      const cut = target?.search(/\$\d/) ?? -1;
      folders.push(cut < 0 ? plain(target) : plain(target!.slice(0, target!.lastIndexOf('/', cut))));
    }
  }
  return [...new Set(folders)];
}
