// inline-comment-is-argument says, per directive, whether httpd refuses to start (error, safe fix), ignores
// the words (info, safe fix) or uses them as values (warning, suggestion). Every entry of its table is run
// through the real apache2 -t here, with a trailing "# note" and "#note" (and "#timeout=5" for key=value
// directives), so a wrong entry fails this test.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyEdits } from '../../server/src/core/fix';
import { lintApache } from '../../server/src/core/lint-apache';
import { EXTRA_WORDS, inlineCommentVerdict, type Where } from '../../server/src/core/rules/apache/inline-comment-is-argument';
import { defaultSettings } from '../../server/src/core/settings';
import { parseApache } from '../../server/src/core/syntax/apache/parser';
import { memHost, requireBinary } from '../helpers';

type Ctx = 'top' | 'vh' | 'dir' | 'bal' | 'loc';
/** A valid line for each directive of the table (several where the count of arguments matters), and where it goes. */
const SAMPLES: [Ctx, string][] = [
  ['top', 'Timeout 120'], ['top', 'KeepAliveTimeout 5'], ['top', 'MaxKeepAliveRequests 100'], ['vh', 'ServerName a.example'],
  ['vh', 'ServerAdmin webmaster@example.com'], ['vh', 'ServerPath /a'], ['vh', 'DocumentRoot /tmp'], ['vh', 'ErrorLog /dev/null'],
  ['top', 'Include /dev/null'], ['top', 'IncludeOptional /nonexistent/*.conf'], ['vh', 'ProxyTimeout 60'], ['vh', 'ProxyIOBufferSize 8192'],
  ['top', 'ProxyReceiveBufferSize 0'], ['vh', 'ProxyVia Off'], ['vh', 'ProxyBadHeader IsError'], ['top', 'ProxyMaxForwards 10'],
  ['top', 'ProxyStatus On'], ['top', 'ProxySourceAddress 127.0.0.1'], ['top', 'BalancerGrowth 5'], ['top', 'ProxyFCGIBackendType GENERIC'],
  ['dir', 'SetHandler "proxy:fcgi://127.0.0.1:9000"'], ['top', 'LimitRequestFieldsize 8190'], ['dir', 'LimitRequestBody 0'],
  ['top', 'ServerTokens Prod'], ['top', 'ServerSignature Off'], ['top', 'TraceEnable Off'], ['top', 'UseCanonicalName Off'],
  ['top', 'HostnameLookups Off'], ['top', 'MaxRequestWorkers 150'], ['top', 'ServerLimit 16'], ['top', 'ThreadsPerChild 25'],
  ['top', 'RemoteIPHeader X-Forwarded-For'], ['top', 'EnableSendfile Off'], ['top', 'AcceptPathInfo On'], ['top', 'AddDefaultCharset UTF-8'],
  ['top', 'H2Direct on'], ['dir', 'RewriteBase /'], ['vh', 'SSLEngine off'], ['vh', 'SSLProxyVerify none'], ['top', 'SSLProxyVerifyDepth 2'],
  ['top', 'SSLProxyCACertificateFile /etc/ssl/certs/ca-certificates.crt'], ['top', 'SSLProxyMachineCertificateFile /dev/null'],
  ['top', 'LoadModule info_module /usr/lib/apache2/modules/mod_info.so'], ['top', 'LoadModule info_module'],
  ['top', 'ErrorDocument 503 /x.html'], ['vh', 'SetEnv A b'], ['vh', 'SetEnv A'], ['top', 'Define X y'], ['top', 'Define X'],
  ['vh', 'Alias /a /tmp'], ['vh', 'Alias /a'], ['top', 'LogFormat "%h %l" combined'], ['top', 'LogFormat "%h"'], ['top', 'Listen 127.0.0.1:18498'],
  ['vh', 'CustomLog /dev/null combined'], ['vh', 'ProxyPassReverseCookieDomain a.internal a.example'], ['vh', 'ProxyPassReverseCookiePath / /'],
  ['top', 'ProxyRemote * http://127.0.0.1:3128'], ['vh', 'RedirectMatch ^/a https://a.example/'], ['vh', 'Redirect / https://a.example/'],
  ['vh', 'Redirect permanent / https://a.example/'], ['vh', 'ProxyPassReverse /a http://127.0.0.1:8080/'], ['loc', 'ProxyPassReverse http://127.0.0.1:8080/'],
  ['top', 'KeepAlive On'], ['vh', 'ProxyPreserveHost On'], ['vh', 'ProxyRequests Off'], ['vh', 'ProxyAddHeaders On'], ['top', 'ProxyPassInherit Off'],
  ['top', 'ProxyPassInterpolateEnv On'], ['top', 'BalancerPersist On'], ['vh', 'RewriteEngine On'], ['vh', 'SSLProxyEngine On'], ['vh', 'SSLProxyEngine'],
  ['vh', 'SSLProxyCheckPeerName off'], ['top', 'SSLProxyCheckPeerCN off'], ['top', 'SSLProxyCheckPeerExpire off'], ['top', 'ExpiresActive On'],
  ['vh', 'ProxyPass /a http://127.0.0.1:8080/'], ['vh', 'ProxyPass /a http://127.0.0.1:8080/ timeout=5'], ['vh', 'ProxyPass /a !'],
  ['loc', 'ProxyPass http://127.0.0.1:8080/'], ['vh', 'ProxyPassMatch ^/a http://127.0.0.1:8080/'], ['bal', 'BalancerMember http://127.0.0.1:8080'],
  ['bal', 'BalancerMember http://127.0.0.1:8080 retry=5'], ['top', 'BalancerMember balancer://app http://127.0.0.1:8080'], ['bal', 'ProxySet lbmethod=byrequests'],
  ['top', 'ProxyHCTemplate tpl hcmethod=GET'], ['top', 'RequestReadTimeout header=20'], ['vh', 'Header set X-Frame-Options DENY'],
  ['vh', 'Header always unset X-Powered-By'], ['vh', 'RequestHeader set X-Forwarded-Proto https'], ['dir', 'AllowOverride None'], ['top', 'FileETag None'],
  ['top', 'RemoteIPTrustedProxy 10.0.0.1'], ['top', 'RemoteIPInternalProxy 10.0.0.1'], ['top', 'LogLevel warn'], ['vh', 'ProxyErrorOverride On'],
  ['top', 'SSLProxyProtocol all'], ['top', 'RewriteOptions Inherit'], ['top', 'ProxyHCExpr ok234 {%{REQUEST_STATUS} =~ /^[234]/}'],
  ['dir', 'Options -Indexes'], ['dir', 'Options Indexes'], ['vh', 'ServerAlias b.example'], ['dir', 'DirectoryIndex index.html'],
  ['vh', 'AddType text/html .x'], ['vh', 'AddHandler cgi-script .cgi'], ['top', 'Protocols h2 http/1.1'], ['vh', 'SetEnvIf Host x VAR'],
  ['top', 'SetEnvIfNoCase Host x VAR'], ['top', 'BrowserMatch MSIE ie'], ['top', 'UnsetEnv A'], ['top', 'PassEnv HOME'],
  ['vh', 'RewriteRule ^/a /b [L]'], ['vh', 'RewriteRule ^/a /b'], ['vh', 'RewriteCond %{HTTPS} off [NC]'], ['vh', 'RewriteCond %{HTTPS} off'],
  ['dir', 'Require all granted'], ['dir', 'Require ip 10.0.0.0/8'], ['dir', 'Require method GET'], ['dir', "Require expr %{HTTPS} == 'on'"],
  ['dir', 'Require local'], ['dir', 'Require host example.com'], ['dir', 'Require env FOO'],
];

const MODULES = ['mpm_event', 'authz_core', 'authz_host', 'proxy', 'proxy_http', 'proxy_fcgi', 'proxy_wstunnel', 'proxy_balancer', 'slotmem_shm', 'lbmethod_byrequests', 'proxy_hcheck', 'ssl', 'headers', 'rewrite', 'reqtimeout', 'alias', 'mime', 'dir', 'setenvif', 'env', 'remoteip', 'expires', 'http2'];

function wrap(ctx: Ctx, line: string): string {
  const body = {
    top: [line],
    vh: ['<VirtualHost 127.0.0.1:18499>', line, '</VirtualHost>'],
    dir: ['<Directory /tmp>', line, '</Directory>'],
    bal: ['<Proxy balancer://app>', line, '</Proxy>'],
    loc: ['<VirtualHost 127.0.0.1:18499>', '<Location /a/>', line, '</Location>', '</VirtualHost>'],
  }[ctx];
  return [...MODULES.map((m) => `LoadModule ${m}_module /usr/lib/apache2/modules/mod_${m}.so`), 'ServerName localhost', 'Listen 127.0.0.1:18499', ...body, ''].join('\n');
}

test('every directive in the table has a sample here', () => {
  const sampled = new Set(SAMPLES.map(([, l]) => l.split(' ')[0].toLowerCase()));
  assert.deepEqual([...EXTRA_WORDS.keys()].filter((k) => !sampled.has(k)), []);
});

test('each verdict of the table matches the real apache2 -t 2.4.71 (refuses, with its error; or starts)', () => {
  requireBinary('apache2');
  const root = mkdtempSync(join(tmpdir(), 'proxylint-inline-'));
  mkdirSync(join(root, 'logs'));
  const wrong: string[] = [];
  let checked = 0;
  try {
    for (const [ctx, base] of SAMPLES) {
      const name = base.split(' ')[0];
      const comments = [' # note', ' #note', ...(EXTRA_WORDS.get(name.toLowerCase())?.extra.how === 'params' ? [' #timeout=5'] : [])];
      for (const c of comments) {
        const line = base + c;
        const d = parseApache(line).directives[0];
        const k = d.args.findIndex((a) => a.quote === null && a.value.startsWith('#'));
        const where: Where = { location: ctx === 'loc', proxy: ctx === 'bal' };
        const v = inlineCommentVerdict(d.name, d.args.slice(0, k).map((a) => a.value), d.args.slice(k).map((a) => a.value), where);
        if (v.kind === 'unknown') continue;
        const conf = join(root, 't.conf');
        writeFileSync(conf, wrap(ctx, line));
        const r = spawnSync('apache2', ['-t', '-d', root, '-f', conf], { encoding: 'utf8', timeout: 30_000 });
        const out = (r.stdout ?? '') + (r.stderr ?? '');
        checked++;
        if (v.kind === 'refuses') {
          if (r.status === 0) wrong.push(`${line}: the table says httpd refuses, apache2 -t accepted it`);
          else if (v.exact !== false && !out.includes(v.says)) wrong.push(`${line}: expected "${v.says}", apache2 -t said: ${out.trim().split('\n').slice(-2).join(' ')}`);
        } else if (r.status !== 0) wrong.push(`${line}: the table says httpd starts (${v.kind}), apache2 -t said: ${out.trim().split('\n').slice(-2).join(' ')}`);
      }
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  assert.ok(checked > 200, `only ${checked} lines checked`);
  assert.deepEqual(wrong, []);
});

test('severity and fix follow the verdict: error + safe fix where httpd refuses, info + safe fix where it ignores the words, warning + suggestion where it uses them', () => {
  const text = [
    'Timeout 120 # slow backends',
    'ProxyPreserveHost On # keep Host',
    '<VirtualHost *:80>',
    '    ProxyPass "/app/" "http://127.0.0.1:8080/" # main',
    '    ServerAlias www.example.com # old name',
    '    ProxyHTMLEnable On # not in the table',
    '</VirtualHost>',
    '',
  ].join('\n');
  const r = lintApache('/c/app.conf', text, memHost({ '/c/app.conf': text }), { settings: defaultSettings() });
  const got = r.findings.filter((f) => f.ruleId === 'inline-comment-is-argument').map((f) => [text.slice(0, f.start).split('\n').length, f.severity, f.fix ? 'fix' : f.suggestions.length ? 'suggestion' : 'none']);
  assert.deepEqual(got, [
    [1, 'error', 'fix'],
    [2, 'info', 'fix'],
    [4, 'error', 'fix'],
    [5, 'warning', 'suggestion'],
    [6, 'warning', 'suggestion'],
  ]);
  const msg = (line: number) => r.findings.find((f) => f.ruleId === 'inline-comment-is-argument' && text.slice(0, f.start).split('\n').length === line)!.message;
  assert.match(msg(1), /httpd refuses to start \("Timeout takes one argument"\)/);
  assert.match(msg(4), /httpd refuses to start \("Invalid ProxyPass\|ProxyPassMatch parameter\. Parameter must be in the form 'key=value'\."\)/);
  assert.match(msg(2), /httpd starts and the words do nothing here/);
  assert.match(msg(5), /httpd starts and uses "#", "old", "name" as more ServerAlias values/);
});

test('a parameter added to a line with an "inline comment" goes before the "#" words, so moving the comment keeps it (either order)', () => {
  requireBinary('apache2');
  const line = '    ProxyPass /c/ http://127.0.0.1:9003/ retry=0 # no retry\n';
  const text = `<VirtualHost 127.0.0.1:18499>\n${line}</VirtualHost>\n`;
  const lint = (t: string) => lintApache('/c/app.conf', t, memHost({ '/c/app.conf': t }), { settings: defaultSettings() }).findings;
  const edit = (t: string, ruleId: string) => {
    const f = lint(t).find((x) => x.ruleId === ruleId);
    assert.ok(f, `${ruleId} is reported on\n${t}`);
    const fix = f.fix ?? f.suggestions[0];
    assert.ok(fix, `${ruleId} offers a change`);
    return applyEdits(t, fix.edits).text;
  };
  const want = '<VirtualHost 127.0.0.1:18499>\n    # no retry\n    ProxyPass /c/ http://127.0.0.1:9003/ retry=0 connectiontimeout=5\n</VirtualHost>\n';
  for (const order of [['no-connectiontimeout', 'inline-comment-is-argument'], ['inline-comment-is-argument', 'no-connectiontimeout']]) {
    const out = order.reduce(edit, text);
    assert.equal(out, want, order.join(' then '));
    assert.ok(!lint(out).some((f) => f.ruleId === 'no-connectiontimeout' || f.ruleId === 'inline-comment-is-argument'), order.join(' then '));
  }
  // The result, with the parameter on the directive and the note on a line of its own, is what httpd starts with.
  const root = mkdtempSync(join(tmpdir(), 'proxylint-inline-param-'));
  mkdirSync(join(root, 'logs'));
  try {
    const conf = join(root, 't.conf');
    writeFileSync(conf, wrap('top', want));
    const r = spawnSync('apache2', ['-t', '-d', root, '-f', conf], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(r.status, 0, (r.stdout ?? '') + (r.stderr ?? ''));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
