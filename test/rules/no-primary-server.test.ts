// no-primary-server against the real nginx -t (1.22.1): each group below is checked by nginx and by proxylint (as
// open source nginx), and they must agree: nginx stops with the group error exactly when the rule reports it. Where
// nginx stops earlier for another reason (a method that refuses "backup" written before the servers) the rule stays
// quiet and backup-with-hash-balancing speaks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { lintText, nginxTest, tempTree } from '../helpers';

const ID = 'no-primary-server';
const STREAM = 'load_module /usr/lib/nginx/modules/ngx_stream_module.so;\n';

interface Case {
  name: string;
  /** Lines inside `upstream app { … }`. */
  body: string;
  stream?: boolean;
  /** nginx's words when it refuses the configuration. */
  nginx: 'no servers in upstream "app"' | 'no servers are inside upstream' | 'balancing method does not support parameter "backup"' | 'accepts';
}

const cases: Case[] = [
  { name: 'round robin, two backups', body: 'server 127.0.0.1:18671 backup;\nserver 127.0.0.1:18672 backup;', nginx: 'no servers in upstream "app"' },
  { name: 'least_conn before a backup, with keepalive', body: 'least_conn;\nserver 127.0.0.1:18671 backup;\nkeepalive 8;', nginx: 'no servers in upstream "app"' },
  { name: 'hash after the backup', body: 'server 127.0.0.1:18671 backup;\nhash $uri;', nginx: 'no servers in upstream "app"' },
  { name: 'ip_hash after the backup', body: 'server 127.0.0.1:18671 backup;\nip_hash;', nginx: 'no servers in upstream "app"' },
  { name: 'random after the backup', body: 'server 127.0.0.1:18671 backup;\nrandom;', nginx: 'no servers in upstream "app"' },
  { name: 'hash before the backup: nginx stops on the server line', body: 'hash $uri;\nserver 127.0.0.1:18671 backup;', nginx: 'balancing method does not support parameter "backup"' },
  { name: 'random two before the backup', body: 'random two;\nserver 127.0.0.1:18671 backup;\nserver 127.0.0.1:18672 backup;', nginx: 'balancing method does not support parameter "backup"' },
  { name: 'a primary marked down and a backup', body: 'server 127.0.0.1:18671 down;\nserver 127.0.0.1:18672 backup;', nginx: 'accepts' },
  { name: 'a primary and a backup', body: 'server 127.0.0.1:18671;\nserver 127.0.0.1:18672 backup;', nginx: 'accepts' },
  { name: 'no server at all', body: 'keepalive 4;', nginx: 'no servers are inside upstream' },
  { name: 'no server at all, only a zone (open source nginx)', body: 'zone app 64k;', nginx: 'no servers are inside upstream' },
  { name: 'stream: one backup', body: 'server 127.0.0.1:18671 backup;', stream: true, nginx: 'no servers in upstream "app"' },
  { name: 'stream: hash after the backup', body: 'server 127.0.0.1:18671 backup;\nhash $remote_addr;', stream: true, nginx: 'no servers in upstream "app"' },
  { name: 'stream: random before the backup', body: 'random;\nserver 127.0.0.1:18671 backup;', stream: true, nginx: 'balancing method does not support parameter "backup"' },
];

function config(c: Case): string {
  const up = `    upstream app {\n${c.body.split('\n').map((l) => `        ${l}\n`).join('')}    }\n`;
  // The group is not used: nginx checks every group anyway.
  if (c.stream) return `${STREAM}events {}\nstream {\n${up}    server { listen 127.0.0.1:18673; proxy_pass 127.0.0.1:18674; }\n}\n`;
  return `events {}\nhttp {\n${up}    server { listen 127.0.0.1:18670; location / { return 204; } }\n}\n`;
}

for (const c of cases) {
  test(`${ID}: ${c.name} — nginx ${c.nginx === 'accepts' ? 'accepts it' : `says "${c.nginx}"`}, and proxylint agrees`, () => {
    const text = config(c);
    const tree = tempTree({ 'nginx.conf': text });
    try {
      const t = nginxTest(tree.dir, join(tree.dir, 'nginx.conf'));
      if (c.nginx === 'accepts') assert.ok(t.ok, t.output);
      else assert.ok(!t.ok && t.output.includes(`[emerg] ${c.nginx} in `), t.output);
    } finally {
      tree.cleanup();
    }
    const r = lintText(text, { settings: (s) => (s.nginx.edition = 'oss') });
    const found = r.findings.filter((f) => f.ruleId === ID);
    if (c.nginx === 'accepts' || c.nginx.startsWith('balancing method')) {
      assert.deepEqual(found.map((f) => f.message), []);
      if (c.nginx.startsWith('balancing method')) assert.ok(r.findings.some((f) => f.ruleId === 'backup-with-hash-balancing'), 'backup-with-hash-balancing reports it');
      return;
    }
    assert.equal(found.length, 1, found.map((f) => f.message).join('\n'));
    const f = found[0];
    assert.equal(r.at(f).line, c.stream ? 4 : 3, 'on the upstream line');
    assert.ok(f.message.startsWith('nginx will not start: '), f.message);
    assert.ok(f.message.includes(`("${c.nginx}")`), f.message);
  });
}

test(`${ID}: an empty group with a zone is left alone unless the edition is known to be open source (NGINX Plus fills it through its API)`, () => {
  const text = config({ name: '', body: 'zone app 64k;', nginx: 'no servers are inside upstream' });
  assert.deepEqual(lintText(text).findings.filter((f) => f.ruleId === ID), []);
  assert.deepEqual(lintText(text, { settings: (s) => (s.nginx.edition = 'plus') }).findings.filter((f) => f.ruleId === ID), []);
});

test(`${ID}: a group whose servers come from an include is not judged by what is written in the block`, () => {
  const text = 'events {}\nhttp {\n    upstream app {\n        include upstreams/app-*.conf;\n    }\n    server { listen 127.0.0.1:18670; location / { proxy_pass http://app; } }\n}\n';
  assert.deepEqual(lintText(text, { settings: (s) => (s.nginx.edition = 'oss') }).findings.filter((f) => f.ruleId === ID), []);
});

test(`${ID}: the suggestions take "backup" off one server each`, () => {
  const text = config(cases[0]);
  const f = lintText(text).findings.find((x) => x.ruleId === ID)!;
  assert.deepEqual(f.suggestions.map((s) => s.title), ['Remove "backup" from 127.0.0.1:18671 (it becomes the primary server)', 'Remove "backup" from 127.0.0.1:18672 (it becomes the primary server)']);
});
