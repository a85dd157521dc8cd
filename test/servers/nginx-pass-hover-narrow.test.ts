// The proxy_pass hover leaves out the log lines its target cannot produce (features/pass-view.ts). The one that needs
// nginx's word is "no live upstreams": a target of one IP address, written directly or as a group of one server, is
// a single peer, which nginx never marks failed, so that line never comes; a group of two servers does give it.
// Checked on the real nginx 1.22.1 with refused backends, then checked against what the hover shows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nginxHover } from '../../server/src/core/features/hover';
import { NGX_LOG } from '../../server/src/core/docs/log-lines';
import { defaultSettings } from '../../server/src/core/settings';
import { docLookup } from '../../server/src/lsp/docs';
import { lintText, readable, requireBinary } from '../helpers';
import { request } from './harness/client';
import { prepareNginx, startNginx } from './harness/nginx';
import { refusedPort } from './standins/http';

requireBinary('nginx');

const logBlock = (md: string) => /\*\*In the error log\*\*\n\n```text\n([\s\S]*?)\n```/.exec(md)?.[1].split('\n') ?? [];

test('"no live upstreams": never for one IP (direct or a group of one), after failures for a group of two; the proxy_pass hover agrees (real nginx)', async () => {
  const a = await refusedPort();
  const b = await refusedPort();
  const conf = [
    'events {}',
    'http {',
    `    upstream one { server ${a.address}; }`,
    `    upstream two { server ${a.address}; server ${b.address}; }`,
    '    server {',
    '        listen 127.0.0.1:8000;',
    `        location /direct/ { proxy_pass http://${a.address}; }`,
    '        location /one/ { proxy_pass http://one; }',
    '        location /two/ { proxy_pass http://two; }',
    '    }',
    '}',
    '',
  ].join('\n');
  const setup = await prepareNginx(conf);
  const nginx = await startNginx(setup);
  const seen: Record<string, { statuses: (number | string)[]; noLive: boolean }> = {};
  try {
    for (const where of ['direct', 'one', 'two']) {
      const before = nginx.errorLog().length;
      const statuses: (number | string)[] = [];
      for (let i = 0; i < 4; i++) statuses.push((await request({ port: setup.port, path: `/${where}/x`, timeoutMs: 5000 })).status);
      seen[where] = { statuses, noLive: nginx.errorLog().slice(before).includes('no live upstreams') };
    }
  } finally {
    await nginx.stop();
    await a.stop();
    await b.stop();
    setup.cleanup();
  }
  for (const where of ['direct', 'one', 'two']) assert.deepEqual(seen[where].statuses, [502, 502, 502, 502], where);
  assert.deepEqual(Object.fromEntries(Object.entries(seen).map(([k, v]) => [k, v.noLive])), { direct: false, one: false, two: true });

  const r = lintText(conf);
  const hover = (needle: string) => logBlock(readable(nginxHover(r, '/cfg/nginx.conf', conf.indexOf(needle) + 1, defaultSettings().nginx, docLookup)?.markdown ?? ''));
  for (const [where, needle] of [['direct', `proxy_pass http://${a.address}`], ['one', 'proxy_pass http://one'], ['two', 'proxy_pass http://two']] as const) {
    const lines = hover(needle);
    assert.ok(lines.includes(NGX_LOG.refused), `${where}: the refused line stays`);
    assert.equal(lines.includes(NGX_LOG.noLive), seen[where].noLive, `${where}: the hover shows "no live upstreams" exactly where nginx logged it`);
  }
});
