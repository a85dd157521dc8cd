import { NGX_LOG } from './log-lines';
import { all, buffered, grpcNote, since, type Family, type ModuleInfo } from './nginx-modules-info';

function busyTooBig(m: ModuleInfo): string {
  return `"${m.id}_busy_buffers_size" must be less than the size of all "${m.id}_buffers" minus one buffer`;
}

/** Families about what travels over the connection: buffers, caching, error interception, sockets (TLS: nginx-family-tls.ts). */
export const IO_FAMILIES: Family[] = [
  {
    suffix: 'buffer_size',
    applies: all,
    build: (m, d) => ({
      summary:
        `Size of the buffer for the first part of the ${m.backend}'s response, which holds the response header — the whole header must fit.` +
        (m.buffering ? '' : ' For gRPC the rest of the response also streams through this buffer, straight to the client.'),
      failure:
        `A response header larger than this buffer (big \`Set-Cookie\` values, JWTs or session tokens, long CSP or \`Link\` headers) is treated as invalid: nginx answers **502** \`upstream sent too big header …\` and counts a failed attempt towards \`max_fails\` (with the default \`max_fails=1\` the server is skipped for \`fail_timeout\`: \`upstream server temporarily disabled\`), but passes the request to the next server only when \`${d('next_upstream')}\` lists \`invalid_header\`. The default is one memory page, 4k on most x86-64 systems (8k on some platforms).` +
        (m.id === 'proxy' ? ' Auth services behind `auth_request` are a frequent source.' : '') +
        (m.buffering
          ? ` Raising it *alone* can stop nginx from reloading: \`${d('busy_buffers_size')}\` then defaults to twice this size and must stay below all \`${d('buffers')}\` minus one — on 4 KiB pages \`${d('buffer_size')} 16k\` alone fails \`nginx -t\`. Change the three together, e.g. \`${d('buffer_size')} 16k; ${d('buffers')} 8 16k; ${d('busy_buffers_size')} 32k;\`, and check an explicit \`${d('temp_file_write_size')}\` or non-zero \`${d('max_temp_file_size')}\`: nginx refuses to start when either is smaller than the larger of this buffer and one \`${d('buffers')}\` buffer.`
          : '') +
        grpcNote(m),
      statusCodes: m.buffering ? ['502', 'startup-failure'] : ['502'],
      logLines: [NGX_LOG.tooBig, NGX_LOG.serverDisabledHeader, ...(m.id === 'proxy' ? [NGX_LOG.busyTooBig] : [])],
      expectedLogLines: m.buffering && m.id !== 'proxy' ? [busyTooBig(m)] : undefined,
      defaultValue: '4k|8k (one memory page)',
      versions: since(m),
      rules: ['header-buffer-too-small', ...(m.buffering ? ['buffer-size-arithmetic'] : [])],
    }),
  },
  {
    suffix: 'buffers',
    applies: buffered,
    build: (m, d) => ({
      summary: `Number and size of the buffers used to read one response from the ${m.backend} (per connection, allocated as needed).`,
      failure:
        `Not a direct cause of 502/504, but nginx checks the arithmetic when it loads the configuration: fewer than 2 buffers, or a \`${d('busy_buffers_size')}\` that is not below all buffers minus one, make \`nginx -t\` and reloads fail. ` +
        `A response that does not fit in memory spills to a temporary file, up to \`${d('max_temp_file_size')}\`.`,
      statusCodes: ['startup-failure'],
      logLines: m.id === 'proxy' ? [NGX_LOG.atLeastTwo, NGX_LOG.busyTooBig] : [],
      expectedLogLines: m.id === 'proxy' ? undefined : [`there must be at least 2 "${m.id}_buffers"`, busyTooBig(m)],
      defaultValue: '8 4k|8k (one memory page each)',
      rules: ['buffer-size-arithmetic'],
    }),
  },
  {
    suffix: 'busy_buffers_size',
    applies: buffered,
    build: (m, d) => ({
      summary: `How much of a buffered response may be busy going out to the client while the rest is still being read from the ${m.backend}.`,
      failure:
        `Checked when the configuration loads: it must be at least the larger of \`${d('buffer_size')}\` and one \`${d('buffers')}\` buffer, and below the size of all \`${d('buffers')}\` minus one buffer; otherwise nginx refuses to start or reload. ` +
        `Its default is twice the larger of \`${d('buffer_size')}\` and one buffer — which is why raising \`${d('buffer_size')}\` alone can break a reload.`,
      statusCodes: ['startup-failure'],
      logLines: m.id === 'proxy' ? [NGX_LOG.busyTooSmall, NGX_LOG.busyTooBig] : [],
      expectedLogLines: m.id === 'proxy' ? undefined : [busyTooBig(m)],
      defaultValue: '8k|16k (two buffers)',
      rules: ['buffer-size-arithmetic'],
    }),
  },
  {
    suffix: 'buffering',
    applies: buffered,
    build: (m, d) => ({
      summary: `Whether nginx reads the ${m.backend}'s response as fast as it can into buffers (\`on\`) or relays it to the client as it arrives (\`off\`).`,
      failure:
        'With `off`, a slow client holds the backend connection — and usually an application worker — for the whole download. Under load the application runs out of workers: new requests wait until ' +
        `\`${d('read_timeout')}\` fires (**504**) or the backend refuses connections (**502**). Turn it off only where streaming matters (Server-Sent Events, long polling, progressive output). ` +
        'The backend can also switch it per response with an `X-Accel-Buffering: yes|no` header (sent by the backend: `add_header X-Accel-Buffering no` only adds it to the answer to the client and changes nothing here).',
      statusCodes: ['502', '504'],
      logLines: [NGX_LOG.headerTimeout, NGX_LOG.refused],
      defaultValue: 'on',
      rules: ['proxy-buffering-off', 'x-accel-buffering-sent-to-client', ...(m.id === 'proxy' ? ['long-lived-location-default-timeout'] : [])],
    }),
  },
  {
    suffix: 'request_buffering',
    applies: buffered,
    build: (m, d) => ({
      summary: `Whether nginx reads the whole request body before contacting the ${m.backend} (\`on\`) or forwards it while the client is still uploading (\`off\`).`,
      failure: [
        'With `off`:',
        `- the body goes out as it arrives; a client that pauses is timed by \`client_body_timeout\` (**408**), not by \`${d('send_timeout')}\`, which runs only while the backend is not reading (→ **504** \`…while sending request to upstream\`, with buffering on as well);`,
        `- once nginx started sending the body it cannot retry the request on another server, so a failing server becomes a client-visible **502/504** even with spares in the group, whatever \`${d('next_upstream')}\` lists: \`non_idempotent\` does not bring the retry back, and an error answer listed there (\`http_503\`…) reaches the client as it is and does not count towards \`max_fails\` (nginx 1.22.1, a 200 KiB POST or PUT). Requests without a body, and bodies that arrived whole with the headers (nginx buffers those anyway), are retried as usual.`,
        'With `on` (the default) large bodies are spooled to disk first and the backend sees the request only after the upload completed.' +
          (m.id === 'proxy'
            ? ' Chunked uploads are buffered anyway unless `proxy_http_version` is 1.1 or 2: with the default 1.0 nginx 1.22.1 sent a paused chunked upload only after its last chunk, with a `Content-Length`, and logged `a client request body is buffered to a temporary file`; with 1.1 it streamed the chunks as they came.'
            : ''),
      ].join('\n'),
      statusCodes: ['504', '502'],
      logLines: [NGX_LOG.sendTimeout],
      defaultValue: 'on',
      versions: 'Since 1.7.11.',
      rules: ['unbuffered-body-disables-retry'],
    }),
  },
  {
    suffix: 'cache_valid',
    applies: buffered,
    build: (_m, d) => ({
      summary: 'How long cached responses with given status codes stay fresh. With only a time, just 200, 301 and 302 responses are cached; `any` caches every status.',
      failure:
        'With `any`, or with 500/502/503/504 listed, error responses *returned by the backend* — an application\'s 503 during a deploy, a 502/504 from another proxy behind this one — are stored and served to every client for that whole period, even after the backend recovered. ' +
        `Cache errors for seconds at most, or not at all; to ride out backend failures use \`${d('cache_use_stale')}\` instead. Headers from the backend (\`X-Accel-Expires\`, \`Cache-Control\`, \`Expires\`) override this directive.`,
      statusCodes: ['502', '503', '504'],
      logLines: [],
      rules: ['cached-error-responses'],
    }),
  },
  {
    suffix: 'cache_use_stale',
    applies: buffered,
    build: (_m, d) => ({
      summary: 'In which failure cases nginx may answer from an expired cache entry instead of passing the backend error on.',
      failure:
        'With the default `off`, an expired entry is fetched again; if the backend is down or slow the client gets the **502/504** even though a usable copy sits in the cache. ' +
        `Listing \`error timeout http_500 http_502 http_503 http_504\` (the same keywords as \`${d('next_upstream')}\`) serves the stale copy while the backend fails — users see older content and the failures show only in the error log. \`updating\` also avoids a stampede while an entry is refreshed.`,
      statusCodes: ['502', '504'],
      logLines: [],
      defaultValue: 'off',
      rules: ['cached-error-responses'],
    }),
  },
  {
    suffix: 'intercept_errors',
    applies: all,
    build: (m) => ({
      summary: `Whether ${m.backend} responses with status 300 or higher go to the client unchanged (\`off\`) or are handled by nginx's \`error_page\` (\`on\`).`,
      failure:
        'With `on` and an `error_page` for the code, a 502/503/504 *sent by the backend* is replaced by nginx\'s page, and users or status checks can no longer tell whether nginx or the application failed. ' +
        'Rule of thumb: a 502/504 that nginx made because the backend failed comes with an error-log line; a backend\'s own 502 does not (compare `$status` with `$upstream_status` in the access log), and neither does one from `return 502` or one answered from the cache (`*_cache_valid` covering 502/504). Without a matching `error_page` the response passes through unchanged.',
      statusCodes: ['502', '503', '504'],
      logLines: [],
      defaultValue: 'off',
      versions: since(m),
    }),
  },
  {
    suffix: 'socket_keepalive',
    applies: all,
    build: (m) => ({
      summary: `Turns on TCP keepalive probes (\`SO_KEEPALIVE\`) for connections to the ${m.backend}.`,
      failure:
        'TCP-level only, not HTTP keep-alive, and the probe timing comes from the kernel (on Linux the first probe goes out after about two hours by default), so on its own it rarely keeps a firewall or NAT from dropping an idle pooled connection. ' +
        'A silently dropped connection surfaces on the next request that uses it: as a reset, `recv() failed (104: Connection reset by peer)`, after which nginx sends GET and other idempotent requests again on a new connection (200) while POST, PATCH and LOCK get **502** (that is a group of one server: in a larger group the GET goes on to the next server instead, and gets 502 too when every server\'s pooled connection is stale); or, when nothing answers at all, as a read timeout (**504**).',
      statusCodes: ['502', '504'],
      logLines: [NGX_LOG.resetBeforeHeader],
      defaultValue: 'off',
      versions: since(m, 'Since 1.15.6.'),
    }),
  },
  {
    suffix: 'bind',
    applies: all,
    build: (m) => ({
      summary: `The local IP address (optionally with a port, or \`transparent\`) that connections to the ${m.backend} come from; \`off\` cancels an inherited value.`,
      failure:
        'If the address is not configured on this host, nginx cannot even set up the connection: it logs `[crit] … bind(…) failed (99: Cannot assign requested address)` and answers **500**, not 502, without trying another server of the group (nginx 1.22.1). ' +
        'With `transparent` (connections that carry the client\'s address) the backend\'s replies must be routed back through this host; if they are not, the handshake never completes and requests end as connect timeouts (**504**).',
      statusCodes: ['500', '504'],
      logLines: [NGX_LOG.bindFailed],
      versions: since(m),
    }),
  },
  {
    suffix: 'pass_request_body',
    applies: buffered,
    build: (m) => ({
      summary: `Whether the client's request body is forwarded to the ${m.backend}.`,
      failure:
        m.id === 'proxy'
          ? 'Meant for special locations (auth checks, `X-Accel-Redirect` targets). If the forwarded request still announces a body — `Content-Length` is passed unless you clear it with `proxy_set_header Content-Length "";` — the backend waits for bytes that never come until its own timeout or `proxy_read_timeout` fires (**504**), or answers 400/408 itself.'
          : 'Meant for special locations. The application then receives no body even though the request parameters may still announce one; not a gateway error by itself, but easy to mistake for a broken backend.',
      statusCodes: m.id === 'proxy' ? ['504'] : ['none'],
      logLines: m.id === 'proxy' ? [NGX_LOG.headerTimeout] : [],
      defaultValue: 'on',
    }),
  },
  {
    suffix: 'pass_request_headers',
    applies: buffered,
    build: (m) => ({
      summary: `Whether the client's request header fields are forwarded to the ${m.backend}.`,
      failure:
        'With `off` only what you set explicitly' +
        (m.id === 'proxy' ? ' with `proxy_set_header` (including the default `Host`)' : ` with \`${m.id}_param\``) +
        ' reaches the backend: cookies, authorization and content headers are dropped, so the application answers 400/401/404 — not a gateway error, but easy to mistake for one when every request suddenly fails.',
      statusCodes: ['none'],
      logLines: [],
      defaultValue: 'on',
    }),
  },
  {
    suffix: 'max_temp_file_size',
    applies: buffered,
    build: (m) => ({
      summary: `The largest temporary file nginx may write when a buffered response from the ${m.backend} does not fit into the memory buffers; \`0\` disables temporary files.`,
      failure:
        `When the limit is reached (or with \`0\`), nginx stops reading ahead and passes the rest of the response at the client\'s pace, which keeps the backend connection busy for longer — for large downloads the same effect as turning buffering off (slow clients pin application workers, more 502/504 under load). Responses being cached or stored are not limited by it. A value other than \`0\` below the larger of \`${m.id}_buffer_size\` and one \`${m.id}_buffers\` buffer stops nginx from starting (\`"${m.id}_max_temp_file_size" must be equal to zero to disable temporary files usage or …\`, nginx 1.22.1).`,
      statusCodes: ['none'],
      logLines: [],
      defaultValue: '1024m',
    }),
  },
];
