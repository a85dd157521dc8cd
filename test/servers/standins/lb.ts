import { connect, createServer } from 'node:net';
import { freePort } from '../harness/ports';
import type { Standin } from './http';
import { tcpLifecycle } from './lifecycle';

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
  const st: LbStandin = { port, address: `127.0.0.1:${port}`, connections: 0, requests: [], stop: async () => undefined };
  const server = createServer((client) => {
    if (!life.track(client)) return;
    st.connections++;
    client.on('error', () => undefined);
    const up = connect({ port: st.target ?? 0, host: '127.0.0.1' });
    life.track(up);
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
  const life = tcpLifecycle(server, o.deadlineMs);
  await new Promise<void>((r) => server.listen({ port, host: '127.0.0.1' }, () => r()));
  st.stop = life.stop;
  return st;
}
