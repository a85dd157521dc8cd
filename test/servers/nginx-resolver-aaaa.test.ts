// resolver: nginx asks for AAAA records too and makes peers of them. On a host without IPv6 routes (here a private
// network namespace with only lo, so no query or packet leaves the machine) such a peer fails with "Network is
// unreachable"; nginx moves on to an IPv4 address when there is one. The resolver hover must say what nginx did.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { nginxDirectiveDoc } from '../../server/src/core/docs/directive-doc';
import { NGX_LOG } from '../../server/src/core/docs/log-lines';
import { requireBinary, ROOT } from '../helpers';

requireBinary('nginx');

const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;

test('resolver: an AAAA answer becomes a peer that fails with (101: Network is unreachable); 200 with an A answer too, 502 with AAAA only, no AAAA question with ipv6=off (real nginx, private netns)', { skip: asRoot ? false : 'needs root for unshare -n' }, () => {
  requireBinary('unshare');
  requireBinary('ip');
  const r = spawnSync('unshare', ['-n', 'sh', '-c', 'ip link set lo up && exec "$0" --import tsx test/servers/netns/resolver-aaaa.ts', process.execPath], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
  const last = (r.stdout ?? '').trim().split('\n').pop() ?? '';
  assert.ok(last.startsWith('{'), `netns run failed: ${r.stdout}\n${r.stderr}`);
  const o = JSON.parse(last) as { port: number; statuses: Record<string, unknown[]>; questions: Record<string, string[]>; appRequests: string[]; errorLog: string };
  assert.ok(o.statuses.both.length > 0 && o.statuses.both.every((s) => s === 200), `${JSON.stringify(o.statuses.both)}\n${o.errorLog}`);
  assert.deepEqual({ v6only: o.statuses.v6only, ipv6off: o.statuses.ipv6off }, { v6only: [502, 502], ipv6off: [200, 200] }, o.errorLog);
  const unreachable = NGX_LOG.v6Unreachable.replace(':80 ', `:${o.port} `);
  const errors = (path: string) => o.errorLog.split('\n').filter((l) => l.includes(`GET ${path} `) && l.includes('[error]'));
  // A and AAAA: the IPv6 peer was tried (and failed) before the IPv4 one answered.
  assert.ok(errors('/both/').length >= 1 && errors('/both/').every((l) => l.includes(unreachable)), o.errorLog);
  assert.match(o.errorLog, /\[warn\] .*upstream server temporarily disabled while connecting to upstream.*GET \/both\//);
  assert.equal(errors('/v6only/').filter((l) => l.includes(unreachable)).length, 2, o.errorLog);
  assert.deepEqual(errors('/ipv6off/'), []);
  assert.ok(o.questions.both.includes('app.test AAAA'));
  // The ipv6off location shares the first DNS stand-in and asked it for A only (the answers for /both/ are cached).
  assert.deepEqual(o.questions.both, ['app.test A', 'app.test AAAA', 'app.test A']);

  const doc = nginxDirectiveDoc('resolver')!;
  assert.ok(doc.logLines.includes(NGX_LOG.v6Unreachable));
  assert.match(doc.failure, /with an IPv4 address as well nginx moves on to it and the client still gets 200, with only AAAA answers it gets \*\*502\*\*/);
  assert.match(doc.failure, /`ipv6=off`/);
});
