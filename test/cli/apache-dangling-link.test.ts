// A Debian mods-enabled/ link whose file is gone (left behind when a module's package was removed): httpd's
// IncludeOptional skips it and loads the other *.load files, Include refuses to start. proxylint used to take the
// link for "the wildcard matches nothing here" and switch every module-dependent rule off (modules-not-known).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { requireBinary } from '../helpers';
import { runJson, tree } from './util';

const MODS = ['mpm_event', 'authz_core', 'proxy', 'proxy_http'];

function debianTree(include: 'Include' | 'IncludeOptional') {
  const files: Record<string, string> = {};
  for (const m of MODS) files[`apache2/mods-available/${m}.load`] = `LoadModule ${m}_module /usr/lib/apache2/modules/mod_${m}.so\n`;
  files['apache2/sites-available/app.conf'] = '<VirtualHost 127.0.0.1:18471>\n    ProxyPass "/php/" "fcgi://127.0.0.1:9000/"\n</VirtualHost>\n';
  const t = tree(files);
  const conf = [`ServerRoot "${join(t.dir, 'apache2')}"`, `${include} mods-enabled/*.load`, 'ServerName localhost', 'Listen 127.0.0.1:18471', 'IncludeOptional sites-enabled/*.conf', ''].join('\n');
  mkdirSync(join(t.dir, 'apache2/mods-enabled'));
  mkdirSync(join(t.dir, 'apache2/logs'));
  mkdirSync(join(t.dir, 'apache2/sites-enabled'));
  for (const m of MODS) symlinkSync(`../mods-available/${m}.load`, join(t.dir, `apache2/mods-enabled/${m}.load`));
  // watchdog is built into Debian's httpd: there is no mods-available/watchdog.load for this link.
  symlinkSync('../mods-available/watchdog.load', join(t.dir, 'apache2/mods-enabled/watchdog.load'));
  symlinkSync('../sites-available/app.conf', join(t.dir, 'apache2/sites-enabled/app.conf'));
  writeFileSync(join(t.dir, 'apache2/apache2.conf'), conf);
  return t;
}

/** apache2 -t on the tree's own apache2.conf (its ServerRoot line points into the tree). */
function apacheCheck(dir: string): { ok: boolean; output: string } {
  requireBinary('apache2');
  const r = spawnSync('apache2', ['-t', '-f', join(dir, 'apache2/apache2.conf')], { encoding: 'utf8', timeout: 30_000 });
  return { ok: r.status === 0, output: (r.stdout ?? '') + (r.stderr ?? '') };
}

test('IncludeOptional over a dangling mods-enabled link: the modules are known and the module rules run, as httpd loads the others', () => {
  const t = debianTree('IncludeOptional');
  try {
    const check = apacheCheck(t.dir);
    assert.ok(check.ok, check.output);
    const { report } = runJson(['apache2/apache2.conf'], { cwd: t.dir });
    const ids = report.files.flatMap((f) => f.findings.map((x) => x.ruleId));
    assert.ok(!ids.includes('modules-not-known'), JSON.stringify(ids));
    assert.ok(!ids.includes('include-not-found'), JSON.stringify(ids));
    // mod_proxy_fcgi is not among the loaded ones: seen only when the list is known.
    assert.ok(ids.includes('proxy-scheme-module-missing'), JSON.stringify(ids));
  } finally {
    t.cleanup();
  }
});

test('Include over a dangling mods-enabled link: an error naming the link, as httpd refuses to start', () => {
  const t = debianTree('Include');
  try {
    const check = apacheCheck(t.dir);
    assert.ok(!check.ok);
    assert.match(check.output, /Could not open configuration file .*mods-enabled\/watchdog\.load: No such file or directory/);
    const { report } = runJson(['apache2/apache2.conf'], { cwd: t.dir });
    const all = report.files.flatMap((f) => f.findings);
    const nf = all.filter((x) => x.ruleId === 'include-not-found');
    assert.equal(nf.length, 1, JSON.stringify(all));
    assert.equal(nf[0].severity, 'error');
    assert.match(nf[0].message, /mods-enabled\/watchdog\.load" matches "mods-enabled\/\*\.load" but cannot be opened/);
    assert.match(nf[0].message, /Could not open configuration file .*watchdog\.load: No such file or directory/);
    assert.ok(!all.some((x) => x.ruleId === 'modules-not-known'), JSON.stringify(all.map((x) => x.ruleId)));
  } finally {
    t.cleanup();
  }
});
