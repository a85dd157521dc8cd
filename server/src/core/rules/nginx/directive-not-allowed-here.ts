import type { ConfigNode } from '../../model/nginx-tree';
import { defineNginxRule } from '../rule';
import { allowedIn, placementInfo, placementKnown, readableAllowed, readableHere, templateLine } from './placement-support';
import { refusedAsPlus } from './plus-support';

/**
 * A proxy or upstream directive in a block that does not take it: `proxy_pass` directly in a server block,
 * `proxy_read_timeout` in an upstream block, `keepalive` in a location. nginx stops at the first one with
 * `[emerg] "proxy_pass" directive is not allowed here` [lab, nginx 1.22.1], so a reload with such a line keeps the
 * old configuration and a start fails. https://nginx.org/en/docs/http/ngx_http_proxy_module.html
 */
export default defineNginxRule({
  id: 'directive-not-allowed-here',
  server: 'nginx',
  severity: 'error',
  outcome: 'startup-failure',
  summary: 'A proxy or upstream directive sits in a block that does not accept it (proxy_pass directly in a server block, proxy_read_timeout in an upstream block): nginx refuses to start.',
  directives: ['proxy_pass', 'fastcgi_pass', 'uwsgi_pass', 'grpc_pass', 'proxy_read_timeout', 'proxy_connect_timeout', 'keepalive'],
  versions: 'all',
  check(ctx) {
    // A file included in several wrong places has one node per place: one finding per line and kind of block, naming
    // every include that puts it there.
    const found = new Map<string, { node: ConfigNode; includes: Set<ConfigNode> }>();
    // By index: a for-of over every node allocates an iterator result per node for as long as the loop runs unoptimised.
    const all = ctx.config.all;
    for (let k = 0; k < all.length; k++) {
      const node = all[k];
      const info = placementInfo(node);
      if (!info || !placementKnown(node, ctx.config) || allowedIn(info, node.context)) continue;
      if (templateLine(node) || refusedAsPlus(ctx, node)) continue;
      const key = `${node.file.path}\0${node.directive.start}\0${node.context}`;
      let f = found.get(key);
      if (!f) found.set(key, (f = { node, includes: new Set() }));
      // In an included file the block is not in sight (and the file may be included elsewhere too): name the include.
      const include = includedBy(node);
      if (include) f.includes.add(include);
    }
    // A stream directive in an http block: nginx says "not allowed here" only when it knows the directive, i.e. the
    // stream module is built in or loaded; a build with it as a dynamic module not loaded (Debian's without its
    // load_module line) says unknown directive instead [lab, nginx 1.22.1]. A stream {} block or the load_module line
    // settles it; else both are possible, and the message says so, so that the line in the log is recognised.
    const streamKnown = ctx.nodes('stream').length > 0 || ctx.nodes('load_module').some((n) => /ngx_stream_module\.so$/.test(n.directive.args[0]?.value ?? ''));
    for (const { node, includes: sites } of found.values()) {
      const includes = [...sites];
      const info = placementInfo(node)!;
      const place = (n: ConfigNode) => `${n.file.path.slice(n.file.path.lastIndexOf('/') + 1)}:${n.file.lines.positionAt(n.directive.start).line + 1}`;
      const where = includes.length === 0 ? '' : ` (included there by ${place(includes[0])}${includes.length > 1 ? ` and ${includes.length - 1} more` : ''})`;
      ctx.report({
        node,
        message: `nginx will not start: "${node.name}" directive is not allowed here, in ${readableHere(node.context)}${where}; ${readableAllowed(info.contexts, node.context)}${hint(node.name, node.context, info.contexts)}${streamKnown || !streamOnly(node.context, info.contexts) ? '' : ` (where the stream module is a dynamic module that is not loaded, nginx says unknown directive "${node.name}" instead)`}`,
        related: includes.map((n) => ({ path: n.file.path, start: n.directive.start, end: n.directive.end, message: `included here, in ${readableHere(n.context)}` })),
      });
    }
  },
});

/** The include line that brought the file holding `node` into the configuration, if it was included. */
function includedBy(node: ConfigNode): ConfigNode | undefined {
  let top = node;
  while (top.parent && top.parent.file === node.file) top = top.parent;
  return top.via ?? undefined;
}

/** True for a directive only stream blocks take, met outside them. */
function streamOnly(context: string, allowed: string[]): boolean {
  const stream = (c: string) => c === 'stream' || c.startsWith('stream-');
  return !stream(context) && allowed.length > 0 && allowed.every(stream);
}

/** The two mistakes people make most, said in their terms. */
function hint(name: string, context: string, allowed: string[]): string {
  if (context === 'server' && allowed.includes('location') && name.endsWith('_pass')) return ` — put it in a location block, e.g. "location / { ${name} …; }"`;
  if ((context === 'upstream' && allowed.includes('location')) || (context === 'stream-upstream' && allowed.includes('stream-server'))) {
    return ' — it is set where requests are passed to the group (the server or location with the *_pass line), not in the upstream block';
  }
  return '';
}
