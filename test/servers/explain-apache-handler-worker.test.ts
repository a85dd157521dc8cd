// PHP-FPM's SetHandler "proxy:unix:…|fcgi://localhost" next to a ProxyPassMatch to another FastCGI backend: both send
// requests to mod_proxy_fcgi, whose AH01075 "(polling)" line names neither backend nor request path. The handler's
// requests go through the worker of the <Proxy "fcgi://localhost/"> section (its ProxySet timeout=3), the
// ProxyPassMatch's through its own (timeout=5). This runs the real apache2 with two FastCGI stand-ins that never
// answer, and checks that explain gives, for such a line, the timeout of each worker that may have logged it (it used
// to give only the ProxyPassMatch's 5 s, while the handler's request had given up after 3 s).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { requireBinary, runCli } from '../helpers';
import { prepareApache, startApache } from './harness/apache';
import { tempDir } from './harness/nginx';
import { request } from './harness/client';
import { sleep } from './harness/proc';
import { startFastcgiStandin } from './standins/fastcgi';

requireBinary('apache2');

test('explain: a mod_proxy_fcgi line with both a PHP-FPM SetHandler and an fcgi:// ProxyPassMatch gives each one\'s timeout (real apache2)', { timeout: 60_000 }, async () => {
  const dir = tempDir('proxylint-handler-worker-');
  const sock = join(dir, 'fpm.sock');
  const root = join(dir, 'www');
  mkdirSync(root, { recursive: true });
  writeFileSync(join(root, 'index.php'), '<?php\n');
  const fpm = await startFastcgiStandin({ delayMs: 20_000, deadlineMs: 40_000, unixPath: sock });
  const api = await startFastcgiStandin({ delayMs: 20_000, deadlineMs: 40_000 });
  const text = [
    'Listen 80',
    '<VirtualHost *:80>',
    '    ServerName localhost',
    `    DocumentRoot ${root}`,
    `    <Directory ${root}>`,
    '        Require all granted',
    '    </Directory>',
    '    ProxyTimeout 2',
    '    <FilesMatch "\\.php$">',
    `        SetHandler "proxy:unix:${sock}|fcgi://localhost"`,
    '    </FilesMatch>',
    '    <Proxy "fcgi://localhost/">',
    '        ProxySet timeout=3',
    '    </Proxy>',
    `    ProxyPassMatch "^/api/(.*)$" "fcgi://${api.address}/srv/api/$1" timeout=5`,
    '</VirtualHost>',
    '',
  ].join('\n');
  const setup = await prepareApache(text, { dir });
  const httpd = await startApache(setup);
  try {
    const [php, apiReq] = await Promise.all([request({ port: setup.port, path: '/index.php', timeoutMs: 15_000 }), request({ port: setup.port, path: '/api/slow', timeoutMs: 15_000 })]);
    assert.deepEqual([php.status, apiReq.status], [504, 504]);
    assert.ok(php.ms >= 2700 && php.ms < 3900, `the handler's request: ${php.ms} ms`);
    assert.ok(apiReq.ms >= 4700 && apiReq.ms < 5900, `the ProxyPassMatch request: ${apiReq.ms} ms`);
    assert.equal(fpm.requests.length, 1);
    assert.equal(api.requests.length, 1);
    await sleep(200);
    const log = httpd.errorLog();
    const polling = log.split('\n').filter((l) => l.includes('AH01075') && l.includes('(polling)'));
    assert.equal(polling.length, 2, log);
    const out = runCli(['explain', '--in', setup.confPath, polling[0]]);
    assert.equal(out.code, 0, out.stderr);
    const lineOf = (needle: string) => setup.text.split('\n').findIndex((l) => l.includes(needle)) + 1;
    // Both waits, each with the line it comes from, and the answer says it cannot tell which.
    assert.match(out.stdout, new RegExp(`backend timeout 3 s \\(timeout=3 on the worker, \\S+:${lineOf('ProxySet timeout=3')}\\)`), out.stdout);
    assert.match(out.stdout, new RegExp(`backend timeout 5 s \\(timeout=5 on the worker, \\S+:${lineOf('ProxyPassMatch')}\\)`), out.stdout);
    assert.match(out.stdout, /the line does not say which/, out.stdout);
  } finally {
    await httpd.stop();
    setup.cleanup();
    await fpm.stop();
    await api.stop();
  }
});
