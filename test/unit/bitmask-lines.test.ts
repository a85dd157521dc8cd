// Bitmask directives written on several lines at one level (*_next_upstream, *_cache_use_stale): nginx ORs the lines
// into one set of flags, and "off" on any of them wins (checked on nginx 1.22.1 in
// test/servers/next-upstream-lines.test.ts). The model, the hover and the rules' messages read them that way.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { effective, flagsInForce } from '../../server/src/core/model/nginx-effective';
import { nginxHover } from '../../server/src/core/features/hover';
import { defaultSettings } from '../../server/src/core/settings';
import { lintText } from '../helpers';

const conf = (location: string, extra = '') => `events {}
http {
    upstream app { server 10.0.0.1:80; server 10.0.0.2:80; server 10.0.0.3:80; }
${extra}    server {
        listen 8080;
        location / {
${location}
            proxy_pass http://app;
        }
    }
}
`;

function flagsAtPass(text: string, name: string): readonly string[] {
  const r = lintText(text);
  const pass = r.config.all.find((n) => n.name === 'proxy_pass')!;
  return flagsInForce(effective(r.config, pass.parent, name, defaultSettings().nginx), 'error timeout');
}

test('flagsInForce: the lines of one level together, "off" anywhere winning, no union with the level above', () => {
  assert.deepEqual(flagsAtPass(conf('proxy_next_upstream http_502;\nproxy_next_upstream timeout;'), 'proxy_next_upstream'), ['http_502', 'timeout']);
  assert.deepEqual(flagsAtPass(conf('proxy_next_upstream off;\nproxy_next_upstream error timeout;'), 'proxy_next_upstream'), ['off']);
  assert.deepEqual(flagsAtPass(conf('proxy_next_upstream error non_idempotent;\nproxy_next_upstream off;'), 'proxy_next_upstream'), ['off']);
  // A level with a line of its own replaces the inherited value wholesale (ngx_conf_merge_bitmask_value).
  assert.deepEqual(flagsAtPass(conf('proxy_next_upstream http_503;', '    proxy_next_upstream error timeout;\n'), 'proxy_next_upstream'), ['http_503']);
  assert.deepEqual(flagsAtPass(conf(''), 'proxy_next_upstream'), ['error', 'timeout']);
  assert.deepEqual(flagsAtPass(conf('proxy_cache_use_stale updating;\nproxy_cache_use_stale error timeout;'), 'proxy_cache_use_stale'), ['updating', 'error', 'timeout']);
});

test('non-idempotent-retry and next-upstream-off-with-spare-servers no longer contradict each other on "error non_idempotent; off"', () => {
  const ids = (text: string) => lintText(text).findings.map((f) => f.ruleId).filter((id) => /retry|next-upstream|failover/.test(id)).sort();
  assert.deepEqual(ids(conf('proxy_next_upstream error non_idempotent;\nproxy_next_upstream off;')), ['next-upstream-off-with-spare-servers']);
  // The failures of the other line make non_idempotent count, and the message names them.
  const r = lintText(conf('proxy_next_upstream error timeout;\nproxy_next_upstream non_idempotent;'));
  const f = r.findings.find((x) => x.ruleId === 'non-idempotent-retry');
  assert.ok(f, JSON.stringify(r.findings.map((x) => x.ruleId)));
  assert.match(f.message, /listed failures \(error timeout\)/);
  // One try: nothing is sent twice.
  assert.deepEqual(ids(conf('proxy_next_upstream error timeout non_idempotent;\nproxy_next_upstream_tries 1;')), []);
});

test('failover-ignores-5xx names the lines taken together', () => {
  const r = lintText(conf('proxy_next_upstream error;\nproxy_next_upstream timeout;'));
  const f = r.findings.find((x) => x.ruleId === 'failover-ignores-5xx');
  assert.ok(f);
  assert.match(f.message, /^proxy_next_upstream error timeout \(its 2 lines at this level taken together\) counts no 5xx/);
});

test('cached-error-responses does not advise *_cache_use_stale error timeout when another line of the level has it', () => {
  const text = (stale: string) => `events {}
http {
    proxy_cache_path /tmp/c keys_zone=z:1m;
    server {
        listen 8080;
        proxy_cache z;
        proxy_cache_valid any 1m;
${stale}
        location / { proxy_pass http://10.0.0.1:80; }
    }
}
`;
  const message = (stale: string) => lintText(text(stale)).findings.find((f) => f.ruleId === 'cached-error-responses')!.message;
  assert.doesNotMatch(message('        proxy_cache_use_stale updating;\n        proxy_cache_use_stale error timeout;'), /would at least serve/);
  assert.match(message('        proxy_cache_use_stale updating;'), /would at least serve/);
  assert.match(message('        proxy_cache_use_stale error timeout;\n        proxy_cache_use_stale off;'), /would at least serve/);
});

test('hover shows the flags in force for several lines, and says when "off" wins', () => {
  const text = conf('proxy_next_upstream off;\nproxy_next_upstream error timeout;');
  const r = lintText(text);
  const at = text.indexOf('proxy_pass http://app');
  const md = nginxHover(r, '/cfg/nginx.conf', at + 1, defaultSettings().nginx, () => undefined)?.markdown ?? '';
  const row = md.split('\n').find((l) => l.startsWith('| `proxy_next_upstream` |'));
  assert.ok(row, md);
  assert.match(row, /\| `off` \|/);
  assert.match(row, /takes the 2 lines at that level together \(`off; error timeout`\)/);
  assert.match(row, /"off" on one of them turns the others off/);
});
