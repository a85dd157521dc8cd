import { defineScenario } from '../../scenario';

// A backend with one worker sends a 16 MiB answer; one client takes it and does not read. With buffering off the
// worker stays busy writing, and the next request waits at the backend until nginx's read timeout (1 s here, for
// the default 60 s) gives a 504. With buffering on nginx takes the whole answer into a temporary file, the worker
// is free again and the next request gets 200.
export default defineScenario({
  rule: 'proxy-buffering-off',
  server: 'nginx',
  scaled: true,
  note: 'read timeout 1 s instead of 60 s; one slow client and a one-worker backend stand for "under load"',
  claim: { status: 504, log: 'upstream timed out (110: Connection timed out) while reading response header from upstream' },
  config: { fromDoc: { replace: [['127.0.0.1:8080', '{{app}}'], ['proxy_buffering off;', 'proxy_buffering off;\n        proxy_read_timeout 1s;']] } },
  standins: { app: { kind: 'http', behaviour: 'ok', workers: 1, bodyKiB: 16 * 1024 } },
  request: { stalledReaders: { count: 1, path: '/big', settleMs: 800 }, path: '/next', timeoutMs: 8000 },
  fix: { use: 'suggestion' },
  afterFix: { status: 200 },
});
