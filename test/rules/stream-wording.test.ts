// Findings on stream {} configurations must speak of connections and sessions: a stream server has no requests and
// no HTTP status (what the client sees is its connection closed; the stream access log's $status may still say 502).
// Every text a finding carries is checked: message, related places, fix and suggestion titles.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Finding } from '../../server/src/core/finding';
import { lintText } from '../helpers';

const HEAD = 'load_module /usr/lib/nginx/modules/ngx_stream_module.so;\nevents {}\n';

/** Words of http proxying; "$status 502" (the stream access log) is allowed. */
const HTTP_ONLY = /\brequests?\b|\bHTTP\b|(?<!\$status (?:says )?)\b50[234]\b/;

function texts(f: Finding): string[] {
  return [f.message, ...f.related.map((r) => r.message), ...(f.fix ? [f.fix.title] : []), ...f.suggestions.map((s) => s.title)];
}

const CASES: { name: string; rule: string; text: string; also?: (f: Finding[]) => void }[] = [
  {
    name: 'a backup server in a hashed group',
    rule: 'backup-with-hash-balancing',
    text: `${HEAD}stream {
    upstream db {
        hash $remote_addr consistent;
        server 10.0.0.1:5432;
        server 10.0.0.2:5432 backup;
    }
    upstream rnd {
        random two least_conn;
        server 10.0.0.1:5432;
        server 10.0.0.2:5432 backup;
    }
    server {
        listen 5432;
        proxy_pass db;
    }
    server {
        listen 5433;
        proxy_pass rnd;
    }
}
`,
    also: (fs) => {
      const titles = fs.flatMap((f) => f.suggestions.map((s) => s.title));
      assert.ok(titles.includes('Remove "hash $remote_addr consistent" (round robin keeps the backup, but connections lose their affinity)'), titles.join('\n'));
      // random pins nothing to a server: there is no affinity to lose.
      assert.ok(titles.includes('Remove "random two least_conn" (round robin keeps the backup)'), titles.join('\n'));
    },
  },
  {
    name: 'proxy_next_upstream off before a group with spare servers',
    rule: 'next-upstream-off-with-spare-servers',
    text: `${HEAD}stream {
    proxy_next_upstream off;
    upstream redis {
        server 10.0.0.1:6379;
        server 10.0.0.2:6379;
    }
    server {
        listen 6379;
        proxy_pass redis;
    }
}
`,
    also: (fs) => assert.deepEqual(fs.flatMap((f) => f.related.map((r) => r.message)), ['connections to upstream "redis" use it here']),
  },
  {
    name: 'a group of four with no retry limit',
    rule: 'unbounded-retries',
    text: `${HEAD}stream {
    proxy_connect_timeout 30s;
    upstream pg {
        server 10.0.0.1:5432;
        server 10.0.0.2:5432;
        server 10.0.0.3:5432;
        server 10.0.0.4:5432;
    }
    server {
        listen 5432;
        proxy_pass pg;
    }
}
`,
  },
  {
    name: 'a variable proxy_pass with the default resolver_timeout',
    rule: 'resolver-timeout-too-long',
    text: `${HEAD}stream {
    resolver 10.0.0.53;
    map $ssl_preread_server_name $backend {
        default app.internal:443;
    }
    server {
        listen 443;
        ssl_preread on;
        proxy_pass $backend;
    }
}
`,
    also: (fs) => assert.match(fs[0].message, /looks its host up per connection.*\$status 500 in the stream access log/),
  },
];

for (const c of CASES) {
  test(`stream wording: ${c.rule} on ${c.name} says nothing of requests or HTTP statuses`, () => {
    const findings = lintText(c.text).findings.filter((f) => f.ruleId === c.rule);
    assert.ok(findings.length > 0, `${c.rule} reports`);
    for (const f of findings) for (const t of texts(f)) assert.doesNotMatch(t, HTTP_ONLY, t);
    c.also?.(findings);
  });
}
