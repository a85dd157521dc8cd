// A request's worker is looked up again by the backend URL its ProxyPass made (ap_proxy_pre_request →
// ap_proxy_get_worker), in the request's server's worker list. merge_proxy_config makes a virtual host's list the main
// server's workers followed by its own (unless ProxyPassInherit and BalancerInherit are both Off), and the lookup takes
// the longest name that starts the URL, the first one on a tie: so a main-server worker with the same name as the
// virtual host's own is the one its requests use. This runs the real httpd with a backend that answers after 2 s, a
// worker with timeout=1 and one with timeout=5, and checks ProxyModel.workerForUrl against what each request waited.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintApache } from '../../server/src/core/lint-apache';
import { defaultSettings } from '../../server/src/core/settings';
import { createNodeHost } from '../../server/src/node/node-host';
import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { requireBinary } from '../helpers';
import { tempDir } from './harness/nginx';
import { prepareApache, startApache } from './harness/apache';
import { request } from './harness/client';
import { startHttpStandin } from './standins/http';

requireBinary('apache2');

/** One backend's UNIX socket under two paths: a short one, and a long symbolic link to it. */
interface Sockets {
  short: string;
  long: string;
}

interface Case {
  name: string;
  main: (b: string, sock: Sockets) => string[];
  vhost: (b: string, sock: Sockets) => string[];
  path: string;
  /** The backend URL the request is sent to, for workerForUrl. */
  url: (b: string, sock: Sockets) => string;
  /** The timeout= of the worker httpd uses: 1 → 504 after about 1 s, 5 → 200 after about 2 s. */
  timeout: 1 | 5;
}

const CASES: Case[] = [
  {
    name: 'same name in both: the main server\'s worker',
    main: (b) => [`ProxyPass "/m/" "http://${b}/" timeout=1`],
    vhost: (b) => [`ProxyPass "/v/" "http://${b}/" timeout=5`],
    path: '/v/x',
    url: (b) => `http://${b}/x`,
    timeout: 1,
  },
  {
    name: 'same name, the other way round',
    main: (b) => [`ProxyPass "/m/" "http://${b}/" timeout=5`],
    vhost: (b) => [`ProxyPass "/v/" "http://${b}/" timeout=1`],
    path: '/v/x',
    url: (b) => `http://${b}/x`,
    timeout: 5,
  },
  {
    name: 'the main server\'s name is longer',
    main: (b) => [`ProxyPass "/m/" "http://${b}/v/" timeout=1`],
    vhost: (b) => [`ProxyPass "/v/" "http://${b}/" timeout=5`],
    path: '/v/v/x',
    url: (b) => `http://${b}/v/x`,
    timeout: 1,
  },
  {
    name: 'the virtual host\'s name is longer',
    main: (b) => [`ProxyPass "/m/" "http://${b}/" timeout=1`],
    vhost: (b) => [`ProxyPass "/v/" "http://${b}/v/" timeout=5`],
    path: '/v/x',
    url: (b) => `http://${b}/v/x`,
    timeout: 5,
  },
  {
    name: 'same name, ProxyPassInherit and BalancerInherit Off: the virtual host\'s own',
    main: (b) => [`ProxyPass "/m/" "http://${b}/" timeout=1`],
    vhost: (b) => ['ProxyPassInherit Off', 'BalancerInherit Off', `ProxyPass "/v/" "http://${b}/" timeout=5`],
    path: '/v/x',
    url: (b) => `http://${b}/x`,
    timeout: 5,
  },
  {
    // Over a UNIX socket the name is the URL after "unix:/path|": httpd compares those, not the lines' whole URLs. Here
    // the main server's URL is the longer one (its socket path is), and the virtual host's name is.
    name: 'socket workers: the longer name, not the longer URL',
    main: (_b, sock) => [`ProxyPass "/m/" "unix:${sock.long}|http://localhost/" timeout=1`],
    vhost: (_b, sock) => [`ProxyPass "/v/" "unix:${sock.short}|http://localhost/v/" timeout=5`],
    path: '/v/x',
    url: (_b, sock) => `unix:${sock.short}|http://localhost/v/x`,
    timeout: 5,
  },
  {
    name: 'socket workers: the main server\'s longer name behind a shorter URL',
    main: (_b, sock) => [`ProxyPass "/m/" "unix:${sock.short}|http://localhost/v/" timeout=1`],
    vhost: (_b, sock) => [`ProxyPass "/v/" "unix:${sock.long}|http://localhost/" timeout=5`],
    path: '/v/v/x',
    url: (_b, sock) => `unix:${sock.long}|http://localhost/v/x`,
    timeout: 1,
  },
];

test('main server and virtual host workers: the longest name wins, the main server\'s on a tie (real apache2)', { timeout: 120_000 }, async () => {
  const backend = await startHttpStandin({ behaviour: 'ok', delayMs: 2000, deadlineMs: 60_000 });
  const dir = tempDir('proxylint-worker-sock-');
  const sock = { short: join(dir, 's.sock'), long: join(dir, 'a-much-longer-name-for-the-same-backend-socket.sock') };
  const socketBackend = await startHttpStandin({ behaviour: 'ok', delayMs: 2000, deadlineMs: 60_000, unixPath: sock.short });
  symlinkSync(sock.short, sock.long);
  const wrong: string[] = [];
  try {
    for (const c of CASES) {
      const b = backend.address;
      const text = ['Timeout 10', ...c.main(b, sock), 'Listen 8001', '<VirtualHost *:8001>', '    ServerName v.test', ...c.vhost(b, sock).map((l) => `    ${l}`), '</VirtualHost>', ''].join('\n');
      const setup = await prepareApache(text);
      const httpd = await startApache(setup);
      try {
        const r = await request({ port: setup.ports.get('8001')!, path: c.path, timeoutMs: 8000 });
        const seen = (r.status === 502 || r.status === 504) && r.ms < 1900 ? 1 : r.status === 200 ? 5 : undefined;
        assert.equal(seen, c.timeout, `${c.name}: httpd gave ${r.status} after ${r.ms} ms\n${httpd.errorLog()}`);
        const result = lintApache(setup.confPath, setup.text, createNodeHost(), { settings: defaultSettings() });
        const vhost = result.proxy.servers.find((s) => s.vhost)!.vhost;
        const w = result.proxy.workerForUrl(vhost, c.url(b, sock));
        const modelled = w?.params.get('timeout')?.value;
        if (modelled !== String(c.timeout)) wrong.push(`${c.name}: httpd used the timeout=${c.timeout} worker, workerForUrl gives ${w ? `line "${w.node.name} ${w.node.args.join(' ')}"` : 'none'}`);
      } finally {
        await httpd.stop();
        setup.cleanup();
      }
    }
  } finally {
    await backend.stop();
    await socketBackend.stop();
  }
  assert.deepEqual(wrong, []);
});
