import type { DirectiveDoc } from './directive-doc';
import { NGX_LOG } from './log-lines';
import { moduleUrl } from './nginx-modules-info';

/** Directives that exist in only one upstream module and so have no family template. */
export const NGINX_MODULE_EXTRA_DOCS: Record<string, DirectiveDoc> = {
  proxy_http_version: {
    name: 'proxy_http_version',
    server: 'nginx',
    summary: 'The HTTP version nginx speaks to the backend: `1.0`, `1.1`, or `2`.',
    failure:
      'With `1.0` — the default before 1.29.7 — nginx closes the backend connection after every request, so `keepalive` in the upstream block does nothing. ' +
      'Under load the constant reconnects leave sockets in TIME_WAIT until no local port is free and `connect()` fails → **502**. WebSocket proxying needs 1.1 as well. ' +
      'On nginx 1.29.7 and later the default is 1.1; writing `proxy_http_version 1.0` there turns connection reuse off again.',
    statusCodes: ['502', 'startup-failure'],
    logLines: [NGX_LOG.portsExhausted, NGX_LOG.httpVersionTwo],
    defaultValue: '`1.1` since 1.29.7; `1.0` before',
    versions: '1.29.7 made 1.1 the default (and turned upstream keepalive on by default). `2` is accepted since 1.29.4; older versions refuse to start with it.',
    url: moduleUrl('proxy', 'proxy_http_version'),
    rules: ['upstream-keepalive-ineffective', 'websocket-headers-missing'],
  },
  proxy_set_header: {
    name: 'proxy_set_header',
    server: 'nginx',
    summary: 'Sets, overrides or (with an empty value) removes a request header sent to the backend.',
    failure: [
      '- **Inheritance**: a single `proxy_set_header` in a location discards *all* of them inherited from `server`/`http`. Headers such as `Host $host` or `X-Forwarded-Proto` silently disappear and the backend receives `Host: <upstream group name>` — it may pick the wrong virtual host (404/421, or a 502 of its own).',
      '- **Keep-alive**: before 1.29.7 nginx sends `Connection: close` unless you add `proxy_set_header Connection "";`, so upstream keep-alive never happens; under load that ends in port exhaustion and **502**.',
      '- **WebSocket**: `Upgrade` and `Connection` are hop-by-hop and not forwarded by themselves. Without `proxy_set_header Upgrade $http_upgrade;` and a `Connection` value carrying `upgrade` the handshake fails (the backend answers 400/426). A literal `Connection "upgrade"` goes out with *every* request, ordinary ones included: the header is never cleared as the keep-alive docs ask, and whether the backend still keeps the connection is up to the backend (a Node.js backend reused it in a lab run on nginx 1.22.1). A `map` on `$http_upgrade` sends it only with real upgrade requests; map `\'\'` to `""` rather than to `close` as nginx\'s WebSocket page does, since `close` ends upstream keep-alive for every ordinary request.',
      '- **Several lines for one header** (e.g. from two included snippets): nginx sends every line whose value is not empty, so `Connection ""` next to `Connection $connection_upgrade` sends only the latter.',
    ].join('\n'),
    statusCodes: ['502'],
    logLines: [],
    defaultValue: '`Host $proxy_host` (plus `Connection close` before 1.29.7)',
    versions: 'Since 1.29.7 `Connection: close` is no longer sent by default, although the directive\'s doc page still lists it as a default.',
    url: moduleUrl('proxy', 'proxy_set_header'),
    rules: ['upstream-keepalive-ineffective', 'websocket-headers-missing', 'connection-upgrade-on-every-request'],
  },
  fastcgi_keep_conn: {
    name: 'fastcgi_keep_conn',
    server: 'nginx',
    summary: 'Asks the FastCGI server to keep the connection open after a response, which upstream keep-alive to FastCGI requires.',
    failure:
      'Off by default: nginx tells the FastCGI server (PHP-FPM) to close the connection after each response, so `keepalive` in the upstream block has no effect and every request opens a new connection. ' +
      'That is silent at low traffic; under heavy load the reconnect churn can exhaust local ports and end in `connect()` errors → **502**. ' +
      'Turned **on**, each idle kept connection holds one PHP-FPM child, and every worker process keeps up to `keepalive` of them: when `pm.max_children` is not above `keepalive` × `worker_processes`, requests wait for a child until `fastcgi_read_timeout` → **504**.',
    statusCodes: ['502', '504'],
    logLines: [NGX_LOG.portsExhausted, NGX_LOG.headerTimeout],
    defaultValue: 'off',
    url: moduleUrl('fastcgi', 'fastcgi_keep_conn'),
    rules: ['fastcgi-keepalive-without-keep-conn'],
  },
  fastcgi_catch_stderr: {
    name: 'fastcgi_catch_stderr',
    server: 'nginx',
    summary: 'A string nginx looks for in what the FastCGI server writes to its error stream (FCGI_STDERR); when found, the response counts as invalid. May be given several times.',
    failure: [
      'Whatever the application writes to stderr is logged at `error` level in any case (`FastCGI sent in stderr: "…"`); this directive only decides whether a match fails the response:',
      '- a match *before the response header* throws the response away: **502** for the client (nginx 1.22.1 with `fastcgi_catch_stderr "PHP Fatal error";`), and no line other than the stderr one says why;',
      '- it is a failed attempt, like an invalid header: in an upstream group the server is taken out for `fail_timeout` (`upstream server temporarily disabled`, with the default `max_fails=1`), but the request goes on to the next server only when `fastcgi_next_upstream` lists `invalid_header`, as in the nginx docs\' example — so one fatal error can move the next requests to a backup server;',
      '- a match *after the header* changes nothing: the client gets what the application sent (200 in the lab), and the stderr line ends in `while reading upstream`.',
    ].join('\n'),
    statusCodes: ['502'],
    logLines: [NGX_LOG.fcgiStderrHeader, NGX_LOG.serverDisabledHeader, NGX_LOG.fcgiStderrBody],
    url: moduleUrl('fastcgi', 'fastcgi_catch_stderr'),
  },
  grpc_set_header: {
    name: 'grpc_set_header',
    server: 'nginx',
    summary: 'Sets, overrides or (with an empty value) removes a request header sent to the gRPC server.',
    failure:
      'Same inheritance trap as `proxy_set_header`: one `grpc_set_header` in a location drops every one inherited from `server`/`http`, so metadata the gRPC server relies on (authorization, routing headers) silently disappears and calls fail with the server\'s own error rather than a gateway error.',
    statusCodes: ['none'],
    logLines: [],
    defaultValue: 'Content-Length $content_length',
    url: moduleUrl('grpc', 'grpc_set_header'),
  },
};
