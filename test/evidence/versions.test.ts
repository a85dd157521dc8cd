// The evidence runs on the apache2 installed here, whichever release it is: the table's label, the version the
// scenarios are linted for and the doc check name what `apache2 -v` says, not a release written into the runner.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { requireBinary } from '../helpers';
import { formatTable, installedApacheVersion, SERVER_VERSIONS, withTarget } from './runner';

requireBinary('apache2');

test('the Apache label and lint target are the installed apache2 -v version', () => {
  const said = spawnSync('apache2', ['-v'], { encoding: 'utf8' }).stdout;
  const version = /Server version: Apache\/(\d+\.\d+\.\d+)/.exec(said)?.[1];
  assert.ok(version, said);
  assert.equal(installedApacheVersion(), version);
  assert.equal(SERVER_VERSIONS.apache, `Apache ${version} (Debian 12)`);
  assert.match(withTarget('Listen 80\n', 'apache'), new RegExp(`^# proxylint-test: apache\\.version=${version.replace(/\./g, '\\.')}\\n`));
  // A version the example sets itself is kept.
  assert.equal(withTarget('# proxylint-test: apache.version=2.4.46\nListen 80\n', 'apache'), '# proxylint-test: apache.version=2.4.46\nListen 80\n');
  const table = formatTable([{ rule: 'x', server: 'apache', claimed: '502', observed: '502', afterFix: '200', log: '–', ok: true, problems: [], ms: 0 }]);
  assert.match(table, new RegExp(`\\| x \\| Apache ${version.replace(/\./g, '\\.')} \\|`));
});
