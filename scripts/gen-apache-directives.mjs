// Writes server/src/core/model/apache-directives.json: every directive the installed httpd 2.4 and the modules it ships
// define, with the module each comes from, as `apache2 -L` lists them. The core needs the names to tell a misspelled or
// removed directive from a real one (apache-unknown-directive) without httpd at hand.
//
// Run on Debian with the apache2 package installed, after an httpd upgrade: node scripts/gen-apache-directives.mjs
// It loads every module of /usr/lib/apache2/modules into a throw-away configuration (one MPM at a time: httpd refuses
// two), bound to nothing (apache2 -L only lists), and merges the lists of the three MPMs.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const MODULES = '/usr/lib/apache2/modules';
const MPMS = ['event', 'prefork', 'worker'];
const dir = mkdtempSync(join(tmpdir(), 'proxylint-apache-L-'));
const version = /Apache\/([\d.]+)/.exec(execFileSync('apache2', ['-v'], { encoding: 'utf8' }))?.[1];
if (!version) throw new Error('gen-apache-directives: apache2 -v did not give a version');

const directives = {};
// Every module the package ships, directives or not (mod_proxy_http has none): a LoadModule of any other may add names.
const shipped = readdirSync(MODULES).filter((f) => /^mod_.*\.so$/.test(f)).map((f) => f.slice(4, -3)).sort();
try {
  const mods = readdirSync(MODULES).filter((f) => /^mod_.*\.so$/.test(f) && !f.startsWith('mod_mpm_'));
  for (const mpm of MPMS) {
    const lines = [`ServerRoot ${dir}`, `PidFile ${dir}/pid`, `ErrorLog ${dir}/error.log`, `Mutex file:${dir} default`, 'ServerName localhost'];
    lines.push(`LoadModule mpm_${mpm}_module ${MODULES}/mod_mpm_${mpm}.so`);
    for (const f of mods) {
      const name = f.slice(4, -3);
      // Modules built into the binary (mod_so, mod_version…) must not be loaded twice: httpd stops then.
      lines.push(`<IfModule !${name}_module>`, `LoadModule ${name}_module ${MODULES}/${f}`, '</IfModule>');
    }
    const conf = join(dir, `${mpm}.conf`);
    writeFileSync(conf, lines.join('\n') + '\n');
    const out = execFileSync('apache2', ['-f', conf, '-L'], { encoding: 'utf8', env: { ...process.env, APACHE_RUN_DIR: dir }, stdio: ['ignore', 'pipe', 'ignore'] });
    // "ProxyPass (mod_proxy.c)" at the start of a line, its description and contexts indented below.
    for (const m of out.matchAll(/^<?([A-Za-z][A-Za-z0-9_]*) \(([^)]+)\)$/gm)) directives[m[1]] ??= m[2];
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const sorted = Object.fromEntries(Object.entries(directives).sort(([a], [b]) => a.toLowerCase().localeCompare(b.toLowerCase())));
const file = new URL('../server/src/core/model/apache-directives.json', import.meta.url);
writeFileSync(file, JSON.stringify({ httpd: version, modules: shipped, directives: sorted }, null, 1) + '\n');
console.log(`apache-directives.json: ${Object.keys(sorted).length} directives of ${shipped.length} modules of httpd ${version}`);
