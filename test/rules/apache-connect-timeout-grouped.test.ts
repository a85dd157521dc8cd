// no-connectiontimeout used to report every ProxyPass line: a virtual host with ten backends and no connectiontimeout=
// gave ten findings saying the same. Lines of one server and file that wait the same for the same reason are now one
// finding at the first, the others as related locations, with a suggestion that edits them all and one per line; a
// line with its own disable comment stays apart, so the comment silences that line only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyEdits } from '../../server/src/core/fix';
import { lintApache } from '../../server/src/core/lint-apache';
import { defaultSettings } from '../../server/src/core/settings';
import { memHost } from '../helpers';

const lint = (text: string) => lintApache('/c/site.conf', text, memHost({ '/c/site.conf': text }), { settings: defaultSettings() }).findings;
const line = (text: string, at: number) => text.slice(0, at).split('\n').length;

const conf = `<VirtualHost *:80>
    ProxyTimeout 30
    ProxyPass "/a/" "http://10.0.1.1:8080/"
    ProxyPass "/b/" "http://10.0.1.2:8080/"
    ProxyPass "/c/" "http://10.0.1.3:8080/"
    ProxyPass "/d/" "http://10.0.1.4:8080/"
    ProxyPass "/e/" "http://10.0.1.5:8080/" timeout=20
</VirtualHost>
<VirtualHost *:81>
    ProxyTimeout 30
    ProxyPass "/f/" "http://10.0.1.6:8080/"
</VirtualHost>
`;

test('no-connectiontimeout: the lines of a server that wait the same are one finding, with related locations and per-line suggestions', () => {
  const found = lint(conf).filter((f) => f.ruleId === 'no-connectiontimeout');
  // /a/ to /d/ wait ProxyTimeout 30; /e/ its timeout=20 (another wait); /f/ is in another virtual host.
  assert.deepEqual(found.map((f) => line(conf, f.start)), [3, 7, 11]);
  const [group] = found;
  assert.match(group.message, /^no connectiontimeout= for http:\/\/10\.0\.1\.1:8080\/, nor for 3 other backends of this virtual host that wait the same \(lines 4, 5, 6\): if the backend host is down/);
  assert.deepEqual(group.related.map((r) => line(conf, r.start)), [4, 5, 6]);
  assert.deepEqual(group.suggestions.map((s) => s.title), [
    'Add "connectiontimeout=5" to all 4 lines (a handshake slower than 5 s then fails)',
    'Add "connectiontimeout=5" to line 3 only',
    'Add "connectiontimeout=5" to line 4 only',
    'Add "connectiontimeout=5" to line 5 only',
    'Add "connectiontimeout=5" to line 6 only',
  ]);
  const fixed = applyEdits(conf, group.suggestions[0].edits).text;
  assert.deepEqual(lint(fixed).filter((f) => f.ruleId === 'no-connectiontimeout').map((f) => line(fixed, f.start)), [7, 11]);
  const one = applyEdits(conf, group.suggestions[2].edits).text;
  const left = lint(one).filter((f) => f.ruleId === 'no-connectiontimeout');
  assert.deepEqual(left[0].related.map((r) => line(one, r.start)), [5, 6], 'line 4 fixed alone, the others still grouped');
});

test('no-connectiontimeout: a disable comment on one line of a group silences that line only', () => {
  const text = conf.replace('    ProxyPass "/b/"', '    # proxylint-disable-next-line no-connectiontimeout -- same rack, never drops packets\n    ProxyPass "/b/"');
  const all = lint(text);
  const found = all.filter((f) => f.ruleId === 'no-connectiontimeout');
  assert.deepEqual(found.map((f) => line(text, f.start)), [3, 8, 12]);
  assert.deepEqual(found[0].related.map((r) => line(text, r.start)), [6, 7]);
  assert.deepEqual(all.filter((f) => f.ruleId === 'unused-suppression').map((f) => f.message), []);
});
