// What explain says for a placed line follows the configuration's facts (see rules-here.ts and placedExplanation in
// explain.ts). The log lines are in the form nginx 1.22.1 and httpd 2.4.71 write them; the real-server tests
// explain-nginx-place-facts and explain-apache-tls-plain-port run the cases the servers can show live.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { explainLog, type CheckedNginx } from '../../server/src/core/explain/explain';
import { lintNginx } from '../../server/src/core/lint';
import { lintApache } from '../../server/src/core/lint-apache';
import { defaultSettings } from '../../server/src/core/settings';
import { memHost } from '../helpers';

function nginx(text: string): CheckedNginx {
  const path = '/cfg/nginx.conf';
  const settings = defaultSettings();
  const r = lintNginx(path, text, memHost({ [path]: text }), { settings });
  return { config: r.config, findings: r.findings, target: settings.nginx, upstreams: r.upstreams };
}
const apache = (path: string, text: string) => lintApache(path, text, memHost({ [path]: text }), { settings: defaultSettings() });

const ngx = (location: string, upstreams = '') => `events {}
http {
    ${upstreams}
    server {
        listen 127.0.0.1:8080;
        location / { ${location} }
    }
}
`;
const reset = (upstream: string) => `2026/11/25 02:00:01 [error] 4242#4242: *17 recv() failed (104: Connection reset by peer) while reading response header from upstream, client: 10.1.2.3, server: , request: "POST /svc.Api/Get HTTP/2.0", upstream: "${upstream}", host: "127.0.0.1:8080"`;

test('a reset behind grpc_pass lists no FastCGI rule; behind proxy_pass the rule that catches FastCGI settings there stays', () => {
  const grpc = explainLog([reset('grpc://127.0.0.1:50051')], [nginx(ngx('grpc_pass grpc://app;', 'upstream app { server 127.0.0.1:50051; keepalive 4; }'))]).entries[0];
  assert.ok(!grpc.rules.includes('fastcgi-settings-without-fastcgi-pass'), grpc.rules.join(' '));
  assert.ok(grpc.rules.includes('keepalive-timeout-races-backend'), grpc.rules.join(' '));
  const proxy = explainLog([reset('http://127.0.0.1:9000/x')], [nginx(ngx('fastcgi_param SCRIPT_FILENAME /var/www/index.php; proxy_pass http://127.0.0.1:9000;'))]).entries[0];
  assert.ok(proxy.rules.includes('fastcgi-settings-without-fastcgi-pass'), proxy.rules.join(' '));
  // A rule that reports whatever it looks for and found nothing in the linted configuration is not named.
  const plain = explainLog([reset('http://127.0.0.1:9000/x')], [nginx(ngx('proxy_pass http://127.0.0.1:9000;'))]).entries[0];
  assert.ok(!plain.rules.includes('fastcgi-settings-without-fastcgi-pass'), plain.rules.join(' '));
  // No group: the group's keepalive rules cannot report.
  assert.ok(!proxy.rules.includes('keepalive-timeout-races-backend'), proxy.rules.join(' '));
  // Without a configuration, the whole list.
  const bare = explainLog([reset('grpc://127.0.0.1:50051')], []).entries[0];
  assert.ok(bare.rules.includes('fastcgi-settings-without-fastcgi-pass'));
});

test('a refused connect: single-server-upstream only for a group of one; the DNS cause only for a backend written as a name', () => {
  const refused = (upstream: string) => `2026/11/25 02:00:01 [error] 4242#4242: *17 connect() failed (111: Connection refused) while connecting to upstream, client: 10.1.2.3, server: , request: "GET /x HTTP/1.1", upstream: "${upstream}", host: "127.0.0.1:8080"`;
  const one = explainLog([refused('http://10.0.0.5:9101/x')], [nginx(ngx('proxy_pass http://app;', 'upstream app { server 10.0.0.5:9101; }'))]).entries[0];
  assert.ok(one.rules.includes('single-server-upstream'), one.rules.join(' '));
  // One server on this machine: the rule does not count it a problem (nothing reported), so it is not named.
  const local1 = explainLog([refused('http://127.0.0.1:9101/x')], [nginx(ngx('proxy_pass http://app;', 'upstream app { server 127.0.0.1:9101; }'))]).entries[0];
  assert.ok(!local1.rules.includes('single-server-upstream'), local1.rules.join(' '));
  assert.doesNotMatch(one.explanation.pattern.meaning, /resolved to an old address/);
  const named = explainLog([refused('http://127.0.0.1:9101/x')], [nginx(ngx('proxy_pass http://app;', 'upstream app { server app.internal:9101; server 127.0.0.1:9102; }'))]).entries[0];
  assert.ok(!named.rules.includes('single-server-upstream'), named.rules.join(' '));
  assert.ok(named.rules.includes('hostname-resolved-at-startup'), named.rules.join(' '));
  assert.match(named.explanation.pattern.meaning, /resolved to an old address/);
  // A rule that reported on the location's lines is kept whatever the facts.
  const local = explainLog([refused('http://127.0.0.1:9101/x')], [nginx(ngx('proxy_pass http://localhost:9101;'))]).entries[0];
  assert.ok(local.rules.includes('localhost-upstream') && local.rules.includes('hostname-resolved-at-startup'), local.rules.join(' '));
});

test('a php-fpm socket that times out gets no FastCGI-protocol hint; a TCP fastcgi_pass still does', () => {
  const timeout = (upstream: string) => `2026/11/25 02:00:01 [error] 4242#4242: *17 upstream timed out (110: Connection timed out) while reading response header from upstream, client: 10.1.2.3, server: , request: "GET /index.php HTTP/1.1", upstream: "${upstream}", host: "127.0.0.1:8080"`;
  const fpm = explainLog([timeout('fastcgi://unix:/run/php/php8.2-fpm.sock:')], []).entries[0];
  assert.doesNotMatch(fpm.explanation.pattern.meaning, /speaks FastCGI at all/);
  const tcp = explainLog([timeout('fastcgi://127.0.0.1:9000')], []).entries[0];
  assert.match(tcp.explanation.pattern.meaning, /speaks FastCGI at all/);
});

const AH01102 = '[Wed Nov 25 01:54:05.532527 2026] [proxy_http:error] [pid 7442:tid 7462] [client 127.0.0.1:44506] AH01102: error reading status line from remote server 127.0.0.1:18932';

test('an httpd configuration that loads modules and listens is complete whatever its name: no "main configuration proxylint does not see"', () => {
  // apache2 -t accepted this file as main.conf (its MPM comes through the Include).
  const main = `Include /etc/apache2/mods-available/mpm_event.load
LoadModule proxy_module /usr/lib/apache2/modules/mod_proxy.so
LoadModule proxy_http_module /usr/lib/apache2/modules/mod_proxy_http.so
PidFile /tmp/e/httpd.pid
Listen 127.0.0.1:18931
ProxyPass "/app/" "http://127.0.0.1:18932/"
`;
  const values = (path: string, text: string) => explainLog([AH01102], [], [apache(path, text)]).entries[0].apache!.values.map((v) => v.origin).join('; ');
  assert.doesNotMatch(values('/srv/e/main.conf', main), /does not see/);
  // A vhost fragment stays one: its Timeout may come from the main configuration.
  assert.match(values('/srv/e/site.conf', 'ProxyPass "/app/" "http://127.0.0.1:18932/"\n'), /does not see/);
  // ports.conf alone (Listen lines only) is no main configuration either.
  assert.match(values('/srv/e/ports.conf', 'Listen 80\nProxyPass "/app/" "http://127.0.0.1:18932/"\n'), /does not see/);
});

test('AH01997 alone: 503 at an h2:// worker, 500 at an https:// one, both where the line does not tell', () => {
  const line = (port: number) => `[Wed Nov 25 01:54:05.521774 2026] [ssl:info] [pid 7442:tid 7453] [remote 127.0.0.1:${port}] AH01997: SSL handshake failed: sending 502`;
  const conf = 'ProxyPass "/h2/" "h2://127.0.0.1:9443/"\nProxyPass "/tls/" "https://127.0.0.1:9444/"\nProxyPass "/both/" "h2://127.0.0.1:9445/"\nProxyPass "/both2/" "https://127.0.0.1:9445/"\n';
  const status = (port: number) => {
    const e = explainLog([line(port)], [], [apache('/etc/apache2/apache2.conf', conf)]).entries[0];
    return { status: e.explanation.pattern.status, otherwise: !!e.explanation.pattern.otherwise };
  };
  assert.deepEqual(status(9443), { status: '503', otherwise: false });
  assert.deepEqual(status(9444), { status: '500', otherwise: false });
  assert.deepEqual(status(9445), { status: '500', otherwise: true });
});

test('httpd, explain --in: a rule that reports whatever it looks for and found nothing in the configuration is not named (review on httpd 2.4.71: no-connectiontimeout listed for members with connectiontimeout=2)', () => {
  const conf = (params: string) =>
    `<Proxy "balancer://app">\n    BalancerMember "http://127.0.0.1:9111"${params}\n    BalancerMember "http://127.0.0.1:9112"${params}\n</Proxy>\nProxyPass "/app/" "balancer://app/"\n`;
  const line = '[Mon Nov 23 01:02:23.691989 2026] [proxy:error] [pid 24218:tid 24227] (111)Connection refused: AH00957: http: attempt to connect to 127.0.0.1:9111 (127.0.0.1:9111) failed';
  const CONF_PATH = '/etc/apache2/httpd.conf';
  const rulesFor = (text: string, log = line) => explainLog([log], [], [lintApache(CONF_PATH, text, memHost({ [CONF_PATH]: text }), { settings: defaultSettings() })]).entries[0].rules;
  assert.ok(!rulesFor(conf(' connectiontimeout=2')).includes('no-connectiontimeout'));
  // Where the rule reports (no connectiontimeout on a host that is not this machine) it stays.
  assert.ok(rulesFor(conf('').replaceAll('127.0.0.1', '10.0.0.5'), line.replaceAll('127.0.0.1', '10.0.0.5')).includes('no-connectiontimeout'));
  // Without a configuration, the whole list.
  assert.ok(explainLog([line], []).entries[0].rules.includes('no-connectiontimeout'));
});
