import { connect as h2connect } from 'node:http2';
import { connect } from 'node:net';

export interface RequestSpec {
  port: number;
  path?: string;
  method?: string;
  headers?: Record<string, string>;
  /** A body to send (a Content-Length is added); `bodyBytes` sends that many 'x' bytes instead. */
  body?: string;
  bodyBytes?: number;
  /** Give up after this long (default 10 s). */
  timeoutMs?: number;
  /** For an Upgrade handshake: stop reading after the response header and keep nothing else. */
  headOnly?: boolean;
  /** After the response header, keep the connection open this long and note whether (and when) the server closed it. */
  holdOpenMs?: number;
  /**
   * Start as a gRPC client over cleartext does (HTTP/2 with prior knowledge): the connection preface and an empty
   * SETTINGS frame instead of an HTTP/1.1 request. A server without HTTP/2 answers the "PRI * HTTP/2.0" line with an
   * HTTP/1.1 status; one with HTTP/2 answers with frames ('non-http').
   */
  h2Preface?: boolean;
}

const H2_PREFACE = Buffer.concat([Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1'), Buffer.from([0, 0, 0, 4, 0, 0, 0, 0, 0])]);

export interface Response {
  /** HTTP status, or 'non-http' (bytes that are no HTTP/1.x status line: nginx relays those as HTTP/0.9), or 'no-response'. */
  status: number | 'non-http' | 'no-response';
  headers: Record<string, string>;
  body: Buffer;
  /** The body ended before its Content-Length / last chunk: a truncated response. */
  truncated: boolean;
  ms: number;
  error?: string;
  /** With holdOpenMs: the server closed the connection this many ms after the header (undefined: still open). */
  closedAfterMs?: number;
}

/** One request over a fresh TCP connection (Connection: close), read to the end: nothing in between rewrites what the server sent. */
export function request(spec: RequestSpec): Promise<Response> {
  const started = Date.now();
  const method = spec.method ?? 'GET';
  let body: Buffer | undefined = spec.body !== undefined ? Buffer.from(spec.body) : spec.bodyBytes ? Buffer.alloc(spec.bodyBytes, 'x') : undefined;
  const headers: Record<string, string> = { Host: `127.0.0.1:${spec.port}`, Connection: 'close', 'User-Agent': 'proxylint-evidence', ...spec.headers };
  if (body) headers['Content-Length'] = String(body.length);
  const head = `${method} ${spec.path ?? '/'} HTTP/1.1\r\n` + Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('') + '\r\n';
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let error: string | undefined;
    let settled = false;
    let headAt: number | undefined;
    let holdTimer: NodeJS.Timeout | undefined;
    const s = connect({ port: spec.port, host: '127.0.0.1' });
    const finish = (byServer = true) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(holdTimer);
      s.destroy();
      const r = parse(Buffer.concat(chunks), Date.now() - started, error);
      if (headAt !== undefined && byServer) r.closedAfterMs = Date.now() - headAt;
      resolve(r);
    };
    const timer = setTimeout(() => {
      error = `client timeout after ${spec.timeoutMs ?? 10_000} ms`;
      finish();
    }, spec.timeoutMs ?? 10_000);
    s.on('connect', () => {
      if (spec.h2Preface) {
        s.write(H2_PREFACE);
        return;
      }
      // One write for the header and the body: with two, a loaded machine lets nginx read the header before a small
      // body arrives, and nginx then treats the body as still arriving (with proxy_request_buffering off it is not
      // passed on to another server, unbuffered-body-retry.test.ts). A large body still arrives after the header
      // buffer is full, one write or two.
      if (body) s.write(Buffer.concat([Buffer.from(head), body]), () => (body = undefined));
      else s.write(head);
    });
    s.on('data', (d) => {
      chunks.push(d);
      if (headAt === undefined && Buffer.concat(chunks).includes('\r\n\r\n')) {
        headAt = Date.now();
        if (spec.holdOpenMs) holdTimer = setTimeout(() => finish(false), spec.holdOpenMs);
        else if (spec.headOnly) finish();
      }
    });
    s.on('end', () => finish());
    s.on('close', () => finish());
    s.on('error', (e) => {
      error = e.message;
      finish();
    });
  });
}

function parse(raw: Buffer, ms: number, error?: string): Response {
  if (raw.length === 0) return { status: 'no-response', headers: {}, body: raw, truncated: false, ms, error };
  const m = /^HTTP\/1\.[01] (\d{3})[^\r\n]*\r\n/.exec(raw.subarray(0, 200).toString('latin1'));
  if (!m) return { status: 'non-http', headers: {}, body: raw, truncated: false, ms, error };
  const end = raw.indexOf('\r\n\r\n');
  const headers: Record<string, string> = {};
  const headText = raw.subarray(0, end < 0 ? raw.length : end).toString('latin1');
  for (const line of headText.split('\r\n').slice(1)) {
    const i = line.indexOf(':');
    if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  const body = end < 0 ? Buffer.alloc(0) : raw.subarray(end + 4);
  let truncated = end < 0;
  const status = Number(m[1]);
  if (!truncated && status !== 101 && status !== 204 && status !== 304) {
    if (headers['content-length'] !== undefined) truncated = body.length < Number(headers['content-length']);
    else if (/chunked/i.test(headers['transfer-encoding'] ?? '')) truncated = !/(^|\r\n)0\r\n(.*\r\n)*\r\n$/.test(body.toString('latin1'));
  }
  return { status, headers, body, truncated, ms, error };
}

/**
 * Sends a request and never reads the answer (a very slow client): the connection stays open until `close()`.
 */
export function stalledReader(spec: RequestSpec): { close(): void } {
  const s = connect({ port: spec.port, host: '127.0.0.1' });
  s.on('error', () => undefined);
  s.on('connect', () => {
    s.write(`${spec.method ?? 'GET'} ${spec.path ?? '/'} HTTP/1.1\r\nHost: 127.0.0.1:${spec.port}\r\nConnection: close\r\n\r\n`);
    s.pause();
  });
  return { close: () => s.destroy() };
}

/** A short description of a response for tables: "502", "200 (truncated)", "non-http", "no-response". */
export function describe(r: Response): string {
  if (typeof r.status === 'number') return r.truncated ? `${r.status} truncated` : String(r.status);
  return r.status;
}

/**
 * One request over cleartext HTTP/2 with prior knowledge (as gRPC clients connect), with `body` when given: the
 * status nginx answered. Gives up after 10 s.
 */
export function h2request(port: number, path: string, method: 'GET' | 'POST' = 'GET', headers: Record<string, string> = {}, body?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const session = h2connect(`http://127.0.0.1:${port}`);
    const timer = setTimeout(() => (session.destroy(), reject(new Error('no answer in 10 s'))), 10_000);
    session.on('error', (e) => (clearTimeout(timer), reject(e)));
    const req = session.request({ ':path': path, ':method': method, ...headers });
    req.on('response', (h) => {
      clearTimeout(timer);
      req.resume();
      req.on('end', () => session.close());
      resolve(Number(h[':status']));
    });
    req.on('error', (e) => (clearTimeout(timer), reject(e)));
    req.end(body);
  });
}
