import type { ApacheConfig, ApacheNode } from './apache-tree';

/** Directives and sections httpd accepts only in the server configuration or a virtual host (never in .htaccess). */
export const SERVER_ONLY = new Set(
  `virtualhost directory directorymatch location locationmatch proxy proxymatch macro loadmodule loadfile listen serverroot servername serveralias
   documentroot include includeoptional errorlog customlog transferlog timeout keepalive keepalivetimeout maxkeepaliverequests
   proxypass proxypassmatch proxypassreverse proxypassreversecookiedomain proxypassreversecookiepath proxytimeout proxyrequests proxypreservehost
   proxyset balancermember proxybadheader proxyvia proxyerroroverride proxyiobuffersize proxyhcexpr proxyhctemplate requestreadtimeout
   sslengine sslproxyengine sslcertificatefile sslcertificatekeyfile alias aliasmatch scriptalias scriptaliasmatch user group pidfile
   startservers maxrequestworkers serverlimit threadsperchild`.split(/\s+/).filter(Boolean),
);

/**
 * The lines of an .htaccess file that httpd rejects with "… not allowed here", in file order: a section counts
 * once (what is inside it is never read), and an Include brings in nothing. Such a line never takes effect: httpd
 * answers 500 for the folder until it is gone.
 */
export function notAllowedInHtaccess(config: ApacheConfig): ApacheNode[] {
  if (!config.htaccess) return [];
  const dropped = droppedBy(config.all.filter((n) => SERVER_ONLY.has(n.lname)));
  return config.all.filter((n) => SERVER_ONLY.has(n.lname) && !(n.parent && dropped(n.parent)) && !(n.via && dropped(n.via)));
}

/** Whether a node is one of `nodes` or sits inside one (as a child, or in a file one of them includes). */
export function droppedBy(nodes: ApacheNode[]): (n: ApacheNode) => boolean {
  const roots = new Set(nodes);
  const memo = new Map<ApacheNode, boolean>();
  const dropped = (n: ApacheNode): boolean => {
    let v = memo.get(n);
    if (v === undefined) {
      v = roots.has(n) || (n.parent !== null && dropped(n.parent)) || (n.via !== null && dropped(n.via));
      memo.set(n, v);
    }
    return v;
  };
  return dropped;
}

/**
 * The configuration rules other than htaccess-directive-not-allowed analyse: without the lines httpd rejects in
 * an .htaccess file (nor anything inside them), since those never take effect.
 */
export function withoutNodes(config: ApacheConfig, nodes: ApacheNode[]): ApacheConfig {
  if (nodes.length === 0) return config;
  const dropped = droppedBy(nodes);
  const all = config.all.filter((n) => !dropped(n));
  // A file brought in only by a rejected Include is never read.
  const read = new Set(all.map((n) => n.file));
  return { ...config, all, roots: config.roots.filter((n) => !dropped(n)), files: config.files.filter((f) => f === config.entry || read.has(f)) };
}
