// A directive nginx takes once per level, written twice at one level, stops nginx ("directive is duplicate"):
// duplicate-directive says so, and there is no value in force there. The rules that judge or compare values must
// then say nothing about those lines (the hover says "none: nginx will not start"), rather than compare against a
// value that does not exist: connect-timeout-above-read-timeout used to compare proxy_read_timeout 10s; 20s.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { nginxHover } from '../../server/src/core/features/hover';
import { lintNginx } from '../../server/src/core/lint';
import { isSingleValueAt } from '../../server/src/core/model/nginx-single-value';
import { allRules } from '../../server/src/core/rules/index';
import type { NginxRule } from '../../server/src/core/rules/rule';
import { defaultSettings } from '../../server/src/core/settings';
import { memHost } from '../helpers';
import { docPath, fixtureDir, fixtureSettings, nginxBlocks, readDoc } from './rule-harness';

const P = '/etc/nginx/nginx.conf';
const lint = (text: string, settings = fixtureSettings(text)) => lintNginx(P, text, memHost({ [P]: text }), { settings });
const lineOf = (text: string, offset: number) => text.slice(0, offset).split('\n').length;
const PASS = /_pass$/;

/** Rules whose findings rest on values in force: what requests get, and start-up checks nginx makes when it merges values. */
const judgesValues = (id: string) => {
  const r = allRules.find((x) => x.id === id) as NginxRule | undefined;
  return !!r && id !== 'duplicate-directive' && ((r.outcome !== 'startup-failure' && r.outcome !== 'lint') || r.judgesMergedValues === true);
};

test('a line written twice at one level (nginx does not start) gets no finding that judges its value, in any rule\'s examples', () => {
  const examples: [string, string][] = [];
  for (const rule of allRules.filter((r) => r.server !== 'apache')) {
    const bad = join(fixtureDir(rule), 'bad.conf');
    if (existsSync(bad)) examples.push([`${rule.id}/bad.conf`, readFileSync(bad, 'utf8')]);
    if (existsSync(docPath(rule))) nginxBlocks(readDoc(rule).sections.get('Incorrect') ?? '').forEach((ex, n) => examples.push([`${rule.id}.md Incorrect ${n + 1}`, ex]));
  }
  const wrong: string[] = [];
  let duplicated = 0;
  for (const [name, text] of examples) {
    // Examples split over several files (# file:) are left out: the copy is made in the one file linted here.
    if (/^# file: /m.test(text)) continue;
    for (const n of lint(text).config.all) {
      // A pass line is what the rules about it judge (its address, scheme, path): each copy names its own target.
      if (n.file.path !== P || n.directive.block || !n.directive.terminated || PASS.test(n.name) || !isSingleValueAt(n.name, n.context)) continue;
      const lineStart = text.lastIndexOf('\n', n.directive.start - 1) + 1;
      const indent = /^[ \t]*/.exec(text.slice(lineStart))![0];
      const copy = text.slice(0, n.directive.end) + '\n' + indent + text.slice(n.directive.start, n.directive.end) + text.slice(n.directive.end);
      const findings = lint(copy).findings;
      const line = lineOf(copy, n.directive.start);
      if (!findings.some((f) => f.ruleId === 'duplicate-directive' && [line, line + 1].includes(lineOf(copy, f.start)))) continue;
      duplicated++;
      for (const f of findings) {
        if (judgesValues(f.ruleId) && [line, line + 1].includes(lineOf(copy, f.start))) wrong.push(`${name}: ${n.name} copied at line ${line}: ${f.ruleId}: ${f.message.slice(0, 120)}`);
      }
    }
  }
  assert.ok(duplicated > 100, `${duplicated} lines duplicated`);
  assert.deepEqual(wrong, []);
});

const WS6 = `events {}
http {
    proxy_read_timeout 90s;
    server {
        listen 127.0.0.1:18080;
        location / {
            proxy_pass http://127.0.0.1:9000;
            proxy_read_timeout 45s;
        }
        location /y/ {
            proxy_read_timeout 10s;
            proxy_read_timeout 20s;
            proxy_pass http://127.0.0.1:9000;
        }
    }
}
`;

test('connect-timeout-above-read-timeout does not compare against proxy_read_timeout 10s; 20s (the reviewer\'s case), and still does against a single value', () => {
  const findings = lint(WS6, defaultSettings()).findings;
  const at = (id: string) => findings.filter((f) => f.ruleId === id).map((f) => lineOf(WS6, f.start));
  assert.deepEqual(at('duplicate-directive'), [12]);
  assert.deepEqual(at('connect-timeout-above-read-timeout'), [8]);
  // The hover says the same as the rules: no value.
  const r = lint(WS6, defaultSettings());
  const h = nginxHover(r, P, WS6.indexOf('proxy_read_timeout 20s') + 3, defaultSettings().nginx, () => undefined);
  assert.match(h!.markdown, /\*\*Effective value here:\*\* none: nginx will not start/);
});

test('rules that read a duplicated value away from its lines say nothing either: a location\'s read timeout, an upstream\'s keepalive, stream proxy_ssl', () => {
  const ids = (text: string, settings = defaultSettings()) => [...new Set(lint(text, settings).findings.map((f) => f.ruleId))].sort();
  // long-lived-location-default-timeout reports at proxy_pass, reading proxy_read_timeout from the location.
  const ws = (reads: string) => `events {}\nhttp {\n  server {\n    listen 80;\n    location /ws/ {\n      proxy_pass http://127.0.0.1:9000;\n      proxy_http_version 1.1;\n      proxy_set_header Upgrade $http_upgrade;\n      proxy_set_header Connection "upgrade";\n${reads}    }\n  }\n}\n`;
  assert.ok(ids(ws('      proxy_read_timeout 30s;\n')).includes('long-lived-location-default-timeout'));
  assert.deepEqual(ids(ws('      proxy_read_timeout 30s;\n      proxy_read_timeout 40s;\n')), ['duplicate-directive']);
  // upstream-keepalive-ineffective reports at the location, reading keepalive from the upstream block.
  const ka = (lines: string) => `events {}\nhttp {\n  upstream app {\n    server 10.0.0.1:8080;\n${lines}  }\n  server {\n    listen 80;\n    location / {\n      proxy_pass http://app;\n    }\n  }\n}\n`;
  assert.ok(ids(ka('    keepalive 16;\n')).includes('upstream-keepalive-ineffective'));
  assert.ok(!ids(ka('    keepalive 16;\n    keepalive 32;\n')).includes('upstream-keepalive-ineffective'));
  // scheme-port-mismatch (stream) reports at the pass's address, reading proxy_ssl from the server.
  const stream = (lines: string) => `events {}\nstream {\n  server {\n    listen 127.0.0.1:18591;\n${lines}    proxy_pass 127.0.0.1:80;\n  }\n}\n`;
  assert.ok(ids(stream('    proxy_ssl on;\n')).includes('scheme-port-mismatch'));
  assert.deepEqual(ids(stream('    proxy_ssl on;\n    proxy_ssl on;\n')), ['duplicate-directive']);
});
