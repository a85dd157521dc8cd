// The variable version table (model/nginx-variables.ts) against the real nginx 1.22.1 here: every variable the table
// says 1.22.1 does not have (newer, or removed before it) must stop `nginx -t` with `unknown "name" variable`, and every
// one it says 1.22.1 has must be accepted, in http and in stream. undefined-variable must then report exactly the
// refused ones with the target set to 1.22.1, and none without a target. A version copied wrong on either side of
// 1.22.1 fails here.
// proxylint-test: untimed
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NGINX_VARIABLE_VERSIONS, isBuiltinNginxVariable } from '../../server/src/core/model/nginx-variables';
import { atLeast, parseVersion } from '../../server/src/core/model/version';
import { lintText, requireBinary } from '../helpers';
import { STREAM_MODULE, nginxTRunner, pool } from './harness/nginx-t';

requireBinary('nginx');

const TARGET = parseVersion('1.22.1');
const ID = 'undefined-variable';

/** A whole configuration that compiles `$name` as a value in that module (return takes variables in both). */
function configUsing(name: string, module: 'http' | 'stream'): string {
  if (module === 'http') return `events {}\nhttp {\n    server {\n        listen 127.0.0.1:8000;\n        location / {\n            return 200 "$${name}";\n        }\n    }\n}\n`;
  return `load_module ${STREAM_MODULE};\nevents {}\nstream {\n    server {\n        listen 127.0.0.1:9000;\n        return "$${name}";\n    }\n}\n`;
}

interface Case {
  name: string;
  module: 'http' | 'stream';
  /** The table says nginx 1.22.1 has it. */
  has: boolean;
}

const cases: Case[] = [];
for (const module of ['http', 'stream'] as const) {
  for (const [name, v] of NGINX_VARIABLE_VERSIONS[module]) {
    const has = !(v.since && atLeast(TARGET, v.since) === false) && !(v.removed && atLeast(TARGET, v.removed) === true);
    cases.push({ name, module, has });
  }
}

test('every versioned variable is known to the real nginx 1.22.1 exactly when the table says so, and undefined-variable agrees', async () => {
  const { nginxT, cleanup } = nginxTRunner('variable-versions');
  try {
    const outputs = await pool(cases.map((c) => () => nginxT(configUsing(c.name, c.module))), 2);
    const wrong: string[] = [];
    cases.forEach((c, k) => {
      const out = outputs[k];
      const refused = new RegExp(`unknown "${c.name}" variable`).test(out);
      const ok = /test is successful/.test(out) || !/\[emerg\]/.test(out);
      if (c.has && !ok) wrong.push(`${c.module} $${c.name}: the table says 1.22.1 has it, nginx -t says ${out.trim()}`);
      if (!c.has && !refused) wrong.push(`${c.module} $${c.name}: the table says 1.22.1 lacks it, nginx -t says ${out.trim() || 'nothing'}`);
      const text = configUsing(c.name, c.module);
      const reported = lintText(text, { settings: (s) => (s.nginx.version = TARGET) }).findings.filter((f) => f.ruleId === ID);
      if (reported.length !== (c.has ? 0 : 1)) wrong.push(`${c.module} $${c.name}: ${reported.length} findings with the target 1.22.1`);
      if (!c.has && reported[0] && !reported[0].message.includes('nginx 1.22.1 has no')) wrong.push(`${c.module} $${c.name}: message ${reported[0].message}`);
      if (lintText(text).findings.some((f) => f.ruleId === ID)) wrong.push(`${c.module} $${c.name}: reported with no target version`);
    });
    assert.deepEqual(wrong, []);
    // The table is not empty on either side of 1.22.1.
    assert.ok(cases.filter((c) => c.has).length >= 20);
    assert.ok(cases.filter((c) => !c.has).length >= 8);
  } finally {
    cleanup();
  }
});

test('the examples of the brief: $http3 is unknown to 1.22.1 and to a 1.22.1 target, $ssl_curve (1.21.5) is known', async () => {
  const { nginxT, cleanup } = nginxTRunner('variable-versions-examples');
  try {
    assert.match(await nginxT(configUsing('http3', 'http')), /unknown "http3" variable/);
    assert.match(await nginxT(configUsing('ssl_curve', 'http')), /test is successful|^$/);
  } finally {
    cleanup();
  }
  assert.equal(isBuiltinNginxVariable('http3', 'http', TARGET), false);
  assert.equal(isBuiltinNginxVariable('http3', 'http', parseVersion('1.25.0')), true);
  assert.equal(isBuiltinNginxVariable('http3', 'http'), true, 'no version: any nginx');
  assert.equal(isBuiltinNginxVariable('ssl_curve', 'http', parseVersion('1.21.4')), false);
  assert.equal(isBuiltinNginxVariable('ssl_curve', 'http', TARGET), true);
  // NGINX Plus numbers its releases otherwise: no version gate there.
  const plus = lintText(configUsing('http3', 'http'), { settings: (s) => { s.nginx.version = TARGET; s.nginx.edition = 'plus'; } });
  assert.equal(plus.findings.filter((f) => f.ruleId === ID).length, 0);
});
