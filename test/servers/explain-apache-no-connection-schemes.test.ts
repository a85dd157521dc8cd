// "AH01114: HTTP: failed to make connection to backend: <host>" names the host only, so a lone one matched every worker
// with that host, whatever its scheme. On the real httpd only mod_proxy_http writes it: a refused connection to an
// http://, https://, ws:// or wss:// worker logs AH01114 (ws and wss go through mod_proxy_http by default), while
// ajp:// logs AH00896, scgi:// AH00866, uwsgi:// AH10101, fcgi:// AH01079 and h2/h2c:// nothing after the AH00957.
// explain must place a lone AH01114 at one of the first four kinds, and explain the others' lines at their own workers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { requireBinary, runCli } from '../helpers';
import { prepareApache, startApache } from './harness/apache';
import { request } from './harness/client';
import { freePort } from './harness/ports';

requireBinary('apache2');

const OTHERS = ['ajp', 'scgi', 'uwsgi', 'fcgi', 'h2c', 'h2'];
const HTTP = ['http', 'https', 'ws', 'wss'];

test('a lone AH01114 comes from http, https, ws and wss workers only, and explain places it at one of them (real apache2)', { timeout: 60_000 }, async () => {
  const closed = await freePort();
  // The other schemes first: a placement that took the first worker with the host would take one of them.
  const routes = [...OTHERS, ...HTTP];
  const setup = await prepareApache(['SSLProxyEngine On', ...routes.map((s) => `ProxyPass "/${s}/" "${s}://127.0.0.1:${closed}/"`)].join('\n'), {
    modules: ['mpm_event', 'authz_core', 'proxy', 'proxy_http', 'proxy_wstunnel', 'proxy_ajp', 'proxy_scgi', 'proxy_uwsgi', 'proxy_fcgi', 'proxy_http2', 'ssl'],
  });
  const httpd = await startApache(setup);
  const bySchemes = new Map<string, string[]>();
  try {
    for (const s of routes) {
      const before = httpd.errorLog().length;
      const r = await request({ port: setup.port, path: `/${s}/x`, timeoutMs: 5000 });
      assert.equal(r.status, 503, `${s}: ${r.status}`);
      await new Promise((res) => setTimeout(res, 100));
      bySchemes.set(s, httpd.errorLog().slice(before).split('\n').filter((l) => /AH\d+: .*failed to make connection/.test(l)));
    }
  } finally {
    await httpd.stop();
  }
  try {
    const with01114 = routes.filter((s) => bySchemes.get(s)!.some((l) => l.includes('AH01114')));
    assert.deepEqual(with01114, HTTP, [...bySchemes].map(([s, l]) => `${s}: ${l.join(' | ')}`).join('\n'));
    for (const s of HTTP) {
      const line = bySchemes.get(s)!.find((l) => l.includes('AH01114'))!;
      const out = runCli(['explain', '--in', setup.confPath, line]);
      assert.equal(out.code, 0, out.stderr);
      const placed = /Backend: ProxyPass (\w+):\/\//.exec(out.stdout)?.[1];
      assert.ok(placed !== undefined && HTTP.includes(placed), `${s}: ${out.stdout}`);
    }
    // The other modules' own lines are explained too, each placed at its scheme's worker.
    for (const [s, code] of [['ajp', 'AH00896'], ['scgi', 'AH00866'], ['uwsgi', 'AH10101'], ['fcgi', 'AH01079']]) {
      const line = bySchemes.get(s)!.find((l) => l.includes(code));
      assert.ok(line, `${s}: no ${code} line: ${bySchemes.get(s)!.join(' | ')}`);
      const out = runCli(['explain', '--in', setup.confPath, line]);
      assert.equal(out.code, 0, `${s}: ${out.stdout}${out.stderr}`);
      assert.match(out.stdout, /the client got 503/, out.stdout);
      assert.equal(/Backend: ProxyPass (\w+):\/\//.exec(out.stdout)?.[1], s, out.stdout);
    }
  } finally {
    setup.cleanup();
  }
});
