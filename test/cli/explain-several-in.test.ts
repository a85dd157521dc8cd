// `proxylint explain` with --in given more than once: before, each --in replaced the one before it, so only the last
// configuration was read and a line of another was placed there or nowhere. Now each is read, nginx and httpd alike,
// and an nginx line goes to the configuration whose block listens on the Host's port (placement itself: see
// test/unit/explain-config-choice.test.ts and test/servers/explain-nginx-configs.test.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../helpers';
import { tree } from './util';

const NGINX = (port: number) => `events {}
http {
    server {
        listen 127.0.0.1:${port};
        location / {
            proxy_pass http://127.0.0.1:9000;
        }
    }
}
`;
const HTTPD = ['LoadModule mpm_event_module /usr/lib/apache2/modules/mod_mpm_event.so', 'LoadModule authz_core_module /usr/lib/apache2/modules/mod_authz_core.so', 'LoadModule proxy_module /usr/lib/apache2/modules/mod_proxy.so', 'LoadModule proxy_http_module /usr/lib/apache2/modules/mod_proxy_http.so', 'Listen 127.0.0.1:18080', 'ProxyPass "/app/" "http://127.0.0.1:19001/"', ''].join('\n');
const NGX_LINE = (port: number) => `2026/11/24 21:04:23 [error] 11978#11978: *4 connect() failed (111: Connection refused) while connecting to upstream, client: 127.0.0.1, server: , request: "GET /x HTTP/1.1", upstream: "http://127.0.0.1:9000/x", host: "127.0.0.1:${port}"`;
const HTTPD_LINE = '[Tue Nov 24 15:32:11.074248 2026] [proxy:error] [pid 1535:tid 1555] (111)Connection refused: AH00957: http: attempt to connect to 127.0.0.1:19001 (127.0.0.1:19001) failed';

test('explain --in a --in b: every configuration is read, and each line placed in its own', () => {
  const t = tree({ 'a/nginx.conf': NGINX(8080), 'b/nginx.conf': NGINX(8081), 'httpd.conf': HTTPD, 'error.log': [NGX_LINE(8081), NGX_LINE(8080), HTTPD_LINE, ''].join('\n') });
  try {
    const r = runCli(['explain', '--in', 'a/nginx.conf', '--in=b/nginx.conf', '--in', 'httpd.conf', '--log', 'error.log', '--format', 'json'], { cwd: t.dir });
    assert.equal(r.code, 0, r.stderr);
    const explained = (JSON.parse(r.stdout) as { explained: { example: string; place: { server: { path: string; line: number } } | null; backend?: { path: string; line: number } | null }[] }).explained;
    const rel = (p: { path: string; line: number } | null | undefined) => p && `${p.path.slice(t.dir.length + 1)}:${p.line}`;
    assert.equal(rel(explained.find((x) => x.example === NGX_LINE(8081))?.place?.server), 'b/nginx.conf:3');
    assert.equal(rel(explained.find((x) => x.example === NGX_LINE(8080))?.place?.server), 'a/nginx.conf:3');
    assert.equal(rel(explained.find((x) => x.example === HTTPD_LINE)?.backend), 'httpd.conf:6');
  } finally {
    t.cleanup();
  }
});

test('explain: an --in without a value is still a usage error', () => {
  for (const args of [['--in'], ['--in='], ['--in', 'x.conf', '--in']]) {
    const r = runCli(['explain', NGX_LINE(8080), ...args]);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
    assert.match(r.stderr, /--in needs a value/);
  }
});
