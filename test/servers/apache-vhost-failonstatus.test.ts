// httpd 2.4.71 dies with SIGSEGV (exit 139, no message) at start-up and in `apache2 -t` when a virtual host that uses
// the main server's balancer sets failonstatus= for it and the main server's balancer has none. These run the real
// `apache2 -t` on each layout and check that vhost-failonstatus-on-main-balancer reports exactly the ones that crash,
// that the fixes its doc page gives make httpd start, and that a graceful reload into the crashing layout ends a
// running server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { lintApache } from '../../server/src/core/lint-apache';
import { defaultSettings } from '../../server/src/core/settings';
import { memHost, requireBinary, ROOT } from '../helpers';
import { apacheBlocks, readDoc } from '../rules/rule-harness';
import { allRules } from '../../server/src/core/rules/index';
import { prepareApache, rewriteApache, startApache, type ApacheSetup } from './harness/apache';
import { waitFor } from './harness/proc';

requireBinary('apache2');

const RULE = 'vhost-failonstatus-on-main-balancer';
const PATH = '/c/httpd.conf';
const FIXTURES = join(ROOT, 'test/rules/apache', RULE);

/** The lines (1-based) the rule reports in `text`. */
function reported(text: string): number[] {
  const result = lintApache(PATH, text, memHost({ [PATH]: text }), { settings: defaultSettings() });
  return result.findings.filter((f) => f.ruleId === RULE).map((f) => text.slice(0, f.start).split('\n').length);
}

/** `apache2 -t` on `text` in its own ServerRoot: 'crash' when SIGSEGV killed it, 'ok' on Syntax OK, else its output. */
async function configTest(text: string): Promise<string> {
  const setup = await prepareApache(text);
  try {
    const r = spawnSync('apache2', ['-t', '-d', setup.dir, '-f', setup.confPath], { encoding: 'utf8', timeout: 20_000 });
    if (r.signal === 'SIGSEGV') return `crash${(r.stdout + r.stderr).trim() ? `: ${r.stdout}${r.stderr}` : ''}`;
    return r.status === 0 && /Syntax OK/.test(r.stderr + r.stdout) ? 'ok' : `exit ${r.status} ${r.signal ?? ''}: ${r.stdout}${r.stderr}`;
  } finally {
    setup.cleanup();
  }
}

const main = ['<Proxy "balancer://pool">', '    BalancerMember "http://127.0.0.1:9001"', '</Proxy>'];
const vhost = (...body: string[]) => ['<VirtualHost *:80>', '    ServerName localhost', ...body.map((l) => '    ' + l), '</VirtualHost>'];

interface Case {
  what: string;
  lines: string[];
  /** The line (1-based) the rule reports when httpd crashes; undefined when it starts. */
  crashAt?: number;
}

const CASES: Case[] = [
  { what: 'failonstatus= on the virtual host\'s ProxyPass', lines: [...main, ...vhost('ProxyPass "/v" "balancer://pool" failonstatus=503')], crashAt: 6 },
  { what: 'two codes', lines: [...main, ...vhost('ProxyPass "/v" "balancer://pool" failonstatus=500,503')], crashAt: 6 },
  { what: 'ProxySet in the virtual host\'s <Proxy>', lines: [...main, ...vhost('<Proxy "balancer://pool">', '    ProxySet failonstatus=503', '</Proxy>', 'ProxyPass "/v" "balancer://pool"')], crashAt: 7 },
  { what: 'ProxySet in the virtual host\'s <Proxy> with its own member', lines: [...main, ...vhost('<Proxy "balancer://pool">', '    BalancerMember "http://127.0.0.1:9002"', '    ProxySet failonstatus=503', '</Proxy>', 'ProxyPass "/v" "balancer://pool"')], crashAt: 8 },
  { what: 'ProxySet "balancer://pool" after the virtual host\'s ProxyPass', lines: [...main, ...vhost('ProxyPass "/v" "balancer://pool"', 'ProxySet "balancer://pool" failonstatus=503')], crashAt: 7 },
  { what: 'ProxyPassMatch', lines: [...main, ...vhost('ProxyPassMatch "^/v/(.*)" "balancer://pool/$1" failonstatus=503')], crashAt: 6 },
  { what: '<Location> ProxyPass', lines: [...main, ...vhost('<Location "/v">', '    ProxyPass "balancer://pool" failonstatus=503', '</Location>')], crashAt: 7 },
  { what: 'BalancerInherit Off alone', lines: [...main, ...vhost('BalancerInherit Off', 'ProxyPass "/v" "balancer://pool" failonstatus=503')], crashAt: 7 },
  { what: 'ProxyPassInherit Off alone', lines: [...main, ...vhost('ProxyPassInherit Off', 'ProxyPass "/v" "balancer://pool" failonstatus=503')], crashAt: 7 },
  { what: 'the virtual host first in the file', lines: [...vhost('ProxyPass "/v" "balancer://pool" failonstatus=503'), ...main], crashAt: 3 },
  { what: 'the main server defines it by a ProxyPass only', lines: ['ProxyPass "/m" "balancer://pool"', ...vhost('ProxyPass "/v" "balancer://pool" failonstatus=503')], crashAt: 4 },
  { what: 'an empty failonstatus= before the virtual host\'s own', lines: [...main, ...vhost('<Proxy "balancer://pool">', '    ProxySet failonstatus=', '</Proxy>', 'ProxyPass "/v" "balancer://pool" failonstatus=503')], crashAt: 9 },
  { what: 'the main server sets failonstatus= too (the fix the doc gives)', lines: ['<Proxy "balancer://pool">', '    BalancerMember "http://127.0.0.1:9001"', '    ProxySet failonstatus=500', '</Proxy>', ...vhost('ProxyPass "/v" "balancer://pool" failonstatus=503')] },
  { what: 'the main server\'s failonstatus= after the virtual host', lines: [...main, ...vhost('ProxyPass "/v" "balancer://pool" failonstatus=503'), 'ProxySet "balancer://pool" failonstatus=500'] },
  { what: 'the main server\'s failonstatus= is empty', lines: ['<Proxy "balancer://pool">', '    BalancerMember "http://127.0.0.1:9001"', '    ProxySet failonstatus=', '</Proxy>', ...vhost('ProxyPass "/v" "balancer://pool" failonstatus=503')] },
  { what: 'BalancerInherit Off and ProxyPassInherit Off (the fix the doc gives)', lines: [...main, ...vhost('BalancerInherit Off', 'ProxyPassInherit Off', '<Proxy "balancer://pool">', '    BalancerMember "http://127.0.0.1:9002"', '</Proxy>', 'ProxyPass "/v" "balancer://pool" failonstatus=503')] },
  { what: 'both Off in the main server', lines: ['BalancerInherit Off', 'ProxyPassInherit Off', ...main, ...vhost('<Proxy "balancer://pool">', '    BalancerMember "http://127.0.0.1:9002"', '</Proxy>', 'ProxyPass "/v" "balancer://pool" failonstatus=503')] },
  { what: 'another name in the virtual host (the fix the doc gives)', lines: [...main, ...vhost('<Proxy "balancer://own">', '    BalancerMember "http://127.0.0.1:9002"', '</Proxy>', 'ProxyPass "/v" "balancer://own" failonstatus=503')] },
  { what: 'a main-server <Proxy> with only Require', lines: ['<Proxy "balancer://pool">', '    Require all granted', '</Proxy>', ...vhost('<Proxy "balancer://pool">', '    BalancerMember "http://127.0.0.1:9002"', '</Proxy>', 'ProxyPass "/v" "balancer://pool" failonstatus=503')] },
  { what: 'the virtual host\'s last failonstatus= is empty', lines: [...main, ...vhost('ProxyPass "/v" "balancer://pool" failonstatus=503', 'ProxySet "balancer://pool" failonstatus=')] },
  { what: 'failonstatus= in the main server\'s <Location> ProxyPass', lines: [...main, '<Location "/m">', '    ProxyPass "balancer://pool" failonstatus=503', '</Location>'] },
  ...['failontimeout=On', 'nofailover=On', 'maxattempts=3', 'lbmethod=byrequests', 'forcerecovery=Off', 'stickysession=JSESSIONID', 'timeout=5', 'growth=2'].map(
    (p): Case => ({ what: `${p} instead of failonstatus=`, lines: [...main, ...vhost(`ProxyPass "/v" "balancer://pool" ${p}`, '<Proxy "balancer://pool">', `    ProxySet ${p}`, '</Proxy>')] }),
  ),
];

test('a virtual host\'s failonstatus= for the main server\'s balancer without one crashes apache2 -t; the rule reports exactly those layouts (real httpd)', async () => {
  for (const c of CASES) {
    const text = c.lines.join('\n') + '\n';
    const got = await configTest(text);
    assert.equal(got, c.crashAt ? 'crash' : 'ok', `${c.what}: apache2 -t`);
    assert.deepEqual(reported(text), c.crashAt ? [c.crashAt] : [], `${c.what}: reported lines`);
  }
});

test('the doc page\'s Incorrect example crashes apache2 -t and its Correct example passes; bad.conf crashes and ok.conf passes (real httpd)', async () => {
  const { sections } = readDoc(allRules.find((r) => r.id === RULE)!);
  for (const ex of apacheBlocks(sections.get('Incorrect')!)) assert.equal(await configTest(ex), 'crash', ex);
  for (const ex of apacheBlocks(sections.get('Correct')!)) assert.equal(await configTest(ex), 'ok', ex);
  assert.equal(await configTest(readFileSync(join(FIXTURES, 'bad.conf'), 'utf8')), 'crash', 'bad.conf');
  assert.equal(await configTest(readFileSync(join(FIXTURES, 'ok.conf'), 'utf8')), 'ok', 'ok.conf');
});

test('a graceful reload into the crashing layout ends the running httpd (real httpd)', async () => {
  const fine = [...main, ...vhost('ProxyPass "/v" "balancer://pool"')].join('\n') + '\n';
  const setup: ApacheSetup = await prepareApache(fine);
  const httpd = await startApache(setup);
  try {
    rewriteApache(setup, setup.text.replace('ProxyPass "/v" "balancer://pool"', 'ProxyPass "/v" "balancer://pool" failonstatus=503'));
    process.kill(httpd.proc.pid, 'SIGUSR1');
    assert.ok(await waitFor(async () => httpd.proc.exited(), 8000), 'httpd still runs 8 s after the graceful reload');
    assert.equal(httpd.proc.child.signalCode, 'SIGSEGV');
    assert.match(httpd.errorLog(), /AH00493: SIGUSR1 received\.\s+Doing graceful restart/);
  } finally {
    await httpd.stop();
    setup.cleanup();
  }
});
