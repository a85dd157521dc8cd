// A ProxyPass inside <LocationMatch> (or <Location ~>) takes the section's path, but add_pass (mod_proxy.c) reads that
// path as a regex only when apr_fnmatch_test finds a wildcard in it ("*", "?", "[…]"); otherwise it is a prefix,
// compared as written, like a ProxyPass outside any section. This runs the real apache2 with two HTTP stand-ins (a:
// the section's line, b: a ProxyPass "/" of the server) and checks, request by request, which backend got it and with
// what path; then that proxylint's model maps each request the same way (ProxyPassRule.regex and .path, passTakes,
// locationTakes), that the section line's worker reuses connections exactly when httpd did (a regex worker whose URL
// holds "$") does not, and that proxypass-trailing-slash-mismatch reports a line (prefix or regex) exactly when its
// backend got a doubled slash.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintApache } from '../../server/src/core/lint-apache';
import { pcreRegExp, locationTakes, reusesConnections, type ProxyModel, type ProxyPassRule } from '../../server/src/core/model/apache-proxy';
import { passTakes } from '../../server/src/core/model/apache-proxypass-order';
import type { ApacheNode } from '../../server/src/core/model/apache-tree';
import { defaultSettings } from '../../server/src/core/settings';
import { createNodeHost } from '../../server/src/node/node-host';
import { requireBinary } from '../helpers';
import { prepareApache, startApache } from './harness/apache';
import { request } from './harness/client';
import { startHttpStandin, type Standin } from './standins/http';

requireBinary('apache2');

/** What httpd did with a request: the backend ("a", "b") and the path it got, or "none" (httpd answered 404 itself). */
type Seen = `${'a' | 'b'} ${string}` | 'none';

interface Layout {
  name: string;
  lines: (a: string, b: string) => string[];
  /** Whether add_pass reads the line in the section (or the first line) as a regex. */
  regex: boolean;
  requests: Record<string, Seen>;
}

const serverRoot = (b: string) => `ProxyPass "/" "http://${b}/"`;
const LAYOUTS: Layout[] = [
  // No wildcard: the prefix "/api". /v1/api/x and /apix are in the section, but the prefix does not take them.
  { name: '<LocationMatch "/api">', regex: false, lines: (a, b) => ['<LocationMatch "/api">', `    ProxyPass "http://${a}/"`, '</LocationMatch>', serverRoot(b)], requests: { '/api': 'a /', '/api/x': 'a //x', '/apix': 'b /apix', '/v1/api/x': 'b /v1/api/x' } },
  { name: '<Location ~ "/api">', regex: false, lines: (a, b) => ['<Location ~ "/api">', `    ProxyPass "http://${a}/"`, '</Location>', serverRoot(b)], requests: { '/api/x': 'a //x', '/v1/api/x': 'b /v1/api/x' } },
  // The prefix "\.php$" and "^/api/": no request path starts with them, so the lines map nothing.
  { name: '<LocationMatch "\\.php$">, ProxyPass "/" after it', regex: false, lines: (a, b) => ['<LocationMatch "\\.php$">', `    ProxyPass "http://${a}/"`, '</LocationMatch>', serverRoot(b)], requests: { '/x.php': 'b /x.php' } },
  { name: '<LocationMatch "\\.php$"> alone', regex: false, lines: (a) => ['<LocationMatch "\\.php$">', `    ProxyPass "http://${a}/"`, '</LocationMatch>'], requests: { '/x.php': 'none' } },
  { name: '<LocationMatch "^/api/">', regex: false, lines: (a, b) => ['<LocationMatch "^/api/">', `    ProxyPass "http://${a}/"`, '</LocationMatch>', serverRoot(b)], requests: { '/api/x': 'b /api/x' } },
  // An escaped "*" is no wildcard for apr_fnmatch_test.
  { name: '<LocationMatch "^/a\\*b">', regex: false, lines: (a, b) => ['<LocationMatch "^/a\\*b">', `    ProxyPass "http://${a}/"`, '</LocationMatch>', serverRoot(b)], requests: { '/a*b/x': 'b /a*b/x' } },
  // A wildcard: a regex, with $1 filled in from the captures.
  { name: '<LocationMatch "^/app/(.*)$"> to …/$1', regex: true, lines: (a, b) => ['<LocationMatch "^/app/(.*)$">', `    ProxyPass "http://${a}/$1"`, '</LocationMatch>', serverRoot(b)], requests: { '/app/x': 'a /x', '/app/y/z': 'a /y/z', '/v/app/x': 'b /v/app/x' } },
  { name: '<Location ~ "^/app/(.*)$"> to …/$1', regex: true, lines: (a, b) => ['<Location ~ "^/app/(.*)$">', `    ProxyPass "http://${a}/$1"`, '</Location>', serverRoot(b)], requests: { '/app/x': 'a /x', '/app/y': 'a /y' } },
  // A regex whose URL has no $N: httpd appends the whole path to the URL.
  { name: '<LocationMatch "^/app/(.*)$"> to …/', regex: true, lines: (a, b) => ['<LocationMatch "^/app/(.*)$">', `    ProxyPass "http://${a}/"`, '</LocationMatch>', serverRoot(b)], requests: { '/app/x': 'a //app/x' } },
  // ProxyPassMatch in a section is a regex whatever its path.
  { name: '<LocationMatch "/api"> ProxyPassMatch', regex: true, lines: (a, b) => ['<LocationMatch "/api">', `    ProxyPassMatch "http://${a}/"`, '</LocationMatch>', serverRoot(b)], requests: { '/api/x': 'a //api/x', '/v1/api/x': 'a //v1/api/x' } },
  // Outside a section, "~" before the path makes a ProxyPass a regex line.
  { name: 'ProxyPass ~ "^/app/(.*)$"', regex: true, lines: (a, b) => [`ProxyPass ~ "^/app/(.*)$" "http://${a}/$1"`, serverRoot(b)], requests: { '/app/x': 'a /x', '/app/y': 'a /y', '/z': 'b /z' } },
];

/** The URL a line makes for `path` (ap_proxy_trans_match), null when it does not take it, undefined when not known. */
function madeUrl(r: ProxyPassRule, path: string): string | null | undefined {
  const takes = passTakes(r, path);
  if (takes !== true) return takes === false ? null : undefined;
  if (!r.regex) return r.url + path.slice(r.path.length);
  const m = pcreRegExp(r.path)!.exec(path)!;
  const url = r.url.replace(/\$(\d)/g, (_, d: string) => m[Number(d)] ?? '');
  return url === r.url ? r.url + path : url;
}

/** The rule that maps `path` in a server and the URL it makes, as proxy_trans tries them: the section's line first. */
function predict(proxy: ProxyModel, server: ApacheNode, path: string): { rule: ProxyPassRule; url: string } | null | undefined {
  let last: ProxyPassRule | undefined;
  for (const r of proxy.rules.filter((x) => x.location && x.vhost === server)) {
    const takes = locationTakes(r.location!, path);
    if (takes === undefined) return undefined;
    if (takes) last = r;
  }
  for (const r of [...(last ? [last] : []), ...proxy.rulesFor(server)]) {
    const url = madeUrl(r, path);
    if (url === undefined) return undefined;
    if (url !== null) return { rule: r, url };
  }
  return null;
}

test('a ProxyPass in <LocationMatch> is a regex line only when the section path has a wildcard, and proxylint maps the requests as httpd does (real apache2)', { timeout: 240_000 }, async () => {
  const a = await startHttpStandin({ behaviour: 'ok', deadlineMs: 120_000 });
  const b = await startHttpStandin({ behaviour: 'ok', deadlineMs: 120_000 });
  const wrong: string[] = [];
  try {
    for (const l of LAYOUTS) {
      const text = ['Listen 80', '<VirtualHost *:80>', '    ServerName localhost', ...l.lines(a.address, b.address).map((x) => `    ${x}`), '</VirtualHost>', ''].join('\n');
      const setup = await prepareApache(text);
      const httpd = await startApache(setup);
      const fromA: number[] = [];
      const seen = new Map<string, Seen>();
      try {
        for (const path of Object.keys(l.requests)) {
          const [a0, b0] = [a.requests.length, b.requests.length];
          const r = await request({ port: setup.port, path, timeoutMs: 5000 });
          const got = (s: Standin, n: number) => s.requests.length > n;
          const s: Seen = got(a, a0) ? `a ${a.requests[a0].path}` : got(b, b0) ? `b ${b.requests[b0].path}` : 'none';
          if (got(a, a0)) fromA.push(a.requests[a0].connection);
          assert.equal(r.status, s === 'none' ? 404 : 200, `${l.name} ${path}: ${r.status}\n${httpd.errorLog()}`);
          seen.set(path, s);
        }
      } finally {
        await httpd.stop();
        setup.cleanup();
      }
      // httpd, as the table says.
      for (const [path, s] of seen) if (s !== l.requests[path]) wrong.push(`${l.name}: httpd sent ${path} to ${s}, the table says ${l.requests[path]}`);

      const result = lintApache(setup.confPath, setup.text, createNodeHost(), { settings: defaultSettings() });
      const { proxy } = result;
      const server = result.config.all.find((n) => n.lname === 'virtualhost')!;
      const line = proxy.rules.find((r) => r.location) ?? proxy.rules[0];
      if (line.regex !== l.regex) wrong.push(`${l.name}: the model reads the line as ${line.regex ? 'a regex' : 'a prefix'}`);
      const worker = proxy.workers.find((w) => w.node === line.node)!;
      if (worker.match !== l.regex) wrong.push(`${l.name}: the model's worker is ${worker.match ? 'a regex worker' : 'a prefix worker'}`);
      // The model's mapping, request by request.
      for (const [path, s] of seen) {
        const p = predict(proxy, server, path);
        const said = p === undefined ? 'not known' : p === null ? 'none' : p.url.replace(`http://${a.address}`, 'a ').replace(`http://${b.address}`, 'b ');
        if (said !== s) wrong.push(`${l.name}: httpd sent ${path} to ${s}, the model says ${said}`);
      }
      // Connections: reused by the section line's worker exactly when the model says so.
      if (fromA.length >= 2) {
        const reused = new Set(fromA).size < fromA.length;
        if (reused !== reusesConnections(worker)) wrong.push(`${l.name}: httpd ${reused ? 'reused' : 'did not reuse'} connections to a, the model says it ${reusesConnections(worker) ? 'does' : 'does not'}`);
      }
      // proxypass-trailing-slash-mismatch, on a prefix line and on a regex line alike: exactly when its backend got a
      // doubled slash.
      {
        const doubled = [...seen.values()].some((s) => s.startsWith('a //'));
        const found = result.findings.filter((f) => f.ruleId === 'proxypass-trailing-slash-mismatch' && f.start >= line.node.directive.start && f.start <= line.node.directive.end);
        if (found.length !== (doubled ? 1 : 0)) wrong.push(`${l.name}: ${doubled ? 'the backend got a doubled slash' : 'no doubled slash'}, and proxypass-trailing-slash-mismatch gave ${found.length} finding(s)`);
      }
    }
  } finally {
    await a.stop();
    await b.stop();
  }
  assert.deepEqual(wrong, []);
});

// requests-use-another-worker on a section's prefix line. The backend answers after 2 s; the section's line says
// timeout=1 and "ProxyPass /x/ http://s/static/" timeout=5. With the prefix "/api/", /api/static/x becomes
// http://s/static/x, which the longer worker name finds: 200 after 2 s, not this line's 502. With the prefix "/api"
// and the URL "http://s/", it becomes http://s//static/x, which that name does not find (and /apistatic/x is not
// this line's at all): 502 after the line's own 1 s.
test('requests-use-another-worker on a <LocationMatch> prefix line reports exactly the requests httpd sent through the other worker (real apache2)', { timeout: 120_000 }, async () => {
  const s = await startHttpStandin({ behaviour: 'ok', delayMs: 2000, deadlineMs: 60_000 });
  const wrong: string[] = [];
  try {
    for (const section of ['/api/', '/api']) {
      const text = ['Listen 80', '<VirtualHost *:80>', '    ServerName localhost', `    ProxyPass "/x/" "http://${s.address}/static/" timeout=5`, `    <LocationMatch "${section}">`, `        ProxyPass "http://${s.address}/" timeout=1`, '    </LocationMatch>', '</VirtualHost>', ''].join('\n');
      const setup = await prepareApache(text);
      const httpd = await startApache(setup);
      let status: number | string;
      try {
        const before = s.requests.length;
        status = (await request({ port: setup.port, path: '/api/static/x', timeoutMs: 10_000 })).status;
        assert.equal(s.requests.length, before + 1, `${section}: the backend got ${s.requests.length - before} requests\n${httpd.errorLog()}`);
      } finally {
        await httpd.stop();
        setup.cleanup();
      }
      const viaOther = status === 200;
      assert.ok(viaOther || status === 502, `${section}: ${status}`);
      if (viaOther !== (section === '/api/')) wrong.push(`${section}: httpd answered ${status}`);
      const result = lintApache(setup.confPath, setup.text, createNodeHost(), { settings: defaultSettings() });
      const line = result.proxy.rules.find((r) => r.location)!;
      const found = result.findings.filter((f) => f.ruleId === 'requests-use-another-worker' && f.start >= line.node.directive.start && f.start <= line.node.directive.end);
      if (found.length !== (viaOther ? 1 : 0)) wrong.push(`${section}: httpd answered ${status}, and requests-use-another-worker gave ${found.length} finding(s)`);
    }
  } finally {
    await s.stop();
  }
  assert.deepEqual(wrong, []);
});
