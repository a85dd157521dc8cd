// Which balancer of a name a virtual host's ProxyPass uses. mod_proxy's merge_proxy_config (httpd 2.4) gives a virtual
// host the main server's balancers followed by its own (unless both BalancerInherit and ProxyPassInherit are Off
// there), and the lookup takes the first of the name: the main server's wins. A main-server ProxyPass to a balancer
// defines it there, without members. These run the real httpd with two stand-in backends, see which one a request
// reaches, and check that go to definition and the hover say the same.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { apacheDefinitions } from '../../server/src/core/features/apache-navigation';
import { lintApache } from '../../server/src/core/lint-apache';
import { defaultSettings } from '../../server/src/core/settings';
import { memHost, requireBinary } from '../helpers';
import { prepareApache, startApache } from './harness/apache';
import { request } from './harness/client';
import { startHttpStandin, type Standin } from './standins/http';

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
}

const vhost = (...body: string[]) => ['<VirtualHost *:80>', '    ServerName localhost', ...body.map((l) => '    ' + l), '    ProxyPass "/v" "balancer://pool"', '</VirtualHost>'];
const mainPool = ['<Proxy "balancer://pool">', '    BalancerMember "http://A"', '</Proxy>'];
const ownPool = ['<Proxy "balancer://pool">', '    BalancerMember "http://B"', '</Proxy>'];

const CASES: Case[] = [
  { what: 'defined in the main server and in the virtual host', lines: [...mainPool, ...vhost(...ownPool)], expect: 'A', definition: 1 },
  { what: 'the same, the virtual host first in the file', lines: [...vhost(...ownPool), ...mainPool], expect: 'A', definition: 8 },
  { what: 'BalancerInherit Off alone', lines: [...mainPool, ...vhost('BalancerInherit Off', ...ownPool)], expect: 'A', definition: 1 },
  { what: 'BalancerInherit Off and ProxyPassInherit Off', lines: [...mainPool, ...vhost('BalancerInherit Off', 'ProxyPassInherit Off', ...ownPool)], expect: 'B', definition: 8 },
  { what: 'only a main-server ProxyPass to it, members in the virtual host', lines: ['ProxyPass "/m" "balancer://pool"', ...vhost(...ownPool)], expect: 503 },
  { what: 'defined in the virtual host only', lines: [...vhost(...ownPool)], expect: 'B', definition: 3 },
];

async function reach(text: string, a: Standin, b: Standin): Promise<'A' | 'B' | number | string> {
  const setup = await prepareApache(text);
  const httpd = await startApache(setup);
  try {
    const [na, nb] = [a.requests.length, b.requests.length];
    const r = await request({ port: setup.port, path: '/v', timeoutMs: 8000 });
    if (a.requests.length > na) return 'A';
    if (b.requests.length > nb) return 'B';
    return r.status === 503 && /AH01171: balancer:\/\/pool: No workers in balancer/.test(httpd.errorLog()) ? 503 : `${r.status}`;
  } finally {
    await httpd.stop();
    setup.cleanup();
  }
}

test('a virtual host uses the main server\'s balancer of a name before its own, and go to definition leads there (real httpd)', async () => {
  const a = await startHttpStandin({ behaviour: 'ok', deadlineMs: 120_000 });
  const b = await startHttpStandin({ behaviour: 'ok', deadlineMs: 120_000 });
  try {
    for (const c of CASES) {
      const text = c.lines.join('\n').replaceAll('http://A', `http://${a.address}`).replaceAll('http://B', `http://${b.address}`) + '\n';
      assert.equal(await reach(text, a, b), c.expect, c.what);
      const at = text.indexOf('"balancer://pool"', text.indexOf('ProxyPass "/v"')) + 3;
      const defs = apacheDefinitions(lint(text), PATH, at, memHost({ [PATH]: text }));
      assert.deepEqual(defs.map((d) => text.slice(0, d.start).split('\n').length), c.definition ? [c.definition] : [], c.what);
    }
  } finally {
    await Promise.all([a.stop(), b.stop()]);
  }
});
