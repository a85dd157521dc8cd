// proxytimeout-inherits-timeout names the servers whose backends wait for Timeout: "no ProxyTimeout is set in this
// file" was untrue when another virtual host of the file set one (the finding is about the hosts that do not).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintApache } from '../../server/src/core/lint-apache';
import { defaultSettings } from '../../server/src/core/settings';
import { memHost } from '../helpers';

const run = (text: string) => lintApache('/c/a.conf', text, memHost({ '/c/a.conf': text }), { settings: defaultSettings() }).findings.filter((f) => f.ruleId === 'proxytimeout-inherits-timeout').map((f) => f.message);

test('proxytimeout-inherits-timeout: names the virtual host without ProxyTimeout, not the one with it', () => {
  const [m, more] = run('Timeout 600\n<VirtualHost *:80>\n    ProxyTimeout 30\n    ProxyPass "/api/" "http://10.0.0.5:8080/api/" connectiontimeout=2\n</VirtualHost>\n<VirtualHost *:81>\n    ProxyPass "/b/" "http://10.0.0.5:8080/b/" connectiontimeout=2\n</VirtualHost>\n');
  assert.equal(more, undefined);
  assert.match(m, /^Timeout 600 is also how long httpd waits for backends in <VirtualHost \*:81> \(line 6\), because no ProxyTimeout is set in that virtual host or in the main server \(unless/);
  assert.doesNotMatch(m, /in this file|\*:80/);
});

test('proxytimeout-inherits-timeout: one finding per Timeout line lists the main server and every virtual host it reaches', () => {
  const hosts = [81, 82, 83, 84].map((p) => `<VirtualHost *:${p}>\n    ProxyPass "/b/" "http://10.0.0.5:8080/b/"\n</VirtualHost>\n`).join('');
  const [m] = run(`Timeout 600\nProxyPass "/m/" "http://10.0.0.6:8080/"\n${hosts}`);
  assert.match(m, /in the main server, <VirtualHost \*:81> \(line 3\), <VirtualHost \*:82> \(line 6\), <VirtualHost \*:83> \(line 9\), 1 more virtual host, because no ProxyTimeout is set in those virtual hosts or in the main server/);
});
