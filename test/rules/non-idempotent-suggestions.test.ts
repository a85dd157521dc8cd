// non-idempotent-retry's one suggestion removes the keyword. nginx ORs the *_next_upstream lines of one level, so the
// keyword often stands alone on a line of its own (`proxy_next_upstream non_idempotent;`): removing only the word
// there left `proxy_next_upstream ;`, which the real nginx -t (1.22.1) refuses ("invalid number of arguments in
// "proxy_next_upstream" directive"). Each case: the suggestion applied gives a configuration nginx -t accepts, and the
// rule has nothing left to report.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyEdits } from '../../server/src/core/fix';
import { lintText, nginxTestText } from '../helpers';

const conf = (location: string) => `events {}
http {
    upstream app {
        server 127.0.0.1:18691;
        server 127.0.0.1:18692;
    }
    server {
        listen 127.0.0.1:18690;
        location /orders/ {
            proxy_pass http://app;
${location}
        }
    }
}
`;

const cases: [string, string, string][] = [
  ['beside other flags on its line', '            proxy_next_upstream error timeout non_idempotent;', '            proxy_next_upstream error timeout;'],
  ['alone on a line of its own', '            proxy_next_upstream error timeout;\n            proxy_next_upstream non_idempotent;', '            proxy_next_upstream error timeout;'],
  ['alone, with a comment after it', '            proxy_next_upstream error timeout;\n            proxy_next_upstream non_idempotent;  # retry orders too', '            proxy_next_upstream error timeout;'],
];

for (const [name, location, expected] of cases) {
  test(`non-idempotent-retry: "Remove non_idempotent" ${name} leaves a configuration nginx -t accepts`, () => {
    const text = conf(location);
    assert.ok(nginxTestText(text).ok, 'the configuration itself is valid nginx');
    const found = lintText(text).findings.filter((f) => f.ruleId === 'non-idempotent-retry');
    assert.equal(found.length, 1);
    const s = found[0].suggestions.find((x) => x.title.startsWith('Remove non_idempotent'));
    assert.ok(s, 'the suggestion is offered');
    const fixed = applyEdits(text, s.edits).text;
    assert.equal(fixed, conf(expected));
    const t = nginxTestText(fixed);
    assert.ok(t.ok, `nginx -t rejected the result:\n${t.output}`);
    assert.deepEqual(lintText(fixed).findings.filter((f) => f.ruleId === 'non-idempotent-retry').map((f) => f.message), []);
  });
}
