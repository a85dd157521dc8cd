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
import { nginxTest, tempTree } from '../helpers';

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
