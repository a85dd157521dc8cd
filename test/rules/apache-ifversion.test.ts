// httpd skips the inside of an <IfVersion> section whose condition is false: it follows no Include there and reads no
// directive. Compatibility blocks for httpd 2.2 (`<IfVersion < 2.4> Include …/*.conf </IfVersion>` beside an
// `<IfVersion >= 2.4> IncludeOptional …` one, as in webdevops' Docker images) were reported as start failures.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { lintApache } from '../../server/src/core/lint-apache';
import { ifVersionHolds } from '../../server/src/core/model/apache-ifversion';
import { parseVersion } from '../../server/src/core/model/version';
import { defaultSettings } from '../../server/src/core/settings';
import { createNodeHost } from '../../server/src/node/node-host';
import { apacheTest, requireBinary, tempTree } from '../helpers';

const HEAD = ['mpm_event', 'authz_core', 'proxy', 'proxy_http'].map((m) => `LoadModule ${m}_module /usr/lib/apache2/modules/mod_${m}.so`).join('\n') + '\nServerName localhost\nListen 127.0.0.1:18997\n';

function lintAndTest(body: string, version?: string): { ids: string[]; ok: boolean; output: string } {
  const text = HEAD + body + '\n';
  const tree = tempTree({ 'httpd.conf': text });
  try {
    const settings = defaultSettings();
    if (version) settings.apache.version = parseVersion(version);
    const path = join(tree.dir, 'httpd.conf');
    const r = lintApache(path, text, createNodeHost(), { settings });
    const t = apacheTest(path);
    return { ids: r.findings.map((f) => f.ruleId), ...t };
  } finally {
    tree.cleanup();
  }
}

test('ifVersionHolds reads the operators as mod_version does; with the version unknown, any 2.4 release', () => {
  const unknown: [string[], boolean | undefined][] = [
    [['<', '2.4'], false],
    [['<', '2.3.4'], false],
    [['<=', '2.4'], undefined],
    [['>=', '2.4'], true],
    [['>=', '2.3.6'], true],
    [['>', '2.1.6'], true],
    [['>=', '2.5.1'], false],
    [['<', '2.5.0'], true],
    [['>=', '2.4.26'], undefined],
    [['!<', '2.4'], true],
    [['!>=', '2.5'], true],
    [['2.2'], false],
    [['=', '2.4.2'], undefined],
    [['~', '^2\\.4'], undefined],
    [['>=2.4'], undefined],
    [['!', '2.4'], undefined],
    [['<', '2.4x'], undefined],
  ];
  for (const [args, want] of unknown) assert.equal(ifVersionHolds(args, null), want, `<IfVersion ${args.join(' ')}> with the version unknown`);
  const v = parseVersion('2.4.62');
  const known: [string[], boolean | undefined][] = [
    [['>=', '2.4.26'], true],
    [['<', '2.4.63'], true],
    [['<=', '2.4.62'], true],
    [['>', '2.4.62'], false],
    [['2.4.62'], true],
    [['!=', '2.4.62'], false],
    [['==', '2.4'], false],
    [['=', '/^2\\.4\\.6[0-9]$/'], true],
    [['!~', '^2\\.4\\.[0-4]$'], true],
    [['~', '^2\\.2'], false],
    [['=', '/unclosed'], undefined],
  ];
  for (const [args, want] of known) assert.equal(ifVersionHolds(args, v), want, `<IfVersion ${args.join(' ')}> on 2.4.62`);
});

test('Include and IncludeOptional in an <IfVersion> section httpd skips are not followed (apache2 -t accepts them)', () => {
  requireBinary('apache2');
  const skipped = lintAndTest('<IfVersion < 2.4>\n  Include /opt/proxylint-none/vhost.common.d/*.conf\n  Include /opt/proxylint-none/missing.conf\n</IfVersion>\n<IfVersion >= 2.4>\n  IncludeOptional /opt/proxylint-none/vhost.common.d/*.conf\n</IfVersion>');
  assert.ok(skipped.ok, skipped.output);
  assert.deepEqual(skipped.ids, [], 'httpd reads neither Include');
  // Where the section is read, the same lines still stop httpd, and proxylint still says so.
  const read = lintAndTest('<IfVersion >= 2.4>\n  Include /opt/proxylint-none/missing.conf\n</IfVersion>');
  assert.ok(!read.ok && /Could not open configuration file \/opt\/proxylint-none\/missing\.conf/.test(read.output), read.output);
  assert.ok(read.ids.includes('include-not-found'), read.ids.join(', '));
});

test('directives in a skipped <IfVersion> section are not analysed; apache.version settles sections a 2.4 release alone does not', () => {
  requireBinary('apache2');
  // ProxyTimeout is refused in <Location> wherever httpd reads it (directive-not-allowed-in-section).
  const body = (cond: string) => `<IfVersion ${cond}>\n  <Location /app>\n    ProxyTimeout 5\n  </Location>\n</IfVersion>\nProxyPass /app http://127.0.0.1:18998/`;
  const old = lintAndTest(body('< 2.4'));
  assert.ok(old.ok, old.output);
  assert.ok(!old.ids.includes('directive-not-allowed-in-section'), old.ids.join(', '));
  const current = lintAndTest(body('>= 2.4'));
  assert.ok(!current.ok, 'apache2 -t refuses ProxyTimeout in <Location>');
  assert.ok(current.ids.includes('directive-not-allowed-in-section'), current.ids.join(', '));
  // 2.4.71 is newer than 2.4.26: with the version unknown the section may be read, with an older target it is not.
  const newer = body('< 2.4.26');
  assert.ok(lintAndTest(newer).ids.includes('directive-not-allowed-in-section'));
  assert.ok(!lintAndTest(newer, '2.4.71').ids.includes('directive-not-allowed-in-section'));
  assert.ok(lintAndTest(newer, '2.4.25').ids.includes('directive-not-allowed-in-section'));
});

test('a Define in a skipped <IfVersion> section does not count', () => {
  const text = `${HEAD}<IfVersion < 2.4>\n  Define APP_ROOT /srv/old\n</IfVersion>\n<IfVersion >= 2.4>\n  Define APP_ROOT /srv/app\n</IfVersion>\n`;
  const r = lintApache('/tmp/proxylint-ifversion/httpd.conf', text, createNodeHost(), { settings: defaultSettings() });
  assert.equal(r.config.defines.get('APP_ROOT'), '/srv/app');
  assert.deepEqual(r.config.unread.map((n) => n.args.join(' ')), ['< 2.4']);
  // The skipped lines stay in the tree (hover, navigation) but not in what the rules see.
  assert.ok(r.config.all.some((n) => n.lname === 'define' && n.args[1] === '/srv/old'));
});
