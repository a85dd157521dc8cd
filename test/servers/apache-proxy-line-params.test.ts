// Worker parameters written on the <Proxy "url"> line itself (<Proxy "fcgi://localhost/" enablereuse=on timeout=300>,
// the PHP-FPM recipe of httpd's manual). proxysection in mod_proxy.c reads the section's lines first, then sets these
// on the worker the URL finds, defining it when there is none, so they win over a ProxySet inside. proxylint's model
// ignored them: hovers and rules gave the ProxyTimeout instead. These run the real httpd 2.4 (ProxyTimeout 10) in front
// of a stand-in that answers after 2 s: a worker with timeout=1 in force answers 502 after about 1 s, one without, 200.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintApache } from '../../server/src/core/lint-apache';
import { defaultSettings } from '../../server/src/core/settings';
import { memHost, requireBinary } from '../helpers';
import { prepareApache, startApache } from './harness/apache';
import { request } from './harness/client';
import { startHttpStandin, type Standin } from './standins/http';

requireBinary('apache2');

const lint = (text: string) => lintApache('/c/httpd.conf', text, memHost({ '/c/httpd.conf': text }), { settings: defaultSettings() });

const CASES: { what: string; lines: string[]; expect: 'short' | 'long' }[] = [
  { what: 'a <Proxy> line before the ProxyPass: it defines the worker the ProxyPass shares', lines: ['<Proxy "http://{S}/" timeout=1>', '</Proxy>', 'ProxyPass "/a/" "http://{S}/"'], expect: 'short' },
  { what: 'a <Proxy> line after the ProxyPass: it sets the worker the URL finds', lines: ['ProxyPass "/a/" "http://{S}/"', '<Proxy "http://{S}/" timeout=1>', '</Proxy>'], expect: 'short' },
  { what: 'the line wins over a ProxySet inside (timeout=1 on the line)', lines: ['<Proxy "http://{S}/" timeout=1>', '    ProxySet timeout=10', '</Proxy>', 'ProxyPass "/a/" "http://{S}/"'], expect: 'short' },
  { what: 'the line wins over a ProxySet inside (timeout=10 on the line)', lines: ['<Proxy "http://{S}/" timeout=10>', '    ProxySet timeout=1', '</Proxy>', 'ProxyPass "/a/" "http://{S}/"'], expect: 'long' },
];

async function observe(text: string, s: Standin): Promise<string> {
  const setup = await prepareApache(text);
  const httpd = await startApache(setup);
  try {
    const r = await request({ port: setup.port, path: '/a/x', timeoutMs: 8000 });
    return r.status === 502 && r.ms >= 900 && r.ms < 1800 ? 'short' : r.status === 200 && r.ms >= 1900 ? 'long' : `${r.status} after ${r.ms} ms`;
  } finally {
    await httpd.stop();
    setup.cleanup();
  }
}

test('parameters on a <Proxy "url"> line set that worker, after the lines inside; the model gives the ProxyPass the timeout httpd used (real httpd)', async () => {
  const s = await startHttpStandin({ behaviour: 'ok', delayMs: 2000, deadlineMs: 120_000 });
  try {
    for (const c of CASES) {
      const text = ['ProxyTimeout 10', ...c.lines].join('\n').replaceAll('{S}', s.address);
      assert.equal(await observe(text, s), c.expect, c.what);
      const r = lint(text);
      const rule = r.proxy.tryOrder.find((x) => !x.exclusion && '/a/x'.startsWith(x.path))!;
      const worker = r.proxy.workers.find((w) => w.node === rule.node)!;
      assert.equal(r.proxy.backendTimeout(worker).ms, c.expect === 'short' ? 1000 : 10_000, c.what);
    }
  } finally {
    await s.stop();
  }
});
