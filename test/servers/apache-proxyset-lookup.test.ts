// ProxySet outside a <Proxy> section changes a worker or balancer that already exists, and httpd looks it up when it
// reads the line: in the same server (main or <VirtualHost>), among workers ProxyPass defined before it, by the name
// httpd gave them (lower-case scheme and host, default port left out, path as written), the URL at least as long as
// the name and starting with it. Otherwise: "ProxySet can not find '…' Worker." (or "… Balancer.") and no start.
// proxyset-target-not-found reports those lines with httpd's words. Before any lookup httpd checks the name itself
// (the section's first word inside <Proxy>/<ProxyMatch>, else the line's): proxyset-target-invalid reports the names
// it refuses; inside a section every word is a parameter, and invalid-worker-parameter reports a URL written there.
// This runs the real apache2 -t on each case and checks the rules against it: one finding exactly on the line httpd
// names, quoting the message it prints there, and none where httpd starts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { lintApache } from '../../server/src/core/lint-apache';
import { buildProxyModel } from '../../server/src/core/model/apache-proxy';
import { loadApacheConfig } from '../../server/src/core/model/apache-tree';
import { defaultSettings } from '../../server/src/core/settings';
import { memHost, requireBinary, ROOT } from '../helpers';
import { applyEdits } from '../../server/src/core/fix';
import { apacheConfigTest, apacheConfigTestText, prepareApache, startApache } from './harness/apache';
import { request } from './harness/client';
import { startHttpStandin } from './standins/http';

requireBinary('apache2');

const PP = 'ProxyPass "/a/" "http://127.0.0.1:8080/"';
const BAL = '<Proxy "balancer://app">\n    BalancerMember "http://127.0.0.1:8081"\n</Proxy>';

/** [what, configuration]; httpd's verdict is what apache2 -t says, the test asserts the rule agrees. */
const CASES: [string, string][] = [
  // Forms of the URL.
  ['the same URL', `${PP}\nProxySet "http://127.0.0.1:8080/" timeout=5`],
  ['without the trailing slash the worker has', `${PP}\nProxySet "http://127.0.0.1:8080" timeout=5`],
  ['with a slash the worker lacks', 'ProxyPass "/a/" "http://127.0.0.1:8080"\nProxySet "http://127.0.0.1:8080/" timeout=5'],
  ['a longer URL', `${PP}\nProxySet "http://127.0.0.1:8080/api/v1" timeout=5`],
  ['host and port only, for a worker with a path', 'ProxyPass "/a/" "http://127.0.0.1:8080/api/"\nProxySet "http://127.0.0.1:8080/" timeout=5'],
  ['the path without its slash', 'ProxyPass "/a/" "http://127.0.0.1:8080/api/"\nProxySet "http://127.0.0.1:8080/api" timeout=5'],
  ['the path in another case', 'ProxyPass "/a/" "http://127.0.0.1:8080/Api/"\nProxySet "http://127.0.0.1:8080/api/" timeout=5'],
  ['scheme and host in another case', 'ProxyPass "/a/" "http://Backend.Example:8080/"\nProxySet "HTTP://backend.example:8080/" timeout=5'],
  ['the default port, left out of the name', 'ProxyPass "/a/" "http://127.0.0.1:80/"\nProxySet "http://127.0.0.1/" timeout=5'],
  ['the default port, written on both', 'ProxyPass "/a/" "http://127.0.0.1:80/"\nProxySet "http://127.0.0.1:80/" timeout=5'],
  ['the default port on ProxySet only', 'ProxyPass "/a/" "http://127.0.0.1/"\nProxySet "http://127.0.0.1:80/" timeout=5'],
  ['fcgi:// default port 8000', 'ProxyPass "/p/" "fcgi://127.0.0.1:8000/"\nProxySet "fcgi://127.0.0.1/" timeout=5'],
  ['https:// default port 443', 'ProxyPass "/p/" "https://127.0.0.1:443/"\nProxySet "https://127.0.0.1/" timeout=5'],
  ['another port', 'ProxyPass "/a/" "http://127.0.0.1:808"\nProxySet "http://127.0.0.1:8080/" timeout=5'],
  ['a query after the worker URL', 'ProxyPass "/a/" "http://127.0.0.1:8080/x"\nProxySet "http://127.0.0.1:8080/x?y=1" timeout=5'],
  ['UNIX socket, same URL', 'ProxyPass "/p/" "unix:/run/php/x.sock|fcgi://localhost/"\nProxySet "unix:/run/php/x.sock|fcgi://localhost/" timeout=5'],
  ['UNIX socket, the URL after "|" only', 'ProxyPass "/p/" "unix:/run/php/x.sock|fcgi://localhost/"\nProxySet "fcgi://localhost/" timeout=5'],
  ['UNIX socket, without the slash', 'ProxyPass "/p/" "unix:/run/php/x.sock|fcgi://localhost/"\nProxySet "unix:/run/php/x.sock|fcgi://localhost" timeout=5'],
  ['UNIX socket, short form', 'ProxyPass "/p/" "unix:/run/php/x.sock|fcgi://localhost"\nProxySet "unix:/run/php/x.sock|fcgi:" timeout=5'],
  // ProxyPassMatch workers keep $1 in their name, and match it as a wildcard of the URL's length or more.
  ['ProxyPassMatch, host only', 'ProxyPassMatch "^/m/(.*)$" "http://127.0.0.1:8086/$1"\nProxySet "http://127.0.0.1:8086/" timeout=5'],
  ['ProxyPassMatch, the URL with $1', 'ProxyPassMatch "^/m/(.*)$" "http://127.0.0.1:8086/$1"\nProxySet "http://127.0.0.1:8086/$1" timeout=5'],
  ['ProxyPassMatch, one letter for $1', 'ProxyPassMatch "^/m/(.*)$" "http://127.0.0.1:8086/$1"\nProxySet "http://127.0.0.1:8086/x" timeout=5'],
  ['ProxyPassMatch with $1 for the host, another host', 'ProxyPassMatch "^/(.*)$" "http://$1"\nProxySet "http://backend.example/" timeout=5'],
  ['ProxyPassMatch with $1 for the host, a URL shorter than the name', 'ProxyPassMatch "^/(.*)$" "http://$1"\nProxySet "http://b" timeout=5'],
  ['ProxyPassMatch with $1 after part of the host', 'ProxyPassMatch "^/x/(.*)$" "http://a$1"\nProxySet "http://ab/" timeout=5'],
  ['ProxyPassMatch with $1 in the path, a longer host', 'ProxyPassMatch "^/m/(.*)$" "http://a/$1"\nProxySet "http://ab/" timeout=5'],
  ['ProxyPass to a host that begins another', 'ProxyPass "/x/" "http://a"\nProxySet "http://ab/" timeout=5'],
  ['ProxyPassMatch without $', 'ProxyPassMatch "^/m/" "http://127.0.0.1:8086/"\nProxySet "http://127.0.0.1:8086/" timeout=5'],
  // Order and place.
  ['before the ProxyPass', `ProxySet "http://127.0.0.1:8080/" timeout=5\n${PP}`],
  ['nothing defines it', 'ProxySet "http://127.0.0.1:8080/" timeout=5'],
  ['only a BalancerMember has the URL', `${BAL}\nProxyPass "/b/" "balancer://app/"\nProxySet "http://127.0.0.1:8081" timeout=5`],
  ['ProxyPass in a <VirtualHost>, ProxySet in the main server', `<VirtualHost *:80>\n    ${PP}\n</VirtualHost>\nProxySet "http://127.0.0.1:8080/" timeout=5`],
  ['ProxyPass in the main server, ProxySet in a <VirtualHost>', `${PP}\n<VirtualHost *:80>\n    ProxySet "http://127.0.0.1:8080/" timeout=5\n</VirtualHost>`],
  ['both in one <VirtualHost>', `<VirtualHost *:80>\n    ${PP}\n    ProxySet "http://127.0.0.1:8080/" timeout=5\n</VirtualHost>`],
  ['ProxyPass in another <VirtualHost>', `Listen 81\n<VirtualHost *:80>\n    ${PP}\n</VirtualHost>\n<VirtualHost *:81>\n    ProxySet "http://127.0.0.1:8080/" timeout=5\n</VirtualHost>`],
  ['ProxyPass inside <Location>', '<Location "/a/">\n    ProxyPass "http://127.0.0.1:8080/"\n</Location>\nProxySet "http://127.0.0.1:8080/" timeout=5'],
  ['ProxySet inside <Location>', `${PP}\n<Location "/b/">\n    ProxySet "http://127.0.0.1:8080/" timeout=5\n</Location>`],
  ['ProxySet after an Include that holds the ProxyPass', 'Include conf/pp.conf\nProxySet "http://127.0.0.1:8080/" timeout=5'],
  ['ProxyPass "!" defines no worker', 'ProxyPass "/a/" "!"\nProxySet "http://127.0.0.1:8080/" timeout=5'],
  ['RewriteRule [P] defines no worker', 'RewriteEngine On\nRewriteRule "^/r/(.*)" "http://127.0.0.1:8080/$1" [P]\nProxySet "http://127.0.0.1:8080/" timeout=5'],
  ['ProxyRemote defines no worker', 'ProxyRemote "*" "http://127.0.0.1:3128"\nProxySet "http://127.0.0.1:3128" timeout=5'],
  // <Proxy url> sections: ProxySet inside one defines the worker; the section alone does not.
  ['inside <Proxy url>', '<Proxy "http://127.0.0.1:8080/">\n    ProxySet timeout=5\n</Proxy>'],
  ['inside <Proxy url>, through <IfModule>', '<Proxy "http://127.0.0.1:8080/">\n    <IfModule proxy_module>\n        ProxySet timeout=5\n    </IfModule>\n</Proxy>'],
  ['after a <Proxy url> that holds a ProxySet', '<Proxy "http://127.0.0.1:8080/">\n    ProxySet timeout=5\n</Proxy>\nProxySet "http://127.0.0.1:8080/" retry=5'],
  ['after a <Proxy url> without ProxySet', '<Proxy "http://127.0.0.1:8080/">\n    Require all granted\n</Proxy>\nProxySet "http://127.0.0.1:8080/" timeout=5'],
  ['no URL outside a section', 'ProxySet timeout=5'],
  ['host:port without a scheme', 'ProxySet 127.0.0.1:8080 timeout=5'],
  ['no word at all', 'ProxySet'],
  ['a ProxySet httpd does not read (<IfDefine> not defined)', '<IfDefine NOPE>\n    ProxySet "http://127.0.0.1:8080/" timeout=5\n</IfDefine>'],
  // Balancers.
  ['a balancer defined before', `${BAL}\nProxySet "balancer://app" lbmethod=byrequests`],
  ['a balancer defined later', `ProxySet "balancer://app" lbmethod=byrequests\n${BAL}`],
  ['a balancer nothing defines', 'ProxySet "balancer://app" lbmethod=byrequests'],
  ['a balancer whose <Proxy> section is empty', '<Proxy "balancer://app">\n    Require all granted\n</Proxy>\nProxySet "balancer://app" lbmethod=byrequests'],
  ['a balancer only ProxyPass names', 'ProxyPass "/b/" "balancer://app/"\nProxySet "balancer://app" lbmethod=byrequests'],
  ['a balancer a BalancerMember outside a section names', 'BalancerMember "balancer://app" "http://127.0.0.1:8081"\nProxySet "balancer://app" lbmethod=byrequests'],
  ['a balancer, with a slash and a path, in another case', `${BAL}\nProxySet "BALANCER://App/x/y" lbmethod=byrequests`],
  ['a balancer name that is a prefix', `${BAL}\nProxySet "balancer://ap" lbmethod=byrequests`],
  ['a balancer in a <VirtualHost>, ProxySet in the main server', `<VirtualHost *:80>\n${BAL}\n</VirtualHost>\nProxySet "balancer://app" lbmethod=byrequests`],
  ['a balancer in the main server, ProxySet in a <VirtualHost>', `${BAL}\n<VirtualHost *:80>\n    ProxySet "balancer://app" lbmethod=byrequests\n</VirtualHost>`],
  ['"balancer://" without a name', 'ProxySet "balancer://" lbmethod=byrequests'],
  // Not reported (see NOT_REPORTED).
  ['ProxyPass under an <IfDefine> that is not defined', `<IfDefine NOPE>\n    ${PP}\n</IfDefine>\nProxySet "http://127.0.0.1:8080/" timeout=5`],
  // Names httpd cannot use (proxyset-target-invalid): a "unix:" URL with no ":" after "|", anywhere.
  ['a "unix:" URL without a scheme after "|"', 'ProxyPass "/p/" "unix:/run/php/x.sock|fcgi://localhost"\nProxySet "unix:/run/php/x.sock|fcgi" timeout=5'],
  ['a "unix:" URL with nothing after "|", in capitals', 'ProxySet "UNIX:/run/php/x.sock|" timeout=5'],
  ['a "unix:" URL with "scheme:/" after "|" (looked up)', 'ProxySet "unix:/run/php/x.sock|fcgi:/" timeout=5'],
  ['a "unix:" URL without "|" (looked up)', 'ProxySet "unix:/run/php/x.sock" timeout=5'],
  ['inside <Proxy "unix:…|fcgi">', '<Proxy "unix:/run/php/x.sock|fcgi">\n    ProxySet timeout=5\n</Proxy>'],
  ['inside <Proxy "unix:…|fcgi:">', '<Proxy "unix:/run/php/x.sock|fcgi:">\n    ProxySet timeout=5\n</Proxy>'],
  ['inside <Proxy "unix:…"> without "|"', '<Proxy "unix:/run/php/x.sock">\n    ProxySet timeout=5\n</Proxy>'],
  // Inside a section: the section's first word, as written, must be a URL with a host or a balancer name.
  ['inside <Proxy "*">', '<Proxy "*">\n    ProxySet timeout=5\n</Proxy>'],
  ['inside <Proxy *>, through <IfModule>', '<Proxy *>\n    <IfModule proxy_module>\n        ProxySet timeout=5\n    </IfModule>\n</Proxy>'],
  ['inside <Proxy *>, through an <IfDefine> that holds', '<Proxy *>\n    <IfDefine !NOPE>\n        ProxySet timeout=5\n    </IfDefine>\n</Proxy>'],
  ['inside <Proxy *>, under an <IfDefine> that is not defined', '<IfDefine NOPE>\n    <Proxy *>\n        ProxySet timeout=5\n    </Proxy>\n</IfDefine>'],
  ['inside <Proxy *> in a <VirtualHost>', '<VirtualHost *:80>\n    <Proxy *>\n        ProxySet timeout=5\n    </Proxy>\n</VirtualHost>'],
  ['a bare ProxySet inside <Proxy "*">', '<Proxy "*">\n    ProxySet\n</Proxy>'],
  ['<Proxy "*"> without ProxySet', '<Proxy "*">\n    Require all granted\n</Proxy>'],
  ['inside <Proxy "/app">', '<Proxy "/app">\n    ProxySet timeout=5\n</Proxy>'],
  ['inside <Proxy> without a word', '<Proxy>\n    ProxySet timeout=5\n</Proxy>'],
  ['inside <Proxy "host:port">', '<Proxy "127.0.0.1:8080">\n    ProxySet timeout=5\n</Proxy>'],
  ['inside <Proxy "http:">', '<Proxy "http:">\n    ProxySet timeout=5\n</Proxy>'],
  ['inside <Proxy "backend:8080/">', '<Proxy "backend:8080/">\n    ProxySet timeout=5\n</Proxy>'],
  ['inside <Proxy "http:///path">', '<Proxy "http:///path">\n    ProxySet timeout=5\n</Proxy>'],
  ['inside <Proxy url> with a port that is no number', '<Proxy "http://127.0.0.1:abc/">\n    ProxySet timeout=5\n</Proxy>'],
  ['inside <Proxy url> with an unclosed "["', '<Proxy "http://[::1/">\n    ProxySet timeout=5\n</Proxy>'],
  ['inside <Proxy url> with port 99999', '<Proxy "http://127.0.0.1:99999/">\n    ProxySet timeout=5\n</Proxy>'],
  ['inside <Proxy "http://*.example.com/">', '<Proxy "http://*.example.com/">\n    ProxySet timeout=5\n</Proxy>'],
  ['inside <Proxy "http://host:port/*">', '<Proxy "http://127.0.0.1:8080/*">\n    ProxySet timeout=5\n</Proxy>'],
  ['inside <Proxy ~ regex>', '<Proxy ~ "^http://127.0.0.1:8080/">\n    ProxySet timeout=5\n</Proxy>'],
  ['inside <Proxy ~ "balancer://app">', '<Proxy ~ "balancer://app">\n    ProxySet lbmethod=byrequests\n</Proxy>'],
  ['inside <ProxyMatch regex>', '<ProxyMatch "^http://127.0.0.1:8080/">\n    ProxySet timeout=5\n</ProxyMatch>'],
  ['inside <ProxyMatch> whose regex reads as a URL', '<ProxyMatch "http://127.0.0.1:8080/.*">\n    ProxySet timeout=5\n</ProxyMatch>'],
  ['inside <ProxyMatch "https?://…">', '<ProxyMatch "https?://backend/">\n    ProxySet timeout=5\n</ProxyMatch>'],
  ['inside <ProxyMatch "(http|https)://…">', '<ProxyMatch "(http|https)://backend/">\n    ProxySet timeout=5\n</ProxyMatch>'],
  ['inside <ProxyMatch> with a class in the port', '<ProxyMatch "http://127.0.0.1:80[0-9]+/">\n    ProxySet timeout=5\n</ProxyMatch>'],
  ['inside <ProxyMatch ".*">', '<ProxyMatch ".*">\n    ProxySet timeout=5\n</ProxyMatch>'],
  ['inside <ProxyMatch "/x">', '<ProxyMatch "/x">\n    ProxySet timeout=5\n</ProxyMatch>'],
  ['inside <ProxyMatch "balancer://app.*">', '<ProxyMatch "balancer://app.*">\n    BalancerMember "http://127.0.0.1:8081"\n    ProxySet lbmethod=byrequests\n</ProxyMatch>'],
  ['inside <ProxyMatch "^balancer://app">', '<ProxyMatch "^balancer://app">\n    ProxySet lbmethod=byrequests\n</ProxyMatch>'],
  ['<ProxyMatch "^balancer://app"> with a BalancerMember only', '<ProxyMatch "^balancer://app">\n    BalancerMember "http://127.0.0.1:8081"\n</ProxyMatch>'],
  // A ProxyPassMatch worker with $1 matches the section's name: httpd finds it and defines nothing.
  ['<ProxyMatch> a ProxyPassMatch worker with $1 in its host matches', 'ProxyPassMatch "^/(.*)$" "http://$1"\n<ProxyMatch "http://127.0.0.1:80[0-9]+/">\n    ProxySet timeout=5\n</ProxyMatch>'],
  ['<ProxyMatch> a ProxyPassMatch worker with $1 in its port matches', 'ProxyPassMatch "^/(\\d+)/(.*)$" "http://127.0.0.1:$1/$2"\n<ProxyMatch "http://127.0.0.1:80[0-9]+/">\n    ProxySet timeout=5\n</ProxyMatch>'],
  ['<ProxyMatch> a ProxyPassMatch worker with $1 in its path does not match', 'ProxyPassMatch "^/m/(.*)$" "http://127.0.0.1:8086/$1"\n<ProxyMatch "http://127.0.0.1:80[0-9]+/">\n    ProxySet timeout=5\n</ProxyMatch>'],
  ['inside <Proxy "balancer:app">', '<Proxy "balancer:app">\n    ProxySet lbmethod=byrequests\n</Proxy>'],
  ['inside <Proxy "balancer:/app">', '<Proxy "balancer:/app">\n    ProxySet lbmethod=byrequests\n</Proxy>'],
  ['inside <Proxy "balancer://">', '<Proxy "balancer://">\n    ProxySet lbmethod=byrequests\n</Proxy>'],
  ['inside <Proxy "BALANCER://app">', '<Proxy "BALANCER://app">\n    ProxySet lbmethod=byrequests\n</Proxy>'],
  // Inside a section every word is a parameter (invalid-worker-parameter): a URL there fails as one.
  ['a URL argument inside <Proxy url>, the same URL', '<Proxy "http://127.0.0.1:8080/">\n    ProxySet "http://127.0.0.1:8080/" timeout=5\n</Proxy>'],
  ['a URL argument inside <Proxy url>, another URL', '<Proxy "http://127.0.0.1:8080/">\n    ProxySet "http://127.0.0.1:9090/" timeout=5\n</Proxy>'],
  ['a URL argument inside <Proxy url>, the URL alone', '<Proxy "http://127.0.0.1:8080/">\n    ProxySet "http://127.0.0.1:8080/"\n</Proxy>'],
  ['a URL argument inside <Proxy balancer://>, the same balancer', `${BAL.replace('</Proxy>', '    ProxySet "balancer://app" lbmethod=byrequests\n</Proxy>')}`],
  ['a URL argument inside <Proxy balancer://>, a member', `${BAL.replace('</Proxy>', '    ProxySet "http://127.0.0.1:8081" lbmethod=byrequests\n</Proxy>')}`],
  ['a URL argument inside <ProxyMatch> whose regex reads as a URL', '<ProxyMatch "http://127.0.0.1:8080/.*">\n    ProxySet "http://127.0.0.1:8080/" timeout=5\n</ProxyMatch>'],
  ['a URL argument inside <Proxy "*">', '<Proxy "*">\n    ProxySet "http://127.0.0.1:8080/" timeout=5\n</Proxy>'],
  ['a word without "=" inside <Proxy url>', '<Proxy "http://127.0.0.1:8080/">\n    ProxySet timeout\n</Proxy>'],
  ['a ProxyPass flag on ProxySet', `${PP}\nProxySet "http://127.0.0.1:8080/" nocanon`],
  ['a URL with "=" in its query, outside a section', 'ProxyPass "/a/" "http://127.0.0.1:8080/x?a=b"\nProxySet "http://127.0.0.1:8080/x?a=b" timeout=5'],
];

/**
 * httpd fails and the rules stay quiet, on purpose: under a condition proxylint cannot evaluate (-D flags come from
 * the command line), a definition is taken as present and a ProxySet as possibly never read, so as not to report a
 * working file.
 */
const NOT_REPORTED: Record<string, string> = {
  'ProxyPass under an <IfDefine> that is not defined': 'ProxySet can not find',
  'inside <Proxy *>, through an <IfDefine> that holds': 'ProxySet URL must be absolute!: *',
};

const RULES = ['proxyset-target-not-found', 'proxyset-target-invalid', 'invalid-worker-parameter'];
const lint = (text: string) => lintApache('/c/httpd.conf', text, memHost({ '/c/httpd.conf': text, '/c/conf/pp.conf': `${PP}\n` }), { settings: defaultSettings() });
const findings = (text: string) => lint(text).findings.filter((f) => RULES.includes(f.ruleId));
const lineAt = (text: string, offset: number) => text.slice(0, offset).split('\n').length;

/** apache2 -t on the case: the message it prints for the line it stops at, and that line in `text`. */
async function configTest(text: string): Promise<{ ok: boolean; output: string; said?: string; line?: number }> {
  const setup = await prepareApache(text, { files: { 'conf/pp.conf': `${PP}\n` } });
  try {
    const t = apacheConfigTest(setup);
    const m = /Syntax error on line (\d+) of ([^\n]*):\n([^\n]*)/.exec(t.output);
    // The harness writes its own lines (ServerRoot, modules, logs) above the case.
    return { ...t, said: m?.[3], line: m && m[2] === setup.confPath ? Number(m[1]) - setup.harness.length : undefined };
  } finally {
    setup.cleanup();
  }
}

test('ProxySet names: one finding on the line where apache2 -t stops, quoting its message, and none where it starts (real apache2 -t)', async () => {
  for (const [what, text] of CASES) {
    const t = await configTest(text);
    const found = findings(text);
    const show = () => found.map((f) => `${f.ruleId}: ${f.message}`).join('\n');
    if (NOT_REPORTED[what]) {
      assert.ok(!t.ok && t.output.includes(NOT_REPORTED[what]), `${what}: httpd now says ${t.output}`);
      assert.deepEqual(found.map((f) => f.message), [], what);
      continue;
    }
    if (t.ok) {
      assert.deepEqual(found.map((f) => f.message), [], `${what}: httpd accepts it`);
      continue;
    }
    assert.ok(t.said !== undefined && t.line !== undefined, `${what}: apache2 -t failed without a syntax error in the case:\n${t.output}`);
    assert.equal(found.length, 1, `${what}: httpd says ${t.said}\n${show()}`);
    assert.equal(lineAt(text, found[0].start), t.line, `${what}: httpd stops at line ${t.line}\n${show()}`);
    // The harness trims the output's end, and with it the blank httpd prints after "absolute!:" for an empty name.
    const quoted = `httpd refuses to start: "${t.said}`;
    assert.ok(found[0].message.startsWith(quoted) && /^ *": /.test(found[0].message.slice(quoted.length)), `${what}:\n${found[0].message}\nhttpd: ${t.said}`);
  }
});

test('the UNIX-socket suggestion gives a file apache2 -t accepts (real apache2 -t)', async () => {
  const text = 'ProxyPass "/p/" "unix:/run/php/x.sock|fcgi://localhost:8000/"\nProxySet "unix:/run/php/x.sock|fcgi" timeout=5';
  const [f] = lint(text).findings.filter((x) => x.ruleId === 'proxyset-target-invalid');
  assert.equal(f?.suggestions.length, 1, text);
  const fixed = applyEdits(text, f.suggestions[0].edits).text;
  assert.equal(fixed, 'ProxyPass "/p/" "unix:/run/php/x.sock|fcgi://localhost:8000/"\nProxySet "unix:/run/php/x.sock|fcgi://localhost/" timeout=5');
  assert.deepEqual(findings(fixed).map((x) => x.message), [], fixed);
  const t = await apacheConfigTestText(fixed);
  assert.ok(t.ok, `${fixed}\n${t.output}`);
});

test('inside a section, the safe fix removes a URL that names the section\'s own worker or balancer, and apache2 -t accepts the result (real apache2 -t)', async () => {
  const P = (body: string) => `<Proxy "http://127.0.0.1:8080/">\n    ${body}\n</Proxy>`;
  const B = (body: string) => BAL.replace('</Proxy>', `    ${body}\n</Proxy>`);
  for (const [text, expected] of [
    [P('ProxySet "http://127.0.0.1:8080/" timeout=5'), P('ProxySet timeout=5')],
    [P('ProxySet HTTP://127.0.0.1:8080/ timeout=5 retry=0'), P('ProxySet timeout=5 retry=0')],
    [P('ProxySet "http://127.0.0.1:8080/"'), P('ProxySet')],
    [B('ProxySet "BALANCER://App" lbmethod=byrequests'), B('ProxySet lbmethod=byrequests')],
  ]) {
    const [f] = lint(text).findings.filter((x) => x.ruleId === 'invalid-worker-parameter');
    assert.ok(f?.fix, text);
    const fixed = applyEdits(text, f.fix.edits).text;
    assert.equal(fixed, expected);
    assert.deepEqual(findings(fixed).map((x) => x.message), [], fixed);
    const t = await apacheConfigTestText(fixed);
    assert.ok(t.ok, `${fixed}\n${t.output}`);
  }
  // Another URL than the section's: which worker the parameters were for is the user's to say.
  const [other] = lint(P('ProxySet "http://127.0.0.1:9090/" timeout=5')).findings.filter((x) => x.ruleId === 'invalid-worker-parameter');
  assert.equal(other.fix, undefined);
});

test('the fixture ok.conf of proxyset-target-invalid loads (real apache2 -t)', async () => {
  const t = await apacheConfigTestText(readFileSync(join(ROOT, 'test/rules/apache/proxyset-target-invalid/ok.conf'), 'utf8'));
  assert.ok(t.ok, t.output);
});

test('the fixture ok.conf loads (real apache2 -t): its <VirtualHost> part, where the rule sees everything', async () => {
  // The lines after it are a fragment's top level, which only an including configuration gives a meaning.
  const full = readFileSync(join(ROOT, 'test/rules/apache/proxyset-target-not-found/ok.conf'), 'utf8');
  const text = full.slice(0, full.lastIndexOf('</VirtualHost>') + '</VirtualHost>'.length) + '\n';
  const t = await apacheConfigTestText(text);
  assert.ok(t.ok, t.output);
});

test('ProxySet inside <Proxy "member-url"> does not reach the BalancerMember, and the model does not give it those parameters (real apache2)', async () => {
  // A backend that never answers: how long the request waits is the member's timeout (ProxyTimeout 4 s otherwise).
  const timings: number[] = [];
  for (const conf of [
    (a: string) => `ProxyTimeout 4\n<Proxy "balancer://app">\n    BalancerMember "http://${a}"\n</Proxy>\n<Proxy "http://${a}">\n    ProxySet timeout=1\n</Proxy>\nProxyPass "/app/" "balancer://app/"`,
    (a: string) => `ProxyTimeout 4\n<Proxy "balancer://app">\n    BalancerMember "http://${a}" timeout=1\n</Proxy>\nProxyPass "/app/" "balancer://app/"`,
  ]) {
    const backend = await startHttpStandin({ behaviour: 'silent', deadlineMs: 20_000 });
    const text = conf(backend.address);
    const setup = await prepareApache(text);
    const httpd = await startApache(setup);
    try {
      const t0 = Date.now();
      const r = await request({ port: setup.port, path: '/app/x', timeoutMs: 10_000 });
      timings.push(Date.now() - t0);
      assert.equal(String(r.status), '502', text);
    } finally {
      await httpd.stop();
      await backend.stop();
      setup.cleanup();
    }
    const member = buildProxyModel(loadApacheConfig('/c/httpd.conf', text, memHost({ '/c/httpd.conf': text }))).workers.find((w) => w.kind === 'member')!;
    assert.equal(member.params.get('timeout')?.value, timings.length === 1 ? undefined : '1', text);
  }
  assert.ok(timings[0] >= 3500 && timings[0] < 6000, `ProxySet in <Proxy "member-url">: ${timings[0]} ms, ProxyTimeout 4 s expected`);
  assert.ok(timings[1] >= 800 && timings[1] < 2500, `timeout=1 on the BalancerMember line: ${timings[1]} ms`);
});
