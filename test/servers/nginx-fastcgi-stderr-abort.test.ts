// fastcgi_catch_stderr and *_ignore_client_abort on the real nginx 1.22.1: what the client gets, what the error and
// access logs say, and what the backend sees. The FastCGI responders here write stderr before or after the header on
// demand, and each backend notes whether nginx closed its connection before it answered.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { connect, createServer, type AddressInfo, type Server } from 'node:net';
import { join } from 'node:path';
import { nginxDirectiveDoc } from '../../server/src/core/docs/directive-doc';
import { NGX_LOG } from '../../server/src/core/docs/log-lines';
import { requireBinary } from '../helpers';
import { request } from './harness/client';
import { prepareNginx, startNginx } from './harness/nginx';

requireBinary('nginx');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const STDOUT = 6;
const STDERR = 7;
const END = 3;

function record(type: number, content: Buffer): Buffer {
  const pad = (8 - (content.length % 8)) % 8;
  return Buffer.concat([Buffer.from([1, type, 0, 1, content.length >> 8, content.length & 0xff, pad, 0]), content, Buffer.alloc(pad)]);
}

const HEADER_AND_BODY = record(STDOUT, Buffer.from('Status: 200 OK\r\nContent-Type: text/plain\r\n\r\nbody\n'));
const FATAL = record(STDERR, Buffer.from('PHP Fatal error:  Uncaught Exception: boom in /app/index.php:3'));
const NOTICE = record(STDERR, Buffer.from('PHP Notice:  Undefined variable $x'));
const ENDING = Buffer.concat([record(STDOUT, Buffer.alloc(0)), record(END, Buffer.alloc(8))]);

interface Backend {
  server: Server;
  port: number;
  /** What happened to each connection: "answered", or "closed by nginx before the answer". */
  events: string[];
}

/**
 * A FastCGI responder (or, with `http`, an HTTP backend). Once a request is complete it answers by the path:
 * /before — stderr (a PHP fatal error) then the header; /after — the header then stderr; /notice — a harmless stderr
 * line then the header; /slow — the header after 1.5 s; anything else — the header. `alwaysFatal` answers every
 * request like /before.
 */
function backend(o: { http?: boolean; alwaysFatal?: boolean } = {}): Promise<Backend> {
  const events: string[] = [];
  const server = createServer((s) => {
    let buf = Buffer.alloc(0);
    let answered = false;
    s.on('error', () => undefined);
    s.on('close', () => !answered && events.push('closed by nginx before the answer'));
    const answer = (bytes: Buffer | string) => {
      answered = true;
      events.push('answered');
      if (!s.destroyed) s.end(bytes);
    };
    s.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      const text = buf.toString('latin1');
      if (o.http ? !text.includes('\r\n\r\n') : !text.includes('\x01\x05\x00\x01\x00\x00')) return;
      const mode = o.alwaysFatal ? 'before' : /\/(before|after|notice|slow)\b/.exec(text)?.[1];
      if (o.http) return void setTimeout(() => answer('HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: close\r\n\r\nok\n'), 1500).unref();
      if (mode === 'slow') return void setTimeout(() => answer(Buffer.concat([HEADER_AND_BODY, ENDING])), 1500).unref();
      const parts = mode === 'before' ? [FATAL, HEADER_AND_BODY] : mode === 'after' ? [HEADER_AND_BODY, FATAL] : mode === 'notice' ? [NOTICE, HEADER_AND_BODY] : [HEADER_AND_BODY];
      answer(Buffer.concat([...parts, ENDING]));
    });
  });
  return new Promise((r) => server.listen(0, '127.0.0.1', () => r({ server, port: (server.address() as AddressInfo).port, events })));
}

/** Sends a request and closes the connection after `ms`, long before the answer. */
function abandon(port: number, path: string, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const s = connect({ port, host: '127.0.0.1' }, () => s.write(`GET ${path} HTTP/1.1\r\nHost: x\r\n\r\n`));
    s.on('error', () => undefined);
    setTimeout(() => {
      s.destroy();
      resolve();
    }, ms);
  });
}

test('fastcgi_catch_stderr: a match before the header is a 502 and a failed attempt; after the header it changes nothing (real nginx)', async () => {
  const app = await backend();
  const fatal = await backend({ alwaysFatal: true });
  const spare = await backend();
  const fatal2 = await backend({ alwaysFatal: true });
  const spare2 = await backend();
  const all = [app, fatal, spare, fatal2, spare2];
  try {
    const setup = await prepareNginx(`http {
    upstream retried { server 127.0.0.1:${fatal.port}; server 127.0.0.1:${spare.port} backup; }
    upstream plain { server 127.0.0.1:${fatal2.port}; server 127.0.0.1:${spare2.port} backup; }
    server {
        listen 127.0.0.1:8000;
        fastcgi_param REQUEST_URI $request_uri;
        fastcgi_catch_stderr "PHP Fatal error";
        location / { fastcgi_pass 127.0.0.1:${app.port}; }
        location /nocatch/ { fastcgi_catch_stderr "no such text"; fastcgi_pass 127.0.0.1:${app.port}; }
        location /retried/ { fastcgi_next_upstream error timeout invalid_header; fastcgi_pass retried; }
        location /plain/ { fastcgi_pass plain; }
    }
}
`);
    const nginx = await startNginx(setup);
    try {
      const seen: Record<string, unknown> = {};
      for (const p of ['/before', '/after', '/notice', '/nocatch/before', '/retried/x', '/plain/1', '/plain/2']) seen[p] = (await request({ port: setup.port, path: p })).status;
      await sleep(200);
      const log = nginx.errorLog();
      assert.deepEqual(seen, { '/before': 502, '/after': 200, '/notice': 200, '/nocatch/before': 200, '/retried/x': 200, '/plain/1': 502, '/plain/2': 200 }, log);
      const lines = (p: string) => log.split('\n').filter((l) => l.includes(`GET ${p} `) && /\[(warn|error|crit)\]/.test(l));
      const only = (p: string, want: string[]) => {
        const got = lines(p);
        assert.equal(got.length, want.length, `${p}:\n${got.join('\n')}`);
        want.forEach((w, i) => assert.ok(got[i].includes(w), `${p}: ${w}\n${got[i]}`));
      };
      only('/before', [NGX_LOG.fcgiStderrHeader]);
      only('/after', [NGX_LOG.fcgiStderrBody]);
      only('/notice', ['FastCGI sent in stderr: "PHP Notice:  Undefined variable $x" while reading response header from upstream']);
      only('/nocatch/before', [NGX_LOG.fcgiStderrHeader]);
      // In a group the match takes the server out (max_fails=1), and invalid_header sends the request to the backup.
      only('/retried/x', [NGX_LOG.fcgiStderrHeader, NGX_LOG.serverDisabledHeader]);
      // Without invalid_header the client gets the 502, and the next request goes to the backup.
      only('/plain/1', [NGX_LOG.fcgiStderrHeader, NGX_LOG.serverDisabledHeader]);
      assert.deepEqual(lines('/plain/2'), []);
      assert.deepEqual([fatal2.events.length, spare2.events.length], [1, 1], 'the second request went to the backup');
    } finally {
      await nginx.stop();
      setup.cleanup();
    }
  } finally {
    for (const b of all) b.server.close();
  }
  const doc = nginxDirectiveDoc('fastcgi_catch_stderr')!;
  assert.deepEqual(doc.statusCodes, ['502']);
  for (const line of [NGX_LOG.fcgiStderrHeader, NGX_LOG.serverDisabledHeader, NGX_LOG.fcgiStderrBody]) assert.ok(doc.logLines.includes(line), line);
  assert.match(doc.failure, /a match \*after the header\* changes nothing/);
  assert.match(doc.failure, /goes on to the next server only when `fastcgi_next_upstream` lists `invalid_header`/);
});

test('*_ignore_client_abort: off closes the backend connection and logs 499; on waits for the answer and logs the backend\'s status (real nginx)', async () => {
  const fcgi = await backend();
  const http = await backend({ http: true });
  try {
    const setup = await prepareNginx(`http {
    server {
        listen 127.0.0.1:8000;
        fastcgi_param REQUEST_URI $request_uri;
        location /fastcgi-off/ { fastcgi_pass 127.0.0.1:${fcgi.port}; }
        location /fastcgi-on/ { fastcgi_ignore_client_abort on; fastcgi_pass 127.0.0.1:${fcgi.port}; }
        location /proxy-off/ { proxy_pass http://127.0.0.1:${http.port}; }
        location /proxy-on/ { proxy_ignore_client_abort on; proxy_pass http://127.0.0.1:${http.port}; }
    }
}
`);
    const nginx = await startNginx(setup);
    try {
      const seen: Record<string, string[]> = {};
      for (const [p, b] of [['/fastcgi-off/slow', fcgi], ['/fastcgi-on/slow', fcgi], ['/proxy-off/x', http], ['/proxy-on/x', http]] as const) {
        b.events.length = 0;
        await abandon(setup.port, p, 300);
        await sleep(2000); // the backend answers after 1.5 s
        seen[p] = [...b.events];
      }
      const log = nginx.errorLog();
      const access = readFileSync(join(setup.dir, 'logs', 'access.log'), 'utf8');
      assert.deepEqual(
        seen,
        {
          '/fastcgi-off/slow': ['closed by nginx before the answer', 'answered'],
          '/fastcgi-on/slow': ['answered'],
          '/proxy-off/x': ['closed by nginx before the answer', 'answered'],
          '/proxy-on/x': ['answered'],
        },
        log,
      );
      const status = (p: string) => new RegExp(`"GET ${p} HTTP/1\\.1" (\\d{3}) `).exec(access)?.[1];
      assert.deepEqual(['/fastcgi-off/slow', '/fastcgi-on/slow', '/proxy-off/x', '/proxy-on/x'].map(status), ['499', '200', '499', '200'], access);
      for (const p of ['/fastcgi-off/slow', '/proxy-off/x']) {
        const lines = log.split('\n').filter((l) => l.includes(`GET ${p} `) && l.includes('prematurely closed'));
        assert.ok(lines.length === 1 && lines[0].includes('[info]') && lines[0].includes(NGX_LOG.clientAborted), `${p}:\n${log}`);
      }
      assert.doesNotMatch(log, /\[(error|crit)\]/, 'nothing at error level');
    } finally {
      await nginx.stop();
      setup.cleanup();
    }
  } finally {
    fcgi.server.close();
    http.server.close();
  }
  for (const m of ['proxy', 'fastcgi', 'uwsgi', 'scgi']) {
    const doc = nginxDirectiveDoc(`${m}_ignore_client_abort`)!;
    assert.deepEqual(doc.statusCodes, ['499'], m);
    assert.ok(doc.logLines.includes(NGX_LOG.clientAborted), m);
    assert.match(doc.failure, /the access log shows the backend's status \(200 in the lab, nginx 1\.22\.1\) instead of 499/);
  }
  assert.equal(nginxDirectiveDoc('grpc_ignore_client_abort'), undefined, 'the grpc module has no such directive');
});
