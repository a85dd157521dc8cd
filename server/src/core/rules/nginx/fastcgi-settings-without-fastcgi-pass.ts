import type { Fix } from '../../finding';
import { replaceSpan } from '../../fix';
import type { ConfigNode } from '../../model/nginx-tree';
import { defineNginxRule } from '../rule';

/** Directives that only mean something to fastcgi_pass: a location that has them was written for a FastCGI backend. */
const FASTCGI_ONLY = new Set(['fastcgi_param', 'fastcgi_index', 'fastcgi_split_path_info']);
/** An include of the FastCGI parameter files the packages ship (fastcgi_params, fastcgi.conf, snippets/fastcgi-php.conf). */
const FASTCGI_INCLUDE = /(^|\/)[^/]*fastcgi[^/]*$/i;
/** Passes that speak something else than FastCGI to the backend. */
const OTHER_PASSES = new Set(['proxy_pass', 'grpc_pass', 'uwsgi_pass', 'scgi_pass']);

/** The first sign, among a location's own lines (included ones spliced in), that it was written for FastCGI. */
function fastcgiSign(location: ConfigNode): ConfigNode | undefined {
  for (const c of location.children) {
    if (FASTCGI_ONLY.has(c.name)) return c;
    if (c.name === 'include' && FASTCGI_INCLUDE.test(c.directive.args[0]?.value ?? '')) return c;
  }
  return undefined;
}

function hasFastcgiPass(node: ConfigNode): boolean {
  return node.children.some((c) => c.name === 'fastcgi_pass' || hasFastcgiPass(c));
}

/**
 * `proxy_pass http://127.0.0.1:9000` → `fastcgi_pass 127.0.0.1:9000` (and `http://unix:/run/php.sock` →
 * `unix:/run/php.sock`): offered only for a plain address or group name with no URI part and no variables.
 */
function fastcgiFix(pass: ConfigNode): Fix | undefined {
  if (pass.name !== 'proxy_pass') return undefined;
  const arg = pass.directive.args[0];
  const m = arg && /^https?:\/\/(unix:[^:$]+|[^/$:]+(?::\d+)?)(?::?\/)?$/i.exec(arg.value);
  if (!m || pass.directive.args.length !== 1) return undefined;
  return {
    title: `Use "fastcgi_pass ${m[1]}" (the FastCGI settings of this location are then used)`,
    edits: [replaceSpan(pass.file, { start: pass.directive.nameSpan.start, end: arg.end }, `fastcgi_pass ${m[1]}`)],
  };
}

/**
 * A location written for a FastCGI backend (fastcgi_param, fastcgi_index, fastcgi_split_path_info, an include of
 * fastcgi_params) that passes with proxy_pass (or grpc_pass, uwsgi_pass, scgi_pass) and has no fastcgi_pass: nginx
 * ignores every fastcgi_* line there and speaks HTTP (gRPC, uwsgi, SCGI) to the backend. A FastCGI server cannot read
 * that: php-fpm 8.2 resets the connection, and nginx 1.22.1 answers 502 at once ("recv() failed (104: Connection reset
 * by peer) while reading response header from upstream"; test/servers/fastcgi-settings-without-fastcgi-pass.test.ts).
 * Only a location's own lines count: fastcgi_param inherited from the server level is common in mixed sites.
 */
export default defineNginxRule({
  id: 'fastcgi-settings-without-fastcgi-pass',
  server: 'nginx',
  severity: 'warning',
  outcome: '502',
  summary: 'A location written for FastCGI (fastcgi_param, include fastcgi_params) passes with proxy_pass instead of fastcgi_pass: its FastCGI settings do nothing, and a FastCGI backend such as php-fpm cannot read the HTTP request (502).',
  directives: ['fastcgi_param', 'fastcgi_index', 'fastcgi_split_path_info', 'proxy_pass', 'grpc_pass', 'uwsgi_pass', 'scgi_pass'],
  versions: 'all',
  check(ctx) {
    for (const location of ctx.nodes('location')) {
      const pass = location.children.find((c) => OTHER_PASSES.has(c.name));
      if (!pass) continue;
      const sign = fastcgiSign(location);
      if (!sign || hasFastcgiPass(location)) continue;
      const what = sign.name === 'include' ? `"include ${sign.directive.args[0].value}"` : `"${sign.name}"`;
      const speaks = pass.name === 'proxy_pass' ? 'HTTP' : pass.name === 'grpc_pass' ? 'gRPC' : pass.name === 'uwsgi_pass' ? 'uwsgi' : 'SCGI';
      const fix = fastcgiFix(pass);
      ctx.report({
        node: pass,
        message: `this location is set up for FastCGI (${what}) but passes with ${pass.name}, not fastcgi_pass: nginx ignores its fastcgi_* settings and speaks ${speaks} to ${pass.directive.args[0]?.value ?? 'the backend'}; if that is a FastCGI server such as php-fpm, it cannot read the request and resets the connection, and every request gets 502 ("recv() failed (104: Connection reset by peer) while reading response header from upstream")`,
        related: [{ path: sign.file.path, start: sign.directive.start, end: sign.directive.end, message: `FastCGI setting, ignored by ${pass.name}` }],
        suggestions: fix ? [fix] : [],
      });
    }
  },
});
