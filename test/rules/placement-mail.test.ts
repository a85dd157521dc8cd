// directive-not-allowed-here and mail: the rule does not judge mail blocks (no mail module in Debian's nginx to check
// the table against), but a mail-only directive written in an http or stream block is still refused by nginx, and a
// mail snippet checked alone must not be taken for the top level of a whole configuration.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintText } from '../helpers';

const RULE = 'directive-not-allowed-here';

test(`${RULE}: a mail-only directive in an http server block is called a mail directive, with the blocks it belongs in`, () => {
  const r = lintText('events {}\nhttp {\n    server {\n        listen 80;\n        proxy_pass_error_message on;\n    }\n}\n');
  const messages = r.findings.filter((f) => f.ruleId === RULE).map((f) => f.message);
  assert.equal(messages.length, 1, messages.join('\n'));
  assert.match(messages[0], /it is a mail directive \(it belongs in "mail" or a mail "server"\)$/);
  assert.doesNotMatch(messages[0], /stream|belongs in \)/);
});

test(`${RULE}: a mail snippet checked alone is not judged as the top level of a configuration`, () => {
  const snippet = 'auth_http 127.0.0.1:9000/auth;\nproxy_pass_error_message on;\nproxy_buffer 16k;\nsmtp_auth login plain;\n';
  const r = lintText(snippet, { path: 'mail.d/proxy.conf' });
  assert.deepEqual(r.findings.filter((f) => f.ruleId === RULE).map((f) => f.message), []);
  // The same lines at the top of a whole configuration are refused by nginx, and still reported.
  const whole = lintText(`events {}\n${snippet}`);
  assert.deepEqual(whole.findings.filter((f) => f.ruleId === RULE).map((f) => whole.at(f).line), [3, 4]);
});
