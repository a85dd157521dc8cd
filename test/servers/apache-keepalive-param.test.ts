// keepalive-param-is-tcp-keepalive says that the worker parameter keepalive=On only sets SO_KEEPALIVE on backend
// sockets (TCP probes on idle connections) and has nothing to do with connection reuse. Pinned on the real apache2:
// the kernel's keep-alive timer on httpd's idle pooled connection (read from /proc/net/tcp, as `ss -tnoe` shows it:
// "timer:(keepalive,119min,0)"), and the connections a stand-in backend counted over three requests, against
// disablereuse=On and enablereuse=On as controls.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { lintApache } from '../../server/src/core/lint-apache';
import { defaultSettings } from '../../server/src/core/settings';
import { memHost, requireBinary } from '../helpers';
import { prepareApache, startApache } from './harness/apache';
import { request } from './harness/client';
import { sleep } from './harness/proc';
import { startFastcgiStandin } from './standins/fastcgi';
import { startHttpStandin } from './standins/http';

requireBinary('apache2');

const KEEPALIVE_TIME_S = Number(readFileSync('/proc/sys/net/ipv4/tcp_keepalive_time', 'utf8').trim());

/**
 * httpd's established connections to 127.0.0.1:`port`, with the timer the kernel runs on each: /proc/net/tcp's
 * "tr:tm->when" column, where 2 is the keep-alive timer (armed only on sockets with SO_KEEPALIVE) and 0 none;
 * tm->when is in clock ticks (USER_HZ, 100 a second).
 */
function timersTo(port: number): { timer: number; seconds: number }[] {
  const hexPort = ':' + port.toString(16).toUpperCase().padStart(4, '0');
  return readFileSync('/proc/net/tcp', 'utf8')
    .split('\n')
    .slice(1)
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => f.length > 5 && f[2].endsWith(hexPort) && f[3] === '01')
    .map((f) => {
      const [tr, when] = f[5].split(':');
      return { timer: parseInt(tr, 16), seconds: parseInt(when, 16) / 100 };
    });
}

interface Run {
  text: string;
  statuses: string[];
  connections: number;
  /** The Connection header httpd sent to an http:// backend, per request. */
  connectionHeaders: string[];
  /** FCGI_KEEP_CONN per request, for an fcgi:// backend. */
  keepConn: boolean[];
  idle: { timer: number; seconds: number }[];
}

/**
 * Three requests in a row through one ProxyPass (or, with `match`, a ProxyPassMatch whose URL holds $1); what the
 * backend saw, and httpd's idle connections to it afterwards. httpd uses a regex worker only for backend URLs at least
 * as long as its name (shorter ones go through the default worker, which never pools), hence the longer path.
 */
async function threeRequests(scheme: 'http' | 'fcgi', params: string, match = false): Promise<Run> {
  const backend = scheme === 'fcgi' ? await startFastcgiStandin({ deadlineMs: 20_000 }) : await startHttpStandin({ behaviour: 'ok', deadlineMs: 20_000 });
  const text = match ? `ProxyPassMatch "^/app/(.*)$" "${scheme}://${backend.address}/$1" ${params}\n` : `ProxyPass "/app/" "${scheme}://${backend.address}/" ${params}\n`;
  const setup = await prepareApache(text);
  const httpd = await startApache(setup);
  try {
    const statuses: string[] = [];
    for (let i = 0; i < 3; i++) statuses.push(String((await request({ port: setup.port, path: match ? '/app/abcdef' : '/app/x', timeoutMs: 5000 })).status));
    await sleep(200); // the last response has left: the pooled connection is idle
    const idle = timersTo(backend.port);
    const connectionHeaders = scheme === 'http' ? (backend.requests as { headers: Record<string, string> }[]).map((r) => r.headers['connection'] ?? '') : [];
    const keepConn = scheme === 'fcgi' ? (backend.requests as { keepConn: boolean }[]).map((r) => r.keepConn) : [];
    return { text, statuses, connections: backend.connections, connectionHeaders, keepConn, idle };
  } finally {
    await httpd.stop();
    await backend.stop();
    setup.cleanup();
  }
}

const findings = (text: string) => lintApache('/c/site.conf', text, memHost({ '/c/site.conf': text }), { settings: defaultSettings() }).findings.filter((f) => f.ruleId === 'keepalive-param-is-tcp-keepalive');
const flagged = (text: string) => findings(text).length;
const keepaliveTimer = (idle: Run['idle']) => idle.length === 1 && idle[0].timer === 2 && idle[0].seconds > KEEPALIVE_TIME_S - 60 && idle[0].seconds <= KEEPALIVE_TIME_S;

test('http://: keepalive=On arms the kernel keep-alive timer on the pooled connection and changes nothing about reuse; disablereuse=On does (real apache2)', async () => {
  const plain = await threeRequests('http', '');
  assert.deepEqual(plain.statuses, ['200', '200', '200']);
  assert.equal(plain.connections, 1, 'http:// is pooled without keepalive=On');
  assert.deepEqual(plain.connectionHeaders, ['Keep-Alive', 'Keep-Alive', 'Keep-Alive']);
  assert.deepEqual(plain.idle, [{ timer: 0, seconds: 0 }], 'no keep-alive timer without the parameter');
  assert.equal(flagged(plain.text), 0);

  const probes = await threeRequests('http', 'keepalive=On');
  assert.deepEqual(probes.statuses, ['200', '200', '200']);
  assert.equal(probes.connections, 1, 'the same reuse as without it');
  assert.deepEqual(probes.connectionHeaders, ['Keep-Alive', 'Keep-Alive', 'Keep-Alive'], 'the same request headers as without it');
  assert.ok(keepaliveTimer(probes.idle), `SO_KEEPALIVE: first probe after tcp_keepalive_time (${KEEPALIVE_TIME_S} s): ${JSON.stringify(probes.idle)}`);
  assert.equal(flagged(probes.text), 1);

  for (const params of ['disablereuse=On', 'keepalive=On disablereuse=On']) {
    const noReuse = await threeRequests('http', params);
    assert.deepEqual(noReuse.statuses, ['200', '200', '200'], params);
    assert.equal(noReuse.connections, 3, `${params}: a new connection per request`);
    assert.deepEqual(noReuse.connectionHeaders, ['close', 'close', 'close'], params);
    assert.deepEqual(noReuse.idle, [], `${params}: nothing kept open`);
  }
});

test('fcgi://: keepalive=On does not make httpd reuse connections, enablereuse=On does (real apache2)', async () => {
  const probes = await threeRequests('fcgi', 'keepalive=On');
  assert.deepEqual(probes.statuses, ['200', '200', '200']);
  assert.equal(probes.connections, 3);
  assert.deepEqual(probes.keepConn, [false, false, false]);
  assert.match(findings(probes.text)[0].message, /unless enablereuse=On is set/);

  const pooled = await threeRequests('fcgi', 'enablereuse=On keepalive=On');
  assert.equal(pooled.connections, 1);
  assert.deepEqual(pooled.keepConn, [true, true, true]);
  assert.ok(keepaliveTimer(pooled.idle), JSON.stringify(pooled.idle));
});

test('ProxyPassMatch to http://…/$1: keepalive=On does not make httpd reuse connections, enablereuse=On does, and the finding says which (real apache2)', async () => {
  const probes = await threeRequests('http', 'keepalive=On', true);
  assert.deepEqual(probes.statuses, ['200', '200', '200']);
  assert.equal(probes.connections, 3, 'a worker whose URL holds $1 is not pooled');
  assert.deepEqual(probes.connectionHeaders, ['close', 'close', 'close']);
  assert.deepEqual(probes.idle, [], 'nothing kept open for the probes to run on');
  const [said] = findings(probes.text);
  assert.match(said.message, /its URL holds \$1, and for such a worker httpd opens a new connection for every request unless enablereuse=On is set/);
  assert.doesNotMatch(said.message, /on by default/);

  const pooled = await threeRequests('http', 'enablereuse=On keepalive=On', true);
  assert.deepEqual(pooled.statuses, ['200', '200', '200']);
  assert.equal(pooled.connections, 1);
  assert.deepEqual(pooled.connectionHeaders, ['Keep-Alive', 'Keep-Alive', 'Keep-Alive']);
  assert.ok(keepaliveTimer(pooled.idle), JSON.stringify(pooled.idle));
  assert.match(findings(pooled.text)[0].message, /reused because of enablereuse=On \(httpd 2\.4\.47 and later\), not because of this/);
});
