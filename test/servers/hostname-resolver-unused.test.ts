// hostname-resolved-at-startup tells a user who has set a resolver that it does not help a literal proxy_pass name.
// The claim, on the real nginx: with a resolver in force, a literal name that the system resolver cannot find still
// stops nginx -t ("host not found in upstream"), so nginx resolved it while loading and never asked the resolver;
// the same name behind a variable passes (it is left to the resolver at request time). The resolver here points at a
// closed port, so it could not have answered either way.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintText, requireBinary } from '../helpers';
import { nginxTRunner } from './harness/nginx-t';

requireBinary('nginx');

const HOST = 'no-such-host.proxylint-test.internal';
const conf = (location: string[]) =>
  ['events {}', 'http {', '    resolver 127.0.0.1:1 valid=1s;', '    server {', '        listen 127.0.0.1:18994;', '        location / {', ...location.map((l) => `            ${l}`), '        }', '    }', '}', ''].join('\n');
const literal = conf([`proxy_pass http://${HOST}:3000;`]);
const variable = conf([`set $backend ${HOST}:3000;`, 'proxy_pass http://$backend;']);

test('nginx -t: a literal name is resolved while loading despite the resolver; the same name in a variable is not', async () => {
  const { nginxT, cleanup } = nginxTRunner('resolver-unused');
  try {
    assert.match(await nginxT(literal), new RegExp(`host not found in upstream "${HOST.replace(/\./g, '\\.')}"`));
    assert.doesNotMatch(await nginxT(variable), /emerg/);
  } finally {
    cleanup();
  }
});

test('hostname-resolved-at-startup says the resolver in force does not help, and points at it', () => {
  const r = lintText(literal);
  const f = r.findings.filter((x) => x.ruleId === 'hostname-resolved-at-startup');
  assert.equal(f.length, 1);
  assert.match(f[0].message, /; the resolver in force here does not change this: nginx asks it only for a target with variables$/);
  assert.deepEqual(
    f[0].related?.map((x) => [r.at({ ...f[0], start: x.start, end: x.end } as never).line, x.message]),
    [[3, 'this resolver is not used for that name']],
  );
  // Without a resolver nothing is said about one.
  const none = lintText(literal.replace('    resolver 127.0.0.1:1 valid=1s;\n', '')).findings.filter((x) => x.ruleId === 'hostname-resolved-at-startup');
  assert.equal(none.length, 1);
  assert.doesNotMatch(none[0].message, /resolver/);
  assert.deepEqual(none[0].related ?? [], []);
});
