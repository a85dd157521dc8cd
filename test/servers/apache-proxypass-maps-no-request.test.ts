// proxypass-maps-no-request: a ProxyPass in <LocationMatch>/<Location ~> whose section path is written as a regex but
// has no wildcard is a plain prefix that no request the section means starts with. This runs the real apache2 with two
// HTTP stand-ins (a: the section's line, b: the server's ProxyPass "/"), checks per request which backend got it (or
// that httpd answered 404 itself), checks that the rule reports the section's line exactly when httpd never let that
// line decide a request, and then applies each suggestion the rule offers, checks that apache2 -t accepts the result
// and that the requests now go where the suggestion's title says.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyEdits } from '../../server/src/core/fix';
import { lintApache } from '../../server/src/core/lint-apache';
import { defaultSettings } from '../../server/src/core/settings';
import { createNodeHost } from '../../server/src/node/node-host';
import { requireBinary } from '../helpers';
import { apacheConfigTest, prepareApache, startApache } from './harness/apache';
import { request } from './harness/client';
import { startHttpStandin, type Standin } from './standins/http';

requireBinary('apache2');

/** What httpd did with a request: the backend ("a", "b") and the path it got, or "none" (httpd answered 404 itself). */
type Seen = `${'a' | 'b'} ${string}` | 'none';

interface Layout {
  name: string;
  section: (a: string) => string[];
  /** What httpd does with each request as written. */
  requests: Record<string, Seen>;
  /** Whether the rule reports the section's line. */
  reported: boolean;
  /** Per suggestion, in the order the rule offers them: what the requests get after it is applied. */
  fixed?: Record<string, Seen>[];
}

const LAYOUTS: Layout[] = [
  { name: '<LocationMatch "^/api/">', reported: true, section: (a) => ['<LocationMatch "^/api/">', `    ProxyPass "http://${a}/"`, '</LocationMatch>'],
    requests: { '/api/x': 'b /api/x', '/y': 'b /y' },
    // <Location "/api/">: /api/x to a as /x; ProxyPassMatch "http://a": the whole path appended.
    fixed: [{ '/api/x': 'a /x', '/y': 'b /y' }, { '/api/x': 'a /api/x', '/y': 'b /y' }] },
  { name: '<Location ~ "^/v1\\.0/">', reported: true, section: (a) => ['<Location ~ "^/v1\\.0/">', `    ProxyPass "http://${a}/"`, '</Location>'],
    requests: { '/v1.0/x': 'b /v1.0/x' },
    fixed: [{ '/v1.0/x': 'a /x', '/v1x0/x': 'b /v1x0/x' }, { '/v1.0/x': 'a /v1.0/x' }] },
  { name: '<LocationMatch "\\.php$">', reported: true, section: (a) => ['<LocationMatch "\\.php$">', `    ProxyPass "http://${a}/app/"`, '</LocationMatch>'],
    requests: { '/x.php': 'b /x.php', '/d/y.php': 'b /d/y.php' },
    fixed: [{ '/x.php': 'a /app/x.php', '/d/y.php': 'a /app/d/y.php', '/z': 'b /z' }] },
  { name: '<LocationMatch "^/(api|v2)/">', reported: true, section: (a) => ['<LocationMatch "^/(api|v2)/">', `    ProxyPass "http://${a}/"`, '</LocationMatch>'],
    requests: { '/api/x': 'b /api/x', '/v2/x': 'b /v2/x' },
    fixed: [{ '/api/x': 'a /api/x', '/v2/x': 'a /v2/x' }] },
  { name: '<LocationMatch "/api/v1$">', reported: true, section: (a) => ['<LocationMatch "/api/v1$">', `    ProxyPass "http://${a}/"`, '</LocationMatch>'],
    requests: { '/api/v1': 'b /api/v1', '/api/v1$': 'b /api/v1$' },
    fixed: [{ '/api/v1': 'a /api/v1', '/x/api/v1': 'a /x/api/v1' }] },
  // "!" in such a section excludes nothing; ProxyPassMatch "!" does.
  { name: '<LocationMatch "^/(static|assets)/"> "!"', reported: true, section: () => ['<LocationMatch "^/(static|assets)/">', '    ProxyPass "!"', '</LocationMatch>'],
    requests: { '/static/x': 'b /static/x' },
    fixed: [{ '/static/x': 'none', '/assets/y': 'none', '/y': 'b /y' }] },
  // Not reported: a plain path is a working prefix; a wildcard makes a regex; ProxyPassMatch is a regex.
  { name: '<LocationMatch "/api/">', reported: false, section: (a) => ['<LocationMatch "/api/">', `    ProxyPass "http://${a}/"`, '</LocationMatch>'], requests: { '/api/x': 'a /x' } },
  { name: '<LocationMatch "^/app/(.*)$">', reported: false, section: (a) => ['<LocationMatch "^/app/(.*)$">', `    ProxyPass "http://${a}/$1"`, '</LocationMatch>'], requests: { '/app/x': 'a /x' } },
  { name: '<LocationMatch "^/api/"> ProxyPassMatch', reported: false, section: (a) => ['<LocationMatch "^/api/">', `    ProxyPassMatch "http://${a}"`, '</LocationMatch>'], requests: { '/api/x': 'a /api/x' } },
];

const config = (section: string[], b: string) => ['Listen 80', '<VirtualHost *:80>', '    ServerName localhost', ...section.map((x) => `    ${x}`), `    ProxyPass "/" "http://${b}/"`, '</VirtualHost>', ''].join('\n');

/** Runs httpd on `text` and sends each request; the config must pass apache2 -t. */
async function run(text: string, paths: string[], a: Standin, b: Standin): Promise<Map<string, Seen>> {
  const setup = await prepareApache(text);
  const seen = new Map<string, Seen>();
  try {
    const t = apacheConfigTest(setup);
    assert.ok(t.ok, `apache2 -t rejected:\n${text}\n${t.output}`);
    const httpd = await startApache(setup);
    try {
      for (const path of paths) {
        const [a0, b0] = [a.requests.length, b.requests.length];
        const r = await request({ port: setup.port, path, timeoutMs: 5000 });
        const s: Seen = a.requests.length > a0 ? `a ${a.requests[a0].path}` : b.requests.length > b0 ? `b ${b.requests[b0].path}` : 'none';
        assert.equal(r.status, s === 'none' ? 404 : 200, `${path}: ${r.status}\n${httpd.errorLog()}`);
        seen.set(path, s);
      }
    } finally {
      await httpd.stop();
    }
  } finally {
    setup.cleanup();
  }
  return seen;
}

/** proxylint on the text as written (not the harness's copy, whose ports differ), so its edits apply to `text`. */
const lint = (text: string) => lintApache('/etc/apache2/apache2.conf', text, createNodeHost(), { settings: defaultSettings() });

test('proxypass-maps-no-request reports the section lines httpd never lets map a request, and its suggestions proxy as their titles say (real apache2)', { timeout: 300_000 }, async () => {
  const a = await startHttpStandin({ behaviour: 'ok', deadlineMs: 240_000 });
  const b = await startHttpStandin({ behaviour: 'ok', deadlineMs: 240_000 });
  const wrong: string[] = [];
  const show = (s: string) => s.replace(`http://${a.address}`, 'http://a').replace(`http://${b.address}`, 'http://b');
  try {
    for (const l of LAYOUTS) {
      const text = config(l.section(a.address), b.address);
      const seen = await run(text, Object.keys(l.requests), a, b);
      for (const [path, s] of seen) if (s !== l.requests[path]) wrong.push(`${l.name}: httpd sent ${path} to ${s}, the table says ${l.requests[path]}`);
      // The section's line decided a request when a got it, or (for "!") when httpd answered 404 instead of proxying.
      const lineDecided = [...seen.values()].some((s) => s.startsWith('a ') || s === 'none');
      const result = lint(text);
      const line = result.proxy.rules.find((r) => r.location)!;
      const found = result.findings.filter((f) => f.ruleId === 'proxypass-maps-no-request');
      if (found.length !== (l.reported ? 1 : 0)) wrong.push(`${l.name}: ${found.length} finding(s), the table says ${l.reported ? 1 : 0}`);
      if (found.length > 0 && lineDecided) wrong.push(`${l.name}: reported, but httpd let the line decide a request`);
      if (found.length > 0 && found[0].start !== line.node.directive.start) wrong.push(`${l.name}: the finding is not on the section's ProxyPass`);
      if (!l.reported) continue;
      const suggestions = found[0]?.suggestions ?? [];
      if (suggestions.length !== (l.fixed?.length ?? 0)) wrong.push(`${l.name}: ${suggestions.length} suggestion(s): ${suggestions.map((s) => show(s.title)).join(' | ')}`);
      for (const [i, want] of (l.fixed ?? []).entries()) {
        const s = suggestions[i];
        if (!s) break;
        const edited = applyEdits(text, s.edits).text;
        const after = await run(edited, Object.keys(want), a, b);
        for (const [path, got] of after) if (got !== want[path]) wrong.push(`${l.name}, after "${show(s.title)}": httpd sent ${path} to ${got}, the table says ${want[path]}`);
        const again = lint(edited).findings.filter((f) => f.ruleId === 'proxypass-maps-no-request');
        if (again.length) wrong.push(`${l.name}, after "${show(s.title)}": still reported`);
      }
    }
  } finally {
    await a.stop();
    await b.stop();
  }
  assert.deepEqual(wrong, []);
});
