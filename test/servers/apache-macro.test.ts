// mod_macro on the real apache2: a <Macro> whose <VirtualHost> proxies to https://127.0.0.1:$port/ without
// SSLProxyEngine, used twice (the second Use names the macro in another case). Each Use is a virtual host of its own
// that answers 500 with AH00961 for a TLS backend; a third virtual host from the same macro with SSLProxyEngine On in
// a parameter reaches it. proxylint must see each expansion with its values: one finding per Use that lacks it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintApache } from '../../server/src/core/lint-apache';
import { memHost, requireBinary } from '../helpers';
import { fixtureSettings } from '../rules/rule-harness';
import { prepareApache, startApache } from './harness/apache';
import { request } from './harness/client';
import { startTlsStandin } from './standins/tls';

requireBinary('apache2');

test('https-backend-without-sslproxyengine sees each Use of a macro with its own values (real apache2)', async () => {
  const a = await startTlsStandin({ behaviour: 'ok', deadlineMs: 30_000 });
  const b = await startTlsStandin({ behaviour: 'ok', deadlineMs: 30_000 });
  const c = await startTlsStandin({ behaviour: 'ok', deadlineMs: 30_000 });
  const text = [
    'Listen 80',
    '<Macro Backend $name $port $engine>',
    '  <VirtualHost *:80>',
    '    ServerName $name.example',
    '    SSLProxyEngine $engine',
    '    SSLProxyCheckPeerName off',
    '    ProxyPass "/" "https://127.0.0.1:$port/"',
    '  </VirtualHost>',
    '</Macro>',
    `Use Backend app ${a.port} Off`,
    `Use backend api ${b.port} Off`,
    `Use BACKEND ok ${c.port} On`,
    'UndefMacro Backend',
    '',
  ].join('\n');
  const setup = await prepareApache(text, { modules: ['mpm_event', 'authz_core', 'macro', 'proxy', 'proxy_http', 'ssl'] });
  const httpd = await startApache(setup);
  try {
    const got: Record<string, number | string> = {};
    for (const name of ['app', 'api', 'ok']) got[name] = (await request({ port: setup.port, path: '/x', headers: { Host: `${name}.example` }, timeoutMs: 5000 })).status;
    assert.deepEqual(got, { app: 500, api: 500, ok: 200 }, httpd.errorLog());
    const findings = lintApache(setup.confPath, setup.text, memHost({ [setup.confPath]: setup.text }), { settings: fixtureSettings(setup.text) }).findings.filter((f) => f.ruleId === 'https-backend-without-sslproxyengine');
    const ports = findings.map((f) => Number(/https:\/\/127\.0\.0\.1:(\d+)\//.exec(f.message)?.[1]));
    assert.deepEqual(ports, [a.port, b.port], findings.map((f) => f.message).join('\n'));
    for (const f of findings) assert.match(setup.text.slice(f.start, f.end), /https:\/\/127\.0\.0\.1:\$port\//, 'placed at the body line');
  } finally {
    await httpd.stop();
    setup.cleanup();
    await a.stop();
    await b.stop();
    await c.stop();
  }
});
