// A ProxyPass whose URL starts with an earlier worker's name shares that worker, and httpd ignores the parameters on
// it (add_pass in mod_proxy.c: AH01145 at LogLevel info, AH01146 per parameter). These run the real httpd 2.4.71:
// a backend that answers after 2 s gets 502 after the first line's timeout=1 through the second line's path, though
// that line says timeout=4; proxylint's finding, hover and the fixtures are checked against what httpd says.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { apacheHover } from '../../server/src/core/features/apache';
import { lintApache } from '../../server/src/core/lint-apache';
import { defaultSettings } from '../../server/src/core/settings';
import { assertPlaceLink, memHost, readable, requireBinary, ROOT } from '../helpers';
import { apacheConfigTestText, prepareApache, startApache } from './harness/apache';
import { request } from './harness/client';
import { sleep } from './harness/proc';
import { startHttpStandin } from './standins/http';

requireBinary('apache2');

const lint = (text: string) => lintApache('/c/site.conf', text, memHost({ '/c/site.conf': text }), { settings: defaultSettings() });
const RULE = 'worker-params-ignored-by-sharing';

test('a later ProxyPass sharing a worker gets its timeout, not its own; proxylint says the same (real httpd)', async () => {
  const backend = await startHttpStandin({ behaviour: 'ok', delayMs: 2000, deadlineMs: 30_000 });
  const text = [
    'ProxyTimeout 60',
    `ProxyPass "/fast/" "http://${backend.address}/" connectiontimeout=2 timeout=1`,
    `ProxyPass "/slow/" "http://${backend.address}/slow/" connectiontimeout=2 timeout=4`,
    `ProxyPass "/same/" "http://${backend.address}/" timeout=4`,
    '',
  ].join('\n');
  const setup = await prepareApache(text, { logLevel: 'info' });
  const httpd = await startApache(setup);
  try {
    for (const path of ['/slow/x', '/same/x']) {
      const r = await request({ port: setup.port, path, timeoutMs: 8000 });
      assert.equal(r.status, 502, path);
      assert.ok(r.ms >= 900 && r.ms < 1800, `${path}: 502 after ${r.ms} ms, not after ~1 s (timeout=1 of the shared worker)`);
    }
    await sleep(200);
    const log = httpd.errorLog();
    const name = `http://${backend.address}/`;
    assert.ok(log.includes(`AH01145: Sharing worker '${name}' instead of creating new worker '${name}slow/'`), log);
    assert.ok(log.includes(`AH01146: Ignoring parameter 'timeout=4' for worker '${name}' because of worker sharing`), log);
    assert.match(log, /AH01102: error reading status line from remote server/);

    // proxylint: each ignored parameter that differs from the shared worker's is reported, quoting httpd's line, with
    // the timeout really in force; /slow/'s connectiontimeout=2 is the shared worker's own value and is not.
    assert.ok(log.includes(`AH01146: Ignoring parameter 'connectiontimeout=2' for worker '${name}' because of worker sharing`), log);
    const r = lint(text);
    const found = r.findings.filter((f) => f.ruleId === RULE);
    assert.equal(found.length, 2, found.map((f) => f.message).join('\n'));
    for (const f of found) {
      const quoted = /\("(AH01146: [^"]*)"\)/.exec(f.message)?.[1];
      assert.ok(quoted && log.includes(quoted), `${f.message}\nnot in the log:\n${log}`);
    }
    const timeouts = found.filter((f) => f.message.startsWith('timeout=4'));
    assert.equal(timeouts.length, 2);
    for (const f of timeouts) assert.match(f.message, /in force here: 1 s \(timeout=1\)/);
    // Hover on the /slow/ line: the backend timeout is the shared worker's 1 s, not 4 s.
    const hover = readable(apacheHover(r, '/c/site.conf', text.indexOf('ProxyPass "/slow/"') + 2)?.markdown ?? '');
    assert.match(hover, /\*\*Backend timeout here:\*\* 1 s \(timeout=1\)/, hover);
    assert.match(hover, /Shares the worker of line 2/, hover);
    assertPlaceLink(apacheHover(r, '/c/site.conf', text.indexOf('ProxyPass "/slow/"') + 2)?.markdown ?? '', 'line 2', '/c/site.conf', 2);
    assert.doesNotMatch(hover, /timeout here:\*\* 4 s/, hover);
  } finally {
    await httpd.stop();
    await backend.stop();
    setup.cleanup();
  }
});

test('the fixtures: bad.conf gets one AH01146/AH01150 line per reported parameter, ok.conf none (real apache2 -t)', async () => {
  const dir = join(ROOT, 'test/rules/apache', RULE);
  const bad = readFileSync(join(dir, 'bad.conf'), 'utf8');
  const t = await apacheConfigTestText(bad, { logLevel: 'info' });
  assert.ok(t.ok, t.output);
  const findings = lint(bad).findings.filter((f) => f.ruleId === RULE);
  const ignoring = t.output.match(/AH0115?[04]6?: Ignoring parameter [^\n]*/g) ?? [];
  const quotedIgnoring = findings.map((f) => /\("(AH011(?:46|50): Ignoring[^"]*)"\)/.exec(f.message)?.[1]).filter((q): q is string => q !== undefined);
  assert.equal(quotedIgnoring.length, ignoring.length, `${t.output}\n${findings.map((f) => f.message).join('\n')}`);
  for (const q of quotedIgnoring) assert.ok(t.output.includes(q), `${q}\nnot in:\n${t.output}`);
  // The two sockets behind one URL: httpd shares the first socket's worker.
  assert.ok(t.output.includes("AH01145: Sharing worker 'unix:/run/app1.sock|http://localhost/' instead of creating new worker 'http://localhost/'"), t.output);
  assert.ok(findings.some((f) => f.message.includes('go to the socket /run/app1.sock, not to /run/app2.sock')));

  const ok = readFileSync(join(dir, 'ok.conf'), 'utf8');
  const o = await apacheConfigTestText(ok, { logLevel: 'info' });
  assert.ok(o.ok, o.output);
  const shared = o.output.match(/AH0114[56]: [^\n]*/g) ?? [];
  // Only /also/, which has no parameters of its own, shares a worker.
  assert.deepEqual(shared.map((l) => l.replace(/127\.0\.0\.1:\d+/g, 'H')), ["AH01145: Sharing worker 'http://H/' instead of creating new worker 'http://H/also/'"], o.output);
  assert.deepEqual(lint(ok).findings.filter((f) => f.ruleId === RULE).map((f) => f.message), []);
});

test('a shared line that repeats the shared worker\'s own value: httpd logs AH01146, proxylint stays quiet (nothing changes) (real apache2 -t)', async () => {
  // The chat-server layout of an Apache review: connectiontimeout=5 on the shared worker and on the line that shares it.
  const text = [
    'ProxyPass "/socket.io/" "http://127.0.0.1:19005/socket.io/" connectiontimeout=5',
    'ProxyPass "/x/" "http://127.0.0.1:19005/socket.io/x/" connectiontimeout=5 timeout=5',
    'ProxyPass "/y/" "http://127.0.0.1:19005/socket.io/y/" connectiontimeout=6',
  ].join('\n') + '\n';
  const t = await apacheConfigTestText(text, { logLevel: 'info' });
  assert.ok(t.ok, t.output);
  const ignoring = t.output.match(/AH01146: Ignoring parameter '[^']*'/g) ?? [];
  assert.deepEqual(ignoring.sort(), ["AH01146: Ignoring parameter 'connectiontimeout=5'", "AH01146: Ignoring parameter 'connectiontimeout=6'", "AH01146: Ignoring parameter 'timeout=5'"], t.output);
  // The repeated connectiontimeout=5 is not reported; the timeout=5 the shared worker does not write, and the 6, are.
  const messages = lint(text).findings.filter((f) => f.ruleId === RULE).map((f) => f.message);
  assert.deepEqual(messages.map((m) => m.slice(0, m.indexOf(' is ignored'))).sort(), ['connectiontimeout=6', 'timeout=5'], messages.join('\n'));
});
