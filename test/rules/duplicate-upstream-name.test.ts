// duplicate-upstream-name against the real nginx -t (1.22.1): each case, written as files on disk, makes nginx fail
// with `duplicate upstream "…"` at the line proxylint reports; the cases nginx accepts get no finding.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { lintText, nginxTest, tempTree } from '../helpers';

const STREAM = 'load_module /usr/lib/nginx/modules/ngx_stream_module.so;\n';
const pool = (name: string, port: number) => `upstream ${name} {\n    server 127.0.0.1:${port};\n}\n`;

interface Case {
  name: string;
  files: Record<string, string>;
  /** `file:line` nginx and proxylint both name; undefined when nginx starts. */
  at?: string;
}

const CASES: Case[] = [
  {
    name: 'two sites in conf.d/ each define "app"',
    files: { 'nginx.conf': 'events {}\nhttp {\n    include conf.d/*.conf;\n}\n', 'conf.d/a.conf': pool('app', 18601), 'conf.d/b.conf': pool('app', 18602) },
    at: 'conf.d/b.conf:1',
  },
  { name: 'twice in one file, different case', files: { 'nginx.conf': `events {}\nhttp {\n${pool('app', 18601)}${pool('APP', 18602)}}\n` }, at: 'nginx.conf:6' },
  { name: 'twice in stream {}', files: { 'nginx.conf': `${STREAM}events {}\nstream {\n${pool('db', 18601)}${pool('db', 18602)}}\n` }, at: 'nginx.conf:7' },
  { name: 'once in http and once in stream', files: { 'nginx.conf': `${STREAM}events {}\nhttp {\n${pool('app', 18601)}}\nstream {\n${pool('app', 18602)}}\n` } },
  {
    name: 'a pass to "app" before the block that defines it',
    files: { 'nginx.conf': `events {}\nhttp {\n    server {\n        listen 127.0.0.1:18600;\n        location / {\n            proxy_pass http://app;\n        }\n    }\n${pool('app', 18601)}}\n` },
  },
];

for (const c of CASES) {
  test(`duplicate-upstream-name: ${c.name} — nginx -t and proxylint agree`, () => {
    const tree = tempTree(c.files);
    try {
      const t = nginxTest(tree.dir, join(tree.dir, 'nginx.conf'));
      const { 'nginx.conf': main, ...rest } = c.files;
      const r = lintText(main, { files: rest });
      const found = r.findings.filter((f) => f.ruleId === 'duplicate-upstream-name');
      if (!c.at) {
        assert.ok(t.ok, t.output);
        assert.deepEqual(found, []);
        return;
      }
      const said = /\[emerg\] (duplicate upstream "[^"]+") in (\S+):(\d+)/.exec(t.output);
      assert.ok(!t.ok && said, t.output);
      assert.equal(`${said[2].slice(tree.dir.length + 1)}:${said[3]}`, c.at);
      assert.equal(found.length, 1, JSON.stringify(found.map((f) => f.message)));
      assert.equal(`${found[0].path.slice('/cfg/'.length)}:${r.at(found[0]).line}`, c.at);
      assert.ok(found[0].message.includes(said[1]), `nginx: ${said[1]}\nproxylint: ${found[0].message}`);
      assert.equal(found[0].related?.length, 1);
    } finally {
      tree.cleanup();
    }
  });
}

test('duplicate-upstream-name: one file included twice is reported at the second include, as nginx reads the block twice', () => {
  const files = { 'nginx.conf': 'events {}\nhttp {\n    include pool.conf;\n    include pool.conf;\n}\n', 'pool.conf': pool('app', 18601) };
  const tree = tempTree(files);
  try {
    const t = nginxTest(tree.dir, join(tree.dir, 'nginx.conf'));
    assert.match(t.output, /duplicate upstream "app" in \S+pool\.conf:1/);
    const r = lintText(files['nginx.conf'], { files: { 'pool.conf': files['pool.conf'] } });
    const found = r.findings.filter((f) => f.ruleId === 'duplicate-upstream-name');
    assert.deepEqual(found.map((f) => `${f.path}:${r.at(f).line}`), ['/cfg/nginx.conf:4']);
  } finally {
    tree.cleanup();
  }
});
