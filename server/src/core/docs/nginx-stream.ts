import type { DirectiveDoc } from './directive-doc';
import { NGX_LOG } from './log-lines';

type Body = Omit<DirectiveDoc, 'name' | 'server' | 'url' | 'variant'>;

/** Stream (TCP/UDP) proxying: no HTTP status exists, a failure closes the client connection. */
function stream(name: string, body: Body): DirectiveDoc {
  return { name, server: 'nginx', ...body, variant: 'stream', url: `https://nginx.org/en/docs/stream/ngx_stream_proxy_module.html#${name}` };
}

const NO_STATUS = 'Stream proxying has no HTTP status: ';

const DOCS: DirectiveDoc[] = [
  stream('proxy_pass', {
    summary: 'Relays the TCP/UDP connection of this stream `server` to an address (`host:port`, `unix:/path`) or an `upstream` group.',
    failure:
      NO_STATUS +
      'when the backend refuses or does not answer the connect, nginx tries the next server (`proxy_next_upstream on`) and otherwise closes the client connection — clients see a reset or an immediate EOF, not a 502/504. ' +
      'The stream access log\'s `$status` says 502 for both (nginx 1.22.1), and 500 when a variable target finds no `resolver`. ' +
      'A hostname is resolved when the configuration loads (an unresolvable one stops the start); with variables a `resolver` is needed.',
    statusCodes: ['connection-closed', 'startup-failure'],
    logLines: [NGX_LOG.refused, NGX_LOG.connectTimeout],
  }),
  stream('proxy_connect_timeout', {
    summary: 'How long nginx may take to connect to one stream backend.',
    failure:
      NO_STATUS +
      'when the connect times out, nginx moves on to the next server (up to `proxy_next_upstream_tries`/`_timeout`) or closes the client connection. The kernel also gives up on an unanswered handshake by itself (about 130 s with Linux defaults, 75 s on BSD and macOS; nginx then logs `connect() failed (110: Connection timed out)`), so values above 75s only delay failover.',
    statusCodes: ['connection-closed'],
    logLines: [NGX_LOG.connectTimeout, NGX_LOG.kernelConnectTimeout],
    defaultValue: '60s',
    rules: ['connect-timeout-above-os-limit'],
  }),
  stream('proxy_timeout', {
    summary: 'Idle timeout of a proxied stream session: the longest time without data in either direction (client or backend) before nginx closes both connections.',
    failure:
      NO_STATUS +
      'idle long-lived connections (database pools, MQTT, message brokers) are closed after this much silence, and the client sees its connection dropped. Make it longer than the longest silence the protocol allows (its heartbeat or keep-alive interval). ' +
      'nginx logs the close at level `info` only (the stream access log says `$status` 200): with `error_log` at its default level `error` nothing is logged.',
    statusCodes: ['connection-closed'],
    logLines: [NGX_LOG.streamIdle],
    defaultValue: '10m',
  }),
  stream('proxy_next_upstream', {
    summary: 'Whether a client connection is passed to the next server when connecting to the current one fails.',
    failure:
      NO_STATUS +
      'only failures to *connect* are retried (`on` by default); once data flows, a backend failure simply closes the client connection. With `off`, one unreachable server in the group means dropped connections even when others are healthy.',
    statusCodes: ['connection-closed'],
    logLines: [],
    defaultValue: 'on',
  }),
  stream('proxy_next_upstream_tries', {
    summary: 'The most servers one connection may be tried on; `0` means no limit.',
    failure: NO_STATUS + 'with the default `0` a connection may wait through a connect timeout on every server of the group before it is closed.',
    statusCodes: ['connection-closed'],
    logLines: [],
    defaultValue: '0 (unlimited)',
  }),
  stream('proxy_next_upstream_timeout', {
    summary: 'How long nginx keeps trying further servers for one connection; `0` means no limit.',
    failure: NO_STATUS + 'with the default `0`, retries are bounded only by the number of servers and the connect timeout.',
    statusCodes: ['connection-closed'],
    logLines: [],
    defaultValue: '0 (unlimited)',
  }),
  stream('proxy_responses', {
    summary: 'For UDP: how many datagrams nginx expects back for each client datagram before the session ends.',
    failure:
      NO_STATUS +
      'if the backend sends fewer datagrams than expected (or the value is left unlimited), the session stays open until `proxy_timeout`; for request/response protocols such as DNS set `proxy_responses 1`. `0` means no reply is expected.',
    statusCodes: ['connection-closed'],
    logLines: [],
    defaultValue: 'unlimited',
  }),
];

export const NGINX_STREAM_DOCS: Record<string, DirectiveDoc> = Object.fromEntries(DOCS.map((d) => [d.name, d]));
