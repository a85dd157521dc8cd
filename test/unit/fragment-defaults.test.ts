import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nginxHover } from '../../server/src/core/features/hover';
import { defaultSettings } from '../../server/src/core/settings';
import { lintText } from '../helpers';

// A conf.d file checked on its own: nothing above it is known, so a value its lines do not set is nginx's default
// only if the http block that includes it does not set it either. The same file inside a whole nginx.conf that sets
// nothing is judged on the defaults, plainly.
const SITE = `upstream app {
    server 10.0.0.1:8080;
    server 10.0.0.2:8080;
    server 10.0.0.3:8080;
    keepalive 8;
}
server {
    listen 80;
    location / {
        proxy_pass http://app;
        proxy_read_timeout 20s;
        proxy_buffer_size 16k;
    }
    location /php/ {
        fastcgi_pass app;
    }
    location /auth/ {
        proxy_pass http://keycloak:8080;
    }
}
`;
const MAIN = 'events {}\nhttp {\n    include conf.d/site.conf;\n}\n';
const UNLESS = 'unless the configuration that includes this file sets';

function messages(alone: boolean, outerIdleTimeoutMs?: number): Map<string, string> {
  const settings = (s: ReturnType<typeof defaultSettings>) => {
    if (outerIdleTimeoutMs !== undefined) s.environment.outerIdleTimeoutMs = outerIdleTimeoutMs;
  };
  const r = alone ? lintText(SITE, { path: 'conf.d/site.conf', settings }) : lintText(MAIN, { files: { 'conf.d/site.conf': SITE }, settings });
  if (alone) assert.equal(r.config.rootContext, 'http');
  return new Map(r.findings.filter((f) => f.path === '/cfg/conf.d/site.conf').map((f) => [f.ruleId, f.message]));
}

test('a fragment checked alone: findings that rest on a default say the including configuration may set it', () => {
  const alone = messages(true);
  const whole = messages(false);
  for (const id of ['failover-ignores-5xx', 'unbounded-retries', 'connect-timeout-above-read-timeout', 'fastcgi-keepalive-without-keep-conn', 'buffer-size-arithmetic', 'header-buffer-too-small']) {
    assert.ok(alone.has(id), `${id} alone: ${[...alone.keys()]}`);
    assert.ok(whole.has(id), `${id} in nginx.conf: ${[...whole.keys()]}`);
    assert.ok(alone.get(id)!.includes(UNLESS), `${id}: ${alone.get(id)}`);
    assert.ok(!whole.get(id)!.includes(UNLESS), `${id}: ${whole.get(id)}`);
  }
  assert.match(alone.get('failover-ignores-5xx')!, /\(the default, unless the configuration that includes this file sets it\)/);
  assert.match(alone.get('connect-timeout-above-read-timeout')!, /proxy_connect_timeout \(default 60s, unless the configuration that includes this file sets it\) is longer/);
  assert.match(alone.get('buffer-size-arithmetic')!, /the default proxy_busy_buffers_size 32k \(2 × 16k, unless the configuration that includes this file sets it\)/);
});

test('a fragment checked alone: the outer idle timeout finding on a default timeout says the includer may set it', () => {
  const alone = messages(true, 30_000);
  const whole = messages(false, 30_000);
  const id = 'timeout-exceeds-outer-idle-timeout';
  assert.ok(alone.has(id) && whole.has(id), `${[...alone.keys()]} / ${[...whole.keys()]}`);
  assert.ok(alone.get(id)!.includes(UNLESS), alone.get(id));
  assert.ok(!whole.get(id)!.includes(UNLESS), whole.get(id));
});

test('hover in a fragment checked alone: a built-in default is only what applies unless the includer sets it', () => {
  const target = defaultSettings().nginx;
  const at = SITE.indexOf('proxy_pass') + 1;
  const alone = nginxHover(lintText(SITE, { path: 'conf.d/site.conf' }), '/cfg/conf.d/site.conf', at, target, () => undefined)?.markdown ?? '';
  const whole = nginxHover(lintText(MAIN, { files: { 'conf.d/site.conf': SITE } }), '/cfg/conf.d/site.conf', at, target, () => undefined)?.markdown ?? '';
  assert.match(alone, /`proxy_connect_timeout` \| `60s` \| built-in default, unless the configuration that includes this file sets it \|/);
  assert.match(whole, /`proxy_connect_timeout` \| `60s` \| built-in default \|/);
  // A value set in the file itself is what it is, alone or not.
  assert.match(alone, /`proxy_read_timeout` \| `20s` \| set here/);
});
