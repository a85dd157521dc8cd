import { apacheFix, appendToDirective, lineRange } from '../../apache-fix';
import type { Fix } from '../../finding';
import { atoi } from '../../model/apache-workers';
import { modulesOfDirective } from '../../model/apache-modules';
import { conditionsOf, type ApacheNode } from '../../model/apache-tree';
import { defineApacheRule, type ApacheRuleContext } from '../apache-rule';

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
  return placementVerdict(node.lname, node.parent);
}

/** What httpd says about a directive named `lname` written under `parent` (completion asks before it is written). */
export function placementVerdict(lname: string, parent: ApacheNode | null): string | undefined {
  const ssl = SSL_PROXY.has(lname);
  const name = SERVER_LEVEL.get(lname) ?? PASS_LIKE.get(lname) ?? SSL_PROXY.get(lname);
  if (!name) return undefined;
  let section: ApacheNode | undefined;
  let vhost = false;
  for (let p = parent; p; p = p.parent) {
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
      // httpd looks the name up before it checks where the line stands: without the module it stops with "Invalid
      // command" (apache-module-not-loaded), and says where the line belongs only once the module is loaded.
      const mods = modulesOfDirective(node.lname);
      if (ctx.modules.known && mods && !mods.some((m) => ctx.modules.isLoaded(m))) continue;
      // Inside <IfModule>/<IfDefine>/<IfVersion> httpd reads the line only when the condition holds.
      const c = conditionsOf(node);
      const conditional = c.modules.length > 0 || c.defines.length > 0 || c.version;
      const { text, suggestion } = advice(node, ctx);
      ctx.report({
        node,
        message: `httpd will not start${conditional ? ' when the conditional section around this line applies' : ''}: "${says}"${text}`,
        ...(conditional ? { severity: 'warning' as const } : {}),
        ...(suggestion ? { suggestions: [suggestion] } : {}),
      });
    }
  },
});

/** What to write instead, for the mistakes people make on purpose. */
function advice(node: ApacheNode, ctx: ApacheRuleContext): { text: string; suggestion?: Fix } {
  if (GLOBAL_ONLY.has(node.lname)) return { text: ' — it belongs in the main server configuration, outside any <VirtualHost>' };
  if (node.lname === 'proxytimeout' || node.lname === 'timeout') return timeoutAdvice(node, ctx);
  if (SSL_PROXY.has(node.lname)) return { text: ' — write it at server or <VirtualHost> level, or in a <Proxy> section for that backend' };
  if (PASS_LIKE.has(node.lname)) return { text: ' — put it at server or <VirtualHost> level, or in a <Location>' };
  return { text: ' — it belongs at server or <VirtualHost> level' };
}

/**
 * The whole seconds a worker's timeout= would need to keep the misplaced line's value. httpd reads ProxyTimeout and
 * Timeout alike with atoi(): the leading digits as seconds ("2mi" is 2 s, "500ms" 500 s); timeout= is read the same
 * way. Undefined when the value is below 1 s (ProxyTimeout then stops httpd; timeout= would too).
 */
function wantedSeconds(node: ApacheNode): { seconds: number; note: string } | undefined {
  const raw = node.args[0];
  if (raw === undefined) return undefined;
  const n = atoi(raw);
  if (!(n >= 1)) return undefined;
  return { seconds: n, note: /^\d+$/.test(raw) ? '' : ` (${node.name} reads whole seconds and ignores what follows the digits: httpd takes "${raw}" as ${n} s)` };
}

function innermostSection(node: ApacheNode): ApacheNode | undefined {
  for (let p = node.parent; p; p = p.parent) if (SECTIONS[p.lname]) return p;
  return undefined;
}

/**
 * For a timeout meant for one path: the backend's own timeout=, with the value the line gives. When the section
 * has one ProxyPass, or is a <Proxy> for one backend, the suggestion writes it there and removes the line
 * (both forms accepted by apache2 -t on 2.4.71: test/servers/apache-placement.test.ts).
 */
function timeoutAdvice(node: ApacheNode, ctx: ApacheRuleContext): { text: string; suggestion?: Fix } {
  const want = wantedSeconds(node);
  const section = innermostSection(node);
  if (!want) {
    return { text: ` — for one path, give its backend a timeout instead: "ProxyPass … timeout=<seconds>" (or ProxySet timeout=<seconds> in a <Proxy> section), at least 1${node.args[0] === undefined ? '' : ` (httpd would refuse "${node.args[0]}" as well)`}` };
  }
  const t = `timeout=${want.seconds}`;
  const remove = lineRange(node);
  const removal = { path: node.file.path, start: remove.start, end: remove.end, newText: '' };
  if (section && (section.lname === 'location' || section.lname === 'locationmatch')) {
    const passes = section.children.filter((c) => (c.lname === 'proxypass' || c.lname === 'proxypassmatch') && c.args[0] !== undefined && c.args[0] !== '!');
    if (passes.length === 1) {
      const pass = passes[0];
      const has = pass.args.slice(1).find((a) => a.toLowerCase().startsWith('timeout='));
      if (has) return { text: ` — this section's ${pass.name} (line ${ctx.lineOf(pass)}) already sets ${has}: change that to ${t}${want.note} and remove this line` };
      return {
        text: ` — for this path, give its ${pass.name} (line ${ctx.lineOf(pass)}) the timeout instead: "${pass.name} ${pass.directive.args.map((a) => a.raw).join(' ')} ${t}"${want.note}`,
        suggestion: apacheFix(`Add ${t} to the ${pass.name} on line ${ctx.lineOf(pass)} and remove this line`, appendToDirective(pass, t), removal),
      };
    }
  }
  // <Proxy url> for one backend (not a balancer, whose timeout= is the wait for a free member; not a wildcard).
  if (section && section.lname === 'proxy' && section.args.length === 1 && !/^balancer:/i.test(section.args[0]) && !/[*?[]/.test(section.args[0])) {
    return {
      text: ` — in a <Proxy> section, write "ProxySet ${t}" instead${want.note}`,
      suggestion: apacheFix(`Replace with "ProxySet ${t}"`, { path: node.file.path, start: node.directive.start, end: node.directive.end, newText: `ProxySet ${t}` }),
    };
  }
  return { text: ` — for one path, give its backend a timeout instead: "ProxyPass … ${t}" (or ProxySet ${t} in a <Proxy> section)${want.note}` };
}
