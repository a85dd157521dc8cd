// hostname-resolved-at-startup suggests moving a proxy_pass host into a variable (nginx then resolves it per
// request). nginx builds its default proxy_redirect only for a pass without variables, so that edit alone would
// change what clients see: a backend's `Location: http://<backend>/…` would reach them unrewritten, and a
// `proxy_redirect default` in the block would stop nginx from starting. The suggestion writes the default out; these
// tests run the real nginx before and after, with a backend that redirects, to show the Location header is the same.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyEdits } from '../../server/src/core/fix';
import { lintNginx } from '../../server/src/core/lint';
import { createNodeHost } from '../../server/src/node/node-host';
import { requireBinary } from '../helpers';
import { fixtureSettings } from '../rules/rule-harness';
import { request } from './harness/client';
import { nginxConfigTest, prepareNginx, rewriteNginx, startNginx, type NginxSetup } from './harness/nginx';
import { freePort } from './harness/ports';
import { startDnsStandin } from './standins/dns';

requireBinary('nginx');

const HEADER = '# proxylint-test: nginx.version=1.22.1 nginx.edition=oss\n';

function variableFix(path: string, text: string) {
  const findings = lintNginx(path, text, createNodeHost(), { settings: fixtureSettings(text) }).findings.filter((f) => f.ruleId === 'hostname-resolved-at-startup');
  assert.equal(findings.length, 1, findings.map((f) => f.message).join('\n'));
  const fix = findings[0].suggestions.find((s) => /variable/.test(s.title));
  return { fix, apply: () => applyEdits(text, fix!.edits.filter((e) => e.path === path)).text };
}

/** The Location header nginx sends for GET /x/ through `setup`, with app.test resolving to 127.0.0.1. */
async function locationThrough(setup: NginxSetup): Promise<string | undefined> {
  const hosts = join(setup.dir, 'hosts');
  writeFileSync(hosts, '127.0.0.1 localhost app.test\n');
  const nginx = await startNginx(setup, { hosts });
  try {
    const r = await request({ port: setup.port, path: '/x/' });
    assert.equal(r.status, 302, `${r.status} ${r.error ?? ''}\n${nginx.errorLog()}`);
    return r.headers['location'];
  } finally {
    await nginx.stop();
  }
}

test('hostname-resolved-at-startup: the variable suggestion keeps the Location rewriting of the default proxy_redirect (real nginx, before and after)', async () => {
  const backendPort = await freePort();
  // The backend redirects to itself, by the address nginx connects to: what the default proxy_redirect rewrites.
  const backend = createServer((_req, res) => {
    res.writeHead(302, { Location: `http://app.test:${backendPort}/next`, Connection: 'close' });
    res.end();
  });
  await new Promise<void>((r) => backend.listen(backendPort, '127.0.0.1', r));
  const dns = await startDnsStandin({ deadlineMs: 30_000 });
  const setups: NginxSetup[] = [];
  try {
    const conf = `${HEADER}http {\n    server {\n        listen 127.0.0.1:8000;\n        location / {\n            proxy_pass http://app.test:${backendPort};\n        }\n    }\n}\n`;
    const before = await prepareNginx(conf);
    setups.push(before);
    const after = await prepareNginx(conf);
    setups.push(after);
    const { fix, apply } = variableFix(after.confPath, after.text);
    assert.ok(fix, 'a variable suggestion is offered');
    // The resolver line is a placeholder for the user's DNS server: here, the stand-in that answers 127.0.0.1.
    const fixedText = apply().replace(/resolver 127\.0\.0\.11\b/, `resolver ${dns.address}`);
    rewriteNginx(after, fixedText);
    const locBefore = await locationThrough(before);
    const locAfter = await locationThrough(after);
    assert.ok(locBefore && !locBefore.includes(String(backendPort)), `nginx rewrites the backend's Location before the fix: ${locBefore}`);
    assert.equal(locAfter?.replace(String(after.port), 'PORT'), locBefore.replace(String(before.port), 'PORT'));
    assert.ok(dns.questions.some((q) => q.startsWith('app.test')), 'after the fix nginx resolved the name through the resolver');
    assert.match(fixedText, new RegExp(`proxy_redirect http://app\\.test:${backendPort}/ /;`));
    assert.match(fix!.title, /keeping the default proxy_redirect/);
  } finally {
    for (const s of setups) s.cleanup();
    await dns.stop();
    await new Promise<void>((r) => backend.close(() => r()));
  }
});

test('hostname-resolved-at-startup: with "proxy_redirect default" in the block the variable suggestion rewrites it, and nginx -t accepts the result', async () => {
  const conf = `${HEADER}http {\n    server {\n        listen 127.0.0.1:8000;\n        location / {\n            proxy_redirect default;\n            proxy_pass http://app.test:8080;\n        }\n    }\n}\n`;
  const setup = await prepareNginx(conf);
  try {
    const { fix, apply } = variableFix(setup.confPath, setup.text);
    assert.ok(fix);
    const fixed = apply();
    assert.doesNotMatch(fixed, /proxy_redirect default/);
    assert.match(fixed, /proxy_redirect http:\/\/app\.test:8080\/ \/;/);
    writeFileSync(setup.confPath, fixed);
    const t = nginxConfigTest(setup, { isolatedNetwork: true });
    assert.ok(t.ok, t.output);
  } finally {
    setup.cleanup();
  }
});

test('hostname-resolved-at-startup: no variable suggestion when an inherited "proxy_redirect default" would have to change for other locations, or inside "if"', () => {
  const inherited = `${HEADER}events {}\nhttp {\n    server {\n        listen 127.0.0.1:8000;\n        proxy_redirect default;\n        location / {\n            proxy_pass http://app.test:8080;\n        }\n    }\n}\n`;
  assert.equal(variableFix('/tmp/inherited.conf', inherited).fix, undefined);
  const inIf = `${HEADER}events {}\nhttp {\n    server {\n        listen 127.0.0.1:8000;\n        location / {\n            if ($arg_x) {\n                proxy_pass http://app.test:8080;\n            }\n        }\n    }\n}\n`;
  assert.equal(variableFix('/tmp/in-if.conf', inIf).fix, undefined);
  // proxy_redirect off (or a custom one) in force: nothing to keep, so no proxy_redirect edit.
  const off = `${HEADER}events {}\nhttp {\n    proxy_redirect off;\n    server {\n        listen 127.0.0.1:8000;\n        location / {\n            proxy_pass http://app.test:8080;\n        }\n    }\n}\n`;
  const { fix } = variableFix('/tmp/off.conf', off);
  assert.ok(fix);
  assert.ok(!fix!.edits.some((e) => e.newText.includes('proxy_redirect')));
  assert.doesNotMatch(fix!.title, /proxy_redirect/);
});
