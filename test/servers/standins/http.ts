import { createServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, type SecureContextOptions } from 'node:tls';
import { freePort } from '../harness/ports';
import { listenLocal, tcpLifecycle } from './lifecycle';

/**
 * What an HTTP stand-in upstream does wrong (one thing each):
 * - ok: answers 200 (optionally after `delayMs`, with `status`/`statuses` per request, closing idle keep-alive connections after `idleCloseMs`)
 * - silent: accepts and never reads nor answers
 * - close: reads the request and closes without a response
 * - big-header: sends a `Set-Cookie` header of `headerKiB` KiB
 * - bad-header: sends a header line without a colon
 * - garbage: sends bytes that are no HTTP status line
 * - stall-body: sends the header and part of the body, then stalls
 * - reset-body: sends the header and part of the body, then resets the connection (a crash mid-response)
 * - websocket: answers 101 to a WebSocket upgrade (then echoes), 426 to anything else
 */
export type HttpBehaviour = 'ok' | 'silent' | 'close' | 'big-header' | 'bad-header' | 'bad-chunk' | 'garbage' | 'stall-body' | 'reset-body' | 'websocket';

export interface HttpStandinOptions {
  behaviour: HttpBehaviour;
  delayMs?: number;
  /** The delay for one request by its path, instead of delayMs (several workers of one backend, each slow its own way). */
  delayFor?: (path: string) => number | undefined;
  status?: number;
  /** Status per request, in order (the last one repeats). */
  statuses?: number[];
  headerKiB?: number;
  /** Close a keep-alive connection that stayed idle this long (like Node's keepAliveTimeout). */
  idleCloseMs?: number;
  /** The race, forced: a request that arrives on a connection idle for at least idleCloseMs is answered by a close. */
  closeOnReuseAfterIdle?: boolean;
  /** Stop by itself after this long (default 30 s) … */
  deadlineMs?: number;
  /** … or after this many requests (default 500). */
  maxRequests?: number;
  /** Like a backend with a fixed pool: at most this many requests are answered at a time, the rest wait in line. */
  workers?: number;
  /** Size of the 200 body in KiB (default: one short line). */
  bodyKiB?: number;
  /** Listen on this port (default: a free one). */
  port?: number;
  /** Listen on this UNIX socket path (made writable for the proxy's worker user) instead of a TCP port. */
  unixPath?: string;
  /** Serve TLS with these options (see tls.ts). */
  tls?: SecureContextOptions & { requestCert?: boolean; rejectUnauthorized?: boolean; SNICallback?: (name: string, cb: (err: Error | null, ctx?: any) => void) => void };
}

export interface SeenRequest {
  method: string;
  path: string;
  version: string;
  headers: Record<string, string>;
  bodyBytes: number;
  connection: number;
  /** The TLS server name the client sent (SNI), if any. */
  servername?: string;
}

export interface Standin {
  port: number;
  address: string;
  connections: number;
  requests: SeenRequest[];
  stop(): Promise<void>;
  /** Back to the state a scenario phase starts from (see refusedPort). */
  reset?(): Promise<void>;
}

interface ParsedHead {
  method: string;
  path: string;
  version: string;
  headers: Record<string, string>;
  headerEnd: number;
}

function parseHead(buf: Buffer): ParsedHead | undefined {
  const end = buf.indexOf('\r\n\r\n');
  if (end < 0) return undefined;
  const lines = buf.subarray(0, end).toString('latin1').split('\r\n');
  const [method, path, version] = lines[0].split(' ');
  const headers: Record<string, string> = {};
  for (const l of lines.slice(1)) {
    const i = l.indexOf(':');
    if (i > 0) headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
  }
  return { method, path, version, headers, headerEnd: end + 4 };
}

/** How many bytes of `buf` (after the head) make up the request body; undefined while it is incomplete. */
function bodyLength(head: ParsedHead, rest: Buffer): number | undefined {
  if (/chunked/i.test(head.headers['transfer-encoding'] ?? '')) {
    const i = rest.indexOf('\r\n0\r\n\r\n');
    if (rest.subarray(0, 5).toString() === '0\r\n\r\n') return 5;
    return i < 0 ? undefined : i + 7;
  }
  const n = Number(head.headers['content-length'] ?? 0);
  return rest.length >= n ? n : undefined;
}

/** Starts an HTTP (or HTTPS) stand-in upstream on 127.0.0.1; it stops by itself after its deadline or request budget. */
export async function startHttpStandin(o: HttpStandinOptions): Promise<Standin> {
  const port = o.port ?? (await freePort());
  const st: Standin = { port, address: `127.0.0.1:${port}`, connections: 0, requests: [], stop: async () => undefined };
  const maxRequests = o.maxRequests ?? 500;
  let busy = 0;
  const waiting: (() => void)[] = [];
  const done = () => {
    busy--;
    waiting.shift()?.();
  };

  const respond = (s: Socket, req: SeenRequest, keepAlive: boolean) => {
    const index = st.requests.length - 1;
    const status = o.statuses ? o.statuses[Math.min(index, o.statuses.length - 1)] : o.status ?? 200;
    const line = `stand-in ${o.behaviour} ${status} ${req.method} ${req.path}\n`;
    const body = o.bodyKiB ? line + 'x'.repeat(o.bodyKiB * 1024 - line.length) : line;
    const conn = keepAlive ? 'keep-alive' : 'close';
    const send = () => {
      if (s.destroyed) return void release();
      switch (o.behaviour) {
        case 'close':
          s.destroy();
          return;
        case 'garbage':
          s.end('SSH-2.0-OpenSSH_9.2 this is not HTTP\r\n');
          return;
        case 'bad-header':
          s.end(`HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nThis line has no colon\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`);
          return;
        case 'bad-chunk':
          // A valid header that announces chunks, then a chunk size that is not hexadecimal.
          s.end('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\nzz\r\nabc\r\n');
          return;
        case 'big-header': {
          const cookie = 'a'.repeat((o.headerKiB ?? 12) * 1024);
          s.write(`HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nSet-Cookie: big=${cookie}\r\nContent-Length: ${body.length}\r\nConnection: ${conn}\r\n\r\n${body}`);
          if (!keepAlive) s.end();
          return;
        }
        case 'stall-body':
          s.write(`HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 1000\r\nConnection: close\r\n\r\n` + 'x'.repeat(100));
          return; // and never the other 900 bytes
        case 'reset-body':
          // 5,000 of the 100,000 bytes announced, then an RST (not a FIN) a moment later, once nginx has read them:
          // nginx's next read of the body fails with (104: Connection reset by peer).
          s.write(`HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 100000\r\nConnection: close\r\n\r\n` + 'x'.repeat(5000));
          setTimeout(() => s.resetAndDestroy(), 300).unref();
          return;
        case 'websocket':
          if (/websocket/i.test(req.headers['upgrade'] ?? '') && /upgrade/i.test(req.headers['connection'] ?? '')) {
            s.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: stand-in\r\n\r\n');
            (s as Socket & { upgraded?: boolean }).upgraded = true;
          } else s.end(`HTTP/1.1 426 Upgrade Required\r\nContent-Type: text/plain\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`);
          return;
        default:
          // The worker is busy until the whole response has left (a slow reader keeps it busy).
          s.write(`HTTP/1.1 ${status} ${status === 200 ? 'OK' : 'Stand-in'}\r\nContent-Type: text/plain\r\nContent-Length: ${body.length}\r\nConnection: ${conn}\r\n\r\n${body}`, () => o.workers && release());
          if (!keepAlive) s.end();
          return;
      }
      if (o.workers) release();
    };
    // A worker is freed once, when its answer has left or its connection is gone.
    let held = false;
    const release = () => {
      if (!held) return;
      held = false;
      done();
    };
    s.once('close', release);
    const go = () => {
      const delay = o.delayFor?.(req.path) ?? o.delayMs;
      if (delay) setTimeout(send, delay).unref();
      else send();
    };
    if (!o.workers) return go();
    const run = () => {
      busy++;
      held = true;
      go();
    };
    if (busy < o.workers) run();
    else waiting.push(run);
  };

  const onConnection = (s: Socket, servername?: string) => {
    if (!life.track(s)) return;
    const id = ++st.connections;
    s.on('error', () => undefined);
    if (o.behaviour === 'silent') return; // paused on connect: never reads, never answers
    let buf = Buffer.alloc(0);
    let lastActivity = Date.now();
    let idleTimer: NodeJS.Timeout | undefined;
    const armIdle = () => {
      if (!o.idleCloseMs || o.closeOnReuseAfterIdle) return;
      clearTimeout(idleTimer);
      idleTimer = setTimeout(() => s.end(), o.idleCloseMs).unref();
    };
    armIdle();
    s.on('data', (d) => {
      if ((s as Socket & { upgraded?: boolean }).upgraded) return void s.write(d); // echo through the tunnel
      const idleFor = Date.now() - lastActivity;
      buf = Buffer.concat([buf, d]);
      // Like any HTTP server (Node's, nginx, Python's), answer bytes that are no request line with a plain 400:
      // a TLS ClientHello sent to this plain port then fails the client's handshake ("wrong version number").
      if (buf.length >= 4 && !/^[A-Z]{3,10} /.test(buf.subarray(0, 11).toString('latin1')) && !/^[A-Z]{1,10}$/.test(buf.subarray(0, 11).toString('latin1'))) {
        s.end('HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nContent-Length: 12\r\nConnection: close\r\n\r\nBad Request\n');
        return;
      }
      for (;;) {
        const head = parseHead(buf);
        if (!head) return;
        const len = bodyLength(head, buf.subarray(head.headerEnd));
        if (len === undefined) return;
        buf = buf.subarray(head.headerEnd + len);
        const req: SeenRequest = { method: head.method, path: head.path, version: head.version, headers: head.headers, bodyBytes: len, connection: id, servername };
        st.requests.push(req);
        clearTimeout(idleTimer);
        const reused = st.requests.filter((r) => r.connection === id).length > 1;
        if (o.closeOnReuseAfterIdle && o.idleCloseMs && reused && idleFor >= o.idleCloseMs) return void s.destroy();
        const keepAlive = head.version === 'HTTP/1.1' ? !/close/i.test(head.headers['connection'] ?? '') : /keep-alive/i.test(head.headers['connection'] ?? '');
        respond(s, req, keepAlive);
        lastActivity = Date.now();
        armIdle();
        if (st.requests.length >= maxRequests) void st.stop();
      }
    });
  };

  let server: Server;
  if (o.tls) {
    const tlsServer = createTlsServer({ ...o.tls }, (s) => onConnection(s as unknown as Socket, (s as unknown as { servername?: string }).servername || undefined));
    tlsServer.on('tlsClientError', () => undefined);
    server = tlsServer as unknown as Server;
  } else {
    server = createServer({ pauseOnConnect: o.behaviour === 'silent' }, (s) => onConnection(s));
  }
  const life = tcpLifecycle(server, o.deadlineMs);
  st.address = await listenLocal(server, port, o.unixPath);
  st.stop = life.stop;
  return st;
}

/**
 * A port nothing listens on (connections are refused). `revive()` starts a working backend (200) on it, as when a
 * crashed backend comes back; `reset()`, at the start of each scenario phase, makes it refuse again.
 */
export async function refusedPort(): Promise<Standin & { revive(): Promise<void> }> {
  const port = await freePort();
  let live: Standin | undefined;
  const st = {
    port,
    address: `127.0.0.1:${port}`,
    connections: 0,
    requests: [] as SeenRequest[],
    async revive() {
      live = await startHttpStandin({ behaviour: 'ok', port });
      st.requests = live.requests;
    },
    async reset() {
      await live?.stop();
      live = undefined;
      st.requests = [];
    },
    stop: async () => st.reset(),
  };
  return st;
}
