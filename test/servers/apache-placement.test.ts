// directive-not-allowed-in-section against the real `apache2 -t` (Debian httpd 2.4.71): every directive the rule
// knows, in every kind of section, refused exactly where the rule says and with the text it quotes.
// proxylint-test: untimed
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { applyEdits } from '../../server/src/core/fix';
import { lintApache } from '../../server/src/core/lint-apache';
import { defaultSettings } from '../../server/src/core/settings';
import { PLACEMENT_CHECKED } from '../../server/src/core/rules/apache/directive-not-allowed-in-section';
import { memHost, requireBinary } from '../helpers';

const MODULES = ['mpm_event', 'authz_core', 'proxy', 'proxy_http', 'proxy_balancer', 'slotmem_shm', 'lbmethod_byrequests', 'proxy_hcheck', 'ssl', 'reqtimeout'];

/** A value httpd accepts for each directive; ProxyPass-like ones take a path first outside <Location>/<Proxy>. */
const VALUES: Record<string, string> = {
  timeout: '60', keepalive: 'On', keepalivetimeout: '5', maxkeepaliverequests: '100', requestreadtimeout: 'header=20', limitrequestfieldsize: '8190',
  limitrequestfields: '100', limitrequestline: '8190', proxytimeout: '30', proxyrequests: 'Off', proxybadheader: 'Ignore', proxyvia: 'On',
  proxyiobuffersize: '65536', proxyreceivebuffersize: '0', proxystatus: 'On', proxypassinherit: 'On', proxymaxforwards: '10',
  proxyremote: '* http://127.0.0.1:9', proxyremotematch: '^x http://127.0.0.1:9', proxyblock: 'a.test', proxysourceaddress: '127.0.0.1',
  proxydomain: '.a.test', noproxy: '.a.test', proxyhctpsize: '16',
  sslproxyengine: 'On', sslproxyverify: 'none', sslproxycheckpeername: 'off', sslproxycheckpeercn: 'off', sslproxycheckpeerexpire: 'off',
  sslproxyprotocol: 'all', sslproxyverifydepth: '3', sslproxyciphersuite: 'HIGH', sslproxycacertificatefile: '/etc/ssl/certs/ca-certificates.crt',
};
const PASS_URL = 'http://127.0.0.1:9/x';

const SECTIONS: Record<string, (line: string) => string> = {
  server: (l) => l,
  VirtualHost: (l) => `<VirtualHost 127.0.0.1:18499>\n${l}\n</VirtualHost>`,
  Location: (l) => `<Location /t>\n${l}\n</Location>`,
  LocationMatch: (l) => `<LocationMatch ^/t>\n${l}\n</LocationMatch>`,
  Directory: (l) => `<Directory /tmp>\n${l}\n</Directory>`,
  DirectoryMatch: (l) => `<DirectoryMatch ^/tmp>\n${l}\n</DirectoryMatch>`,
  Files: (l) => `<Files x>\n${l}\n</Files>`,
  FilesMatch: (l) => `<FilesMatch x>\n${l}\n</FilesMatch>`,
  Proxy: (l) => `<Proxy http://127.0.0.1:9>\n${l}\n</Proxy>`,
  ProxyMatch: (l) => `<ProxyMatch ^http://127>\n${l}\n</ProxyMatch>`,
  'Limit in Location': (l) => `<Location /t>\n<Limit GET>\n${l}\n</Limit>\n</Location>`,
  If: (l) => `<If "true">\n${l}\n</If>`,
  'IfModule in Location': (l) => `<Location /t>\n<IfModule proxy_module>\n${l}\n</IfModule>\n</Location>`,
};

test('apache2 -t refuses each proxy/timeout directive in exactly the sections directive-not-allowed-in-section names, with its text', () => {
  requireBinary('apache2');
  const root = mkdtempSync(join(tmpdir(), 'proxylint-apache-placement-'));
  mkdirSync(join(root, 'logs'));
  try {
    // Written in lower case: httpd's messages (and the rule's) use the canonical spelling whatever the file says.
    const names = [...PLACEMENT_CHECKED.serverLevel.keys(), ...PLACEMENT_CHECKED.passLike.keys(), ...[...PLACEMENT_CHECKED.sslProxy.keys()].filter((n) => VALUES[n])];
    const wrong: string[] = [];
    let runs = 0;
    for (const name of names) {
      for (const [section, wrap] of Object.entries(SECTIONS)) {
        const perDir = !['server', 'VirtualHost'].includes(section);
        const value = PLACEMENT_CHECKED.passLike.has(name) ? (perDir ? PASS_URL : `/x ${PASS_URL}`) : VALUES[name];
        assert.ok(value, `a value for ${name}`);
        const body = wrap(`${name} ${value}`);
        const text = [...MODULES.map((m) => `LoadModule ${m}_module /usr/lib/apache2/modules/mod_${m}.so`), 'ServerName localhost', 'Listen 127.0.0.1:18499', body, ''].join('\n');
        const conf = join(root, 'httpd.conf');
        writeFileSync(conf, text);
        const r = spawnSync('apache2', ['-t', '-d', root, '-f', conf], { encoding: 'utf8', timeout: 30_000 });
        runs++;
        const output = (r.stdout ?? '') + (r.stderr ?? '');
        const finding = lintApache(conf, text, memHost({ [conf]: text }), { settings: defaultSettings() }).findings.find((f) => f.ruleId === 'directive-not-allowed-in-section');
        const quoted = finding ? /"([^"]+)"/.exec(finding.message)?.[1] : undefined;
        if (r.status === 0 && finding) wrong.push(`${name} in ${section}: httpd accepts it, proxylint says "${quoted}"`);
        else if (r.status !== 0 && !finding) wrong.push(`${name} in ${section}: httpd refuses it (${output.trim().split('\n').pop()}), proxylint is silent`);
        else if (r.status !== 0 && quoted && !output.includes(quoted)) wrong.push(`${name} in ${section}: httpd says ${output.trim().split('\n').pop()}, proxylint quotes "${quoted}"`);
      }
    }
    assert.deepEqual(wrong, [], `${runs} apache2 -t runs`);
    assert.ok(runs > 400, `${runs} runs`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('apache2 -t accepts what directive-not-allowed-in-section suggests for a misplaced ProxyTimeout or Timeout (the line\'s own value)', () => {
  requireBinary('apache2');
  const root = mkdtempSync(join(tmpdir(), 'proxylint-apache-placement-'));
  mkdirSync(join(root, 'logs'));
  const head = [...MODULES.map((m) => `LoadModule ${m}_module /usr/lib/apache2/modules/mod_${m}.so`), 'ServerName localhost', 'Listen 127.0.0.1:18499'].join('\n');
  const cases = [
    { body: '<Location /loc/>\n    ProxyPass http://127.0.0.1:9300/\n    ProxyTimeout 30\n</Location>', suggested: 'ProxyPass http://127.0.0.1:9300/ timeout=30' },
    { body: '<LocationMatch ^/r/(.*)$>\n    ProxyTimeout 2mi\n    ProxyPassMatch http://127.0.0.1:9300/$1 retry=0\n</LocationMatch>', suggested: 'ProxyPassMatch http://127.0.0.1:9300/$1 retry=0 timeout=2' },
    { body: '<Location /loc/>\n    Timeout 1500ms\n    ProxyPass http://127.0.0.1:9300/\n</Location>', suggested: 'ProxyPass http://127.0.0.1:9300/ timeout=1500' },
    { body: '<Proxy http://127.0.0.1:9300>\n    Timeout 45\n</Proxy>', suggested: 'ProxySet timeout=45' },
  ];
  try {
    const conf = join(root, 'httpd.conf');
    const check = (text: string) => {
      writeFileSync(conf, text);
      const r = spawnSync('apache2', ['-t', '-d', root, '-f', conf], { encoding: 'utf8', timeout: 30_000 });
      return { ok: r.status === 0, output: (r.stdout ?? '') + (r.stderr ?? '') };
    };
    for (const c of cases) {
      const text = `${head}\n${c.body}\n`;
      assert.ok(!check(text).ok, `httpd refuses\n${c.body}`);
      const finding = lintApache(conf, text, memHost({ [conf]: text }), { settings: defaultSettings() }).findings.find((f) => f.ruleId === 'directive-not-allowed-in-section');
      assert.ok(finding && finding.suggestions.length === 1, `one suggestion for\n${c.body}`);
      const fixed = applyEdits(text, finding.suggestions[0].edits).text;
      assert.ok(fixed.includes(`    ${c.suggested}\n`), fixed);
      const t = check(fixed);
      assert.ok(t.ok, `apache2 -t on the suggestion:\n${fixed}\n${t.output}`);
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
