/**
 * Input generators for the fuzz and property suites (fast-check arbitraries, so failures shrink):
 * random bytes through the file decoder, random Unicode text, token soups of nginx and Apache syntax, and mutations
 * of real configuration files (the shared corpus when it is there, else the project's own fixtures and examples):
 * deleted, duplicated and swapped bytes and lines, stray quotes and braces, huge arguments, truncation.
 */
import fc from 'fast-check';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { decode } from '../../server/src/node/node-host';
import { classify } from '../../server/src/cli/classify';
import { ROOT, SHARED } from '../helpers';
import { SETTINGS_VARIANTS, type FuzzCase } from './properties';
import { APX_LOG, NGX_LOG } from '../../server/src/core/docs/log-lines';

const DIR = '/fz';

// ---------------------------------------------------------------------------------------------------------------
// Seed files

export interface SeedFile {
  /** Where it came from, for reports. */
  source: string;
  dialect: 'nginx' | 'apache';
  text: string;
}

const MAX_SEED_BYTES = 64 * 1024;

function walk(dir: string, out: string[]) {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    const st = statSync(p);
    if (st.isDirectory()) walk(p, out);
    else if (st.isFile() && st.size <= MAX_SEED_BYTES && st.size > 0) out.push(p);
  }
}

let seeds: SeedFile[] | undefined;

/** Every corpus file up to 64 KiB (plus the project's fixtures and examples), decoded as proxylint reads it. */
export function seedFiles(): SeedFile[] {
  if (seeds) return seeds;
  const paths: string[] = [];
  const corpus = process.env.PROXYLINT_CORPUS ?? join(SHARED, 'corpus');
  for (const d of [join(corpus, 'nginx'), join(corpus, 'apache'), join(corpus, 'templated'), join(ROOT, 'test', 'rules'), join(ROOT, 'examples')]) if (existsSync(d)) walk(d, paths);
  seeds = [];
  for (const p of paths) {
    if (/\.(ts|md|json)$/.test(p)) continue;
    const d = decode(readFileSync(p));
    if ('binary' in d) continue;
    const dialect = p.includes('/apache/') || classify(p, d.text) === 'apache' ? 'apache' : 'nginx';
    seeds.push({ source: relative(join(ROOT, '..'), p), dialect, text: d.text });
  }
  return seeds;
}

// ---------------------------------------------------------------------------------------------------------------
// Building blocks

/** Sibling files every case can include (`include a.conf;`, `include *.conf;`, an include cycle back to itself). */
function siblings(dialect: 'nginx' | 'apache', self: string): Record<string, string> {
  if (dialect === 'apache') {
    return {
      [`${DIR}/conf/a.conf`]: 'ProxyPass /a http://a.example/\nInclude conf/b.conf\n',
      [`${DIR}/conf/b.conf`]: `<Proxy balancer://grp>\nBalancerMember http://b1:8080\n</Proxy>\nInclude ${self}\n`,
    };
  }
  return {
    [`${DIR}/a.conf`]: 'upstream app { server 10.0.0.1:8080; server b.example:80 backup; keepalive 8; }\ninclude b.conf;\n',
    [`${DIR}/b.conf`]: `proxy_read_timeout 3s;\ninclude ${self.slice(DIR.length + 1)};\n`,
  };
}

const NGINX_WORDS = [
  'events', 'http', 'server', 'location', 'upstream', 'stream', 'map', 'geo', 'types', 'if', 'limit_except', 'split_clients', 'match',
  'include', 'listen', 'server_name', 'proxy_pass', 'fastcgi_pass', 'uwsgi_pass', 'grpc_pass', 'scgi_pass', 'proxy_read_timeout',
  'proxy_connect_timeout', 'proxy_send_timeout', 'proxy_next_upstream', 'proxy_next_upstream_tries', 'proxy_next_upstream_timeout',
  'proxy_http_version', 'proxy_set_header', 'proxy_buffering', 'proxy_buffer_size', 'proxy_buffers', 'proxy_busy_buffers_size',
  'proxy_cache_valid', 'proxy_ssl_verify', 'proxy_ssl_server_name', 'proxy_request_buffering', 'keepalive', 'keepalive_timeout',
  'resolver', 'resolver_timeout', 'zone', 'health_check', 'least_conn', 'ip_hash', 'hash', 'random', 'backup', 'max_fails=0',
  'fail_timeout=10s', 'resolve', 'weight=2', 'content_by_lua_block', 'set', 'return', 'rewrite', 'add_header', 'root', 'default',
  'hostnames', 'fastcgi_keep_conn', 'uwsgi_read_timeout', 'grpc_read_timeout', 'proxy_timeout', 'large_client_header_buffers',
  'http://app', 'https://app:443/', 'http://127.0.0.1:8080', 'http://localhost', 'http://$host$uri', 'unix:/run/app.sock:', 'unix:rel.sock',
  'app', 'app_backend', '10.0.0.1:80', '[::1]:8443', 'example.com', '$http_upgrade', '$connection_upgrade', 'Upgrade', 'Connection',
  '"upgrade"', 'close', 'error', 'timeout', 'http_502', 'http_504', 'non_idempotent', 'off', 'on', 'any', '1.1', '1.0', '0', '1', '2s',
  '60s', '1m30s', '500ms', '4k', '8 4k', '16k', '1h', '~', '~*', '^~', '=', '/', '/api/', '@named', '^/v{1,3}/', '${var}', '$1', 'a.conf',
  '*.conf', 'b.conf', '/etc/nginx/mime.types', 'valid=30s', 'ipv6=off', '127.0.0.53', 'ssl', 'http2', '443', '80',
];
const NGINX_PUNCT = [';', ';', ';', '{', '}', '{', '}', '"', "'", '\\', '#', '\n', '\n', '\r\n', '\t', ' ', '$', '(', ')', '\u00e9', '\uFEFF', '\u0000', '\uD800'];
const NGINX_COMMENTS = [
  '# proxylint-disable-next-line read-timeout-too-low -- health checks fail fast\n',
  '# proxylint-disable-line undefined-upstream\n',
  '# proxylint-disable-next-line nonsense-rule -- x\n',
  '# proxylint: context http\n',
  '# proxylint: context location\n',
  '# a comment { with ; braces }\n',
];

const APACHE_WORDS = [
  '<VirtualHost *:80>', '</VirtualHost>', '<Location /api>', '</Location>', '<Proxy balancer://grp>', '</Proxy>', '<IfModule mod_proxy.c>',
  '</IfModule>', '<Directory /var/www>', '</Directory>', '<Macro M $x>', '</Macro>', 'Use M 1', '<LocationMatch ^/x>', '</LocationMatch>',
  'ProxyPass', 'ProxyPassReverse', 'ProxyPassMatch', 'ProxySet', 'BalancerMember', 'ProxyTimeout', 'Timeout', 'ProxyPreserveHost',
  'SSLProxyEngine', 'LoadModule', 'proxy_module', 'proxy_http_module', 'modules/mod_proxy.so', 'Include', 'IncludeOptional', 'conf/a.conf',
  'conf/*.conf', 'Define', 'UnDefine', '${X}', 'ServerRoot', 'ServerName', 'RewriteRule', 'RewriteEngine', 'Header', 'KeepAlive',
  '/', '/api', '/api/', '!', 'http://backend:8080/', 'https://b/', 'ws://b/', 'h2://b/', 'balancer://grp/', 'unix:/run/a.sock|http://x/',
  'fcgi://127.0.0.1:9000/', 'connectiontimeout=5', 'timeout=1', 'retry=0', 'keepalive=On', 'ttl=300', 'hcmethod=GET', 'hcuri=/h',
  'upgrade=websocket', 'responsefieldsize=100', 'failonstatus=503', 'lbmethod=byrequests', 'max=0', 'On', 'Off', '60', '300', '"quoted value"',
  "'single'", '# not a comment', '\\\n', '\\\r\n',
];
const APACHE_PUNCT = ['\n', '\n', '\n', ' ', ' ', '\t', '"', "'", '<', '>', '</', '\\', '#', '\r\n', '\u00e9', '\u0000'];

const pick = (words: string[]) => fc.constantFrom(...words);
const smallWord = fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 6 });

function soup(words: string[], punct: string[], extra: fc.Arbitrary<string>[] = []) {
  const token = fc.oneof(
    { weight: 6, arbitrary: pick(words) },
    { weight: 4, arbitrary: pick(punct) },
    { weight: 1, arbitrary: smallWord },
    ...extra.map((arbitrary) => ({ weight: 1, arbitrary })),
  );
  const sep = fc.constantFrom(' ', ' ', ' ', '', '\n', '    ');
  return fc.array(fc.tuple(token, sep), { maxLength: 200 }).map((parts) => parts.map(([t, s]) => t + s).join(''));
}

// ---------------------------------------------------------------------------------------------------------------
// Mutations

export type Mutation =
  | { op: 'delete-bytes' | 'duplicate-bytes'; at: number; len: number }
  | { op: 'swap-bytes'; at: number; to: number; len: number }
  | { op: 'delete-line' | 'duplicate-line'; line: number }
  | { op: 'swap-lines'; line: number; other: number }
  | { op: 'insert'; at: number; text: string }
  | { op: 'huge-argument'; at: number; size: number; char: string }
  | { op: 'truncate'; at: number };

const INSERTS = ['"', "'", '{', '}', ';', '\\', '#', '\n', '{ {', '} }', '"\\', '<', '>', '</VirtualHost>', '<Location /x>', 'include a.conf;', 'include *.conf;', 'Include conf/a.conf\n', '${', '$', '\u0000', '\uFFFD', '\r'];

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 10, arbitrary: fc.record({ op: fc.constantFrom('delete-bytes' as const, 'duplicate-bytes' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 64 }) }) },
  { weight: 10, arbitrary: fc.record({ op: fc.constant('swap-bytes' as const), at: fc.nat(), to: fc.nat(), len: fc.integer({ min: 1, max: 32 }) }) },
  { weight: 10, arbitrary: fc.record({ op: fc.constantFrom('delete-line' as const, 'duplicate-line' as const), line: fc.nat() }) },
  { weight: 10, arbitrary: fc.record({ op: fc.constant('swap-lines' as const), line: fc.nat(), other: fc.nat() }) },
  { weight: 10, arbitrary: fc.record({ op: fc.constant('insert' as const), at: fc.nat(), text: fc.oneof(fc.constantFrom(...INSERTS), fc.constantFrom(...NGINX_WORDS), fc.constantFrom(...APACHE_WORDS)) }) },
  // Rare, because a 100k-character run of "{" makes 100k findings and costs a second to lint and check.
  { weight: 1, arbitrary: fc.record({ op: fc.constant('huge-argument' as const), at: fc.nat(), size: fc.integer({ min: 1000, max: 100_000 }), char: fc.constantFrom('a', '"', '{', '$', '\\', ' ', 'é') }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }) },
);

function splitLines(text: string): string[] {
  return text.split(/(?<=\n)/);
}

export function mutate(text: string, m: Mutation): string {
  const n = text.length;
  const at = (k: number) => (n === 0 ? 0 : k % (n + 1));
  switch (m.op) {
    case 'delete-bytes': {
      const a = at(m.at);
      return text.slice(0, a) + text.slice(a + m.len);
    }
    case 'duplicate-bytes': {
      const a = at(m.at);
      return text.slice(0, a + m.len) + text.slice(a, a + m.len) + text.slice(a + m.len);
    }
    case 'swap-bytes': {
      let a = at(m.at), b = at(m.to);
      if (a > b) [a, b] = [b, a];
      const len = Math.min(m.len, b - a);
      if (len <= 0) return text;
      return text.slice(0, a) + text.slice(b, b + len) + text.slice(a + len, b) + text.slice(a, a + len) + text.slice(b + len);
    }
    case 'delete-line':
    case 'duplicate-line': {
      const lines = splitLines(text);
      if (lines.length === 0) return text;
      const k = m.line % lines.length;
      if (m.op === 'delete-line') lines.splice(k, 1);
      else lines.splice(k, 0, lines[k]);
      return lines.join('');
    }
    case 'swap-lines': {
      const lines = splitLines(text);
      if (lines.length < 2) return text;
      const a = m.line % lines.length, b = m.other % lines.length;
      [lines[a], lines[b]] = [lines[b], lines[a]];
      return lines.join('');
    }
    case 'insert': {
      const a = at(m.at);
      return text.slice(0, a) + m.text + text.slice(a);
    }
    case 'huge-argument': {
      const a = at(m.at);
      return text.slice(0, a) + ' ' + m.char.repeat(m.size) + ' ' + text.slice(a);
    }
    case 'truncate':
      return text.slice(0, at(m.at));
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Case arbitraries

const variant = fc.integer({ min: 0, max: SETTINGS_VARIANTS.length - 1 });

function caseOf(dialect: 'nginx' | 'apache', text: string, settings: number, name = dialect === 'nginx' ? 'nginx.conf' : 'site.conf'): FuzzCase {
  const path = dialect === 'apache' ? `${DIR}/${name}` : `${DIR}/${name}`;
  return { dialect, path, text, files: siblings(dialect, path), settings };
}

/** Random bytes, decoded by the property as the CLI decodes a file (UTF-8, Latin-1 fallback, UTF-16 with a BOM). */
export const bytesCase = fc
  .tuple(fc.uint8Array({ maxLength: 3000 }), fc.constantFrom('', '\xff\xfe', '\xfe\xff', '\xef\xbb\xbf'), fc.constantFrom<'nginx' | 'apache'>('nginx', 'apache'), variant)
  .map(([bytes, bom, dialect, settings]) => ({ ...caseOf(dialect, '', settings), bytes: Buffer.concat([Buffer.from(bom, 'latin1'), Buffer.from(bytes)]).toString('base64') }));

/** Random Unicode text (lone surrogates and control characters included). */
export const unicodeCase = fc
  .tuple(fc.string({ unit: 'binary', maxLength: 2000 }), fc.constantFrom<'nginx' | 'apache'>('nginx', 'apache'), variant)
  .map(([text, dialect, settings]) => caseOf(dialect, text, settings));

export const nginxSoupCase = fc
  .tuple(soup(NGINX_WORDS, NGINX_PUNCT, [pick(NGINX_COMMENTS)]), variant, fc.constantFrom('nginx.conf', 'site.conf', 'snippet.conf'))
  .map(([text, settings, name]) => caseOf('nginx', text, settings, name));

export const apacheSoupCase = fc
  .tuple(soup(APACHE_WORDS, APACHE_PUNCT), variant, fc.constantFrom('site.conf', 'httpd.conf', '.htaccess'))
  .map(([text, settings, name]) => caseOf('apache', text, settings, name));

/** A seed file with up to 8 mutations. */
export function corpusCase(files: SeedFile[] = seedFiles()) {
  return fc
    .tuple(fc.nat({ max: files.length - 1 }), fc.array(mutation, { maxLength: 8 }), variant)
    .map(([k, ms, settings]) => {
      const seed = files[k];
      const text = ms.reduce(mutate, seed.text);
      return { ...caseOf(seed.dialect, text, settings, seed.dialect === 'nginx' ? (seed.source.endsWith('nginx.conf') ? 'nginx.conf' : 'site.conf') : 'site.conf'), source: seed.source };
    });
}

export const KINDS = ['bytes', 'unicode', 'nginx-soup', 'apache-soup', 'corpus', 'log'] as const;
export type Kind = (typeof KINDS)[number];

export function arbitraryFor(kind: Kind): fc.Arbitrary<FuzzCase & { source?: string }> {
  switch (kind) {
    case 'bytes':
      return bytesCase;
    case 'unicode':
      return unicodeCase;
    case 'nginx-soup':
      return nginxSoupCase;
    case 'apache-soup':
      return apacheSoupCase;
    case 'corpus':
      return corpusCase();
    case 'log':
      return logCase;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Error logs for `proxylint explain`

/**
 * Names, paths and backends shared by the generated configurations and log lines, so that most lines name a server,
 * location or backend that exists and the placement code runs; odd values (empty, huge, non-ASCII, traversal,
 * regex-looking) are among them.
 */
const LOG_HOSTS = ['shop.example.com', 'api.test', 'Shop.Example.COM.', 'www.api.test', '_', '', 'localhost', 'ex\u00e9.test', '[::1]', '127.0.0.1:8080', 'a'.repeat(300), '*.wild.test', '~^(?<t>.+)\\.test$'];
const LOG_PATHS = ['/', '/api/', '/api/users?x=1', '/api', '/static/../etc/passwd', '//x', '/%2e%2e/', '/a b', '/ws', '/x/\u0000/', '@fallback', '', '*', 'http://other/', '/' + 'p'.repeat(2000), '/api/v1/orders/12'];
const LOG_BACKENDS = ['127.0.0.1:9101', '127.0.0.1:19001', 'app', 'app_6', '[::1]:8443', 'unix:/run/app.sock', '10.0.0.1:50051', 'b1:8080', 'localhost:8000', '', 'x:99999'];
const LOG_SCHEMES = ['http', 'https', 'fastcgi', 'uwsgi', 'grpc', 'scgi', 'ws'];

/** The first three values of each list are the common ones: picked most of the time, so lines and blocks meet. */
const logPick = <T>(xs: readonly T[]) => fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...xs.slice(0, 3)) }, { weight: 1, arbitrary: fc.constantFrom(...xs) });

/** An nginx configuration made of the shared names: servers, locations of every kind, passes and groups. */
const generatedNginx = fc
  .array(
    fc.record({
      name: logPick(LOG_HOSTS),
      port: fc.constantFrom('80', '443 ssl', '8080 default_server', '127.0.0.1:8050'),
      locations: fc.array(fc.record({ mod: fc.constantFrom('', '= ', '^~ ', '~ ', '~* '), path: logPick(LOG_PATHS), scheme: logPick(LOG_SCHEMES), backend: logPick(LOG_BACKENDS), extra: fc.constantFrom('', 'proxy_read_timeout 3s;', 'fastcgi_read_timeout 2s; fastcgi_connect_timeout 90s;', 'try_files $uri @fallback;', 'proxy_next_upstream off;', 'proxy_next_upstream_tries 1;', 'rewrite ^ /api/ last;', 'resolver 127.0.0.1; proxy_buffer_size 1k;') }), { maxLength: 5 }),
      timeouts: fc.constantFrom('', 'proxy_connect_timeout 5s;', 'proxy_read_timeout 600s; proxy_send_timeout 10s;'),
    }),
    { maxLength: 4 },
  )
  .map((servers) => {
    const passOf = (scheme: string) => (scheme === 'https' || scheme === 'ws' ? 'proxy' : scheme === 'http' ? 'proxy' : scheme);
    const out = ['events {}', 'http {', '  upstream app { server 127.0.0.1:9101; server 127.0.0.1:9102; keepalive 4; }', '  upstream app_6 { server 10.0.0.6:80 max_fails=0; }'];
    for (const s of servers) {
      out.push(`  server { listen ${s.port}; server_name ${s.name || '""'}; ${s.timeouts}`);
      for (const l of s.locations) {
        const target = passOf(l.scheme) === 'proxy' ? `${l.scheme === 'ws' ? 'http' : l.scheme}://${l.backend}` : l.backend;
        out.push(`    location ${l.mod}${l.path || '/'} { ${passOf(l.scheme)}_pass ${target || 'app'}; ${l.extra} }`);
      }
      out.push('  }');
    }
    out.push('}');
    return out.join('\n') + '\n';
  });

/** An httpd configuration of the shared names: virtual hosts, ProxyPass to workers, a balancer. */
const generatedApache = fc
  .array(fc.record({ name: logPick(LOG_HOSTS), path: logPick(LOG_PATHS), scheme: logPick(LOG_SCHEMES), backend: logPick(LOG_BACKENDS), params: fc.constantFrom('', ' timeout=5', ' connectiontimeout=2 retry=0', ' keepalive=On') }), { maxLength: 6 })
  .map((rules) => {
    const out = ['LoadModule proxy_module modules/mod_proxy.so', 'LoadModule proxy_http_module modules/mod_proxy_http.so', 'ProxyTimeout 30', '<Proxy balancer://grp>', 'BalancerMember http://127.0.0.1:9101', 'BalancerMember http://127.0.0.1:9102 status=+H', '</Proxy>'];
    for (const r of rules) {
      out.push(`<VirtualHost *:80>`, `ServerName ${r.name || 'x'}`, `ProxyPass ${r.path || '/'} ${r.scheme}://${r.backend}/${r.params}`, `ProxyPass /grp balancer://grp/`, `</VirtualHost>`);
    }
    return out.join('\n') + '\n';
  });

const NGX_MESSAGES = Object.values(NGX_LOG);
const APX_MESSAGES = Object.values(APX_LOG);

/** One nginx error-log line: a known message with a random set of the request fields nginx appends. */
const nginxLogLine = fc
  .record({
    level: fc.constantFrom('error', 'crit', 'warn', 'emerg', 'notice', 'info'),
    message: fc.oneof({ weight: 8, arbitrary: logPick(NGX_MESSAGES) }, { weight: 1, arbitrary: fc.string({ maxLength: 40 }) }),
    server: fc.option(logPick(LOG_HOSTS)),
    method: fc.constantFrom('GET', 'POST', 'PUT', 'CONNECT', ''),
    path: fc.option(logPick(LOG_PATHS)),
    sub: fc.option(logPick(LOG_PATHS), { freq: 5 }),
    scheme: logPick(LOG_SCHEMES),
    backend: fc.option(logPick(LOG_BACKENDS)),
    upath: logPick(LOG_PATHS),
    host: fc.option(logPick(LOG_HOSTS)),
    // Mostly one connection a moment apart, so that lines form requests (nginx-requests.ts) and are split again.
    connection: fc.constantFrom('*17', '*17', '*17', '*18'),
    second: fc.constantFrom('01', '01', '02', '04', '00'),
  })
  .map((r) => {
    const parts = [`2026/11/22 13:40:${r.second} [${r.level}] 4242#4242: ${r.connection} ${r.message}, client: 10.1.2.3`];
    if (r.server !== null) parts.push(`server: ${r.server}`);
    if (r.path !== null) parts.push(`request: "${r.method} ${r.path} HTTP/1.1"`);
    if (r.sub !== null) parts.push(`subrequest: "${r.sub}"`);
    if (r.backend !== null) parts.push(`upstream: "${r.scheme}://${r.backend}${r.upath}"`);
    if (r.host !== null) parts.push(`host: "${r.host}"`);
    return parts.join(', ');
  });

/** One httpd error-log line: a known message in httpd's prefix, sometimes with a client and a backend of the shared names. */
const apacheLogLine = fc
  .record({
    module: fc.constantFrom('proxy', 'proxy_http', 'proxy_fcgi', 'proxy_balancer', 'core', 'ssl'),
    message: fc.oneof({ weight: 8, arbitrary: logPick(APX_MESSAGES) }, { weight: 1, arbitrary: fc.string({ maxLength: 40 }) }),
    backend: logPick(LOG_BACKENDS),
    path: logPick(LOG_PATHS),
    tid: fc.nat({ max: 3 }),
  })
  .map((r) => `[Sun Nov 22 13:40:01.123456 2026] [${r.module}:error] [pid 4242:tid ${r.tid}] ${r.message.replace(/127\.0\.0\.1(:\d+)?/g, r.backend).replace('/slow', r.path)}`);

/**
 * What httpd prints when it refuses a configuration: "AH00526: Syntax error on line N of FILE:" and the reason on the
 * next line (explain joins them and places them at FILE:N), the one-line form of a refused LoadModule, or an .htaccess
 * line. The files are the case's own (httpd.conf), one by another path with the same name, and odd ones.
 */
const httpdStartupLines = fc
  .record({
    form: fc.constantFrom('two', 'two', 'one', 'htaccess', 'head'),
    file: fc.constantFrom('/fz/httpd.conf', '/etc/apache2/httpd.conf', '/etc/apache2/sites-enabled/app.conf', 'httpd.conf', '', '/', '/x/.htaccess', 'C:/Apache24/conf/httpd.conf'),
    line: fc.constantFrom(0, 1, 2, 3, 5, 8, 13, 99999),
    reason: fc.oneof(
      fc.constantFrom("Invalid command 'ProxyTimout', perhaps misspelled or defined by a module not included in the server configuration", 'ProxyTimeout not allowed in <Location> context', "ProxySet can not find 'http://127.0.0.1:9101/' Worker.", 'ProxyPass unknown Worker parameter', 'ProxyPreserveHost must be On or Off', 'module so_module is built-in and can\'t be loaded'),
      fc.string({ maxLength: 40 }),
    ),
  })
  .map((r) =>
    r.form === 'htaccess'
      ? `[Sun Nov 22 13:40:01.123456 2026] [core:alert] [pid 4242:tid 1] [client 10.1.2.3:5000] ${r.file}: ${r.reason}`
      : r.form === 'one'
        ? `apache2: Syntax error on line ${r.line} of ${r.file}: ${r.reason}`
        : `AH00526: Syntax error on line ${r.line} of ${r.file}:${r.form === 'two' ? `\n${r.reason}` : ''}`,
  );

/** How logs reach people: plain, as Docker json-file records, with a compose or CRI prefix, with CRLF, through syslog. */
const wrapped = (line: fc.Arbitrary<string>) =>
  fc.tuple(line, fc.constantFrom('plain', 'plain', 'plain', 'docker', 'compose', 'cri', 'crlf', 'datagram', 'rsyslog', 'journal')).map(([l, how]) => {
    switch (how) {
      case 'datagram':
        return `<187>Nov 22 13:40:01 vm nginx: ${l}`;
      case 'rsyslog':
        return `2026-11-22T13:40:01.123456+00:00 vm nginx: ${l}`;
      case 'journal':
        return `Nov 22 13:40:01 vm apache2[4242]: ${l}`;
      case 'docker':
        return JSON.stringify({ log: l + '\n', stream: 'stderr', time: '2026-11-22T13:40:01.123Z' });
      case 'compose':
        return `web-1  | ${l}`;
      case 'cri':
        return `2026-11-22T13:40:01.123456789Z stderr F ${l}`;
      case 'crlf':
        return l + '\r';
      default:
        return l;
    }
  });

/** A log line, mostly of the configuration's own server, possibly damaged by the mutations the configuration files get. */
const logLine = (dialect: 'nginx' | 'apache') =>
  fc
    .tuple(
      fc.oneof(
        { weight: 8, arbitrary: wrapped(dialect === 'nginx' ? nginxLogLine : apacheLogLine) },
        { weight: 1, arbitrary: wrapped(dialect === 'nginx' ? nginxLogLine : httpdStartupLines) },
        { weight: 1, arbitrary: wrapped(dialect === 'nginx' ? apacheLogLine : nginxLogLine) },
        { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
        { weight: 1, arbitrary: fc.constant('') },
      ),
      fc.array(mutation, { maxLength: 2 }),
    )
    .map(([l, ms]) => ms.reduce(mutate, l));

/**
 * A configuration (generated from the shared names, or a mutated seed file) with an error log to explain against it.
 * The property lints the configuration and runs `explain` over the log (core, CLI text and JSON output).
 */
export const logCase = fc
  .tuple(
    fc.oneof(
      { weight: 3, arbitrary: generatedNginx.map((text) => ({ dialect: 'nginx' as const, text })) },
      { weight: 2, arbitrary: generatedApache.map((text) => ({ dialect: 'apache' as const, text })) },
      { weight: 1, arbitrary: fc.nat().map((k) => { const files = seedFiles(); const s = files[k % files.length]; return { dialect: s.dialect, text: s.text, source: s.source }; }) },
    ),
    variant,
  )
  .chain(([cfg, settings]) => fc.array(logLine(cfg.dialect), { maxLength: 30 }).map((lines) => [cfg, lines, settings] as const))
  .map(([cfg, lines, settings]) => ({ ...caseOf(cfg.dialect, cfg.text, settings, cfg.dialect === 'nginx' ? 'nginx.conf' : 'httpd.conf'), log: lines.join('\n'), ...('source' in cfg ? { source: cfg.source } : {}) }));
