// What misread-time-value says nginx does, on the real nginx 1.22.1: a number after the last unit of a time counts as
// seconds, in a milliseconds directive (proxy_read_timeout) too. The backend answers each location after a delay of
// its own, at least half a second away from both readings of its time, and what the client gets (and when) tells
// which reading nginx made. (With one 1.5 s delay for all, `1500ms` raced the backend: a loaded CI run got its 200.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseNginxTime } from '../../server/src/core/model/units';
import { requireBinary } from '../helpers';
import { request } from './harness/client';
import { prepareNginx, startNginx } from './harness/nginx';
import { startHttpStandin } from './standins/http';

requireBinary('nginx');

/** Location → its proxy_read_timeout, the backend's delay there, and what nginx must do. */
const CASES = [
  // 1 s (0h1m, 60 s, would wait): a 504 after one second.
  { path: '/h/', time: '0h1', delay: 1500, status: 504, from: 900, to: 1450 },
  // 2 s, not 2 ms: the answer after 1 s comes through.
  { path: '/m/', time: '0m2', delay: 1000, status: 200, from: 900, to: 1950 },
  // 501 s, not 1.5 s: the answer after 2.5 s comes through …
  { path: '/s/', time: '1s500', delay: 2500, status: 200, from: 2400, to: 3500 },
  // … where 1.5 s written with its unit gives up first.
  { path: '/ms/', time: '1500ms', delay: 2500, status: 504, from: 1400, to: 2450 },
];

test('a number after the last unit of proxy_read_timeout counts as seconds (real nginx)', { timeout: 30_000 }, async () => {
  const backend = await startHttpStandin({ behaviour: 'ok', delayFor: (path) => CASES.find((c) => path.startsWith(c.path))?.delay });
  const locations = CASES.map((c) => `        location ${c.path} { proxy_read_timeout ${c.time}; proxy_pass http://${backend.address}; }`).join('\n');
  const setup = await prepareNginx(`http {\n    server {\n        listen 8000;\n${locations}\n    }\n}\n`);
  const nginx = await startNginx(setup);
  try {
    const got = await Promise.all(CASES.map((c) => request({ port: setup.port, path: c.path })));
    const wrong = CASES.map((c, k) => ({ c, r: got[k] }))
      .filter(({ c, r }) => r.status !== c.status || r.ms < c.from || r.ms >= c.to)
      .map(({ c, r }) => `proxy_read_timeout ${c.time}: ${r.status} after ${r.ms} ms, expected ${c.status} within ${c.from}–${c.to} ms`);
    assert.deepEqual(wrong, [], nginx.errorLog());
    // parseNginxTime reads them the same way.
    assert.deepEqual(CASES.map((c) => parseNginxTime(c.time, 'msec')), [1000, 2000, 501_000, 1500]);
  } finally {
    await nginx.stop();
    await backend.stop();
    setup.cleanup();
  }
});
