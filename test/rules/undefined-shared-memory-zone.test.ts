// undefined-shared-memory-zone against the real nginx -t (1.22.1): every line bad.conf marks, kept alone in the
// fixture, makes nginx fail with "zero size shared memory zone" for the name the finding quotes (nginx names no line,
// so the name is what is compared); ok.conf passes; a fragment is not judged.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertOneFindingQuoting, eachMarkedLineAlone, lintText, nginxTestText } from '../helpers';
import { fixtureDir } from './rule-harness';

const ID = 'undefined-shared-memory-zone';
const dir = fixtureDir({ server: 'nginx', id: ID } as never);
const bad = readFileSync(join(dir, 'bad.conf'), 'utf8');

test(`${ID}: each marked line alone makes nginx -t fail with "zero size shared memory zone" for the name the finding quotes`, () => {
  const cases = eachMarkedLineAlone(bad, ID);
  assert.equal(cases.length, 4);
  for (const { line, text } of cases) {
    const t = nginxTestText(text);
    const m = /\[emerg\] (zero size shared memory zone "[^"]*")\n/.exec(t.output);
    assert.ok(m, `line ${line}: ${t.output}`);
    assertOneFindingQuoting(text, ID, line, m[1]);
  }
});

test(`${ID}: ok.conf passes nginx -t`, () => {
  const t = nginxTestText(readFileSync(join(dir, 'ok.conf'), 'utf8'));
  assert.ok(t.ok, t.output);
});

test(`${ID}: a fragment (a site file whose zones live in nginx.conf) is not judged`, () => {
  const site = 'server {\n    listen 127.0.0.1:18530;\n    location / {\n        limit_req zone=per_ip;\n        proxy_pass http://127.0.0.1:18531;\n    }\n}\n';
  assert.deepEqual(lintText(site, { path: 'sites-enabled/app.conf' }).findings.filter((f) => f.ruleId === ID), []);
});
