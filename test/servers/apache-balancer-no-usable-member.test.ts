// Which starting status= flags leave a balancer with no member it can choose, on the real httpd (2.4.71): two members
// that answer 200, ProxyPass "/" to the balancer, three requests. balancer-no-usable-member must report exactly the
// layouts whose requests all get 503 with "AH01170: balancer://app: All workers are in error state", and none of the
// twins that answer 200 (hot standbys and spares are used when no other member is, a draining member takes a request
// that names its route, and a <Proxy "member-url"> ProxySet does not touch the member).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintApache } from '../../server/src/core/lint-apache';
import { APX_LOG } from '../../server/src/core/docs/log-lines';
import { memHost, requireBinary } from '../helpers';
import { fixtureSettings } from '../rules/rule-harness';
import { logHasLine, prepareApache, startApache } from './harness/apache';
import { request } from './harness/client';
import { startHttpStandin } from './standins/http';

requireBinary('apache2');

const RULE = 'balancer-no-usable-member';

interface Case {
  what: string;
  /** status= (and other words) of the two members. */
  members: [string, string];
  /** More lines inside <Proxy "balancer://app">. */
  extra?: string;
  /** Lines after the balancer section (before ProxyPass). */
  after?: (a: string, b: string) => string;
  cookie?: string;
  /** What every request gets. */
  status: 200 | 503;
}

const CASES: Case[] = [
  { what: 'both disabled', members: ['status=+D', 'status=+D'], status: 503 },
  { what: 'both stopped', members: ['status=+S', 'status=+S'], status: 503 },
  { what: 'disabled and stopped, in different lbsets', members: ['status=+D lbset=0', 'status=+S lbset=1'], status: 503 },
  { what: 'D without "+", and +D+H', members: ['status=D', 'status=+D+H'], status: 503 },
  { what: 'both marked as failing a health check', members: ['status=+C', 'status=+C'], status: 503 },
  { what: 'both hot spares', members: ['status=+R', 'status=+R'], status: 503 },
  { what: 'both draining, no stickysession', members: ['status=+N', 'status=+N'], status: 503 },
  { what: 'both disabled, sticky request', members: ['status=+D route=a', 'status=+D route=b'], extra: 'ProxySet stickysession=ROUTEID', cookie: 'ROUTEID=x.a', status: 503 },
  { what: 'both hot standbys', members: ['status=+H', 'status=+H'], status: 200 },
  { what: 'disabled and a hot standby', members: ['status=+D', 'status=+H'], status: 200 },
  { what: 'disabled and a hot spare', members: ['status=+D', 'status=+R'], status: 200 },
  { what: 'draining and a hot spare', members: ['status=+N', 'status=+R'], status: 200 },
  { what: 'set then cleared', members: ['status=+D', 'status=-D'], status: 200 },
  { what: 'both in error (forcerecovery)', members: ['status=+E', 'status=+E'], status: 200 },
  { what: 'both draining, sticky request', members: ['status=+N route=a', 'status=+N route=b'], extra: 'ProxySet stickysession=ROUTEID', cookie: 'ROUTEID=x.a', status: 200 },
  {
    what: 'ProxySet status=+D in <Proxy "member-url"> sections',
    members: ['', ''],
    after: (a, b) => `<Proxy "http://${a}">\n    ProxySet status=+D\n</Proxy>\n<Proxy "http://${b}">\n    ProxySet status=+D\n</Proxy>\n`,
    status: 200,
  },
];

const MODULES = ['mpm_event', 'authz_core', 'proxy', 'proxy_http', 'proxy_balancer', 'slotmem_shm', 'lbmethod_byrequests'];

test('balancer-no-usable-member reports the layouts where every request gets 503 (AH01170), and none whose requests get 200 (real apache2)', async () => {
  const one = await startHttpStandin({ behaviour: 'ok', deadlineMs: 120_000 });
  const two = await startHttpStandin({ behaviour: 'ok', deadlineMs: 120_000 });
  try {
    for (const c of CASES) {
      const body =
        `<Proxy "balancer://app">\n    BalancerMember "http://${one.address}" ${c.members[0]}\n    BalancerMember "http://${two.address}" ${c.members[1]}\n` +
        `${c.extra ? `    ${c.extra}\n` : ''}</Proxy>\n${c.after?.(one.address, two.address) ?? ''}ProxyPass "/" "balancer://app/"\n`;
      const setup = await prepareApache(body, { modules: MODULES });
      const httpd = await startApache(setup);
      try {
        const got: (number | string)[] = [];
        for (let i = 0; i < 3; i++) got.push((await request({ port: setup.port, path: '/x', headers: c.cookie ? { Cookie: c.cookie } : {}, timeoutMs: 5000 })).status);
        await new Promise((res) => setTimeout(res, 150));
        const log = httpd.errorLog();
        assert.deepEqual(got, [c.status, c.status, c.status], `${c.what}:\n${log}`);
        assert.equal(logHasLine(log, APX_LOG.allInError), c.status === 503, `${c.what}: AH01170 in the log\n${log}`);
        const findings = lintApache(setup.confPath, setup.text, memHost({ [setup.confPath]: setup.text }), { settings: fixtureSettings(setup.text) }).findings.filter((f) => f.ruleId === RULE);
        assert.equal(findings.length, c.status === 503 ? 1 : 0, `${c.what}: ${findings.map((f) => f.message).join('\n')}`);
        if (findings.length) {
          assert.match(findings[0].message, /AH01170: balancer:\/\/app: All workers are in error state/);
          assert.equal(findings[0].related.length, 2, c.what);
        }
      } finally {
        await httpd.stop();
        setup.cleanup();
      }
    }
  } finally {
    await one.stop();
    await two.stop();
  }
});
