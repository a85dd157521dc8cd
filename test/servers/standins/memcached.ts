import { createServer } from 'node:net';
import { freePort } from '../harness/ports';
import type { Standin } from './http';
import { listenLocal, tcpLifecycle } from './lifecycle';

export interface MemcachedStandin extends Omit<Standin, 'requests'> {
  /** The keys asked for with `get`, in order. */
  requests: string[];
}

export interface MemcachedOptions {
  /** What the cache holds: key → value (and the client flags stored with it, 0 unless given). */
  values?: Record<string, string | { value: string | Buffer; flags: number }>;
  /** Wait this long before each answer (a slow or overloaded memcached). */
  delayMs?: number;
  /** Read the command and never answer. */
  silent?: boolean;
  /** Read the command and close the connection without answering (a memcached that crashes or is killed). */
  close?: boolean;
  /** Announce the whole value but send only half of it, then go quiet. */
  stallHalfway?: boolean;
  deadlineMs?: number;
}

/**
 * Enough of memcached's text protocol for nginx's memcached module, which sends only `get <key>\r\n`: a stored key is
 * answered `VALUE <key> <flags> <bytes>\r\n<data>\r\nEND\r\n`, a missing one `END\r\n`. Like memcached, a key longer
 * than 250 bytes gets `CLIENT_ERROR bad command line format` (the protocol's key limit).
 */
export async function startMemcachedStandin(o: MemcachedOptions = {}): Promise<MemcachedStandin> {
  const port = await freePort();
  const st: MemcachedStandin = { port, address: `127.0.0.1:${port}`, connections: 0, requests: [], stop: async () => undefined };
  const server = createServer((s) => {
    if (!life.track(s)) return;
    st.connections++;
    s.on('error', () => undefined);
    let buf = '';
    s.on('data', (d) => {
      buf += d.toString('latin1');
      for (let end = buf.indexOf('\r\n'); end >= 0; end = buf.indexOf('\r\n')) {
        const line = buf.slice(0, end);
        buf = buf.slice(end + 2);
        const key = /^get (\S+)$/.exec(line)?.[1];
        if (key !== undefined) st.requests.push(key);
        if (o.silent) continue;
        const answer = () => {
          if (s.destroyed) return;
          if (o.close) return void s.destroy();
          if (key === undefined) return void s.write('ERROR\r\n');
          if (key.length > 250) return void s.write('CLIENT_ERROR bad command line format\r\n');
          const stored = o.values?.[key];
          if (stored === undefined) return void s.write('END\r\n');
          const { value, flags } = typeof stored === 'string' ? { value: stored, flags: 0 } : stored;
          const data = Buffer.isBuffer(value) ? value : Buffer.from(value);
          if (o.stallHalfway) return void s.write(Buffer.concat([Buffer.from(`VALUE ${key} ${flags} ${data.length}\r\n`), data.subarray(0, data.length >> 1)]));
          s.write(Buffer.concat([Buffer.from(`VALUE ${key} ${flags} ${data.length}\r\n`), data, Buffer.from('\r\nEND\r\n')]));
        };
        if (o.delayMs) setTimeout(answer, o.delayMs).unref();
        else answer();
      }
    });
  });
  const life = tcpLifecycle(server, o.deadlineMs);
  st.address = await listenLocal(server, port);
  st.stop = life.stop;
  return st;
}
