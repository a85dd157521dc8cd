// locationTakes for a plain <Location> whose path has a wildcard: httpd's location walk compares such a path with
// apr_fnmatch(…, APR_FNM_PATHNAME), so it must match the whole request path and "*", "?" and "[…]" stop at "/".
// Checked on the real apache2: a <Location> that denies every request (403) is asked with paths it may take, and
// proxylint's answer must agree for each (404 from the empty document root means the section did not apply).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { locationTakes } from '../../server/src/core/model/apache-proxy';
import { loadApacheConfig } from '../../server/src/core/model/apache-tree';
import { memHost, requireBinary } from '../helpers';
import { prepareApache, startApache } from './harness/apache';
import { request } from './harness/client';

requireBinary('apache2');

const CASES: [string, string[]][] = [
  ['/app*', ['/app', '/apple', '/app/', '/app/x', '/xapp', '/ap']],
  ['/a?c/*', ['/abc/x', '/a/c/x', '/abc/x/y', '/abc/']],
  ['/[!x]y', ['/ay', '/xy', '/ayz']],
];

test('locationTakes follows apr_fnmatch for a <Location> path with a wildcard (real apache2)', async () => {
  for (const [pattern, paths] of CASES) {
    const text = `<VirtualHost *:80>\n    <Location "${pattern}">\n        Require all denied\n    </Location>\n</VirtualHost>\n`;
    const config = loadApacheConfig('/c/httpd.conf', text, memHost({ '/c/httpd.conf': text }), {});
    const section = config.all.find((n) => n.lname === 'location')!;
    const setup = await prepareApache(text);
    const httpd = await startApache(setup);
    try {
      for (const path of paths) {
        const status = (await request({ port: setup.port, path, timeoutMs: 5000 })).status;
        assert.ok(status === 403 || status === 404, `${pattern} ${path}: ${status}`);
        assert.equal(locationTakes(section, path), status === 403, `<Location "${pattern}"> and ${path}: httpd answered ${status}`);
      }
    } finally {
      await httpd.stop();
      setup.cleanup();
    }
  }
});
