// mod_proxy_hcheck's own probe lines: no client request is involved. The log below is what the real apache2 2.4.71
// (Debian) wrote for four members that were down (nothing listening), hcinterval=1 hcfails=2, with hcmethod GET,
// OPTIONS, TCP and HEAD (test/servers/explain-apache-health-check.test.ts runs it live): the probes name themselves
// "HCOH:" (GET, HEAD, OPTIONS) or "HCTCP:" (TCP) where a request's AH00957 names its handler ("http:"), and the member
// is taken out after hcfails= failures (AH03303 at LogLevel proxy_hcheck:info); the client's request then gets AH01170.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clientGot, explainLog } from '../../server/src/core/explain/explain';
import { lintApache } from '../../server/src/core/lint-apache';
import { defaultSettings } from '../../server/src/core/settings';
import { memHost } from '../helpers';

const CONF_PATH = '/etc/apache2/httpd.conf';
const CONF = `<Proxy "balancer://hc">
    BalancerMember "http://127.0.0.1:9111" hcmethod=GET hcuri=/health hcinterval=1 hcfails=2
    BalancerMember "http://127.0.0.1:9112" hcmethod=OPTIONS hcinterval=1 hcfails=2
    BalancerMember "http://127.0.0.1:9113" hcmethod=TCP hcinterval=1 hcfails=2
    BalancerMember "http://127.0.0.1:9114" hcmethod=HEAD hcinterval=1 hcfails=2
</Proxy>
ProxyPass "/b/" "balancer://hc/"
`;
const checked = () => lintApache(CONF_PATH, CONF, memHost({ [CONF_PATH]: CONF }), { settings: defaultSettings() });

const LOG = [
  '[Wed Nov 25 03:05:23.718405 2026] [proxy:error] [pid 9526:tid 9546] (111)Connection refused: AH00957: HCOH: attempt to connect to 127.0.0.1:9111 (127.0.0.1:9111) failed',
  '[Wed Nov 25 03:05:23.718806 2026] [proxy:error] [pid 9526:tid 9532] (111)Connection refused: AH00957: HCTCP: attempt to connect to 127.0.0.1:9113 (127.0.0.1:9113) failed',
  '[Wed Nov 25 03:05:24.751402 2026] [proxy:error] [pid 9526:tid 9534] (111)Connection refused: AH00957: HCOH: attempt to connect to 127.0.0.1:9111 (127.0.0.1:9111) failed',
  '[Wed Nov 25 03:05:24.751493 2026] [proxy_hcheck:info] [pid 9526:tid 9534] AH03303: Threaded Health check DISABLING http://127.0.0.1:9111',
  '[Wed Nov 25 03:05:24.751661 2026] [proxy:error] [pid 9526:tid 9535] (111)Connection refused: AH00957: HCTCP: attempt to connect to 127.0.0.1:9113 (127.0.0.1:9113) failed',
  '[Wed Nov 25 03:05:24.751680 2026] [proxy_hcheck:info] [pid 9526:tid 9535] AH03303: Threaded Health check DISABLING http://127.0.0.1:9113',
  '[Wed Nov 25 03:05:27.777681 2026] [proxy_balancer:error] [pid 9526:tid 9552] [client 127.0.0.1:48244] AH01170: balancer://hc: All workers are in error state',
];

test('explain: a health check probe\'s AH00957 (HCOH:, HCTCP:) and AH03303 are no client request; the client\'s AH01170 still is', () => {
  const r = explainLog(LOG, [], [checked()]);
  assert.equal(r.unknown, 0);
  const of = (id: string) => r.entries.filter((e) => e.explanation.pattern.id === id);
  // Each distinct probe line (the GET member's, the TCP member's) is one entry.
  assert.deepEqual(of('apache-hc-connect-failed').map((e) => e.count), [2, 2]);
  assert.equal(of('apache-connect-failed').length, 0);
  const probe = of('apache-hc-connect-failed')[0];
  assert.match(clientGot(probe), /^no client: this is a health check probe of mod_proxy_hcheck/);
  assert.doesNotMatch(clientGot(probe), /503/);
  // Not the request's rules (no-connectiontimeout is about a client's wait), and none of its timeouts.
  assert.deepEqual(probe.rules, []);
  assert.ok(!probe.values.some((v) => /timeout/.test(v.directive)) && !(probe.apache?.values ?? []).some((v) => /timeout/.test(v.name)));
  // Placed at the member it probed, with its health check settings.
  const hc = Object.fromEntries((probe.apache?.values ?? []).map((v) => [v.name, v.value]));
  assert.deepEqual({ hcmethod: hc.hcmethod, hcfails: hc.hcfails, hcinterval: hc.hcinterval }, { hcmethod: 'GET', hcfails: '2', hcinterval: '1 s' });
  assert.deepEqual(of('apache-hc-disabling').map((e) => e.count), [1, 1]);
  const off = of('apache-hc-disabling')[0];
  assert.match(clientGot(off), /^no client/);
  assert.match(off.explanation.pattern.meaning, /out of rotation.*hcfails=.*AH01170/);
  assert.equal(off.explanation.fields.upstream, '127.0.0.1:9111');
  // The probes are in no request; the client's line is explained as before (503).
  assert.deepEqual(r.requests.filter((q) => q.lines.some((l) => !/AH01170/.test(l.text))), []);
  const client = r.entries.find((e) => /AH01170/.test(e.example))!;
  assert.match(clientGot(client), /the client got 503/);
});
