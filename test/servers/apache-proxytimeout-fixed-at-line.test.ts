// httpd copies the ProxyTimeout read so far in a server into each worker a ProxyPass of that server defines (add_pass):
// from then on it is that worker's own timeout, like timeout=, and the ProxyTimeout of the virtual host a request comes
// to does not change it. A ProxyTimeout written after the line, one in a virtual host that shares a main-server worker,
// and a line that shares a worker defined before the ProxyTimeout, all leave the request's server's value in force.
// This runs the real httpd 2.4.71 and checks the measured waits against what hover and proxy-timeout-too-low say.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { apacheHover } from '../../server/src/core/features/apache';
import { lintApache } from '../../server/src/core/lint-apache';
import { defaultSettings } from '../../server/src/core/settings';
import { createNodeHost } from '../../server/src/node/node-host';
import { readable, requireBinary } from '../helpers';
import { prepareApache, startApache } from './harness/apache';
import { request, type Response } from './harness/client';
import { startHttpStandin } from './standins/http';

requireBinary('apache2');

function about(r: Response, status: number, seconds: number, what: string): void {
  assert.equal(r.status, status, `${what}: ${r.status} after ${r.ms} ms`);
  assert.ok(r.ms >= seconds * 1000 - 300 && r.ms < seconds * 1000 + 1500, `${what}: ${r.ms} ms, not about ${seconds} s`);
}

test('a ProxyTimeout read before the ProxyPass that defines a worker is that worker\'s timeout in every virtual host; hover and proxy-timeout-too-low say so (real apache2)', async () => {
  const backend = await startHttpStandin({ behaviour: 'ok', delayFor: (p) => (p.includes('/slow') ? 5_000 : undefined), deadlineMs: 60_000 });
  const B = backend.address;
  const setup = await prepareApache(
    [
      'Listen 8001', 'Listen 8002', 'Listen 8003',
      `ProxyPass "/early/" "http://${B}/early/"`,
      'ProxyTimeout 6',
      `ProxyPass "/m/" "http://${B}/m/"`,
      `ProxyPass "/again/" "http://${B}/early/"`,
      `ProxyPass "/t/" "http://${B}/t/" timeout=1`,
      '<Location "/loc/">',
      `    ProxyPass "http://${B}/loc/"`,
      '</Location>',
      '<VirtualHost *:8001>',
      '    ServerName b.test',
      '    ProxyTimeout 2',
      '</VirtualHost>',
      '<VirtualHost *:8002>',
      '    ServerName c.test',
      '    ProxyTimeout 4',
      `    ProxyPass "/v/" "http://${B}/v/"`,
      '    ProxyTimeout 2',
      `    ProxyPass "/v2/" "http://${B}/v2/"`,
      '</VirtualHost>',
      '',
    ].join('\n'),
  );
  const [b, c, main] = ['8001', '8002', '8003'].map((p) => setup.ports.get(p)!);
  const httpd = await startApache(setup);
  try {
    const cases: [string, number, string, number, number][] = [
      ['/m/ (after ProxyTimeout 6) through b.test', b, '/m/slow', 200, 5],
      ['/early/ (before ProxyTimeout 6) through b.test', b, '/early/slow', 502, 2],
      ['/again/ shares the /early/ worker', b, '/again/slow', 502, 2],
      ['timeout=1 on the line wins', b, '/t/slow', 502, 1],
      ['<Location> ProxyPass after ProxyTimeout 6', b, '/loc/slow', 200, 5],
      ['c.test /v/ after its ProxyTimeout 4, before its ProxyTimeout 2', c, '/v/slow', 502, 4],
      ['c.test /v2/ after its ProxyTimeout 2', c, '/v2/slow', 502, 2],
      ['/m/ through c.test', c, '/m/slow', 200, 5],
      ['/early/ on the main server (ProxyTimeout 6)', main, '/early/slow', 200, 5],
    ];
    const rs = await Promise.all(cases.map(([, port, path]) => request({ port, path, timeoutMs: 20_000 })));
    rs.forEach((r, i) => about(r, cases[i][3], cases[i][4], cases[i][0]));

    const result = lintApache(setup.confPath, setup.text, createNodeHost(), { settings: defaultSettings() });
    const lines = setup.text.split('\n');
    const lineOf = (start: string) => lines.findIndex((l) => l.trimStart().startsWith(start)) + 1;
    const hover = (start: string) => {
      const at = lineOf(start) - 1;
      const offset = lines.slice(0, at).join('\n').length + 1 + lines[at].indexOf(start) + 1;
      return readable(apacheHover(result, setup.confPath, offset)?.markdown ?? '');
    };
    const m = hover('ProxyPass "/m/"');
    assert.match(m, new RegExp(`\\*\\*Backend timeout here:\\*\\* 6 s \\(ProxyTimeout 6, line ${lineOf('ProxyTimeout 6')}\\)`), m);
    assert.match(hover('ProxyPass "/again/"'), /depends on the server the request came to[\s\S]*b\.test[^\n]*: 2 s \(ProxyTimeout 2/);
    assert.match(hover('ProxyPass "/v/"'), /\*\*Backend timeout here:\*\* 4 s \(ProxyTimeout 4, line \d+\)/);
    assert.match(hover('ProxyPass "/v2/"'), /\*\*Backend timeout here:\*\* 2 s \(ProxyTimeout 2, line \d+\)/);
    // proxy-timeout-too-low (under 5 s): b.test's ProxyTimeout 2 for /early/ and /again/, not for /m/ or /loc/; c.test's
    // lines; and timeout=1. Nothing names b.test for the /m/ worker.
    const low = result.findings.filter((f) => f.ruleId === 'proxy-timeout-too-low');
    const lineAt = (offset: number) => setup.text.slice(0, offset).split('\n').length;
    assert.ok(!low.some((f) => f.message.includes(`/m/`) || f.message.includes('/loc/')), low.map((f) => f.message).join('\n'));
    assert.ok(low.some((f) => lineAt(f.start) === lineOf('ProxyTimeout 4')), low.map((f) => `${lineAt(f.start)} ${f.message}`).join('\n'));
  } finally {
    await httpd.stop();
    await backend.stop();
    setup.cleanup();
  }
});
