import { apacheFix, lineRange } from '../../apache-fix';
import { conditionsOf } from '../../model/apache-tree';
import { mayNotBeRead } from '../../model/apache-modules';
import { ifModuleKey } from '../../model/apache-conditions';
import { atLeast } from '../../model/version';
import { defineApacheRule } from '../apache-rule';

/**
 * Directives of httpd's development trunk (2.5) that no httpd 2.4 defines, with what 2.4 offers instead. They are
 * written about in trunk's manual and in answers online, so they reach 2.4 configurations: on 2.4.71, with
 * mod_proxy_wstunnel loaded, each stopped apache2 -t ("Invalid command"); the module has only
 * ProxyWebsocketFallbackToProxyHttp (`strings mod_proxy_wstunnel.so`).
 */
const TRUNK_ONLY: Record<string, { module: string; instead: string }> = {
  proxywebsocketidletimeout: {
    module: 'proxy_wstunnel',
    instead: 'on 2.4 a WebSocket tunnel is closed once it has been idle for the larger of Timeout and the backend timeout (timeout= on its ProxyPass, else ProxyTimeout); on 2.4.71 with Timeout 2 a tunnel with timeout=1 closed after 2 s of silence, one with timeout=4 after 4 s. Remove the line, and set timeout= on the WebSocket ProxyPass for a longer idle time',
  },
  proxywebsocketasync: { module: 'proxy_wstunnel', instead: '2.4 has no setting for asynchronous WebSocket tunnels; remove the line' },
  proxywebsocketasyncdelay: { module: 'proxy_wstunnel', instead: '2.4 has no setting for asynchronous WebSocket tunnels; remove the line' },
};

/** Whether `lname` (lower case) is one of the trunk directives this rule reports (apache-unknown-directive leaves them to it). */
export function isTrunkOnlyDirective(lname: string): boolean {
  return Object.hasOwn(TRUNK_ONLY, lname);
}

export default defineApacheRule({
  id: 'trunk-only-directive',
  server: 'apache',
  severity: 'error',
  outcome: 'startup-failure',
  summary: 'A directive from httpd\'s development trunk that httpd 2.4 does not have (ProxyWebsocketIdleTimeout, ProxyWebsocketAsync, ProxyWebsocketAsyncDelay): httpd refuses to start with "Invalid command".',
  directives: ['ProxyWebsocketIdleTimeout', 'ProxyWebsocketAsync', 'ProxyWebsocketAsyncDelay'],
  versions: 'all 2.4 (the directives exist only in trunk)',
  check(ctx) {
    // A configuration said to be for a trunk build (2.5 and later) may use them.
    if (atLeast(ctx.version, '2.5.0')) return;
    for (const n of ctx.config.all) {
      const d = TRUNK_ONLY[n.lname];
      // Under <IfDirective>, <IfVersion> or an <IfModule> the loaded modules make false, httpd may never read it.
      if (!d || mayNotBeRead(n, ctx.modules)) continue;
      const guarded = !ctx.modules.known && conditionsOf(n).modules.some((c) => !c.negated && ifModuleKey(c.name) === d.module);
      ctx.report({
        node: n,
        message: `httpd 2.4 refuses to start${guarded ? ` when mod_${d.module} is loaded (this <IfModule> section then applies)` : ''}: "Invalid command '${n.name}', perhaps misspelled or defined by a module not included in the server configuration" (checked on 2.4.71 with mod_${d.module} loaded): ${n.name} exists only in httpd's development trunk, and loading mod_${d.module} does not add it; ${d.instead}`,
        // A suggestion: where a 2.4 build did accept the line, removing it would change what that server does.
        suggestions: [apacheFix(`Remove "${n.name}" (not in httpd 2.4)`, { path: n.file.path, ...lineRange(n), newText: '' })],
      });
    }
  },
});
