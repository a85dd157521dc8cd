// fastcgi-keepalive-without-keep-conn offers "fastcgi_keep_conn on;" only as a suggestion, never as a --fix: each kept
// connection holds a FastCGI worker (a PHP-FPM child), so with fewer workers than keepalive × worker_processes requests
// wait for one and get 504 (measured on nginx 1.22.1 + php-fpm 8.2; see the rule's comment). The title states that
// number from the configuration, and the line it adds passes nginx -t.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyEdits } from '../../server/src/core/fix';
import { lintNginx } from '../../server/src/core/lint';
import { createNodeHost } from '../../server/src/node/node-host';
import { nginxTest, tempTree } from '../helpers';
import { fixtureSettings } from './rule-harness';

const ID = 'fastcgi-keepalive-without-keep-conn';
const conf = (main: string) => `${main}events {}
http {
    upstream php {
        server 127.0.0.1:9000;
        keepalive 8;
    }
    server {
        listen 127.0.0.1:18430;
        location ~ \\.php$ {
            fastcgi_pass php;
        }
    }
}
`;

function findings(path: string, text: string) {
  return lintNginx(path, text, createNodeHost(), { settings: fixtureSettings(text) }).findings.filter((f) => f.ruleId === ID);
}

test(`${ID}: no safe fix; the suggestion names the connections held, from worker_processes`, () => {
  const cases: [string, RegExp][] = [
    ['worker_processes 4;\n', /more workers than 32 \(keepalive 8 × worker_processes 4\) \(PHP-FPM: pm\.max_children\)/],
    ['worker_processes auto;\n', /more workers than keepalive 8 × the number of CPUs \(worker_processes auto\)/],
    ['', /more workers than 8 \(keepalive 8 × 1 worker process\)/],
  ];
  for (const [main, title] of cases) {
    const text = conf(main);
    const fs = findings('/tmp/nginx.conf', text);
    assert.equal(fs.length, 1, main);
    assert.equal(fs[0].fix, undefined, `${main}: a safe fix was offered`);
    assert.equal(fs[0].suggestions.length, 1);
    assert.match(fs[0].suggestions[0].title, title);
  }
});

test(`${ID}: in a fragment the count is left to the including configuration`, () => {
  const text = 'upstream php {\n    server 127.0.0.1:9000;\n    keepalive 8;\n}\nserver {\n    listen 127.0.0.1:18430;\n    location / {\n        fastcgi_pass php;\n    }\n}\n';
  const fs = findings('/tmp/conf.d/php.conf', text);
  assert.equal(fs.length, 1);
  assert.match(fs[0].suggestions[0].title, /more workers than keepalive 8 × worker_processes \(PHP-FPM/);
});

test(`${ID}: the suggested line passes nginx -t and the rule is satisfied`, () => {
  const tree = tempTree({});
  try {
    const path = join(tree.dir, 'nginx.conf');
    const text = conf('worker_processes 2;\n');
    const fixed = applyEdits(text, findings(path, text)[0].suggestions[0].edits).text;
    writeFileSync(path, fixed);
    const t = nginxTest(tree.dir, path);
    assert.ok(t.ok, t.output);
    assert.match(fixed, /fastcgi_keep_conn on;/);
    assert.deepEqual(findings(path, fixed), []);
  } finally {
    tree.cleanup();
  }
});
