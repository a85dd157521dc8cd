import type { ApacheConfig, ApacheNode } from './apache-tree';

/**
 * Directives and sections httpd accepts only in the server configuration, a virtual host or a per-directory section
 * (never in .htaccess). The proxy, mod_ssl proxy and request-limit ones were each put alone in an .htaccess file on
 * httpd 2.4.71 (AllowOverride All): 500 and "… not allowed here" (test/rules/apache-htaccess-not-allowed.test.ts).
 */
export const SERVER_ONLY = new Set(
  `virtualhost directory directorymatch location locationmatch proxy proxymatch macro loadmodule loadfile listen serverroot servername serveralias
   documentroot include includeoptional errorlog customlog transferlog timeout keepalive keepalivetimeout maxkeepaliverequests
   proxypass proxypassmatch proxypassreverse proxypassreversecookiedomain proxypassreversecookiepath proxytimeout proxyrequests proxypreservehost
   proxyset balancermember proxybadheader proxyvia proxyerroroverride proxyiobuffersize proxyhcexpr proxyhctemplate requestreadtimeout
   proxyreceivebuffersize proxyaddheaders proxywebsocketfallbacktoproxyhttp proxystatus proxypassinherit proxymaxforwards proxyremote
   proxyremotematch proxyblock proxysourceaddress proxydomain noproxy proxypassinterpolateenv proxyhctpsize balancerinherit balancerpersist
   balancergrowth limitrequestfieldsize limitrequestfields limitrequestline
   sslproxyverify sslproxyverifydepth sslproxycheckpeername sslproxycheckpeercn sslproxycheckpeerexpire sslproxycacertificatefile
   sslproxycacertificatepath sslproxyprotocol sslproxyciphersuite sslproxycarevocationcheck sslproxycarevocationfile sslproxycarevocationpath
   sslproxymachinecertificatefile sslproxymachinecertificatepath sslproxymachinecertificatechainfile
   sslengine sslproxyengine sslcertificatefile sslcertificatekeyfile alias aliasmatch scriptalias scriptaliasmatch user group pidfile
   startservers maxrequestworkers serverlimit threadsperchild`.split(/\s+/).filter(Boolean),
);

/** Names httpd registers in another spelling, which its message uses. */
const REGISTERED: Record<string, string> = { limitrequestfieldsize: 'LimitRequestFieldsize' };
/** Directives that refuse .htaccess themselves (mod_proxy_hcheck), in other words than httpd's (2.4.71). */
const GLOBAL_ONLY = new Set(['proxyhcexpr', 'proxyhctemplate']);

/** What httpd logs after the file's path for a line it refuses in .htaccess ("ProxyPass not allowed here"). */
export function htaccessRefusal(n: ApacheNode): string {
  if (GLOBAL_ONLY.has(n.lname)) return `${n.name} cannot occur within htaccess files`;
  const name = REGISTERED[n.lname] ?? n.name;
  return `${n.directive.section ? `<${name}` : name} not allowed here`;
}

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
