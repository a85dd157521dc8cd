// The SetHandler hover and the <Proxy "fcgi://localhost"> section hover of the PHP-FPM recipe. An Apache review found
// SetHandler had no hover, and the section's hover said no line sent requests there while the SetHandler did. The
// 503 and its two log lines are checked on the real httpd 2.4.71, with no PHP-FPM at the socket path.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { APX_LOG } from '../../server/src/core/docs/log-lines';
import { apacheHover } from '../../server/src/core/features/apache';
import { lintApache } from '../../server/src/core/lint-apache';
import { defaultSettings } from '../../server/src/core/settings';
import { memHost, readable, requireBinary } from '../helpers';
import { logHasLine, prepareApache, startApache } from './harness/apache';
import { request } from './harness/client';
import { tempDir } from './harness/nginx';
import { sleep } from './harness/proc';

requireBinary('apache2');

// The socket path the docs quote: the test needs it to be absent (no PHP-FPM on this machine), as after a stopped FPM.
const SOCKET = '/run/php/php8.2-fpm.sock';
const RECIPE = [
  '<Proxy "fcgi://localhost" enablereuse=on max=10>',
  '</Proxy>',
  '<FilesMatch "\\.php$">',
  `    SetHandler "proxy:unix:${SOCKET}|fcgi://localhost"`,
  '</FilesMatch>',
  '',
].join('\n');

test('SetHandler to a PHP-FPM socket that is not there: 503 with the AH02454 and AH01079 lines the hover quotes (real apache2)', { skip: existsSync(SOCKET) ? `${SOCKET} exists on this machine` : false }, async () => {
  // The document root lives in the setup's own folder.
  const dir = tempDir('proxylint-apache-');
  const setup = await prepareApache(`DocumentRoot "${dir}/www"\n<Directory "${dir}/www">\n    Require all granted\n</Directory>\n${RECIPE}`, { dir, files: { 'www/index.php': '<?php echo "hi";\n' } });
  const httpd = await startApache(setup);
  try {
    const r = await request({ port: setup.port, path: '/index.php', timeoutMs: 8000 });
    assert.equal(r.status, 503);
    await sleep(150);
    const log = httpd.errorLog();
    assert.ok(logHasLine(log, APX_LOG.fcgiSocketMissing), `${APX_LOG.fcgiSocketMissing}\nnot in:\n${log}`);
    assert.ok(logHasLine(log, APX_LOG.fcgiNoConnection), `${APX_LOG.fcgiNoConnection}\nnot in:\n${log}`);
  } finally {
    await httpd.stop();
    setup.cleanup();
  }
});

test('hovers of the PHP-FPM recipe: SetHandler explains the proxy handler; the <Proxy> section lists the SetHandler that uses it', () => {
  const text = `LoadModule mpm_event_module /usr/lib/apache2/modules/mod_mpm_event.so\nLoadModule proxy_module /usr/lib/apache2/modules/mod_proxy.so\nLoadModule proxy_fcgi_module /usr/lib/apache2/modules/mod_proxy_fcgi.so\n${RECIPE}<Proxy "http://127.0.0.1:8080/">\n</Proxy>\n`;
  const r = lintApache('/c/httpd.conf', text, memHost({ '/c/httpd.conf': text }), { settings: defaultSettings() });
  const hover = (needle: string) => readable(apacheHover(r, '/c/httpd.conf', text.indexOf(needle) + 2)?.markdown ?? '');
  const handler = hover('SetHandler');
  assert.match(handler, /\*\*503\*\*, logged as `AH02454`/);
  assert.match(handler, /200 with the PHP source/);
  assert.ok(handler.includes(APX_LOG.fcgiSocketMissing), handler);
  const section = hover('<Proxy "fcgi://localhost"');
  assert.match(section, /\*\*Handed to it by SetHandler:\*\*\n\n- `SetHandler "proxy:unix:\/run\/php\/php8\.2-fpm\.sock\|fcgi:\/\/localhost"` \(line 7\)/, section);
  assert.doesNotMatch(section, /no ProxyPass line sends requests there/);
  // A section no line uses still says so.
  assert.match(hover('<Proxy "http://127.0.0.1:8080/"'), /no ProxyPass or SetHandler line sends requests there/);
});
