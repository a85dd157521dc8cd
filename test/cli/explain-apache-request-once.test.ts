// explain --log on httpd's three lines for one refused try (AH00957, AH00959, AH01114 of one thread), twice: the
// answer repeated the request's outcome on its first line, and the Backend and Request lines on each of the three,
// so a two-request log read as 30 lines. The worker, its values and the outcome are now said once per request.
// The lines are the shape httpd 2.4.71 writes for a ProxyPass to a port where nothing listens
// (test/servers/explain-apache-tried runs it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../helpers';
import { tree } from './util';

const CONF = [
  'LoadModule mpm_event_module /usr/lib/apache2/modules/mod_mpm_event.so',
  'LoadModule authz_core_module /usr/lib/apache2/modules/mod_authz_core.so',
  'LoadModule proxy_module /usr/lib/apache2/modules/mod_proxy.so',
  'LoadModule proxy_http_module /usr/lib/apache2/modules/mod_proxy_http.so',
  'Listen 127.0.0.1:18080',
  '<VirtualHost 127.0.0.1:18080>',
  '    ServerName app.example.test',
  '    ProxyPass "/api/" "http://127.0.0.1:35977/"',
  '</VirtualHost>',
  '',
].join('\n');

const TRY = (tid: number, s: string, client: number) => [
  `[Mon Nov 23 01:02:${s}.490400 2026] [proxy:error] [pid 24381:tid ${tid}] (111)Connection refused: AH00957: http: attempt to connect to 127.0.0.1:35977 (127.0.0.1:35977) failed`,
  `[Mon Nov 23 01:02:${s}.490456 2026] [proxy:error] [pid 24381:tid ${tid}] AH00959: ap_proxy_connect_backend disabling worker for (127.0.0.1:35977) for 60s`,
  `[Mon Nov 23 01:02:${s}.490461 2026] [proxy_http:error] [pid 24381:tid ${tid}] [client 127.0.0.1:${client}] AH01114: HTTP: failed to make connection to backend: 127.0.0.1`,
];

test('explain --log: the lines of one httpd try name their worker, its values and the outcome once', () => {
  const t = tree({ 'httpd.conf': CONF, 'error.log': [...TRY(24389, '26', 35388), ...TRY(24390, '27', 35390), ''].join('\n') });
  try {
    const r = runCli(['explain', '--in', 'httpd.conf', '--log', 'error.log'], { cwd: t.dir });
    assert.equal(r.code, 0, r.stderr);
    const out = r.stdout;
    assert.match(out, /^2 × one request, logged in 3 lines by one httpd thread/, out);
    assert.equal(out.match(/Backend: ProxyPass http:\/\/127\.0\.0\.1:35977\/ at httpd\.conf:8/g)?.length, 1, out);
    assert.equal(out.match(/Request: backend/g)?.length, 1, out);
    // The outcome: in the request's heading, and the line that decided it points there.
    assert.equal(out.match(/the client got 503/gi)?.length, 1, out);
    assert.match(out, /Apache httpd: the request's last try, which decided what the client got \(above\)\./, out);
    // What only a later line has is still said with it.
    assert.match(out, /AH00959[^\n]*\n(    [^\n]*\n)*    In force there:\n      retry 60 s/, out);
  } finally {
    t.cleanup();
  }
});
