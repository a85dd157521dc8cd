// Findings that quote what httpd prints must quote it exactly. Each case is a complete configuration with the
// modules it loads; it is linted, then given to the real apache2 -t (2.4.71), and the text the finding quotes must be
// the message apache2 -t prints after "Syntax error on line N of …" (or, for failures only at start, the line the
// starting httpd logs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Finding } from '../../server/src/core/finding';
import { applyEdits } from '../../server/src/core/fix';
import { lintApache } from '../../server/src/core/lint-apache';
import { createNodeHost } from '../../server/src/node/node-host';
import { apacheTest, requireBinary, tempTree } from '../helpers';
import { fixtureSettings } from './rule-harness';

const load = (mods: string[]) => ['mpm_event', 'authz_core', ...mods].map((m) => `LoadModule ${m}_module /usr/lib/apache2/modules/mod_${m}.so`).join('\n');

interface Run {
  findings: Finding[];
  /** What apache2 -t prints for the first failing line (undefined: Syntax OK). */
  said?: string;
  line?: number;
  dir: string;
}

function run(mods: string[], body: string, ruleId: string | string[], file = 'httpd.conf'): Run & { cleanup(): void } {
  const text = `${load(mods)}\nServerName localhost\nListen 127.0.0.1:18996\n${body}\n`;
  const tree = tempTree({ [file]: text });
  const path = join(tree.dir, file);
  const findings = lintApache(path, text, createNodeHost(), { settings: fixtureSettings(text) }).findings.filter((f) => [ruleId].flat().includes(f.ruleId));
  const t = apacheTest(path);
  const m = /Syntax error on line (\d+) of [^\n]*:\n([^\n]*)/.exec(t.output);
  assert.ok(t.ok || m, `apache2 -t failed without a syntax error line:\n${t.output}`);
  return { findings, said: m?.[2], line: m ? Number(m[1]) : undefined, dir: tree.dir, cleanup: tree.cleanup };
}

/** The one finding, which must quote exactly what apache2 -t said. */
function quotesApacheT(mods: string[], body: string, ruleId: string | string[]): Finding {
  const r = run(mods, body, ruleId);
  try {
    assert.ok(r.said, `apache2 -t accepted:\n${body}`);
    assert.equal(r.findings.length, 1, `one ${ruleId} finding: ${r.findings.map((f) => f.message).join('\n')}`);
    assert.ok(r.findings[0].message.includes(`"${r.said}"`), `apache2 -t says «${r.said}», the finding says: ${r.findings[0].message}`);
    return r.findings[0];
  } finally {
    r.cleanup();
  }
}

const BALANCER = ['proxy', 'proxy_http', 'proxy_balancer', 'slotmem_shm'];

test('proxy-scheme-module-missing: an explicit lbmethod= without its module quotes the error apache2 -t prints', () => {
  requireBinary('apache2');
  const cases = [
    '<Proxy balancer://appcluster>\n    BalancerMember http://127.0.0.1:8080\n    ProxySet lbmethod=byrequests\n</Proxy>\nProxyPass / balancer://appcluster/',
    '<Proxy "balancer://AppCluster/">\n    BalancerMember http://127.0.0.1:8080\n    ProxySet "lbmethod=byrequests" timeout=5\n</Proxy>\nProxyPass / balancer://appcluster/',
    '<Proxy balancer://appcluster>\n    BalancerMember http://127.0.0.1:8080\n</Proxy>\nProxySet balancer://appcluster lbmethod=bytraffic\nProxyPass / balancer://appcluster/',
    '<Proxy balancer://appcluster>\n    BalancerMember http://127.0.0.1:8080\n</Proxy>\nProxyPass / balancer://appcluster/ lbmethod=byrequests',
    '<Proxy balancer://appcluster>\n    BalancerMember http://127.0.0.1:8080\n</Proxy>\nProxyPassMatch ^/(.*)$ balancer://appcluster/$1 lbmethod=byrequests',
  ];
  for (const body of cases) {
    const f = quotesApacheT(BALANCER, body, 'proxy-scheme-module-missing');
    assert.doesNotMatch(f.message, /AH02432|Syntax OK/, body);
  }
  // bytraffic named, byrequests loaded: still unknown.
  quotesApacheT([...BALANCER, 'lbmethod_byrequests'], '<Proxy balancer://appcluster>\n    BalancerMember http://127.0.0.1:8080\n    ProxySet lbmethod=bytraffic\n</Proxy>\nProxyPass / balancer://appcluster/', 'proxy-scheme-module-missing');
});

test('proxy-scheme-module-missing: lbmethod= is reported on its own line whether or not a request uses the balancer, and the LoadModule fix makes apache2 -t pass', () => {
  requireBinary('apache2');
  const MEMBER = '    BalancerMember http://127.0.0.1:8080';
  const cases = [
    // The balancer used only from a virtual host (the virtual host's ProxyPass defines its own, empty one).
    `<Proxy "balancer://tomcat">\n${MEMBER} route=t1\n    ProxySet stickysession=JSESSIONID|jsessionid lbmethod=bybusyness\n</Proxy>\n<VirtualHost 127.0.0.1:18996>\n    ProxyPass "/app/" "balancer://tomcat/app/"\n</VirtualHost>`,
    // No ProxyPass at all.
    `<Proxy "balancer://tomcat">\n${MEMBER}\n    ProxySet lbmethod=bybusyness\n</Proxy>`,
    // A parameter of the <Proxy> section itself.
    `<Proxy "balancer://Tomcat/" lbmethod=bybusyness>\n${MEMBER}\n</Proxy>\nProxyPass / balancer://tomcat/`,
    // <ProxyMatch>: httpd names the expression.
    `<ProxyMatch "balancer://tom.*">\n    ProxySet lbmethod=bybusyness\n</ProxyMatch>`,
    // ProxySet on its own line, in a virtual host.
    `<VirtualHost 127.0.0.1:18996>\n<Proxy balancer://tomcat>\n${MEMBER}\n</Proxy>\nProxySet balancer://tomcat lbmethod=bybusyness\nProxyPass / balancer://tomcat/\n</VirtualHost>`,
  ];
  for (const body of cases) {
    const f = quotesApacheT([...BALANCER, 'lbmethod_byrequests'], body, 'proxy-scheme-module-missing');
    assert.match(f.message, /mod_lbmethod_bybusyness is not loaded/, body);
    assert.ok(f.fix, body);
    const r = run([...BALANCER, 'lbmethod_byrequests'], body, 'proxy-scheme-module-missing');
    try {
      const conf = join(r.dir, 'httpd.conf');
      writeFileSync(conf, applyEdits(readFileSync(conf, 'utf8'), r.findings[0].fix!.edits).text);
      const t = apacheTest(conf);
      assert.ok(t.ok, `fixed:\n${t.output}`);
    } finally {
      r.cleanup();
    }
  }
  // The method's name is case-sensitive: BYBUSYNESS is unknown even with its module loaded, and no module fixes it.
  const upper = quotesApacheT([...BALANCER, 'lbmethod_bybusyness'], `<Proxy balancer://tomcat>\n${MEMBER}\n    ProxySet lbmethod=BYBUSYNESS\n</Proxy>`, 'proxy-scheme-module-missing');
  assert.equal(upper.fix, undefined);
  assert.match(upper.message, /case-sensitive/);
  // Inside <IfModule lbmethod_bybusyness_module> httpd skips the line: Syntax OK, no finding.
  const guarded = run(BALANCER, `<IfModule lbmethod_bybusyness_module>\n<Proxy balancer://tomcat>\n${MEMBER}\n    ProxySet lbmethod=bybusyness\n</Proxy>\n</IfModule>`, 'proxy-scheme-module-missing');
  try {
    assert.equal(guarded.said, undefined);
    assert.deepEqual(guarded.findings.map((f) => f.message), []);
  } finally {
    guarded.cleanup();
  }
});

test('proxy-scheme-module-missing: without lbmethod=, apache2 -t passes and the starting httpd logs the AH02432 line the finding quotes', () => {
  requireBinary('apache2');
  const r = run(BALANCER, '<Proxy balancer://appcluster>\n    BalancerMember http://127.0.0.1:8080\n</Proxy>\nProxyPass / balancer://appcluster/', 'proxy-scheme-module-missing');
  try {
    assert.equal(r.said, undefined, 'Syntax OK');
    assert.equal(r.findings.length, 1);
    const quoted = /\("(AH02432: [^"]*)", although apache2 -t says Syntax OK\)/.exec(r.findings[0].message)?.[1];
    assert.ok(quoted, r.findings[0].message);
    // Started in the foreground it stops at once; the reason goes to the error log.
    mkdirSync(join(r.dir, 'logs'), { recursive: true });
    const conf = join(r.dir, 'httpd.conf');
    writeFileSync(conf, readFileSync(conf, 'utf8').replace('ServerName localhost', `ServerName localhost\nPidFile ${r.dir}/httpd.pid\nErrorLog ${r.dir}/logs/error.log\nDefaultRuntimeDir ${r.dir}`));
    const s = spawnSync('apache2', ['-DFOREGROUND', '-d', r.dir, '-f', conf], { encoding: 'utf8', timeout: 15_000 });
    assert.notEqual(s.status, 0, 'httpd started');
    assert.ok(readFileSync(join(r.dir, 'logs', 'error.log'), 'utf8').includes(quoted), readFileSync(join(r.dir, 'logs', 'error.log'), 'utf8'));
  } finally {
    r.cleanup();
  }
});

const URL_MODULES = ['proxy', 'proxy_http', 'proxy_fcgi', 'proxy_balancer', 'slotmem_shm', 'lbmethod_byrequests'];
const URL_RULES = ['invalid-backend-url', 'unix-socket-target-syntax'];

test('invalid-backend-url, unix-socket-target-syntax: each rejected backend URL quotes the error apache2 -t prints for it', () => {
  requireBinary('apache2');
  const lines = [
    'ProxyPass /a/ backend:8080/',
    'ProxyPass /a/ 127.0.0.1:8080/',
    'ProxyPass /a/ [::1]:8080/',
    'ProxyPass /a/ /local/',
    'ProxyPass /x http//h/',
    'ProxyPassMatch ^/x http//h/',
    'ProxyPass /a/ http:///b/',
    'ProxyPass /a/ http://[::1/',
    'ProxyPass /a/ http://h:abc/',
    'ProxyPass /a/ http://h:80:90/',
    'ProxyPass /a/ a_b://h/',
    'ProxyPass /a/ https?://h/',
    'ProxyPass /a/ ^http://h/',
    '<Location /a/>\n    ProxyPass backend:8080/\n</Location>',
    'ProxyPassMatch ^/(.*\\.php)$ unix:/run/php/php8.2-fpm.sock',
    'ProxyPass /a/ UNIX:/run/app.sock',
    'ProxyPass /a/ unix:/run/app.sock|',
    'ProxyPass /a/ unix:/run/app.sock|http//h/',
    'ProxyPass /a/ unix:/run/app.sock|127.0.0.1:80/',
    '<Proxy balancer://b>\n    BalancerMember 127.0.0.1:8080\n</Proxy>',
    '<Proxy balancer://b>\n    BalancerMember backend:8080\n</Proxy>',
    '<Proxy balancer://b>\n    BalancerMember http:///x\n</Proxy>',
    '<Proxy balancer://b>\n    BalancerMember unix:/run/app.sock\n</Proxy>',
    '<Proxy balancer://b>\n    BalancerMember unix:/run/app.sock|\n</Proxy>',
  ];
  for (const line of lines) quotesApacheT(URL_MODULES, `<VirtualHost 127.0.0.1:18996>\n${line}\n</VirtualHost>`, URL_RULES);
});

test('invalid-backend-url, unix-socket-target-syntax: URLs apache2 -t accepts are not reported as refused', () => {
  requireBinary('apache2');
  for (const line of ['ProxyPass /a/ unix:/run/app.sock|backend:80/', 'ProxyPass /a/ unix:/run/app.sock|http:', 'ProxyPass /a/ http://u@h:80/', 'ProxyPass /a/ http://h:/', 'ProxyPass /a/ http://[::1]:8080/']) {
    const r = run(URL_MODULES, `<VirtualHost 127.0.0.1:18996>\n${line}\n</VirtualHost>`, URL_RULES);
    try {
      assert.equal(r.said, undefined, `apache2 -t rejects ${line}: ${r.said}`);
      assert.deepEqual(r.findings.filter((f) => f.severity === 'error').map((f) => f.message), [], line);
    } finally {
      r.cleanup();
    }
  }
});

test('apache-module-not-loaded: companion directives of proxy vhosts without their module quote the error apache2 -t prints', () => {
  requireBinary('apache2');
  const lines = [
    'RequestHeader set X-Forwarded-Proto "https"',
    'Header always set X-Frame-Options DENY',
    'RewriteEngine On',
    'RewriteCond %{HTTP:Upgrade} websocket [NC]',
    'RewriteRule ^/ws/(.*) ws://127.0.0.1:8000/ws/$1 [P,L]',
    'SSLProxyEngine On',
    'SSLProxyCheckPeerName off',
    'SSLProxyCARevocationCheck none',
    'SSLProxyMachineCertificateChainFile /dev/null',
  ];
  for (const line of lines) {
    const f = quotesApacheT(['proxy', 'proxy_http', 'proxy_wstunnel'], `<VirtualHost 127.0.0.1:18996>\n    ${line}\n    ProxyPass / http://127.0.0.1:8080/\n</VirtualHost>`, 'apache-module-not-loaded');
    assert.match(f.message, /comes from mod_(headers|rewrite|ssl), which is not loaded/);
  }
});

test('apache-module-not-loaded: quiet where the LoadModule lines may be elsewhere (a fragment, an IncludeOptional that finds nothing here)', () => {
  const body = 'RequestHeader set X-Forwarded-Proto "https"\nRewriteEngine On\nSSLProxyEngine On\nProxyPass / https://127.0.0.1:8443/';
  const fragment = tempTree({ 'sites-enabled/app.conf': `<VirtualHost *:443>\n${body}\n</VirtualHost>\n` });
  // Neither folder exists here (this machine's own /etc/apache2 would be read): on the server they may load mod_headers.
  const full = tempTree({
    'httpd.conf': `${load(['proxy', 'proxy_http'])}\nIncludeOptional /srv/proxylint-absent/mods-enabled/*.load\n${body}\n`,
    'relative.conf': `${load(['proxy', 'proxy_http'])}\nIncludeOptional mods-enabled/*.load\n${body}\n`,
  });
  try {
    for (const path of [join(fragment.dir, 'sites-enabled/app.conf'), join(full.dir, 'httpd.conf'), join(full.dir, 'relative.conf')]) {
      const text = readFileSync(path, 'utf8');
      const got = lintApache(path, text, createNodeHost(), { settings: fixtureSettings(text) }).findings.filter((f) => f.ruleId === 'apache-module-not-loaded');
      assert.deepEqual(got.map((f) => f.message), [], path);
    }
  } finally {
    fragment.cleanup();
    full.cleanup();
  }
});

test('proxypass-trailing-slash-mismatch: the "unix:/s|http:" shorthand, which parseBackendUrl now accepts as httpd does, is left alone', () => {
  const text = 'ProxyPass /uds/ unix:/tmp/test.sock|http:\n';
  const tree = tempTree({ 'app.conf': text });
  try {
    const path = join(tree.dir, 'app.conf');
    const got = lintApache(path, text, createNodeHost(), { settings: fixtureSettings(text) }).findings.map((f) => f.ruleId);
    assert.deepEqual(got.filter((id) => id === 'proxypass-trailing-slash-mismatch' || id === 'invalid-backend-url' || id === 'unix-socket-target-syntax'), []);
  } finally {
    tree.cleanup();
  }
});

// A path written inside a section that gives ProxyPass its path: httpd reads the words shifted by one. Findings
// about the shifted words (a URL "/app" that is not absolute, "http://…" as a parameter) would send the user the
// wrong way; the one finding quotes what apache2 -t says and names the path as the cause.
const SHIFT_RULES = ['proxypass-path-in-location', 'invalid-backend-url', 'invalid-worker-parameter', 'unix-socket-target-syntax'];

test('proxypass-path-in-location: a path inside <Location>/<Proxy> is reported once, quoting the error apache2 -t prints', () => {
  requireBinary('apache2');
  const cases = [
    '<Location /app>\n    ProxyPass /app http://127.0.0.1:8080/\n</Location>',
    '<Location "/app/">\n    ProxyPass "/app/" "http://127.0.0.1:8080/" retry=0 timeout=5\n</Location>',
    '<Location /app>\n    ProxyPass /elsewhere/ http://127.0.0.1:8080/\n</Location>',
    '<Location /app>\n    ProxyPass /app !\n</Location>',
    '<Location /app>\n    ProxyPass /app unix:/run/app.sock|http://localhost/\n</Location>',
    '<Location /app>\n    <IfModule proxy_module>\n        ProxyPass /app http://127.0.0.1:8080/\n    </IfModule>\n</Location>',
    '<Location /app>\n    ProxyPass /app http://127.0.0.1:8080/?a=b\n</Location>',
    '<LocationMatch "^/v1/(.*)$">\n    ProxyPassMatch "^/v1/(.*)$" "http://127.0.0.1:8080/$1"\n</LocationMatch>',
    '<LocationMatch "^/v1/">\n    ProxyPass /v1/ http://127.0.0.1:8080/\n</LocationMatch>',
    '<Proxy "http://127.0.0.1:8080/">\n    ProxyPass /legacy/ http://127.0.0.1:8080/\n</Proxy>',
    '<ProxyMatch "^http://127\\.0\\.0\\.1">\n    ProxyPass /legacy/ http://127.0.0.1:8080/\n</ProxyMatch>',
  ];
  for (const c of cases) {
    const f = quotesApacheT(URL_MODULES, `<VirtualHost 127.0.0.1:18996>\n${c}\n</VirtualHost>`, SHIFT_RULES);
    assert.equal(f.ruleId, 'proxypass-path-in-location', c);
  }
});

test('proxypass-path-in-location: the one-word forms apache2 -t accepts are not reported, and their fixed lines pass -t', () => {
  requireBinary('apache2');
  for (const c of [
    '<Location /app>\n    ProxyPass http://127.0.0.1:8080/ retry=0\n</Location>',
    '<Location /app>\n    ProxyPass !\n</Location>',
    '<LocationMatch "^/v1/(.*)$">\n    ProxyPassMatch "http://127.0.0.1:8080/$1"\n</LocationMatch>',
    '<Proxy "http://127.0.0.1:8080/">\n    ProxySet timeout=5\n</Proxy>\nProxyPass /legacy/ http://127.0.0.1:8080/',
  ]) {
    const r = run(URL_MODULES, `<VirtualHost 127.0.0.1:18996>\n${c}\n</VirtualHost>`, SHIFT_RULES);
    try {
      assert.equal(r.said, undefined, `apache2 -t rejects ${c}: ${r.said}`);
      assert.deepEqual(r.findings.map((f) => f.message), [], c);
    } finally {
      r.cleanup();
    }
  }
});

const MEMBER_RULES = ['balancer-member-outside-balancer', 'invalid-backend-url', 'invalid-worker-parameter', 'unix-socket-target-syntax', 'undefined-balancer'];

test('balancer-member-outside-balancer: a BalancerMember that names no balancer, or sits in a non-balancer section, quotes the error apache2 -t prints', () => {
  requireBinary('apache2');
  const cases = [
    'BalancerMember http://127.0.0.1:8080/',
    'BalancerMember http://127.0.0.1:8080/ route=a loadfactor=2',
    // undefined-balancer stays quiet: the member is there, only not named (its 503 claim would not hold).
    '<VirtualHost 127.0.0.1:18996>\n    BalancerMember http://127.0.0.1:8080/\n    ProxyPass / balancer://app/\n</VirtualHost>',
    '<IfModule proxy_balancer_module>\n    BalancerMember "unix:/run/app.sock|http://localhost/"\n</IfModule>',
    'BalancerMember balancer://app http://127.0.0.1:8080/?a=b',
    'BalancerMember route=a',
    '<Proxy balancer://app>\n    BalancerMember http://127.0.0.1:8080/?a=b\n</Proxy>',
    '<Location /app>\n    BalancerMember http://127.0.0.1:8080/\n</Location>',
    '<Location /app>\n    BalancerMember balancer://app http://127.0.0.1:8080/\n</Location>',
    '<LocationMatch "^/app/(.*)">\n    BalancerMember http://127.0.0.1:8080/\n</LocationMatch>',
    '<Directory /srv/www>\n    BalancerMember http://127.0.0.1:8080/\n</Directory>',
    '<Directory "/srv/www/">\n    BalancerMember http://127.0.0.1:8080/\n</Directory>',
    '<FilesMatch "\\.php$">\n    BalancerMember http://127.0.0.1:8080/\n</FilesMatch>',
    '<If "true">\n    BalancerMember http://127.0.0.1:8080/\n</If>',
    '<Proxy *>\n    BalancerMember http://127.0.0.1:8080/\n</Proxy>',
    '<Location /app>\n    <Limit GET>\n        BalancerMember http://127.0.0.1:8080/\n    </Limit>\n</Location>',
  ];
  for (const c of cases) {
    const f = quotesApacheT(URL_MODULES, c, MEMBER_RULES);
    assert.equal(f.ruleId, 'balancer-member-outside-balancer', c);
  }
});

test('balancer-member-outside-balancer: the forms apache2 -t accepts are not reported', () => {
  requireBinary('apache2');
  for (const c of [
    '<Proxy balancer://app>\n    BalancerMember http://127.0.0.1:8080/ route=a\n    <Limit GET>\n        BalancerMember http://127.0.0.1:8081/\n    </Limit>\n</Proxy>\nProxyPass / balancer://app/',
    'BalancerMember balancer://app http://127.0.0.1:8080/ route=a\nProxyPass / balancer://app/',
    '<ProxyMatch "^balancer://app">\n    BalancerMember http://127.0.0.1:8080/\n</ProxyMatch>',
  ]) {
    const r = run(URL_MODULES, c, ['balancer-member-outside-balancer']);
    try {
      assert.equal(r.said, undefined, `apache2 -t rejects ${c}: ${r.said}`);
      assert.deepEqual(r.findings.map((f) => f.message), [], c);
    } finally {
      r.cleanup();
    }
  }
});

test('include-not-found: an Include whose wildcard matches nothing quotes what apache2 -t prints, which depends on the folders', () => {
  requireBinary('apache2');
  // A folder before the wildcard that does not exist is "Could not open directory", not "No matches for the wildcard".
  const tree = tempTree({ 'empty/readme.txt': 'x', 'sub/a/readme.txt': 'x' });
  try {
    const cases = [
      `Include ${tree.dir}/missing/*.conf`,
      `Include ${tree.dir}/missing/deeper/*.conf`,
      `Include ${tree.dir}/missing/*/site.conf`,
      `Include ${tree.dir}/empty/*.conf`,
      `Include ${tree.dir}/empty/*/site.conf`,
      `Include ${tree.dir}/sub/*/*.conf`,
    ];
    for (const c of cases) {
      const text = `${load([])}\nServerName localhost\nListen 127.0.0.1:18996\n${c}\n`;
      const path = join(tree.dir, 'httpd.conf');
      writeFileSync(path, text);
      const findings = lintApache(path, text, createNodeHost(), { settings: fixtureSettings(text) }).findings.filter((f) => f.ruleId === 'include-not-found');
      // On one line here: "apache2: Syntax error on line 5 of /…/httpd.conf: Include/IncludeOptional: …".
      const said = /Syntax error on line \d+ of [^:]*: ([^\n]*)/.exec(apacheTest(path).output)?.[1];
      assert.ok(said, `apache2 -t accepted ${c}`);
      assert.equal(findings.length, 1, c);
      const m = findings[0].message;
      // A deeper level that fails is not quoted (its line depends on the server's folders); the others are, exactly.
      if (c.endsWith('/sub/*/*.conf')) assert.match(m, /httpd refuses to start \(use IncludeOptional/, m);
      else assert.ok(m.includes(`httpd refuses to start: ${said} (`), `apache2 -t says «${said}», the finding says: ${m}`);
    }
  } finally {
    tree.cleanup();
  }
});

test('invalid-worker-parameter: failonstatus= values apache2 -t refuses are quoted as it says them, and those it accepts are not reported', () => {
  requireBinary('apache2');
  const line = (v: string) => `<Proxy balancer://app>\n    BalancerMember http://127.0.0.1:8080\n</Proxy>\nProxyPass / "balancer://app/" "failonstatus=${v}"`;
  // httpd reads each word between "," and " " with atoi and wants 100-599.
  for (const v of ['5xx', '600', '99', '500,abc', 'abc,500']) quotesApacheT(URL_MODULES, line(v), 'invalid-worker-parameter');
  for (const v of ['', ',', '500,', '500x', '500;503', '500 503', '500,503']) {
    const r = run(URL_MODULES, line(v), 'invalid-worker-parameter');
    try {
      assert.equal(r.said, undefined, `apache2 -t refused failonstatus=${v}`);
      assert.deepEqual(r.findings.map((f) => f.message), [], `failonstatus=${v}`);
    } finally {
      r.cleanup();
    }
  }
});

test('timeout-value-misread: Timeout, ProxyTimeout and KeepAliveTimeout without a value, with an empty one or with two quote what apache2 -t prints', () => {
  requireBinary('apache2');
  for (const line of ['Timeout', 'ProxyTimeout ""', 'KeepAliveTimeout 5 10', 'ProxyTimeout 30 60']) quotesApacheT(['proxy'], line, 'timeout-value-misread');
});
