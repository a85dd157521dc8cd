// listen-address-in-use against the real nginx (Debian 1.22.1): for each layout of an http and a stream
// server on one port, and of two listen lines of one module on one port (the wildcard and an address with bind or a
// socket option, [::] ipv6only=off and IPv4), nginx -t passes, and a real start fails with "bind() to <address> failed (98: Address already
// in use)" exactly where proxylint reports the rule, quoting that line; the other layouts start and proxylint says
// nothing. Then the rule's fixtures: bad.conf fails at start with a bind() line the rule quotes, ok.conf starts.
// nginx runs in a private network namespace with its own loopback where it can (unshare -n), so the wildcard
// addresses bound here are not the machine's; otherwise on high ports, stopped as soon as its workers start.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { lintText, nginxTest, requireBinary } from '../helpers';
import { lintFixture, FIXTURES } from '../rules/rule-harness';
import { STREAM_MODULE, tempDir } from './harness/nginx';
import { childPids, startProcess, waitFor } from './harness/proc';

requireBinary('nginx');

const RULE = 'listen-address-in-use';
const netns = spawnSync('unshare', ['-n', 'sh', '-c', 'ip link set lo up']).status === 0;

interface Started {
  /** Whether nginx forked its worker, which it does once every socket is bound. */
  started: boolean;
  /** The addresses of its "bind() to … failed (98: Address already in use)" lines, once each. */
  bindFailures: string[];
  log: string;
}

/** Starts nginx on `conf` (in the foreground, error log at level info) and stops it by its pid; at most 10 s. */
async function start(dir: string, conf: string): Promise<Started> {
  const log = join(dir, 'logs', 'error.log');
  const argv = ['nginx', '-p', dir + '/', '-e', log, '-c', conf, '-g', 'daemon off;'];
  // unshare and sh exec into nginx: the pid we hold is the nginx master's.
  const cmd = netns ? ['unshare', '-n', 'sh', '-c', 'ip link set lo up && exec "$@"', 'sh', ...argv] : argv;
  const proc = startProcess(cmd[0], cmd.slice(1));
  const text = () => (existsSync(log) ? readFileSync(log, 'utf8') : '');
  // A failed bind is retried five times, 500 ms apart, before nginx exits.
  // Children of nginx itself (sh runs `ip` first, under the same pid).
  const workers = () => {
    try {
      return readFileSync(`/proc/${proc.pid}/comm`, 'utf8').trim() === 'nginx' && childPids(proc.pid).length > 0;
    } catch {
      return false;
    }
  };
  await waitFor(() => proc.exited() || workers(), 10_000);
  const started = !proc.exited() && workers();
  await proc.stop();
  const out = text() + proc.output();
  const bindFailures = [...new Set([...out.matchAll(/\[emerg\] (?:\d+#\d+: )?bind\(\) to (\S+) failed \(98: Address already in use\)/g)].map((m) => m[1]))];
  return { started, bindFailures, log: out };
}

/**
 * nginx -t in the namespace start() uses, loopback up: nginx -t binds every socket too, and lets only "Address already
 * in use" through (so the clashes pass), while [::1] cannot be bound with the loopback down (99: Cannot assign
 * requested address), as nginxTest leaves it.
 */
function nginxTestLo(dir: string, conf: string): { ok: boolean; output: string } {
  if (!netns) return nginxTest(dir, conf);
  mkdirSync(join(dir, 'logs'), { recursive: true });
  const argv = ['nginx', '-t', '-q', '-p', dir + '/', '-e', join(dir, 'logs', 'error.log'), '-c', conf];
  const r = spawnSync('unshare', ['-n', 'sh', '-c', 'ip link set lo up && exec "$@"', 'sh', ...argv], { encoding: 'utf8', timeout: 30_000 });
  return { ok: r.status === 0, output: (r.stdout ?? '') + (r.stderr ?? '') };
}

/** The bind() addresses the rule's findings quote. */
const quoted = (messages: string[]) => messages.map((m) => /"bind\(\) to (\S+) failed \(98: Address already in use\)"/.exec(m)?.[1] ?? `(no bind() line in: ${m})`);

interface Layout {
  name: string;
  http: string[];
  stream: string[];
  streamFirst?: boolean;
  /** The address whose bind() fails, or undefined when nginx starts. */
  fails?: string;
}

const layouts: Layout[] = [
  { name: 'the wildcard in both', http: ['listen 38201;'], stream: ['listen 38201;'], fails: '0.0.0.0:38201' },
  { name: '"*:port" and "0.0.0.0:port"', http: ['listen *:38202;'], stream: ['listen 0.0.0.0:38202;'], fails: '0.0.0.0:38202' },
  { name: 'http on 127.0.0.1, stream on the wildcard', http: ['listen 127.0.0.1:38203;'], stream: ['listen 38203;'], fails: '0.0.0.0:38203' },
  { name: 'http on the wildcard, stream on 127.0.0.1', http: ['listen 38204;'], stream: ['listen 127.0.0.1:38204;'], fails: '127.0.0.1:38204' },
  { name: 'the same, stream block first', http: ['listen 38205;'], stream: ['listen 127.0.0.1:38205;'], streamFirst: true, fails: '0.0.0.0:38205' },
  { name: '127.0.0.1 in both', http: ['listen 127.0.0.1:38206;'], stream: ['listen 127.0.0.1:38206;'], fails: '127.0.0.1:38206' },
  { name: '127.0.0.1 and 127.0.0.2', http: ['listen 127.0.0.1:38207;'], stream: ['listen 127.0.0.2:38207;'] },
  { name: 'tcp in http, udp in stream', http: ['listen 38208;'], stream: ['listen 38208 udp;'] },
  { name: '[::] (ipv6only=on) and the IPv4 wildcard', http: ['listen [::]:38209;'], stream: ['listen 38209;'] },
  { name: '[::] with ipv6only=off and 127.0.0.1', http: ['listen [::]:38210 ipv6only=off;'], stream: ['listen 127.0.0.1:38210;'], fails: '127.0.0.1:38210' },
  { name: '[::] in both', http: ['listen [::]:38211;'], stream: ['listen [::]:38211;'], fails: '[::]:38211' },
  { name: 'reuseport on both', http: ['listen 38212 reuseport;'], stream: ['listen 38212 reuseport;'] },
  { name: 'reuseport on one', http: ['listen 38213 reuseport;'], stream: ['listen 38213;'], fails: '0.0.0.0:38213' },
  { name: 'http wildcard and 127.0.0.1 (one socket), stream 127.0.0.2', http: ['listen 38214;', 'listen 127.0.0.1:38214;'], stream: ['listen 127.0.0.2:38214;'], fails: '127.0.0.2:38214' },
  { name: 'one unix socket path in both', http: ['listen unix:DIR/app.sock;'], stream: ['listen unix:DIR/app.sock;'], fails: 'unix:DIR/app.sock' },
  { name: 'other ports', http: ['listen 38216;'], stream: ['listen 38217;'] },  // Inside one module: the wildcard and an address with a socket of its own (bind or a socket option). nginx binds the
  // specific address first, so the wildcard's bind() fails, whichever line comes first.
  { name: 'one module: http wildcard and 127.0.0.1 bind', http: ['listen 38120;', 'listen 127.0.0.1:38120 bind;'], stream: [], fails: '0.0.0.0:38120' },
  { name: 'one module: the same, the bind line first', http: ['listen 127.0.0.1:38121 bind;', 'listen 38121;'], stream: [], fails: '0.0.0.0:38121' },
  { name: 'one module: backlog= instead of bind', http: ['listen 38122;', 'listen 127.0.0.1:38122 backlog=64;'], stream: [], fails: '0.0.0.0:38122' },
  { name: 'one module: reuseport on both', http: ['listen 38123 reuseport;', 'listen 127.0.0.1:38123 reuseport;'], stream: [] },
  { name: 'one module: reuseport on the wildcard, bind on the address', http: ['listen 38124 reuseport;', 'listen 127.0.0.1:38124 bind;'], stream: [], fails: '0.0.0.0:38124' },
  { name: 'one module: [::] and [::1] bind', http: ['listen [::]:38125;', 'listen [::1]:38125 bind;'], stream: [], fails: '[::]:38125' },
  { name: 'one module: [::] (ipv6only=on) and 127.0.0.1 bind', http: ['listen [::]:38126;', 'listen 127.0.0.1:38126 bind;'], stream: [] },
  { name: 'one module: stream wildcard and 127.0.0.1 bind', http: [], stream: ['listen 38127;', 'listen 127.0.0.1:38127 bind;'], fails: '0.0.0.0:38127' },
  { name: 'one module: wildcard and 127.0.0.1 without bind (one socket)', http: ['listen 38128;', 'listen 127.0.0.1:38128;'], stream: [] },
  { name: 'one module: bind on the wildcard only', http: ['listen 38129 bind;', 'listen 127.0.0.1:38129;'], stream: [] },
  { name: 'one module: [::] ipv6only=off, then 127.0.0.1', http: ['listen [::]:38130 ipv6only=off;', 'listen 127.0.0.1:38130;'], stream: [], fails: '127.0.0.1:38130' },
  { name: 'one module: the wildcard, then [::] ipv6only=off', http: ['listen 38131;', 'listen [::]:38131 ipv6only=off;'], stream: [], fails: '[::]:38131' },
];
// An http server without listen is on *:80 only when nginx starts as root; port 80 only inside our own namespace.
if (netns && process.getuid?.() === 0) layouts.push({ name: 'an http server with no listen (*:80) and stream on 80', http: [''], stream: ['listen 80;'], fails: '0.0.0.0:80' });

function write(l: Layout, dir: string): string {
  const http = `http {\n    access_log off;\n${l.http.map((x) => `    server {\n        ${x}\n        return 204;\n    }\n`).join('')}}\n`;
  const stream = `stream {\n${l.stream.map((x) => `    server {\n        ${x}\n        proxy_pass 127.0.0.1:9;\n    }\n`).join('')}}\n`;
  const blocks = l.streamFirst ? stream + http : http + stream;
  return `load_module ${STREAM_MODULE};\nworker_processes 1;\npid ${dir}/nginx.pid;\nevents {\n    worker_connections 64;\n}\n${blocks}`.replace(/DIR/g, dir);
}

test('each layout: nginx -t passes; the start fails with the bind() line the rule quotes, exactly where the rule reports', { concurrency: 6 }, async (t) => {
  await Promise.all(
    layouts.map((l) =>
      t.test(l.name, { timeout: 30_000 }, async () => {
        const dir = tempDir('proxylint-bind-');
        try {
          const text = write(l, dir);
          const conf = join(dir, 'nginx.conf');
          writeFileSync(conf, text);
          const ct = nginxTestLo(dir, conf);
          assert.ok(ct.ok, `nginx -t rejects it:\n${ct.output}`);
          const run = await start(dir, conf);
          const found = lintText(text).findings.filter((f) => f.ruleId === RULE);
          const fails = l.fails?.replace(/DIR/g, dir);
          if (!fails) {
            assert.ok(run.started, `nginx did not start:\n${run.log}`);
            assert.deepEqual(found.map((f) => f.message), []);
            return;
          }
          assert.ok(!run.started, `nginx started:\n${run.log}`);
          assert.deepEqual(run.bindFailures, [fails], run.log);
          assert.ok(run.log.includes('still could not bind()'), run.log);
          assert.equal(found.length, 1, found.map((f) => f.message).join('\n'));
          assert.deepEqual(quoted(found.map((f) => f.message)), [fails]);
          assert.equal(found[0].severity, 'error');
          assert.ok(found[0].related.length > 0, 'the other listen line is a related location');
        } finally {
          spawnSync('rm', ['-rf', dir]);
        }
      }),
    ),
  );
});

test(`${RULE}: the fixture's bad.conf passes nginx -t and fails at start with a bind() line the rule quotes; ok.conf starts`, async () => {
  const dir = tempDir('proxylint-bind-');
  try {
    cpSync(join(FIXTURES, 'nginx', RULE), dir, { recursive: true });
    for (const name of ['bad.conf', 'ok.conf']) {
      const conf = join(dir, name);
      // worker_processes 1 and a pid file in the temp folder: what the fixture leaves to nginx's defaults.
      writeFileSync(conf, readFileSync(conf, 'utf8').replace('events {}', `worker_processes 1;\npid ${dir}/${name}.pid;\nevents {}`));
      const ct = nginxTest(dir, conf);
      assert.ok(ct.ok, `${name}: nginx -t rejects it:\n${ct.output}`);
    }
    const ok = await start(dir, join(dir, 'ok.conf'));
    assert.ok(ok.started, `ok.conf: nginx did not start:\n${ok.log}`);
    const bad = await start(dir, join(dir, 'bad.conf'));
    assert.ok(!bad.started, `bad.conf: nginx started:\n${bad.log}`);
    // nginx tries every socket before it gives up: one bind() line per clash, each of them quoted by one finding.
    const found = lintFixture(join(FIXTURES, 'nginx', RULE, 'bad.conf')).findings.filter((f) => f.ruleId === RULE);
    assert.deepEqual(quoted(found.map((f) => f.message)).sort(), [...bad.bindFailures].sort(), bad.log);
    assert.equal(found.length, 9);
  } finally {
    spawnSync('rm', ['-rf', dir]);
  }
});
