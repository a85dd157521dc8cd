// Timeout and ProxyTimeout are read with atoi() (core.c set_timeout, mod_proxy.c set_proxy_timeout): the leading digits
// as whole seconds, a unit ignored. This runs the real httpd 2.4.71 in front of a backend that answers after 3 s and
// checks what timeout-value-misread says against the time measured; and apache2 -t for the values httpd refuses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintApache } from '../../server/src/core/lint-apache';
import { defaultSettings } from '../../server/src/core/settings';
import { createNodeHost } from '../../server/src/node/node-host';
import { memHost, requireBinary } from '../helpers';
import { apacheConfigTestText, prepareApache, startApache } from './harness/apache';
import { request } from './harness/client';
import { startHttpStandin } from './standins/http';

requireBinary('apache2');

const RULE = 'timeout-value-misread';

async function measure(directive: string, expectFinding: RegExp | null) {
  const backend = await startHttpStandin({ behaviour: 'ok', delayMs: 3000, deadlineMs: 30_000 });
  const setup = await prepareApache(`Listen 8001\n${directive}\nProxyPass "/a/" "http://${backend.address}/a/" connectiontimeout=3\n`);
  const found = lintApache(setup.confPath, setup.text, createNodeHost(), { settings: defaultSettings() }).findings.filter((f) => f.ruleId === RULE);
  if (expectFinding) assert.match(found.map((f) => f.message).join('\n'), expectFinding, directive);
  else assert.deepEqual(found.map((f) => f.message), [], directive);
  const httpd = await startApache(setup);
  try {
    const r = await request({ port: setup.port, path: '/a/', timeoutMs: 15_000 });
    return { r, log: httpd.errorLog() };
  } finally {
    await httpd.stop();
    await backend.stop();
    setup.cleanup();
  }
}

test('Timeout 2min and ProxyTimeout 2m are 2 s: the 502 comes after 2 s, as the finding says (real httpd)', async () => {
  for (const d of ['Timeout 2min', 'ProxyTimeout 2m']) {
    const { r, log } = await measure(d, /means 2 s: httpd reads \w+ as whole seconds and ignores "m(in)?"/);
    assert.equal(r.status, 502, `${d}: ${r.status}`);
    assert.ok(r.ms >= 1700 && r.ms < 2900, `${d}: ${r.ms} ms`);
    assert.match(log, /\(70007\)The timeout specified has expired: .*AH01102/);
  }
});

test('Timeout 500ms is 500 s: the 3 s answer comes through (real httpd)', async () => {
  const { r } = await measure('Timeout 500ms', /Timeout 500ms means 500 s/);
  assert.equal(r.status, 200);
});

test('Timeout abc is 0 s: the 502 comes at once, with the log line the finding quotes (real httpd)', async () => {
  const { r, log } = await measure('Timeout abc', /Timeout abc is 0 s .*\(11\)Resource temporarily unavailable: … AH01102/);
  assert.equal(r.status, 502);
  assert.ok(r.ms < 1500, `${r.ms} ms`);
  assert.match(log, /\(11\)Resource temporarily unavailable: .*AH01102: error reading status line from remote server/);
});

test('ProxyTimeout below 1 and a KeepAliveTimeout httpd cannot read stop apache2 -t with the words the finding quotes; Timeout abc does not (real apache2 -t)', async () => {
  const lint = (text: string) => lintApache('/c/site.conf', text, memHost({ '/c/site.conf': text }), { settings: defaultSettings() }).findings.filter((f) => f.ruleId === RULE);
  for (const d of ['ProxyTimeout abc', 'ProxyTimeout 0', 'ProxyTimeout -1', 'KeepAliveTimeout 5m', 'KeepAliveTimeout abc']) {
    const found = lint(d + '\n');
    assert.equal(found.length, 1, d);
    assert.equal(found[0].severity, 'error', d);
    const quoted = /^httpd refuses to start: "(.*?)"/.exec(found[0].message)?.[1];
    const t = await apacheConfigTestText(d + '\n');
    assert.ok(!t.ok, d);
    assert.ok(quoted && t.output.includes(quoted), `${d}\nhttpd said:\n${t.output}\nthe finding: ${found[0].message}`);
  }
  for (const d of ['Timeout abc', 'Timeout 2min', 'ProxyTimeout 2m', 'KeepAliveTimeout 500ms', 'KeepAliveTimeout 2min']) {
    const t = await apacheConfigTestText(d + '\n');
    assert.ok(t.ok, `${d}\n${t.output}`);
    assert.ok(lint(d + '\n').every((f) => f.severity !== 'error'), d);
  }
});
