import { replaceSpan } from '../../fix';
import { closest } from '../../model/names';
import { allNginxDirectiveNames, nginxDirective } from '../../model/nginx-directives';
import { defineNginxRule } from '../rule';
import { inPlacementScope, nginxBlockContext } from './placement-support';
import { extraModule as loadedExtraModule } from './plus-support';

const PREFIX = /^(proxy|fastcgi|uwsgi|scgi|grpc|memcached)_(.*)$/;
const MODULE: Record<string, string> = { proxy: 'the proxy module', fastcgi: 'FastCGI', uwsgi: 'uwsgi', scgi: 'SCGI', grpc: 'the gRPC module', memcached: 'memcached' };

/** Third-party modules whose directives share the prefixes: ngx_http_proxy_connect_module (forward proxies, CONNECT). */
const THIRD_PARTY = /^proxy_connect(_|$)/;

/** What the module does instead, for the names people carry over from the proxy module. */
function instead(prefix: string, rest: string): string | undefined {
  if (prefix === 'grpc' && /^(buffering|buffers|busy_buffers_size|max_temp_file_size|temp_file_write_size|temp_path)$/.test(rest)) {
    return 'the gRPC module does not buffer responses: it passes them on as they arrive, and grpc_buffer_size is its only buffer';
  }
  if (prefix === 'grpc' && rest === 'keep_conn') return 'connections to gRPC backends are kept open for reuse by "keepalive" in their upstream block';
  if ((prefix === 'fastcgi' || prefix === 'uwsgi' || prefix === 'scgi') && rest === 'set_header') {
    return `${MODULE[prefix]} passes request headers as parameters: ${prefix}_param HTTP_X_NAME value;`;
  }
  return undefined;
}

/**
 * A directive of the proxy, FastCGI, uwsgi, SCGI, gRPC or memcached modules that nginx does not have: a proxy setting
 * carried over to a module without it (grpc_buffering, grpc_keep_conn, fastcgi_set_header) or a misspelling
 * (proxy_passs). nginx stops with `[emerg] unknown directive "grpc_buffers"` [lab, nginx 1.22.1]. Names with other
 * prefixes are left alone: third-party modules add hundreds of them. The names known come from nginx's reference
 * (nginx-directives.json). https://nginx.org/en/docs/http/ngx_http_grpc_module.html
 */
export default defineNginxRule({
  id: 'unknown-directive',
  server: 'nginx',
  severity: 'error',
  outcome: 'startup-failure',
  summary: 'A proxy_, fastcgi_, uwsgi_, scgi_, grpc_ or memcached_ directive that nginx does not have (grpc_buffering, grpc_keep_conn, a misspelling): nginx refuses to start.',
  directives: ['grpc_pass', 'proxy_pass', 'fastcgi_pass'],
  versions: 'all',
  check(ctx) {
    let extraModule: string | undefined | null = null;
    // By index: a for-of over every node allocates an iterator result per node for as long as the loop runs unoptimised.
    const all = ctx.config.all;
    for (let k = 0; k < all.length; k++) {
      const node = all[k];
      // The name known first: it is one lookup, and most lines of a configuration are known directives.
      // A line without its ";" is syntax-error's: nginx stops there before it looks the name up, and while a name is
      // being typed ("proxy_read_tim") one error on the line is enough.
      if (nginxDirective(node.name) || !node.directive.terminated) continue;
      const m = PREFIX.exec(node.name);
      if (!m || THIRD_PARTY.test(node.name) || !nginxBlockContext(node.context)) continue;
      if (extraModule === null) extraModule = loadedExtraModule(ctx);
      const [, prefix, rest] = m;
      const sibling = ['proxy', 'fastcgi', 'uwsgi', 'scgi', 'grpc', 'memcached'].map((p) => `${p}_${rest}`).find((n) => n !== node.name && nginxDirective(n));
      const near = closest(node.name, allNginxDirectiveNames().filter(inPlacementScope), 2);
      const why =
        instead(prefix, rest) ??
        (near ? `did you mean "${near}"?` : sibling ? `${MODULE[prefix]} has no such setting ("${sibling}" is ${MODULE[sibling.slice(0, sibling.indexOf('_'))]}'s)` : `${MODULE[prefix]} has no such directive`);
      const span = { start: node.directive.start, end: node.directive.nameSpan.end };
      ctx.report({
        at: { file: node.file, ...span },
        message: extraModule
          ? `unknown directive "${node.name}" unless the module loaded from "${extraModule}" provides it: stock nginx refuses to start with it — ${why}`
          : `nginx will not start: unknown directive "${node.name}" — ${why}`,
        severity: extraModule ? 'warning' : undefined,
        suggestions: near ? [{ title: `Change to "${near}"`, edits: [replaceSpan(node.file, node.directive.nameSpan, near)] }] : [],
      });
    }
  },
});
