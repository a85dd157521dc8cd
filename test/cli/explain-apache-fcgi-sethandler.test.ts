// explain on a mod_proxy_fcgi line that names no backend (AH01075 "(polling)", AH01067): PHP-FPM is usually reached
// through SetHandler "proxy:unix:…|fcgi://localhost", not a ProxyPass. The answer used to name only the fcgi://
// ProxyPass(Match) workers and their timeout (5 s here) as if certain, where on 2.4.71 the request of this line went
// through the SetHandler and the <Proxy "fcgi://localhost/" timeout=3> worker (504 after 3 s); with no fcgi:// worker
// at all, the line was not placed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../helpers';
import { tree } from './util';

// As apache2 2.4.71 logged it for a request to the SetHandler below (a FastCGI stand-in on the socket that never answered).
const LOG = '[Tue Nov 24 15:32:11.074248 2026] [proxy_fcgi:error] [pid 1535:tid 1555] (70007)The timeout specified has expired: [client 127.0.0.1:52864] AH01075: Error dispatching request to : (polling)\n';

const HEAD = ['LoadModule mpm_event_module /usr/lib/apache2/modules/mod_mpm_event.so', 'LoadModule authz_core_module /usr/lib/apache2/modules/mod_authz_core.so', 'LoadModule proxy_module /usr/lib/apache2/modules/mod_proxy.so', 'LoadModule proxy_fcgi_module /usr/lib/apache2/modules/mod_proxy_fcgi.so', 'Listen 127.0.0.1:18080'];
const FPM = ['<VirtualHost 127.0.0.1:18080>', '    ServerName fpm.example.test', '    <Proxy "fcgi://localhost/" enablereuse=on timeout=3>', '    </Proxy>', '    <FilesMatch "\\.php$">', '        SetHandler "proxy:unix:/run/php/php8.2-fpm.sock|fcgi://localhost"', '    </FilesMatch>', '</VirtualHost>'];
const APP = ['<VirtualHost 127.0.0.1:18080>', '    ServerName app.example.test', '    ProxyTimeout 5', '    ProxyPassMatch "^/fcgi/(.*\\.php)$" "fcgi://127.0.0.1:9000/srv/www/$1"', '</VirtualHost>'];

function explain(lines: string[]): string {
  const t = tree({ 'httpd.conf': [...HEAD, ...lines, ''].join('\n'), 'error.log': LOG });
  try {
    const r = runCli(['explain', '--in', 'httpd.conf', '--log', 'error.log'], { cwd: t.dir });
    return r.stdout + r.stderr;
  } finally {
    t.cleanup();
  }
}

test('with a SetHandler to PHP-FPM beside an fcgi:// ProxyPassMatch, the answer says the line may be about either', () => {
  const out = explain([...APP, ...FPM]);
  assert.match(out, /SetHandler "proxy:unix:\/run\/php\/php8\.2-fpm\.sock\|fcgi:\/\/localhost" \(.*httpd\.conf:16\) also sends requests to mod_proxy_fcgi, through a worker of its own, and the line does not say which/, out);
});

test('with only a SetHandler to PHP-FPM, the line is placed at it', () => {
  const out = explain(FPM);
  assert.match(out, /Backend: SetHandler/, out);
  assert.match(out, /no ProxyPass or BalancerMember is fcgi:\/\/, and this SetHandler sends requests to it/, out);
});
