import { replaceSpan } from '../../fix';
import type { ConfigNode } from '../../model/nginx-tree';
import { enclosing } from '../../model/nginx-effective';
import { moduleOf } from '../../model/nginx-upstreams';
import { timeMs } from '../../model/nginx-modules';
import { defineNginxRule, type NginxRuleContext } from '../rule';
import { headerLines, locationPath, text } from './neighbours-support';

const MODULES = ['proxy', 'fastcgi', 'uwsgi', 'scgi'] as const;
/**
 * Paths of endpoints that must stream: server-sent events, long polling, WebSocket, live updates, token streams,
 * log tailing, big transfers. Words that as often name ordinary pages are left out: "dash" (dashboards more than
 * MPEG-DASH), "media" (uploaded files), "feed" (an RSS or JSON document), and "v2" anywhere (an API version).
 */
const STREAM_PATH = /(?<![a-z0-9])(sse|events?|event-?stream|eventsource|stream\w*|live|push|pub|sub|subscribe|subscriptions?|notifications?|notify|ws|wss|websockets?|socket\.io|sockjs|cable|hubs?|signalr|graphql|long-?poll\w*|poll\w*|realtime|chat|completions?|generate|logs?|tail|watch|downloads?|uploads?|registry|artifacts?|video|hls|rtmp|tus|grpc|irc|webchat|unbuf\w*|no-?buffer\w*|buffering[-_]?off)(?![a-z0-9])/i;
/** A container registry's API root, /v2/ (https://distribution.github.io/distribution/spec/api/): image layers are large downloads. */
const REGISTRY_PATH = /^\^?\/v2(?![a-z0-9])/i;
/**
 * A host name whose first label says the whole server is real-time: sse.example.com, ws-eu.example.com, and web chat
 * clients, which long-poll (the corpus has a qwebirc proxy on webchat.domain.tld with buffering off). Only these:
 * most path words above name ordinary sites as host names (dash., logs., live., events., media., feed.).
 */
const STREAM_HOST = /^(~\^?)?(sse|wss?|websockets?|socket|stream(ing)?|realtime|push|(web)?chat|irc)(-[a-z0-9-]*|\d*)\\?\./i;
const LONG_READ_MS = 300_000;
/** nginx's default read timeout (all four modules): a longer one written next to `*_cache off` is a streaming sign. */
const DEFAULT_READ_MS = 60_000;

/** Signs, in the block itself, that its responses are meant to flow through as they are produced. */
function streamsHere(ctx: NginxRuleContext, block: ConfigNode | null, m: string): boolean {
  const path = locationPath(block);
  if (path && (STREAM_PATH.test(path) || REGISTRY_PATH.test(path))) return true;
  const server = block && (block.name === 'server' ? block : enclosing(block, 'server'));
  if (server?.children.some((c) => c.name === 'server_name' && c.directive.args.some((a) => STREAM_HOST.test(a.value)))) return true;
  const kids = block ? block.children : ctx.config.roots;
  let cacheOff = false;
  let readMs = 0;
  for (const c of kids) {
    const args = c.directive.args.map((a) => a.value).join(' ');
    if (/event-stream|x-accel-buffering/i.test(args)) return true;
    if (c.name === `${m}_request_buffering` && args === 'off') return true;
    if (c.name === 'chunked_transfer_encoding' || (c.name === `${m}_max_temp_file_size` && args === '0')) return true;
    if (c.name === `${m}_read_timeout`) readMs = timeMs(c.directive.args[0]) ?? 0;
    if (c.name === `${m}_cache` && args === 'off') cacheOff = true;
  }
  if (readMs >= LONG_READ_MS) return true;
  // The usual recipe for server-sent events and token streams: the response is neither held (buffering off) nor
  // stored (cache off), and the backend may pause longer than nginx's default 60 s between two parts of it. Either
  // half alone is common on ordinary pages (a slow report, an API that must not be cached), so only both count.
  if (cacheOff && readMs > DEFAULT_READ_MS && block?.name === 'location') return true;
  const headers = headerLines(ctx, block).lines;
  return headers.some((h) => h.name === 'upgrade' || (h.name === 'connection' && /upgrade/i.test(h.value)));
}

/** The block or any block inside it streams: turning buffering off above them is then deliberate. */
function streamsBelow(ctx: NginxRuleContext, block: ConfigNode | null, m: string): boolean {
  if (streamsHere(ctx, block, m)) return true;
  const kids = block ? block.children : ctx.config.roots;
  return kids.some((c) => c.directive.block && streamsBelow(ctx, c, m));
}

/**
 * With buffering off nginx hands the response to the client as fast as the client reads it, so the upstream
 * connection (and the backend worker behind it) stays busy for the whole download of a slow client.
 * https://nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_buffering
 */
export default defineNginxRule({
  id: 'proxy-buffering-off',
  server: 'nginx',
  severity: 'info',
  outcome: '504',
  summary: 'Response buffering is off outside a streaming endpoint: slow clients hold backend connections and workers, and under load requests time out.',
  directives: MODULES.map((m) => `${m}_buffering`),
  versions: 'all',
  check(ctx) {
    for (const m of MODULES) {
      for (const node of ctx.nodes(`${m}_buffering`)) {
        if (moduleOf(node) !== 'http' || node.directive.args[0]?.value !== 'off') continue;
        if (streamsBelow(ctx, node.parent, m)) continue;
        const line = `${m}_buffering on;`;
        ctx.report({
          node,
          message: `${text(node)} outside a streaming endpoint: nginx passes each response to the client only as fast as the client reads it, so a slow client keeps the backend connection (and, on a process-per-request backend, a worker) busy for the whole transfer; under load the backend can run out of workers and requests then wait until they time out (504). Keep buffering on and turn it off only where responses must stream (or let the backend send "X-Accel-Buffering: no")`,
          suggestions: [{ title: `Use "${line}"`, edits: [replaceSpan(node.file, node.directive, line)] }],
        });
      }
    }
  },
});
