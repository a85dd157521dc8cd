// WebSocket stand-ins for the idle-timeout tests of both servers: a backend that upgrades and then stays silent, and
// a client that opens a tunnel through the proxy and pings it (or not).
import { connect, createServer, type Socket } from 'node:net';
import { freePort } from '../harness/ports';

/** Answers any request with 101 and then reads (and drops) whatever comes, never sending. */
export async function silentUpgrader(): Promise<{ port: number; stop(): Promise<void> }> {
  const port = await freePort();
  const sockets = new Set<Socket>();
  const server = createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => {});
    let head = '';
    const onData = (d: Buffer) => {
      head += d.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      s.off('data', onData);
      s.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n');
      s.on('data', () => {});
    };
    s.on('data', onData);
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  return {
    port,
    stop: () => {
      for (const s of sockets) s.destroy();
      return new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** Opens a WebSocket; sends "ping" every `everyMs` (0: never); the status line and when it closed (undefined: open after holdMs). */
export function tunnel(port: number, path: string, everyMs: number, holdMs: number): Promise<{ status: string; closedAfterMs?: number }> {
  return new Promise((resolve) => {
    const start = Date.now();
    const c = connect(port, '127.0.0.1');
    let status = '';
    let timer: NodeJS.Timeout | undefined;
    const done = (closedAfterMs?: number) => {
      clearInterval(timer);
      c.destroy();
      resolve({ status, closedAfterMs });
    };
    const hold = setTimeout(() => done(undefined), holdMs);
    c.on('connect', () => c.write(`GET ${path} HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n`));
    c.on('data', (d) => {
      if (!status) status = d.toString('latin1').split('\r\n')[0];
      if (everyMs && !timer) timer = setInterval(() => c.write('ping'), everyMs);
    });
    c.on('error', () => {});
    c.on('close', () => {
      clearTimeout(hold);
      done(Date.now() - start);
    });
  });
}
