// The balancer each server's lines use, with the settings in force for its requests: a virtual host takes the main
// server's balancer of a name before its own (see apache-balancer-scope.test.ts), and its own lines add balancer
// settings for its own requests only. These run the real httpd with stand-in backends and check that the model and
// the rules say what it did.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintApache } from '../../server/src/core/lint-apache';
import { defaultSettings } from '../../server/src/core/settings';
import { memHost, requireBinary } from '../helpers';
import { apacheConfigTest, DEFAULT_APACHE_MODULES, prepareApache, startApache } from './harness/apache';
import { request } from './harness/client';
import { sleep, waitFor } from './harness/proc';
import { refusedPort, startHttpStandin } from './standins/http';

requireBinary('apache2');

const PATH = '/c/httpd.conf';
const lint = (text: string, path = PATH) => lintApache(path, text, memHost({ [path]: text }), { settings: defaultSettings() });
const lineOf = (text: string, offset: number) => text.slice(0, offset).split('\n').length;
const findings = (text: string, rule: string, path = PATH) => lint(text, path).findings.filter((f) => f.ruleId === rule).map((f) => ({ line: lineOf(text, f.start), message: f.message, suggestions: f.suggestions }));
const vhost = (...body: string[]) => ['<VirtualHost *:80>', '    ServerName localhost', ...body.map((l) => '    ' + l), '</VirtualHost>'];
const WS = { Upgrade: 'websocket', Connection: 'Upgrade', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==', 'Sec-WebSocket-Version': '13' };

test('a virtual host\'s own members of a name the main server defines are no failover: balancer-single-member looks at the main server\'s (real httpd)', async () => {
  const down = await refusedPort();
  const b = await startHttpStandin({ behaviour: 'ok', deadlineMs: 60_000 });
  try {
    // The main server's only member refuses connections; the virtual host's own member is healthy and gets nothing.
    const text = ['<Proxy "balancer://pool">', '    BalancerMember "http://DOWN"', '</Proxy>', ...vhost('<Proxy "balancer://pool">', '    BalancerMember "http://B"', '</Proxy>', 'ProxyPass "/v" "balancer://pool"')]
      .join('\n').replace('http://DOWN', `http://${down.address}`).replace('http://B', `http://${b.address}`) + '\n';
    const setup = await prepareApache(text);
    const httpd = await startApache(setup);
    try {
      const r = await request({ port: setup.port, path: '/v', timeoutMs: 8000 });
      assert.equal(r.status, 503);
      assert.equal(b.requests.length, 0, 'the virtual host\'s own member got a request');
      assert.match(httpd.errorLog(), /AH00957: .*attempt to connect to 127\.0\.0\.1:\d+ .* failed/);
    } finally {
      await httpd.stop();
      setup.cleanup();
    }
    assert.deepEqual(findings(text, 'balancer-single-member').map((f) => f.line), [2], 'the main server\'s single member, not the hidden one');
  } finally {
    await Promise.all([down.stop(), b.stop()]);
  }
});

test('upgrade=websocket on a virtual host\'s own member does not reach the main server\'s member its requests use: websocket-upgrade-not-enabled looks at that one (real httpd)', async () => {
  const w = await startHttpStandin({ behaviour: 'websocket', deadlineMs: 60_000 });
  const w2 = await startHttpStandin({ behaviour: 'websocket', deadlineMs: 60_000 });
  try {
    const text = ['<Proxy "balancer://pool">', '    BalancerMember "http://W1"', '</Proxy>', ...vhost('<Proxy "balancer://pool">', '    BalancerMember "http://W2" upgrade=websocket', '</Proxy>', 'ProxyPass "/ws/" "balancer://pool/"')]
      .join('\n').replace('http://W1', `http://${w.address}`).replace('http://W2', `http://${w2.address}`) + '\n';
    const setup = await prepareApache(text);
    const httpd = await startApache(setup);
    try {
      const r = await request({ port: setup.port, path: '/ws/', headers: WS, headOnly: true, timeoutMs: 8000 });
      assert.equal(r.status, 426, 'the handshake reached the member without upgrade=websocket, which saw no Upgrade header');
      assert.deepEqual([w.requests.length, w2.requests.length], [1, 0]);
    } finally {
      await httpd.stop();
      setup.cleanup();
    }
    const found = findings(text, 'websocket-upgrade-not-enabled');
    assert.deepEqual(found.map((f) => f.line), [9]);
    assert.deepEqual(found[0].suggestions?.[0]?.edits.map((e) => lineOf(text, e.start)), [2], 'the fix goes to the main server\'s member');
  } finally {
    await Promise.all([w.stop(), w2.stop()]);
  }
});

/** Four requests to one server (`81`: the virtual host, `80`: the main server) of a fresh httpd, and what each got. */
async function fourRequests(text: string, port: '80' | '81', path: string): Promise<{ got: string[]; log: string }> {
  const setup = await prepareApache(text);
  const httpd = await startApache(setup);
  try {
    const got: string[] = [];
    for (let i = 0; i < 4; i++) got.push(String((await request({ port: setup.ports.get(port)!, path, timeoutMs: 8000 })).status));
    await sleep(150);
    return { got, log: httpd.errorLog() };
  } finally {
    await httpd.stop();
    setup.cleanup();
  }
}

test('balancer settings a virtual host sets for the main server\'s balancer hold for its own requests only, and failonstatus codes add up; the model and balancer-without-failonstatus say the same (real httpd)', async () => {
  const hung = await startHttpStandin({ behaviour: 'silent', deadlineMs: 60_000 });
  const failing = await startHttpStandin({ behaviour: 'ok', status: 503, deadlineMs: 60_000 });
  const good = await startHttpStandin({ behaviour: 'ok', deadlineMs: 60_000 });
  const two = (pool: string[], main: string, own: string) =>
    ['Listen 80', 'Listen 81', ...pool, main, '<VirtualHost *:81>', '    ServerName localhost', `    ${own}`, '</VirtualHost>', ''].join('\n')
      .replace('http://HUNG', `http://${hung.address}`).replace('http://FAILING', `http://${failing.address}`).replace('http://GOOD', `http://${good.address}`);
  try {
    // failontimeout=On on the virtual host's ProxyPass: its requests take the hung member out (AH02460), the main
    // server's do not.
    const timeouts = two(['<Proxy "balancer://pool">', '    BalancerMember "http://HUNG" timeout=1', '    BalancerMember "http://GOOD"', '</Proxy>'], 'ProxyPass "/m" "balancer://pool"', 'ProxyPass "/v" "balancer://pool" failontimeout=On');
    const v = await fourRequests(timeouts, '81', '/v');
    assert.deepEqual(v.got, ['502', '200', '200', '200']);
    assert.match(v.log, /AH02460/);
    const m = await fourRequests(timeouts, '80', '/m');
    assert.deepEqual(m.got, ['502', '200', '502', '200']);
    assert.doesNotMatch(m.log, /AH02460/);
    const t = lint(timeouts);
    const tvh = t.config.all.find((n) => n.lname === 'virtualhost')!;
    const tpool = t.proxy.balancerFor(tvh, 'balancer://pool')!;
    assert.equal(t.proxy.balancerParams(tpool, tvh).get('failontimeout')?.value, 'On');
    assert.equal(t.proxy.balancerParams(tpool, null).get('failontimeout'), undefined);
    const reported = findings(timeouts, 'balancer-without-failonstatus');
    assert.deepEqual(reported.map((f) => f.line), [3]);
    assert.match(reported[0].message, /^balancer:\/\/pool sets neither failonstatus= nor failontimeout= for requests to the main server:/);

    // failonstatus=503 in the main server and failonstatus=500 on the virtual host's ProxyPass: a 503 still takes the
    // member out for the virtual host's requests (AH01174).
    const statuses = two(['<Proxy "balancer://pool">', '    BalancerMember "http://FAILING"', '    BalancerMember "http://GOOD"', '</Proxy>'], 'ProxyPass "/m" "balancer://pool" failonstatus=503', 'ProxyPass "/v" "balancer://pool" failonstatus=500');
    const s = await fourRequests(statuses, '81', '/v');
    assert.deepEqual(s.got, ['503', '200', '200', '200']);
    assert.match(s.log, /AH01174/);
    const { proxy, config } = lint(statuses);
    const vh = config.all.find((n) => n.lname === 'virtualhost')!;
    const pool = proxy.balancerFor(vh, 'balancer://pool')!;
    assert.equal(pool.vhost, null, 'the virtual host uses the main server\'s balancer');
    assert.equal(proxy.balancerParams(pool, vh).get('failonstatus')?.value, '503,500');
    assert.equal(proxy.balancerParams(pool, null).get('failonstatus')?.value, '503');
    assert.deepEqual(findings(statuses, 'balancer-without-failonstatus'), []);
  } finally {
    await Promise.all([hung.stop(), failing.stop(), good.stop()]);
  }
});

test('each server\'s own balancer needs its lbmethod\'s module when httpd starts, even one the main server\'s hides; proxy-scheme-module-missing says so (real httpd)', async () => {
  // mod_lbmethod_bytraffic loaded, mod_lbmethod_byrequests (the default method) not.
  const modules = [...DEFAULT_APACHE_MODULES.filter((m) => m !== 'lbmethod_byrequests'), 'lbmethod_bytraffic'];
  const main = ['<Proxy "balancer://pool">', '    BalancerMember "http://127.0.0.1:9"', '    ProxySet lbmethod=bytraffic', '</Proxy>', 'ProxyPass "/m" "balancer://pool"'];
  const cases: { what: string; lines: string[]; starts: boolean }[] = [
    { what: 'the main server\'s balancer alone', lines: main, starts: true },
    { what: 'a virtual host with only a ProxyPass to the name', lines: [...main, ...vhost('ProxyPass "/v" "balancer://pool"')], starts: false },
    { what: 'a virtual host with its own members, hidden by the main server\'s', lines: [...main, ...vhost('<Proxy "balancer://pool">', '    BalancerMember "http://127.0.0.1:10"', '</Proxy>', 'ProxyPass "/v" "balancer://pool"')], starts: false },
    { what: 'a virtual host that does not take the main server\'s balancers', lines: [...main, ...vhost('BalancerInherit Off', 'ProxyPassInherit Off', '<Proxy "balancer://pool">', '    BalancerMember "http://127.0.0.1:10"', '</Proxy>', 'ProxyPass "/v" "balancer://pool"')], starts: false },
  ];
  for (const c of cases) {
    const setup = await prepareApache(c.lines.join('\n') + '\n', { modules });
    let started = true;
    let log = '';
    try {
      assert.equal(apacheConfigTest(setup).ok, true, `${c.what}: apache2 -t`);
      const httpd = await startApache(setup).catch((e: Error) => {
        started = false;
        log = e.message;
      });
      // httpd binds its Listen ports before post_config, where AH02432 stops it: startApache may see the port open
      // a moment before the process exits. It has started once the MPM logs AH00489, and has failed once it exits.
      if (httpd && !(await waitFor(() => httpd.proc.exited() || /AH00489/.test(httpd.errorLog()), 5000))) throw new Error(`${c.what}: neither AH00489 nor an exit within 5 s`);
      if (httpd?.proc.exited()) {
        started = false;
        log = httpd.errorLog();
      }
      await httpd?.stop();
      const found = findings(setup.text, 'proxy-scheme-module-missing', setup.confPath);
      assert.equal(started, c.starts, `${c.what}: ${log}`);
      const vLine = setup.text.split('\n').findIndex((l) => l.includes('ProxyPass "/v"')) + 1;
      if (c.starts) assert.deepEqual(found, [], c.what);
      else {
        assert.match(log, /AH02432: Cannot find LB Method: byrequests/, c.what);
        assert.deepEqual(found.map((f) => f.line), [vLine], c.what);
        assert.match(found[0].message, /httpd refuses to start \("AH02432: Cannot find LB Method: byrequests"/, c.what);
      }
    } finally {
      setup.cleanup();
    }
  }
});
