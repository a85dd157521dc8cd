// What read-timeout-too-low says about the stream module's proxy_timeout, on the real nginx (Debian 1.22.1): a short
// value closes a TCP session that has been quiet that long (both connections; the client gets a FIN after what the
// backend sent), 0 closes every session before a byte is relayed, and both are logged at level info only, with
// $status 200 in the stream access log.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { join } from 'node:path';
import { NGX_LOG } from '../../server/src/core/docs/log-lines';
import { lintText, requireBinary } from '../helpers';
import { prepareNginx, startNginx, tempDir } from './harness/nginx';

requireBinary('nginx');

/** Sends a line, then stays quiet; resolves with what came back, how the connection ended and after how long. */
function quietClient(port: number, maxMs: number): Promise<{ got: string; end: string; ms: number }> {
  return new Promise((resolve) => {
    const t0 = Date.now();
    const s = connect({ port, host: '127.0.0.1' });
    let got = '';
    let end = '';
    const timer = setTimeout(() => ((end = 'still open'), s.destroy()), maxMs);
    s.on('connect', () => s.write('PING\n'));
    s.on('data', (d) => (got += d.toString()));
    s.on('end', () => (end ||= 'FIN'));
    s.on('error', (e: NodeJS.ErrnoException) => (end ||= e.code ?? 'error'));
    s.on('close', () => (clearTimeout(timer), resolve({ got, end, ms: Date.now() - t0 })));
  });
}

test('stream proxy_timeout: 1s cuts a quiet TCP session after 1 s, 0 cuts every session before it relays a byte; info level only, $status 200 (real nginx)', async () => {
  const sockets: Socket[] = [];
  const echo = createServer((c) => {
    sockets.push(c);
    c.on('data', (d) => c.write(d));
    c.on('error', () => undefined);
  });
  await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
  const backend = `127.0.0.1:${(echo.address() as AddressInfo).port}`;
  const dir = tempDir('proxylint-stream-timeout-');
  const setup = await prepareNginx(
    `stream {
    log_format st '$server_port $status';
    access_log ${join(dir, 'logs', 'stream.log')} st;
    server {
        listen 127.0.0.1:18030;
        proxy_timeout 1s;
        proxy_pass ${backend};
    }
    server {
        listen 127.0.0.1:18031;
        proxy_timeout 0;
        proxy_pass ${backend};
    }
}
`,
    { dir },
  );
  const nginx = await startNginx(setup);
  try {
    const port = (p: number) => setup.ports.get(`127.0.0.1:${p}`)!;
    const [short, zero] = await Promise.all([quietClient(port(18030), 5000), quietClient(port(18031), 5000)]);
    assert.equal(short.got, 'PING\n', 'the session relayed while there was data');
    assert.equal(short.end, 'FIN');
    assert.ok(short.ms >= 900 && short.ms < 3000, `closed after ${short.ms} ms`);
    assert.equal(zero.got, '', 'nothing was relayed');
    // A FIN, or a reset when nginx closes with the client's line still unread: timing decides.
    assert.ok(['FIN', 'ECONNRESET'].includes(zero.end), zero.end);
    assert.ok(zero.ms < 900, `closed after ${zero.ms} ms`);
    await new Promise((r) => setTimeout(r, 300));
    const log = nginx.errorLog();
    // startNginx's readiness probe opens sessions of its own: each server has at least one such line.
    const lines = log.split('\n').filter((l) => l.includes(NGX_LOG.streamIdle));
    for (const p of [18030, 18031]) assert.ok(lines.some((l) => l.includes(`server: 127.0.0.1:${port(p)},`)), log);
    for (const l of lines) assert.match(l, /\[info\]/);
    assert.doesNotMatch(log, /\[(error|warn)\]/);
    const access = readFileSync(join(dir, 'logs', 'stream.log'), 'utf8');
    for (const p of [18030, 18031]) {
      const codes = [...access.matchAll(new RegExp(`^${port(p)} (\\d+)$`, 'gm'))].map((m) => m[1]);
      assert.ok(codes.length > 0 && codes.every((c) => c === '200'), access);
    }

    // The rule reports both lines of the configuration nginx ran.
    const findings = lintText(setup.text).findings.filter((f) => f.ruleId === 'read-timeout-too-low');
    assert.deepEqual(findings.map((f) => f.message.split(':')[0]).sort(), ['proxy_timeout 0', 'proxy_timeout 1s']);
    assert.match(findings.find((f) => f.message.startsWith('proxy_timeout 0'))!.message, /closes every TCP session at once, before it relays a byte/);
  } finally {
    await nginx.stop();
    for (const s of sockets) s.destroy();
    echo.close();
    setup.cleanup();
  }
});
