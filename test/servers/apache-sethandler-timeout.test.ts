// PHP-FPM's Debian recipe: SetHandler "proxy:unix:/run/php/…sock|fcgi://localhost" in <FilesMatch \.php$>, with a
// <Proxy "fcgi://localhost/"> section to tune the connections. The request goes through the worker that section
// defines (its name starts the URL after "|"), so ProxySet timeout= there is the wait, not the virtual host's
// ProxyTimeout; without the section it is the default worker, which waits ProxyTimeout. The hover on the SetHandler
// line must say which one holds. Checked here on the real apache2 with a FastCGI stand-in on a UNIX socket.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { apacheHover } from '../../server/src/core/features/apache';
import { lintApache } from '../../server/src/core/lint-apache';
import { defaultSettings } from '../../server/src/core/settings';
import { memHost, readable, requireBinary } from '../helpers';
import { prepareApache, startApache } from './harness/apache';
import { tempDir } from './harness/nginx';
import { request } from './harness/client';
import { startFastcgiStandin } from './standins/fastcgi';

requireBinary('apache2');

const conf = (sock: string, root: string, section: boolean) =>
  [
    'Listen 80',
    '<VirtualHost *:80>',
    '    ServerName localhost',
    `    DocumentRoot ${root}`,
    `    <Directory ${root}>`,
    '        Require all granted',
    '    </Directory>',
    '    ProxyTimeout 1',
    '    <FilesMatch "\\.php$">',
    `        SetHandler "proxy:unix:${sock}|fcgi://localhost"`,
    '    </FilesMatch>',
    ...(section ? ['    <Proxy "fcgi://localhost/">', '        ProxySet timeout=5', '    </Proxy>'] : []),
    '</VirtualHost>',
    '',
  ].join('\n');

function hoverOnSetHandler(text: string): string {
  const path = '/c/httpd.conf';
  const r = lintApache(path, text, memHost({ [path]: text }), { settings: defaultSettings() });
  return readable(apacheHover(r, path, text.indexOf('SetHandler') + 1)?.markdown ?? '');
}

for (const section of [true, false]) {
  test(`SetHandler "proxy:unix:…|fcgi://localhost" ${section ? 'with' : 'without'} <Proxy "fcgi://localhost/"> ProxySet timeout=5 waits ${section ? '5 s' : 'ProxyTimeout 1'}, and the hover says so (real apache2)`, async () => {
    const dir = tempDir('proxylint-sethandler-');
    const sock = join(dir, 'php-fpm.sock');
    const root = join(dir, 'www');
    mkdirSync(root, { recursive: true });
    writeFileSync(join(root, 'slow.php'), '<?php\n');
    const fpm = await startFastcgiStandin({ delayMs: 2500, deadlineMs: 30_000, unixPath: sock });
    const setup = await prepareApache(conf(sock, root, section), { dir });
    const httpd = await startApache(setup);
    try {
      const r = await request({ port: setup.port, path: '/slow.php', timeoutMs: 20_000 });
      if (section) assert.equal(r.status, 200, `${r.status} after ${r.ms} ms`);
      else {
        assert.equal(r.status, 504, `${r.status} after ${r.ms} ms`);
        assert.ok(r.ms < 2300, `${r.ms} ms`);
      }
    } finally {
      await httpd.stop();
      await fpm.stop();
      setup.cleanup();
    }
    const md = hoverOnSetHandler(conf('/run/php/php8.2-fpm.sock', '/var/www/html', section));
    assert.match(md, section ? /Backend timeout here:\*\* 5 s \(timeout=5\)/ : /Backend timeout here:\*\* 1 s \(ProxyTimeout 1/, md);
  });
}
