// `proxylint explain --in` on what a real httpd (Debian 2.4.71) logs for failures an on-call review reproduced:
// - a backend that closes the connection without answering: AH01102 (20014 or 104) and then AH00898 for the same
//   request; with that AH00898 the client got 502, not "no answer at all" (a later request of a kept-alive client
//   connection, which logs no AH00898);
// - a response header over responsefieldsize=: the value in force there is that limit, not the timeouts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { requireBinary, runCli } from '../helpers';
import { prepareApache, startApache } from './harness/apache';
import { request } from './harness/client';
import { sleep } from './harness/proc';
import { startHttpStandin } from './standins/http';

requireBinary('apache2');

interface Entry {
  id: string;
  backend: { line: number; url: string; how: string } | null;
  timeouts: { name: string; value: string; origin: string }[];
}

const lineOf = (text: string, start: string) => text.split('\n').findIndex((l) => l.startsWith(start)) + 1;

test('explain: an AH01102 for a backend that closed the connection, with the AH00898 of its request after it, is a 502 for sure (real httpd)', async () => {
  const close = await startHttpStandin({ behaviour: 'close', deadlineMs: 30_000 });
  const setup = await prepareApache(`ProxyTimeout 7\nProxyPass "/close/" "http://${close.address}/"\n`);
  const httpd = await startApache(setup);
  try {
    const status = (await request({ port: setup.port, path: '/close/a', timeoutMs: 5000 })).status;
    await sleep(200);
    const log = httpd.errorLog();
    assert.equal(status, 502, log);
    assert.match(log, /\((20014|104)\)[^\n]*AH01102: error reading status line from remote server[^\n]*\n[^\n]*AH00898: Error reading from remote server returned by \/close\/a/);
    const text = runCli(['explain', '--in', setup.confPath, '--log', setup.errorLogPath]);
    assert.equal(text.code, 0, text.stderr);
    const closed = text.stdout.split('\n\n').find((b) => b.includes('returned by /close/a'))!;
    assert.match(closed, /AH01102: error reading status line[^\n]*\n    Apache httpd: the client got 502\.\n/, closed);
    assert.doesNotMatch(closed, /on the first request of a client connection/);
  } finally {
    await httpd.stop();
    await close.stop();
    setup.cleanup();
  }
});

test('explain: a response header over responsefieldsize= shows that limit in force (set on the worker, or the default), not the timeouts (real httpd)', async () => {
  const big = await startHttpStandin({ behaviour: 'big-header', headerKiB: 12, deadlineMs: 30_000 });
  // Its own backend: a second ProxyPass to the same URL would share the first one's worker and its parameters.
  const bigger = await startHttpStandin({ behaviour: 'big-header', headerKiB: 12, deadlineMs: 30_000 });
  const setup = await prepareApache(`ProxyTimeout 7
ProxyPass "/big/" "http://${big.address}/"
ProxyPass "/bigger/" "http://${bigger.address}/" responsefieldsize=10000
`);
  const httpd = await startApache(setup);
  try {
    const statuses = [];
    for (const path of ['/big/a', '/bigger/a']) statuses.push((await request({ port: setup.port, path, timeoutMs: 5000 })).status);
    await sleep(200);
    const log = httpd.errorLog();
    assert.deepEqual(statuses, [502, 502], log);
    assert.match(log, /AH10124: header size is over the limit allowed by ResponseFieldSize \(8192 bytes\)/);
    assert.match(log, /AH10124: header size is over the limit allowed by ResponseFieldSize \(10000 bytes\)/);
    const json = JSON.parse(runCli(['explain', '--in', setup.confPath, '--log', setup.errorLogPath, '--format', 'json']).stdout) as { explained: Entry[] };
    const sizes = json.explained.filter((e) => e.id === 'apache-big-header').map((e) => ({ line: e.backend?.line, values: e.timeouts.map((v) => `${v.name} ${v.value} (${v.origin})`) }));
    assert.deepEqual(sizes.sort((a, b) => a.line! - b.line!), [
      { line: lineOf(setup.text, 'ProxyPass "/big/"'), values: ['responsefieldsize 8192 bytes (the default (no responsefieldsize= on the worker))'] },
      { line: lineOf(setup.text, 'ProxyPass "/bigger/"'), values: ['responsefieldsize 10000 bytes (responsefieldsize=10000 on the worker)'] },
    ]);
    const text = runCli(['explain', '--in', setup.confPath, '--log', setup.errorLogPath]).stdout;
    assert.doesNotMatch(text, /backend timeout/, text);
  } finally {
    await httpd.stop();
    await big.stop();
    await bigger.stop();
    setup.cleanup();
  }
});
