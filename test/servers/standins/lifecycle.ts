import { chmodSync } from 'node:fs';
import type { Server, Socket } from 'node:net';

/**
 * How every TCP stand-in ends: `stop()` closes the listener and destroys the connections still open, once; and the
 * stand-in stops by itself at its deadline, so a test that fails half-way never leaves a port taken or a process
 * waiting. Create it right after the server (connections only arrive once the server listens).
 */
export function tcpLifecycle(server: Server, deadlineMs = 30_000) {
  const sockets = new Set<Socket>();
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    clearTimeout(deadline);
    for (const s of sockets) s.destroy();
    await new Promise<void>((r) => server.close(() => r()));
  };
  const deadline = setTimeout(() => void stop(), deadlineMs);
  deadline.unref();
  return {
    /** Tracks a connection until it closes; false (the connection is dropped) once the stand-in is stopping. */
    track(s: Socket): boolean {
      if (stopped) {
        s.destroy();
        return false;
      }
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      return true;
    },
    stop,
  };
}

/**
 * Listens on 127.0.0.1:`port`, or on the UNIX socket `unixPath` (made writable for the server's worker user), and
 * gives the address as nginx and httpd write it.
 */
export async function listenLocal(server: Server, port: number, unixPath?: string): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    if (unixPath) server.listen(unixPath, () => resolve());
    else server.listen({ port, host: '127.0.0.1' }, () => resolve());
  });
  if (!unixPath) return `127.0.0.1:${port}`;
  chmodSync(unixPath, 0o777);
  return `unix:${unixPath}`;
}
