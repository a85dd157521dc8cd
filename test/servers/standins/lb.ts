import { connect, createServer, type Socket } from 'node:net';
import { freePort } from '../harness/ports';
import type { Standin } from './http';

export interface LbStandin extends Standin {
  /** The port it forwards to (set once the proxy under test is up). */
  target?: number;
}

/**
 * A stand-in for a load balancer in front of the proxy (an AWS ALB, say): it forwards each connection to `target`
 * and, when nothing comes back for `idleMs`, answers the client with its own 504 and drops both sides.
 * It stops by itself after `deadlineMs`.
 */
export async function startLbStandin(o: { idleMs: number; deadlineMs?: number }): Promise<LbStandin> {
  const port = await freePort();
  const sockets = new Set<Socket>();
  const st: LbStandin = { port, address: `127.0.0.1:${port}`, connections: 0, requests: [], stop: async () => undefined };
  const server = createServer((client) => {
    st.connections++;
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => undefined);
    const up = connect({ port: st.target ?? 0, host: '127.0.0.1' });
    sockets.add(up);
    up.on('close', () => sockets.delete(up));
    up.on('error', () => client.destroy());
    let answered = false;
    let timer = setTimeout(idle, o.idleMs);
    function idle() {
      if (!answered) client.end('HTTP/1.1 504 Gateway Timeout\r\nContent-Type: text/plain\r\nContent-Length: 35\r\nConnection: close\r\n\r\nouter load balancer: idle timeout\r\n');
      else client.destroy();
      up.destroy();
    }
    client.on('data', (d) => {
      up.write(d);
      clearTimeout(timer);
      timer = setTimeout(idle, o.idleMs);
    });
    up.on('data', (d) => {
      answered = true;
      client.write(d);
      clearTimeout(timer);
      timer = setTimeout(idle, o.idleMs);
    });
    up.on('end', () => {
      clearTimeout(timer);
      client.end();
    });
  });
  await new Promise<void>((r) => server.listen({ port, host: '127.0.0.1' }, () => r()));
  let stopped = false;
  const deadline = setTimeout(() => void st.stop(), o.deadlineMs ?? 30_000);
  deadline.unref();
  st.stop = async () => {
    if (stopped) return;
    stopped = true;
    clearTimeout(deadline);
    for (const s of sockets) s.destroy();
    await new Promise<void>((r) => server.close(() => r()));
  };
  return st;
}
