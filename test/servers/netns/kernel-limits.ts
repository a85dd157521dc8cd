// Run by nginx-hover-behaviour.test.ts inside a private network namespace (unshare -n), where the kernel's TCP
// settings can be lowered without touching the machine's: a SYN give-up after ~3 s instead of ~130 s, and a local
// port range of two ports. Prints one JSON line with what nginx did.
import { writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { request } from '../harness/client';
import { prepareNginx, startNginx } from '../harness/nginx';
import { startBlackhole } from '../standins/blackhole';
import { startHttpStandin } from '../standins/http';

/** Opens a TCP connection and resolves when the server closes it, with how long that took and how many bytes came. */
function closedAfter(port: number, giveUpMs: number): Promise<{ closedAfterMs: number; bytes: number }> {
  const t0 = Date.now();
  return new Promise((resolve) => {
    const s = connect({ port, host: '127.0.0.1' });
    let bytes = 0;
    s.on('data', (d) => (bytes += d.length));
    s.on('error', () => undefined);
    s.on('close', () => resolve({ closedAfterMs: Date.now() - t0, bytes }));
    setTimeout(() => s.destroy(), giveUpMs);
  });
}

(async () => {
  // One SYN retry: the kernel gives up on a handshake after 1 + 2 s, long before proxy_connect_timeout 10s.
  writeFileSync('/proc/sys/net/ipv4/tcp_syn_retries', '1');
  const hole = await startBlackhole(20_000);
  const silent = await startHttpStandin({ behaviour: 'silent', deadlineMs: 20_000 });
  const setup = await prepareNginx(
    `http {\n    server {\n        listen 127.0.0.1:8000;\n        proxy_connect_timeout 10s;\n        location /hole { proxy_pass http://${hole.address}; }\n        location /silent { proxy_pass http://${silent.address}; }\n    }\n}\n` +
      `stream {\n    server {\n        listen 127.0.0.1:8001;\n        proxy_connect_timeout 10s;\n        proxy_pass ${hole.address};\n    }\n}\n`,
  );
  const nginx = await startNginx(setup);
  const fillers: Socket[] = [];
  const out: Record<string, unknown> = { backend: silent.address };
  try {
    const [http, stream] = await Promise.all([request({ port: setup.port, path: '/hole', timeoutMs: 8000 }), closedAfter(setup.ports.get('127.0.0.1:8001')!, 8000)]);
    out.http = { status: http.status, ms: http.ms };
    out.stream = stream;
    // Two local ports, both held by our own connections to the backend: nginx finds no port toward that address.
    writeFileSync('/proc/sys/net/ipv4/ip_local_port_range', '40000 40001');
    for (let i = 0; i < 2; i++) fillers.push(connect({ port: silent.port, host: '127.0.0.1' }).on('error', () => undefined));
    await new Promise((r) => setTimeout(r, 300));
    const ports = await request({ port: setup.port, path: '/silent', timeoutMs: 5000 });
    out.ports = { status: ports.status, ms: ports.ms };
    await new Promise((r) => setTimeout(r, 200));
    out.errorLog = nginx.errorLog();
  } finally {
    for (const s of fillers) s.destroy();
    await Promise.all([nginx.stop(), hole.stop(), silent.stop()]);
    setup.cleanup();
  }
  process.stdout.write(JSON.stringify(out) + '\n');
})();
