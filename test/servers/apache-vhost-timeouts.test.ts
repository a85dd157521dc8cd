// A worker without timeout= waits the ProxyTimeout, else the Timeout, of the server the request came to, not of the
// server whose ProxyPass defined it: httpd reads them from the request's server when it opens the backend connection
// (ap_proxy_connect_backend in proxy_util.c), for the connect and for the reads after it. So a main-server ProxyPass
// used from virtual hosts waits each one's own. These run the real httpd 2.4.71 with three Listen ports (two virtual
// hosts, one left to the main server) and check what hover, apache-timeout-not-below-outer-timeout and explain say
// against the times measured. They also check that a pooled connection keeps the timeout it was opened with, and
// how long an idle WebSocket tunnel lasts (the longer of the server's Timeout and the backend timeout).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { apacheHover } from '../../server/src/core/features/apache';
import { lintApache } from '../../server/src/core/lint-apache';
import { defaultSettings } from '../../server/src/core/settings';
import { createNodeHost } from '../../server/src/node/node-host';
import { readable, requireBinary } from '../helpers';
import { prepareApache, startApache, type ApacheSetup } from './harness/apache';
import { request, type Response } from './harness/client';
import { explainApacheLog } from './harness/explain';
import { sleep } from './harness/proc';
import { startBlackhole } from './standins/blackhole';
import { startHttpStandin } from './standins/http';

requireBinary('apache2');

function lint(setup: ApacheSetup, outerMs?: number) {
  const settings = defaultSettings();
  if (outerMs) settings.environment.outerIdleTimeoutMs = outerMs;
  return lintApache(setup.confPath, setup.text, createNodeHost(), { settings });
}

/** Hover markdown on the line that starts with `start` (one character into its name). */
function hover(setup: ApacheSetup, start: string): string {
  const at = setup.text.split('\n').findIndex((l) => l.trimStart().startsWith(start));
  assert.ok(at >= 0, start);
  const offset = setup.text.split('\n').slice(0, at).join('\n').length + 1 + setup.text.split('\n')[at].indexOf(start) + 1;
  return readable(apacheHover(lint(setup), setup.confPath, offset)?.markdown ?? '');
}

const lineOf = (setup: ApacheSetup, start: string) => setup.text.split('\n').findIndex((l) => l.trimStart().startsWith(start)) + 1;

/** `ms` is about `seconds` (httpd's timers fire on time; the machine may be slow to answer after them). */
function about(r: Response, status: number, seconds: number, what: string): void {
  assert.equal(r.status, status, `${what}: ${r.status} after ${r.ms} ms`);
  assert.ok(r.ms >= seconds * 1000 - 300 && r.ms < seconds * 1000 + 1500, `${what}: ${r.ms} ms, not about ${seconds} s`);
}

test('a main-server ProxyPass waits the Timeout or ProxyTimeout of the virtual host each request came to; hover, the outer-timeout rule and explain say each (real apache2)', async () => {
  const backend = await startHttpStandin({ behaviour: 'ok', delayFor: (p) => (p.includes('/slow') ? 20_000 : undefined), deadlineMs: 60_000 });
  const hole = await startBlackhole(60_000);
  const setup = await prepareApache(
    [
      'Listen 8001',
      'Listen 8002',
      'Listen 8003',
      'Timeout 3',
      `ProxyPass "/m/" "http://${backend.address}/m/"`,
      `ProxyPass "/t/" "http://${backend.address}/t/" timeout=2`,
      `ProxyPass "/c/" "http://${hole.address}/c/"`,
      `ProxyPass "/cc/" "http://${hole.address}/cc/" connectiontimeout=1`,
      '<VirtualHost *:8001>',
      '    ServerName a.test',
      '    Timeout 8',
      '</VirtualHost>',
      '<VirtualHost *:8002>',
      '    ServerName b.test',
      '    ProxyTimeout 5',
      '</VirtualHost>',
      '',
    ].join('\n'),
  );
  const [a, b, main] = ['8001', '8002', '8003'].map((p) => setup.ports.get(p)!);
  const httpd = await startApache(setup);
  try {
    const get = (port: number, path: string) => request({ port, path, timeoutMs: 20_000 });
    const [am, bm, mm, at, ac, bc, mc, acc] = await Promise.all([
      get(a, '/m/slow'), get(b, '/m/slow'), get(main, '/m/slow'), get(a, '/t/slow'),
      get(a, '/c/'), get(b, '/c/'), get(main, '/c/'), get(a, '/cc/'),
    ]);
    about(am, 502, 8, 'a.test (Timeout 8)');
    about(bm, 502, 5, 'b.test (ProxyTimeout 5)');
    about(mm, 502, 3, 'the main server (Timeout 3)');
    about(at, 502, 2, 'timeout=2 wins over the virtual host\'s Timeout 8');
    about(ac, 503, 8, 'connect through a.test');
    about(bc, 503, 5, 'connect through b.test');
    about(mc, 503, 3, 'connect on the main server');
    about(acc, 503, 1, 'connectiontimeout=1 wins');

    // A pooled connection keeps the timeout of the request that opened it: one opened for b.test (5 s), reused by a
    // request to a.test, times out after 5 s, not 8 s.
    assert.equal((await get(b, '/m/fast')).status, 200);
    const opened = backend.connections;
    about(await get(a, '/m/slow'), 502, 5, 'a.test on a connection opened for b.test');
    assert.equal(backend.connections, opened, 'the request reused the pooled connection');

    // Hover on the main-server ProxyPass: each server's value, as measured.
    const m = hover(setup, 'ProxyPass "/m/"');
    assert.match(m, /\*\*Backend timeout here:\*\* depends on the server the request came to/, m);
    assert.match(m, /- the main server \(addresses no virtual host takes\): 3 s \(Timeout 3 on line \d+, which ProxyTimeout inherits\)/, m);
    assert.match(m, new RegExp(`- a\\.test \\(\`<VirtualHost 127\\.0\\.0\\.1:${a}>\`, line \\d+\\): 8 s \\(Timeout 8 on line ${lineOf(setup, 'Timeout 8')},`), m);
    assert.match(m, new RegExp(`- b\\.test \\(\`<VirtualHost 127\\.0\\.0\\.1:${b}>\`, line \\d+\\): 5 s \\(ProxyTimeout 5, line ${lineOf(setup, 'ProxyTimeout 5')}\\)`), m);
    assert.match(m, /\*\*Connect timeout here:\*\* the backend timeout of that server/, m);
    assert.match(m, /A pooled connection keeps the timeout it was opened with/, m);
    assert.match(hover(setup, 'ProxyPass "/t/"'), /\*\*Backend timeout here:\*\* 2 s \(timeout=2\) {2}\n\*\*Connect timeout here:\*\* 2 s \(timeout=2\)/);
    const cc = hover(setup, 'ProxyPass "/cc/"');
    assert.match(cc, /\*\*Connect timeout here:\*\* 1 s \(connectiontimeout=1\)/, cc);
    assert.match(cc, /- a\.test [^\n]*: 8 s/, cc);

    // Behind a load balancer with a 6 s idle timeout only a.test waits too long (8 s): the finding is on its Timeout line.
    const outer = lint(setup, 6000).findings.filter((f) => f.ruleId === 'apache-timeout-not-below-outer-timeout');
    const lineAt = (offset: number) => setup.text.slice(0, offset).split('\n').length;
    assert.deepEqual(outer.map((f) => lineAt(f.start)), [lineOf(setup, 'Timeout 8')], outer.map((f) => f.message).join('\n'));
    assert.match(outer[0].message, new RegExp(`^requests to a\\.test \\(<VirtualHost 127\\.0\\.0\\.1:${a}> on line \\d+\\) wait 8 s \\(Timeout 8 on line \\d+, which ProxyTimeout inherits\\) for http://${backend.address}/m/ \\(a main-server ProxyPass on line ${lineOf(setup, 'ProxyPass "/m/"')}`), outer[0].message);
    // At 4 s b.test (5 s) is caught too, and the main server's 3 s still is not.
    assert.deepEqual(lint(setup, 4000).findings.filter((f) => f.ruleId === 'apache-timeout-not-below-outer-timeout').map((f) => lineAt(f.start)), [lineOf(setup, 'Timeout 8'), lineOf(setup, 'ProxyTimeout 5')]);

    // explain: the default ErrorLogFormat names no server, so the /m/ timeouts are given for each server that uses it.
    await sleep(200);
    const j = explainApacheLog(setup).report as unknown as { explained: { id: string; backend: { line: number } | null; timeouts: { name: string; value: string; for?: { label: string } }[] }[] };
    const reads = j.explained.filter((e) => e.id === 'apache-read-timeout');
    const mEntry = reads.find((e) => e.backend?.line === lineOf(setup, 'ProxyPass "/m/"'));
    assert.ok(mEntry, JSON.stringify(j, null, 1));
    const backendTimeouts = mEntry.timeouts.filter((t) => t.name === 'backend timeout').map((t) => `${t.for?.label}: ${t.value}`).sort();
    assert.deepEqual(backendTimeouts, [`requests to a.test <VirtualHost 127.0.0.1:${a}>: 8 s`, `requests to b.test <VirtualHost 127.0.0.1:${b}>: 5 s`, 'requests to the main server: 3 s'].sort());
    const tEntry = reads.find((e) => e.backend?.line === lineOf(setup, 'ProxyPass "/t/"'));
    assert.deepEqual(tEntry?.timeouts.map((t) => [t.name, t.value, t.for]), [['backend timeout', '2 s', undefined], ['connect timeout', '2 s', undefined]]);
  } finally {
    await httpd.stop();
    await backend.stop();
    await hole.stop();
    setup.cleanup();
  }
});

test('explain takes the server from a line whose ErrorLogFormat writes it (%v), and gives that server\'s timeout (real apache2)', async () => {
  const backend = await startHttpStandin({ behaviour: 'ok', delayMs: 20_000, deadlineMs: 30_000 });
  const setup = await prepareApache(
    [
      'Listen 8001',
      'Listen 8002',
      'ErrorLogFormat "[%{u}t] [%-m:%l] [pid %P:tid %T] [%v] %E: [client\\ %a] %M"',
      'Timeout 4',
      `ProxyPass "/m/" "http://${backend.address}/m/"`,
      '<VirtualHost *:8001>',
      '    ServerName a.test',
      '    Timeout 2',
      '</VirtualHost>',
      '<VirtualHost *:8002>',
      '    ServerName b.test',
      '    ProxyTimeout 3',
      '</VirtualHost>',
      '',
    ].join('\n'),
  );
  const httpd = await startApache(setup);
  try {
    about(await request({ port: setup.ports.get('8001')!, path: '/m/x', timeoutMs: 10_000 }), 502, 2, 'a.test (Timeout 2)');
    await sleep(200);
    const log = httpd.errorLog();
    assert.match(log, /\[a\.test\] \(70007\)The timeout specified has expired: \[client [^\]]+\] AH01102: error reading status line/, log);
    const j = explainApacheLog(setup).report as unknown as { explained: { id: string; backend: { how: string } | null; timeouts: { name: string; value: string; origin: string; for?: unknown }[] }[] };
    const read = j.explained.find((e) => e.id === 'apache-read-timeout');
    assert.ok(read, JSON.stringify(j, null, 1));
    assert.deepEqual(read.timeouts.map((t) => [t.name, t.value, t.origin, t.for]), [['backend timeout', '2 s', 'Timeout 2', undefined], ['connect timeout', '2 s', 'Timeout 2', undefined]]);
    assert.match(read.backend!.how, /the line names the server a\.test \(ErrorLogFormat %v\)/);
  } finally {
    await httpd.stop();
    await backend.stop();
    setup.cleanup();
  }
});

const WS_HEADERS = { Upgrade: 'websocket', Connection: 'Upgrade', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==', 'Sec-WebSocket-Version': '13' };

test('an idle WebSocket tunnel through mod_proxy_http closes after the longer of the server\'s Timeout and the backend timeout, as hover says; through mod_proxy_wstunnel it stays (real apache2)', async () => {
  const backend = await startHttpStandin({ behaviour: 'websocket', deadlineMs: 60_000 });
  const text = (fallback: string) =>
    [
      'Listen 8001',
      'Listen 8002',
      'Listen 8003',
      `ProxyWebsocketFallbackToProxyHttp ${fallback}`,
      'Timeout 4',
      `ProxyPass "/u1/" "http://${backend.address}/u1/" upgrade=websocket timeout=1`,
      `ProxyPass "/u6/" "http://${backend.address}/u6/" upgrade=websocket timeout=6`,
      `ProxyPass "/w1/" "ws://${backend.address}/w1/" timeout=1`,
      `ProxyPass "/u/" "http://${backend.address}/u/" upgrade=websocket`,
      '<VirtualHost *:8001>',
      '    ServerName a.test',
      '    Timeout 2',
      '</VirtualHost>',
      '<VirtualHost *:8002>',
      '    ServerName b.test',
      '    ProxyTimeout 6',
      '</VirtualHost>',
      '',
    ].join('\n');
  const open = (port: number, path: string, holdOpenMs: number) => request({ port, path, headers: WS_HEADERS, holdOpenMs, timeoutMs: holdOpenMs + 5000 });
  const closedAbout = (r: Response, seconds: number, what: string) => {
    assert.equal(r.status, 101, what);
    assert.ok(r.closedAfterMs !== undefined && r.closedAfterMs >= seconds * 1000 - 300 && r.closedAfterMs < seconds * 1000 + 1500, `${what}: closed after ${r.closedAfterMs} ms, not about ${seconds} s`);
  };

  const setup = await prepareApache(text('On'));
  let httpd = await startApache(setup);
  try {
    const [a, b, main] = ['8001', '8002', '8003'].map((p) => setup.ports.get(p)!);
    const [mu1, mu6, mw1, mu, au1, au6, aw1, bu1, bu] = await Promise.all([
      open(main, '/u1/', 12_000), open(main, '/u6/', 12_000), open(main, '/w1/', 12_000), open(main, '/u/', 12_000),
      open(a, '/u1/', 12_000), open(a, '/u6/', 12_000), open(a, '/w1/', 12_000), open(b, '/u1/', 12_000), open(b, '/u/', 12_000),
    ]);
    closedAbout(mu1, 4, 'main, timeout=1: Timeout 4');
    closedAbout(mu6, 6, 'main, timeout=6');
    closedAbout(mw1, 4, 'main, ws:// timeout=1: Timeout 4');
    closedAbout(mu, 4, 'main, no timeout=');
    closedAbout(au1, 2, 'a.test (Timeout 2), timeout=1');
    closedAbout(au6, 6, 'a.test, timeout=6');
    closedAbout(aw1, 2, 'a.test, ws:// timeout=1');
    closedAbout(bu1, 4, 'b.test (ProxyTimeout 6, Timeout 4 inherited), timeout=1');
    closedAbout(bu, 6, 'b.test, no timeout=: ProxyTimeout 6');
    await sleep(200);
    assert.doesNotMatch(httpd.errorLog(), /\[proxy[_a-z]*:(error|warn)\]/, 'nothing logged at warn');

    const u1 = hover(setup, 'ProxyPass "/u1/"');
    assert.match(u1, /\*\*WebSocket tunnel closed after:\*\* depends on the server the request came to/, u1);
    assert.match(u1, /- the main server \(addresses no virtual host takes\), b\.test [^\n]*: 4 s idle: the longer of the client side, 4 s \(Timeout 4 on line \d+\), and the backend timeout, 1 s \(timeout=1\)/, u1);
    assert.match(u1, /- a\.test [^\n]*: 2 s idle: the longer of the client side, 2 s \(Timeout 2 on line \d+\), and the backend timeout, 1 s \(timeout=1\)/, u1);
    assert.match(hover(setup, 'ProxyPass "/u6/"'), /\*\*WebSocket tunnel closed after:\*\* 6 s idle: the longer of the client side, 4 s \(Timeout 4 on line \d+\) or 2 s \(Timeout 2 on line \d+\), and the backend timeout, 6 s \(timeout=6\) \(the client side depends on the server the request came to\)\. httpd closes it without a line in the error log at LogLevel warn/);
    const u = hover(setup, 'ProxyPass "/u/"');
    assert.match(u, /- b\.test [^\n]*: 6 s idle: [^\n]*the backend timeout, 6 s \(ProxyTimeout 6, line \d+\)/, u);
    assert.match(hover(setup, 'ProxyPass "/w1/"'), /\*\*WebSocket tunnel closed after:\*\*/);
    assert.doesNotMatch(hover(setup, 'Timeout 4'), /WebSocket tunnel closed after/);
    await httpd.stop();

    // ProxyWebsocketFallbackToProxyHttp Off: mod_proxy_wstunnel tunnels ws:// and does not close an idle tunnel on
    // these timeouts (the upgrade=websocket lines stay with mod_proxy_http).
    const off = await prepareApache(text('Off'), { dir: setup.dir });
    httpd = await startApache(off);
    const [w1, u1off] = await Promise.all([open(off.ports.get('8003')!, '/w1/', 10_000), open(off.ports.get('8003')!, '/u1/', 10_000)]);
    assert.equal(w1.status, 101);
    assert.equal(w1.closedAfterMs, undefined, `mod_proxy_wstunnel closed the idle tunnel after ${w1.closedAfterMs} ms`);
    closedAbout(u1off, 4, 'upgrade=websocket stays with mod_proxy_http');
    assert.match(hover(off, 'ProxyPass "/w1/"'), /\*\*An idle WebSocket tunnel here:\*\* is not closed by httpd: mod_proxy_wstunnel tunnels `ws:\/\/` here/);
    assert.match(hover(off, 'ProxyPass "/u1/"'), /\*\*WebSocket tunnel closed after:\*\*/);
  } finally {
    await httpd.stop();
    await backend.stop();
    setup.cleanup();
  }
});

test('the Listen ports the model leaves to the main server are the ones httpd answers with it (real apache2)', async () => {
  for (const addr of ['*', '_default_:*', '127.0.0.1', '*:8001']) {
    // The main server's Header lines are inherited by virtual hosts: the virtual host marks its own answers instead.
    const setup = await prepareApache(['Listen 8001', 'Listen 8002', `<VirtualHost ${addr}>`, '    ServerName v.test', '    Header always set X-Vhost yes', '</VirtualHost>', ''].join('\n'));
    const httpd = await startApache(setup);
    try {
      const answered: string[] = [];
      for (const p of setup.ports.values()) if ((await request({ port: p, path: '/' })).headers['x-vhost'] !== 'yes') answered.push(String(p));
      assert.deepEqual(lint(setup).proxy.mainServerPorts, answered, `<VirtualHost ${addr}>: ${setup.text}`);
    } finally {
      await httpd.stop();
      setup.cleanup();
    }
  }
});
