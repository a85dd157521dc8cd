// duplicate-cache-zone against the real nginx -t (1.22.1): every line bad.conf marks, kept alone in the fixture,
// makes nginx fail at that line with the words the finding quotes; ok.conf passes; the quirks of nginx's path
// comparison (one trailing "/" dropped, but an absolute path compared with it) are checked both ways.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { lintText, nginxTest, nginxTestText, tempTree } from '../helpers';
import { fixtureDir } from './rule-harness';

const ID = 'duplicate-cache-zone';
const dir = fixtureDir({ server: 'nginx', id: ID } as never);
const bad = readFileSync(join(dir, 'bad.conf'), 'utf8');
const sites = { 'sites/a.conf': readFileSync(join(dir, 'sites/a.conf'), 'utf8'), 'sites/b.conf': readFileSync(join(dir, 'sites/b.conf'), 'utf8') };

/** nginx's words, with the absolute path it made of a relative one cut back to what the file says. */
function nginxSays(output: string, prefix: string): { words: string; line: string } {
  const m = /\[emerg\] (.*?) in (\S+?):(\d+)\n/.exec(output);
  assert.ok(m, output);
  const words = m[1].replace(/ used in .*/, '').split(prefix + '/').join('');
  return { words, line: `${m[2].slice(prefix.length + 1)}:${m[3]}` };
}

function check(text: string) {
  const tree = tempTree({ 'nginx.conf': text, ...sites });
  try {
    const t = nginxTest(tree.dir, join(tree.dir, 'nginx.conf'));
    assert.ok(!t.ok, 'nginx -t accepted it');
    const said = nginxSays(t.output, tree.dir);
    const r = lintText(text, { files: sites });
    const found = r.findings.filter((f) => f.ruleId === ID);
    assert.equal(found.length, 1, found.map((f) => f.message).join('\n'));
    assert.equal(`${found[0].path.slice('/cfg/'.length)}:${r.at(found[0]).line}`, said.line);
    assert.ok(found[0].message.includes(said.words), `nginx: ${said.words}\nproxylint: ${found[0].message}`);
    assert.equal(found[0].related?.length, 1);
  } finally {
    tree.cleanup();
  }
}

test(`${ID}: each marked line alone makes nginx -t fail there with the words the finding quotes`, () => {
  const lines = bad.split('\n');
  const marked = lines.map((l, k) => (l.includes(`# expect: ${ID}`) ? k : -1)).filter((k) => k >= 0);
  const include = lines.findIndex((l) => l.includes('include sites/'));
  assert.equal(marked.length, 7);
  for (const k of marked) check(lines.map((l, j) => (j !== k && (marked.includes(j) || j === include) ? `#${l}` : l)).join('\n'));
  // The two sites alone: nginx names the second site's line.
  check(lines.map((l, j) => (marked.includes(j) ? `#${l}` : l)).join('\n'));
});

test(`${ID}: ok.conf passes nginx -t`, () => {
  const t = nginxTestText(readFileSync(join(dir, 'ok.conf'), 'utf8'));
  assert.ok(t.ok, t.output);
});

test(`${ID}: an absolute path with and without a trailing "/" passes nginx -t and is not reported; twice with it, it is`, () => {
  const tree = tempTree({ 'x': '' });
  try {
    const conf = (a: string, b: string) => `events {}\nhttp {\n    proxy_cache_path ${a} keys_zone=one:1m;\n    proxy_cache_path ${b} keys_zone=two:1m;\n}\n`;
    const apart = conf(`${tree.dir}/c`, `${tree.dir}/c/`);
    const t = nginxTest(tree.dir, (tempWrite(tree.dir, 'apart.conf', apart)));
    assert.ok(t.ok, t.output);
    assert.deepEqual(lintText(apart).findings.filter((f) => f.ruleId === ID), []);
    const same = conf(`${tree.dir}/d/`, `${tree.dir}/d/`);
    const u = nginxTest(tree.dir, tempWrite(tree.dir, 'same.conf', same));
    assert.match(u.output, /the same path name "[^"]*\/d" used in/);
    const found = lintText(same).findings.filter((f) => f.ruleId === ID);
    assert.equal(found.length, 1);
    assert.match(found[0].message, /the same path name "[^"]*\/d" used in/);
  } finally {
    tree.cleanup();
  }
});

function tempWrite(dirPath: string, name: string, text: string): string {
  const p = join(dirPath, name);
  writeFileSync(p, text);
  return p;
}

test(`${ID}: a cache in a temp directory Debian builds into nginx stops the real nginx -t unless the configuration sets that temp path`, () => {
  assert.match(spawnSync('nginx', ['-V'], { encoding: 'utf8' }).stderr, /--http-proxy-temp-path=\/var\/lib\/nginx\/proxy /, 'these facts are about the Debian build');
  const conf = (cache: string, extra = '') =>
    `events {}\nhttp {\n    ${cache} keys_zone=c:1m;\n${extra}    server {\n        listen 127.0.0.1:18600;\n        location / { proxy_pass http://127.0.0.1:18601; }\n    }\n}\n`;
  const cases: [string, string][] = [
    ['proxy_cache_path /var/lib/nginx/proxy', 'proxy_temp_path'],
    ['fastcgi_cache_path /var/lib/nginx/fastcgi', 'fastcgi_temp_path'],
    ['proxy_cache_path /var/lib/nginx/body', 'client_body_temp_path'],
    ['uwsgi_cache_path /var/lib/nginx/uwsgi', 'uwsgi_temp_path'],
    ['scgi_cache_path /var/lib/nginx/scgi', 'scgi_temp_path'],
  ];
  for (const [cache, temp] of cases) {
    const path = cache.split(' ')[1];
    const text = conf(cache);
    const t = nginxTestText(text);
    assert.ok(!t.ok && t.output.includes(`the same path name "${path}" used in`), `${cache}: ${t.output}`);
    const found = lintText(text).findings.filter((f) => f.ruleId === ID);
    assert.equal(found.length, 1, cache);
    assert.equal(found[0].severity, 'warning');
    assert.ok(found[0].message.includes(`the same path name "${path}" used in`) && found[0].message.includes(temp), found[0].message);
    // The temp path set to another directory in http {}: nginx starts, nothing is reported.
    const moved = conf(cache, `    ${temp} /tmp/proxylint-temp-elsewhere;\n`);
    assert.ok(nginxTestText(moved).ok, `${cache} with ${temp} elsewhere`);
    assert.deepEqual(lintText(moved).findings.filter((f) => f.ruleId === ID).map((f) => f.message), []);
  }
  // With a trailing "/" nginx sees another directory and starts: not reported.
  const slash = conf('proxy_cache_path /var/lib/nginx/proxy/');
  assert.ok(nginxTestText(slash).ok);
  assert.deepEqual(lintText(slash).findings.filter((f) => f.ruleId === ID).map((f) => f.message), []);
});
