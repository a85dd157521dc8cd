// A snippet that two configurations of one run include is checked in each: its findings are those of both, each
// once, and one that only some of them make names them (a related place on the include line), since nothing in the
// snippet says why a/ is fine and b/ is not. The editor reports the same (test/protocol/shared-snippet.test.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { allFindings, runJson, tree } from './util';

const entry = (keepalive: boolean, body: string) =>
  `events {}\nhttp {\n    upstream backend {\n        server 127.0.0.1:8080;\n${keepalive ? '        keepalive 16;\n' : ''}    }\n${body}}\n`;
const SERVER = (port: number) => `    server {\n        listen 127.0.0.1:${port};\n        include ../shared/proxy.conf;\n    }\n`;
// read-timeout-too-low whatever includes it; upstream-keepalive-ineffective only where "backend" keeps connections.
const SNIPPET = 'location /api/ {\n    proxy_pass http://backend/;\n    proxy_read_timeout 1s;\n}\n';

const LABEL = /^applies to the configuration of /;

test('a finding both configurations make in the snippet is reported once, unlabelled; one only b/ makes names b/ at its include line', () => {
  const t = tree({ 'a/nginx.conf': entry(false, SERVER(18911)), 'b/nginx.conf': entry(true, SERVER(18912)), 'shared/proxy.conf': SNIPPET });
  try {
    const { report } = runJson(['a', 'b'], { cwd: t.dir });
    const shared = allFindings(report).filter((f) => f.path === join(t.dir, 'shared/proxy.conf'));
    assert.deepEqual(shared.map((f) => f.ruleId).sort(), ['read-timeout-too-low', 'upstream-keepalive-ineffective'], JSON.stringify(shared, null, 1));
    const both = shared.find((f) => f.ruleId === 'read-timeout-too-low')!;
    assert.ok(!both.related.some((r) => LABEL.test(r.message)), JSON.stringify(both.related));
    const bOnly = shared.find((f) => f.ruleId === 'upstream-keepalive-ineffective')!;
    const [label, ...rest] = bOnly.related;
    assert.equal(label.path, join(t.dir, 'b/nginx.conf'));
    assert.equal(label.message, 'applies to the configuration of ../b/nginx.conf (which includes proxy.conf here), not to that of ../a/nginx.conf');
    assert.equal((label as unknown as { line: number }).line, 9, 'the include line of b/nginx.conf');
    assert.ok(rest.some((r) => r.path === join(t.dir, 'b/nginx.conf') && /keeps idle connections/.test(r.message)), 'the rule\'s own related place stays');
  } finally {
    t.cleanup();
  }
});

test('a finding both make with different related places is reported once with the places of both', () => {
  const t = tree({ 'a/nginx.conf': entry(true, SERVER(18913)), 'b/nginx.conf': entry(true, SERVER(18914)), 'shared/proxy.conf': SNIPPET });
  try {
    const { report } = runJson(['a', 'b'], { cwd: t.dir });
    const ka = allFindings(report).filter((f) => f.ruleId === 'upstream-keepalive-ineffective');
    assert.equal(ka.length, 1, JSON.stringify(ka, null, 1));
    assert.ok(!ka[0].related.some((r) => LABEL.test(r.message)));
    assert.deepEqual(ka[0].related.map((r) => r.path).sort(), [join(t.dir, 'a/nginx.conf'), join(t.dir, 'b/nginx.conf')]);
  } finally {
    t.cleanup();
  }
});

test('the label names the line of the entry that brings the snippet in through another file', () => {
  const t = tree({
    'a/nginx.conf': entry(false, SERVER(18915)),
    'b/nginx.conf': entry(true, '    include site.conf;\n'),
    'b/site.conf': SERVER(18916).replace(/^ {4}/gm, ''),
    'shared/proxy.conf': SNIPPET,
  });
  try {
    const { report } = runJson(['a', 'b'], { cwd: t.dir });
    const bOnly = allFindings(report).find((f) => f.ruleId === 'upstream-keepalive-ineffective')!;
    assert.equal(bOnly.related[0].path, join(t.dir, 'b/nginx.conf'));
    assert.equal((bOnly.related[0] as unknown as { line: number }).line, 7, JSON.stringify(bOnly.related[0]));
    assert.match(bOnly.related[0].message, /^applies to the configuration of \.\.\/b\/nginx\.conf \(which includes proxy\.conf here\), not to that of \.\.\/a\/nginx\.conf$/);
  } finally {
    t.cleanup();
  }
});

test('a configuration read only as the context of a fragment given alone does not count against the snippet', () => {
  // b/nginx.conf is checked for b/site.conf only: it reports nothing on the snippet, so the snippet's findings (from
  // a/nginx.conf alone) are not "not found in b/".
  const t = tree({
    'a/nginx.conf': entry(false, SERVER(18917)),
    'b/nginx.conf': entry(true, '    include site.conf;\n'),
    'b/site.conf': SERVER(18918).replace(/^ {4}/gm, ''),
    'shared/proxy.conf': SNIPPET,
  });
  try {
    const { report } = runJson(['a/nginx.conf', 'b/site.conf'], { cwd: t.dir });
    const shared = allFindings(report).filter((f) => f.path === join(t.dir, 'shared/proxy.conf'));
    assert.deepEqual(shared.map((f) => f.ruleId), ['read-timeout-too-low'], JSON.stringify(shared, null, 1));
    assert.ok(!shared[0].related.some((r) => LABEL.test(r.message)), JSON.stringify(shared[0].related));
  } finally {
    t.cleanup();
  }
});
