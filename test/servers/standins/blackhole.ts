import { connect, type Socket } from 'node:net';
import { freePort, isListening } from '../harness/ports';
import { startProcess, waitFor } from '../harness/proc';
import type { Standin } from './http';

/**
 * A port whose TCP handshake never completes: a child process listens with a backlog of 1 and then blocks, so it
 * never accepts; two connections of ours fill the accept queue and the kernel drops every later SYN. A proxy's
 * connect to it runs into its connect timeout. (Node treats `backlog: 0` as "default", hence 1.) The child ends
 * itself after `deadlineMs`.
 */
export async function startBlackhole(deadlineMs = 20_000): Promise<Standin> {
  const port = await freePort();
  const code = `
    const s = require('net').createServer(() => {});
    s.listen({ port: ${port}, host: '127.0.0.1', backlog: 1 }, () => {
      process.stdout.write('ready\\n');
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ${deadlineMs});
      process.exit(0);
    });`;
  const proc = startProcess(process.execPath, ['-e', code]);
  if (!(await waitFor(() => proc.output().includes('ready') || proc.exited(), 5000)) || proc.exited()) throw new Error('blackhole did not start: ' + proc.output());
  const fillers: Socket[] = [];
  for (let i = 0; i < 2; i++) {
    const s = connect({ port, host: '127.0.0.1' });
    s.on('error', () => undefined);
    fillers.push(s);
  }
  await waitFor(async () => !(await isListening(port, 200)), 3000);
  return {
    port,
    address: `127.0.0.1:${port}`,
    connections: 0,
    requests: [],
    async stop() {
      for (const s of fillers) s.destroy();
      await proc.stop(1000);
    },
  };
}
