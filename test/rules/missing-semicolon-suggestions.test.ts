// probable-missing-semicolon suggests adding the ";". When the line before it has fewer arguments than its directive
// needs (`add_header X-Frame-Options` followed by a `proxy_pass …;` line: the value was forgotten too), the ";"
// alone leaves a line the real `nginx -t` rejects ("invalid number of arguments in "add_header" directive"), so the
// suggestion must say it is partial. Each suggestion is applied on its own to a configuration that has only that
// one problem.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyEdits } from '../../server/src/core/fix';
import { lintNginx } from '../../server/src/core/lint';
import { defaultSettings } from '../../server/src/core/settings';
import { createNodeHost } from '../../server/src/node/node-host';
import { lintText, nginxTest, tempTree } from '../helpers';

const RULE = 'probable-missing-semicolon';
const CASES = {
  'server_name api.example.com\n        listen': 'complete',
  'add_header X-Frame-Options\n        listen': 'partial',
};

for (const [lines, kind] of Object.entries(CASES)) {
  test(`${RULE}: "${lines.split('\n')[0]}": the suggestion passes the real nginx -t, or its title says it is partial`, () => {
    const text = `events {}\nhttp {\n    server {\n        ${lines} 127.0.0.1:18530;\n        location / {\n            proxy_pass http://127.0.0.1:18531;\n        }\n    }\n}\n`;
    const tree = tempTree({ 'nginx.conf': text });
    try {
      const path = join(tree.dir, 'nginx.conf');
      const findings = lintNginx(path, text, createNodeHost(), { settings: defaultSettings() }).findings.filter((f) => f.ruleId === RULE);
      assert.equal(findings.length, 1, findings.map((f) => f.message).join('\n'));
      const [suggestion] = findings[0].suggestions;
      writeFileSync(path, applyEdits(text, suggestion.edits).text);
      const t = nginxTest(tree.dir, path);
      assert.equal(t.ok, kind === 'complete', `nginx -t on:\n${readFileSync(path, 'utf8')}\n${t.output}`);
      if (kind === 'complete') assert.equal(suggestion.title, 'Add the missing ";"');
      else assert.match(suggestion.title, /partial/, `nginx -t rejects the result:\n${t.output}`);
    } finally {
      tree.cleanup();
    }
  });
}

test(`${RULE}: finding the directive of each problem reads the tree once, not once per problem`, async () => {
  // One missing ";" per server block: a search of config.all per problem made the rule quadratic (13 s on 20k servers).
  const servers = Array.from({ length: 400 }, (_, k) => `    server {\n        server_name a${k}.example.com\n        listen 127.0.0.1:${10000 + k};\n        location / { proxy_pass http://127.0.0.1:8080; }\n    }\n`);
  const text = `events {}\nhttp {\n${servers.join('')}}\n`;
  const { default: rule } = await import('../../server/src/core/rules/common/probable-missing-semicolon');
  const config = lintText(text).config;
  let reads = 0;
  const all = new Proxy(config.all, {
    get(target, prop, receiver) {
      if (typeof prop === 'string' && /^\d+$/.test(prop)) reads++;
      return Reflect.get(target, prop, receiver);
    },
  });
  let reported = 0;
  rule.check({ config: { ...config, all }, report: () => reported++ } as unknown as Parameters<typeof rule.check>[0]);
  assert.equal(reported, 400);
  assert.ok(reads <= 2 * config.all.length, `${reads} reads of a tree of ${config.all.length} nodes for ${reported} problems`);
});
