import { apacheFix, insertLinesAfter } from '../../apache-fix';
import type { ApacheNode } from '../../model/apache-tree';
import { formatSeconds, type TimeoutValue } from '../../model/apache-proxy';
import { defineApacheRule } from '../apache-rule';
import { timeoutsByServer } from '../apache-server-timeouts';

/** Servers named in one message at most; the rest are counted. */
const MAX_NAMED = 3;

export default defineApacheRule({
  id: 'proxytimeout-inherits-timeout',
  server: 'apache',
  severity: 'info',
  outcome: '502/504',
  summary: 'A raised Timeout also sets how long mod_proxy waits for backends, because no ProxyTimeout is set.',
  directives: ['Timeout', 'ProxyTimeout'],
  versions: 'all 2.4',
  check(ctx) {
    // One finding per Timeout line, naming the servers (main server, virtual hosts) whose backends wait that long:
    // a ProxyTimeout in one virtual host does not reach another, so "no ProxyTimeout in this file" was untrue there.
    const byTimeout = new Map<ApacheNode, { t: TimeoutValue; servers: Set<ApacheNode | null> }>();
    // Each server that reaches a worker counts with its own values: a main-server ProxyPass used from a virtual host
    // waits that host's Timeout, and the main server's Timeout does not reach a virtual host that sets ProxyTimeout.
    for (const w of ctx.proxy.workers) {
      for (const { t, servers } of timeoutsByServer(ctx.proxy, w, 'backend')) {
        if (t.origin !== 'Timeout' || t.ms <= 60_000 || !t.node) continue;
        const entry = byTimeout.get(t.node);
        if (entry) for (const s of servers) entry.servers.add(s);
        else byTimeout.set(t.node, { t, servers: new Set(servers) });
      }
    }
    for (const [node, { t, servers }] of byTimeout) {
      const vhosts = [...servers].filter((s): s is ApacheNode => s !== null);
      const named = vhosts.slice(0, MAX_NAMED).map((v) => `<VirtualHost ${v.args.join(' ')}> (line ${ctx.lineOf(v)}${v.file !== node.file ? ` of ${v.file.path}` : ''})`);
      if (vhosts.length > MAX_NAMED) named.push(`${vhosts.length - MAX_NAMED} more virtual host${vhosts.length - MAX_NAMED === 1 ? '' : 's'}`);
      const where = [...(servers.has(null) ? ['the main server'] : []), ...named].join(', ');
      const why = vhosts.length === 0 ? 'the main server sets no ProxyTimeout' : `no ProxyTimeout is set in ${vhosts.length === 1 ? 'that virtual host' : 'those virtual hosts'} or in the main server`;
      ctx.report({
        node,
        message: `Timeout ${node.args[0]} is also how long httpd waits for backends in ${where}, because ${why}${t.partial ? ' (unless the main configuration, not linted with it, sets one)' : ''}: a stalled backend holds each request ${formatSeconds(t.ms)} before httpd answers 502 (mod_proxy_http, AH01102) or 504 (mod_proxy_fcgi); set ProxyTimeout to what the backends need`,
        suggestions: [apacheFix('Add "ProxyTimeout 60" after this line (backend waits only)', insertLinesAfter(node, ['ProxyTimeout 60']))],
      });
    }
  },
});
