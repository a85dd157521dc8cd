// explain on what httpd prints when it refuses a configuration, and on the [core:alert] lines of a broken .htaccess.
// fixtures/explain/httpd-2.4.71-startup.txt is what the real apache2 2.4.71 (Debian) printed for the cases of
// test/servers/httpd-startup-cases.ts (scripts/collect-httpd-startup-lines.ts wrote it): "AH00526: Syntax error on
// line N of FILE:" with the reason on the next line, "apache2: Syntax error …" on one line for a refused LoadModule,
// `apache2ctl configtest`'s own lines, and the .htaccess lines of a running server (each request got 500). Before,
// every one of them was "No line explained".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { explainLog } from '../../server/src/core/explain/explain';
import { explainLogLine, LOG_PATTERNS } from '../../server/src/core/explain/log-patterns';
import { ruleMeta } from '../../server/src/core/rules/index';
import { STARTUP_CASES } from '../servers/httpd-startup-cases';

const FIXTURE = readFileSync(join(__dirname, 'fixtures', 'explain', 'httpd-2.4.71-startup.txt'), 'utf8');

interface Block {
  rule: string;
  pattern: string;
  file: string;
  line?: number;
  lines: string[];
}

const BLOCKS: Block[] = FIXTURE.split('\n\n')
  .map((b) => b.trim().split('\n'))
  .filter((b) => b[0].startsWith('# ') && !b[0].startsWith('# apache2 '))
  .map(([head, ...lines]) => {
    const [, rule, pattern, place] = head.split(' ');
    const m = /^(.*):(\d+)$/.exec(place);
    return { rule, pattern, file: m ? m[1] : place, line: m ? Number(m[2]) : undefined, lines };
  });

test('the fixture holds every case: each refused configuration, apachectl configtest, three .htaccess files', () => {
  assert.equal(BLOCKS.length, STARTUP_CASES.length + 4);
  assert.deepEqual(BLOCKS.slice(0, STARTUP_CASES.length).map((b) => b.rule), STARTUP_CASES.map((c) => c.rule));
});

for (const b of BLOCKS) {
  test(`explain: ${b.pattern} for ${b.rule}: ${b.lines.at(-1)!.slice(0, 70)}`, () => {
    const log = explainLog(b.lines, []);
    assert.equal(log.entries.length, 1, JSON.stringify(log.entries.map((e) => e.explanation.pattern.id)));
    const [x] = log.entries;
    const e = x.explanation;
    assert.equal(e.pattern.id, b.pattern);
    assert.equal(e.pattern.server, 'apache');
    assert.equal(e.pattern.inConfig, true);
    // The two lines are one: the first is explained, the second counts as blank; apachectl's own two are unknown.
    assert.equal(x.count, 1);
    assert.equal(log.unknown, b.rule === 'apachectl' ? 2 : 0);
    assert.equal(e.fields.configFile, b.file);
    assert.equal(e.fields.configLine, b.line);
    if (b.rule.startsWith('status-')) {
      assert.deepEqual(e.pattern.statuses, [b.rule.slice('status-'.length)]);
    } else {
      assert.deepEqual(e.pattern.statuses, ['startup-failure']);
      assert.match(x.example, /Syntax error on line \d+ of \S+: \S/);
      if (b.rule !== 'apachectl') assert.ok(e.pattern.rules.includes(b.rule), `${b.pattern} names ${e.pattern.rules.join(', ')}`);
    }
  });
}

test('explain: the reason line alone is still known, with no place', () => {
  const e = explainLogLine("Invalid command 'ProxyTimout', perhaps misspelled or defined by a module not included in the server configuration")!;
  assert.equal(e.pattern.id, 'apache-startup-invalid-command');
  assert.equal(e.fields.configFile, undefined);
});

test('explain: the head alone says where httpd stopped, and that the next line says why', () => {
  const e = explainLogLine('AH00526: Syntax error on line 14 of /etc/apache2/sites-enabled/app.conf:')!;
  assert.equal(e.pattern.id, 'apache-startup-syntax-error');
  assert.equal(e.fields.configFile, '/etc/apache2/sites-enabled/app.conf');
  assert.equal(e.fields.configLine, 14);
  // A head followed by another record (a second paste, a log line) is not joined with it.
  const log = explainLog(['AH00526: Syntax error on line 14 of /etc/apache2/sites-enabled/app.conf:', '[Tue Nov 24 08:47:51.649378 2026] [mpm_event:notice] [pid 1:tid 1] AH00489: Apache/2.4.71 configured'], []);
  assert.equal(log.entries[0].explanation.pattern.id, 'apache-startup-syntax-error');
  assert.equal(log.unknown, 1);
});

test("explain: journald's lines of a failed `systemctl reload apache2` are read inside their prefix, the reason too", () => {
  // The prefix journalctl prints for apachectl's stderr (systemd 252's short format; the lines inside are the fixture's).
  const b = BLOCKS.find((x) => x.rule === 'apachectl')!;
  const wrapped = b.lines.map((l) => `Nov 24 08:16:17 web1 apachectl[4242]: ${l}`);
  const log = explainLog(wrapped, []);
  assert.equal(log.entries.length, 1);
  assert.equal(log.entries[0].explanation.pattern.id, 'apache-startup-invalid-command');
  assert.equal(log.entries[0].explanation.fields.configLine, b.line);
  assert.match(log.entries[0].example, /^AH00526: Syntax error on line \d+ of \S+: Invalid command 'ProxyTimout'/);
});

test('explain: each httpd start-up pattern names rules that exist and are start-up failures of Apache', () => {
  for (const p of LOG_PATTERNS.filter((x) => x.server === 'apache' && x.statuses.includes('startup-failure'))) {
    for (const id of p.rules) {
      const meta = ruleMeta(id);
      assert.ok(meta, `${p.id}: no rule ${id}`);
      assert.equal(meta!.outcome, 'startup-failure', `${p.id}: ${id}`);
    }
  }
});

test('explain: an nginx [emerg] line is not taken for an httpd start-up line', () => {
  const e = explainLogLine('nginx: [emerg] invalid value "yes" in "proxy_buffering" directive, it must be "on" or "off" in /etc/nginx/nginx.conf:12');
  assert.notEqual(e?.pattern.server, 'apache');
});
