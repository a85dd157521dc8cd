import type { Fix } from '../../finding';
import { replaceSpan } from '../../fix';
import { TEMPLATE_MARKUP } from '../../model/template-markup';
import { atLeast } from '../../model/version';
import { defineNginxRule } from '../rule';
import { allowedIn, placementInfo, placementKnown, templateLine } from './placement-support';

/** nginx 1.29.4: "the ngx_http_proxy_module supports HTTP/2" (https://nginx.org/en/CHANGES), `proxy_http_version 2`. */
export const HTTP2_SINCE = '1.29.4';

/** Written for HTTP/2 in another way than nginx's "2": "2.0", "HTTP/2". */
const LOOKS_LIKE_2 = /^(http\/)?2(\.0)?$/i;

/**
 * `proxy_http_version` takes one word from a fixed list (ngx_conf_set_enum_slot): "1.0" and "1.1", and "2" from
 * nginx 1.29.4 on (in builds with the HTTP/2 module, which every packaged build has). Anything else stops nginx with
 * `[emerg] invalid value "2" in …:<line>` [lab, nginx 1.22.1]. "2" is reported only when the target version is known
 * to be older, and never for NGINX Plus (whose releases follow their own numbering); any other word on every target.
 */
export default defineNginxRule({
  id: 'proxy-http-version-unsupported',
  server: 'nginx',
  severity: 'error',
  outcome: 'startup-failure',
  summary: 'proxy_http_version has a value the target nginx does not know (2 before nginx 1.29.4, or anything but 1.0, 1.1 and 2): nginx refuses to start.',
  directives: ['proxy_http_version'],
  versions: '< 1.29.4 for "2"; all for other values',
  check(ctx) {
    const http2 = ctx.target.edition === 'plus' ? undefined : atLeast(ctx.target.version, HTTP2_SINCE);
    const target = ctx.target.version ? `nginx ${ctx.target.version.join('.')}` : undefined;
    for (const node of ctx.nodes('proxy_http_version')) {
      const args = node.directive.args;
      // A missing or extra value, or a line where the directive is not allowed, is reported by the placement rules.
      if (args.length !== 1 || !node.directive.terminated) continue;
      const info = placementInfo(node);
      if (info && placementKnown(node, ctx.config) && !allowedIn(info, node.context)) continue;
      const arg = args[0];
      const value = arg.value;
      if (value === '1.0' || value === '1.1') continue;
      // Template placeholders are replaced before nginx reads the file.
      if (value.includes('$') || TEMPLATE_MARKUP.test(arg.raw) || templateLine(node)) continue;
      const to11: Fix = { title: 'Change to 1.1', edits: [replaceSpan(node.file, arg, '1.1')] };
      if (value === '2') {
        if (http2 !== false) continue;
        ctx.report({
          at: { file: node.file, start: arg.start, end: arg.end },
          message: `nginx will not start: proxy_http_version 2 (HTTP/2 to the backend) needs nginx ${HTTP2_SINCE} or later, and the target is ${target} ("invalid value "2""); use 1.1, or upgrade nginx`,
          suggestions: [to11],
        });
        continue;
      }
      const suggestions: Fix[] = [to11];
      if (LOOKS_LIKE_2.test(value) && http2 !== false) suggestions.push({ title: `Change to 2 (HTTP/2, nginx ${HTTP2_SINCE} or later)`, edits: [replaceSpan(node.file, arg, '2')] });
      const takes = http2 === true ? '1.0, 1.1 or 2' : http2 === false ? '1.0 or 1.1' : `1.0 or 1.1 (and 2 from nginx ${HTTP2_SINCE} on)`;
      ctx.report({
        at: { file: node.file, start: arg.start, end: arg.end },
        message: `nginx will not start: proxy_http_version takes ${takes}, not "${value}" ("invalid value "${value}"")`,
        suggestions,
      });
    }
  },
});
