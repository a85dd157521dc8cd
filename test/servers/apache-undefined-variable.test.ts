// An undefined ${NAME} in the host of a backend URL: httpd keeps "${NAME}" as written, warns once at start-up
// (AH00111), and a request to that backend fails its DNS lookup (500, AH00898). The rule
// undefined-variable-in-backend-url says so for ProxyPass and BalancerMember; this checks the other places a backend
// URL is written (ProxyPassMatch, RewriteRule … [P], SetHandler "proxy:…") and the one where the host is never looked
// up (behind a Unix socket), on the real apache2, against what the rule reports.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { lintApache } from '../../server/src/core/lint-apache';
import { memHost, requireBinary } from '../helpers';
import { fixtureSettings } from '../rules/rule-harness';
import { apacheConfigTest, prepareApache, startApache } from './harness/apache';
import { request } from './harness/client';
import { tempDir } from './harness/nginx';
import { sleep } from './harness/proc';

requireBinary('apache2');

test('undefined-variable-in-backend-url: ${NAME} in a ProxyPassMatch, RewriteRule [P] or SetHandler host gives 500 (AH00898) and is reported; behind a Unix socket it is never looked up (real apache2)', async () => {
  const dir = tempDir('proxylint-apache-undef-');
  const socket = join(dir, 'app.sock');
  const backend = createServer((_req, res) => res.end('from the socket\n'));
  await new Promise<void>((res) => backend.listen(socket, res));
  chmodSync(socket, 0o666);
  const text = [
    'Listen 80',
    '<VirtualHost *:80>',
    '    ServerName localhost',
    '    ProxyPassMatch "^/m/(.*)$" "http://${UNDEF_MATCH}:9600/$1"',
    `    ProxyPass "/s/" "unix:${socket}|http://\${UNDEF_SOCKET_NAME}/"`,
    '    RewriteEngine On',
    '    RewriteRule "^/r/(.*)$" "http://${UNDEF_REWRITE}:9600/$1" [P]',
    '    <Location "/f/">',
    '        SetHandler "proxy:fcgi://${UNDEF_FCGI}:9000"',
    '    </Location>',
    '</VirtualHost>',
    '',
  ].join('\n');
  const ready = await prepareApache(text, { dir });
  try {
    const t = apacheConfigTest(ready);
    assert.ok(t.ok, t.output);
    for (const name of ['UNDEF_MATCH', 'UNDEF_SOCKET_NAME', 'UNDEF_REWRITE', 'UNDEF_FCGI']) assert.match(t.output, new RegExp(`AH00111: Config variable \\$\\{${name}\\} is not defined`), t.output);
    const httpd = await startApache(ready);
    try {
      const got: Record<string, number | string> = {};
      for (const p of ['/m/x', '/s/x', '/r/x', '/f/x.php']) got[p] = (await request({ port: ready.port, path: p, timeoutMs: 10_000 })).status;
      await sleep(200);
      const log = httpd.errorLog();
      assert.deepEqual(got, { '/m/x': 500, '/s/x': 200, '/r/x': 500, '/f/x.php': 500 }, log);
      for (const [name, path] of [['undef_match', '/m/x'], ['undef_rewrite', '/r/x'], ['undef_fcgi', '/f/x.php']]) {
        assert.match(log, new RegExp(`AH00898: DNS lookup failure for: \\$\\{${name}\\} returned by ${path.replace('.', '\\.')}`), log);
      }
      assert.doesNotMatch(log, /undef_socket_name\} returned/, log);
    } finally {
      await httpd.stop();
    }
    const findings = lintApache(ready.confPath, ready.text, memHost({ [ready.confPath]: ready.text }), { settings: fixtureSettings(ready.text) }).findings.filter((f) => f.ruleId === 'undefined-variable-in-backend-url');
    const lines = findings.map((f) => ready.text.slice(0, f.start).split('\n').length);
    const lineOf = (s: string) => ready.text.split('\n').findIndex((l) => l.includes(s)) + 1;
    assert.deepEqual(lines.sort((a, b) => a - b), [lineOf('UNDEF_MATCH'), lineOf('UNDEF_REWRITE'), lineOf('UNDEF_FCGI')], findings.map((f) => f.message).join('\n'));
  } finally {
    backend.close();
    ready.cleanup();
  }
});
