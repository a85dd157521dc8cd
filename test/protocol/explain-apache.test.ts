import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readFileSync, realpathSync } from 'node:fs';
import { tempTree } from '../helpers';
import { LspClient } from './client';

// The editor's explain (workspace/executeCommand) says what the CLI says for httpd lines whose values depend on the
// virtual host the request came to, for a line about a whole balancer, and for an AH01102 that ran into the wait for
// "100 Continue". What httpd does in each case is checked on the real server in test/servers/apache-vhost-timeouts,
// explain-apache-line-kinds and apache-ping-100-continue; the lines here are of the same shape, as httpd 2.4.71 wrote them.
const CONF = `ServerRoot /etc/apache2
LoadModule mpm_event_module /usr/lib/apache2/modules/mod_mpm_event.so
LoadModule authz_core_module /usr/lib/apache2/modules/mod_authz_core.so
LoadModule proxy_module /usr/lib/apache2/modules/mod_proxy.so
LoadModule proxy_http_module /usr/lib/apache2/modules/mod_proxy_http.so
LoadModule proxy_balancer_module /usr/lib/apache2/modules/mod_proxy_balancer.so
Listen 127.0.0.1:22031
Listen 127.0.0.1:22032
Timeout 3
ProxyPass "/m/" "http://127.0.0.1:21001/sleep/20/"
ProxyPass "/ping/" "http://127.0.0.1:21300/ping/" ping=1 timeout=3
<Proxy "balancer://norecover">
    BalancerMember "http://127.0.0.1:21096"
    ProxySet forcerecovery=Off
</Proxy>
ProxyPass "/norecover/" "balancer://norecover/"
<VirtualHost 127.0.0.1:22031>
    ServerName a.test
    Timeout 8
</VirtualHost>
<VirtualHost 127.0.0.1:22032>
    ServerName b.test
    ProxyTimeout 5
    RewriteEngine On
    RewriteRule "^/rw/(.*)$" "http://127.0.0.1:21400/$1" [P]
    <FilesMatch "\\.php$">
        SetHandler "proxy:unix:/run/php/php8.2-fpm.sock|fcgi://localhost"
    </FilesMatch>
</VirtualHost>
`;

test('workspace/executeCommand proxylint.server.explain: each virtual host\'s timeout for a main-server worker, a balancer line at its <Proxy>, and a 100-continue wait as 503', async () => {
  const tree = tempTree({ 'httpd.conf': CONF });
  const root = realpathSync(tree.dir);
  const c = new LspClient();
  try {
    await c.initialize(root);
    await c.open(join(root, 'httpd.conf'), readFileSync(join(root, 'httpd.conf'), 'utf8'));
    const explain = (lines: string[]) => c.request<string>('workspace/executeCommand', { command: 'proxylint.server.explain', arguments: [lines.join('\n')] });

    const vhosts = await explain([
      '[Sun Nov 22 20:14:24.071553 2026] [proxy_http:error] [pid 2089:tid 2093] (70007)The timeout specified has expired: [client 127.0.0.1:50510] AH01102: error reading status line from remote server 127.0.0.1:21001',
      '[Sun Nov 22 20:14:24.071589 2026] [proxy:error] [pid 2089:tid 2093] [client 127.0.0.1:50510] AH00898: Error reading from remote server returned by /m/x',
    ]);
    assert.match(vhosts, /\*\*In force there, for each candidate \(the lines do not say which one it was\):\*\*/, vhosts);
    assert.match(vhosts, /- `requests to a\.test <VirtualHost 127\.0\.0\.1:22031>` \(\[httpd\.conf:17\]\([^)]*\)\): backend timeout: `8 s`, Timeout 8/, vhosts);
    assert.match(vhosts, /- `requests to b\.test <VirtualHost 127\.0\.0\.1:22032>` \(\[httpd\.conf:21\]\([^)]*\)\): backend timeout: `5 s`, ProxyTimeout 5/, vhosts);
    // Both Listen addresses belong to virtual hosts: the main server's Timeout 3 reaches no request.
    assert.doesNotMatch(vhosts, /main server|`3 s`/, vhosts);

    const balancer = await explain(['[Sun Nov 22 20:14:36.683742 2026] [proxy_balancer:error] [pid 3453:tid 3455] [client 127.0.0.1:54534] AH01170: balancer://norecover: All workers are in error state']);
    assert.match(balancer, /\*\*Balancer:\*\* `balancer:\/\/norecover` at \[httpd\.conf:12\]/, balancer);
    assert.match(balancer, /forcerecovery: `Off`, ProxySet on the balancer: members in error state/, balancer);

    const ping = await explain([
      '[Sun Nov 22 20:14:32.310547 2026] [proxy_http:error] [pid 2949:tid 2958] (70007)The timeout specified has expired: [client 127.0.0.1:49902] AH01102: error reading status line from remote server 127.0.0.1:21300',
      '[Sun Nov 22 20:14:32.310581 2026] [proxy:error] [pid 2949:tid 2958] [client 127.0.0.1:49902] AH00898: Timeout on 100-Continue returned by /ping/x',
    ]);
    assert.doesNotMatch(ping, /client got 502/, ping);
    // The request's outcome, said once, and carried by its last try's first line; the AH00898 is part of that try.
    assert.match(ping, /\*\*Outcome:\*\* the client got 503 \(this failure ends the request\)\./, ping);
    assert.match(ping, /\*\*Apache httpd:\*\* the request's last try, which decided what the client got \(above\)/, ping);
    assert.match(ping, /\*\*Apache httpd:\*\* part of the same try as the line above/, ping);
    assert.match(ping, /wait for 100 Continue: `1 s`, ping=1 on the worker/, ping);

    // The single member of balancer://norecover refused (the three lines httpd 2.4.71 writes for it): with one member
    // there is no other try, and the editor says so as the CLI does (test/servers/explain-apache-tried).
    const refused = await explain([
      '[Mon Nov 23 01:02:01.258513 2026] [proxy:error] [pid 22165:tid 22186] (111)Connection refused: AH00957: http: attempt to connect to 127.0.0.1:21096 (127.0.0.1:21096) failed',
      '[Mon Nov 23 01:02:01.258562 2026] [proxy:error] [pid 22165:tid 22186] AH00959: ap_proxy_connect_backend disabling worker for (127.0.0.1:21096) for 60s',
      '[Mon Nov 23 01:02:01.258567 2026] [proxy_http:error] [pid 22165:tid 22186] [client 127.0.0.1:56792] AH01114: HTTP: failed to make connection to backend: 127.0.0.1',
    ]);
    assert.match(refused, /\*\*Tried:\*\* `127\.0\.0\.1:21096` \(refused\)/, refused);

    // A RewriteRule [P] and a SetHandler "proxy:unix:…" are backends, not balancers (before, both showed as
    // "**Balancer:** ``").
    const rewrite = await explain(['[Mon Nov 23 01:02:01.258513 2026] [proxy:error] [pid 22165:tid 22186] (111)Connection refused: AH00957: http: attempt to connect to 127.0.0.1:21400 (127.0.0.1:21400) failed']);
    assert.match(rewrite, /\*\*Backend:\*\* `RewriteRule http:\/\/127\.0\.0\.1:21400\/\$1 \[P\]` at \[httpd\.conf:25\]/, rewrite);
    const socket = await explain(['[Mon Nov 23 01:02:01.258513 2026] [proxy:error] [pid 22165:tid 22186] (2)No such file or directory: AH02454: FCGI: attempt to connect to Unix domain socket /run/php/php8.2-fpm.sock (localhost:8000) failed']);
    assert.match(socket, /\*\*Backend:\*\* `SetHandler "proxy:unix:\/run\/php\/php8\.2-fpm\.sock\|fcgi:\/\/localhost"` at \[httpd\.conf:27\]/, socket);
    assert.doesNotMatch(rewrite + socket, /\*\*Balancer:\*\*/);
    assert.match(refused, /\*\*Outcome:\*\* the client got 503 \(maxattempts \(not set: 0 with a single member\) allows 1 try in balancer:\/\/norecover, and all were used\)\./, refused);
    assert.doesNotMatch(refused, /unless the balancer then tried another member/, refused);
    // The three lines of the try name one member: its Backend line, its values and its request line are said with
    // the first line only (said again for each, a request of three lines read three times as long).
    assert.equal(refused.match(/\*\*Backend:\*\*/g)?.length, 1, refused);
    assert.equal(refused.match(/\*\*Request:\*\*/g)?.length, 1, refused);
  } finally {
    await c.stop();
    tree.cleanup();
  }
});
