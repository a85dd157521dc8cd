// undefined-upstream across modules: http {} and stream {} each see only their own upstream groups. A group defined
// in one and used from the other makes nginx fail as if no group existed; the real nginx -t (1.22.1) shows the words,
// and proxylint must say which block the group is in, quote those words, and offer no rename to an unrelated group.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { lintText, nginxTest, tempTree } from '../helpers';

const STREAM = 'load_module /usr/lib/nginx/modules/ngx_stream_module.so;\nevents {}\n';

const cases = [
  {
    name: 'proxy_pass in http {} to a group of stream {}',
    conf: `${STREAM}http {\n    upstream web { server 127.0.0.1:18601; }\n    server {\n        listen 127.0.0.1:18600;\n        location / { proxy_pass http://pg_main; }\n    }\n}\nstream {\n    upstream pg_main { server 127.0.0.1:18602; }\n    server { listen 127.0.0.1:18603; proxy_pass pg_main; }\n}\n`,
    line: 7,
    emerg: 'host not found in upstream "pg_main"',
    defined: 'stream {}',
  },
  {
    name: 'proxy_pass in stream {} to a group of http {}',
    conf: `${STREAM}http {\n    upstream web_pool { server 127.0.0.1:18601; }\n    server {\n        listen 127.0.0.1:18600;\n        location / { proxy_pass http://web_pool; }\n    }\n}\nstream {\n    server { listen 127.0.0.1:18603; proxy_pass web_pool; }\n}\n`,
    line: 11,
    emerg: 'no port in upstream "web_pool"',
    defined: 'http {}',
  },
  {
    name: 'grpc_pass in http {} to a group of stream {} (no default port: "no port", not DNS)',
    conf: `${STREAM}http {\n    server {\n        listen 127.0.0.1:18600;\n        location / { grpc_pass grpc://pg_main; }\n    }\n}\nstream {\n    upstream pg_main { server 127.0.0.1:18602; }\n    server { listen 127.0.0.1:18603; proxy_pass pg_main; }\n}\n`,
    line: 6,
    emerg: 'no port in upstream "pg_main"',
    defined: 'stream {}',
  },
];

for (const c of cases) {
  test(`undefined-upstream: ${c.name}`, () => {
    const tree = tempTree({ 'nginx.conf': c.conf });
    try {
      const t = nginxTest(tree.dir, join(tree.dir, 'nginx.conf'));
      assert.ok(!t.ok, t.output);
      assert.match(t.output, new RegExp(`\\[emerg\\] ${c.emerg} in \\S+nginx\\.conf:${c.line}\\b`), t.output);
    } finally {
      tree.cleanup();
    }
    const r = lintText(c.conf);
    const found = r.findings.filter((f) => f.ruleId === 'undefined-upstream');
    assert.equal(found.length, 1, JSON.stringify(found.map((f) => f.message)));
    const f = found[0];
    assert.equal(r.at(f).line, c.line);
    assert.equal(f.severity, 'error');
    assert.ok(f.message.startsWith('nginx will not start: '), f.message);
    assert.ok(f.message.includes(`is defined in ${c.defined}`), f.message);
    assert.ok(f.message.includes(`("${c.emerg}")`), f.message);
    assert.deepEqual(f.suggestions, []);
    assert.equal(f.related?.length, 1);
  });
}

test('undefined-upstream: a stream {} typo is reported with the words nginx uses there ("no port in upstream"), not a DNS lookup', () => {
  const conf = `${STREAM}stream {\n    upstream mail_pool { server 127.0.0.1:18602; }\n    server { listen 127.0.0.1:18603; proxy_pass mail_pol; }\n}\n`;
  const f = lintText(conf).findings.find((x) => x.ruleId === 'undefined-upstream');
  assert.ok(f);
  assert.match(f.message, /did you mean "mail_pool"\?\): nginx will refuse to start with "no port in upstream "mail_pol""/);
  assert.doesNotMatch(f.message, /DNS/);
});

// A pass without a default port (all but proxy_pass in http {}) to a dotless name that no group has: nginx 1.22.1 stops
// with "no port in upstream" whatever DNS says. In a whole configuration that is certain even when it defines no group
// at all; in a fragment, or with an include that brought nothing in, the group may be in a file not in sight.
const noGroup = [
  { line: 'fastcgi_pass phpfpm;', host: 'phpfpm' },
  { line: 'grpc_pass grpc://backendx;', host: 'backendx' },
  { line: 'uwsgi_pass uwsgi://appx;', host: 'appx' },
  { line: 'scgi_pass app;', host: 'app' },
];
const whole = (line: string, extra = '') => `events {}\nhttp {\n${extra}    server {\n        listen 127.0.0.1:18610;\n        location / { ${line} }\n    }\n}\n`;

for (const c of noGroup) {
  test(`undefined-upstream: "${c.line}" with no group in a whole configuration is the error nginx -t gives`, () => {
    const conf = whole(c.line);
    const tree = tempTree({ 'nginx.conf': conf });
    try {
      const t = nginxTest(tree.dir, join(tree.dir, 'nginx.conf'));
      assert.ok(!t.ok, t.output);
      assert.match(t.output, new RegExp(`\\[emerg\\] no port in upstream "${c.host}" in \\S+nginx\\.conf:5\\b`), t.output);
    } finally {
      tree.cleanup();
    }
    const r = lintText(conf);
    const found = r.findings.filter((f) => f.ruleId === 'undefined-upstream');
    assert.equal(found.length, 1, JSON.stringify(found.map((f) => f.message)));
    assert.equal(r.at(found[0]).line, 5);
    assert.equal(found[0].severity, 'error');
    assert.ok(found[0].message.includes(`("no port in upstream "${c.host}"")`), found[0].message);
    assert.equal(conf.slice(found[0].start, found[0].end), c.host);
  });

  test(`undefined-upstream: "${c.line}" in a fragment, or behind an include that brought nothing in, is no error`, () => {
    const fragment = lintText(`location / { ${c.line} }\n`, { path: 'snippets/app.conf', rootContext: 'server' });
    assert.deepEqual(fragment.findings.filter((f) => f.ruleId === 'undefined-upstream' && f.severity === 'error').map((f) => f.message), []);
    const unseen = lintText(whole(c.line, '    include upstreams/*.conf;\n'));
    assert.deepEqual(unseen.findings.filter((f) => f.ruleId === 'undefined-upstream' && f.severity === 'error').map((f) => f.message), []);
  });
}

test('undefined-upstream: proxy_pass http://name with no group and no port is left alone (nginx looks the name up on port 80)', () => {
  const r = lintText(whole('proxy_pass http://backend;'));
  assert.deepEqual(r.findings.filter((f) => f.ruleId === 'undefined-upstream').map((f) => f.message), []);
});
