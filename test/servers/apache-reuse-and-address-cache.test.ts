// The proxy model answers two questions about each worker, and two rules act on the answers:
// reusesConnections (pooled-connection-outlives-backend-keepalive) and cachesAddress (backend-dns-cached-per-child).
// Both were wrong for some workers: an fcgi:// worker with enablereuse=On was taken for unpooled, a ProxyPassMatch to
// http://…/$1 for pooled, and fcgi://, scgi:// and uwsgi:// workers for resolving their host name per connection.
// This asks the real apache2 (2.4.71) for each case and checks that the model and the rules agree with it:
// - pooling: three requests in a row, and the connections the stand-in backend counted (1 = pooled, 3 = not);
// - the address: a host name in an /etc/hosts bind-mounted for httpd only is moved from 127.0.0.1 (the stand-in) to
//   127.0.0.2 (nothing listens) after one request; a second 200 means httpd kept the old address, a 503 that it
//   looked the name up again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { lintApache } from '../../server/src/core/lint-apache';
import { buildProxyModel, cachesAddress, reusesConnections } from '../../server/src/core/model/apache-proxy';
import { loadApacheConfig } from '../../server/src/core/model/apache-tree';
import { defaultSettings } from '../../server/src/core/settings';
import { memHost, requireBinary } from '../helpers';
import { DEFAULT_APACHE_MODULES, prepareApache, startApache } from './harness/apache';
import { request } from './harness/client';
import { startFastcgiStandin } from './standins/fastcgi';
import { startHttpStandin } from './standins/http';
import { startCgiLikeStandin } from './standins/uwsgi-scgi';

requireBinary('apache2');

type Kind = 'http' | 'fcgi' | 'scgi' | 'uwsgi';
const MODULES = [...DEFAULT_APACHE_MODULES, 'proxy_scgi', 'proxy_uwsgi'];
// A regex worker "http://host:port/$1" is used only for backend URLs at least as long as its name (the length test in
// ap_proxy_get_worker_ex); shorter ones go through the default worker. Six letters keep every request on the worker.
const PATH = '/app/abcdef';

async function standin(kind: Kind) {
  if (kind === 'fcgi') return startFastcgiStandin({ deadlineMs: 20_000 });
  if (kind === 'http') return startHttpStandin({ behaviour: 'ok', deadlineMs: 20_000 });
  return startCgiLikeStandin({ protocol: kind, closeAfterResponse: true, deadlineMs: 20_000 });
}

function model(text: string) {
  const m = buildProxyModel(loadApacheConfig('/c/site.conf', text, memHost({ '/c/site.conf': text })));
  assert.equal(m.workers.length, 1, text);
  return m.workers[0];
}

function flagged(text: string, rule: string): boolean {
  const settings = defaultSettings();
  settings.environment.backendKeepaliveTimeoutMs = 5000;
  return lintApache('/c/site.conf', text, memHost({ '/c/site.conf': text }), { settings }).findings.some((f) => f.ruleId === rule);
}

/** Three requests in a row; how many connections the backend saw. */
async function connectionsFor(kind: Kind, conf: (addr: string) => string): Promise<{ text: string; statuses: string[]; connections: number }> {
  const backend = await standin(kind);
  const text = conf(backend.address);
  const setup = await prepareApache(text, { modules: MODULES });
  const httpd = await startApache(setup);
  try {
    const statuses: string[] = [];
    for (let i = 0; i < 3; i++) statuses.push(String((await request({ port: setup.port, path: PATH, timeoutMs: 5000 })).status));
    return { text, statuses, connections: backend.connections };
  } finally {
    await httpd.stop();
    await backend.stop();
    setup.cleanup();
  }
}

/** One request, the name moved to 127.0.0.2, one more: whether httpd still went to the old address. */
async function keepsAddress(kind: Kind, conf: (port: number) => string): Promise<{ text: string; statuses: string[] }> {
  const backend = await standin(kind);
  const text = conf(backend.port);
  const setup = await prepareApache(text, { modules: MODULES });
  const hosts = join(setup.dir, 'hosts');
  writeFileSync(hosts, '127.0.0.1 localhost\n127.0.0.1 app.internal\n');
  const httpd = await startApache(setup, { hosts });
  try {
    const statuses = [String((await request({ port: setup.port, path: PATH, timeoutMs: 5000 })).status)];
    writeFileSync(hosts, '127.0.0.1 localhost\n127.0.0.2 app.internal\n');
    statuses.push(String((await request({ port: setup.port, path: PATH, timeoutMs: 5000 })).status));
    return { text, statuses };
  } finally {
    await httpd.stop();
    await backend.stop();
    setup.cleanup();
  }
}

const POOLING: { kind: Kind; conf: (a: string) => string; connections: 1 | 3 }[] = [
  { kind: 'http', conf: (a) => `ProxyPass "/app/" "http://${a}/"`, connections: 1 },
  { kind: 'fcgi', conf: (a) => `ProxyPass "/app/" "fcgi://${a}/"`, connections: 3 },
  { kind: 'fcgi', conf: (a) => `ProxyPass "/app/" "fcgi://${a}/" enablereuse=On`, connections: 1 },
  { kind: 'fcgi', conf: (a) => `ProxyPass "/app/" "fcgi://${a}/" disablereuse=Off`, connections: 1 },
  { kind: 'fcgi', conf: (a) => `ProxyPass "/app/" "fcgi://${a}/" enablereuse=Off`, connections: 3 },
  { kind: 'fcgi', conf: (a) => `ProxyPass "/app/" "fcgi://${a}/"\nProxySet "fcgi://${a}/" enablereuse=On`, connections: 1 },
  { kind: 'fcgi', conf: (a) => `ProxyPass "/app/" "fcgi://${a}/" enablereuse=On disablereuse=On`, connections: 3 },
  { kind: 'fcgi', conf: (a) => `ProxyPass "/app/" "fcgi://${a}/" disablereuse=On enablereuse=On`, connections: 1 },
  { kind: 'fcgi', conf: (a) => `<Proxy "balancer://php">\n    BalancerMember "fcgi://${a}" enablereuse=On\n</Proxy>\nProxyPass "/app/" "balancer://php/"`, connections: 1 },
  { kind: 'fcgi', conf: (a) => `<Proxy "balancer://php">\n    BalancerMember "fcgi://${a}"\n</Proxy>\nProxyPass "/app/" "balancer://php/"`, connections: 3 },
  { kind: 'http', conf: (a) => `ProxyPassMatch "^/app/(.*)$" "http://${a}/$1"`, connections: 3 },
  { kind: 'http', conf: (a) => `ProxyPassMatch "^/app/(.*)$" "http://${a}/$1" enablereuse=On`, connections: 1 },
  { kind: 'http', conf: (a) => `ProxyPassMatch "^/app/" "http://${a}/"`, connections: 1 },
  { kind: 'fcgi', conf: (a) => `ProxyPassMatch "^/app/(.*)$" "fcgi://${a}/$1" enablereuse=On`, connections: 1 },
  // ProxyPass in a section whose path has a wildcard defines a regex worker too.
  { kind: 'http', conf: (a) => `<LocationMatch "^/app/(.*)$">\n    ProxyPass "http://${a}/$1"\n</LocationMatch>`, connections: 3 },
  // mod_proxy_http reads proxy-initial-not-pooled (each request here comes on a new client connection); mod_proxy_fcgi does not.
  { kind: 'fcgi', conf: (a) => `SetEnv proxy-initial-not-pooled 1\nProxyPass "/app/" "fcgi://${a}/" enablereuse=On`, connections: 1 },
];

test('which workers pool their connections: the model and pooled-connection-outlives-backend-keepalive agree with apache2', async () => {
  for (const c of POOLING) {
    const run = await connectionsFor(c.kind, c.conf);
    assert.deepEqual(run.statuses, ['200', '200', '200'], run.text);
    assert.equal(run.connections, c.connections, `${run.text}\nbackend connections for three requests`);
    assert.equal(reusesConnections(model(run.text)), c.connections === 1, `model, for:\n${run.text}`);
    assert.equal(flagged(run.text, 'pooled-connection-outlives-backend-keepalive'), c.connections === 1, `rule, for:\n${run.text}`);
  }
});

const ADDRESS: { kind: Kind; conf: (port: number) => string; keeps: boolean }[] = [
  { kind: 'http', conf: (p) => `ProxyPass "/app/" "http://app.internal:${p}/"`, keeps: true },
  { kind: 'http', conf: (p) => `ProxyPass "/app/" "http://app.internal:${p}/" disablereuse=On`, keeps: false },
  { kind: 'fcgi', conf: (p) => `ProxyPass "/app/" "fcgi://app.internal:${p}/"`, keeps: true },
  { kind: 'fcgi', conf: (p) => `ProxyPass "/app/" "fcgi://app.internal:${p}/" enablereuse=On`, keeps: true },
  { kind: 'fcgi', conf: (p) => `ProxyPass "/app/" "fcgi://app.internal:${p}/" enablereuse=Off`, keeps: false },
  { kind: 'scgi', conf: (p) => `ProxyPass "/app/" "scgi://app.internal:${p}/"`, keeps: true },
  { kind: 'scgi', conf: (p) => `ProxyPass "/app/" "scgi://app.internal:${p}/" disablereuse=On`, keeps: false },
  { kind: 'uwsgi', conf: (p) => `ProxyPass "/app/" "uwsgi://app.internal:${p}/"`, keeps: true },
  { kind: 'http', conf: (p) => `ProxyPassMatch "^/app/(.*)$" "http://app.internal:${p}/$1"`, keeps: false },
  { kind: 'http', conf: (p) => `ProxyPassMatch "^/app/(.*)$" "http://app.internal:${p}/$1" enablereuse=On`, keeps: true },
];

test('which workers keep the backend address: the model and backend-dns-cached-per-child agree with apache2', async () => {
  for (const c of ADDRESS) {
    const run = await keepsAddress(c.kind, c.conf);
    assert.deepEqual(run.statuses, ['200', c.keeps ? '200' : '503'], `${run.text}\n(200 after the move: the old address was kept)`);
    assert.equal(cachesAddress(model(run.text)), c.keeps, `model, for:\n${run.text}`);
    assert.equal(flagged(run.text, 'backend-dns-cached-per-child'), c.keeps, `rule, for:\n${run.text}`);
  }
});

test('a pooled fcgi:// connection the backend closes: 503 with the log lines the finding quotes; ttl= below the idle time avoids it (real apache2)', async () => {
  for (const ttl of ['', ' ttl=1']) {
    // The race, forced: the stand-in closes a kept connection that gets a request after 2 s or more of idleness.
    const backend = await startFastcgiStandin({ deadlineMs: 20_000, closeOnReuseAfterIdleMs: 2000 });
    const text = `ProxyPass "/api/" "fcgi://${backend.address}/" enablereuse=On${ttl}`;
    const setup = await prepareApache(text);
    const httpd = await startApache(setup);
    try {
      const statuses = [String((await request({ port: setup.port, path: '/api/orders', method: 'POST', body: 'x=1', timeoutMs: 5000 })).status)];
      await new Promise((r) => setTimeout(r, 2300));
      statuses.push(String((await request({ port: setup.port, path: '/api/orders', method: 'POST', body: 'x=1', timeoutMs: 5000 })).status));
      const settings = defaultSettings();
      settings.environment.backendKeepaliveTimeoutMs = 2000;
      const found = lintApache('/c/site.conf', text, memHost({ '/c/site.conf': text }), { settings }).findings.filter((f) => f.ruleId === 'pooled-connection-outlives-backend-keepalive');
      if (ttl) {
        assert.deepEqual(statuses, ['200', '200'], 'ttl=1 retires the idle connection before the backend closes it');
        assert.deepEqual(found, []);
        continue;
      }
      assert.deepEqual(statuses, ['200', '503']);
      // The lines depend on where the close meets httpd: (70014)End of file found or (104)Connection reset by peer
      // while it reads the answer, (32)Broken pipe while it still sends the request (then AH01075 or AH01074).
      assert.match(httpd.errorLog(), /\((70014|104|32)\)[\w ]+: (\[client [^\]]+\] )?(AH01075: Error dispatching request to|AH01074: Failed writing Environment to)/);
      assert.equal(found.length, 1);
      assert.match(found[0].message, /gets 503 \("AH01075: Error dispatching request to …", or AH01074 "Failed writing Environment to …" when the close comes while httpd still sends\); set ttl=1/);
    } finally {
      await httpd.stop();
      await backend.stop();
      setup.cleanup();
    }
  }
});
