// Which balancer of a name a virtual host's ProxyPass uses. mod_proxy's merge_proxy_config (httpd 2.4) gives a virtual
// host the main server's balancers followed by its own (unless both BalancerInherit and ProxyPassInherit are Off
// there), and the lookup takes the first of the name: the main server's wins. A main-server ProxyPass to a balancer
// defines it there, without members. These run the real httpd with two stand-in backends, see which one a request
// reaches, and check that go to definition, the hover, undefined-balancer and explain say the same.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { apacheHover } from '../../server/src/core/features/apache';
import { apacheDefinitions } from '../../server/src/core/features/apache-navigation';
import { explainLog } from '../../server/src/core/explain/explain';
import { lintApache } from '../../server/src/core/lint-apache';
import { defaultSettings } from '../../server/src/core/settings';
import { memHost, readable, requireBinary } from '../helpers';
import { prepareApache, startApache } from './harness/apache';
import { request } from './harness/client';
import { refusedPort, startHttpStandin, type Standin } from './standins/http';

requireBinary('apache2');

const PATH = '/c/httpd.conf';
const lint = (text: string) => lintApache(PATH, text, memHost({ [PATH]: text }), { settings: defaultSettings() });

interface Case {
  what: string;
  /** `A` and `B` stand for the two backends' addresses; `/v` is the virtual host's ProxyPass to balancer://pool. */
  lines: string[];
  /** What a request to /v got: a backend, or 503. */
  expect: 'A' | 'B' | 503;
  /** The line (1-based) go to definition on the virtual host's balancer://pool leads to, or none. */
  definition?: number;
  /** For a 503: what undefined-balancer says on the virtual host's ProxyPass (and no finding there otherwise). */
  finding?: RegExp;
  /** For a 503: the line explain places httpd's AH01171 line at. */
  explained?: number;
}

const vhost = (...body: string[]) => ['<VirtualHost *:80>', '    ServerName localhost', ...body.map((l) => '    ' + l), '    ProxyPass "/v" "balancer://pool"', '</VirtualHost>'];
const mainPool = ['<Proxy "balancer://pool">', '    BalancerMember "http://A"', '</Proxy>'];
const ownPool = ['<Proxy "balancer://pool">', '    BalancerMember "http://B"', '</Proxy>'];

/** What undefined-balancer says when the main server's balancer without members hides the virtual host's own. */
const HIDDEN = /balancer:\/\/pool is also defined in the main server \(.*\), without members, and a virtual host uses the main server's balancer of a name before its own: the members this virtual host defines \(line \d+\) get no requests/;

const CASES: Case[] = [
  { what: 'defined in the main server and in the virtual host', lines: [...mainPool, ...vhost(...ownPool)], expect: 'A', definition: 1 },
  { what: 'the same, the virtual host first in the file', lines: [...vhost(...ownPool), ...mainPool], expect: 'A', definition: 8 },
  { what: 'BalancerInherit Off alone', lines: [...mainPool, ...vhost('BalancerInherit Off', ...ownPool)], expect: 'A', definition: 1 },
  { what: 'BalancerInherit Off and ProxyPassInherit Off', lines: [...mainPool, ...vhost('BalancerInherit Off', 'ProxyPassInherit Off', ...ownPool)], expect: 'B', definition: 8 },
  { what: 'only a main-server ProxyPass to it, members in the virtual host', lines: ['ProxyPass "/m" "balancer://pool"', ...vhost(...ownPool)], expect: 503, finding: HIDDEN, explained: 1 },
  { what: 'defined in the virtual host only', lines: [...vhost(...ownPool)], expect: 'B', definition: 3 },
  { what: 'ProxyPassInherit Off alone', lines: [...mainPool, ...vhost('ProxyPassInherit Off', ...ownPool)], expect: 'A', definition: 1 },
  { what: 'BalancerInherit Off and ProxyPassInherit Off in the main server', lines: ['BalancerInherit Off', 'ProxyPassInherit Off', ...mainPool, ...vhost(...ownPool)], expect: 'B', definition: 8 },
  { what: 'a main-server <Proxy> section with neither BalancerMember nor ProxySet', lines: ['<Proxy "balancer://pool">', '    Require all granted', '</Proxy>', ...vhost(...ownPool)], expect: 'B', definition: 6 },
  { what: 'a main-server <Proxy> section with only ProxySet', lines: ['<Proxy "balancer://pool">', '    ProxySet lbmethod=byrequests', '</Proxy>', ...vhost(...ownPool)], expect: 503, definition: 1, finding: HIDDEN, explained: 1 },
  { what: 'only a main-server ProxyPassMatch to it', lines: ['ProxyPassMatch "^/m/(.*)" "balancer://pool/$1"', ...vhost(...ownPool)], expect: 503, finding: HIDDEN, explained: 1 },
  { what: 'only a main-server <Location> ProxyPass to it', lines: ['<Location "/m">', '    ProxyPass "balancer://pool"', '</Location>', ...vhost(...ownPool)], expect: 503, finding: HIDDEN, explained: 2 },
  { what: 'BalancerInherit Off and ProxyPassInherit Off, defined in the main server only', lines: [...mainPool, ...vhost('BalancerInherit Off', 'ProxyPassInherit Off')], expect: 503, finding: /is defined in the main server \(line 1\), but this virtual host has BalancerInherit Off \(line 6\) and ProxyPassInherit Off \(line 7\), so it does not take the main server's balancers/, explained: 8 },
  { what: 'defined in another virtual host only', lines: ['<VirtualHost *:81>', '    ServerName other', ...ownPool.map((l) => '    ' + l), '</VirtualHost>', ...vhost()], expect: 503, finding: /is defined only in <VirtualHost \*:81> \(line 1\)/, explained: 9 },
];

/** Which backend a request to the virtual host's /v reached, or 503 with httpd's AH01171 line (in `logged`). */
async function reach(text: string, a: Standin, b: Standin, logged: string[]): Promise<'A' | 'B' | number | string> {
  const setup = await prepareApache(text);
  const httpd = await startApache(setup);
  try {
    const [na, nb] = [a.requests.length, b.requests.length];
    const r = await request({ port: setup.ports.get('80')!, path: '/v', timeoutMs: 8000 });
    if (a.requests.length > na) return 'A';
    if (b.requests.length > nb) return 'B';
    logged.push(...httpd.errorLog().split('\n').filter((l) => /AH01171: balancer:\/\/pool: No workers in balancer/.test(l)));
    return r.status === 503 && logged.length ? 503 : `${r.status}`;
  } finally {
    await httpd.stop();
    setup.cleanup();
  }
}

test('a virtual host uses the main server\'s balancer of a name before its own; go to definition, undefined-balancer and explain say so (real httpd)', async () => {
  const a = await startHttpStandin({ behaviour: 'ok', deadlineMs: 120_000 });
  const b = await startHttpStandin({ behaviour: 'ok', deadlineMs: 120_000 });
  try {
    for (const c of CASES) {
      const text = c.lines.join('\n').replaceAll('http://A', `http://${a.address}`).replaceAll('http://B', `http://${b.address}`) + '\n';
      const logged: string[] = [];
      assert.equal(await reach(text, a, b, logged), c.expect, c.what);
      const result = lint(text);
      const at = text.indexOf('"balancer://pool"', text.indexOf('ProxyPass "/v"')) + 3;
      const defs = apacheDefinitions(result, PATH, at);
      const lineOf = (offset: number) => text.slice(0, offset).split('\n').length;
      assert.deepEqual(defs.map((d) => lineOf(d.start)), c.definition ? [c.definition] : [], c.what);
      const vLine = lineOf(text.indexOf('ProxyPass "/v"'));
      const found = result.findings.filter((f) => f.ruleId === 'undefined-balancer' && lineOf(f.start) === vLine);
      if (c.finding) assert.match(found[0]?.message ?? '(none)', c.finding, c.what);
      else assert.deepEqual(found.map((f) => f.message), [], c.what);
      if (c.explained) {
        const e = explainLog(logged.slice(0, 1), [], [result]).entries[0];
        assert.equal(e?.apache ? e.apache.node.file.lines.positionAt(e.apache.node.directive.start).line + 1 : 0, c.explained, `${c.what}: where explain places ${logged[0]}`);
      }
    }
  } finally {
    await Promise.all([a.stop(), b.stop()]);
  }
});

/**
 * Balancer settings in a virtual host that uses the main server's balancer: its own lines' settings, else the main
 * server's. Each case has the one member refuse connections: a second request then gets AH01170 at once when
 * forcerecovery is Off, and tries the member again (AH00957) when it is On.
 */
const SETTINGS: { what: string; lines: string[]; vhost: 'Off' | 'On'; main: 'Off' | 'On' }[] = [
  {
    what: 'forcerecovery=Off on the virtual host\'s ProxyPass',
    lines: ['<Proxy "balancer://pool">', '    BalancerMember "http://R"', '</Proxy>', 'ProxyPass "/m" "balancer://pool"', '<VirtualHost *:80>', '    ServerName localhost', '    ProxyPass "/v" "balancer://pool" forcerecovery=Off', '</VirtualHost>'],
    vhost: 'Off',
    main: 'On',
  },
  {
    what: 'forcerecovery=Off in the virtual host\'s own <Proxy> of the name',
    lines: ['<Proxy "balancer://pool">', '    BalancerMember "http://R"', '</Proxy>', 'ProxyPass "/m" "balancer://pool"', '<VirtualHost *:80>', '    ServerName localhost', '    <Proxy "balancer://pool">', '        BalancerMember "http://R2"', '        ProxySet forcerecovery=Off', '    </Proxy>', '    ProxyPass "/v" "balancer://pool"', '</VirtualHost>'],
    vhost: 'Off',
    main: 'On',
  },
  {
    what: 'forcerecovery=Off in the main server only',
    lines: ['<Proxy "balancer://pool">', '    BalancerMember "http://R"', '    ProxySet forcerecovery=Off', '</Proxy>', 'ProxyPass "/m" "balancer://pool"', '<VirtualHost *:80>', '    ServerName localhost', '    ProxyPass "/v" "balancer://pool"', '</VirtualHost>'],
    vhost: 'Off',
    main: 'Off',
  },
];

test('balancer settings in a virtual host that uses the main server\'s balancer are its own lines\', else the main server\'s; the hover says the same (real httpd)', async () => {
  const [r, r2] = [await refusedPort(), await refusedPort()];
  try {
    for (const c of SETTINGS) {
      const text = c.lines.join('\n').replaceAll('http://R2', `http://${r2.address}`).replaceAll('http://R', `http://${r.address}`) + '\n';
      // The main server answers on its own Listen port, the virtual host on another.
      const setup = await prepareApache(text.replace('<VirtualHost *:80>', '<VirtualHost *:81>').replace(/^/, 'Listen 80\nListen 81\n'));
      const httpd = await startApache(setup);
      const seen: Record<string, 'On' | 'Off'> = {};
      try {
        let from = 0;
        for (const [who, port, path] of [['vhost', setup.ports.get('81')!, '/v'], ['main', setup.ports.get('80')!, '/m']] as const) {
          for (let i = 0; i < 2; i++) await request({ port, path, timeoutMs: 8000 });
          await new Promise((res) => setTimeout(res, 150));
          const log = httpd.errorLog();
          const second = log.slice(from).split('\n').filter((l) => /AH0(0957|1170)/.test(l)).at(-1) ?? '';
          from = log.length;
          seen[who] = /AH01170/.test(second) ? 'Off' : 'On';
        }
      } finally {
        await httpd.stop();
        setup.cleanup();
      }
      assert.deepEqual(seen, { vhost: c.vhost, main: c.main }, c.what);
      const lint = lintApache(PATH, text, memHost({ [PATH]: text }), { settings: defaultSettings() });
      const hover = (needle: string) => readable(apacheHover(lint, PATH, text.indexOf('"balancer://pool"', text.indexOf(needle)) + 3)?.markdown ?? '');
      for (const [who, needle] of [['vhost', 'ProxyPass "/v"'], ['main', 'ProxyPass "/m"']] as const) {
        const md = hover(needle);
        if (seen[who] === 'Off') assert.match(md, /`forcerecovery=Off` \(line \d+\) keeps them out/, `${c.what}: ${who}\n${md}`);
        else assert.match(md, /forcerecovery \(On by default\) makes the next request try them all again/, `${c.what}: ${who}\n${md}`);
      }
    }
  } finally {
    await Promise.all([r.stop(), r2.stop()]);
  }
});
