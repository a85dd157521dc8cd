import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { APX_LOG, NGX_LOG } from '../../server/src/core/docs/log-lines';
import { explainedStatus, explainLogLine, LOG_PATTERNS, MAX_LOG_LINE, statusText } from '../../server/src/core/explain/log-patterns';
import { findNginxPlace } from '../../server/src/core/explain/nginx-place';
import { explainLog } from '../../server/src/core/explain/explain';
import { allRuleIds } from '../../server/src/core/rules/index';
import { lintText, runCli, tempTree } from '../helpers';

const NGX = (message: string, rest = ', client: 10.1.2.3, server: shop.example.com, request: "POST /api/orders?id=7 HTTP/1.1", upstream: "fastcgi://127.0.0.1:9000", host: "shop.example.com"') =>
  `2026/11/22 13:40:01 [error] 4242#4242: *17 ${message}${rest}`;

test('explain: the runtime log lines the hovers quote are explained as the right kind, with the status the catalogue gives', () => {
  const want: [string, string, string][] = [
    [NGX_LOG.connectTimeout, 'nginx-connect-timeout', '504'],
    [NGX_LOG.sendTimeout, 'nginx-send-timeout', '504'],
    [NGX_LOG.headerTimeout, 'nginx-header-timeout', '504'],
    [NGX_LOG.bodyTimeout, 'nginx-body-timeout', 'response cut short (200 already sent)'],
    [NGX_LOG.refused, 'nginx-refused', '502'],
    [NGX_LOG.noLive, 'nginx-no-live-upstreams', '502'],
    [NGX_LOG.premature, 'nginx-premature-close', '502'],
    [NGX_LOG.tooBig, 'nginx-too-big-header', '502'],
    [NGX_LOG.noResolver, 'nginx-no-resolver', '502'],
    [NGX_LOG.resolverRefused, 'nginx-resolver-unreachable', '502'],
    [NGX_LOG.resolveTimeout, 'nginx-not-resolved', '502'],
    [NGX_LOG.sniMismatch, 'nginx-tls-name', '502'],
    [NGX_LOG.wrongVersion, 'nginx-tls-wrong-version', '502'],
    [NGX_LOG.hostNotFound, 'nginx-host-not-found', 'nginx will not start or reload'],
    [NGX_LOG.kernelConnectTimeout, 'nginx-kernel-connect-timeout', '502'],
    [NGX_LOG.portsExhausted, 'nginx-ports-exhausted', '502'],
    [NGX_LOG.bindFailed, 'nginx-bind-failed', '500'],
    [NGX_LOG.resetBeforeHeader, 'nginx-reset', '502'],
    [NGX_LOG.fcgiStdoutClosed, 'nginx-fastcgi-no-header', '502'],
    [NGX_LOG.authUnexpected, 'nginx-auth-request', '500'],
    [NGX_LOG.tlsVerifyLeaf, 'nginx-tls-verify', '502'],
    [NGX_LOG.tlsVerifyIssuer, 'nginx-tls-verify', '502'],
    [NGX_LOG.tlsVerifyNoRoot, 'nginx-tls-verify', '502'],
    [NGX_LOG.v6Unreachable, 'nginx-unreachable', '502'],
    [NGX_LOG.clientSendTimeout, 'nginx-client-send-timeout', 'response cut short (200 already sent)'],
    [APX_LOG.connectTimeout, 'apache-connect-failed', '503'],
    [APX_LOG.noConnection, 'apache-no-connection', '503'],
    [APX_LOG.readTimeout, 'apache-read-timeout', '502'],
    [APX_LOG.closedByBackend, 'apache-closed-by-backend', '502'],
    [APX_LOG.fcgiTimeout, 'apache-fcgi-timeout', '504'],
    [APX_LOG.bodyStall, 'apache-body-error', 'response cut short (200 already sent)'],
    [APX_LOG.bigHeader, 'apache-big-header', '502'],
    [APX_LOG.badHeader, 'apache-bad-header', '502'],
    [APX_LOG.workerDisabled, 'apache-worker-disabled', '503'],
    [APX_LOG.dnsFailure, 'apache-dns-failure', '500'],
    [APX_LOG.noHandler, 'apache-no-handler', '500'],
    [APX_LOG.noSsl, 'apache-no-ssl', '500'],
    [APX_LOG.noSslHint, 'apache-no-ssl', '500'],
    // Each status as the server test named in CHECKED_BY_SERVER_TEST observed it on apache2 2.4.71.
    [APX_LOG.passBodyTimeout, 'apache-pass-body-timeout', '504'],
    [APX_LOG.passBodyFailedHttp, 'apache-pass-body-failed', '500, 502, 504 or 408'],
    [APX_LOG.prefetchTimeout, 'apache-client-body-timeout', '408'],
    [APX_LOG.readBodyTimeout, 'apache-client-body-timeout', '408'],
    [APX_LOG.bodyReadTimeout, 'apache-reqtimeout-body', '408'],
    [APX_LOG.acquireFailed, 'apache-acquire-failed', '503'],
    [APX_LOG.routeInError, 'apache-route-in-error', '503'],
    [APX_LOG.allInError, 'apache-all-in-error', '503'],
    [APX_LOG.certNotVerified, 'apache-tls-cert-check', '500'],
    [APX_LOG.certExpired, 'apache-tls-cert-check', '500'],
    [APX_LOG.certNameMismatch, 'apache-tls-cert-check', '500'],
    [APX_LOG.certCnMismatch, 'apache-tls-cert-check', '500'],
    [APX_LOG.sslHandshake, 'apache-tls-handshake', '500'],
    [APX_LOG.pingTimeout, 'apache-100-continue-timeout', '503'],
    [APX_LOG.badHeaderIgnored, 'apache-bad-header-tolerated', '200'],
    [APX_LOG.badHeaderStartBody, 'apache-bad-header-tolerated', '200'],
    [APX_LOG.fcgiNoHeader, 'apache-fcgi-no-header', '503'],
    [APX_LOG.fcgiDispatchFailed, 'apache-fcgi-dispatch-failed', '503'],
    [APX_LOG.fcgiSendFailed, 'apache-fcgi-send-failed', '503'],
    [APX_LOG.failOnStatusLine, 'apache-failonstatus', '500'],
    [APX_LOG.failOnTimeoutLine, 'apache-failontimeout', '502'],
  ];
  for (const [line, id, status] of want) {
    const e = explainLogLine(line);
    assert.equal(e?.pattern.id, id, line);
    assert.equal(e!.pattern.status, status, line);
  }
  // Common lines without a lab copy here: the status nginx's source gives them, and the wording for retried requests.
  const kinds: [string, string][] = [
    ['connect() to unix:/run/php/php8.2-fpm.sock failed (11: Resource temporarily unavailable) while connecting to upstream', 'nginx-unix-socket-busy'],
    ['connect() to unix:/run/gunicorn.sock/api/x failed (20: Not a directory) while connecting to upstream', 'nginx-unix-socket'],
    ['connect() to unix:/run/php/php8.2-fpm.sock failed (111: Connection refused) while connecting to upstream', 'nginx-unix-socket-stale'],
    ['connect() to unix:/run/php/php8.2-fpm.sock failed (13: Permission denied) while connecting to upstream', 'nginx-unix-socket-denied'],
    ['recv() failed (104: Connection reset by peer) while reading upstream', 'nginx-reset-body'],
    ['readv() failed (104: Connection reset by peer) while reading upstream', 'nginx-reset-body'],
    ['writev() failed (32: Broken pipe) while sending request to upstream', 'nginx-send-failed'],
    ['upstream server temporarily disabled while connecting to upstream', 'nginx-server-disabled'],
    ['client prematurely closed connection while reading response header from upstream', 'nginx-client-closed'],
  ];
  for (const [line, id] of kinds) assert.equal(explainLogLine(NGX(line))?.pattern.id, id, line);
  assert.match(statusText(explainLogLine(NGX(NGX_LOG.refused))!.pattern), /^502, if no other server of the group was tried after it/);
  assert.equal(statusText(explainLogLine(NGX(NGX_LOG.noLive))!.pattern), '502');
  assert.equal(explainLogLine('2026/11/22 13:40:01 [notice] 1#1: signal process started'), undefined);
  assert.equal(explainLogLine(''), undefined);
});

test('explain: the upstream TLS and FastCGI lines nginx 1.22.1 writes in the lab are explained as 502 (peer closed in the handshake, a reset there, FastCGI version 72)', () => {
  for (const [message, id] of [
    [NGX_LOG.tlsPeerClosed, 'nginx-tls-handshake'],
    [NGX_LOG.tlsPeerClosed.replace('handshake while', 'handshake (104: Connection reset by peer) while'), 'nginx-tls-handshake'],
    [NGX_LOG.fcgiUnsupportedVersion, 'nginx-fastcgi-not-fastcgi'],
  ]) {
    const e = explainLogLine(NGX(message));
    assert.equal(e?.pattern.id, id, message);
    assert.equal(e?.pattern.status, '502', message);
  }
  // php-fpm's stderr lines (nginx 1.22.1 + php-fpm 8.2): a missing script is php-fpm's own 404, a fatal error its 500.
  assert.equal(explainLogLine(NGX('FastCGI sent in stderr: "Primary script unknown" while reading response header from upstream'))?.pattern.status, '404');
  const fatal = explainLogLine(NGX(NGX_LOG.fcgiStderrHeader));
  assert.equal(fatal?.pattern.id, 'nginx-fastcgi-stderr');
  assert.ok(fatal?.pattern.statuses.includes('502') && fatal.pattern.otherwise?.includes('fastcgi_catch_stderr'));
});

test('explain --log: a FastCGI stderr record that goes on over several physical lines (a PHP stack trace) is read as one line; the lines it covers count as blank', () => {
  // As nginx 1.22.1 wrote it for php-fpm 8.2 and an uncaught exception (the client got 500).
  const record = [
    '2026/11/24 07:08:58 [error] 18137#18137: *3 FastCGI sent in stderr: "PHP message: PHP Fatal error:  Uncaught Exception: boom in /app/fatal.php:1',
    'Stack trace:',
    '#0 {main}',
    '  thrown in /app/fatal.php on line 1" while reading response header from upstream, client: 127.0.0.1, server: , request: "GET /fatal.php HTTP/1.1", upstream: "fastcgi://127.0.0.1:9000", host: "127.0.0.1"',
  ];
  const log = explainLog([...record, '2026/11/24 07:08:59 [notice] 1#1: signal process started'], []);
  assert.equal(log.entries.length, 1);
  assert.equal(log.entries[0].explanation.pattern.id, 'nginx-fastcgi-stderr');
  assert.equal(log.entries[0].explanation.fields.path, '/fatal.php');
  assert.equal(log.entries[0].explanation.fields.upstream, 'fastcgi://127.0.0.1:9000');
  assert.equal(log.blank, 3);
  assert.equal(log.unknown, 1);
  // Without its end (nginx cuts a record at 2 KiB, or a paste stops early) the record runs to the input's end and is
  // read as a record without its end (test/servers/explain-nginx-fastcgi-stderr-cut.test.ts has nginx's own).
  const cut = explainLog(record.slice(0, 3), []);
  assert.deepEqual(cut.entries.map((e) => e.explanation.pattern.id), ['nginx-fastcgi-stderr-cut']);
  assert.equal(cut.blank, 2);
  assert.equal(cut.unknown, 0);
});

test('explain: every pattern names only existing rules and says what the client sees', () => {
  const ids = allRuleIds();
  for (const p of LOG_PATTERNS) {
    for (const r of p.rules) assert.ok(ids.has(r), `${p.id}: unknown rule ${r}`);
    assert.ok(p.statuses.length > 0 && p.meaning.length > 20, p.id);
  }
  assert.equal(new Set(LOG_PATTERNS.map((p) => p.id)).size, LOG_PATTERNS.length, 'ids are unique');
});

test('explain: an nginx line gives its request, backend and module family; the directives are that family\'s', () => {
  const e = explainLogLine(NGX('upstream timed out (110: Connection timed out) while reading response header from upstream'))!;
  assert.deepEqual(e.fields, { client: '10.1.2.3', serverName: 'shop.example.com', method: 'POST', path: '/api/orders', upstream: 'fastcgi://127.0.0.1:9000', host: 'shop.example.com', family: 'fastcgi' });
  assert.deepEqual(e.directives, ['fastcgi_read_timeout', 'fastcgi_next_upstream', 'fastcgi_next_upstream_tries']);
  const a = explainLogLine(APX_LOG.readTimeout)!;
  assert.equal(a.fields.client, '127.0.0.1:41822');
  assert.equal(a.fields.upstream, '127.0.0.1:19001');
});

test('explain: the location is chosen as nginx chooses it (exact, longest prefix, ^~, regex in order, nested)', () => {
  const conf = `events {}
http {
    server {
        listen 80;
        server_name a.test;
        location / { proxy_pass http://127.0.0.1:1; }
    }
    server {
        listen 80;
        server_name b.test *.b.test;
        location / { proxy_pass http://127.0.0.1:1; }
        location = /exact { proxy_pass http://127.0.0.1:1; }
        location /api/ {
            location ~ \\.json$ { proxy_pass http://127.0.0.1:1; }
            proxy_pass http://127.0.0.1:1;
        }
        location ^~ /static/ { proxy_pass http://127.0.0.1:1; }
        location ~* \\.(png|css)$ { proxy_pass http://127.0.0.1:1; }
        location ~ ^/api/v2/ { proxy_pass http://127.0.0.1:1; }
    }
}
`;
  const { config } = lintText(conf);
  const at = (fields: Parameters<typeof findNginxPlace>[1]) => {
    const p = findNginxPlace(config, fields);
    return p ? `${p.server.children.find((c) => c.name === 'server_name')!.directive.args[0].value} ${p.location?.directive.args.map((a) => a.value).join(' ') ?? '-'}` : 'none';
  };
  assert.equal(at({ serverName: 'b.test', path: '/exact' }), 'b.test = /exact');
  assert.equal(at({ serverName: 'b.test', path: '/exact/more' }), 'b.test /');
  assert.equal(at({ serverName: 'b.test', path: '/api/users' }), 'b.test /api/');
  assert.equal(at({ serverName: 'b.test', path: '/api/users.json' }), 'b.test ~ \\.json$', 'nested regex of the longest prefix');
  assert.equal(at({ serverName: 'b.test', path: '/api/v2/x' }), 'b.test ~ ^/api/v2/', 'a regex beats the prefix');
  assert.equal(at({ serverName: 'b.test', path: '/static/logo.PNG' }), 'b.test ^~ /static/', '^~ stops the regex search');
  assert.equal(at({ serverName: 'b.test', path: '/img/logo.PNG' }), 'b.test ~* \\.(png|css)$');
  assert.equal(at({ host: 'www.b.test:8080', path: '/' }), 'b.test /', 'wildcard server_name against the Host');
  assert.equal(at({ serverName: 'a.test', path: '/x' }), 'a.test /');
  // The Host's port prefers the blocks listening there; with none there (a port mapping in front) it is ignored.
  const ports = lintText('events {}\nhttp {\n    server { listen 8080; location / { return 200; } }\n    server { listen 80; location / { return 200; } }\n}\n').config;
  const line = (host: string) => findNginxPlace(ports, { host, path: '/' });
  assert.equal(line('10.0.0.1:8080')?.server.children[0].directive.args[0].value, '8080');
  assert.equal(line('10.0.0.1:8080')?.byName, true);
  assert.equal(line('10.0.0.1:9999'), undefined, 'no block on 9999, two blocks, no default_server: nothing is guessed');
  assert.equal(at({ serverName: 'nope.test', host: 'nope.test' }), 'none');
});

test('explain CLI: --in places the line (nginx location, Apache worker) and shows the values in force; --log counts repeated lines; exit codes', () => {
  const tree = tempTree({
    'nginx.conf': `events {}\nhttp {\n    proxy_read_timeout 5s;\n    server {\n        listen 80;\n        server_name shop.example.com;\n        location /api/ {\n            fastcgi_read_timeout 2s;\n            fastcgi_pass 127.0.0.1:9000;\n        }\n    }\n}\n`,
  });
  try {
    const conf = join(tree.dir, 'nginx.conf');
    const line = NGX('upstream timed out (110: Connection timed out) while reading response header from upstream');
    const one = runCli(['explain', '--in', conf, line], { cwd: tree.dir });
    assert.equal(one.code, 0, one.stderr);
    assert.match(one.stdout, /the client got 504/);
    assert.match(one.stdout, /location \/api\/ at nginx\.conf:7/);
    assert.match(one.stdout, /fastcgi_read_timeout 2s {2}\(set here, nginx\.conf:8\)/);
    assert.match(one.stdout, /fastcgi_next_upstream error timeout {2}\(default\)/);
    assert.match(one.stdout, /read-timeout-too-low/, 'the rule that flags 2s is named, with its finding');

    const log = join(tree.dir, 'error.log');
    writeFileSync(log, [line, line, '2026/11/22 13:40:01 [notice] 1#1: signal process started', line.replace('reading response header from upstream', 'connecting to upstream'), ''].join('\n'));
    const json = runCli(['explain', '--in', conf, '--log', log, '--format', 'json'], { cwd: tree.dir });
    assert.equal(json.code, 0, json.stderr);
    const out = JSON.parse(json.stdout);
    assert.deepEqual(out.explained.map((x: { id: string; count: number }) => `${x.id}×${x.count}`), ['nginx-header-timeout×2', 'nginx-connect-timeout×1']);
    assert.equal(out.unknownLines, 1);
    assert.deepEqual(out.explained[0].place.location, { path: conf, line: 7, match: '/api/' });
    assert.deepEqual(out.explained[1].values[0], { directive: 'fastcgi_connect_timeout', value: '60s', origin: 'default' });
    // The server block given alone (a conf.d file): a default there is only what applies unless the http block that
    // includes it sets the value, as nginx.conf above sets proxy_read_timeout.
    const site = join(tree.dir, 'site.conf');
    writeFileSync(site, 'server {\n    listen 80;\n    server_name shop.example.com;\n    location /api/ {\n        fastcgi_pass 127.0.0.1:9000;\n    }\n}\n');
    const alone = runCli(['explain', '--in', site, line], { cwd: tree.dir });
    assert.equal(alone.code, 0, alone.stderr);
    assert.match(alone.stdout, /fastcgi_read_timeout 60s {2}\(default, unless the configuration that includes this file sets it\)/);
    const aloneJson = JSON.parse(runCli(['explain', '--in', site, line, '--format', 'json'], { cwd: tree.dir }).stdout);
    assert.equal(aloneJson.explained[0].values[0].includerMaySet, true, JSON.stringify(aloneJson.explained[0].values));

    // A log with more lines than a function call takes arguments, past the default size limit with --max-file-size.
    writeFileSync(log, (line + '\n').repeat(150_000));
    const many = runCli(['explain', '--in', conf, '--log', log, '--max-file-size', String(200 * 1024 * 1024), '--format', 'json'], { cwd: tree.dir });
    assert.equal(many.code, 0, many.stderr);
    assert.equal(JSON.parse(many.stdout).explained[0].count, 150_000);

    const none = runCli(['explain', 'hello world'], { cwd: tree.dir });
    assert.equal(none.code, 1);
    // Nothing explained: the output shows which line was read (a wrong file, a cut line), not just a count.
    assert.equal(none.stdout.split('\n').slice(0, 2).join('\n'), 'No line explained: the line is not about a failed proxied request that proxylint knows.\n  line 1: hello world');
    const four = runCli(['explain', '--log', '-'], { cwd: tree.dir, input: 'a\nb\n\nc\nd\n' });
    assert.match(four.stdout, /^No line explained: none of the 4 lines is .*\n {2}line 1: a\n {2}line 2: b\n {2}line 4: c\n {2}… and 1 more\n/);
    assert.equal(runCli(['explain'], { cwd: tree.dir }).code, 2);
    assert.equal(runCli(['explain', '--in', join(tree.dir, 'missing.conf'), line], { cwd: tree.dir }).code, 2);
    assert.equal(runCli(['explain', '--bogus', line], { cwd: tree.dir }).code, 2);
    // Input errors say what to give instead; no match in a pipe is "nothing explained" (1), not an error.
    const folder = runCli(['explain', '--in', tree.dir, line], { cwd: tree.dir });
    assert.equal(folder.code, 2);
    assert.match(folder.stderr, /is a folder: give the main configuration file/);
    assert.match(runCli(['explain', '--in=', line], { cwd: tree.dir }).stderr, /--in needs a value/);
    // NUL bytes are no reason to refuse a log: nginx writes a malformed request line as it came (nginx 1.22.1, at
    // error: "broken header" from a proxy_protocol listener that got FastCGI), beside the line that says what failed.
    const junk = '2026/11/24 08:46:41 [error] 23593#23593: *69 broken header: "\x01\x01\x00\x01\x00\b" while reading PROXY protocol, client: 127.0.0.1, server: 127.0.0.1:18806';
    writeFileSync(join(tree.dir, 'nul.log'), Buffer.from(`${junk}\n${line}\n`, 'latin1'));
    const nul = runCli(['explain', '--log', join(tree.dir, 'nul.log'), '--format', 'json'], { cwd: tree.dir });
    assert.equal(nul.code, 0, nul.stderr);
    // Both are explained: the "broken header" is the proxy_protocol listener's own side of the mismatch.
    assert.deepEqual(JSON.parse(nul.stdout).explained.map((e: { id: string }) => e.id).sort(), ['nginx-header-timeout', 'nginx-proxy-protocol-broken-header']);
    assert.equal(runCli(['explain', '--log', '-', '--format', 'json'], { cwd: tree.dir, input: `${junk}\n${line}\n` }).code, 0);
    // Shown back, its control bytes are written out rather than sent to the terminal.
    const junkOnly = runCli(['explain', '--log', '-'], { cwd: tree.dir, input: `${junk}\n` });
    assert.equal(junkOnly.code, 0);
    assert.ok(junkOnly.stdout.includes('broken header: "\\x01\\x01\\x00\\x01\\x00\\x08" while'), junkOnly.stdout);
    assert.doesNotMatch(junkOnly.stdout, /[\x00-\x08]/);
    // A rotated, compressed log is named as such instead of being read as noise.
    writeFileSync(join(tree.dir, 'error.log.2.gz'), gzipSync(`${line}\n`));
    const gz = runCli(['explain', '--log', join(tree.dir, 'error.log.2.gz')], { cwd: tree.dir });
    assert.equal(gz.code, 2);
    assert.match(gz.stderr, /is gzip-compressed: give it uncompressed \(zcat \S*error\.log\.2\.gz \| proxylint explain --log -\)/);
    assert.equal(runCli(['explain', '--log', '-'], { cwd: tree.dir, input: '' }).code, 1);
    // Nor is a pipe of blank lines: the white-space-only standard input the lint command refuses is no line here.
    const blank = runCli(['explain', '--log', '-'], { cwd: tree.dir, input: '  \n\n' });
    assert.equal(blank.code, 1, blank.stderr);
    assert.equal(blank.stderr, '');
    // An httpd configuration: the line goes to the worker of the backend it names, with the timeouts in force for it.
    const httpd = join(tree.dir, 'httpd.conf');
    writeFileSync(httpd, 'LoadModule proxy_module modules/mod_proxy.so\nLoadModule proxy_http_module modules/mod_proxy_http.so\nProxyTimeout 30\n<VirtualHost *:80>\n    ProxyPass /app/ http://10.0.0.5:8080/\n    ProxyPass /report/ http://127.0.0.1:19001/ timeout=3\n</VirtualHost>\n');
    const apache = runCli(['explain', '--in', httpd, APX_LOG.readTimeout, '--format', 'json'], { cwd: tree.dir });
    assert.equal(apache.code, 0, apache.stderr);
    const a = JSON.parse(apache.stdout).explained[0];
    assert.equal(a.id, 'apache-read-timeout');
    assert.deepEqual([a.backend.line, a.backend.url], [6, 'http://127.0.0.1:19001/']);
    assert.deepEqual(a.timeouts[0], { name: 'backend timeout', value: '3 s', origin: 'timeout=3 on the worker', at: { path: httpd, line: 6 } });
    // AH01114 names the host only: with two workers on that host the line cannot say which, and the answer says so.
    const twin = join(tree.dir, 'twin.conf');
    writeFileSync(twin, 'LoadModule proxy_module modules/mod_proxy.so\nLoadModule proxy_http_module modules/mod_proxy_http.so\n<VirtualHost *:80>\n    ProxyPass /a/ http://127.0.0.1:18100/\n    ProxyPass /b/ http://127.0.0.1:18108/ connectiontimeout=3\n</VirtualHost>\n');
    const ambiguous = runCli(['explain', '--in', twin, APX_LOG.noConnection], { cwd: tree.dir });
    assert.match(ambiguous.stdout, /2 workers have this backend and the line does not say which \(also ProxyPass http:\/\/127\.0\.0\.1:18108\/\)/);
    const bare = runCli(['explain', '--in', twin, APX_LOG.bigHeader], { cwd: tree.dir });
    assert.match(bare.stdout, /this line names no request or backend/);
    // No backend named, but the path: the rule whose path matches; its timeout comes from ProxyTimeout.
    const byPath = runCli(['explain', '--in', httpd, APX_LOG.readError.replace('/slow', '/app/x')], { cwd: tree.dir });
    assert.match(byPath.stdout, /Backend: ProxyPass http:\/\/10\.0\.0\.5:8080\/ at httpd\.conf:5 \(the path of this rule matches \/app\/x\)/);
    assert.match(byPath.stdout, /backend timeout 30 s {2}\(ProxyTimeout 30, httpd\.conf:3\)/);
  } finally {
    tree.cleanup();
  }
});

test('explain CLI: a default nginx changed between releases (proxy_ssl_protocols) is shown with each value when the version is not set, not as "(none) not set"', () => {
  const tree = tempTree({
    'nginx.conf': 'events {}\nhttp {\n    server {\n        listen 80;\n        server_name shop.example.com;\n        location / {\n            proxy_pass https://10.0.0.5;\n        }\n    }\n}\n',
  });
  try {
    const conf = join(tree.dir, 'nginx.conf');
    // nginx 1.22.1's words for a backend that rejects a handshake without SNI (ssl_reject_handshake on).
    const line = NGX('SSL_do_handshake() failed (SSL: error:0A000458:SSL routines::tlsv1 unrecognized name:SSL alert number 112) while SSL handshaking to upstream', ', client: 10.1.2.3, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "https://10.0.0.5:443/", host: "shop.example.com"');
    const out = runCli(['explain', '--in', conf, line], { cwd: tree.dir });
    assert.equal(out.code, 0, out.stderr);
    assert.match(out.stdout, /proxy_ssl_protocols TLSv1 TLSv1\.1 TLSv1\.2 \(TLSv1 TLSv1\.1 TLSv1\.2 TLSv1\.3 from nginx 1\.23\.4, TLSv1\.2 TLSv1\.3 from nginx 1\.27\.3\) {2}\(default; which one depends on the nginx version/);
    assert.doesNotMatch(out.stdout, /proxy_ssl_protocols \(none\)/);
    writeFileSync(join(tree.dir, '.proxylintrc.json'), JSON.stringify({ nginx: { version: '1.22.1' } }));
    const known = runCli(['explain', '--in', conf, line], { cwd: tree.dir });
    assert.match(known.stdout, /proxy_ssl_protocols TLSv1 TLSv1\.1 TLSv1\.2 {2}\(default\)/);
    // --nginx-version, as for a check, overrides the file's version, and "unknown" goes back to every release's value.
    const newer = runCli(['explain', '--in', conf, '--nginx-version', '1.27.3', line], { cwd: tree.dir });
    assert.equal(newer.code, 0, newer.stderr);
    assert.match(newer.stdout, /proxy_ssl_protocols TLSv1\.2 TLSv1\.3 {2}\(default\)/);
    const unknown = runCli(['explain', '--in', conf, '--nginx-version=unknown', line], { cwd: tree.dir });
    assert.match(unknown.stdout, /which one depends on the nginx version/);
    const bad = runCli(['explain', '--in', conf, '--nginx-version', 'latest', line], { cwd: tree.dir });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /^proxylint explain: --nginx-version takes a version such as 1\.22\.1\n$/);
    const alone = runCli(['explain', '--nginx-version', '1.22.1', line], { cwd: tree.dir });
    assert.equal(alone.code, 2);
    assert.match(alone.stderr, /--nginx-version applies to the configuration read with --in/);
  } finally {
    tree.cleanup();
  }
});

test('explain placement, the cases a review on real nginx logs found wrong: twin server blocks, try_files @app, rewrite last, nested prefix vs regex, //, (?i), name order, foreign server:', () => {
  const conf = `events {}
http {
    upstream app { server 127.0.0.1:9001; }
    server {
        listen 80;
        server_name shop.test;
        return 301 https://$host$request_uri;
    }
    server {
        listen 443;
        server_name shop.test;
        proxy_read_timeout 1s;
        location / { try_files $uri @app; }
        location @app { proxy_pass http://app; }
        location /old/ { rewrite ^/old/(.*)$ /new/$1 last; }
        location /new/ { proxy_pass http://127.0.0.1:9002; }
        location /api/ {
            location /api/upload/ { proxy_pass http://127.0.0.1:9003; }
            proxy_pass http://127.0.0.1:9004;
        }
        location ~ \\.json$ { proxy_pass http://127.0.0.1:9005; }
        location ~ (?i)^/caseless/ { proxy_pass http://127.0.0.1:9006; }
    }
    server {
        listen 8080;
        server_name api.wild.test;
        location / { proxy_pass http://127.0.0.1:9007; }
    }
    server {
        listen 8080;
        server_name *.wild.test;
        location / { proxy_pass http://127.0.0.1:9008; }
    }
    server {
        listen 8080;
        server_name "~^(?<t>[a-z]{2,10})\\.saas\\.test$";
        location / { proxy_pass http://127.0.0.1:9009; }
    }
}
`;
  const r = lintText(conf);
  const place = (fields: Parameters<typeof findNginxPlace>[1]) => {
    const p = findNginxPlace(r.config, fields, r.upstreams);
    if (!p) return 'none';
    const line = (n: { file: { lines: { positionAt(o: number): { line: number } } }; directive: { start: number } }) => n.file.lines.positionAt(n.directive.start).line + 1;
    return `server:${line(p.server)} location:${p.location ? p.location.directive.args.map((a) => a.value).join(' ') : '-'}`;
  };
  const up = (port: number, path = '/') => `http://127.0.0.1:${port}${path}`;
  // The port 443 twin of the redirect block, and the named location try_files handed the request to.
  assert.equal(place({ serverName: 'shop.test', host: 'shop.test', path: '/foo', upstream: up(9001, '/foo') }), 'server:9 location:@app');
  // rewrite … last: the location of the new URI, which the line's backend names.
  assert.equal(place({ serverName: 'shop.test', path: '/old/x', upstream: up(9002, '/new/x') }), 'server:9 location:/new/');
  // A regex of the outer level beats a nested prefix (nginx sent /api/upload/x.json to the regex's backend).
  assert.equal(place({ serverName: 'shop.test', path: '/api/upload/x.json', upstream: up(9005) }), 'server:9 location:~ \\.json$');
  assert.equal(place({ serverName: 'shop.test', path: '/api/upload/x.json' }), 'server:4 location:-', 'without a backend the first block of the name is taken (the redirect has no location)');
  // Slashes merged and percent-escapes decoded before matching, as nginx does.
  assert.equal(place({ serverName: 'shop.test', path: '//api//%75pload/f', upstream: up(9003) }), 'server:9 location:/api/upload/');
  // (?i) is a flag in JavaScript.
  assert.equal(place({ serverName: 'shop.test', path: '/CASELESS/x', upstream: up(9006) }), 'server:9 location:~ (?i)^/caseless/');
  // Name order: the exact name before the wildcard, whatever the file order; a regex name against a Host with a port.
  assert.equal(place({ host: 'api.wild.test:8080', path: '/' }), 'server:24 location:/');
  assert.equal(place({ host: 'www.wild.test:8080', path: '/' }), 'server:29 location:/');
  assert.equal(place({ host: 'ab.saas.test:8080', path: '/' }), 'server:34 location:/');
  // A server: no block has: the line is from another configuration.
  assert.equal(place({ serverName: 'admin.example.com', path: '/' }), 'none');
  // server: with commas (a regex name) is read whole.
  const line = '2026/11/22 13:40:01 [error] 1#1: *3 connect() failed (111: Connection refused) while connecting to upstream, client: 10.0.0.1, server: ~^(?<t>[a-z]{2,10})\\.saas\\.test$, request: "GET / HTTP/1.1", subrequest: "/_auth", upstream: "http://127.0.0.1:9/_auth", host: "ab.saas.test"';
  const f = explainLogLine(line)!.fields;
  assert.equal(f.serverName, '~^(?<t>[a-z]{2,10})\\.saas\\.test$');
  assert.equal(f.path, '/_auth', 'the subrequest is what went to the backend');
  assert.match(explainedStatus(explainLogLine(line)!), /^502 for the subrequest \/_auth; when that is an auth_request, the client got 500/);
});

test('explain placement: "no live upstreams" names the group ("http://app/"), which is matched with the locations that pass to that group by name', () => {
  const conf = `events {}
http {
    upstream app { server 10.0.0.1:8080; server 10.0.0.2:8080; }
    upstream other { server 10.0.0.3:8080; }
    upstream solo { server 10.0.0.4:8080; }
    server {
        listen 80;
        server_name example.com;
        location / { proxy_pass http://app; }
        location /legacy/ { try_files $uri @app; }
        location @app { proxy_pass http://APP; }
        location /dyn/ { set $g other; proxy_pass http://$g; }
        location /old/ { try_files $uri @solo; }
        location @solo { proxy_pass http://solo; }
        location /static/ { root /srv; }
    }
}
`;
  const r = lintText(conf);
  const noLive = (path: string, group: string) =>
    `2026/11/22 13:40:02 [error] 4242#4242: *18 no live upstreams while connecting to upstream, client: 10.1.2.3, server: example.com, request: "GET ${path} HTTP/1.1", upstream: "http://${group}${path}", host: "example.com"`;
  const place = (path: string, group: string) => {
    const p = findNginxPlace(r.config, explainLogLine(noLive(path, group))!.fields, r.upstreams)!;
    return `${p.location!.directive.args.map((a) => a.value).join(' ')}: ${p.how}`;
  };
  // The reviewer's case: location / passes to the group the line names.
  assert.equal(place('/', 'app'), '/: its server_name example.com is the log line\'s "server:"; its location for / passes to http://app');
  // A line that names one of the group's servers (connect() failed, a timeout): the location passes to the group by
  // its name, not to that address, and the words say which group.
  const refused = `2026/11/22 13:40:02 [error] 4242#4242: *19 connect() failed (111: Connection refused) while connecting to upstream, client: 10.1.2.3, server: example.com, request: "GET / HTTP/1.1", upstream: "http://10.0.0.2:8080/", host: "example.com"`;
  const byServer = findNginxPlace(r.config, explainLogLine(refused)!.fields, r.upstreams)!;
  assert.match(byServer.how, /its location for \/ passes to upstream "app", one of whose servers is the line's http:\/\/10\.0\.0\.2:8080$/, byServer.how);
  // Handed on by try_files to @app, which names the group in another case, as nginx allows: followed, though two
  // locations pass to the group.
  assert.equal(place('/legacy/x', 'app'), '@app: its server_name example.com is the log line\'s "server:"; its location for /legacy/x does not pass to http://app but hands the request on to one that does');
  // No hand-off leads from the path's location to the group, and two locations pass to it: which one cannot be
  // told; the words say so rather than that none does.
  assert.equal(place('/static/x', 'app'), '/static/: its server_name example.com is the log line\'s "server:"; 2 locations pass to upstream "app", and the one for the path is not among them (the request was handed on to one of them), so the path decided');
  // Handed on to the one location that passes to the group.
  assert.match(place('/old/x', 'solo'), /^@solo: .*; its location for \/old\/x does not pass to http:\/\/solo but hands the request on to one that does$/);
  // A group only a pass with variables reaches: the path decides, and the words say why without speaking of addresses.
  assert.equal(place('/dyn/x', 'other'), '/dyn/: its server_name example.com is the log line\'s "server:"; no location passes to upstream "other" by its name (a pass target with variables may, at run time), so the path decided');
});

test('explain: a very long line is read up to 16 KiB and never scanned quadratically', { timeout: 30_000 }, () => {
  // Before the fix, the "could not be resolved" pattern tried \S+ at every character of a long word: a 90 KB line took
  // about 5 s, so a log of pasted blobs hung the command. Now a 1 MB word costs one linear scan of the first 16 KiB.
  const word = 'é'.repeat(1_000_000);
  for (const line of [word, `2026/11/22 13:40:01 [error] 1#1: *1 ${word} could not be resolved (110: Operation timed out)`, `${word} ${word}`]) {
    assert.equal(explainLogLine(line), undefined);
  }
  // A real line followed by junk is still explained: its fields are in the first 16 KiB.
  const real = NGX(NGX_LOG.headerTimeout);
  const explained = explainLogLine(real + ' ' + 'x'.repeat(MAX_LOG_LINE * 4));
  assert.equal(explained?.pattern.id, 'nginx-header-timeout');
  assert.equal(explained?.fields.host, 'shop.example.com');
});

test('explain: no pattern starts with an unanchored repeated class (the shape that scans a long line quadratically)', () => {
  // A pattern such as /\S+ could not be resolved/ is retried from every position of a long word; one that starts with a
  // literal, a group anchored on ^ or white space, or a lookbehind is not.
  const risky = /^(?:\\S|\\w|\\d|\.|\[[^\]]*\])[+*]/;
  const bad = LOG_PATTERNS.filter((p) => risky.test(p.match.source)).map((p) => `${p.id}: /${p.match.source}/`);
  assert.deepEqual(bad, []);
  // The check itself can fail: the old pattern is caught.
  assert.ok(risky.test(/\S+ could not be resolved \(\d+: [^)]*\)/.source));
});

test('what the client got, as the explanation says it: sure for a plain Apache worker, open for a balancer member or an unplaced line', async () => {
  const { LOG_PATTERNS, statusText } = await import('../../server/src/core/explain/log-patterns');
  const connect = LOG_PATTERNS.find((p) => p.id === 'apache-connect-failed')!;
  assert.equal(statusText(connect, false), '503');
  assert.equal(statusText(connect, true), '503, unless the balancer then tried another member');
  assert.equal(statusText(connect), '503, unless the balancer then tried another member');
  // No balancer decides this one: a later request on a kept-alive client connection gets nothing (apache-hover-doubts).
  const closed = LOG_PATTERNS.find((p) => p.id === 'apache-closed-by-backend')!;
  for (const b of [undefined, true, false]) assert.equal(statusText(closed, b), '502 on the first request of a client connection; a later request on a kept-alive client connection gets no answer at all');
});

// AH01079 (mod_proxy_fcgi) and AH01114 (mod_proxy_http) name the host of the worker's URL, which for a unix: worker
// is only a name ("localhost" of unix:/run/php/x.sock|fcgi://localhost/); the AH02454 line before them names the socket
// httpd connected to. The lines are what httpd 2.4.68 wrote for this configuration, every socket missing (503 each).
test('explain CLI: the AH01079/AH01114 after an AH02454 say the socket as their backend, not the URL\'s host; so does a lone one placed at a unix: worker', () => {
  const conf = [
    'ServerRoot "/etc/apache2"',
    'LoadModule mpm_event_module /usr/lib/apache2/modules/mod_mpm_event.so',
    'LoadModule authz_core_module /usr/lib/apache2/modules/mod_authz_core.so',
    'LoadModule proxy_module /usr/lib/apache2/modules/mod_proxy.so',
    'LoadModule proxy_http_module /usr/lib/apache2/modules/mod_proxy_http.so',
    'LoadModule proxy_fcgi_module /usr/lib/apache2/modules/mod_proxy_fcgi.so',
    'Listen 127.0.0.1:18734',
    '<VirtualHost 127.0.0.1:18734>',
    '    ServerName shop.example',
    '    DocumentRoot "/var/www/html"',
    '    ProxyPass "/php/" "unix:/run/php/proxylint-missing-7.4.sock|fcgi://localhost/srv/"',
    '    ProxyPass "/app/" "unix:/run/proxylint-missing-app.sock|http://localhost/"',
    '    <FilesMatch "\\.php$">',
    '        SetHandler "proxy:unix:/run/php/proxylint-missing-8.2.sock|fcgi://php82"',
    '    </FilesMatch>',
    '</VirtualHost>',
    '',
  ].join('\n');
  const log = [
    '[Tue Nov 24 06:55:41.760807 2026] [proxy:error] [pid 4018:tid 4048] (2)No such file or directory: AH02454: FCGI: attempt to connect to Unix domain socket /run/php/proxylint-missing-7.4.sock (localhost:8000) failed',
    '[Tue Nov 24 06:55:41.760841 2026] [proxy_fcgi:error] [pid 4018:tid 4048] [client 127.0.0.1:46846] AH01079: failed to make connection to backend: localhost',
    '[Tue Nov 24 06:55:41.970045 2026] [proxy:error] [pid 4018:tid 4049] (2)No such file or directory: AH02454: http: attempt to connect to Unix domain socket /run/proxylint-missing-app.sock (localhost:80) failed',
    '[Tue Nov 24 06:55:41.970066 2026] [proxy_http:error] [pid 4018:tid 4049] [client 127.0.0.1:46854] AH01114: HTTP: failed to make connection to backend: localhost',
    '[Tue Nov 24 06:55:42.182771 2026] [proxy:error] [pid 4019:tid 4023] (2)No such file or directory: AH02454: FCGI: attempt to connect to Unix domain socket /run/php/proxylint-missing-8.2.sock (php82:8000) failed',
    '[Tue Nov 24 06:55:42.182816 2026] [proxy_fcgi:error] [pid 4019:tid 4023] [client 127.0.0.1:46868] AH01079: failed to make connection to backend: php82',
    '',
  ].join('\n');
  const tree = tempTree({ 'httpd.conf': conf, 'error.log': log });
  try {
    const httpd = join(tree.dir, 'httpd.conf');
    const errorLog = join(tree.dir, 'error.log');
    for (const args of [['--log', errorLog], ['--in', httpd, '--log', errorLog]]) {
      const r = runCli(['explain', ...args], { cwd: tree.dir });
      assert.equal(r.code, 0, r.stderr);
      // Each request's two lines say the same socket (requests of the same kinds, unplaced, are shown once: "2 ×").
      // Placed (--in), the second line's is not said again: its request's first line named that worker.
      const said = [...r.stdout.matchAll(/^\s*Request: (.*)$/gm)].map((m) => m[1]);
      const placed = args[0] === '--in';
      assert.ok(said.length >= (placed ? 2 : 4) && (placed || said.length % 2 === 0), r.stdout);
      if (!placed) for (let i = 0; i < said.length; i += 2) assert.equal(said[i + 1], said[i], r.stdout);
      assert.doesNotMatch(r.stdout, /Request: backend (localhost|php82)\b/, r.stdout);
      assert.ok(said.every((x) => /^backend unix:\/run\/\S+\.sock$/.test(x)), r.stdout);
      assert.ok(said.includes('backend unix:/run/php/proxylint-missing-7.4.sock') && said.includes('backend unix:/run/proxylint-missing-app.sock'), r.stdout);
    }
    // Alone (the AH02454 not in the excerpt): mod_proxy_fcgi's AH01079 is placed at the one fcgi:// worker whose URL's
    // host is localhost, a unix: one, and says its socket.
    const lone = runCli(['explain', '--in', httpd, log.split('\n')[1]], { cwd: tree.dir });
    assert.equal(lone.code, 0, lone.stderr);
    assert.match(lone.stdout, /Request: backend unix:\/run\/php\/proxylint-missing-7\.4\.sock \(the line names localhost, the host of the worker's unix: URL\)/, lone.stdout);
    assert.match(lone.stdout, /Backend: ProxyPass unix:\/run\/php\/proxylint-missing-7\.4\.sock\|fcgi:\/\/localhost\/srv\/ at httpd\.conf:11 \(it names localhost, the host of a unix: URL, which httpd does not connect to: its backend is the socket \/run\/php\/proxylint-missing-7\.4\.sock\)/, lone.stdout);
    // So is a lone AH01114, mod_proxy_http's: of the two localhost workers only the http:// one can have logged it
    // (on 2.4.71 an fcgi:// worker logs AH01079 instead, test/servers/explain-apache-no-connection-schemes.test.ts).
    const http = runCli(['explain', '--in', httpd, log.split('\n')[3]], { cwd: tree.dir });
    assert.equal(http.code, 0, http.stderr);
    assert.match(http.stdout, /Request: backend unix:\/run\/proxylint-missing-app\.sock \(the line names localhost, the host of the worker's unix: URL\)/, http.stdout);
    assert.match(http.stdout, /Backend: ProxyPass unix:\/run\/proxylint-missing-app\.sock\|http:\/\/localhost\/ at httpd\.conf:12 \(it names localhost, the host of a unix: URL, which httpd does not connect to: its backend is the socket \/run\/proxylint-missing-app\.sock\)/, http.stdout);
  } finally {
    tree.cleanup();
  }
});
