// A RewriteRule … [P] hands its request to mod_proxy, which looks a worker up for the URL the rule made: the longest
// worker name that URL starts with among the server's (and the main server's) ProxyPass and <Proxy "url"> workers; with
// none it uses httpd's default worker, which has no parameters and waits the ProxyTimeout, else the Timeout, of the
// request's server. This runs the real
// httpd with a backend that answers after 2 s and checks the times the hover of each [P] line gives against it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { apacheHover } from '../../server/src/core/features/apache';
import { lintApache } from '../../server/src/core/lint-apache';
import { defaultSettings } from '../../server/src/core/settings';
import { createNodeHost } from '../../server/src/node/node-host';
import { readable, requireBinary } from '../helpers';
import { prepareApache, startApache, type ApacheSetup } from './harness/apache';
import { request, type Response } from './harness/client';
import { startHttpStandin } from './standins/http';

requireBinary('apache2');

/** Hover markdown on the line that starts with `start` (one character into its name). */
function hover(setup: ApacheSetup, start: string): string {
  const lines = setup.text.split('\n');
  const at = lines.findIndex((l) => l.trimStart().startsWith(start));
  assert.ok(at >= 0, start);
  const offset = lines.slice(0, at).join('\n').length + 1 + lines[at].indexOf(start) + 1;
  const r = lintApache(setup.confPath, setup.text, createNodeHost(), { settings: defaultSettings() });
  return readable(apacheHover(r, setup.confPath, offset)?.markdown ?? '');
}

function about(r: Response, status: number, seconds: number, what: string): void {
  assert.equal(r.status, status, `${what}: ${r.status} after ${r.ms} ms`);
  assert.ok(r.ms >= seconds * 1000 - 300 && r.ms < seconds * 1000 + 1500, `${what}: ${r.ms} ms, not about ${seconds} s`);
}

test('a RewriteRule [P] waits the timeout= of the worker whose name starts its target, else the server\'s ProxyTimeout or Timeout; its hover says which (real apache2)', async () => {
  const backend = await startHttpStandin({ behaviour: 'ok', delayFor: () => 2000, deadlineMs: 30_000 });
  const setup = await prepareApache(
    [
      'Listen 8001',
      'Listen 8002',
      'Listen 8003',
      `ProxyPass "/m/" "http://${backend.address}/m/" timeout=5`,
      '<VirtualHost *:8001>',
      '    ServerName a.test',
      '    Timeout 1',
      `    ProxyPass "/w/" "http://${backend.address}/w/" timeout=5`,
      '    RewriteEngine On',
      `    RewriteRule "^/rw/(.*)$" "http://${backend.address}/w/$1" [P]`,
      `    RewriteRule "^/rd/(.*)$" "http://${backend.address}/d/$1" [P]`,
      '</VirtualHost>',
      '<VirtualHost *:8002>',
      '    ServerName b.test',
      '    Timeout 1',
      '    ProxyTimeout 3',
      '    RewriteEngine On',
      `    RewriteRule "^/rb/(.*)$" "http://${backend.address}/b/$1" [P]`,
      '</VirtualHost>',
      '<VirtualHost *:8003>',
      '    ServerName c.test',
      '    Timeout 1',
      '    ProxyPassInherit Off',
      '    RewriteEngine On',
      `    RewriteRule "^/rm/(.*)$" "http://${backend.address}/m/$1" [P]`,
      '</VirtualHost>',
      '',
    ].join('\n'),
  );
  const [a, b, c] = ['8001', '8002', '8003'].map((p) => setup.ports.get(p)!);
  const httpd = await startApache(setup);
  try {
    const get = (port: number, path: string) => request({ port, path, timeoutMs: 20_000 });
    const [rw, rd, rb, rm] = await Promise.all([get(a, '/rw/x'), get(a, '/rd/x'), get(b, '/rb/x'), get(c, '/rm/x')]);
    // The ProxyPass worker's timeout=5 outlasts the 2 s backend; the default worker waits the Timeout 1 of a.test, and
    // the ProxyTimeout 3 of b.test. The main server's worker serves c.test's rule despite ProxyPassInherit Off.
    about(rw, 200, 2, 'through the ProxyPass worker (timeout=5)');
    about(rd, 502, 1, 'through the default worker (Timeout 1)');
    about(rb, 200, 2, 'through the default worker of b.test (ProxyTimeout 3)');
    about(rm, 200, 2, 'through the main server\'s worker (timeout=5), with ProxyPassInherit Off');

    const w = hover(setup, 'RewriteRule "^/rw/');
    assert.match(w, /\*\*Backend timeout here:\*\* 5 s \(timeout=5\) {2}\n\*\*Connect timeout here:\*\* 5 s \(timeout=5\)/, w);
    assert.match(w, /\*\*Through:\*\* the worker of line \d+ \(`http:\/\/[\d.:]+\/w\/`\)/, w);
    const d = hover(setup, 'RewriteRule "^/rd/');
    assert.match(d, /\*\*Backend timeout here:\*\* 1 s \(Timeout 1 on line \d+, which ProxyTimeout inherits\) {2}\n\*\*Connect timeout here:\*\* 1 s/, d);
    assert.match(d, /\*\*Through:\*\* httpd's default worker/, d);
    const rbh = hover(setup, 'RewriteRule "^/rb/');
    assert.match(rbh, /\*\*Backend timeout here:\*\* 3 s \(ProxyTimeout 3, line \d+\) {2}\n\*\*Connect timeout here:\*\* 3 s \(ProxyTimeout 3, line \d+\)/, rbh);
    assert.match(rbh, /\*\*Through:\*\* httpd's default worker/, rbh);
    const m = hover(setup, 'RewriteRule "^/rm/');
    assert.match(m, /\*\*Backend timeout here:\*\* 5 s \(timeout=5\)/, m);
    assert.match(m, /\*\*Through:\*\* the worker of line \d+ \(`http:\/\/[\d.:]+\/m\/`\)/, m);
  } finally {
    await httpd.stop();
    await backend.stop();
    setup.cleanup();
  }
});
