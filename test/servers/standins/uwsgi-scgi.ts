import { createServer } from 'node:net';
import { freePort } from '../harness/ports';
import type { Standin } from './http';
import { tcpLifecycle } from './lifecycle';

/** A uwsgi or SCGI request as the application saw it. */
export interface CgiLikeRequest {
  connection: number;
  vars: Record<string, string>;
  bodyBytes: number;
}

export interface CgiLikeStandin extends Omit<Standin, 'requests'> {
  requests: CgiLikeRequest[];
  /** Connections the proxy closed (a read of 0 bytes from its side). */
  closedByPeer: number;
  /** For each connection the proxy closed: how long after the stand-in's last answer on it (ms). */
  closeDelaysMs: number[];
}

export interface CgiLikeOptions {
  protocol: 'uwsgi' | 'scgi';
  /**
   * After answering, close the connection (what uWSGI and SCGI servers do) or leave it open (what a pooled backend
   * would need). Neither protocol frames the response, so the proxy learns that it is over only from the close.
   */
  closeAfterResponse: boolean;
  /** Send a Content-Length header with the response (WSGI applications often do). */
  contentLength?: boolean;
  deadlineMs?: number;
  maxRequests?: number;
}

/**
 * uwsgi request: a 4-byte header (modifier1, data size as 16-bit little endian, modifier2), then that many bytes of
 * variables, each key and value preceded by its 16-bit little-endian length; then CONTENT_LENGTH bytes of body.
 * Returns the variables and how many bytes the whole request took, or undefined while it is incomplete.
 */
function parseUwsgi(buf: Buffer): { vars: Record<string, string>; size: number } | undefined {
  if (buf.length < 4) return undefined;
  const dataSize = buf.readUInt16LE(1);
  if (buf.length < 4 + dataSize) return undefined;
  const vars: Record<string, string> = {};
  let i = 4;
  while (i + 2 <= 4 + dataSize) {
    const kl = buf.readUInt16LE(i);
    const key = buf.subarray(i + 2, i + 2 + kl).toString('latin1');
    i += 2 + kl;
    const vl = buf.readUInt16LE(i);
    vars[key] = buf.subarray(i + 2, i + 2 + vl).toString('latin1');
    i += 2 + vl;
  }
  const size = 4 + dataSize + Number(vars.CONTENT_LENGTH || 0);
  return buf.length < size ? undefined : { vars, size };
}

/** SCGI request: a netstring ("<len>:" NUL-separated names and values ",") of headers, then CONTENT_LENGTH bytes of body. */
function parseScgi(buf: Buffer): { vars: Record<string, string>; size: number } | undefined {
  const colon = buf.indexOf(':');
  if (colon < 0) return undefined;
  const len = Number(buf.subarray(0, colon).toString('latin1'));
  const end = colon + 1 + len;
  if (buf.length < end + 1) return undefined;
  const parts = buf.subarray(colon + 1, end).toString('latin1').split('\0');
  const vars: Record<string, string> = {};
  for (let k = 0; k + 1 < parts.length; k += 2) vars[parts[k]] = parts[k + 1];
  const size = end + 1 + Number(vars.CONTENT_LENGTH || 0);
  return buf.length < size ? undefined : { vars, size };
}

/**
 * A uwsgi or SCGI application server on 127.0.0.1 that answers every request with 200 and a short body. uwsgi answers
 * with an HTTP status line (as uWSGI does), SCGI with a CGI "Status:" header (as the SCGI specification does).
 */
export async function startCgiLikeStandin(o: CgiLikeOptions): Promise<CgiLikeStandin> {
  const port = await freePort();
  const st: CgiLikeStandin = { port, address: `127.0.0.1:${port}`, connections: 0, closedByPeer: 0, closeDelaysMs: [], requests: [], stop: async () => undefined };
  const server = createServer((s) => {
    if (!life.track(s)) return;
    const conn = ++st.connections;
    s.on('error', () => undefined);
    let answeredAt: number | undefined;
    s.on('end', () => {
      st.closedByPeer++;
      if (answeredAt !== undefined) st.closeDelaysMs.push(Date.now() - answeredAt);
      s.end();
    });
    let buf = Buffer.alloc(0);
    s.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      for (;;) {
        const req = o.protocol === 'uwsgi' ? parseUwsgi(buf) : parseScgi(buf);
        if (!req) return;
        buf = buf.subarray(req.size);
        st.requests.push({ connection: conn, vars: req.vars, bodyBytes: Number(req.vars.CONTENT_LENGTH || 0) });
        const body = `${o.protocol} stand-in ok ${req.vars.REQUEST_URI ?? ''}\n`;
        const statusLine = o.protocol === 'uwsgi' ? 'HTTP/1.1 200 OK\r\n' : 'Status: 200 OK\r\n';
        const length = o.contentLength ? `Content-Length: ${Buffer.byteLength(body)}\r\n` : '';
        s.write(`${statusLine}Content-Type: text/plain\r\n${length}\r\n${body}`);
        answeredAt = Date.now();
        if (o.closeAfterResponse) s.end();
        if (st.requests.length >= (o.maxRequests ?? 500)) void st.stop();
      }
    });
  });
  const life = tcpLifecycle(server, o.deadlineMs);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, host: '127.0.0.1' }, () => resolve());
  });
  st.stop = life.stop;
  return st;
}
