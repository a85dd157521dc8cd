import { apacheFix, enableHint, ifModuleSections, loadModuleFix } from '../../apache-fix';
import type { Fix } from '../../finding';
import { SCHEME_MODULES, stopsWithoutProxy } from '../../model/apache-modules';
import { balancerName, parseBackendUrl, proxySetTarget, type ProxyModel } from '../../model/apache-proxy';
import { parseParams, type WorkerParam } from '../../model/apache-workers';
import { virtualHostOf, type ApacheNode } from '../../model/apache-tree';
import { atLeast } from '../../model/version';
import { defineApacheRule, type ApacheRuleContext } from '../apache-rule';

/**
 * The lbmethod= of the balancer a line of `server` names, as httpd looks it up when it starts: each server's own balancer
 * of the name has its own, even one the main server's hides. On 2.4.71, with the main server's balancer://pool set to
 * lbmethod=bytraffic and mod_lbmethod_byrequests not loaded, a virtual host whose only line for the name was a ProxyPass
 * stopped httpd with "AH02432: Cannot find LB Method: byrequests" (test/servers/apache-balancer-scope.test.ts). A line
 * that defines none (SetHandler) takes the balancer its server uses. `<Proxy balancer://… lbmethod=…>` sets it too.
 */
function lbmethodOf(proxy: ProxyModel, server: ApacheNode | null, url: string): WorkerParam | undefined {
  const name = balancerName(url);
  const b = proxy.ownBalancer(server, name) ?? proxy.balancerFor(server, name);
  return b?.params.get('lbmethod') ?? (b?.section ? parseParams(b.section, 1).params.find((p) => p.key === 'lbmethod') : undefined);
}

/** How the backend URL reaches mod_proxy: that decides what httpd does when a module is missing. */
type Via = 'proxypass' | 'sethandler' | 'rewrite';

/** The methods httpd 2.4 ships, each in mod_lbmethod_<name>; httpd looks the name up as written (case matters). */
const LB_METHODS = new Set(['byrequests', 'bytraffic', 'bybusyness', 'heartbeat']);

/** An explicit lbmethod= and what `apache2 -t` prints when httpd cannot find the method. */
interface LbmethodLine {
  param: WorkerParam;
  says: string;
}

/**
 * Every lbmethod= httpd reads for a balancer: mod_proxy looks the method up while it reads the line, whether or not a
 * request ever uses the balancer, so a method whose module is not loaded stops `apache2 -t` on that line (2.4.71,
 * test/rules/apache-httpd-says.test.ts). What it prints depends on the line: ProxySet names the word and the balancer as
 * written (the section's name inside <Proxy>/<ProxyMatch>, else the line's), a parameter of the <Proxy> section itself
 * says "<Proxy unknown lbmethod …", and ProxyPass(Match) says only "ProxyPass unknown lbmethod".
 */
function lbmethodLines(ctx: ApacheRuleContext): LbmethodLine[] {
  const out: LbmethodLine[] = [];
  const index = new Map(ctx.config.all.map((n, i) => [n, i]));
  for (const [i, n] of ctx.config.all.entries()) {
    if (n.unresolved) continue;
    if (n.lname === 'proxyset') {
      const t = proxySetTarget(n);
      if (!t || !/^balancer:\/\//i.test(t.url)) continue;
      // Outside a section httpd must find the balancer first; when it does not, it stops with "ProxySet can not find
      // … Balancer." before it reads a parameter (proxyset-target-not-found).
      if (t.urlFromLine && !definedBefore(ctx, index, virtualHostOf(n), balancerName(t.url), i)) continue;
      for (const p of parseParams(n, t.urlFromLine ? 1 : 0).params) if (p.key === 'lbmethod') out.push({ param: p, says: `ProxySet: unknown lbmethod ${p.arg.value}; ${t.url}` });
    } else if (n.lname === 'proxy' && /^balancer:\/\//i.test(n.args[0] ?? '')) {
      for (const p of parseParams(n, 1).params) if (p.key === 'lbmethod') out.push({ param: p, says: `<Proxy unknown lbmethod ${p.arg.value}; ${n.args[0]}` });
    }
  }
  for (const r of ctx.proxy.rules) {
    if (r.node.unresolved || r.target?.scheme !== 'balancer') continue;
    for (const p of r.params) if (p.key === 'lbmethod') out.push({ param: p, says: 'ProxyPass unknown lbmethod' });
  }
  return out;
}

/** True when a line of `server` before config.all[at] defines balancer `name` (ProxyPass to it, BalancerMember, ProxySet in its section). */
function definedBefore(ctx: ApacheRuleContext, index: Map<ApacheNode, number>, server: ApacheNode | null, name: string, at: number): boolean {
  const before = (n: ApacheNode) => (index.get(n) ?? Infinity) < at && virtualHostOf(n) === server;
  const b = ctx.proxy.ownBalancer(server, name);
  if (b?.members.some((w) => before(w.node))) return true;
  if (ctx.proxy.rules.some((r) => r.target?.scheme === 'balancer' && balancerName(r.url) === name && before(r.node))) return true;
  return ctx.config.all.some((n) => n.lname === 'proxyset' && before(n) && proxySetTarget(n)?.section && balancerName(proxySetTarget(n)!.url) === name);
}

export default defineApacheRule({
  id: 'proxy-scheme-module-missing',
  server: 'apache',
  severity: 'error',
  outcome: '500',
  summary: 'A backend URL (in ProxyPass, BalancerMember, SetHandler "proxy:…" or RewriteRule [P]) needs a proxy module that is not loaded: requests get 500, a SetHandler serves the PHP source itself (200), and balancers stop httpd from starting.',
  directives: ['ProxyPass', 'ProxyPassMatch', 'BalancerMember', 'SetHandler', 'RewriteRule'],
  versions: 'all 2.4 (ws:// through mod_proxy_http since 2.4.47)',
  check(ctx) {
    const m = ctx.modules;
    if (!m.known) return;
    const fixed = new Set<string>();
    // Explicit lbmethod= words whose method httpd cannot find: apache2 -t stops on each such line.
    const failing = lbmethodLines(ctx).filter((l) => {
      const v = l.param.value;
      return !LB_METHODS.has(v) || (!m.isLoaded(`lbmethod_${v}`) && !m.guardedBy(l.param.node, `lbmethod_${v}`));
    });
    for (const l of failing) {
      const v = l.param.value;
      const mod = `lbmethod_${v}`;
      const known = LB_METHODS.has(v);
      const message = known
        ? `lbmethod=${v}: httpd refuses to start: apache2 -t fails with "${l.says}" because mod_${mod} is not loaded (httpd looks the method up while it reads this line, whether or not a request uses the balancer); ${enableHint(m, [mod])}`
        : `lbmethod=${v}: httpd refuses to start: apache2 -t fails with "${l.says}": httpd 2.4 knows ${[...LB_METHODS].join(', ')} (each in its mod_lbmethod_* module), and the name is case-sensitive`;
      const fix = known && !fixed.has(mod) ? loadModuleFix(m, [mod]) : undefined;
      if (fix) fixed.add(mod);
      ctx.report({ at: { file: l.param.node.file, start: l.param.arg.start, end: l.param.arg.end }, message, fix });
    }
    const need = (node: ApacheNode, arg: { start: number; end: number }, url: string, scheme: string, via: Via, lbmethod?: WorkerParam) => {
      let missing: string[] = [];
      /** For ws:// and wss://: why mod_proxy_wstunnel alone is named (mod_proxy_http would do on 2.4.47 and later). */
      let wsWhy = '';
      // ProxyPass and BalancerMember need mod_proxy to parse at all (apache-module-not-loaded reports that);
      // SetHandler and RewriteRule are accepted without it and fail only at request time.
      if (via !== 'proxypass' && !m.isLoaded('proxy')) missing.push('proxy');
      if (scheme === 'ws' || scheme === 'wss') {
        // Since 2.4.47 mod_proxy_http handles ws:// and wss:// itself when mod_proxy_wstunnel is absent.
        const newEnough = atLeast(ctx.version, '2.4.47');
        const httpOk = m.isLoaded('proxy_http') && newEnough !== false;
        if (!m.isLoaded('proxy_wstunnel') && !httpOk) {
          missing.push('proxy_wstunnel');
          wsWhy = m.isLoaded('proxy_http')
            ? ` (the mod_proxy_http that is loaded takes ${scheme}:// only from httpd 2.4.47 on)`
            : newEnough === false
              ? ''
              : ` and neither is mod_proxy_http, which handles ${scheme}:// itself on httpd 2.4.47 and later`;
        }
      } else {
        missing.push(...(SCHEME_MODULES[scheme] ?? []).filter((mod) => !m.isLoaded(mod)));
      }
      if (scheme === 'balancer') {
        // A method named with lbmethod= is checked on its own line (below), where apache2 -t stops; only the default
        // one is looked up when httpd starts.
        const extra = ['slotmem_shm', ...(lbmethod ? [] : ['lbmethod_byrequests'])].filter((mod) => !m.isLoaded(mod));
        missing.push(...extra);
      }
      missing = missing.filter((mod) => !m.guardedBy(node, mod) && !m.guardedBy(node, 'proxy_' + scheme));
      if (missing.length === 0) return;
      const handler = missing.filter((x) => x.startsWith('proxy'));
      const startup = missing.filter((x) => !x.startsWith('proxy'));
      const mods = (list: string[]) => list.map((x) => `mod_${x}`).join(' and ');
      const parts: string[] = [];
      // When httpd does not start at all, what requests would get does not matter yet.
      if (handler.length && !startup.length) {
        const why = `${mods(handler)} ${handler.length > 1 ? 'are' : 'is'} not loaded${wsWhy}`;
        if (via === 'sethandler') {
          parts.push(`httpd starts (apache2 -t says Syntax OK), but ${why}, so no module takes the "proxy:" handler and httpd serves the matching files itself: a request for a .php file gets 200 with its PHP source code (database passwords included), and a path with no file gets 404`);
        } else if (via === 'rewrite' && handler[0] === 'proxy') {
          parts.push(`httpd starts, but every request this rule proxies gets 403: "AH00669: attempt to make remote request from mod_rewrite without proxy enabled" because ${why}`);
        } else {
          const start = stopsWithoutProxy(m, node) ? 'once mod_proxy is loaded (without it httpd refuses to start at this line)' : 'httpd starts, but';
          parts.push(`${start} every request here gets 500: "AH01144: No protocol handler was valid for the URL … (scheme '${scheme}')" because ${why}`);
        }
      }
      if (startup.length) {
        const because = `because ${mods(startup)} ${startup.length > 1 ? 'are' : 'is'} not loaded${handler.length ? ` (nor is ${mods(handler)}, which requests here need)` : ''}`;
        // apache2 -t itself fails first on a line whose lbmethod= is unknown (reported there).
        const syntax = failing.length ? `; apache2 -t fails before that, on line ${ctx.lineOf(failing[0].param.node)}` : ', although apache2 -t says Syntax OK';
        parts.push(`httpd refuses to start ("${startup[0] === 'slotmem_shm' ? "AH01177: Failed to lookup provider 'shm' for 'slotmem'" : `AH02432: Cannot find LB Method: ${startup[0].slice('lbmethod_'.length)}`}"${syntax}) ${because}`);
      }
      const key = missing.join(',');
      let fix = fixed.has(key) ? undefined : loadModuleFix(m, missing);
      fixed.add(key);
      // When httpd starts today, loading a module also switches its <IfModule> sections: then the user decides.
      const switches = startup.length ? [] : ifModuleSections(ctx.config, missing);
      let suggestions: Fix[] = [];
      if (fix && switches.length) {
        suggestions = [apacheFix(`${fix.title} (also turns on the <IfModule> section${switches.length > 1 ? 's' : ''} on line ${switches.map((n) => ctx.lineOf(n)).join(', ')})`, ...fix.edits)];
        fix = undefined;
      }
      ctx.report({ at: { file: node.file, ...arg }, message: `${url}: ${parts.join('; ')}; ${enableHint(m, missing)}`, fix, suggestions });
    };

    for (const r of ctx.proxy.rules) {
      if (!r.target || r.target.error || !r.urlArg || r.node.unresolved) continue;
      const lb = r.target.scheme === 'balancer' ? lbmethodOf(ctx.proxy, r.vhost, r.url) : undefined;
      need(r.node, r.urlArg, r.url, r.target.scheme, 'proxypass', lb);
    }
    for (const w of ctx.proxy.workers) if (w.kind === 'member' && !w.target.error && !w.node.unresolved) need(w.node, w.urlArg, w.url, w.target.scheme, 'proxypass');

    // SetHandler "proxy:unix:/run/php/php8.2-fpm.sock|fcgi://localhost" (the PHP-FPM recipe) and "proxy:fcgi://127.0.0.1:9000".
    for (const n of ctx.nodes('sethandler')) {
      const a = n.directive.args[0];
      const v = n.args[0] ?? '';
      if (!a || n.unresolved || !/^proxy:/i.test(v)) continue;
      const t = parseBackendUrl(v.slice(6), 'SetHandler');
      if (t.error || !t.scheme) continue;
      const lb = t.scheme === 'balancer' ? lbmethodOf(ctx.proxy, virtualHostOf(n), v.slice(6)) : undefined;
      need(n, a, `SetHandler "${v}"`, t.scheme, 'sethandler', lb);
    }

    // A main-server rule that no server's requests see (no request reaches the main server, no virtual host takes its
    // rules with RewriteOptions Inherit) never proxies anything.
    for (const r of ctx.proxy.rewrites) if (r.servers.length) need(r.node, r.arg, r.url, r.target.scheme, 'rewrite');
  },
});
