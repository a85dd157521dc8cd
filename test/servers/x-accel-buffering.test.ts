// x-accel-buffering-sent-to-client says `add_header X-Accel-Buffering no;` leaves a proxied response buffered, and
// that the backend's own header (or the rule's suggestion, proxy_buffering off) streams it. Checked on the real
// nginx (Debian 1.22.1) with a backend that sends three server-sent events 600 ms apart and then closes: the times
// at which each event reaches the client are compared.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, createServer, type Socket } from 'node:net';
import { applyEdits } from '../../server/src/core/fix';
import { lintNginx } from '../../server/src/core/lint';
import { defaultSettings } from '../../server/src/core/settings';
import { createNodeHost } from '../../server/src/node/node-host';
import { requireBinary } from '../helpers';
import { freePort } from './harness/ports';
import { prepareNginx, rewriteNginx, startNginx, type NginxSetup } from './harness/nginx';

requireBinary('nginx');

const RULE = 'x-accel-buffering-sent-to-client';
const GAP_MS = 600;

/** Sends three events GAP_MS apart, with "X-Accel-Buffering: no" for the path /own. */
async function eventBackend(): Promise<{ port: number; stop(): Promise<void> }> {
  const port = await freePort();
  const sockets = new Set<Socket>();
  const server = createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => {});
    let head = '';
    s.on('data', (d) => {
      if (head.includes('\r\n\r\n')) return;
      head += d.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      const own = head.startsWith('GET /own');
      s.write(`HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n${own ? 'X-Accel-Buffering: no\r\n' : ''}Connection: close\r\n\r\n`);
      let i = 0;
      const next = () => {
        if (s.destroyed) return;
        s.write(`data: event ${i}\n\n`);
        if (++i < 3) setTimeout(next, GAP_MS);
        else setTimeout(() => s.end(), GAP_MS);
      };
      next();
    });
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  return {
    port,
    stop: () => {
      for (const s of sockets) s.destroy();
      return new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** When (ms after the request) each of the three events reached the client. */
function eventTimes(port: number, path: string): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const start = Date.now();
    const c = connect(port, '127.0.0.1', () => c.write(`GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`));
    const times: number[] = [];
    let seen = '';
    c.on('data', (d) => {
      seen += d.toString('latin1');
      while (times.length < 3 && seen.includes(`event ${times.length}`)) times.push(Date.now() - start);
    });
    c.on('error', reject);
    c.on('close', () => resolve(times));
    setTimeout(() => c.destroy(), 10_000);
  });
}

async function timesThrough(setup: NginxSetup, path: string): Promise<number[]> {
  const nginx = await startNginx(setup);
  try {
    return await eventTimes(setup.port, path);
  } finally {
    await nginx.stop();
  }
}

test(`${RULE}: events are held until the response ends with add_header X-Accel-Buffering no, and stream with the backend's header or after the suggestion (real nginx)`, async () => {
  const backend = await eventBackend();
  const text = `events {}
http {
    server {
        listen 127.0.0.1:8000;
        location /events {
            proxy_pass http://127.0.0.1:${backend.port};
            add_header X-Accel-Buffering no;
        }
        location /own {
            proxy_pass http://127.0.0.1:${backend.port};
        }
    }
}
`;
  const setup = await prepareNginx(text);
  try {
    const findings = lintNginx(setup.confPath, setup.text, createNodeHost(), { settings: defaultSettings() }).findings.filter((f) => f.ruleId === RULE);
    assert.equal(findings.length, 1, findings.map((f) => f.message).join('\n'));
    assert.equal(setup.text.slice(findings[0].start, findings[0].end), 'add_header X-Accel-Buffering no;');

    const held = await timesThrough(setup, '/events');
    const own = await timesThrough(setup, '/own');
    // Held: all three arrive together, at the end (about 3 gaps in).
    assert.equal(held.length, 3, `held: ${held}`);
    assert.ok(held[0] >= 2.5 * GAP_MS && held[2] - held[0] < GAP_MS / 2, `held: ${held}`);
    // The backend's header: each event as it is sent.
    assert.equal(own.length, 3, `own: ${own}`);
    assert.ok(own[0] < GAP_MS / 2 && own[2] - own[0] >= 1.5 * GAP_MS, `own: ${own}`);

    rewriteNginx(setup, applyEdits(setup.text, findings[0].suggestions[0].edits).text);
    assert.match(setup.text, /add_header X-Accel-Buffering no;\n\s*proxy_buffering off;/);
    assert.deepEqual(lintNginx(setup.confPath, setup.text, createNodeHost(), { settings: defaultSettings() }).findings.filter((f) => f.ruleId === RULE), []);
    const fixed = await timesThrough(setup, '/events');
    assert.equal(fixed.length, 3, `fixed: ${fixed}`);
    assert.ok(fixed[0] < GAP_MS / 2 && fixed[2] - fixed[0] >= 1.5 * GAP_MS, `fixed: ${fixed}`);
  } finally {
    await backend.stop();
    setup.cleanup();
  }
});
