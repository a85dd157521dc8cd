import { createServer } from 'node:net';
import { freePort } from '../harness/ports';
import type { Standin } from './http';
import { listenLocal, tcpLifecycle } from './lifecycle';

/** A FastCGI request as the responder saw it. */
export interface FcgiRequest {
  connection: number;
  /** FCGI_KEEP_CONN was set in FCGI_BEGIN_REQUEST: the web server wants to reuse the connection. */
  keepConn: boolean;
  params: Record<string, string>;
}

export interface FcgiStandin extends Omit<Standin, 'requests'> {
  requests: FcgiRequest[];
}

const BEGIN = 1;
const END = 3;
const PARAMS = 4;
const STDIN = 5;
const STDOUT = 6;

function record(type: number, id: number, content: Buffer): Buffer {
  const pad = (8 - (content.length % 8)) % 8;
  const h = Buffer.alloc(8);
  h.writeUInt8(1, 0);
  h.writeUInt8(type, 1);
  h.writeUInt16BE(id, 2);
  h.writeUInt16BE(content.length, 4);
  h.writeUInt8(pad, 6);
  return Buffer.concat([h, content, Buffer.alloc(pad)]);
}

function parseParams(b: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  let i = 0;
  const len = () => {
    const first = b[i];
    if (first >> 7 === 0) return b[i++];
    const n = b.readUInt32BE(i) & 0x7fffffff;
    i += 4;
    return n;
  };
  while (i < b.length) {
    const nl = len();
    const vl = len();
    out[b.subarray(i, i + nl).toString()] = b.subarray(i + nl, i + nl + vl).toString();
    i += nl + vl;
  }
  return out;
}

/**
 * A minimal FastCGI responder (answers 200 after `delayMs`); it closes the connection unless FCGI_KEEP_CONN asked to
 * keep it. With `unixPath` it listens on that UNIX socket (made writable for httpd's worker user) instead of TCP.
 * With `pauseMs` it streams: the header and a first line, then the second line and the end after that pause.
 * With `closeOnReuseAfterIdleMs` it forces the reuse race: a request that comes on a kept connection idle for at least
 * that long is answered by a close (what a FastCGI server closing idle connections does, at the worst moment).
 */
export async function startFastcgiStandin(o: { delayMs?: number; deadlineMs?: number; maxRequests?: number; unixPath?: string; pauseMs?: number; closeOnReuseAfterIdleMs?: number } = {}): Promise<FcgiStandin> {
  const port = await freePort();
  const st: FcgiStandin = { port, address: `127.0.0.1:${port}`, connections: 0, requests: [], stop: async () => undefined };
  const server = createServer((s) => {
    if (!life.track(s)) return;
    const conn = ++st.connections;
    s.on('error', () => undefined);
    let buf = Buffer.alloc(0);
    const pending = new Map<number, { keepConn: boolean; params: Buffer }>();
    let served = 0;
    let lastActivity = Date.now();
    s.on('data', (d) => {
      if (o.closeOnReuseAfterIdleMs && served > 0 && buf.length === 0 && Date.now() - lastActivity >= o.closeOnReuseAfterIdleMs) return void s.destroy();
      buf = Buffer.concat([buf, d]);
      while (buf.length >= 8) {
        const type = buf[1];
        const id = buf.readUInt16BE(2);
        const clen = buf.readUInt16BE(4);
        const total = 8 + clen + buf[6];
        if (buf.length < total) return;
        const content = buf.subarray(8, 8 + clen);
        buf = buf.subarray(total);
        if (type === BEGIN) pending.set(id, { keepConn: (content[2] & 1) === 1, params: Buffer.alloc(0) });
        else if (type === PARAMS && pending.has(id)) pending.get(id)!.params = Buffer.concat([pending.get(id)!.params, content]);
        else if (type === STDIN && clen === 0 && pending.has(id)) {
          const p = pending.get(id)!;
          pending.delete(id);
          st.requests.push({ connection: conn, keepConn: p.keepConn, params: parseParams(p.params) });
          const answer = () => {
            if (s.destroyed) return;
            const body = 'Status: 200 OK\r\nContent-Type: text/plain\r\n\r\nfastcgi stand-in ok\n';
            const finish = (rest: Buffer[]) => {
              if (s.destroyed) return;
              s.write(Buffer.concat([...rest, record(STDOUT, id, Buffer.alloc(0)), record(END, id, Buffer.alloc(8))]));
              served++;
              lastActivity = Date.now();
              if (!p.keepConn) s.end();
            };
            if (o.pauseMs) {
              s.write(record(STDOUT, id, Buffer.from(body)));
              setTimeout(() => finish([record(STDOUT, id, Buffer.from('fastcgi stand-in second line\n'))]), o.pauseMs).unref();
            } else finish([record(STDOUT, id, Buffer.from(body))]);
            if (st.requests.length >= (o.maxRequests ?? 500)) void st.stop();
          };
          if (o.delayMs) setTimeout(answer, o.delayMs).unref();
          else answer();
        }
      }
    });
  });
  const life = tcpLifecycle(server, o.deadlineMs);
  st.address = await listenLocal(server, port, o.unixPath);
  st.stop = life.stop;
  return st;
}
