// Why fastcgi-keepalive-without-keep-conn offers "fastcgi_keep_conn on;" only as a suggestion: a php-fpm child stays
// tied to a kept connection while it idles in nginx's cache, so a pool no larger than keepalive × worker_processes
// runs out of children and requests wait until fastcgi_read_timeout: 504. The same load without the line: all 200.
// Real nginx 1.22.1 and real php-fpm 8.2; skipped where php-fpm 8.2 is not installed (apt-get install php8.2-fpm).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lintText, requireBinary } from '../helpers';
import { request } from './harness/client';
import { prepareNginx, startNginx } from './harness/nginx';
import { freePort } from './harness/ports';
import { FPM, hasFpm, startPhpFpm } from './standins/php-fpm';

requireBinary('nginx');

const CONF = (fpm: string, root: string, keep: 'on' | 'off') => `worker_processes 4;
http {
    upstream php {
        server ${fpm};
        keepalive 4;
    }
    server {
        listen 127.0.0.1:18463;
        fastcgi_read_timeout 2s;
        location / {
            include /etc/nginx/fastcgi_params;
            fastcgi_param SCRIPT_FILENAME ${root}/index.php;
            fastcgi_pass php;
            fastcgi_keep_conn ${keep};
        }
    }
}
`;

/** Two rounds of 12 requests at once, the statuses sorted. */
async function load(port: number): Promise<(number | string)[]> {
  const out: (number | string)[] = [];
  for (let round = 0; round < 2; round++) {
    const rs = await Promise.all(Array.from({ length: 12 }, () => request({ port, path: '/' })));
    out.push(...rs.map((r) => r.status));
  }
  return out.sort();
}

test('fastcgi_keep_conn on with keepalive 4 × 4 workers in front of 2 php-fpm children: 504s; off: all 200 (real nginx, real php-fpm)', { skip: !hasFpm && `${FPM} is not installed` }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'proxylint-fpm-pool-'));
  chmodSync(dir, 0o755);
  writeFileSync(join(dir, 'index.php'), '<?php usleep(50000); echo "php ok\\n";\n');
  const port = await freePort();
  const results = new Map<string, { statuses: (number | string)[]; log: string }>();
  try {
    for (const keep of ['on', 'off'] as const) {
      // A fresh php-fpm for each run: children a previous nginx held are freed only when that nginx has gone.
      const fpm = await startPhpFpm(dir, { maxChildren: 2, port });
      const setup = await prepareNginx(CONF(fpm.address, dir, keep));
      try {
        const nginx = await startNginx(setup);
        try {
          const statuses = await load(setup.ports.get('127.0.0.1:18463')!);
          await new Promise((r) => setTimeout(r, 200));
          results.set(keep, { statuses, log: nginx.errorLog() });
        } finally {
          await nginx.stop();
        }
      } finally {
        await fpm.stop();
        setup.cleanup();
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const on = results.get('on')!;
  const off = results.get('off')!;
  assert.deepEqual(off.statuses, Array(24).fill(200), off.log);
  assert.ok(on.statuses.filter((s) => s === 504).length >= 6, `with fastcgi_keep_conn on: ${on.statuses.join(' ')}`);
  assert.match(on.log, /upstream timed out \(110: Connection timed out\) while reading response header from upstream/);

  // The lint of the "off" setup: reported, no --fix, and the suggestion states the 16 connections held.
  const text = 'events {}\n' + CONF('127.0.0.1:9000', '/var/www/html', 'off');
  const found = lintText(text).findings.filter((f) => f.ruleId === 'fastcgi-keepalive-without-keep-conn');
  assert.equal(found.length, 1);
  assert.equal(found[0].fix, undefined);
  assert.match(found[0].suggestions[0].title, /more workers than 16 \(keepalive 4 × worker_processes 4\)/);
});
