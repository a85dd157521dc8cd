// A repository that keeps a copy of /etc/apache2 (ServerRoot "/etc/apache2", Include ports.conf, IncludeOptional
// conf-enabled/*.conf, Include /etc/apache2/…) is checked with its own files, whatever this machine has installed.
// On a CI runner with apache2 installed, the relative includes were resolved under the machine's /etc/apache2: the
// repository's conf-enabled/ was never read ("No problems found in 7 files", the machine's files).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { requireBinary } from '../helpers';
import { runJson, tree } from './util';

test('an Apache checkout whose ServerRoot is /etc/apache2 is read from the checkout, not from this machine', () => {
  // The point is a machine that has its own /etc/apache2: CI installs apache2.
  requireBinary('apache2');
  assert.ok(existsSync('/etc/apache2/conf-enabled'), 'this machine has /etc/apache2/conf-enabled');
  const t = tree({
    'etc/apache2/apache2.conf': 'ServerRoot "/etc/apache2"\nInclude ports.conf\nIncludeOptional conf-enabled/*.conf\nInclude /etc/apache2/extra/proxy-extra.conf\n',
    'etc/apache2/ports.conf': 'Listen 127.0.0.1:18935\n',
    'etc/apache2/conf-enabled/proxy.conf': 'ProxyPass "/x" "http://127.0.0.1:18936/"\nProxyPass "/x" "http://127.0.0.1:18937/"\n',
    'etc/apache2/extra/proxy-extra.conf': 'ProxyPass "/y" "http://127.0.0.1:18938/"\nProxyPass "/y" "http://127.0.0.1:18939/"\n',
  });
  try {
    const { report: json } = runJson([join(t.dir, 'etc/apache2/apache2.conf')]);
    const files = json.files.filter((f) => f.findings.length).map((f) => f.path).sort();
    assert.deepEqual(files, [join(t.dir, 'etc/apache2/conf-enabled/proxy.conf'), join(t.dir, 'etc/apache2/extra/proxy-extra.conf')]);
    assert.equal(json.summary.files, 4, 'apache2.conf, ports.conf and the two proxy files of the checkout, nothing of /etc/apache2');
  } finally {
    t.cleanup();
  }
});
