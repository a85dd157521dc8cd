import { enableHint, loadModuleFix } from '../../apache-fix';
import { SCHEME_MODULES } from '../../model/apache-modules';
import type { ApacheNode } from '../../model/apache-tree';
import { atLeast } from '../../model/version';
import { defineApacheRule } from '../apache-rule';

export default defineApacheRule({
  id: 'proxy-scheme-module-missing',
  server: 'apache',
  severity: 'error',
  outcome: '500',
  summary: 'A backend URL uses a scheme whose proxy module is not loaded: httpd starts, then answers 500 (or, for balancers, refuses to start).',
  directives: ['ProxyPass', 'ProxyPassMatch', 'BalancerMember'],
  versions: 'all 2.4 (ws:// through mod_proxy_http since 2.4.47)',
  check(ctx) {
    const m = ctx.modules;
    if (!m.known) return;
    const fixed = new Set<string>();
    const need = (node: ApacheNode, arg: { start: number; end: number }, url: string, scheme: string, lbmethod?: string) => {
      let missing: string[] = [];
      if (scheme === 'ws' || scheme === 'wss') {
        // Since 2.4.47 mod_proxy_http handles ws:// and wss:// itself when mod_proxy_wstunnel is absent.
        const httpOk = m.isLoaded('proxy_http') && atLeast(ctx.version, '2.4.47') !== false;
        if (!m.isLoaded('proxy_wstunnel') && !httpOk) missing = ['proxy_wstunnel'];
      } else {
        missing = (SCHEME_MODULES[scheme] ?? []).filter((mod) => !m.isLoaded(mod));
      }
      if (scheme === 'balancer') {
        const extra = ['slotmem_shm', `lbmethod_${(lbmethod ?? 'byrequests').toLowerCase()}`].filter((mod) => !m.isLoaded(mod));
        missing.push(...extra);
      }
      missing = missing.filter((mod) => !m.guardedBy(node, mod) && !m.guardedBy(node, 'proxy_' + scheme));
      if (missing.length === 0) return;
      const handler = missing.filter((x) => x.startsWith('proxy_'));
      const startup = missing.filter((x) => !x.startsWith('proxy_'));
      const key = missing.join(',');
      const fix = fixed.has(key) ? undefined : loadModuleFix(m, missing);
      fixed.add(key);
      const parts: string[] = [];
      if (handler.length) parts.push(`httpd starts, but every request here gets 500: "AH01144: No protocol handler was valid for the URL … (scheme '${scheme}')" because mod_${handler[0]} is not loaded`);
      if (startup.length) parts.push(`httpd refuses to start ("${startup[0] === 'slotmem_shm' ? "AH01177: Failed to lookup provider 'shm' for 'slotmem'" : `AH02432: Cannot find LB Method: ${startup[0].slice('lbmethod_'.length)}`}", although apache2 -t says Syntax OK) because mod_${startup.join(' and mod_')} ${startup.length > 1 ? 'are' : 'is'} not loaded`);
      ctx.report({ at: { file: node.file, ...arg }, message: `${url}: ${parts.join('; ')}; ${enableHint(m, missing)}`, fix });
    };
    for (const r of ctx.proxy.rules) {
      if (!r.target || r.target.error || !r.urlArg || r.node.unresolved) continue;
      const lb = r.target.scheme === 'balancer' ? ctx.proxy.balancers.get(`balancer://${r.target.host.toLowerCase()}`)?.params.get('lbmethod')?.value : undefined;
      need(r.node, r.urlArg, r.url, r.target.scheme, lb);
    }
    for (const w of ctx.proxy.workers) if (w.kind === 'member' && !w.target.error && !w.node.unresolved) need(w.node, w.urlArg, w.url, w.target.scheme);
  },
});
