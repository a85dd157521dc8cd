import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, connect } from 'node:net';
import { startLbStandin } from '../servers/standins/lb';

// The evidence scenarios race nginx's own 504 against the stand-in balancer's idle timeout. A test process busy at the
// moment the timer is due must not let the balancer answer when the proxy's answer had already arrived.
test('the stand-in balancer passes on an answer that arrived while its process was stalled past the idle timeout', async () => {
  // The backend answers at once and then stalls the whole process past the balancer's idle timeout (armed when the
  // balancer passed the request on, before the backend saw it): the answer waits on the balancer's socket while the
  // timer falls due, however slow the machine is (a stall started from a client-side timer raced the backend under
  // load).
  const backend = createServer((s) => {
    s.on('error', () => undefined);
    s.once('data', () => {
      s.end('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok');
      const until = Date.now() + 600;
      while (Date.now() < until);
    });
  });
  await new Promise<void>((r) => backend.listen({ port: 0, host: '127.0.0.1' }, () => r()));
  const lb = await startLbStandin({ idleMs: 300, deadlineMs: 10_000 });
  lb.target = (backend.address() as { port: number }).port;
  try {
    const answer = await new Promise<string>((resolve, reject) => {
      const c = connect({ port: lb.port, host: '127.0.0.1' }, () => c.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n'));
      let got = '';
      c.on('data', (d) => (got += d));
      c.on('end', () => resolve(got));
      c.on('error', reject);
    });
    assert.match(answer, /^HTTP\/1\.1 200 OK/, answer);
  } finally {
    await lb.stop();
    await new Promise<void>((r) => backend.close(() => r()));
  }
});
