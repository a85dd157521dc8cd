import { apacheFix, lineRange } from '../../apache-fix';
import { conditionsOf, type ApacheNode } from '../../model/apache-tree';
import { mayNotBeRead, moduleKey } from '../../model/apache-modules';
import { ifModuleKey } from '../../model/apache-conditions';
import { closest, editDistance } from '../../model/names';
import { atLeast } from '../../model/version';
import table from '../../model/apache-directives.json';
import { defineApacheRule } from '../apache-rule';
import { isTrunkOnlyDirective } from './trunk-only-directive';

const NAMES = Object.keys(table.directives);
const KNOWN = new Set(NAMES.map((n) => n.toLowerCase()));
/** The modules httpd ships (the package's mod_*.so, "proxy_http", "mpm_event"…) and the ones built into it ("core", "so"…). */
const SHIPPED = new Set([...table.modules, ...table.builtIn]);

/**
 * Name families only httpd's own modules use (mod_proxy and its helpers, mod_ssl, mod_rewrite): an unknown name there
 * is a misspelling or a directive httpd no longer has, not a third-party module's. Elsewhere third-party modules add
 * hundreds of names (SecRule, WSGIDaemonProcess, php_value…), so only near-misses of a stock name are reported.
 */
const FAMILY = /^(proxy|balancer|ssl|rewrite)/;

/** httpd 2.2 directives that 2.4 removed, and what 2.4 has instead (each refused by apache2 -t on 2.4.71). */
const REMOVED: Record<string, string> = {
  rewritelog: 'httpd 2.4 writes mod_rewrite\'s trace to the error log: use "LogLevel rewrite:trace3" instead',
  rewriteloglevel: 'httpd 2.4 sets mod_rewrite\'s trace level per module: use "LogLevel rewrite:trace3" instead',
  rewritelock: 'httpd 2.4 configures mod_rewrite\'s lock with "Mutex" (the rewrite-map mutex)',
  sslmutex: 'httpd 2.4 configures mod_ssl\'s lock with "Mutex" (the ssl-cache mutex)',
  acceptmutex: 'httpd 2.4 configures the accept lock with "Mutex" (the mpm-accept mutex)',
  lockfile: 'httpd 2.4 configures lock files with "Mutex"',
  authdigestfile: 'httpd 2.4 reads digest users with "AuthUserFile" (AuthDigestProvider file)',
  proxyhtmlcharsetalias: 'mod_proxy_html 3.1 (httpd 2.4) left character sets to mod_xml2enc: use "xml2EncAlias"',
  proxyhtmlcharsetdefault: 'mod_proxy_html 3.1 (httpd 2.4) left character sets to mod_xml2enc: use "xml2EncDefault"',
};

/**
 * The same advice for an .htaccess file, where LogLevel is refused too (httpd 2.4.71 answered 500 and logged
 * "LogLevel not allowed here" for "LogLevel rewrite:trace3" there): the trace level belongs in the server's files.
 */
const REMOVED_IN_HTACCESS: Record<string, string> = {
  rewritelog: 'httpd 2.4 writes mod_rewrite\'s trace to the error log: set "LogLevel rewrite:trace3" in the virtual host or server configuration (LogLevel is not allowed in .htaccess)',
  rewriteloglevel: 'httpd 2.4 sets mod_rewrite\'s trace level per module: set "LogLevel rewrite:trace3" in the virtual host or server configuration (LogLevel is not allowed in .htaccess)',
};

/**
 * nginx's names written in an httpd file (proxy_read_timeout as "ProxyReadTimeout"): no stock name is near them, and
 * what httpd has instead is a parameter or another directive. Each refused by apache2 -t 2.4.71.
 */
const NGINX_NAMES: Record<string, string> = {
  proxyconnecttimeout: 'httpd has no such directive (nginx has proxy_connect_timeout): httpd\'s connect timeout is the connectiontimeout= parameter of ProxyPass, BalancerMember or ProxySet',
  proxyreadtimeout: 'httpd has no such directive (nginx has proxy_read_timeout): httpd waits for the backend "ProxyTimeout" seconds (or timeout= on ProxyPass, BalancerMember or ProxySet)',
  proxysendtimeout: 'httpd has no such directive (nginx has proxy_send_timeout): httpd waits for the backend "ProxyTimeout" seconds (or timeout= on ProxyPass, BalancerMember or ProxySet)',
};

/**
 * Third-party modules whose every directive starts with a prefix of their own (their documentation's directive lists):
 * loading one does not make a name outside that family possibly theirs. mod_php (Debian's libapache2-mod-php loads
 * php_module, older ones php7_module or php5_module) has php_value, php_flag, php_admin_value, php_admin_flag and
 * PHPINIDir; mod_security2 Sec…; mod_wsgi WSGI…; mod_jk Jk….
 */
const THIRD_PARTY_FAMILIES: Record<string, RegExp> = {
  php: /^(php_|phpinidir$)/,
  php5: /^(php_|phpinidir$)/,
  php7: /^(php_|phpinidir$)/,
  security2: /^sec/,
  wsgi: /^wsgi/,
  jk: /^jk/,
};

/**
 * The stock name `name` is a near-miss of: one edit away, or two for a longer name that starts like it. Third-party
 * modules name their directives with a prefix of their own (mod_jk's JkLogLevel is two letters from LogLevel), so two
 * edits at the start are a different name, not a typo.
 */
function nearMiss(name: string): string | undefined {
  const near = closest(name, NAMES, name.length <= 6 ? 1 : 2);
  if (!near || editDistance(name.toLowerCase(), near.toLowerCase(), 1) <= 1) return near;
  return name.slice(0, 2).toLowerCase() === near.slice(0, 2).toLowerCase() ? near : undefined;
}

/**
 * In the families above only, where every name is httpd's own: the stock name a written one shortens (ProxyPassRev:
 * the shortest of those it starts, when that one starts all the others), else the one it lengthens (RewriteCondition:
 * the longest). Too many letters apart for a near-miss, yet plainly meant; outside the families a lengthened stock
 * name is as likely a third-party module's own.
 */
function lengthenedOrShortened(lname: string): string | undefined {
  if (lname.length >= 6) {
    const longer = NAMES.filter((n) => n.toLowerCase().startsWith(lname)).sort((a, b) => a.length - b.length);
    if (longer.length && longer.every((n) => n.toLowerCase().startsWith(longer[0].toLowerCase()))) return longer[0];
    // It cuts several names short (ProxyPassReverseCookie: …Domain and …Path): which one was meant is not known, and
    // the stock name it happens to lengthen (ProxyPassReverse) is not it either.
    if (longer.length) return undefined;
  }
  let best: string | undefined;
  for (const n of NAMES) {
    const l = n.toLowerCase();
    if (l.length >= 8 && lname.startsWith(l) && (!best || l.length > best.length)) best = n;
  }
  return best;
}

export default defineApacheRule({
  id: 'apache-unknown-directive',
  server: 'apache',
  severity: 'error',
  outcome: 'startup-failure',
  summary: 'A directive httpd 2.4 does not have: a misspelling of a stock directive (ProxyTimout, ProxyPassRevers) or one 2.4 removed (RewriteLog, SSLMutex): httpd refuses to start with "Invalid command".',
  directives: ['ProxyPass', 'ProxyPassReverse', 'ProxyTimeout', 'RewriteLog', 'SSLMutex'],
  versions: 'all 2.4',
  check(ctx) {
    // The names known are those of httpd 2.4.71, and REMOVED lists 2.2's own directives: for a 2.2 target (set in
    // apache.version) both would be wrong. Unset, the target is taken to be 2.4, as every other rule takes it.
    if (atLeast(ctx.version, '2.4.0') === false) return;
    // A module httpd does not ship may bring its own names, even in the families above: said as a warning then,
    // naming such a module, unless each one loaded is known to name all its directives with a prefix the name lacks.
    const extras = ctx.modules.loadLines.filter((n) => n.args[0] && !SHIPPED.has(moduleKey(n.args[0])));
    const mayDefine = (lname: string) =>
      extras.find((n) => {
        const family = THIRD_PARTY_FAMILIES[moduleKey(n.args[0])];
        return !family || family.test(lname);
      });
    for (const n of ctx.config.all) {
      if (KNOWN.has(n.lname) || isTrunkOnlyDirective(n.lname)) continue;
      // `${NAME}` or a macro's `$name` as the directive: what it becomes is known only when httpd reads it.
      if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(n.name) || mayNotBeRead(n, ctx.modules)) continue;
      const removed = (ctx.config.htaccess ? REMOVED_IN_HTACCESS[n.lname] : undefined) ?? REMOVED[n.lname];
      const family = FAMILY.test(n.lname);
      const near = nearMiss(n.name) ?? (family && !removed ? lengthenedOrShortened(n.lname) : undefined);
      if (!removed && !near && !family) continue;
      report(n, removed, near);
    }

    function report(n: ApacheNode, removed: string | undefined, near: string | undefined): void {
      const extra = mayDefine(n.lname);
      const guard = !ctx.modules.known ? conditionsOf(n).modules.find((c) => !c.negated) : undefined;
      const invalid = `Invalid command '${n.directive.section ? '<' : ''}${n.name}', perhaps misspelled or defined by a module not included in the server configuration`;
      const why = removed ?? (near ? `did you mean "${near}"?` : NGINX_NAMES[n.lname] ?? `no module of httpd ${table.httpd} defines it`);
      const where = ctx.config.htaccess
        ? `httpd answers 500 Internal Server Error to every request under this folder and logs "${n.file.path}: ${invalid}"`
        : `httpd refuses to start${guard ? ` when mod_${ifModuleKey(guard.name) ?? moduleKey(guard.name)} is loaded (this <IfModule> section then applies)` : ''}: "${invalid}"`;
      ctx.report({
        node: n,
        message: extra
          ? `unknown directive "${n.name}" unless the module loaded from "${extra.args[1] ?? extra.args[0]}" provides it: otherwise ${where} — ${why}`
          : `${where} — ${why}`,
        severity: extra ? 'warning' : undefined,
        // Suggestions only: the name closest in spelling is not always the one meant, and a removed line may have
        // been read by an older httpd this configuration still serves.
        suggestions: near
          ? [apacheFix(`Change to "${near}"`, { path: n.file.path, start: n.directive.nameSpan.start, end: n.directive.nameSpan.end, newText: near })]
          : removed
            ? [apacheFix(`Remove "${n.name}" (not in httpd 2.4)`, { path: n.file.path, ...lineRange(n), newText: '' })]
            : [],
      });
    }
  },
});
