// maxattempts= written on a virtual host's line for the main server's balancer holds for that virtual host's requests:
// on the real apache2 (Debian 2.4.71), with three members that refuse connections, maxattempts=0 on the virtual host's
// ProxyPass gave its request one try and the main server's request three (the default, one less than the members).
// `proxylint explain --in` must count the tries the request's server allows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { requireBinary, runCli } from '../helpers';
import { prepareApache, startApache, type ApacheSetup } from './harness/apache';
import { request } from './harness/client';
import { refusedPort } from './standins/http';

requireBinary('apache2');

interface Request {
  tried: { server: string; got: string }[];
  outcome: { status: string | null; final: boolean; why: string } | null;
}

function explained(setup: ApacheSetup): Request[] {
  const out = runCli(['explain', '--in', setup.confPath, '--log', setup.errorLogPath, '--format', 'json']);
  assert.equal(out.code, 0, out.stderr);
  return (JSON.parse(out.stdout) as { requests: Request[] }).requests;
}

/** What explain says of the virtual host's request: 503 for sure, all of the one try its maxattempts=0 allows used. */
function assertOneTry(r: Request | undefined): void {
  assert.equal(r?.outcome?.status, '503');
  assert.equal(r?.outcome?.final, true);
  // The harness writes the virtual host's address as 127.0.0.1 and a free port.
  assert.match(r!.outcome!.why, /^maxattempts=0 \(ProxyPass on the balancer, in <VirtualHost 127\.0\.0\.1:\d+> for its requests\) allows 1 try in balancer:\/\/pool, and all were used$/);
}

const settle = () => new Promise((res) => setTimeout(res, 300)); // the error log lines follow the response

/** One request to `path` on `port` of a fresh httpd with `text`: its status, the connects httpd logged, and explain's view. */
async function oneRequest(text: string, port: string, path: string): Promise<{ status: number | string; connects: number; requests: Request[] }> {
  const setup = await prepareApache(text);
  const httpd = await startApache(setup);
  try {
    const r = await request({ port: setup.ports.get(port)!, path, timeoutMs: 8000 });
    await settle();
    const connects = httpd.errorLog().split('\n').filter((l) => /AH00957/.test(l)).length;
    return { status: r.status, connects, requests: explained(setup) };
  } finally {
    await httpd.stop();
    setup.cleanup();
  }
}

test('explain counts the tries allowed by maxattempts= on a virtual host\'s line for the main server\'s balancer (real httpd)', async () => {
  const members = await Promise.all([refusedPort(), refusedPort(), refusedPort()]);
  try {
    const pool = ['<Proxy "balancer://pool">', ...members.map((m) => `    BalancerMember "http://${m.address}"`), '</Proxy>'];
    const vhost = ['<VirtualHost *:81>', '    ServerName localhost', '    ProxyPass "/v" "balancer://pool" maxattempts=0', '</VirtualHost>'];

    // Only the virtual host uses the balancer: its request is the one the lines are about.
    const only = await oneRequest(['Listen 80', 'Listen 81', ...pool, ...vhost].join('\n') + '\n', '81', '/v');
    assert.equal(only.status, 503);
    assert.equal(only.connects, 1, 'httpd made one try: the virtual host\'s maxattempts=0 holds for its request');
    assert.equal(only.requests.length, 1);
    assertOneTry(only.requests[0]);

    // The main server's request through the same balancer: the default, three tries.
    const main = await oneRequest(['Listen 80', 'Listen 81', ...pool, 'ProxyPass "/m" "balancer://pool"', ...vhost].join('\n') + '\n', '80', '/m');
    assert.equal(main.status, 503);
    assert.equal(main.connects, 3, 'the main server\'s request kept the default: three tries');
    // The lines name no server, and the two servers allow different numbers of tries: explain claims no limit.
    assert.equal(main.requests.length, 1);
    assert.equal(main.requests[0].tried.length, 3);
    assert.doesNotMatch(main.requests[0].outcome!.why, /maxattempts/, 'no single maxattempts is given when the servers differ');

    // With ErrorLogFormat naming the server (%v), each request gets its own server's limit.
    const named = ['ErrorLogFormat "[%t] [%l] [pid %P:tid %T] [%v] %F: %E: [client %a] %M"', 'Listen 80', 'Listen 81', ...pool, 'ProxyPass "/m" "balancer://pool"', ...vhost.map((l) => l.replace('ServerName localhost', 'ServerName v.test'))].join('\n') + '\n';
    const v = await oneRequest(named, '81', '/v');
    assert.equal(v.connects, 1);
    assertOneTry(v.requests[0]);
    const m = await oneRequest(named, '80', '/m');
    assert.equal(m.connects, 3);
    assert.deepEqual(m.requests[0]?.outcome, { status: '503', final: true, why: 'maxattempts (not set: one less than its 3 members, so 2) allows 3 tries in balancer://pool, and all were used' });
  } finally {
    await Promise.all(members.map((x) => x.stop()));
  }
});
