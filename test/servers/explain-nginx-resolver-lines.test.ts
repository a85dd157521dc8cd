// `proxylint explain` on the resolver's own lines of a real nginx (Debian 1.22.1), for a stream resolver and an http
// one. "send()/recv() failed (111: Connection refused) while resolving, resolver: …" names no client, server or
// request, so the line alone reads like an http one (a 502) placed nowhere; the configuration says more: a DNS server
// only a stream block names means a stream connection, closed with no HTTP status ($status 500 in the stream access
// log), at the stream server whose resolver that is; in http, the one server block (and location) using it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import { join } from 'node:path';
import { requireBinary, runCli } from '../helpers';
import { describe, request } from './harness/client';
import { prepareNginx, startNginx, tempDir } from './harness/nginx';

requireBinary('nginx');

/** A UDP port on 127.0.0.1 that nothing listens on: bound once to pick it, then closed. */
function closedUdpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createSocket('udp4');
    s.on('error', reject);
    s.bind(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** Connects and waits until nginx closes the connection (bounded). */
function connectUntilClosed(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const s = connect({ port, host: '127.0.0.1' });
    const timer = setTimeout(() => (s.destroy(), reject(new Error('no close in 15 s'))), 15_000);
    s.on('error', (e: NodeJS.ErrnoException) => (e.code === 'ECONNRESET' ? (clearTimeout(timer), resolve()) : reject(e)));
    s.on('close', () => (clearTimeout(timer), resolve()));
  });
}

test('explain: a resolver line for a stream resolver is a stream connection closed ($status 500), placed at the stream server using it (real nginx)', async () => {
  const dnsPort = await closedUdpPort();
  const dir = tempDir('proxylint-stream-resolver-');
  const setup = await prepareNginx(
    `stream {
    log_format st '$server_port $status';
    access_log ${join(dir, 'logs', 'stream.log')} st;
    resolver 127.0.0.1:${dnsPort};
    resolver_timeout 2s;
    server {
        listen 127.0.0.1:18020;
        set $target backend.example:80;
        proxy_pass $target;
    }
}
http {
    server {
        listen 127.0.0.1:18021;
        location / { return 200; }
    }
}
`,
    { dir },
  );
  const nginx = await startNginx(setup);
  try {
    await connectUntilClosed(setup.ports.get('127.0.0.1:18020')!);
    await new Promise((r) => setTimeout(r, 300));
    const log = nginx.errorLog();
    assert.match(log, new RegExp(`(?:send|recv)\\(\\) failed \\(111: Connection refused\\) while resolving, resolver: 127\\.0\\.0\\.1:${dnsPort}`), log);
    const access = readFileSync(join(dir, 'logs', 'stream.log'), 'utf8');
    assert.match(access, new RegExp(`^${setup.ports.get('127.0.0.1:18020')} 500$`, 'm'), `${access}\n${log}`);

    const out = runCli(['explain', '--in', setup.confPath, '--log', setup.errorLogPath, '--format', 'json']);
    assert.equal(out.code, 0, out.stderr);
    const j = JSON.parse(out.stdout) as { explained: { id: string; status: string; meaning: string; place: { server: { line: number } } | null }[] };
    const e = j.explained.find((x) => x.id === 'nginx-resolver-unreachable');
    assert.ok(e, JSON.stringify(j.explained, null, 1));
    assert.match(e!.status, /^no HTTP status: .*\$status says 500\)$/, e!.status);
    assert.match(e!.meaning, /each connection/);
    const serverLine = setup.text.split('\n').findIndex((l) => l.includes(`listen 127.0.0.1:${setup.ports.get('127.0.0.1:18020')}`));
    assert.equal(e!.place?.server.line, serverLine, 'placed at the stream server (the line before its listen)');
    const text = runCli(['explain', '--in', setup.confPath, '--log', setup.errorLogPath]).stdout;
    assert.doesNotMatch(text, /the client got 50\d/, text);
  } finally {
    await nginx.stop();
    setup.cleanup();
  }
});

test('explain: an http resolver line is placed at the one server block whose resolver it is, and its passing location (real nginx)', async () => {
  const dnsPort = await closedUdpPort();
  const setup = await prepareNginx(`http {
    server {
        listen 127.0.0.1:18030;
        resolver 127.0.0.1:${dnsPort};
        resolver_timeout 2s;
        location /static/ { return 200; }
        location / {
            set $target backend.example;
            proxy_pass http://$target:80;
        }
    }
    server {
        listen 127.0.0.1:18031;
        resolver 127.0.0.2;
        location / {
            set $target backend.example;
            proxy_pass http://$target:80;
        }
    }
}
`);
  const nginx = await startNginx(setup);
  try {
    const r = await request({ port: setup.ports.get('127.0.0.1:18030')!, path: '/x', timeoutMs: 10_000 });
    assert.equal(r.status, 502, describe(r));
    await new Promise((res) => setTimeout(res, 300));
    const log = nginx.errorLog();
    const line = log.split('\n').find((l) => /(?:send|recv)\(\) failed \(111: Connection refused\) while resolving, resolver: /.test(l));
    assert.ok(line, log);
    // The line itself names no client, server or request: only the resolver.
    assert.doesNotMatch(line!, /client:|server:|request:/, line);

    const out = runCli(['explain', '--in', setup.confPath, '--log', setup.errorLogPath, '--format', 'json']);
    assert.equal(out.code, 0, out.stderr);
    const j = JSON.parse(out.stdout) as { explained: { id: string; status: string; place: { server: { line: number }; location: { line: number } | null } | null }[] };
    const e = j.explained.find((x) => x.id === 'nginx-resolver-unreachable');
    assert.ok(e, JSON.stringify(j.explained, null, 1));
    assert.equal(e!.status, '502');
    const lines = setup.text.split('\n');
    const serverLine = lines.findIndex((l) => l.includes(`listen 127.0.0.1:${setup.ports.get('127.0.0.1:18030')}`));
    assert.equal(e!.place?.server.line, serverLine, JSON.stringify(e!.place));
    assert.equal(e!.place?.location?.line, lines.findIndex((l) => l.includes('location / {')) + 1, JSON.stringify(e!.place));
  } finally {
    await nginx.stop();
    setup.cleanup();
  }
});
