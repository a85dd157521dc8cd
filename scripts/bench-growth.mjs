#!/usr/bin/env node
// Growth check of `npm run bench` (also on its own: `node scripts/bench-growth.mjs [--n=N]`): does any part of a check
// grow faster than the configuration? Each shape below is one configuration built from many copies of one kind of
// block (locations, upstream groups, TLS servers, variable targets, balancers, …), written at N and 4N copies into
// .bench/growth/. `proxylint --timing` checks each twice (fresh processes, after one untimed warm-up run of the same
// file; the faster run counts), and the table gives the rules phase at both sizes, their ratio, and the slowest rule at 4N.
//
// Work that grows with the input gives a ratio near 4 (more with garbage collection, whose cost grows with the heap);
// a rule that compares every line with every other gives about 16 and soon dominates the run. Rows above 8 are marked
// "!!". Each such case found so far was a rule that looked something up by scanning a whole list once per line (all
// passes, all balancers, every child of http): see the commits that index them. Reported, never asserted: timings on
// a shared 2-core machine vary too much for a pass/fail line.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { table } from './bench-table.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CLI = path.join(ROOT, 'bin', 'proxylint.js');
const DIR = path.join(ROOT, '.bench', 'growth');
export const GROWTH_LIMIT = 8;

const R = (n, f) => Array.from({ length: n }, (_, i) => f(i)).join('\n');

/** nginx shapes: each returns the text of one nginx.conf with about n copies of its block. */
const NGINX = {
  locations: (n) => `events {}\nhttp {\n upstream a { server 10.0.0.1; server 10.0.0.2; }\n server {\n listen 80;\n${R(n, (i) => ` location /p${i}/ { proxy_pass http://a; proxy_read_timeout ${(i % 90) + 1}s; proxy_set_header Upgrade $http_upgrade; }\n location ~ ^/r${i}/(.*)$ { proxy_pass http://10.0.${i % 200}.1:80/$1; }`)}\n }\n}\n`,
  upstreams: (n) => `events {}\nhttp {\n${R(n, (i) => ` upstream u${i} { server 10.${i % 200}.0.1:80 max_fails=3; server 10.${i % 200}.0.2:80; server b${i}.example.com:80 backup; keepalive 4; }`)}\n server { listen 80;\n${R(n, (i) => ` location /u${i} { proxy_pass http://u${i}; }`)}\n }\n}\n`,
  'tls-servers': (n) => `events {}\nhttp {\n${R(n, (i) => ` server { listen 10.0.${i % 200}.${i % 250}:443 ssl; server_name s${i}.x; ssl_certificate /c${i % 10}.pem; ssl_certificate_key /k${i % 10}.pem; location / { proxy_pass https://10.1.0.${i % 250}:8443; proxy_ssl_server_name on; } }`)}\n}\n`,
  listens: (n) => `events {}\nhttp {\n${R(n, (i) => ` server { listen ${8000 + i}; listen 127.0.0.1:${8000 + i}; server_name l${i}.x; location / { proxy_pass http://10.0.0.1; } }`)}\n}\nstream {\n${R(n, (i) => ` server { listen ${30000 + i}; proxy_pass 10.0.0.2:${1000 + i}; }`)}\n}\n`,
  stream: (n) => `events {}\nstream {\n${R(n, (i) => ` upstream s${i} { server 10.0.0.${i % 250}:${1000 + i}; server 10.0.1.${i % 250}:${1000 + i}; }\n server { listen ${20000 + i}; proxy_pass s${i}; proxy_timeout 10m; proxy_connect_timeout 70s; }`)}\n}\n`,
  ifs: (n) => `events {}\nhttp {\n server { listen 80;\n location / {\n${R(n, (i) => `  if ($arg_a = ${i}) { set $x ${i}; proxy_pass http://10.0.0.${i % 250}; }`)}\n }\n }\n}\n`,
  'retry-lines': (n) => `events {}\nhttp {\n upstream a { server 10.0.0.1; server 10.0.0.2; }\n server { listen 80;\n${R(n, (i) => ` location /n${i} { proxy_pass http://a; proxy_next_upstream error timeout non_idempotent; proxy_next_upstream_tries ${1 + (i % 3)}; }`)}\n }\n}\n`,
  'variable-targets': (n) => `events {}\nhttp {\n map $host $m { default m.example.com; }\n server { listen 80;\n${R(n, (i) => ` location /s${i} { proxy_pass http://h${i}.example.com:8080; }\n location /v${i} { set $b h${i}.example.net; proxy_pass http://$b:8080; }\n location /m${i} { proxy_pass http://$m; }`)}\n }\n}\n`,
  zones: (n) => `events {}\nhttp {\n${R(n, (i) => ` limit_req_zone $binary_remote_addr zone=z${i}:1m rate=1r/s;\n proxy_cache_path /var/cache/c${i} keys_zone=k${i}:1m;`)}\n server { listen 80;\n${R(n, (i) => ` location /z${i} { limit_req zone=z${i}; proxy_cache k${i}; proxy_pass http://10.0.0.1; }`)}\n }\n}\n`,
  maps: (n) => `events {}\nhttp {\n${R(Math.ceil(n / 50), (m) => ` map $uri $v${m} {\n default 0;\n${R(50, (i) => `  ~^/a${i}/b(\\d+)$ ${i};`)}\n }`)}\n server { listen 80; location / { proxy_pass http://10.0.0.1; } }\n}\n`,
};

const APACHE_HEAD = [
  'ServerRoot /etc/apache2',
  ...['proxy', 'proxy_http', 'proxy_balancer', 'rewrite', 'lbmethod_byrequests', 'slotmem_shm'].map((m) => `LoadModule ${m}_module modules/mod_${m}.so`),
  'Listen 80',
  '',
].join('\n');

/** Apache shapes: each returns the text of one apache2.conf. */
const APACHE = {
  vhosts: (n) => APACHE_HEAD + R(n, (i) => `<VirtualHost *:80>\n ServerName s${i}.example.com\n ProxyPass /app/ http://10.0.${i % 200}.1:8080/app/ timeout=5 keepalive=On\n ProxyPassReverse /app/ http://10.0.${i % 200}.1:8080/app/\n ProxyPass /b/ balancer://b${i % 50}/\n</VirtualHost>`) + '\n' + R(50, (b) => `<Proxy balancer://b${b}>\n BalancerMember http://10.1.0.${b}:80\n BalancerMember http://10.1.1.${b}:80\n</Proxy>`) + '\n',
  balancers: (n) => APACHE_HEAD + R(n, (i) => `<Proxy balancer://c${i}>\n BalancerMember http://10.2.${i % 200}.1:80 route=a\n BalancerMember http://10.2.${i % 200}.2:80 route=b\n ProxySet lbmethod=byrequests\n</Proxy>\nProxySet balancer://c${i} stickysession=ROUTEID\nProxyPass /c${i}/ balancer://c${i}/`) + '\n',
  'apache-locations': (n) => APACHE_HEAD + '<VirtualHost *:80>\n' + R(n, (i) => ` <Location /l${i}/>\n  ProxyPass http://10.3.${i % 200}.1:80/l${i}/ connectiontimeout=5 timeout=30\n  ProxyPassReverse http://10.3.${i % 200}.1:80/l${i}/\n </Location>`) + '\n</VirtualHost>\n',
  rewrites: (n) => APACHE_HEAD + '<VirtualHost *:80>\n RewriteEngine On\n' + R(n, (i) => ` RewriteRule ^/r${i}/(.*)$ http://10.4.${i % 200}.1:80/$1 [P,L]`) + '\n</VirtualHost>\n',
};

/** One --timing=all run: the rules phase and every rule's time (name → ms), or an error. */
function timingRun(file) {
  const r = spawnSync(process.execPath, [CLI, '--timing=all', '--format', 'json', file], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
  const err = r.stderr ? r.stderr.toString('utf8') : '';
  // Exit 0 or 1 (findings) is a finished check; anything else is a failure worth seeing.
  if (r.status !== 0 && r.status !== 1) return { ok: false, error: `exit ${r.status ?? r.signal}: ${err.split('\n').slice(-3).join(' ')}` };
  const ms = (line) => Number(/\s([\d.]+) ms\s/.exec(line)?.[1]);
  const lines = err.split('\n');
  const rules = lines.find((l) => /^rules\s/.test(l));
  const top = lines.findIndex((l) => l.startsWith('Slowest rules'));
  if (!rules || top < 0) return { ok: false, error: 'no "rules" lines in --timing output' };
  const slowest = {};
  for (const l of lines.slice(top + 1)) if (l.trim()) slowest[l.split(/\s+/)[0]] = ms(l);
  return { ok: true, rulesMs: ms(rules), slowest };
}

/** Writes every shape at n and 4n and checks each twice (the first run is the warm-up); returns one row per shape. */
export function growth(n = 500, log = () => {}) {
  const rows = [];
  for (const [server, shapes, file] of [['nginx', NGINX, 'nginx.conf'], ['apache', APACHE, 'apache2.conf']]) {
    for (const [name, make] of Object.entries(shapes)) {
      const sizes = [n, 4 * n].map((k) => {
        const dir = path.join(DIR, `${name}-${k}`);
        fs.mkdirSync(dir, { recursive: true });
        const p = path.join(dir, file);
        const text = make(k);
        fs.writeFileSync(p, text);
        timingRun(p);
        // The faster of two timed runs: a one-off stall of this machine should not pass for growth.
        const [x, y] = [timingRun(p), timingRun(p)];
        const best = x.ok && y.ok ? (y.rulesMs < x.rulesMs ? y : x) : x.ok ? y : x;
        return { copies: k, lines: text.split('\n').length, ...best };
      });
      const [a, b] = sizes;
      const ratio = a.ok && b.ok ? b.rulesMs / Math.max(a.rulesMs, 0.1) : null;
      // Per rule too: in a fresh process much of a small run is compiling the code, which hides one rule's growth in
      // the phase's total. Only rules that matter at 4N count (100 ms and a fifth of the phase): a small rule's time is
      // mostly compiling and whichever garbage collection happened to run inside it, and its ratio is noise.
      let worst;
      if (a.ok && b.ok) {
        for (const [rule, ms] of Object.entries(b.slowest)) {
          if (ms < 100 || ms < b.rulesMs / 5 || a.slowest[rule] === undefined) continue;
          const r = ms / Math.max(a.slowest[rule], 0.1);
          if (!worst || r > worst.ratio) worst = { rule, ms, ratio: r };
        }
      }
      log(`growth ${server} ${name}: ${a.ok ? a.rulesMs.toFixed(0) : 'FAILED'} -> ${b.ok ? b.rulesMs.toFixed(0) : 'FAILED'} ms`);
      rows.push({ server, shape: name, small: a, large: b, ratio, worst });
    }
  }
  return rows;
}

/** The shapes where the rules phase or one rule grew more than GROWTH_LIMIT times for 4 times the input. */
export function grewTooFast(rows) {
  return rows.filter((r) => (r.ratio ?? 0) > GROWTH_LIMIT || (r.worst?.ratio ?? 0) > GROWTH_LIMIT);
}

/** The table of growth rows, for the bench's report. */
export function growthTable(rows) {
  const ms = (x) => (x == null ? 'n/a' : `${x.toFixed(x < 10 ? 1 : 0)} ms`);
  return table(
    ['server', 'shape', 'lines N / 4N', 'rules at N', 'rules at 4N', `ratio (<${GROWTH_LIMIT})`, 'fastest-growing rule at 4N (of those over 100 ms and 20%)', `its ratio (<${GROWTH_LIMIT})`],
    rows.map((r) => [
      r.server,
      r.shape,
      `${r.small.lines.toLocaleString('en-US')} / ${r.large.lines.toLocaleString('en-US')}`,
      r.small.ok ? ms(r.small.rulesMs) : `FAILED: ${r.small.error}`,
      r.large.ok ? ms(r.large.rulesMs) : `FAILED: ${r.large.error}`,
      r.ratio == null ? 'n/a' : `${r.ratio.toFixed(1)}${r.ratio > GROWTH_LIMIT ? ' !!' : ''}`,
      r.worst ? `${r.worst.rule} (${ms(r.worst.ms)})` : '-',
      r.worst ? `${r.worst.ratio.toFixed(1)}${r.worst.ratio > GROWTH_LIMIT ? ' !!' : ''}` : '-',
    ]),
  );
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const n = Number(process.argv.find((a) => a.startsWith('--n='))?.split('=')[1]) || 500;
  const rows = growth(n, (s) => process.stderr.write(`${s}\n`));
  console.log(growthTable(rows));
  const over = grewTooFast(rows);
  console.log(over.length ? `\n${over.length} shape(s) grew more than ${GROWTH_LIMIT}x for 4x the input: ${over.map((r) => r.shape).join(', ')}` : `\nno shape grew more than ${GROWTH_LIMIT}x for 4x the input`);
}
