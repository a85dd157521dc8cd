// Which worker a ProxySet line sets parameters on: httpd looks the worker up when it reads the line
// (set_proxy_param → ap_proxy_get_worker in mod_proxy.c), among the workers its server has defined so far, and takes
// the longest name the URL starts with, not only a name equal to it; inside <Proxy "url"> the same lookup runs and the
// section defines a worker only when it finds none. These run the real httpd 2.4 (ProxyTimeout 10) in front of a
// stand-in that answers after 2 s: a worker that got timeout=1 answers 502 after about 1 s, one that did not answers
// 200 after 2 s. proxylint's model must give each ProxyPass the timeout httpd used, and hover on the ProxySet line must
// name the worker it configures.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { apacheHover } from '../../server/src/core/features/apache';
import { lintApache } from '../../server/src/core/lint-apache';
import { defaultSettings } from '../../server/src/core/settings';
import { memHost, readable, requireBinary } from '../helpers';
import { prepareApache, startApache } from './harness/apache';
import { request } from './harness/client';
import { startHttpStandin, type Standin } from './standins/http';

requireBinary('apache2');

const lint = (text: string) => lintApache('/c/httpd.conf', text, memHost({ '/c/httpd.conf': text }), { settings: defaultSettings() });

interface Case {
  what: string;
  /** `{S}` stands for the stand-in's address. */
  lines: string[];
  /** Path → 'short' (timeout=1 in force: 502 after ~1 s) or 'long' (ProxyTimeout 10: 200 after the stand-in's 2 s). */
  expect: Record<string, 'short' | 'long'>;
  /** The ProxyPass line (1-based, in `lines`) hover on the ProxySet line names, or 'defines' for a <Proxy> worker. */
  hover?: number | 'defines';
}

const CASES: Case[] = [
  { what: 'a URL longer than two worker names: the longest one', lines: ['ProxyPass "/b/" "http://{S}/b/"', 'ProxyPass "/a/" "http://{S}/"', 'ProxySet "http://{S}/b/deeper" timeout=1'], expect: { '/b/x': 'short', '/a/x': 'long' }, hover: 1 },
  { what: 'a URL equal to the shorter name only', lines: ['ProxyPass "/b/" "http://{S}/b/"', 'ProxyPass "/a/" "http://{S}/"', 'ProxySet "http://{S}/" timeout=1'], expect: { '/b/x': 'long', '/a/x': 'short' }, hover: 2 },
  { what: '<Proxy> with a longer URL, after the ProxyPass lines', lines: ['ProxyPass "/b/" "http://{S}/b/"', 'ProxyPass "/a/" "http://{S}/"', '<Proxy "http://{S}/b/deeper">', '    ProxySet timeout=1', '</Proxy>'], expect: { '/b/x': 'short', '/a/x': 'long' }, hover: 1 },
  { what: '<Proxy> with a longer URL, before them: a worker of its own', lines: ['<Proxy "http://{S}/b/deeper">', '    ProxySet timeout=1', '</Proxy>', 'ProxyPass "/b/" "http://{S}/b/"', 'ProxyPass "/a/" "http://{S}/"'], expect: { '/b/x': 'long', '/a/x': 'long' }, hover: 'defines' },
  { what: '<Proxy> with a shorter URL, before: the ProxyPass shares its worker', lines: ['<Proxy "http://{S}/">', '    ProxySet timeout=1', '</Proxy>', 'ProxyPass "/b/" "http://{S}/b/"'], expect: { '/b/x': 'short' }, hover: 'defines' },
  { what: 'in a <VirtualHost>, a longer URL', lines: ['<VirtualHost *:80>', '    ProxyPass "/b/" "http://{S}/b/"', '    ProxySet "http://{S}/b/deeper" timeout=1', '</VirtualHost>'], expect: { '/b/x': 'short' }, hover: 2 },
];

async function observe(c: Case, s: Standin): Promise<{ text: string; seen: Record<string, 'short' | 'long' | string> }> {
  const text = ['ProxyTimeout 10', ...c.lines].join('\n').replaceAll('{S}', s.address);
  const setup = await prepareApache(text);
  const httpd = await startApache(setup);
  const seen: Record<string, string> = {};
  try {
    const paths = Object.keys(c.expect);
    const got = await Promise.all(paths.map((path) => request({ port: setup.port, path, timeoutMs: 8000 })));
    got.forEach((r, i) => {
      seen[paths[i]] = r.status === 502 && r.ms >= 900 && r.ms < 1800 ? 'short' : r.status === 200 && r.ms >= 1900 ? 'long' : `${r.status} after ${r.ms} ms`;
    });
  } finally {
    await httpd.stop();
    setup.cleanup();
  }
  return { text, seen };
}

test('ProxySet sets the worker whose name is the longest start of its URL, in its server, defined before it; the model gives each ProxyPass the timeout httpd used (real httpd)', async () => {
  const s = await startHttpStandin({ behaviour: 'ok', delayMs: 2000, deadlineMs: 120_000 });
  try {
    for (const c of CASES) {
      const { text, seen } = await observe(c, s);
      assert.deepEqual(seen, c.expect, c.what);
      const r = lint(text);
      for (const [path, how] of Object.entries(seen)) {
        // The rule httpd uses for the path in the server that has it (every case has one server with ProxyPass lines).
        const rule = r.proxy.tryOrder.find((x) => !x.exclusion && path.startsWith(x.path))!;
        const worker = r.proxy.workers.find((w) => w.node === rule.node)!;
        assert.equal(r.proxy.backendTimeout(worker).ms, how === 'short' ? 1000 : 10_000, `${c.what}: ${path}`);
      }
      const lines = text.split('\n');
      const at = lines.findIndex((l) => /^\s*ProxySet /.test(l));
      const hover = readable(apacheHover(r, '/c/httpd.conf', text.indexOf('ProxySet') + 2)?.markdown ?? '');
      if (c.hover === 'defines') assert.match(hover, /\*\*Defines the worker\*\*/, `${c.what}\n${hover}`);
      else assert.match(hover, new RegExp(`\\*\\*Configures the worker of line ${c.hover! + 1}\\*\\*`), `${c.what} (ProxySet on line ${at + 1})\n${hover}`);
    }
  } finally {
    await s.stop();
  }
});
