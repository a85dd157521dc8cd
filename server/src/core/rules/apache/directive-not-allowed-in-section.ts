import { conditionsOf, type ApacheNode } from '../../model/apache-tree';
import { defineApacheRule } from '../apache-rule';

/**
 * A server-level proxy or timeout directive inside a per-directory section: `ProxyTimeout 300` in a <Location> (where
 * people want a per-path timeout), `SSLProxyEngine On` in a <Location>, `ProxyPass` in a <Directory>. httpd refuses
 * to start, naming the innermost such section. The three kinds and httpd's texts were seen with `apache2 -t` on
 * 2.4.71 for every directive listed here in each section type; test/servers/apache-placement.test.ts repeats that.
 * https://httpd.apache.org/docs/2.4/mod/directive-dict.html#Context
 */

/** Server config and virtual host only: "X not allowed in <Location> context", with the name as httpd registers it (LimitRequestFieldsize). */
const SERVER_LEVEL = new Map(
  `Timeout KeepAlive KeepAliveTimeout MaxKeepAliveRequests RequestReadTimeout LimitRequestFieldsize LimitRequestFields LimitRequestLine
   ProxyTimeout ProxyRequests ProxyBadHeader ProxyVia ProxyIOBufferSize ProxyReceiveBufferSize ProxyStatus ProxyPassInherit
   ProxyMaxForwards ProxyRemote ProxyRemoteMatch ProxyBlock ProxySourceAddress ProxyDomain NoProxy ProxyHCTPsize`
    .split(/\s+/)
    .filter(Boolean)
    .map((n) => [n.toLowerCase(), n]),
);
/** The main server only: also refused in a <VirtualHost> ("cannot occur within <VirtualHost> section"). */
const GLOBAL_ONLY = new Set(['proxyhctpsize']);
/** ProxyPass and its kin: allowed in <Location> and <Proxy> (URL-only form), refused in the other sections. */
const PASS_LIKE = new Map([['proxypass', 'ProxyPass'], ['proxypassmatch', 'ProxyPassMatch'], ['proxypassreverse', 'ProxyPassReverse']]);
/** mod_ssl's proxy directives: server, virtual host, and (2.4.30+) <Proxy>. */
const SSL_PROXY = new Map(
  `SSLProxyEngine SSLProxyVerify SSLProxyVerifyDepth SSLProxyCheckPeerName SSLProxyCheckPeerCN SSLProxyCheckPeerExpire SSLProxyProtocol
   SSLProxyCipherSuite SSLProxyCACertificateFile SSLProxyCACertificatePath SSLProxyCARevocationFile SSLProxyCARevocationPath
   SSLProxyCARevocationCheck SSLProxyMachineCertificateFile SSLProxyMachineCertificatePath SSLProxyMachineCertificateChainFile`
    .split(/\s+/)
    .filter(Boolean)
    .map((n) => [n.toLowerCase(), n]),
);

/** Per-directory sections, as httpd names them in its messages. */
const SECTIONS: Record<string, string> = {
  location: 'Location', locationmatch: 'LocationMatch', directory: 'Directory', directorymatch: 'DirectoryMatch', files: 'Files',
  filesmatch: 'FilesMatch', proxy: 'Proxy', proxymatch: 'ProxyMatch', limit: 'Limit', limitexcept: 'LimitExcept', if: 'If', elseif: 'ElseIf', else: 'Else',
};

/** What httpd says about `node` where it stands, or undefined when it accepts it there. */
export const PLACEMENT_CHECKED = { serverLevel: SERVER_LEVEL, passLike: PASS_LIKE, sslProxy: SSL_PROXY };

export function sectionVerdict(node: ApacheNode): string | undefined {
  const lname = node.lname;
  const ssl = SSL_PROXY.has(lname);
  const name = SERVER_LEVEL.get(lname) ?? PASS_LIKE.get(lname) ?? SSL_PROXY.get(lname);
  if (!name) return undefined;
  let section: ApacheNode | undefined;
  let vhost = false;
  for (let p = node.parent; p; p = p.parent) {
    if (!section && SECTIONS[p.lname]) section = p;
    if (p.lname === 'virtualhost') vhost = true;
  }
  if (!section) return GLOBAL_ONLY.has(lname) && vhost ? `${name} cannot occur within <VirtualHost> section` : undefined;
  const where = SECTIONS[section.lname];
  if (PASS_LIKE.has(lname)) {
    if (where === 'Location' || where === 'LocationMatch' || where === 'Proxy' || where === 'ProxyMatch') return undefined;
    return `${name} cannot occur within ${where === 'Limit' || where === 'LimitExcept' ? '<Limit> or <LimitExcept>' : `<${where}>`} section`;
  }
  // mod_ssl takes its proxy settings per backend inside <Proxy> (2.4.30 and later).
  if (ssl && (where === 'Proxy' || where === 'ProxyMatch')) return undefined;
  return `${name} not allowed in <${where}> context`;
}

export default defineApacheRule({
  id: 'directive-not-allowed-in-section',
  server: 'apache',
  severity: 'error',
  outcome: 'startup-failure',
  summary: 'A server-level directive (ProxyTimeout, Timeout, SSLProxyEngine, …) sits in a <Location>, <Directory>, <Proxy> or other per-directory section, or ProxyPass in a <Directory>: httpd refuses to start.',
  directives: ['ProxyTimeout', 'Timeout', 'SSLProxyEngine', 'ProxyPass', 'KeepAliveTimeout'],
  versions: 'all 2.4',
  check(ctx) {
    // .htaccess files have their own rule (htaccess-directive-not-allowed): there httpd answers 500 instead.
    if (ctx.config.htaccess) return;
    for (const node of ctx.config.all) {
      if (node.directive.section) continue;
      const says = sectionVerdict(node);
      if (!says) continue;
      // Inside <IfModule>/<IfDefine>/<IfVersion> httpd reads the line only when the condition holds.
      const c = conditionsOf(node);
      const conditional = c.modules.length > 0 || c.defines.length > 0 || c.version;
      ctx.report({
        node,
        message: `httpd will not start${conditional ? ' when the conditional section around this line applies' : ''}: "${says}"${advice(node)}`,
        ...(conditional ? { severity: 'warning' as const } : {}),
      });
    }
  },
});

/** What to write instead, for the mistakes people make on purpose. */
function advice(node: ApacheNode): string {
  if (GLOBAL_ONLY.has(node.lname)) return ' — it belongs in the main server configuration, outside any <VirtualHost>';
  if (node.lname === 'proxytimeout' || node.lname === 'timeout') return ' — for one path, give its backend a timeout instead: "ProxyPass … timeout=300" (or ProxySet timeout=300 in a <Proxy> section)';
  if (SSL_PROXY.has(node.lname)) return ' — write it at server or <VirtualHost> level, or in a <Proxy> section for that backend';
  if (PASS_LIKE.has(node.lname)) return ' — put it at server or <VirtualHost> level, or in a <Location>';
  return ' — it belongs at server or <VirtualHost> level';
}
