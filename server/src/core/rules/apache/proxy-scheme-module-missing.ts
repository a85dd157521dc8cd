import { apacheFix, enableHint, ifModuleSections, loadModuleFix } from '../../apache-fix';
import type { Fix } from '../../finding';
import { SCHEME_MODULES } from '../../model/apache-modules';
import { balancerName, parseBackendUrl, type ProxyModel } from '../../model/apache-proxy';
import type { WorkerParam } from '../../model/apache-workers';
import { DIRECTORY_SECTIONS, virtualHostOf, type ApacheNode } from '../../model/apache-tree';
import { atLeast } from '../../model/version';
import { defineApacheRule } from '../apache-rule';

/**
 * The lbmethod= of the balancer a line of `server` names, as httpd looks it up when it starts: each server's own balancer
 * of the name has its own, even one the main server's hides. On 2.4.71, with the main server's balancer://pool set to
 * lbmethod=bytraffic and mod_lbmethod_byrequests not loaded, a virtual host whose only line for the name was a ProxyPass
 * stopped httpd with "AH02432: Cannot find LB Method: byrequests" (test/servers/apache-balancer-scope.test.ts). A line
 * that defines none (SetHandler) takes the balancer its server uses.
 */
function lbmethodOf(proxy: ProxyModel, server: ApacheNode | null, url: string): WorkerParam | undefined {
  const name = balancerName(url);
  const b = proxy.ownBalancer(server, name) ?? proxy.balancerFor(server, name);
  return b?.params.get('lbmethod');
}

/** How the backend URL reaches mod_proxy: that decides what httpd does when a module is missing. */
type Via = 'proxypass' | 'sethandler' | 'rewrite';

/** The scope a RewriteEngine or RewriteRule belongs to: its per-directory section, else its virtual host, else the server (null). */
function rewriteScope(n: ApacheNode): ApacheNode | null {
  for (let p = n.parent; p; p = p.parent) if (DIRECTORY_SECTIONS.has(p.lname) || p.lname === 'virtualhost' || p.lname === 'if' || p.lname === 'elseif' || p.lname === 'else') return p;
  return null;
}

/** True when `RewriteRule … [flags]` has the P (proxy) flag. */
export function hasProxyFlag(flags: string | undefined): boolean {
  if (!flags || !/^\[.*\]$/.test(flags)) return false;
  return flags.slice(1, -1).split(',').some((f) => /^\s*(p|proxy)\s*$/i.test(f));
}

/**
 * What `apache2 -t` says about an explicit lbmethod= whose module is not loaded: mod_proxy looks the method up while
 * it reads the line (httpd 2.4.71). ProxySet names the word and the balancer as written; ProxyPass(Match) says less.
 */
function unknownLbmethod(p: WorkerParam): string {
  if (p.node.lname !== 'proxyset') return 'ProxyPass unknown lbmethod';
  const section = p.node.parent?.lname === 'proxy' ? p.node.parent : undefined;
  const onLine = p.node.args[0] !== undefined && /:\/\//.test(p.node.args[0]) && !p.node.args[0].includes('=');
  return `ProxySet: unknown lbmethod ${p.arg.value}; ${onLine ? p.node.args[0] : section?.args[0] ?? ''}`;
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
        const extra = ['slotmem_shm', `lbmethod_${(lbmethod?.value ?? 'byrequests').toLowerCase()}`].filter((mod) => !m.isLoaded(mod));
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
          parts.push(`httpd starts, but every request here gets 500: "AH01144: No protocol handler was valid for the URL … (scheme '${scheme}')" because ${why}`);
        }
      }
      if (startup.length) {
        const because = `because ${mods(startup)} ${startup.length > 1 ? 'are' : 'is'} not loaded${handler.length ? ` (nor is ${mods(handler)}, which requests here need)` : ''}`;
        // An explicit lbmethod= is looked up while httpd reads the line, so apache2 -t already fails there; the
        // default method (and the slotmem provider) only when httpd starts.
        if (lbmethod && startup.includes(`lbmethod_${lbmethod.value.toLowerCase()}`)) {
          parts.push(`httpd refuses to start: apache2 -t fails with "${unknownLbmethod(lbmethod)}" (line ${ctx.lineOf(lbmethod.node)}) ${because}`);
        } else {
          parts.push(`httpd refuses to start ("${startup[0] === 'slotmem_shm' ? "AH01177: Failed to lookup provider 'shm' for 'slotmem'" : `AH02432: Cannot find LB Method: ${startup[0].slice('lbmethod_'.length)}`}", although apache2 -t says Syntax OK) ${because}`);
        }
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

    // RewriteRule pattern scheme://… [P]: only where RewriteEngine On is in effect. httpd 2.4.71 takes the nearest
    // RewriteEngine outwards: the rule's section, enclosing sections, its virtual host, then the main server
    // (a vhost rule ran with RewriteEngine On only in the main server; RewriteEngine Off in the vhost stopped it).
    const engineAt = new Map<ApacheNode | null, boolean>();
    for (const e of ctx.nodes('rewriteengine')) engineAt.set(rewriteScope(e), /^on$/i.test(e.args[0] ?? ''));
    const runs = (n: ApacheNode) => {
      for (let c = rewriteScope(n); ; c = rewriteScope(c)) {
        if (engineAt.has(c)) return engineAt.get(c)!;
        if (c === null) return false;
      }
    };
    for (const n of ctx.nodes('rewriterule')) {
      const a = n.directive.args[1];
      const sub = n.args[1] ?? '';
      if (!a || n.unresolved || !hasProxyFlag(n.args[2]) || !runs(n)) continue;
      if (!/^(unix:[^|]*\|)?[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(sub)) continue;
      const t = parseBackendUrl(sub, 'RewriteRule');
      if (t.error || !t.scheme) continue;
      need(n, a, sub, t.scheme, 'rewrite');
    }
  },
});
