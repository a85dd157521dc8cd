// A virtual host's own members for a balancer name the main server defines with members get no requests: httpd uses
// the main server's balancer of the name first (unless both BalancerInherit and ProxyPassInherit are Off). These start
// the real httpd with two stand-in backends, see which one a request to the virtual host reaches, check that httpd
// logs nothing about the virtual host's member, and that vhost-balancer-hidden-by-main-server reports exactly the
// layouts where that member got nothing, naming the main server's definition by file and line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { lintApache } from '../../server/src/core/lint-apache';
import { defaultSettings } from '../../server/src/core/settings';
import { memHost, requireBinary, ROOT } from '../helpers';
import { apacheConfigTestText, prepareApache, startApache } from './harness/apache';
import { request } from './harness/client';
import { startHttpStandin, type Standin } from './standins/http';

requireBinary('apache2');

const RULE = 'vhost-balancer-hidden-by-main-server';
const PATH = '/c/httpd.conf';

interface Case {
  what: string;
  /** `A` is the main server's member, `B` the virtual host's; `/v` is the virtual host's ProxyPass to balancer://pool. */
  lines: string[];
  /** The backend a request to /v reached. */
  expect: 'A' | 'B';
  /** The line (1-based) the rule reports, and the main-server line its message names, when it reports. */
  finding?: { at: number; names: number };
}

const vhost = (...body: string[]) => ['<VirtualHost *:80>', '    ServerName localhost', ...body.map((l) => '    ' + l), '    ProxyPass "/v" "balancer://pool"', '</VirtualHost>'];
const mainPool = ['<Proxy "balancer://pool">', '    BalancerMember "http://A"', '</Proxy>'];
const ownPool = ['<Proxy "balancer://pool">', '    BalancerMember "http://B"', '</Proxy>'];

const CASES: Case[] = [
  { what: 'defined in the main server and in the virtual host', lines: [...mainPool, ...vhost(...ownPool)], expect: 'A', finding: { at: 6, names: 1 } },
  { what: 'the virtual host first in the file', lines: [...vhost(...ownPool), ...mainPool], expect: 'A', finding: { at: 3, names: 8 } },
  { what: 'the virtual host\'s member outside a section', lines: [...mainPool, ...vhost('BalancerMember "balancer://pool" "http://B"')], expect: 'A', finding: { at: 6, names: 1 } },
  { what: 'the main server\'s member outside a section', lines: ['BalancerMember "balancer://pool" "http://A"', ...vhost(...ownPool)], expect: 'A', finding: { at: 4, names: 1 } },
  { what: 'BalancerInherit Off alone', lines: [...mainPool, ...vhost('BalancerInherit Off', ...ownPool)], expect: 'A', finding: { at: 7, names: 1 } },
  { what: 'ProxyPassInherit Off alone', lines: [...mainPool, ...vhost('ProxyPassInherit Off', ...ownPool)], expect: 'A', finding: { at: 7, names: 1 } },
  { what: 'BalancerInherit Off and ProxyPassInherit Off', lines: [...mainPool, ...vhost('BalancerInherit Off', 'ProxyPassInherit Off', ...ownPool)], expect: 'B' },
  { what: 'both Off in the main server', lines: ['BalancerInherit Off', 'ProxyPassInherit Off', ...mainPool, ...vhost(...ownPool)], expect: 'B' },
  { what: 'a main-server <Proxy> section with only Require', lines: ['<Proxy "balancer://pool">', '    Require all granted', '</Proxy>', ...vhost(...ownPool)], expect: 'B' },
  { what: 'defined in the virtual host only', lines: vhost(...ownPool), expect: 'B' },
];

/** Which backend a request to the virtual host's /v reached, and httpd's error log (LogLevel info). */
async function reach(text: string, a: Standin, b: Standin): Promise<{ got: 'A' | 'B' | string; log: string }> {
  const setup = await prepareApache(text, { logLevel: 'info' });
  const httpd = await startApache(setup);
  try {
    const [na, nb] = [a.requests.length, b.requests.length];
    const r = await request({ port: setup.ports.get('80')!, path: '/v', timeoutMs: 8000 });
    const got = a.requests.length > na ? 'A' : b.requests.length > nb ? 'B' : `${r.status}`;
    return { got, log: httpd.errorLog() };
  } finally {
    await httpd.stop();
    setup.cleanup();
  }
}

test('a virtual host\'s own members for a name the main server defines get no requests, silently; the rule reports exactly that (real httpd)', async () => {
  const a = await startHttpStandin({ behaviour: 'ok', deadlineMs: 120_000 });
  const b = await startHttpStandin({ behaviour: 'ok', deadlineMs: 120_000 });
  try {
    for (const c of CASES) {
      const text = c.lines.join('\n').replaceAll('http://A', `http://${a.address}`).replaceAll('http://B', `http://${b.address}`) + '\n';
      const { got, log } = await reach(text, a, b);
      assert.equal(got, c.expect, c.what);
      // httpd gives no sign that the virtual host's member is unused.
      if (got === 'A') assert.doesNotMatch(log, new RegExp(b.address.replace(/\./g, '\\.')), `${c.what}: the error log mentions the virtual host's member`);
      const result = lintApache(PATH, text, memHost({ [PATH]: text }), { settings: defaultSettings() });
      const lineOf = (offset: number) => text.slice(0, offset).split('\n').length;
      const found = result.findings.filter((f) => f.ruleId === RULE);
      assert.deepEqual(found.map((f) => lineOf(f.start)), c.finding ? [c.finding.at] : [], c.what);
      if (c.finding) assert.match(found[0].message, new RegExp(`at /c/httpd\\.conf:${c.finding.names}\\)`), `${c.what}: ${found[0].message}`);
    }
  } finally {
    await Promise.all([a.stop(), b.stop()]);
  }
});

test('the fixtures pass apache2 -t (real httpd)', async () => {
  for (const f of ['bad.conf', 'ok.conf']) {
    const t = await apacheConfigTestText(readFileSync(join(ROOT, 'test/rules/apache', RULE, f), 'utf8'));
    assert.ok(t.ok, `${f}: ${t.output}`);
  }
});
