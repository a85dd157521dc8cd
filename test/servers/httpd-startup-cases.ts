import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

// Site files httpd 2.4.71 refuses, each with the rule that catches it and the explain pattern its `apache2 -t` output
// is: test/servers/explain-apache-startup.test.ts runs them through the real apache2, and
// scripts/collect-httpd-startup-lines.ts wrote what it printed for them into the unit tests' fixture.

/** The modules loaded around a site file (`modules` of a case replaces them). */
export const STARTUP_MODULES = ['mpm_event', 'authz_core', 'proxy', 'proxy_http', 'proxy_balancer', 'slotmem_shm', 'lbmethod_byrequests', 'proxy_hcheck', 'ssl', 'headers', 'rewrite'];

export interface StartupCase {
  rule: string;
  pattern: string;
  /** The site file (Included by the main file); the refused line is marked with `# refused` (the mark is removed). */
  site: string;
  modules?: string[];
  /** Lines for the main file, before its Include (a LoadModule httpd refuses while reading it). */
  main?: string;
}

const vhost = (body: string) => `<VirtualHost 127.0.0.1:18499>\n${body}\n</VirtualHost>\n`;

export const STARTUP_CASES: StartupCase[] = [
  { rule: 'apache-unknown-directive', pattern: 'apache-startup-invalid-command', site: vhost('    ProxyPass "/app/" "http://127.0.0.1:18498/"\n    ProxyTimout 30 # refused') },
  { rule: 'apache-unknown-directive', pattern: 'apache-startup-invalid-command', site: vhost('    RewriteEngine On\n    RewriteLogLevel 3 # refused') },
  { rule: 'apache-module-not-loaded', pattern: 'apache-startup-invalid-command', modules: ['mpm_event', 'authz_core', 'proxy', 'proxy_http'], site: vhost('    SSLProxyEngine On # refused\n    ProxyPass "/app/" "https://127.0.0.1:18498/"') },
  { rule: 'trunk-only-directive', pattern: 'apache-startup-invalid-command', site: vhost('    ProxyPass "/ws/" "ws://127.0.0.1:18498/"\n    ProxyWebsocketIdleTimeout 300 # refused') },
  { rule: 'loadmodule-built-in', pattern: 'apache-startup-module-built-in', main: 'LoadModule so_module /usr/lib/apache2/modules/mod_so.so # refused', site: '# nothing\n' },
  // Refused while the Include is read: "apache2: Syntax error on line N of apache2.conf: Syntax error on line 2 of …/app.conf: …".
  { rule: 'loadmodule-built-in', pattern: 'apache-startup-module-built-in', site: '# modules of this site\nLoadModule version_module /usr/lib/apache2/modules/mod_version.so # refused\n' },
  { rule: 'utf8-bom-at-file-start', pattern: 'apache-startup-file-encoding', site: '\ufeffServerAdmin ops@example.com # refused\n' },
  { rule: 'include-not-found', pattern: 'apache-startup-include', site: 'Include /nonexistent-proxylint/extra.conf # refused\n' },
  { rule: 'include-not-found', pattern: 'apache-startup-include', site: '# more sites\nInclude /nonexistent-proxylint/conf.d/*.conf # refused\n' },
  { rule: 'include-cycle', pattern: 'apache-startup-include-cycle', site: 'Include sites-enabled/app.conf # refused\n' },
  { rule: 'syntax-error', pattern: 'apache-startup-section', site: vhost('    <Location "/app/">\n        ProxyPass "http://127.0.0.1:18498/"').replace('</VirtualHost>\n', '</VirtualHost> # refused\n') },
  { rule: 'directive-not-allowed-in-section', pattern: 'apache-startup-not-allowed-in-section', site: vhost('    <Location "/app/">\n        ProxyPass "http://127.0.0.1:18498/"\n        ProxyTimeout 30 # refused\n    </Location>') },
  { rule: 'directive-not-allowed-in-section', pattern: 'apache-startup-not-allowed-in-section', site: vhost('    <Directory "/var/www">\n        ProxyPass "/app/" "http://127.0.0.1:18498/" # refused\n    </Directory>') },
  { rule: 'proxyset-target-not-found', pattern: 'apache-startup-proxyset-not-found', site: vhost('    ProxySet "http://127.0.0.1:18498/" timeout=30 # refused\n    ProxyPass "/app/" "http://127.0.0.1:18498/"') },
  { rule: 'balancer-member-outside-balancer', pattern: 'apache-startup-balancer-member', site: vhost('    BalancerMember "http://127.0.0.1:18498" # refused\n    ProxyPass "/app/" "balancer://app/"') },
  { rule: 'proxypass-missing-argument', pattern: 'apache-startup-proxypass-path', site: vhost('    ProxyPass "http://127.0.0.1:18498/" # refused') },
  { rule: 'proxypass-path-in-location', pattern: 'apache-startup-proxypass-path', site: vhost('    <Location "/app/">\n        ProxyPass "/app/" "http://127.0.0.1:18498/" # refused\n    </Location>') },
  { rule: 'invalid-backend-url', pattern: 'apache-startup-backend-url', site: vhost('    ProxyPass "/app/" "127.0.0.1:18498/" # refused') },
  { rule: 'unix-socket-target-syntax', pattern: 'apache-startup-backend-url', site: vhost('    ProxyPass "/app/" "unix:/run/app/app.sock" # refused') },
  { rule: 'proxyset-target-invalid', pattern: 'apache-startup-backend-url', site: vhost('    <Proxy "*">\n        ProxySet timeout=30 # refused\n    </Proxy>') },
  { rule: 'invalid-worker-parameter', pattern: 'apache-startup-worker-parameter', site: vhost('    ProxyPass "/app/" "http://127.0.0.1:18498/" stickysession=JSESSIONID # refused') },
  { rule: 'hcheck-params-without-module', pattern: 'apache-startup-worker-parameter', modules: ['mpm_event', 'authz_core', 'proxy', 'proxy_http', 'proxy_balancer', 'slotmem_shm', 'lbmethod_byrequests'], site: vhost('    <Proxy "balancer://app">\n        BalancerMember "http://127.0.0.1:18498" hcmethod=GET # refused\n    </Proxy>\n    ProxyPass "/app/" "balancer://app/"') },
  { rule: 'inline-comment-is-argument', pattern: 'apache-startup-parameter-form', site: vhost('    ProxyPass "/app/" "http://127.0.0.1:18498/" #main app') },
  { rule: 'inline-comment-is-argument', pattern: 'apache-startup-arguments', site: vhost('    ProxyPass "/app/" "http://127.0.0.1:18498/"\n    ProxyTimeout 30 # backends are slow') },
  { rule: 'invalid-directive-arguments', pattern: 'apache-startup-arguments', site: vhost('    ProxyPreserveHost Yes # refused\n    ProxyPass "/app/" "http://127.0.0.1:18498/"') },
];

/** The 1-based line of `text` marked as refused (or holding an end-of-line comment), and the text without the mark. */
export function refusedLine(text: string): { line: number; text: string } | undefined {
  const lines = text.split('\n');
  const k = lines.findIndex((l) => / # refused$| #\s?\w/.test(l));
  if (k < 0) return undefined;
  return { line: k + 1, text: lines.map((l) => l.replace(/ # refused$/, '')).join('\n') };
}

export interface StartupRun {
  ok: boolean;
  /** What apache2 -t printed (stderr, then stdout), without the start-up warnings it logs as error-log records. */
  output: string;
  /** The main file (for --in) and the file and line the case marks as refused. */
  main: string;
  file: string;
  line: number;
}

/**
 * Writes the case under `dir` as a Debian-like tree (apache2.conf Including sites-enabled/app.conf) and runs the real
 * `apache2 -t` on it.
 */
export function runStartupCase(c: StartupCase, dir: string): StartupRun {
  mkdirSync(join(dir, 'sites-enabled'), { recursive: true });
  const modules = (c.modules ?? STARTUP_MODULES).map((m) => `LoadModule ${m}_module /usr/lib/apache2/modules/mod_${m}.so`);
  const head = [...modules, 'ServerName localhost', 'Listen 127.0.0.1:18499', `PidFile ${join(dir, 'apache2.pid')}`, `ErrorLog ${join(dir, 'error.log')}`, `DefaultRuntimeDir ${dir}`];
  const main = refusedLine([...head, ...(c.main ? [c.main] : []), 'Include sites-enabled/app.conf', ''].join('\n'));
  const site = refusedLine(c.site);
  const mainText = main && c.main ? main.text : [...head, 'Include sites-enabled/app.conf', ''].join('\n');
  writeFileSync(join(dir, 'apache2.conf'), mainText);
  writeFileSync(join(dir, 'sites-enabled', 'app.conf'), site ? site.text : c.site);
  const r = spawnSync('apache2', ['-t', '-d', dir, '-f', join(dir, 'apache2.conf')], { encoding: 'utf8', timeout: 30_000 });
  const output = ((r.stderr ?? '') + (r.stdout ?? '')).split('\n').filter((l) => !l.startsWith('[')).join('\n');
  const at = main && c.main ? { file: join(dir, 'apache2.conf'), line: main.line } : { file: join(dir, 'sites-enabled', 'app.conf'), line: site!.line };
  return { ok: r.status === 0, output, main: join(dir, 'apache2.conf'), ...at };
}
