// The ProxyPass hover's "When this backend fails" line names, per proxy module, the status a refused and a silent
// backend give and the log codes httpd writes then. Checked here against the real apache2 (2.4.71): the hover of each
// line is read first, then the same configuration is started and the failures are caused with stand-in backends.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { apacheHover } from '../../server/src/core/features/apache';
import { lintApache } from '../../server/src/core/lint-apache';
import { defaultSettings } from '../../server/src/core/settings';
import { memHost, readable, requireBinary } from '../helpers';
import { prepareApache, startApache } from './harness/apache';
import { request } from './harness/client';
import { startFastcgiStandin } from './standins/fastcgi';
import { refusedPort, startHttpStandin } from './standins/http';

requireBinary('apache2');

/** The hover's claim for one failure: the status after "→" and the AH codes in the brackets after it. */
function claim(hover: string, failure: RegExp): { status: string; codes: string[] } {
  const line = hover.split('\n').find((l) => l.startsWith('**When this backend fails**'));
  assert.ok(line, hover);
  const clause = line.split('; ').find((c) => failure.test(c));
  assert.ok(clause, `${failure} in ${line}`);
  const m = /→ \*\*(\d{3})\*\* \(([^)]*)\)/.exec(clause);
  assert.ok(m, clause);
  return { status: m[1], codes: [...m[2].matchAll(/AH\d{5}/g)].map((c) => c[0]) };
}

function hoverOf(text: string, needle: string): string {
  const path = '/c/httpd.conf';
  const r = lintApache(path, text, memHost({ [path]: text }), { settings: defaultSettings() });
  return readable(apacheHover(r, path, text.indexOf(needle) + 1)?.markdown ?? '');
}

for (const scheme of ['http', 'fcgi'] as const) {
  test(`${scheme}:// ProxyPass hover: the statuses and log codes it names for a refused, a silent and an unresolvable backend are httpd's (real apache2)`, async () => {
    const refused = await refusedPort();
    const silent = scheme === 'fcgi' ? await startFastcgiStandin({ delayMs: 6000, deadlineMs: 20_000 }) : await startHttpStandin({ behaviour: 'silent', deadlineMs: 20_000 });
    // .invalid never resolves (RFC 6761), and fails at once here: no name server is asked.
    const text = [
      `ProxyPass "/refused/" "${scheme}://${refused.address}/"`,
      `ProxyPass "/silent/" "${scheme}://${silent.address}/" timeout=1`,
      `ProxyPass "/nohost/" "${scheme}://no-such-host.invalid:9/"`,
      '',
    ].join('\n');
    const wantRefused = claim(hoverOf(text, 'ProxyPass "/refused/"'), /^(\*\*When this backend fails\*\* \([^)]*\): )?refused/);
    const wantSilent = claim(hoverOf(text, 'ProxyPass "/silent/"'), /^silent past the backend timeout/);
    const wantNoHost = claim(hoverOf(text, 'ProxyPass "/nohost/"'), /does not resolve/);
    const setup = await prepareApache(text);
    const httpd = await startApache(setup);
    try {
      for (const [path, want] of [['/refused/x', wantRefused], ['/silent/x', wantSilent], ['/nohost/x', wantNoHost]] as const) {
        const before = httpd.errorLog().length;
        const got = await request({ port: setup.port, path, timeoutMs: 8000 });
        assert.equal(String(got.status), want.status, `${scheme} ${path}`);
        // httpd writes the lines as it answers; they may reach the file a moment later.
        let log = '';
        for (let i = 0; i < 50 && !want.codes.every((c) => log.includes(c)); i++) {
          log = httpd.errorLog().slice(before);
          if (!want.codes.every((c) => log.includes(c))) await new Promise((res) => setTimeout(res, 100));
        }
        for (const code of want.codes) assert.ok(log.includes(code), `${scheme} ${path}: ${code} not in\n${log}`);
      }
    } finally {
      await httpd.stop();
      await silent.stop();
      await refused.stop();
      setup.cleanup();
    }
  });
}

test('claim() reads the hover as written (no server)', () => {
  const md = hoverOf('ProxyPass "/a/" "http://127.0.0.1:9/"\n', 'ProxyPass');
  assert.equal(claim(md, /^silent past/).status, '502');
  assert.equal(claim(md, /refused/).status, '503');
});
