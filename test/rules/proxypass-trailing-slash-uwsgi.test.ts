// proxypass-trailing-slash-mismatch and uwsgi:// targets: httpd 2.4.52 made mod_proxy_uwsgi strip the slashes
// doubled at the start of PATH_INFO (PR 65616, "Changes with Apache 2.4.52"), so "ProxyPass /identity
// uwsgi://host/" stopped sending "//x". The finding depends on the target version in apache.version.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintApache } from '../../server/src/core/lint-apache';
import { parseVersion } from '../../server/src/core/model/version';
import { defaultSettings } from '../../server/src/core/settings';
import { memHost } from '../helpers';

const RULE = 'proxypass-trailing-slash-mismatch';
const CONF = 'ProxyPass /identity uwsgi://127.0.0.1:5001/\nProxyPass /api http://127.0.0.1:8081/\n';

function findings(version: string) {
  const settings = defaultSettings();
  settings.apache.version = parseVersion(version);
  const path = '/srv/app.conf';
  return lintApache(path, CONF, memHost({ [path]: CONF }), { settings }).findings
    .filter((f) => f.ruleId === RULE)
    .map((f) => ({ line: CONF.slice(0, f.start).split('\n').length, severity: f.severity, message: f.message }));
}

test(`${RULE}: a uwsgi:// target whose path is "/" is not reported for httpd 2.4.52 and later`, () => {
  assert.deepEqual(findings('2.4.52').map((f) => [f.line, f.severity]), [[2, 'warning']]);
  assert.deepEqual(findings('2.4.71').map((f) => [f.line, f.severity]), [[2, 'warning']]);
});

test(`${RULE}: it is still a warning for 2.4.51 and older, and information when the version is unknown`, () => {
  const old = findings('2.4.51');
  assert.deepEqual(old.map((f) => [f.line, f.severity]), [[1, 'warning'], [2, 'warning']]);
  assert.match(old[0].message, /httpd before 2\.4\.52 only/);
  const unknown = findings('unknown');
  assert.deepEqual(unknown.map((f) => [f.line, f.severity]), [[1, 'info'], [2, 'warning']]);
  assert.match(unknown[0].message, /set "apache\.version"/);
});
