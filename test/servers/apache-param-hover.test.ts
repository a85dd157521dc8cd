// The hover on a worker parameter (connectiontimeout=, timeout=, …) says what that parameter bounds, the status code
// httpd answers with when it runs out, the error-log lines, and the value in force. Pinned on the real apache2: each
// configuration is served, a request goes to a backend that never completes the handshake or never answers, and the
// status, the time it took and the log lines must be those the hover states; a later ProxySet's value, which the hover
// says overrides the ProxyPass line's own, must be the one httpd waits.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { apacheHover } from '../../server/src/core/features/apache';
import { lintApache } from '../../server/src/core/lint-apache';
import { defaultSettings } from '../../server/src/core/settings';
import { memHost, readable, requireBinary } from '../helpers';
import { prepareApache, startApache } from './harness/apache';
import { request } from './harness/client';
import { startBlackhole } from './standins/blackhole';
import { startHttpStandin } from './standins/http';

requireBinary('apache2');

function hoverOn(text: string, needle: string): string {
  const path = '/c/site.conf';
  const r = lintApache(path, text, memHost({ [path]: text }), { settings: defaultSettings() });
  const at = text.indexOf(needle);
  assert.ok(at >= 0, needle);
  return readable(apacheHover(r, path, at + 1)?.markdown ?? '');
}

/** The log lines the hover's **Bounds:** part quotes (between backticks, with an AH number). */
const quoted = (md: string) => [...(/\*\*Bounds:\*\*.*/.exec(md)?.[0] ?? '').matchAll(/`([^`]*AH\d{5}[^`]*)`/g)].map((m) => m[1]);

/**
 * A quoted log line is in httpd's log: a line with its errno part and its words from the AH number up to the first
 * address, path or <placeholder> (those differ per run).
 */
function inLog(log: string, line: string): boolean {
  const core = line.slice(line.indexOf('AH')).split(/127\.0\.0\.1|\/\w|</)[0];
  const errno = /^\(\d+\)[^:]*/.exec(line)?.[0];
  return log.split('\n').some((l) => l.includes(core) && (!errno || l.includes(errno)));
}

test('connectiontimeout=: 503 after that long with AH00957 + AH01114, and a later ProxySet overrides the line (real apache2)', async () => {
  const hole = await startBlackhole();
  const text = `ProxyPass "/c/" "http://${hole.address}/" connectiontimeout=5 timeout=9\nProxySet "http://${hole.address}/" connectiontimeout=1\n`;
  const md = hoverOn(text, 'connectiontimeout=5');
  assert.match(md, /\*\*`connectiontimeout` in force here:\*\* 1 s — from `connectiontimeout=1` on the ProxySet of line 2 \(httpd applies that line to this worker after this one, so `connectiontimeout=5` here has no effect\)/, md);
  assert.match(md, /\*\*503\*\* \(not 504\)/, md);
  assert.doesNotMatch(md, /\*\*Backend timeout here/, 'the worker timeouts are left to the line hover');
  const setup = await prepareApache(text);
  const httpd = await startApache(setup);
  try {
    const r = await request({ port: setup.port, path: '/c/x', timeoutMs: 12_000 });
    assert.equal(r.status, 503);
    assert.ok(r.ms >= 900 && r.ms < 4000, `waited ${r.ms} ms, not the 1 s of ProxySet (5 s on the line, 9 s timeout)`);
    const log = httpd.errorLog();
    const lines = quoted(md);
    assert.equal(lines.length, 2, md);
    for (const l of lines) assert.ok(inLog(log, l), `${l}\nnot in\n${log}`);
    // The lines name this worker's address, as httpd wrote it (not the lab's of the catalogue).
    const [host] = hole.address.split(':');
    assert.ok(log.includes(`attempt to connect to ${hole.address} (${hole.address}) failed`) && lines[0].endsWith(`attempt to connect to ${hole.address} (${hole.address}) failed`), lines[0]);
    assert.ok(log.includes(`failed to make connection to backend: ${host}`) && lines[1].endsWith(`failed to make connection to backend: ${host}`), lines[1]);
  } finally {
    await httpd.stop();
    await hole.stop();
    setup.cleanup();
  }
});

test('timeout=: 502 (not 504) through mod_proxy_http with AH01102 + AH00898, and retry= states its value (real apache2)', async () => {
  const slow = await startHttpStandin({ behaviour: 'silent', deadlineMs: 20_000 });
  const text = `Timeout 20\nProxyPass "/t/" "http://${slow.address}/" timeout=1 retry=0\n`;
  const md = hoverOn(text, 'timeout=1');
  assert.match(md, /\*\*`timeout` in force here:\*\* 1 s — set here/, md);
  assert.match(md, /\*\*502\*\* through mod_proxy_http \(not 504\)/, md);
  const retry = hoverOn(text, 'retry=0');
  assert.match(retry, /\*\*`retry` in force here:\*\* 0 s — set here/, retry);
  const setup = await prepareApache(text);
  const httpd = await startApache(setup);
  try {
    const r = await request({ port: setup.port, path: '/t/x', timeoutMs: 12_000 });
    assert.equal(r.status, 502);
    assert.ok(r.ms >= 900 && r.ms < 4000, `waited ${r.ms} ms`);
    const log = httpd.errorLog();
    const lines = quoted(md).filter((l) => /AH01102|AH00898/.test(l));
    assert.equal(lines.length, 2, md);
    for (const l of lines) assert.ok(inLog(log, l), `${l}\nnot in\n${log}`);
    assert.ok(log.includes(`error reading status line from remote server ${slow.address}`) && lines[0].endsWith(`remote server ${slow.address}`), lines[0]);
  } finally {
    await httpd.stop();
    await slow.stop();
    setup.cleanup();
  }
});
