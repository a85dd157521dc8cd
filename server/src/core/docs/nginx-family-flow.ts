import { NGX_LOG } from './log-lines';
import { all, buffered, grpcNote, since, type Family, type ModuleInfo } from './nginx-modules-info';

/** How each module writes its target. */
const PASS_SYNTAX: Record<ModuleInfo['id'], string> = {
  proxy: 'an `http://` or `https://` URL (host, IP, `unix:/path` or an `upstream` group name); a URI part after the host replaces the matched location prefix',
  fastcgi: '`host:port`, `unix:/path/to.sock` or an `upstream` group name, written without a scheme',
  uwsgi: '`host:port`, `unix:/path` or an `upstream` group, optionally prefixed with `uwsgi://` (or `suwsgi://` for uwsgi over TLS)',
  scgi: '`host:port`, `unix:/path` or an `upstream` group, without a scheme (SCGI has no TLS variant)',
  grpc: '`host:port`, `grpc://…`, `grpcs://…` (TLS), `unix:/path` or an `upstream` group',
};

/** Families about reaching the backend: the pass directive, the three timeouts and the retry settings. */
export const FLOW_FAMILIES: Family[] = [
  {
    suffix: 'pass',
    applies: all,
    build: (m, d) => ({
      summary: `Makes the location forward requests to ${m.article} ${m.backend}. The target is ${PASS_SYNTAX[m.id]}.`,
      // Short on purpose (a hover): one line per outcome; the official page has the rest of the syntax.
      failure: [
        '- **502**: the connection is refused or closed without an answer (nothing listens, a socket file missing or not writable for nginx, a crashed or killed worker, a keep-alive race), every server of the group is out (`no live upstreams`), or a target with variables has no `resolver` or its lookup fails.',
        `- **504**: a timer fires before the response header — \`${d('connect_timeout')}\` (host down or firewalled), \`${d('send_timeout')}\` (backend stops reading), \`${d('read_timeout')}\` (slow to answer); 60s each by default. After the header it is a truncated 200, never a 504.`,
        m.id === 'proxy'
          ? '- **nginx will not start or reload**: a hostname that does not resolve at load time, an invalid port, a scheme other than `http`/`https` (`invalid URL prefix`), or a URI part inside a regex or named location, `if` or `limit_except`.'
          : `- **nginx will not start or reload**: a hostname that does not resolve at load time, an invalid port, or a scheme the directive does not know (\`${d('pass')} http://…\` → \`invalid host in upstream\`).`,
        '- A hostname without variables is resolved once, at load: a backend that moves to another IP gets 502 or 504 until the next reload.',
        m.id === 'proxy' ? '- `https://` to a plain-HTTP port: **502** `wrong version number`; `http://` to a TLS port: the backend\'s own 400. With variables in the target the URI part is sent as written (`proxy_pass http://$backend/;` sends every request to `/`).' : null,
        m.id === 'fastcgi'
          ? '- PHP-FPM killing a slow worker (`request_terminate_timeout`) or crashing: **502** `upstream prematurely closed connection` (or `recv() failed (104: Connection reset by peer)`). `upstream prematurely closed FastCGI stdout` is different: the request ended in order without a complete header.'
          : null,
      ]
        .filter((line) => line !== null)
        .join('\n') + grpcNote(m),
      statusCodes: ['502', '504', 'startup-failure'],
      logLines: [
        NGX_LOG.refused,
        NGX_LOG.unixMissing,
        NGX_LOG.noLive,
        NGX_LOG.premature,
        NGX_LOG.connectTimeout,
        NGX_LOG.headerTimeout,
        NGX_LOG.noResolver,
        NGX_LOG.hostNotFound,
        ...(m.id === 'proxy' ? [NGX_LOG.invalidUrlPrefix, NGX_LOG.wrongVersion, NGX_LOG.uriPart] : [NGX_LOG.invalidHostScheme]),
        ...(m.id === 'fastcgi' ? [NGX_LOG.resetBeforeHeader, NGX_LOG.fcgiStdoutClosed] : []),
      ],
      versions: m.id === 'grpc' ? 'The grpc module appeared in 1.13.10; variables in the address are accepted since 1.17.8.' : m.id === 'uwsgi' ? '`suwsgi://` (uwsgi over TLS) since 1.5.8.' : undefined,
      rules: [
        'undefined-upstream',
        'invalid-upstream-address',
        'pass-scheme-mismatch',
        'variable-pass-without-resolver',
        'hostname-resolved-at-startup',
        'localhost-upstream',
        'unix-socket-path',
        ...(m.tls ? ['tls-upstream-without-sni'] : []),
        ...(m.id === 'proxy' ? ['scheme-port-mismatch', 'uri-part-not-allowed'] : []),
      ],
    }),
  },
  {
    suffix: 'connect_timeout',
    applies: all,
    build: (m, d) => ({
      summary: `How long nginx may take to open a connection to one ${m.backend}${m.tls ? ` (for ${m.tlsScheme} targets the TLS handshake counts too)` : ''}.`,
      failure:
        `If the connection is not established in time, nginx logs the timeout and — because \`${d('next_upstream')}\` includes \`timeout\` by default — moves on to the next server of the group. When no server is left the client gets **504**. ` +
        'A host that is down or drops packets produces this; a closed port is refused immediately and gives 502 instead. ' +
        'The kernel also gives up on an unanswered handshake by itself — after about 130 s with Linux defaults (`net.ipv4.tcp_syn_retries` 6), 75 s on BSD and macOS. When that comes first, nginx answers **502** `connect() failed (110: Connection timed out)` instead of 504, and values above 75s only delay failover; a few seconds is common. ' +
        `Worst case for the client ≈ servers tried × (\`${d('connect_timeout')}\` + \`${d('read_timeout')}\`).` +
        grpcNote(m),
      statusCodes: ['504', '502'],
      logLines: [NGX_LOG.connectTimeout, NGX_LOG.kernelConnectTimeout],
      defaultValue: '60s',
      versions: since(m, 'The nginx docs note that this timeout cannot usually exceed 75 seconds.'),
      rules: ['connect-timeout-above-os-limit', 'connect-timeout-above-read-timeout', 'retry-budget-exceeds-outer-timeout'],
    }),
  },
  {
    suffix: 'read_timeout',
    applies: all,
    build: (m, d) => ({
      summary: `The longest silence nginx accepts between two reads from the ${m.backend}. It bounds the wait for the first byte of the response and every later gap, not the total response time.`,
      // Short on purpose (a hover): the three outcomes, the cases that change them, the official page for the rest.
      failure: [
        `- Silent longer than this **before** the response header → **504** \`…while reading response header from upstream\`; another server is tried only for idempotent requests, and only if \`${d('next_upstream')}\` includes \`timeout\`.`,
        '- Silent longer than this **after** the header → a **truncated 200** (`…while reading upstream`): too late for a retry or a 504.',
        m.id === 'fastcgi'
          ? '- **502** instead when the application gives up first (PHP-FPM `request_terminate_timeout`, a worker killed for running too long): `upstream prematurely closed …`. A load balancer in front with a shorter idle timeout (AWS ALB/CLB: 60 s) answers its own 504 and nginx logs nothing.'
          : '- **502** instead when the application gives up first (gunicorn kills workers after 30 s by default): `upstream prematurely closed connection`. A load balancer in front with a shorter idle timeout (AWS ALB/CLB: 60 s) answers its own 504 and nginx logs nothing.',
        m.id === 'proxy' ? '- WebSocket, SSE and long-poll connections close after this much silence (60 s by default); a WebSocket closed so is logged at `info` level only (`…while proxying upgraded connection`).' : '',
        m.id === 'uwsgi' || m.id === 'scgi'
          ? `- ${m.id === 'uwsgi' ? 'uwsgi' : 'SCGI'} has no end-of-response marker: an answer without \`Content-Length\` on a connection left open waits this long on **every** request, and with buffering on the client gets a 200 with an unfinished body (nginx 1.22.1).`
          : '',
        m.id === 'grpc' ? '- Streaming RPCs silent this long are cut off: raise it where long-lived streams are served.' : '',
      ]
        .filter(Boolean)
        .join('\n') + grpcNote(m),
      statusCodes: ['504', '502', 'truncated-200'],
      logLines: [NGX_LOG.headerTimeout, NGX_LOG.bodyTimeout, NGX_LOG.premature, ...(m.id === 'proxy' ? [NGX_LOG.upgradedTimeout] : [])],
      defaultValue: '60s',
      versions: since(m),
      rules: [
        'read-timeout-too-low',
        'timeout-exceeds-outer-idle-timeout',
        'retry-budget-exceeds-outer-timeout',
        'connect-timeout-above-read-timeout',
        ...(m.id === 'proxy' || m.id === 'grpc' ? ['long-lived-location-default-timeout'] : []),
      ],
    }),
  },
  {
    suffix: 'send_timeout',
    applies: all,
    build: (m, d) => ({
      summary: `The longest nginx waits for one write of the request to the ${m.backend} to make progress (measured between two successive writes, not over the whole request).`,
      failure:
        'If the backend stops reading the request for longer than this, nginx gives up with **504** `…while sending request to upstream`.' +
        (m.buffering
          ? ` With \`${d('request_buffering')} off\` the body is forwarded while the client is still uploading, but a client that pauses does not count against this timer: nginx waits on \`client_body_timeout\` then (**408**; on nginx 1.22.1 a 2.5 s pause with this set to 1s still got 200). In both modes only a backend that stops reading trips it.`
          : '') +
        grpcNote(m),
      statusCodes: ['504'],
      logLines: [NGX_LOG.sendTimeout],
      defaultValue: '60s',
      versions: since(m),
      rules: ['read-timeout-too-low', 'timeout-exceeds-outer-idle-timeout'],
    }),
  },
  {
    suffix: 'next_upstream',
    applies: all,
    build: (m, d) => ({
      summary: `Which failures make nginx pass the request on to the next server of the group, and which of them count as a failed attempt for \`max_fails\`.`,
      failure: [
        'Default `error timeout`: a connect error, a timeout, or an error while sending the request or reading the header sends the request to the next server. When every try fails, the client receives the *last* result — 502 after errors, 504 after timeouts — and once all servers are marked failed, requests get 502 `no live upstreams` without any attempt.',
        // FastCGI, uwsgi and SCGI take no http_502/http_504: nginx 1.22.1 stops with `invalid value "http_502"` (invalid-argument-value).
        m.id === 'grpc'
          ? '- Answers such as 502/503/504 *from the backend* are relayed as they are, and listing `http_502`, `http_503`, `http_504` here changes nothing for gRPC: such an answer comes after the request was sent, and nginx then neither passes the request on nor counts the server failed (nginx 1.22.1: with `http_503` listed, a server answering 503 kept its turn).'
          : m.id === 'proxy'
          ? '- Answers such as 500/502/503/504 *from the backend* are relayed as they are and do not mark the server failed unless `http_500`, `http_502`, `http_503`, `http_504` are listed (`error`, `timeout` and `invalid_header` always count). A server that answers 503 during a deploy therefore stays in rotation.'
          : `- Answers such as 500 or 503 *from the backend* are relayed as they are and do not mark the server failed unless \`http_500\`, \`http_503\` are listed (\`error\`, \`timeout\` and \`invalid_header\` always count). A server that answers 503 during a deploy therefore stays in rotation. \`${d('next_upstream')}\` has no \`http_502\` or \`http_504\` (the 502 and 504 nginx answers itself after a failed connect or a timeout are retried with \`error\` and \`timeout\`): listing them stops nginx with \`invalid value "http_502"\`.`,
        '- `off` disables retries: even with spare servers, one bad server becomes a client-visible 502/504.',
        m.id === 'grpc'
          ? '- Once a request was sent, it is never passed to another server, whatever is listed: grpc_pass streams every request body (nginx 1.22.1: with `error timeout invalid_header non_idempotent`, a backend that closed the connection or reset the stream after the request gave 502 and the second server got nothing). Only failures before sending (a refused or timed-out connect) move on.'
          : `- Once a request was sent, POST, LOCK and PATCH are not retried unless \`non_idempotent\` is listed — and listing it risks running a write twice. With \`${d('request_buffering')} off\`, a request whose body was still arriving is not retried once sent, whatever is listed here (\`non_idempotent\`, \`http_502\`…), and an error answer to it does not count towards \`max_fails\` (nginx 1.22.1).`,
        '- Nothing is retried after part of the response reached the client.',
        `- Each retry can cost a full connect + read timeout; without \`${d('next_upstream_tries')}\` / \`${d('next_upstream_timeout')}\` the total can outlast a load balancer in front of nginx.`,
      ].join('\n') + grpcNote(m),
      statusCodes: ['502', '504'],
      logLines: [NGX_LOG.noLive],
      defaultValue: 'error timeout',
      versions:
        since(m) ??
        ('Since 1.9.13 non-idempotent requests are no longer retried by default; `http_429` since 1.11.13' + (m.id === 'proxy' ? '; `denied` (NGINX Plus) since 1.29.3.' : '.')),
      rules: ['failover-ignores-5xx', 'next-upstream-off-with-spare-servers', 'non-idempotent-retry', 'unbounded-retries', 'retry-budget-exceeds-outer-timeout', 'invalid-argument-value'],
    }),
  },
  {
    suffix: 'next_upstream_tries',
    applies: all,
    build: (m, d) => ({
      summary: 'The most servers one request may be tried on, the first attempt included; `0` means no limit.',
      failure:
        `With \`0\` (the default) a failing request may walk through every server of the group before the client gets the last 502/504. Worst case ≈ servers × (\`${d('connect_timeout')}\` + \`${d('read_timeout')}\`): three servers at the 60s defaults is six minutes, long after a load balancer in front (AWS ALB: 60 s idle timeout) answered with its own 504. ` +
        'A limit of 2–3 keeps failover and bounds the wait.',
      statusCodes: ['502', '504'],
      logLines: [],
      defaultValue: '0 (unlimited)',
      versions: since(m, 'Since 1.7.5.'),
      rules: ['unbounded-retries', 'retry-budget-exceeds-outer-timeout'],
    }),
  },
  {
    suffix: 'next_upstream_timeout',
    applies: all,
    build: (m) => ({
      summary: 'How long nginx keeps passing one request on to further servers; `0` means no limit.',
      failure:
        'With `0` (the default) retries go on until every allowed server was tried, each costing up to connect + read timeout. Once this much time has passed since the first attempt nginx stops trying further servers and returns the last 502/504; it does not cut short the attempt in progress. ' +
        'Set it below the timeout of whatever sits in front of nginx so that nginx, not the outer balancer, produces (and logs) the error.',
      statusCodes: ['502', '504'],
      logLines: [],
      defaultValue: '0 (unlimited)',
      versions: since(m, 'Since 1.7.5.'),
      rules: ['unbounded-retries', 'retry-budget-exceeds-outer-timeout'],
    }),
  },
  {
    suffix: 'ignore_client_abort',
    applies: buffered,
    build: (m, d) => ({
      summary: `Whether nginx keeps its connection to the ${m.backend} when the client closes its own before the response came (\`on\`), or closes it too (\`off\`).`,
      failure: [
        'Not a gateway error, but the other side of one:',
        '- With `off` (the default), a client that gives up — a user leaving the page, a load balancer or client library timing out first — makes nginx close the backend connection at once. The access log records **499** (nginx\'s own code for "client closed request", never sent to anyone) and the error log only an `info` line: `epoll_wait() reported that client prematurely closed connection, so upstream connection is closed too …`. The backend merely sees its connection close before it answered; whether its work stops depends on the application noticing that (the lab\'s stand-in did not, and answered into the closed connection).',
        '- With `on`, nginx waits for the whole answer and throws it away: the access log shows the backend\'s status (200 in the lab, nginx 1.22.1) instead of 499, so abandoned requests no longer stand out, and a slow backend keeps working for clients that are gone.',
        `- Many 499s usually mean the backend is slower than its clients are patient: the same slowness becomes a **504** once it passes \`${d('read_timeout')}\`.`,
      ].join('\n'),
      statusCodes: ['499'],
      logLines: [NGX_LOG.clientAborted],
      defaultValue: 'off',
    }),
  },
];
