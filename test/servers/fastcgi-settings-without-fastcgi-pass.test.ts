// A PHP location that passes with proxy_pass instead of fastcgi_pass, on the real nginx (Debian 1.22.1) against a
// real php-fpm (Debian 8.2): php-fpm cannot read the HTTP request and resets the connection, so every request gets
// 502 at once ("recv() failed (104: Connection reset by peer) while reading response header from upstream"); the
// same block with fastcgi_pass answers 200, and one whose SCRIPT_FILENAME names no file gets php-fpm's own 404.
// Skipped where php-fpm 8.2 is not installed (apt-get install php8.2-fpm).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lintText, requireBinary } from '../helpers';
import { request } from './harness/client';
import { prepareNginx, startNginx } from './harness/nginx';
import { FPM, hasFpm, startPhpFpm } from './standins/php-fpm';
import { NGX_LOG } from '../../server/src/core/docs/log-lines';
import { explainLogLine } from '../../server/src/core/explain/log-patterns';

requireBinary('nginx');

const CONF = (fpm: string, root: string) => `http {
    server {
        listen 127.0.0.1:18462;
        root ${root};
        location /wrong/ {
            include /etc/nginx/fastcgi_params;
            fastcgi_param SCRIPT_FILENAME ${root}/index.php;
            proxy_pass http://${fpm};
        }
        location /right/ {
            include /etc/nginx/fastcgi_params;
            fastcgi_param SCRIPT_FILENAME ${root}/index.php;
            fastcgi_pass ${fpm};
        }
        location /missing/ {
            include /etc/nginx/fastcgi_params;
            fastcgi_param SCRIPT_FILENAME ${root}/no-such.php;
            fastcgi_pass ${fpm};
        }
    }
}
`;

test('proxy_pass to php-fpm in a location set up for FastCGI: 502 on every request (connection reset), 200 with fastcgi_pass; proxylint reports the first only (real nginx, real php-fpm)', { skip: !hasFpm && `${FPM} is not installed` }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'proxylint-fpm-'));
  chmodSync(dir, 0o755);
  writeFileSync(join(dir, 'index.php'), '<?php echo "php ok\\n";\n');
  const fpm = await startPhpFpm(dir, { maxChildren: 1 });
  const setup = await prepareNginx(CONF(fpm.address, dir));
  try {
    const nginx = await startNginx(setup);
    try {
      const nginxPort = setup.ports.get('127.0.0.1:18462')!;
      const wrong: (number | string)[] = [];
      for (let k = 0; k < 3; k++) wrong.push((await request({ port: nginxPort, path: '/wrong/x' })).status);
      assert.deepEqual(wrong, [502, 502, 502]);
      const right = await request({ port: nginxPort, path: '/right/x' });
      assert.equal(right.status, 200);
      await new Promise((r) => setTimeout(r, 200));
      // A SCRIPT_FILENAME that names no file: php-fpm's own 404, and the stderr line explain reads as such.
      assert.equal((await request({ port: nginxPort, path: '/missing/x' })).status, 404);
      await new Promise((r) => setTimeout(r, 200));
      const unknown = nginx.errorLog().split('\n').find((l) => l.includes('FastCGI sent in stderr: "Primary script unknown" while reading response header from upstream'));
      assert.ok(unknown, nginx.errorLog());
      assert.equal(explainLogLine(unknown)?.pattern.status, '404');
      const resets = nginx.errorLog().split('\n').filter((l) => l.includes('recv() failed (104: Connection reset by peer) while reading response header from upstream'));
      assert.equal(resets.length, 3, nginx.errorLog());
    } finally {
      await nginx.stop();
    }
  } finally {
    await fpm.stop();
    setup.cleanup();
    rmSync(dir, { recursive: true, force: true });
  }
  const text = 'events {}\n' + CONF('127.0.0.1:9000', '/var/www/html');
  const r = lintText(text);
  const found = r.findings.filter((f) => f.ruleId === 'fastcgi-settings-without-fastcgi-pass');
  assert.equal(found.length, 1, JSON.stringify(r.findings.map((f) => f.message), null, 1));
  assert.equal(found[0].start, text.indexOf('proxy_pass'), 'at the proxy_pass of /wrong/');
});

// The other way round, fastcgi_pass to an HTTP server (here nginx's own plain-HTTP port): it answers the FastCGI
// bytes with "HTTP/1.1 400", whose "H" (72) nginx reads as the FastCGI version. Real nginx 1.22.1, no php-fpm needed.
test('fastcgi_pass to an HTTP server: 502 and "unsupported FastCGI protocol version: 72"; explain says what it means (real nginx)', async () => {
  // The HTTP server on a UNIX socket: the harness moves TCP listen ports, which a fastcgi_pass would not follow.
  const sockDir = mkdtempSync(join(tmpdir(), 'proxylint-fcgi-http-'));
  chmodSync(sockDir, 0o777);
  const setup = await prepareNginx(`http {
    server {
        listen unix:${sockDir}/http.sock;
        location / { return 200 "plain http\\n"; }
    }
    server {
        listen 127.0.0.1:18464;
        location / {
            include /etc/nginx/fastcgi_params;
            fastcgi_pass unix:${sockDir}/http.sock;
        }
    }
}
`);
  const nginx = await startNginx(setup);
  try {
    assert.equal((await request({ port: setup.ports.get('127.0.0.1:18464')!, path: '/x.php' })).status, 502);
    await new Promise((r) => setTimeout(r, 200));
    const line = nginx.errorLog().split('\n').find((l) => l.includes(NGX_LOG.fcgiUnsupportedVersion));
    assert.ok(line, nginx.errorLog());
    const explained = explainLogLine(line);
    assert.equal(explained?.pattern.id, 'nginx-fastcgi-not-fastcgi');
    assert.equal(explained?.pattern.status, '502');
  } finally {
    await nginx.stop();
    setup.cleanup();
    rmSync(sockDir, { recursive: true, force: true });
  }
});
