import { test } from 'node:test';
import { connect, createServer, type Socket } from 'node:net';
import { freePort } from './harness/ports';
import { prepareApache, startApache } from './harness/apache';
async function silentUpgrader() {
  const port = await freePort();
  const sockets = new Set<Socket>();
  const server = createServer((s) => { sockets.add(s); s.on('error', () => {}); let head = '';
    const onData = (d: Buffer) => { head += d.toString('latin1'); if (!head.includes('\r\n\r\n')) return; s.off('data', onData);
      s.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n'); s.on('data', () => {}); };
    s.on('data', onData); });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  return { port, stop: () => { for (const s of sockets) s.destroy(); return new Promise<void>((r) => server.close(() => r())); } };
}
function tunnel(port: number, path: string, everyMs: number, holdMs: number): Promise<{ status: string; closedAfterMs?: number }> {
  return new Promise((resolve) => { const start = Date.now(); const c = connect(port, '127.0.0.1'); let status = ''; let timer: any;
    const done = (x?: number) => { clearInterval(timer); c.destroy(); resolve({ status, closedAfterMs: x }); };
    const hold = setTimeout(() => done(undefined), holdMs);
    c.on('connect', () => c.write(`GET ${path} HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n`));
    c.on('data', (d) => { if (!status) status = d.toString('latin1').split('\r\n')[0]; if (everyMs && !timer) timer = setInterval(() => c.write('ping'), everyMs); });
    c.on('error', () => {}); c.on('close', () => { clearTimeout(hold); done(Date.now() - start); }); });
}
for (const mpm of ['mpm_event', 'mpm_prefork']) test('long ' + mpm, { timeout: 200000 }, async () => {
  const b = await silentUpgrader();
  const setup = await prepareApache(`ProxyWebsocketFallbackToProxyHttp Off
Timeout 2
<VirtualHost *:80>
    ProxyPass "/ws/" "ws://127.0.0.1:${b.port}/ws/"
</VirtualHost>
`, { modules: [mpm, 'authz_core', 'proxy', 'proxy_http', 'proxy_wstunnel'] });
  const httpd = await startApache(setup);
  const runs = await Promise.all([tunnel(setup.port, '/ws/', 0, 150000), tunnel(setup.port, '/ws/', 0, 150000)]);
  console.log(mpm, JSON.stringify(runs));
  await httpd.stop(); await b.stop(); setup.cleanup();
});
