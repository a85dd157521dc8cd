// --fix must not trade one finding for another. connect-timeout-above-os-limit's fix used to write 75s wherever a
// connect timeout was above it; with nginx's default proxy_read_timeout of 60s (or any read timeout under 75 s) in
// force, connect-timeout-above-read-timeout then reported the fixed line, so a clean --fix run left a new finding.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { nginxTest, runCli } from '../helpers';
import { runJson, show, tree } from './util';

const CONF = [
  'load_module /usr/lib/nginx/modules/ngx_stream_module.so;',
  'events {}',
  'http {',
  '    upstream app { server 127.0.0.1:18811; server 127.0.0.1:18812; }',
  '    server {',
  '        listen 127.0.0.1:18810;',
  // The default read timeout (60s) is in force here.
  '        location / {',
  '            proxy_connect_timeout 100s;',
  '            proxy_pass http://app;',
  '        }',
  '        location /api/ {',
  '            proxy_connect_timeout 120s;',
  '            proxy_read_timeout 30s;',
  '            proxy_pass http://app;',
  '        }',
  '        location ~ \\.php$ {',
  '            fastcgi_connect_timeout 2m;',
  '            fastcgi_read_timeout 45s;',
  '            fastcgi_pass 127.0.0.1:9000;',
  '        }',
  '    }',
  '}',
  // The stream idle timeout defaults to 10m: 75s is below it.
  'stream {',
  '    server {',
  '        listen 127.0.0.1:18813;',
  '        proxy_connect_timeout 90s;',
  '        proxy_pass 127.0.0.1:5432;',
  '    }',
  '}',
  '',
].join('\n');

/** "rule-id:line" of every finding, from a JSON report. */
function findings(dir: string): string[] {
  const r = runJson(['nginx.conf'], { cwd: dir });
  return r.report.files.flatMap((f) => f.findings.map((x) => `${x.ruleId}:${x.line}`)).sort();
}

test('--fix on connect timeouts above 75 s leaves no connect-timeout-above-read-timeout behind, and nginx -t passes', () => {
  const { dir, cleanup } = tree({ 'nginx.conf': CONF });
  try {
    const before = findings(dir);
    assert.deepEqual(before.filter((f) => f.startsWith('connect-timeout-above-os-limit')), ['connect-timeout-above-os-limit:12', 'connect-timeout-above-os-limit:17', 'connect-timeout-above-os-limit:26', 'connect-timeout-above-os-limit:8']);
    const r = runCli(['--fix', 'nginx.conf'], { cwd: dir });
    assert.match(r.stderr, /fixed 1 file/, show(r));
    const after = findings(dir);
    assert.deepEqual(after.filter((f) => !before.includes(f)), [], `new findings after --fix:\n${show(r)}`);
    assert.deepEqual(after.filter((f) => f.startsWith('connect-timeout-')), []);
    const text = runCli(['--fix-dry-run', 'nginx.conf'], { cwd: dir });
    assert.doesNotMatch(text.stdout, /^[-+] /m, 'a second --fix would change nothing');
    const t = nginxTest(join(dir, 'prefix'), join(dir, 'nginx.conf'));
    assert.ok(t.ok, t.output);
  } finally {
    cleanup();
  }
});
