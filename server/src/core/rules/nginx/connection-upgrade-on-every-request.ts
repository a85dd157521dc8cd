import type { TextEdit } from '../../finding';
import { replaceSpan } from '../../fix';
import { moduleOf } from '../../model/nginx-upstreams';
import { defineNginxRule } from '../rule';
import { connectionMapEdit, mapDefining, wsPath } from './neighbours-support';

/**
 * A literal `Connection: upgrade` goes out with every request, not only with WebSocket handshakes. The
 * upstream keepalive docs ask for the header to be cleared on reused connections, and the WebSocket docs
 * derive it from $http_upgrade with a map; whether a backend keeps a connection that was asked to upgrade
 * without an Upgrade header is up to the backend.
 * https://nginx.org/en/docs/http/websocket.html
 * https://nginx.org/en/docs/http/ngx_http_upstream_module.html#keepalive
 */
export default defineNginxRule({
  id: 'connection-upgrade-on-every-request',
  server: 'nginx',
  severity: 'info',
  outcome: 'silent',
  summary: 'proxy_set_header Connection "upgrade" is sent with every request, ordinary ones included, instead of only with WebSocket handshakes.',
  directives: ['proxy_set_header'],
  versions: 'all',
  check(ctx) {
    const lines = ctx.nodes('proxy_set_header');
    for (let k = 0; k < lines.length; k++) {
      const node = lines[k];
      // Every header line of a large tree passes here (snippets once per include): indexed arguments rather than
      // destructuring, and lengths compared before any lower-casing (which never changes them for these ASCII words).
      const args = node.directive.args;
      if (args.length < 2) continue;
      const name = args[0], value = args[1];
      if (name.value.length !== 10 || value.value.length !== 7 || name.value.toLowerCase() !== 'connection' || !/^upgrade$/i.test(value.value)) continue;
      // A location named for WebSocket handshakes: the literal is meant there. Socket.IO's /socket.io/ also gets its
      // long-polling requests, and Node.js answers those as ordinary requests and keeps the connection (see the doc).
      if (moduleOf(node) !== 'http' || wsPath(node.parent)) continue;
      // An Upgrade header with a fixed value (`proxy_set_header Upgrade foo`) makes every request an upgrade request
      // on purpose: the literal Connection goes with it, and the map would drop it from requests that carry no
      // Upgrade of their own (seen on nginx 1.22.1: the backend got `Upgrade: foo` without `Connection`).
      if (node.parent && ctx.effective(node.parent, 'proxy_set_header').nodes.some((n) => n.directive.args[0]?.value.toLowerCase() === 'upgrade' && n.directive.args[1] !== undefined && n.directive.args[1].value !== '' && !n.directive.args[1].value.includes('$'))) continue;
      const edits: TextEdit[] = [replaceSpan(node.file, value, '$connection_upgrade')];
      if (!mapDefining(ctx, '$connection_upgrade')) {
        const mapEdit = connectionMapEdit(ctx);
        if (mapEdit) edits.push(mapEdit);
      }
      const complete = edits.length === 2 || mapDefining(ctx, '$connection_upgrade');
      ctx.report({
        node,
        message: `every request proxied from here carries "Connection: ${value.value}", ordinary ones without an Upgrade header included; nginx's keep-alive docs ask for a cleared Connection header, and the WebSocket docs set it from $http_upgrade with a map so that only real upgrade requests ask for one`,
        suggestions: complete ? [{ title: 'Send "upgrade" only when the client asks for it (map $http_upgrade $connection_upgrade)', edits }] : [],
      });
    }
  },
});
