import { atLeast } from '../../model/version';
import { defineNginxRule } from '../rule';
import { KEEPALIVE_ZERO_AND_LOCAL_SINCE } from './invalid-argument-value';
import { allowedIn, placementInfo, placementKnown, templateLine } from './placement-support';
import { refusedAsPlus } from './plus-support';

/**
 * A proxy or upstream directive with too few or too many arguments: `proxy_set_header Host;`,
 * `proxy_http_version 1.1 1.0;`. nginx stops with `[emerg] invalid number of arguments in "proxy_set_header"
 * directive` [lab, nginx 1.22.1]. The counts come from the reference's syntax lines, checked against the real
 * nginx by test/servers/directive-placement.test.ts. https://nginx.org/en/docs/http/ngx_http_proxy_module.html
 */
export default defineNginxRule({
  id: 'invalid-number-of-arguments',
  server: 'nginx',
  severity: 'error',
  outcome: 'startup-failure',
  summary: 'A proxy or upstream directive has too few or too many arguments (proxy_set_header with a name but no value): nginx refuses to start.',
  directives: ['proxy_set_header', 'proxy_http_version', 'proxy_pass', 'proxy_read_timeout', 'keepalive', 'location'],
  versions: 'all (keepalive with "local": < 1.29.7)',
  check(ctx) {
    // By index: a for-of over every node allocates an iterator result per node for as long as the loop runs unoptimised.
    const all = ctx.config.all;
    for (let k = 0; k < all.length; k++) {
      const node = all[k];
      // location takes a path, or a modifier and a path; nginx 1.22.1 counts its words before it reads the block.
      // (`location /a /b` is refused differently, as an invalid modifier.)
      if (node.name === 'location' && node.directive.block && (node.context === 'server' || node.context === 'location')) {
        const n = node.directive.args.length;
        if ((n === 0 || n > 2) && !templateLine(node)) {
          ctx.report({
            node,
            message: `nginx will not start: invalid number of arguments in "location" directive — it takes a path (location /api/), or a modifier and a path or pattern (location = /health, location ~ \\.php$), and this line has ${n}${n > 2 ? ' (a pattern with spaces needs quotes)' : ''}`,
          });
        }
        continue;
      }
      const info = placementInfo(node);
      // An unterminated line, or one that opens a block it should not have, is a syntax error already; a misplaced
      // one is reported as such (nginx says that first).
      if (!info || !node.directive.terminated || info.block || node.directive.block) continue;
      if (placementKnown(node, ctx.config) && !allowedIn(info, node.context)) continue;
      if (refusedAsPlus(ctx, node)) continue;
      // The table merges directives of one name across modules: keepalive_timeout's second argument (the header
      // timeout) belongs to the http core directive, and the upstream block's takes one.
      // By index, not `let [min, max] =`: destructuring goes through an array iterator, at every line.
      let min = info.args[0], max = info.args[1];
      if (node.name === 'keepalive_timeout' && node.context === 'upstream') min = max = 1;
      // Likewise stream's return (ngx_stream_return_module) takes only the text to send; http's takes a code too.
      if (node.name === 'return' && node.context === 'stream-server') min = max = 1;
      // The reference describes the newest nginx, whose upstream keepalive takes a second word, `local`; a target
      // known to be older takes the count alone (an unknown one is given the benefit of the doubt).
      const oldKeepalive = node.name === 'keepalive' && node.context === 'upstream' && atLeast(ctx.target.version, KEEPALIVE_ZERO_AND_LOCAL_SINCE) === false;
      if (oldKeepalive) max = 1;
      const n = node.directive.args.length;
      if (n >= min && (max < 0 || n <= max)) continue;
      if (templateLine(node)) continue;
      const takes = max < 0 ? `at least ${min}` : min === max ? `${min}` : `${min} to ${max}`;
      ctx.report({
        node,
        message: `nginx will not start: invalid number of arguments in "${node.name}" directive — it takes ${takes} argument${min === 1 && max <= 1 ? '' : 's'}, and this line has ${n}${
          oldKeepalive && n === 2 && node.directive.args[1].value === 'local'
            ? ` ("local" came with nginx ${KEEPALIVE_ZERO_AND_LOCAL_SINCE}, and the target is nginx ${ctx.target.version!.join('.')})`
            : n < min ? ' (a value is missing)' : ' (a value with spaces needs quotes; a unit goes right after its number, as in 30s)'
        }`,
      });
    }
  },
});
