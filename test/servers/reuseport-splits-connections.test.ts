// reuseport-splits-connections against the real nginx (Debian 1.22.1, Linux): the fixture's bad.conf, where http and
// stream both listen on one address with reuseport, passes nginx -t and starts, and the connections to that address
// are answered by both modules; ok.conf's connections are all answered by http. Ports moved to 3832x, out of the way
// of the fixtures other server tests start.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { nginxTest, requireBinary } from '../helpers';
import { FIXTURES } from '../rules/rule-harness';
import { tempDir } from './harness/nginx';
import { childPids, startProcess, waitFor } from './harness/proc';

requireBinary('nginx');

const RULE = 'reuseport-splits-connections';
const PORT = 38320;

/**
 * Which module answers one connection: the stream server returns "stream" as soon as the connection is accepted, the
 * http server waits for a request and answers "http". Anything else (a reset, a timeout) is "other".
 */
function who(port: number): Promise<'http' | 'stream' | 'other'> {
  return new Promise((resolve) => {
    let data = '';
    let asked = false;
    const s = connect(port, '127.0.0.1');
    const done = (r: 'http' | 'stream' | 'other') => {
      s.destroy();
      resolve(r);
    };
    s.setTimeout(3000, () => done('other'));
    s.on('data', (d) => {
      data += d;
      if (!asked && data.includes('stream')) done('stream');
      else if (/\r\n\r\n(http|other)\n/.test(data)) done('http');
    });
    s.on('error', () => done(data.includes('stream') ? 'stream' : 'other'));
    s.on('end', () => done(data.includes('stream') ? 'stream' : /\r\n\r\n(http|other)\n/.test(data) ? 'http' : 'other'));
    // Unsolicited bytes within 150 ms come from stream; otherwise ask http.
    setTimeout(() => {
      if (s.destroyed) return;
      asked = true;
      s.write('GET / HTTP/1.0\r\nHost: x\r\n\r\n');
    }, 150);
  });
}

async function count(name: string): Promise<Record<string, number>> {
  const dir = tempDir('proxylint-reuseport-');
  const proc = { current: undefined as ReturnType<typeof startProcess> | undefined };
  try {
    const conf = join(dir, name);
    const text = readFileSync(join(FIXTURES, 'nginx', RULE, name), 'utf8')
      .replace(/:1852(\d)/g, (_, d) => `:${PORT + Number(d)}`)
      .replace('events {}', `worker_processes 2;\npid ${dir}/nginx.pid;\nevents {}`);
    writeFileSync(conf, text);
    const t = nginxTest(dir, conf);
    assert.ok(t.ok, `${name}: nginx -t rejects it:\n${t.output}`);
    const log = join(dir, 'logs', 'error.log');
    proc.current = startProcess('nginx', ['-p', dir + '/', '-e', log, '-c', conf, '-g', 'daemon off;']);
    const p = proc.current;
    const started = await waitFor(() => !p.exited() && childPids(p.pid).length >= 2, 10_000);
    assert.ok(started, `${name}: nginx did not start:\n${p.output()}${existsSync(log) ? readFileSync(log, 'utf8') : ''}`);
    const tally: Record<string, number> = { http: 0, stream: 0, other: 0 };
    for (let k = 0; k < 40; k++) tally[await who(PORT)]++;
    return tally;
  } finally {
    await proc.current?.stop();
    spawnSync('rm', ['-rf', dir]);
  }
}

test(`${RULE}: bad.conf starts, and both http and stream answer connections to the one address`, { timeout: 60_000 }, async (t) => {
  const tally = await count('bad.conf');
  t.diagnostic(`answered by: ${JSON.stringify(tally)}`);
  assert.ok(tally.http > 0 && tally.stream > 0, JSON.stringify(tally));
  assert.equal(tally.http + tally.stream, 40, JSON.stringify(tally));
});

test(`${RULE}: ok.conf starts, and http answers every connection`, { timeout: 60_000 }, async () => {
  const tally = await count('ok.conf');
  assert.deepEqual(tally, { http: 40, stream: 0, other: 0 });
});
