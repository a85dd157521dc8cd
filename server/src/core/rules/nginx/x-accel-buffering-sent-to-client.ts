import { replaceSpan } from '../../fix';
import type { ConfigNode } from '../../model/nginx-tree';
import { defineNginxRule } from '../rule';
import { insertAfter, text } from './neighbours-support';
import { unlessShared } from './shared-files';

/** The modules whose responses nginx buffers and whose backends may turn that off with X-Accel-Buffering. */
const BUFFERED = new Set(['proxy_pass', 'fastcgi_pass', 'uwsgi_pass', 'scgi_pass']);

/**
 * nginx reads X-Accel-Buffering from the backend's response ("Buffering can also be enabled or disabled by passing
 * “yes” or “no” in the “X-Accel-Buffering” response header field",
 * https://nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_buffering). add_header only adds a field to the
 * response nginx sends on, after the buffering choice is made: `add_header X-Accel-Buffering no;` in a proxied
 * location leaves buffering on. Checked on nginx 1.22.1: three server-sent events 1.5 s apart all reached the client
 * together when the response ended (4.5 s); with the backend sending the header, at 0, 1.5 and 3 s.
 */
export default defineNginxRule({
  id: 'x-accel-buffering-sent-to-client',
  server: 'nginx',
  severity: 'warning',
  outcome: 'silent',
  summary: 'add_header X-Accel-Buffering no only adds the header to the response sent to the client; nginx reads it from the backend, so the response is still buffered.',
  directives: ['add_header'],
  versions: 'all',
  check(ctx) {
    const reported = new Set<ConfigNode>();
    for (const t of ctx.upstreams.passes) {
      if (t.module !== 'http' || !BUFFERED.has(t.directive)) continue;
      const scope = t.node.parent;
      if (!scope) continue;
      const m = t.directive.slice(0, -'_pass'.length);
      const header = ctx
        .effective(scope, 'add_header')
        .nodes.find((n) => n.directive.args[0]?.value.toLowerCase() === 'x-accel-buffering' && n.directive.args[1]?.value.toLowerCase() === 'no');
      if (!header || reported.has(header)) continue;
      // Buffering already off: the header then only tells a proxy in front of nginx (another nginx) not to buffer.
      const buffering = ctx.effective(scope, `${m}_buffering`).nodes.at(-1);
      if (buffering?.directive.args[0]?.value === 'off') continue;
      reported.add(header);
      const line = `${m}_buffering off;`;
      const here = header.parent === scope;
      // A `proxy_buffering on;` at this level is turned off where it is (a second one would stop nginx: "directive is
      // duplicate"); else the line goes after the header. Never written into a snippet that other locations include:
      // they would get the line too.
      const fix = buffering?.parent === scope
        ? unlessShared(ctx.config, { title: `Use "${line}"`, edits: [replaceSpan(buffering.file, buffering.directive, line)] })
        : here
          ? unlessShared(ctx.config, { title: `Add "${line}"`, edits: [insertAfter(header, [line])] })
          : undefined;
      ctx.report({
        node: header,
        message:
          `${text(header)} adds the header to the response nginx sends to the client, but nginx takes X-Accel-Buffering only from the backend's response: ${m}_buffering stays on${buffering ? ` (${text(buffering)})` : ''}, so events and streamed chunks are held until nginx's buffer fills or the response ends. ` +
          `Write "${line}" here, or have the backend send the header`,
        suggestions: fix ? [fix] : [],
        related: here ? [] : [{ path: t.node.file.path, start: t.node.directive.start, end: t.node.directive.end, message: `the header is inherited by this ${t.directive}, whose response is buffered` }],
      });
    }
  },
});
