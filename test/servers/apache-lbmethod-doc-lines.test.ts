// The hover docs of lbmethod= and the lbmethod_* modules quote what httpd says when a balancer's method module is
// missing. Each quoted line is checked here against the real apache2 (2.4.71): `apache2 -t` for a method named with
// lbmethod=, the error log of a start for the default method (which configtest lets through).
// proxylint-test: untimed
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { apacheModuleDoc, apacheWorkerParamDoc, renderHover } from '../../server/src/core/docs/directive-doc';
import { APX_LOG } from '../../server/src/core/docs/log-lines';
import { requireBinary, tempTree } from '../helpers';
import { freePort } from './harness/ports';

const BASE = ['mpm_event', 'authz_core', 'proxy', 'proxy_http', 'proxy_balancer', 'slotmem_shm'];

async function setup(mods: string[], body: string) {
  const port = await freePort();
  const tree = tempTree({});
  mkdirSync(join(tree.dir, 'logs'), { recursive: true });
  const conf = join(tree.dir, 'httpd.conf');
  const load = mods.map((m) => `LoadModule ${m}_module /usr/lib/apache2/modules/mod_${m}.so`);
  writeFileSync(conf, [...load, 'ServerName localhost', `Listen 127.0.0.1:${port}`, `PidFile ${tree.dir}/httpd.pid`, `ErrorLog ${tree.dir}/logs/error.log`, `DefaultRuntimeDir ${tree.dir}`, body, ''].join('\n'));
  const configTest = () => {
    const r = spawnSync('apache2', ['-t', '-d', tree.dir, '-f', conf], { encoding: 'utf8', timeout: 30_000 });
    return { ok: r.status === 0, output: (r.stdout ?? '') + (r.stderr ?? '') };
  };
  return { dir: tree.dir, conf, configTest, cleanup: tree.cleanup };
}

const MEMBER = '    BalancerMember http://127.0.0.1:9\n';

test('a method named with lbmethod= and not loaded: apache2 -t prints the lines the hovers quote', async () => {
  requireBinary('apache2');
  const lbmethod = renderHover(apacheWorkerParamDoc('lbmethod', 'balancer')!);
  for (const m of ['byrequests', 'bytraffic', 'bybusyness', 'heartbeat']) {
    const hover = renderHover(apacheModuleDoc(`lbmethod_${m}_module`)!);
    for (const [body, kind] of [
      [`<Proxy balancer://app>\n${MEMBER}    ProxySet lbmethod=${m}\n</Proxy>\nProxyPass /b/ balancer://app/`, 'ProxySet'],
      [`<Proxy balancer://app>\n${MEMBER}</Proxy>\nProxyPass /b/ balancer://app/ lbmethod=${m}`, 'ProxyPass'],
    ]) {
      const s = await setup(BASE, body);
      try {
        const t = s.configTest();
        assert.ok(!t.ok, `apache2 -t accepted lbmethod=${m} without its module`);
        const said = /Syntax error on line \d+ of [^\n]*:\n([^\n]*)/.exec(t.output)?.[1];
        assert.ok(said, t.output);
        assert.ok(hover.includes(`\`${said}\``), `lbmethod_${m}_module hover lacks «${said}»`);
        if (kind === 'ProxyPass') assert.equal(said, APX_LOG.unknownLbmethodPass);
        if (kind === 'ProxySet' && m === 'bybusyness') assert.equal(said, APX_LOG.unknownLbmethodSet);
        assert.ok(lbmethod.includes(kind === 'ProxyPass' ? said : APX_LOG.unknownLbmethodSet), `lbmethod hover lacks the ${kind} line`);
      } finally {
        s.cleanup();
      }
    }
  }
});

test('the default method without mod_lbmethod_byrequests: Syntax OK, and the start fails with the lines the hovers quote', async () => {
  requireBinary('apache2');
  const s = await setup(BASE, `<Proxy balancer://app>\n${MEMBER}</Proxy>\nProxyPass /b/ balancer://app/`);
  try {
    const t = s.configTest();
    assert.ok(t.ok, t.output);
    // Started in the foreground, it stops at once (nothing to stop afterwards); the reason goes to the error log.
    const run = spawnSync('apache2', ['-DFOREGROUND', '-d', s.dir, '-f', s.conf], { encoding: 'utf8', timeout: 15_000 });
    assert.notEqual(run.status, 0, 'httpd started');
    const log = readFileSync(join(s.dir, 'logs', 'error.log'), 'utf8');
    const lines = [APX_LOG.lbMethodMissing, APX_LOG.balancerNotShared, APX_LOG.configFailed];
    for (const line of lines) assert.ok(log.includes(line), `error log lacks «${line}»:\n${log}`);
    for (const doc of [apacheModuleDoc('lbmethod_byrequests_module')!, apacheWorkerParamDoc('lbmethod', 'balancer')!]) {
      for (const line of lines) assert.ok(doc.logLines.includes(line), `${doc.name} does not quote «${line}»`);
    }
  } finally {
    s.cleanup();
  }
});
