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
    let timer: NodeJS.Timeout | undefined;
    let armed = 0;
    // The idle timer runs in this (test) process, which may be busy when it is due: by then the proxy's answer can
    // already be waiting on the socket. Timers run before the event loop reads sockets, so the decision waits for
    // setImmediate, after that read: a real balancer, never stalled, would have seen the answer first. Activity in
    // between re-arms the timer, and the stale expiry is dropped.
    const arm = () => {
      clearTimeout(timer);
      const mine = ++armed;
      timer = setTimeout(() => setImmediate(() => mine === armed && idle()), o.idleMs);
    };
    function idle() {
      if (!answered) client.end('HTTP/1.1 504 Gateway Timeout\r\nContent-Type: text/plain\r\nContent-Length: 35\r\nConnection: close\r\n\r\nouter load balancer: idle timeout\r\n');
      else client.destroy();
      up.destroy();
    }
    arm();
    client.on('data', (d) => {
      up.write(d);
      arm();
    });
    up.on('data', (d) => {
      answered = true;
      client.write(d);
      arm();
    });
    up.on('end', () => {
      clearTimeout(timer);
      armed++;
      client.end();
    });
  });
  const life = tcpLifecycle(server, o.deadlineMs);
  await new Promise<void>((r) => server.listen({ port, host: '127.0.0.1' }, () => r()));
  st.stop = life.stop;
  return st;
}
