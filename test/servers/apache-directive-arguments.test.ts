// Every entry of the argument-form table (model/apache-directive-arguments.ts) against the real apache2 -t: bad forms
// made from the entry's form (nothing, an empty "", one word too many, an unknown keyword) must stop httpd with the
// words invalid-directive-arguments quotes, and good forms (On/Off in any case and quoting, optional words left
// empty, one sample line per directive) must load and not be reported.
// proxylint-test: untimed
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { allDirectiveArguments, type DirectiveArguments } from '../../server/src/core/model/apache-directive-arguments';
import { lintApache } from '../../server/src/core/lint-apache';
import { defaultSettings } from '../../server/src/core/settings';
import { memHost, requireBinary, ROOT } from '../helpers';
import { apacheConfigTestText, prepareApache, startApache } from './harness/apache';
import { request } from './harness/client';
import { tempDir } from './harness/nginx';

requireBinary('apache2');

const RULE = 'invalid-directive-arguments';
const MODULES = ['mpm_event', 'authz_core', 'proxy', 'proxy_http', 'proxy_fcgi', 'proxy_wstunnel', 'proxy_balancer', 'slotmem_shm', 'lbmethod_byrequests', 'proxy_hcheck', 'ssl', 'rewrite', 'proxy_ftp', 'proxy_connect', 'proxy_express', 'xml2enc', 'proxy_html'];
const findings = (text: string) => lintApache('/c/site.conf', text, memHost({ '/c/site.conf': text }), { settings: defaultSettings() }).findings.filter((f) => f.ruleId === RULE);

const CA = '/etc/ssl/certs/ca-certificates.crt';
/** One line per directive that httpd accepts (values that pass its own checks: paths that exist, an IP, an expression). */
const GOOD: Record<string, string> = {
  ProxyVia: 'ProxyVia "Block"',
  ProxyBadHeader: 'ProxyBadHeader startbody',
  ProxyStatus: 'ProxyStatus FULL',
  ProxyErrorOverride: 'ProxyErrorOverride ON 502 503',
  ProxyIOBufferSize: "ProxyIOBufferSize '65536'",
  ProxyReceiveBufferSize: 'ProxyReceiveBufferSize 2048',
  ProxyMaxForwards: 'ProxyMaxForwards 10',
  ProxySourceAddress: 'ProxySourceAddress 127.0.0.1',
  ProxyDomain: 'ProxyDomain .example.com',
  BalancerGrowth: 'BalancerGrowth 5',
  ProxyRemote: 'ProxyRemote "*" "http://proxy.example.com:3128"',
  ProxyRemoteMatch: 'ProxyRemoteMatch "^http://a/" "http://proxy.example.com:3128"',
  ProxyPassReverseCookieDomain: 'ProxyPassReverseCookieDomain "backend.local" "example.com" ""',
  ProxyPassReverseCookiePath: 'ProxyPassReverseCookiePath "/app/" "/"',
  ProxyPassReverse: 'ProxyPassReverse "/a/" "http://127.0.0.1:8080/a/" interpolate',
  NoProxy: 'NoProxy .internal ""',
  ProxyBlock: 'ProxyBlock blocked.example.com other.example.com',
  ProxyHCTPsize: 'ProxyHCTPsize 16',
  ProxyFCGIBackendType: 'ProxyFCGIBackendType fpm',
  ProxyFCGISetEnvIf: 'ProxyFCGISetEnvIf "true" X_FLAG "1"',
  ProxyFtpDirCharset: 'ProxyFtpDirCharset UTF-8',
  AllowCONNECT: 'AllowCONNECT 443 8443',
  ProxyExpressDBMFile: 'ProxyExpressDBMFile "express.map"',
  ProxyExpressDBMType: 'ProxyExpressDBMType default',
  RewriteOptions: 'RewriteOptions inherit',
  RewriteBase: 'RewriteBase "/app/"',
  RewriteMap: 'RewriteMap lower "int:tolower"',
  MaxKeepAliveRequests: 'MaxKeepAliveRequests 100',
  LimitRequestBody: 'LimitRequestBody 1048576',
  LimitRequestFields: 'LimitRequestFields 100',
  LimitRequestFieldsize: 'limitrequestfieldsize 16380',
  LimitRequestLine: 'LimitRequestLine 8190',
  LimitXMLRequestBody: 'LimitXMLRequestBody 1000000',
  SSLProxyVerify: 'SSLProxyVerify require',
  SSLProxyVerifyDepth: 'SSLProxyVerifyDepth 3',
  SSLProxyCACertificateFile: `SSLProxyCACertificateFile "${CA}"`,
  SSLProxyCACertificatePath: 'SSLProxyCACertificatePath /etc/ssl/certs',
  SSLProxyCARevocationFile: `SSLProxyCARevocationFile ${CA}`,
  SSLProxyCARevocationPath: 'SSLProxyCARevocationPath /etc/ssl/certs',
  SSLProxyMachineCertificateFile: `SSLProxyMachineCertificateFile ${CA}`,
  SSLProxyMachineCertificatePath: 'SSLProxyMachineCertificatePath /etc/ssl/certs',
  SSLProxyMachineCertificateChainFile: `SSLProxyMachineCertificateChainFile ${CA}`,
  SSLProxyCipherSuite: 'SSLProxyCipherSuite "HIGH:!aNULL" ""',
};

/** Bad lines for an entry, made from its form. */
function badLines(e: DirectiveArguments): string[] {
  const f = e.args;
  switch (f.form) {
    case 'flag':
      return [e.name, `${e.name} maybe`, `${e.name} ""`, `${e.name} "On Off"`, `${e.name.toLowerCase()} yes On`];
    case 'switch':
      return [e.name, `${e.name} yes`, `${e.name} ""`];
    case 'list':
      return [e.name, `${e.name} "" x`];
    case 'take': {
      const out = [`${e.name}${' x'.repeat(f.max + 1)}`];
      // Too few words on ProxyPassReverse are proxypass-missing-argument's.
      if (e.name !== 'ProxyPassReverse') out.push(`${e.name}${' x'.repeat(f.min - 1)}`, `${e.name} ""${' x'.repeat(f.min - 1)}`);
      if (f.min === 2) out.push(`${e.name} x ""`);
      if (f.keywords) out.push(`${e.name} nope`);
      return out;
    }
  }
}

function goodLines(e: DirectiveArguments): string[] {
  if (e.args.form === 'flag') return [`${e.name} on`, `${e.name} OFF`, `${e.name} "On"`, `${e.name} 'oFF'`, `${e.name} Off and words httpd ignores`];
  assert.ok(GOOD[e.name], `no good sample for ${e.name}`);
  return [GOOD[e.name]];
}

/** RewriteBase is only taken in a per-directory section; the count is checked before that, but keep it where it works. */
const place = (e: DirectiveArguments, line: string) => (e.name === 'RewriteBase' ? `<Directory "/tmp">\n    ${line}\n</Directory>` : line);

test('each bad form of each table entry stops apache2 -t with the words the finding quotes (real apache2 -t)', async () => {
  const failures: string[] = [];
  let cases = 0;
  for (const e of allDirectiveArguments()) {
    for (const line of badLines(e)) {
      const text = place(e, line) + '\n';
      const found = findings(text);
      const t = await apacheConfigTestText(text, { modules: MODULES });
      cases++;
      if (t.ok) {
        failures.push(`${line}: apache2 -t accepted it`);
        continue;
      }
      if (found.length !== 1) {
        failures.push(`${line}: ${found.length} findings; httpd said ${t.output.trim().split('\n').pop()}`);
        continue;
      }
      const quoted = /^httpd refuses to start: "(.*?)" \(/.exec(found[0].message)?.[1];
      if (!quoted || !t.output.includes(quoted)) failures.push(`${line}\n  httpd: ${t.output.trim().split('\n').pop()}\n  rule:  ${found[0].message}`);
    }
  }
  assert.ok(cases > 150, `only ${cases} cases`);
  assert.deepEqual(failures, []);
});

test('the good forms of every table entry (any case, quotes, empty optional words) load and are not reported (real apache2 -t)', async () => {
  const text = allDirectiveArguments().flatMap((e) => goodLines(e).map((l) => place(e, l))).join('\n') + '\n';
  assert.deepEqual(findings(text).map((f) => f.message), []);
  const t = await apacheConfigTestText(text, { modules: MODULES });
  assert.ok(t.ok, t.output);
});

test('the fixture files: bad.conf fails apache2 -t on its first line, ok.conf loads (real apache2 -t)', async () => {
  const dir = join(ROOT, 'test/rules/apache/invalid-directive-arguments');
  const ok = readFileSync(join(dir, 'ok.conf'), 'utf8');
  assert.deepEqual(findings(ok).map((f) => f.message), []);
  const t = await apacheConfigTestText(ok, { modules: MODULES });
  assert.ok(t.ok, t.output);
  // Each bad line on its own: the fixture stops at its first error, so every line is tried alone inside the vhost.
  const bad = readFileSync(join(dir, 'bad.conf'), 'utf8').split('\n');
  for (let k = 0; k < bad.length; k++) {
    if (!/expect-next-line/.test(bad[k])) continue;
    const line = bad[k + 1].trim();
    const r = await apacheConfigTestText(`${line}\n`, { modules: MODULES });
    assert.ok(!r.ok, `apache2 -t accepted ${line}`);
    const found = findings(`${line}\n`);
    assert.equal(found.length, 1, line);
    assert.ok(r.output.includes(/^httpd refuses to start: "(.*?)" \(/.exec(found[0].message)![1]), `${line}\n${r.output}\n${found[0].message}`);
  }
});

test('a line left alone: inside <IfModule> of a module not loaded, with a "#" word, with a ${VAR}, or for a module not loaded', () => {
  const main = (body: string) => `LoadModule mpm_event_module modules/mod_mpm_event.so\nLoadModule authz_core_module modules/mod_authz_core.so\nLoadModule proxy_module modules/mod_proxy.so\n${body}\n`;
  assert.equal(findings(main('<IfModule rewrite_module>\n    RewriteEngine\n</IfModule>')).length, 0);
  assert.equal(findings(main('RewriteEngine')).length, 0, 'apache-module-not-loaded says it');
  assert.equal(findings(main('ProxyPreserveHost')).length, 1);
  assert.equal(findings('ProxyPreserveHost # on\n').length, 0, 'inline-comment-is-argument says it');
  assert.equal(findings('ProxyVia ${VIA}\n').length, 0);
  assert.equal(findings('Timeout\nProxyTimeout 1 2\nProxyPass\n').length, 0, 'other rules say it');
});

test('values from a Define and from a <Macro> expanded by Use are judged as httpd reads them, after the replacement (real apache2 -t)', async () => {
  const macro = (value: string) => `<Macro Site $preserve>\n<VirtualHost 127.0.0.1:18999>\n    ProxyPreserveHost $preserve\n</VirtualHost>\n</Macro>\nUse Site ${value}\n`;
  const cases: [string, boolean][] = [
    ['Define PRESERVE On\nProxyPreserveHost ${PRESERVE}\n', true],
    ['Define PRESERVE maybe\nProxyPreserveHost ${PRESERVE}\n', false],
    [macro('On'), true],
    [macro('maybe'), false],
  ];
  for (const [text, loads] of cases) {
    const t = await apacheConfigTestText(text, { modules: [...MODULES, 'macro'] });
    assert.equal(t.ok, loads, `${text}\nhttpd: ${t.output}`);
    const found = findings(text);
    assert.equal(found.length, loads ? 0 : 1, `${text}\nrule: ${found.map((f) => f.message).join(' | ')}`);
    if (!loads) assert.match(found[0].message, /not "maybe"/);
  }
});

test('in a section where the directive is not allowed, httpd names the section first, and this rule leaves the line to directive-not-allowed-in-section (real apache2 -t)', async () => {
  for (const text of ['<Location "/a/">\n    ProxyRequests maybe\n</Location>\n', '<Directory "/tmp">\n    KeepAlive\n</Directory>\n', '<Location "/a/">\n    SSLProxyEngine\n</Location>\n']) {
    assert.equal(findings(text).length, 0, text);
    const t = await apacheConfigTestText(text, { modules: MODULES });
    assert.match(t.output, /not allowed in <(Location|Directory)> context/, text);
  }
  // Inside <Proxy> mod_ssl takes its proxy directives, so the words are checked there.
  const inProxy = '<Proxy "http://127.0.0.1:8080/">\n    SSLProxyEngine maybe\n</Proxy>\n';
  assert.equal(findings(inProxy).length, 1);
  assert.match((await apacheConfigTestText(inProxy, { modules: MODULES })).output, /SSLProxyEngine must be On or Off/);
});

test('in an .htaccess file the finding says 500 for the folder, and httpd answers 500 there and logs the words it quotes (real httpd, real requests)', async () => {
  const cases = ['RewriteEngine maybe', 'RewriteOptions', 'LimitRequestBody 10 20'];
  const dir = tempDir('proxylint-apache-');
  const files: Record<string, string> = {};
  cases.forEach((line, k) => {
    files[`www/d${k}/x.txt`] = 'hi\n';
    files[`www/d${k}/.htaccess`] = line + '\n';
  });
  const setup = await prepareApache(`Listen 80\nDocumentRoot "${dir}/www"\n<Directory "${dir}/www">\n    AllowOverride All\n    Require all granted\n</Directory>\n`, { dir, files, modules: ['mpm_event', 'authz_core', 'rewrite'] });
  const running = await startApache(setup);
  try {
    for (const [k, line] of cases.entries()) {
      const path = `/srv/www/d${k}/.htaccess`;
      const found = lintApache(path, line + '\n', memHost({ [path]: line + '\n' }), { settings: defaultSettings() }).findings.filter((f) => f.ruleId === RULE);
      assert.equal(found.length, 1, line);
      const quoted = /^every request under this folder gets 500, as httpd fails on this line: "(.*?)" \(/.exec(found[0].message)?.[1];
      const r = await request({ port: setup.port, path: `/d${k}/x.txt` });
      assert.equal(r.status, 500, line);
      assert.ok(quoted && running.errorLog().includes(`.htaccess: ${quoted}`), `${line}\n${running.errorLog()}\n${found[0].message}`);
    }
  } finally {
    await running.stop();
    setup.cleanup();
  }
});

// How httpd splits words (ap_getword_conf): a quote never closed runs to the end of the line, a word ends at its
// closing quote even with letters after it ("On"x is On, then x), a quote inside an unquoted word is kept, a
// continuation joins lines, and "" is a word of its own.
const EDGES = [
  'ProxyPreserveHost "On',
  'ProxyPreserveHost On"',
  'ProxyPreserveHost "On"x',
  'ProxyPreserveHost \\\n    On',
  'ProxyVia "On Off',
  'ProxyVia "full"x',
  'ProxyVia "full" ""',
  "ProxyVia 'full'",
  'ProxyBadHeader Ignore"',
  'ProxyIOBufferSize "8192',
  'ProxyIOBufferSize 8192 \\\n    4096',
  'ProxyPassReverseCookiePath "/a" "/b" "" "x"',
  'KeepAlive "Off"',
];

test('quotes, continuations and empty words: the rule reports a line exactly when apache2 -t refuses it, with its words (real apache2 -t)', async () => {
  for (const line of EDGES) {
    const found = findings(line + '\n');
    const t = await apacheConfigTestText(line + '\n', { modules: MODULES });
    assert.equal(found.length, t.ok ? 0 : 1, `${line}\nhttpd: ${t.output}\nrule: ${found.map((f) => f.message).join(' | ')}`);
    if (!t.ok) assert.ok(t.output.includes(/^httpd refuses to start: "(.*?)" \(/.exec(found[0].message)![1]), `${line}\n${t.output}\n${found[0].message}`);
  }
});

test('ProxyErrorOverride before 2.4.47 was a plain On|Off flag: a target known to be older gets the flag message (the docs: status codes came in 2.4.47)', () => {
  const lint = (version: string | null) => {
    const settings = defaultSettings();
    settings.apache.version = version === null ? null : (version.split('.').map(Number) as [number, number, number]);
    return lintApache('/c/site.conf', 'ProxyErrorOverride yes\n', memHost({ '/c/site.conf': 'ProxyErrorOverride yes\n' }), { settings }).findings.filter((f) => f.ruleId === RULE).map((f) => /"(.*?)"/.exec(f.message)![1]);
  };
  assert.deepEqual(lint('2.4.46'), ['ProxyErrorOverride must be On or Off']);
  assert.deepEqual(lint('2.4.47'), ['ProxyErrorOverride first parameter must be one of: off | on']);
  assert.deepEqual(lint(null), ['ProxyErrorOverride first parameter must be one of: off | on']);
});

// What the directives check in the values themselves, once the count is right: numbers as C's atoi, atol and
// apr_strtoff read them (digits as far as they go, a 32-bit int wrapping past 2147483647), and the keywords and
// shapes some of them require. Each line alone: apache2 -t must refuse every bad one with the words the finding
// quotes, and load every good one without a finding.
const VALUES: Record<string, { bad: string[]; good: string[] }> = {
  ProxyIOBufferSize: { bad: ['-1', '10abc', '1.5', '511', '+5', '1e3', '64K', '-9223372036854775808', '0000000000000000000000000000511'], good: ['abc', '0', '512', '0x10', '-0', '99999999999999999999', '" 600"', '0512'] },
  ProxyReceiveBufferSize: { bad: ['-1', '511', '99999999999999999999', '2147483648', '4294967807'], good: ['0', 'abc', '2048', '4294967296', '-99999999999999999999'] },
  BalancerGrowth: { bad: ['-1', '1001', '99999999999999999999'], good: ['abc', '0', '1000', '10abc'] },
  ProxyHCTPsize: { bad: ['-1', '2147483648', '99999999999999999999'], good: ['abc', '16', '4294967296'] },
  LimitRequestBody: { bad: ['abc', '-1', '10abc', '1.5', '0x10', '1e3', '10M', '"5 "', '-', '+', '9223372036854775808', '-99999999999999999999'], good: ['0', '" 5"', '+5', '-0', '1048576', '9223372036854775807', '000000000000000000000000000005'] },
  LimitRequestFields: { bad: ['-1', '2147483648', '99999999999999999999'], good: ['abc', '100', '4294967296', '-4294967296'] },
  LimitRequestFieldsize: { bad: ['-1', '2147483648'], good: ['abc', '8190'] },
  LimitRequestLine: { bad: ['-1', '"-5"'], good: ['abc', '8190'] },
  LimitXMLRequestBody: { bad: ['-1', '3074457345618258602', '99999999999999999999'], good: ['abc', '0', '3074457345618258601'] },
  SSLProxyVerifyDepth: { bad: ['-1', '2147483648'], good: ['abc', '0', '3'] },
  RewriteOptions: { bad: ['nope', 'Inherit nope', 'MaxRedirects', 'Inherit=1', 'UnsafeAllow3F', 'LongURLOptimization'], good: ['INHERIT', 'inheritbefore InheritDown inheritdownbefore', 'IgnoreInherit AllowNoSlash AllowAnyURI', 'MergeBase IgnoreContextInfo LegacyPrefixDocRoot UnsafePrefixStat', 'MaxRedirects=10', 'maxredirects=abc', 'inherit ""'] },
  SSLProxyVerify: { bad: ['maybe', 'yes', '0'], good: ['NONE', 'off', 'on', 'optional', 'optional_no_ca', 'REQUIRE'] },
  ProxyDomain: { bad: ['example.com'], good: ['.', '.example.com'] },
  AllowCONNECT: { bad: ['abc', '443-abc', '44x', '44-', '4-x5', '443 abc', '4-5x', '"-5"', '"+5"', '1-2-3', '4x-5'], good: ['0', '70000', '500-400', '4--5', '4-+5', '99999999999', '443 ""'] },
  SSLProxyCipherSuite: { bad: ['XYZ HIGH', 'tlsv1.3 x', 'ssl x', 'TLSv1.2 x'], good: ['"SSL" HIGH', 'TLSv1.3 TLS_AES_128_GCM_SHA256', 'HIGH ""'] },
  ProxyFCGISetEnvIf: { bad: ['true !X 1', 'true !X ""'], good: ['true !X', 'true X 1'] },
};

test('values the directives refuse stop apache2 -t with the words the finding quotes, and the ones they take load unreported (real apache2 -t)', async () => {
  const failures: string[] = [];
  for (const [name, { bad, good }] of Object.entries(VALUES)) {
    for (const [value, refused] of [...bad.map((v) => [v, true] as const), ...good.map((v) => [v, false] as const)]) {
      // One line in two spellings of the name: httpd prints its own (LimitRequestFieldsize) whatever was written.
      const line = `${refused && value === bad[0] ? name.toLowerCase() : name} ${value}`;
      const found = findings(line + '\n');
      const t = await apacheConfigTestText(line + '\n', { modules: MODULES });
      if (t.ok === refused) failures.push(`${line}: apache2 -t ${t.ok ? 'accepted it' : `refused it: ${t.output.trim().split('\n').pop()}`}`);
      if (found.length !== (refused ? 1 : 0)) failures.push(`${line}: ${found.length} findings ${found.map((f) => f.message).join(' | ')}`);
      const quoted = found[0] && /^httpd refuses to start: "(.*?)" \(/.exec(found[0].message)?.[1];
      if (refused && !t.ok && found.length === 1 && !(quoted && t.output.includes(quoted))) failures.push(`${line}\n  httpd: ${t.output.trim().split('\n').pop()}\n  rule:  ${found[0].message}`);
    }
  }
  assert.deepEqual(failures, []);
});
