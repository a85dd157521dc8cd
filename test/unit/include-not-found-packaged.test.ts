// include-not-found: a relative include of a file the nginx packages install beside nginx.conf (fastcgi_params,
// mime.types, Debian's proxy_params, snippets/fastcgi-php.conf, …) that the checkout lacks is a warning that says so;
// any other missing file stays an error. Repositories laid over a package's /etc/nginx include the package's files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { runCli, tempTree } from '../helpers';

test('include-not-found: a packaged file missing from the checkout is a warning naming the package folder, another file an error', () => {
  const tree = tempTree({
    'nginx.conf': [
      'events {}',
      'http {',
      '    include mime.types;',
      '    include ./proxy_params;',
      '    include conf.d/upstreams.conf;',
      '    server {',
      '        listen 127.0.0.1:18770;',
      '        location ~ \\.php$ { include snippets/fastcgi-php.conf; fastcgi_pass 127.0.0.1:9000; }',
      '        location /mime.types { include sub/mime.types; return 204; }',
      '    }',
      '}',
      '',
    ].join('\n'),
  });
  try {
    const r = runCli(['--format', 'json', join(tree.dir, 'nginx.conf')]);
    const j = JSON.parse(r.stdout) as { files: { findings: { ruleId: string; severity: string; line: number; message: string }[] }[] };
    const f = j.files.flatMap((x) => x.findings).filter((x) => x.ruleId === 'include-not-found').map((x) => [x.line, x.severity, /installed nginx package/.test(x.message)]);
    assert.deepEqual(f, [
      [3, 'warning', true],
      [4, 'warning', true],
      [5, 'error', false],
      [8, 'warning', true],
      // Only the names the packages use, where they put them: sub/mime.types is no packaged file.
      [9, 'error', false],
    ]);
    assert.equal(r.code, 1, 'an error is still there');
  } finally {
    tree.cleanup();
  }
});
