// A file of upstream members (`server 10.0.0.1:80 weight=2;`, keepalive, hash, …) meant to be included inside an
// `upstream` block, checked on its own. What its own lines say is judged (addresses, server parameters, the order of
// its lines); what needs the group's name, its other lines or the passes that use it is not, since none of that is
// in the file. Each case is also checked included in a real group, with the real `nginx -t`.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { lintNginx } from '../../server/src/core/lint';
import type { Finding } from '../../server/src/core/finding';
import { defaultSettings } from '../../server/src/core/settings';
import { LineIndex } from '../../server/src/core/text';
import { memHost, nginxTest, tempTree } from '../helpers';

const FRAG = '/cfg/upstreams/app.conf';
const STREAM = 'load_module /usr/lib/nginx/modules/ngx_stream_module.so;\n';

/** The fragment included in a group that a location (or a stream server) passes to. */
function wrapped(module: 'http' | 'stream', port: number): string {
  return module === 'http'
    ? `events {}\nhttp {\n    upstream app {\n        include upstreams/app.conf;\n    }\n    server {\n        listen 127.0.0.1:${port};\n        location / { proxy_pass http://app; }\n    }\n}\n`
    : `${STREAM}events {}\nstream {\n    upstream app {\n        include upstreams/app.conf;\n    }\n    server {\n        listen 127.0.0.1:${port};\n        proxy_pass app;\n    }\n}\n`;
}

interface Case {
  name: string;
  module: 'http' | 'stream';
  text: string;
  /** Findings on the fragment checked alone, "rule@line:column". */
  alone: string[];
  /** Findings the included copy gets about the whole group, which the fragment alone must not claim. */
  groupOnly?: string[];
}

const CASES: Case[] = [
  { name: 'an invalid port', module: 'http', text: 'server 10.0.0.1:80;\nserver localhost:99999;\nkeepalive 16;\n', alone: ['invalid-upstream-address@2:8'] },
  { name: 'weight=0', module: 'http', text: 'server 127.0.0.1:9000 weight=0;\nserver 127.0.0.1:9001;\n', alone: ['invalid-server-parameter@1:23'] },
  { name: 'a scheme in a server address', module: 'http', text: 'server http://127.0.0.1:9000;\nserver 127.0.0.1:9001;\n', alone: ['invalid-upstream-address@1:8'] },
  { name: 'backup after hash', module: 'http', text: 'hash $remote_addr;\nserver 127.0.0.1:9000;\nserver 127.0.0.1:9001 backup;\n', alone: ['backup-with-hash-balancing@3:23'] },
  { name: 'a balancing method after keepalive', module: 'http', text: 'keepalive 16;\nleast_conn;\nserver 127.0.0.1:9000;\nserver 127.0.0.1:9001;\n', alone: ['keepalive-before-balancing-method@2:1'] },
  { name: 'keepalive twice', module: 'http', text: 'server 127.0.0.1:9000;\nserver 127.0.0.1:9001;\nkeepalive 16;\nkeepalive 32;\n', alone: ['duplicate-directive@4:1'] },
  { name: 'localhost', module: 'http', text: 'server localhost:9000;\nserver 127.0.0.1:9001;\n', alone: ['localhost-upstream@1:8'] },
  { name: 'a relative socket path', module: 'http', text: 'server unix:run/app.sock;\nserver 127.0.0.1:9001;\n', alone: ['unix-socket-path@1:13'] },
  // Only the group as a whole says these: how many servers, how many can fail, whether anything keeps connections.
  { name: 'max_fails=0 on every server', module: 'http', text: 'server 127.0.0.1:9000 max_fails=0;\nserver 127.0.0.1:9001 max_fails=0;\n', alone: [], groupOnly: ['max-fails-zero@1:23', 'max-fails-zero@2:23'] },
  { name: 'one server', module: 'http', text: 'server 127.0.0.1:9000 max_fails=3;\n', alone: [], groupOnly: ['single-server-upstream@1:23'] },
  { name: 'a stream server without a port', module: 'stream', text: 'server 127.0.0.1;\nserver 127.0.0.1:9001;\n', alone: ['invalid-upstream-address@1:8'] },
  { name: 'keepalive in a stream upstream', module: 'stream', text: 'server 127.0.0.1:9000;\nserver 127.0.0.1:9001;\nkeepalive 4;\n', alone: ['directive-not-allowed-here@3:1'] },
  { name: 'backup after hash, stream', module: 'stream', text: 'hash $remote_addr;\nserver 127.0.0.1:9000;\nserver 127.0.0.1:9001 backup;\n', alone: ['backup-with-hash-balancing@3:23'] },
];

const at = (text: string, f: Finding) => {
  const p = new LineIndex(text).positionAt(f.start);
  return `${f.ruleId}@${p.line + 1}:${p.character + 1}`;
};

CASES.forEach((c, k) => {
  test(`upstream fragment, ${c.module}: ${c.name}`, () => {
    const conf = wrapped(c.module, 18910 + k);
    const files = { [FRAG]: c.text, '/cfg/nginx.conf': conf };
    // An http fragment's context is inferred from its lines; a stream one is declared (--context stream-upstream):
    // nothing in `server 127.0.0.1:9000;` tells the two apart.
    const alone = lintNginx(FRAG, c.text, memHost(files), { settings: defaultSettings(), rootContext: c.module === 'stream' ? 'stream-upstream' : undefined, fragmentPrefix: '/cfg' });
    assert.equal(alone.config.rootContext, c.module === 'stream' ? 'stream-upstream' : 'upstream');
    assert.deepEqual(alone.findings.map((f) => at(c.text, f)), c.alone);
    // Nothing is said of the fragment alone that is not said of it once included in a group.
    const whole = lintNginx('/cfg/nginx.conf', conf, memHost(files), { settings: defaultSettings() });
    const inWhole = whole.findings.filter((f) => f.path === FRAG).map((f) => at(c.text, f));
    for (const f of c.alone) assert.ok(inWhole.includes(f), `${f} is not reported in the group: ${inWhole.join(' ')}`);
    for (const f of c.groupOnly ?? []) assert.ok(inWhole.includes(f), `${f} is not reported in the group: ${inWhole.join(' ')}`);
    // "nginx will not start" is what nginx -t says of the group that includes the file, at that line.
    const dir = tempTree({ 'nginx.conf': conf, 'upstreams/app.conf': c.text });
    try {
      const real = nginxTest(dir.dir, join(dir.dir, 'nginx.conf'));
      const fatal = alone.findings.filter((f) => f.severity === 'error' && f.message.startsWith('nginx will not start'));
      if (fatal.length === 0) assert.ok(real.ok, real.output);
      else {
        assert.ok(!real.ok, `nginx -t passed, but proxylint says: ${fatal[0].message}`);
        const line = new LineIndex(c.text).positionAt(fatal[0].start).line + 1;
        assert.match(real.output, new RegExp(`\\[emerg\\] .* in ${join(dir.dir, 'upstreams/app.conf')}:${line}\\n`));
      }
    } finally {
      dir.cleanup();
    }
  });
});

test('upstream fragment: the messages name the group as the one that includes the file, not by a name the file does not have', () => {
  const text = 'keepalive 16;\nleast_conn;\nserver 127.0.0.1:9000 weight=0;\nserver localhost:9001;\n';
  const r = lintNginx(FRAG, text, memHost({ [FRAG]: text }), { settings: defaultSettings(), fragmentPrefix: '/cfg' });
  const byRule = new Map(r.findings.map((f) => [f.ruleId, f.message]));
  assert.match(byRule.get('invalid-server-parameter')!, /^nginx will not start: invalid parameter "weight=0" in the upstream that includes this file: /);
  assert.match(byRule.get('keepalive-before-balancing-method')!, /so the upstream that includes this file keeps no idle connections/);
  assert.match(byRule.get('localhost-upstream')!, /^server localhost:9001: "localhost" usually resolves/);
});

test('a file of server lines is an upstream fragment; a server block is an http one', () => {
  const ctx = (text: string) => lintNginx('/cfg/x.conf', text, memHost({ '/cfg/x.conf': text }), { settings: defaultSettings(), fragmentPrefix: '/cfg' }).config.rootContext;
  assert.equal(ctx('server 10.0.0.1:80;\nserver 10.0.0.2:80 backup;\n'), 'upstream');
  assert.equal(ctx('server 10.0.0.1:80 weight=2;\n'), 'upstream');
  assert.equal(ctx('include more.conf;\nserver 10.0.0.1:80;\n'), 'upstream');
  assert.equal(ctx('server {\n    listen 80;\n}\n'), 'http');
  assert.equal(ctx('# proxylint: context stream-upstream\nserver 10.0.0.1:80;\n'), 'stream-upstream');
});
