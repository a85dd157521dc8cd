// ProxyPass lines of the main server apply in every <VirtualHost>, and ahead of the virtual host's own: mod_proxy's
// merge_proxy_config (httpd 2.4) builds a virtual host's list as the main server's aliases followed by its own,
// whatever the order of the lines in the files, and proxy_trans takes the first that matches. ProxyPassInherit Off
// does not change that (it only keeps the main server's workers and ProxyRemote lines out). A ProxyPass inside a
// <Location> (the section's single alias) is tried before every server-level line, in the main server's sections too.
// These run the real httpd 2.4 with two stand-in backends, see which one each request reaches, and check that
// proxypass-shadowed reports a virtual host's line exactly when no request under it reaches its backend.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { apacheHover } from '../../server/src/core/features/apache';
import { lintApache } from '../../server/src/core/lint-apache';
import { defaultSettings } from '../../server/src/core/settings';
import { assertPlaceLink, memHost, readable, requireBinary } from '../helpers';
import { prepareApache, startApache } from './harness/apache';
import { request } from './harness/client';
import { startHttpStandin, type Standin } from './standins/http';

requireBinary('apache2');

const lint = (text: string) => lintApache('/c/httpd.conf', text, memHost({ '/c/httpd.conf': text }), { settings: defaultSettings() });
const vhost = (...body: string[]) => ['<VirtualHost *:80>', '    ServerName localhost', '    Header always set X-Vhost yes', ...body.map((l) => '    ' + l), '</VirtualHost>'];

interface Case {
  what: string;
  /** The configuration; `A` and `B` stand for the two backends' addresses. The virtual host's line goes to B. */
  lines: string[];
  /** Each path requested, and the backend httpd was seen to send it to. */
  expect: Record<string, 'A' | 'B'>;
}

const CASES: Case[] = [
  { what: 'main-server "/" before the virtual host in the file', lines: ['ProxyPass "/" "http://A/"', ...vhost('ProxyPass "/api/" "http://B/"')], expect: { '/api/x': 'A', '/other': 'A' } },
  { what: 'main-server "/" after the virtual host in the file', lines: [...vhost('ProxyPass "/api/" "http://B/"'), 'ProxyPass "/" "http://A/"'], expect: { '/api/x': 'A', '/other': 'A' } },
  { what: 'ProxyPassInherit Off in the virtual host', lines: ['ProxyPass "/" "http://A/"', ...vhost('ProxyPassInherit Off', 'ProxyPass "/api/" "http://B/"')], expect: { '/api/x': 'A', '/other': 'A' } },
  { what: 'main-server ProxyPassMatch for every path', lines: ['ProxyPassMatch "^/(.*)$" "http://A/$1"', ...vhost('ProxyPass "/api/" "http://B/"')], expect: { '/api/x': 'A' } },
  { what: 'virtual host ProxyPassMatch under a main-server "/"', lines: ['ProxyPass "/" "http://A/"', ...vhost('ProxyPassMatch "^/api/(.*)$" "http://B/$1"')], expect: { '/api/x': 'A' } },
  { what: 'virtual host <Location> ProxyPass under a main-server "/"', lines: ['ProxyPass "/" "http://A/"', ...vhost('<Location "/api/">', '    ProxyPass "http://B/"', '</Location>')], expect: { '/api/x': 'B', '/other': 'A' } },
  { what: 'main-server <Location> ProxyPass, virtual host "/"', lines: ['<Location "/api/">', '    ProxyPass "http://A/"', '</Location>', ...vhost('ProxyPass "/" "http://B/"')], expect: { '/api/x': 'A', '/other': 'B' } },
  { what: 'main-server "/api/", virtual host "/"', lines: ['ProxyPass "/api/" "http://A/"', ...vhost('ProxyPass "/" "http://B/"')], expect: { '/api/x': 'A', '/other': 'B' } },
];

async function routes(c: Case, a: Standin, b: Standin): Promise<{ text: string; seen: Record<string, 'A' | 'B' | 'none'> }> {
  const text = c.lines.join('\n').replaceAll('http://A/', `http://${a.address}/`).replaceAll('http://B/', `http://${b.address}/`);
  const setup = await prepareApache(text);
  const httpd = await startApache(setup);
  const seen: Record<string, 'A' | 'B' | 'none'> = {};
  try {
    for (const path of Object.keys(c.expect)) {
      const [na, nb] = [a.requests.length, b.requests.length];
      const r = await request({ port: setup.port, path, timeoutMs: 8000 });
      // The virtual host served it (not the main server), so the lists tried are the virtual host's merged ones.
      assert.equal(r.headers['x-vhost'], 'yes', `${c.what}: ${path} was not served by the virtual host`);
      seen[path] = a.requests.length > na ? 'A' : b.requests.length > nb ? 'B' : 'none';
    }
  } finally {
    await httpd.stop();
    setup.cleanup();
  }
  return { text, seen };
}

test('main-server ProxyPass lines are tried first in a virtual host, and proxypass-shadowed reports the virtual host line exactly when httpd never uses it (real httpd)', async () => {
  const a = await startHttpStandin({ behaviour: 'ok', deadlineMs: 120_000 });
  const b = await startHttpStandin({ behaviour: 'ok', deadlineMs: 120_000 });
  try {
    for (const c of CASES) {
      const { text, seen } = await routes(c, a, b);
      assert.deepEqual(seen, c.expect, c.what);
      // The virtual host's server-level ProxyPass(Match) line is never used when none of the paths it matches reached B.
      const lines = text.split('\n');
      const at = lines.findIndex((l) => /^ {4}ProxyPass(Match)? "[^"]*" "http:/.test(l));
      const path = at < 0 ? undefined : /"([^"]*)"/.exec(lines[at])![1];
      const matches = (p: string) => (path!.startsWith('^') ? new RegExp(path!).test(p) : p.startsWith(path!));
      const its = path === undefined ? [] : Object.entries(seen).filter(([p]) => matches(p));
      const neverUsed = its.length > 0 && its.every(([, who]) => who !== 'B');
      const lineOf = (offset: number) => text.slice(0, offset).split('\n').length;
      const found = lint(text).findings.filter((f) => f.ruleId === 'proxypass-shadowed');
      assert.deepEqual(found.map((f) => lineOf(f.start)), neverUsed ? [at + 1] : [], `${c.what}\n${found.map((f) => f.message).join('\n')}`);
      if (neverUsed) {
        const mainLine = lines.findIndex((l) => /^ProxyPass(Match)? /.test(l)) + 1;
        assert.match(found[0].message, new RegExp(`main server's "ProxyPass(Match)? [^"]*" \\(httpd\\.conf:${mainLine}\\)`), found[0].message);
        assert.match(found[0].message, /every virtual host/, found[0].message);
      }
    }
  } finally {
    await Promise.all([a.stop(), b.stop()]);
  }
});

test('hover on a virtual host ProxyPass that a main-server line shadows says so; on the main-server line, that it comes first in every virtual host', () => {
  const text = ['<VirtualHost *:80>', '    ProxyPass "/api/" "http://127.0.0.1:9001/"', '</VirtualHost>', 'ProxyPass "/" "http://127.0.0.1:9000/"', ''].join('\n');
  const r = lint(text);
  const vh = readable(apacheHover(r, '/c/httpd.conf', text.indexOf('ProxyPass "/api/"') + 2)?.markdown ?? '');
  assert.match(vh, /main server's `ProxyPass \/` \(line 4\)/, vh);
  assertPlaceLink(apacheHover(r, '/c/httpd.conf', text.indexOf('ProxyPass "/api/"') + 2)?.markdown ?? '', 'line 4', '/c/httpd.conf', 4);
  const main = readable(apacheHover(r, '/c/httpd.conf', text.indexOf('ProxyPass "/"') + 2)?.markdown ?? '');
  assert.match(main, /every virtual host/, main);
});
