// Writes server/src/core/model/apache-directives.json: every directive the installed httpd 2.4 and the modules it ships
// define, with the modules that define it, as `apache2 -L` lists them. The core needs the names to tell a misspelled or
// removed directive from a real one (apache-unknown-directive), and the modules to tell which LoadModule a line needs
// (apache-module-not-loaded), without httpd at hand.
//
// Run on Debian with the apache2 package installed, after an httpd upgrade: node scripts/gen-apache-directives.mjs
//
// `apache2 -L` names the source file a directive comes from (mod_proxy.c, util_ldap.c, event.c), not the module to load,
// and a name may come from several modules: StartServers from each MPM, ScriptLog from mod_cgi and mod_cgid. So each
// module is loaded on its own (with the modules it cannot be loaded without) beside an MPM, and the names it adds are
// its own. The MPMs are loaded one at a time (httpd refuses two). A last run per MPM loads everything, as httpd would
// list it, and every name there must have been placed.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const MODULES = '/usr/lib/apache2/modules';
const DEBIAN_LOAD = '/etc/apache2/mods-available';
const MPMS = ['mpm_event', 'mpm_prefork', 'mpm_worker'];
const dir = mkdtempSync(join(tmpdir(), 'proxylint-apache-L-'));
const version = /Apache\/([\d.]+)/.exec(execFileSync('apache2', ['-v'], { encoding: 'utf8' }))?.[1];
if (!version) throw new Error('gen-apache-directives: apache2 -v did not give a version');

/** core.c -> core, http_core.c -> http, mod_so.c -> so: how the rules name a module (model/apache-modules.ts moduleKey). */
const keyOfSource = (src) => (src === 'http_core.c' ? 'http' : src.replace(/\.c$/, '').replace(/^mod_/, ''));
// Compiled into the binary (apache2 -l): always there, never in a LoadModule line.
const builtIn = [...execFileSync('apache2', ['-l'], { encoding: 'utf8' }).matchAll(/^\s+(\S+\.c)$/gm)].map((m) => keyOfSource(m[1]));
// Every module the package ships, directives or not (mod_proxy_http has none): a LoadModule of any other may add names.
const shipped = readdirSync(MODULES).filter((f) => /^mod_.*\.so$/.test(f)).map((f) => f.slice(4, -3)).sort();
const others = shipped.filter((m) => !m.startsWith('mpm_') && !builtIn.includes(m));

/** The modules Debian's a2enmod enables with `m` ("# Depends:" in mods-available/*.load, found by the .so it loads). */
const debianDepends = (() => {
  const out = {};
  for (const f of readdirSync(DEBIAN_LOAD).filter((x) => x.endsWith('.load'))) {
    const text = readFileSync(join(DEBIAN_LOAD, f), 'utf8');
    const so = /LoadModule\s+\S+\s+\S*\/mod_(\S+)\.so/.exec(text)?.[1];
    const deps = /^#\s*Depends:\s*(.*)$/m.exec(text)?.[1];
    if (so) out[so] = deps ? deps.trim().split(/\s+/) : [];
  }
  return out;
})();

/** `apache2 -L` (or -t) on a throw-away configuration loading `mods` in order; null when httpd refuses it. */
function run(mods, flag = '-L', guard = false) {
  const lines = [`ServerRoot ${dir}`, `PidFile ${dir}/pid`, `ErrorLog ${dir}/error.log`, `Mutex file:${dir} default`, 'ServerName localhost'];
  for (const m of mods) {
    const load = `LoadModule ${m}_module ${MODULES}/mod_${m}.so`;
    // Modules built into the binary (mod_so, mod_version…) must not be loaded twice: httpd stops then.
    lines.push(...(guard ? [`<IfModule !${m}_module>`, load, '</IfModule>'] : [load]));
  }
  const conf = join(dir, 'httpd.conf');
  writeFileSync(conf, lines.join('\n') + '\n');
  try {
    return execFileSync('apache2', ['-f', conf, flag], { encoding: 'utf8', env: { ...process.env, APACHE_RUN_DIR: dir }, stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return null;
  }
}

/** "ProxyPass (mod_proxy.c)" at the start of a line, its description and contexts indented below. */
const listed = (out) => [...out.matchAll(/^<?([A-Za-z][A-Za-z0-9_]*) \(([^)]+)\)$/gm)].map((m) => ({ name: m[1], src: m[2] }));

const directives = {};
const place = (name, module) => {
  const list = (directives[name] ??= []);
  if (!list.includes(module)) list.push(module);
};
/**
 * The modules `m` cannot be loaded without (httpd resolves their symbols as it reads the LoadModule line: "undefined
 * symbol: proxy_module" for mod_proxy_http alone): the fewest of Debian's Depends that let apache2 -t accept it.
 */
const needs = {};
/** Which module each source file is, learnt from the runs: util_ldap.c is mod_ldap's, event.c mpm_event's. */
const sourceModule = Object.fromEntries(builtIn.map((k) => [k === 'http' ? 'http_core.c' : `${k === 'core' ? 'core' : `mod_${k}`}.c`, k]));
try {
  for (const mpm of MPMS) {
    const alone = run([mpm]);
    if (alone === null) throw new Error(`gen-apache-directives: httpd refuses ${mpm} alone`);
    for (const { name, src } of listed(alone)) {
      if (!sourceModule[src]) sourceModule[src] = mpm;
      place(name, sourceModule[src]);
    }
  }
  for (const m of others) {
    let deps = [];
    if (run(['mpm_event', m], '-t') === null) {
      // Debian's Depends, and the module it extends by name (mod_dav_lock's .load names none; it needs mod_dav).
      const family = others.filter((o) => m.startsWith(`${o}_`));
      deps = [...new Set([...family, ...(debianDepends[m] ?? [])])].filter((d) => !builtIn.includes(d));
      if (run(['mpm_event', ...deps, m], '-t') === null) throw new Error(`gen-apache-directives: httpd refuses mod_${m} even with ${deps.join(', ') || 'nothing'}`);
      for (const d of [...deps]) {
        const fewer = deps.filter((x) => x !== d);
        if (run(['mpm_event', ...fewer, m], '-t') !== null) deps = fewer;
      }
      needs[m] = deps;
    }
    const before = new Set(listed(run(['mpm_event', ...deps])).map((x) => `${x.name} ${x.src}`));
    for (const { name, src } of listed(run(['mpm_event', ...deps, m]))) {
      if (before.has(`${name} ${src}`)) continue;
      if (sourceModule[src] && sourceModule[src] !== m) throw new Error(`gen-apache-directives: ${src} is both mod_${sourceModule[src]} and mod_${m}`);
      sourceModule[src] = m;
      place(name, m);
    }
  }
  // Everything at once, as the server would list it: a name only the combination shows would otherwise be missed.
  for (const mpm of MPMS) {
    for (const { name, src } of listed(run([mpm, ...shipped.filter((m) => !m.startsWith('mpm_'))], '-L', true) ?? '')) {
      if (!sourceModule[src]) throw new Error(`gen-apache-directives: ${name} comes from ${src}, which no module loaded alone showed`);
      place(name, sourceModule[src]);
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const sortKeys = (o) => Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.toLowerCase().localeCompare(b.toLowerCase())));
for (const list of Object.values(directives)) list.sort();
const sorted = sortKeys(directives);
const file = new URL('../server/src/core/model/apache-directives.json', import.meta.url);
writeFileSync(file, JSON.stringify({ httpd: version, builtIn, modules: shipped, needs: sortKeys(needs), directives: sorted }, null, 1) + '\n');
const shared = Object.values(sorted).filter((l) => l.length > 1).length;
console.log(`apache-directives.json: ${Object.keys(sorted).length} directives (${shared} in more than one module) of ${shipped.length} modules of httpd ${version}`);
