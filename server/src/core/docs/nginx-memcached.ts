import type { DirectiveDoc } from './directive-doc';
import { NGX_LOG } from './log-lines';

type Body = Omit<DirectiveDoc, 'name' | 'server' | 'url'>;

function doc(name: string, body: Body): DirectiveDoc {
  return { name, server: 'nginx', ...body, url: `https://nginx.org/en/docs/http/ngx_http_memcached_module.html#${name}` };
}

/**
 * The memcached module answers a request from the cache: it sends `get <$memcached_key>` and returns the value. Its
 * failures differ from the other upstream modules' (a miss is a 404, the request is one short line, nothing is
 * buffered), so it has its own texts rather than the family templates. Checked on nginx 1.22.1 by
 * test/servers/nginx-memcached.test.ts.
 */
const MEMCACHED: DirectiveDoc[] = [
  doc('memcached_pass', {
    summary: 'Makes the location answer from memcached: nginx sends `get <key>` with the value of `$memcached_key` and returns the stored value as the response body. The address is `host:port`, `unix:/path` or an `upstream` group, without a scheme.',
    failure: [
      '- **404**: memcached does not have the key. nginx logs it only at `info` (`key: "…" was not found by memcached`). The usual set-up hands such requests to the application with `error_page 404 = @app;` (nginx 1.22.1 then answered from the app); list `502 504` there too if a dead or slow memcached should fall back the same way instead of reaching users.',
      '- **502**: memcached is not running (connection refused), closes the connection without answering, or answers something that is neither a value nor `END` — for example the error line it sends for a key longer than its 250-byte limit (`memcached sent invalid response: "CLIENT_ERROR …"`), a risk when the key is built from the request URI and arguments.',
      '- **504**: memcached does not answer within `memcached_read_timeout` (or cannot be reached within `memcached_connect_timeout`).',
      '- **500**: `$memcached_key` is empty for this request (`the "$memcached_key" variable is not set`). When no `set $memcached_key …` exists anywhere in the configuration, nginx does not even start: `unknown "memcached_key" variable`.',
      '- Only GET and HEAD are answered; other methods get **405** from nginx without memcached being asked.',
      '- A scheme (`memcached_pass http://…`) or a hostname that does not resolve at load time stops nginx from starting.',
    ].join('\n'),
    statusCodes: ['502', '504', '404', '500', 'startup-failure'],
    logLines: [
      NGX_LOG.memcachedNotFound,
      NGX_LOG.refused,
      NGX_LOG.premature,
      NGX_LOG.memcachedInvalid,
      NGX_LOG.headerTimeout,
      NGX_LOG.memcachedKeyNotSet,
      NGX_LOG.memcachedUnknownKeyVar,
      NGX_LOG.invalidHostScheme,
      NGX_LOG.hostNotFound,
    ],
    rules: ['pass-scheme-mismatch', 'localhost-upstream', 'unix-socket-path'],
  }),
  doc('memcached_connect_timeout', {
    summary: 'How long nginx may take to open a connection to the memcached server.',
    failure:
      'A host that is down or drops packets runs into it: nginx logs `upstream timed out … while connecting to upstream` and, with `memcached_next_upstream` at its default, tries the next server of the group; when none is left the client gets **504**. ' +
      'A cache lookup that waits the 60s default before failing is usually worse than no cache: a value of a second or less, with an `error_page 504 = @app;` fallback, keeps the page working when memcached is gone.',
    statusCodes: ['504'],
    logLines: [NGX_LOG.connectTimeout],
    defaultValue: '60s',
  }),
  doc('memcached_read_timeout', {
    summary: 'How long nginx waits for memcached between two reads, from the answer\'s first line on.',
    failure:
      'A memcached that is overloaded, swapping or paused does not answer in time → **504** `upstream timed out … while reading response header from upstream` (nginx 1.22.1 with `1s` and a stand-in that answered after 2.5 s). ' +
      'The value streams to the client as it arrives, so a stall in the middle of a large value cuts the response short instead (the header has already gone out).',
    statusCodes: ['504', 'truncated-200'],
    logLines: [NGX_LOG.headerTimeout],
    defaultValue: '60s',
  }),
  doc('memcached_send_timeout', {
    summary: 'How long nginx waits for one write of the request to memcached to make progress.',
    failure:
      'The request is a single short `get` line, so this only fires when memcached accepted the connection but does not read at all (a hung process): **504** `…while sending request to upstream`. In practice the connect and read timeouts are the ones that matter.',
    statusCodes: ['504'],
    logLines: [],
    // Not reproduced here: a memcached that accepts but never reads a one-line request cannot be made with a socket pair.
    expectedLogLines: [NGX_LOG.sendTimeout],
    defaultValue: '60s',
  }),
  doc('memcached_next_upstream', {
    summary: 'Which failures make nginx ask the next memcached server of the group: `error`, `timeout`, `invalid_response`, `not_found`, or `off`.',
    failure:
      'Default `error timeout`: a refused connection or a timeout moves on to the next server, and when all fail the client gets the last 502 or 504. ' +
      'A miss is a 404 and is not retried unless `not_found` is listed (nginx 1.22.1: the key missing on the first server and present on the backup → 200 with `not_found`). With `off` one dead server is a user-visible 502. ' +
      'The memcached module has no `http_502`-style keywords: `memcached_next_upstream http_502;` stops nginx with `invalid value "http_502"`.',
    statusCodes: ['502', '504', '404', 'startup-failure'],
    logLines: [NGX_LOG.noLive],
    defaultValue: 'error timeout',
  }),
  doc('memcached_next_upstream_tries', {
    summary: 'The most memcached servers one request may be tried on, the first included; `0` means no limit.',
    failure:
      'With `0` a request can walk every server of the group, each attempt costing up to `memcached_connect_timeout` + `memcached_read_timeout`, before the client gets the last 502/504. For a cache, one retry at most is usually enough.',
    statusCodes: ['502', '504'],
    logLines: [],
    defaultValue: '0',
    versions: 'Since 1.7.5.',
  }),
  doc('memcached_next_upstream_timeout', {
    summary: 'How long nginx keeps passing one request on to further memcached servers; `0` means no limit.',
    failure:
      'Once this much time has passed since the first attempt, nginx stops trying further servers and returns the last 502/504; it does not shorten the attempt in progress.',
    statusCodes: ['502', '504'],
    logLines: [],
    defaultValue: '0',
    versions: 'Since 1.7.5.',
  }),
  doc('memcached_buffer_size', {
    summary: 'Size of the buffer nginx reads memcached\'s answer into; the value is passed to the client as it arrives (nothing is buffered to disk).',
    failure:
      'Only the answer\'s first line (`VALUE <key> <flags> <bytes>`) has to fit: a larger value simply streams through (nginx 1.22.1 served 64 KiB through the default buffer). A first line longer than the buffer is treated as invalid → **502** `upstream sent too big header`; with memcached\'s 250-byte key limit that takes a very small buffer.',
    statusCodes: ['502'],
    logLines: [NGX_LOG.tooBig],
    defaultValue: '4k|8k',
  }),
  doc('memcached_gzip_flag', {
    summary: 'A memcached flag value: when a stored item carries it, nginx adds `Content-Encoding: gzip` to the response.',
    failure:
      'Not a cause of 502/504. It matters when the application stores gzip-compressed values: without the flag (on the item or here) clients receive compressed bytes without `Content-Encoding`, which browsers show as garbage; with it, nginx sends `Content-Encoding: gzip` even to a client that did not ask for gzip (nginx 1.22.1, a request without `Accept-Encoding`).',
    statusCodes: ['none'],
    logLines: [],
  }),
  doc('memcached_bind', {
    summary: 'The local IP address (optionally with a port) that connections to memcached come from; `off` cancels an inherited value.',
    failure:
      'An address this host does not have makes every connection attempt fail before it starts: the [crit] `bind(…) failed (99: Cannot assign requested address)` line, and a **500** for the request (as for the other upstream modules on nginx 1.22.1).',
    statusCodes: ['500'],
    logLines: [NGX_LOG.bindFailed],
  }),
  doc('memcached_socket_keepalive', {
    summary: 'Turns on TCP keepalive probes (`SO_KEEPALIVE`) for connections to memcached.',
    failure:
      'TCP-level only, with the kernel\'s timing (on Linux the first probe goes out after about two hours by default), so on its own it neither causes nor prevents a 502/504. It can matter only where idle connections to memcached are kept open (an upstream group with `keepalive`) and something in between drops idle connections.',
    statusCodes: ['none'],
    logLines: [],
    defaultValue: 'off',
    versions: 'Since 1.15.6.',
  }),
];

export const NGINX_MEMCACHED_DOCS: Record<string, DirectiveDoc> = Object.fromEntries(MEMCACHED.map((d) => [d.name, d]));
