// Writes test/unit/fixtures/explain/httpd-<version>-startup.txt: what the installed apache2 prints when it refuses each
// configuration of test/servers/httpd-startup-cases.ts (`apache2 -t`), what `apache2ctl configtest` prints for one of
// them, and the [core:alert] lines a running httpd logs for requests under broken .htaccess files. Each block starts
// with "# <rule> <explain pattern> <file>:<line>" (the file and line the case marks as refused), then the lines as
// printed. Run: npx tsx scripts/collect-httpd-startup-lines.ts
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { STARTUP_CASES, runStartupCase } from '../test/servers/httpd-startup-cases';
import { prepareApache, startApache } from '../test/servers/harness/apache';
import { request } from '../test/servers/harness/client';

// A fixed folder, so that the paths in the fixture do not change from one run to the next.
const DIR = '/tmp/proxylint-httpd-startup';
const version = /Apache\/(\S+)/.exec(spawnSync('apache2', ['-v'], { encoding: 'utf8' }).stdout)?.[1] ?? 'unknown';

async function main(): Promise<void> {
  const out: string[] = [`# apache2 ${version} (Debian): written by scripts/collect-httpd-startup-lines.ts`, ''];
  STARTUP_CASES.forEach((c, n) => {
    rmSync(DIR, { recursive: true, force: true });
    const r = runStartupCase(c, join(DIR, String(n + 1)));
    if (r.ok) throw new Error(`apache2 -t accepted the case for ${c.rule}`);
    out.push(`# ${c.rule} ${c.pattern} ${r.file}:${r.line}`, r.output.trimEnd(), '');
  });

  // apache2ctl configtest (what `systemctl reload apache2` runs through apachectl graceful) on the first case: the
  // lines of apache2 -t, then its own two.
  rmSync(DIR, { recursive: true, force: true });
  const first = runStartupCase(STARTUP_CASES[0], join(DIR, 'ctl'));
  copyFileSync('/etc/apache2/envvars', join(DIR, 'ctl', 'envvars'));
  const ctl = spawnSync('apache2ctl', ['configtest'], { encoding: 'utf8', env: { ...process.env, APACHE_CONFDIR: join(DIR, 'ctl') } });
  out.push(`# apachectl ${STARTUP_CASES[0].pattern} ${first.file}:${first.line}`, (ctl.stderr + ctl.stdout).trimEnd(), '');

  // .htaccess files httpd reads per request: the running server answers 500 and logs why.
  const www = join(DIR, 'www');
  const files: Record<string, [string, string]> = {
    a: ['apache-htaccess-invalid-command', 'ProxyTimout 30\n'],
    b: ['apache-htaccess-not-allowed', '# moved here from the vhost\nProxyPass "/x" "http://127.0.0.1:9/"\n'],
    c: ['apache-htaccess-error', 'RewriteEngine On\nRewriteRule "^old$" "new" # moved\n'],
  };
  for (const [d, [, text]] of Object.entries(files)) {
    mkdirSync(join(www, d), { recursive: true });
    writeFileSync(join(www, d, '.htaccess'), text);
    writeFileSync(join(www, d, 'index.html'), 'hello\n');
  }
  const setup = await prepareApache(`Listen 80\nDocumentRoot "${www}"\n<Directory "${www}">\n    AllowOverride All\n    Require all granted\n</Directory>\n`);
  const run = await startApache(setup);
  try {
    for (const [d, [pattern]] of Object.entries(files)) {
      const r = await request({ port: setup.port, path: `/${d}/index.html` });
      await new Promise((done) => setTimeout(done, 200));
      const line = run.errorLog().split('\n').find((l) => l.includes(`${www}/${d}/.htaccess:`));
      if (r.status !== 500 || !line) throw new Error(`/${d}/: ${r.status}, ${line ?? 'no [core:alert] line'}`);
      out.push(`# status-${r.status} ${pattern} ${www}/${d}/.htaccess`, line, '');
    }
  } finally {
    await run.stop();
    setup.cleanup();
  }
  rmSync(DIR, { recursive: true, force: true });
  const path = join(__dirname, '..', 'test', 'unit', 'fixtures', 'explain', `httpd-${version}-startup.txt`);
  writeFileSync(path, out.join('\n'));
  console.log(`wrote ${path}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
