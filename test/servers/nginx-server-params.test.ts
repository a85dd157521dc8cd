// What `nginx -t` (1.22.1, open source) says about upstream server parameters it rejects, checked against the text
// the hovers quote and the message of the rule that reports each (invalid-server-parameter; plus-only-directive for the
// NGINX Plus parameters slow_start= and service=, the latter open source from 1.27.3). The rule's fixture (test/rules/nginx/invalid-server-parameter) checks which lines are reported, not the words.
// proxylint-test: untimed
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nginxServerParamDoc } from '../../server/src/core/docs/directive-doc';
import { NGX_LOG } from '../../server/src/core/docs/log-lines';
import { parseVersion } from '../../server/src/core/model/version';
import { lintText, requireBinary } from '../helpers';
import { nginxConfigTest, prepareNginx } from './harness/nginx';

requireBinary('nginx');

const groups = (param: string, extra = '') =>
  `http {\n    ${extra}upstream app {\n        zone app 64k;\n        server ${param.startsWith('service=') ? 'app.internal' : '127.0.0.1:8081'} ${param};\n        server 127.0.0.1:8082;\n    }\n    server {\n        listen 127.0.0.1:8000;\n        location / { proxy_pass http://app; }\n    }\n}\n`;

test('nginx -t rejects max_fails=-1, fail_timeout=500ms, slow_start=10s and service=http in the words the hovers and the rule quote (real nginx)', async () => {
  const expected: Record<string, string> = {
    'max_fails=-1': 'invalid parameter "max_fails=-1"',
    'fail_timeout=500ms': 'invalid parameter "fail_timeout=500ms"',
    'slow_start=10s': NGX_LOG.slowStartInvalid,
    'service=http': NGX_LOG.serviceInvalid,
  };
  for (const [param, line] of Object.entries(expected)) {
    // service= needs resolve (and a resolver) where nginx knows it; 1.22.1 stops at service= before looking further.
    const text = param.startsWith('service=') ? groups(`${param} resolve`, 'resolver 127.0.0.1;\n    ') : groups(param);
    const setup = await prepareNginx(text);
    try {
      const r = nginxConfigTest(setup, { isolatedNetwork: true });
      assert.equal(r.ok, false, `${param}: ${r.output}`);
      assert.match(r.output, new RegExp(`\\[emerg\\] ${line.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} in ${setup.confPath.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+`), `${param}: ${r.output}`);
      // NGINX Plus parameters (slow_start=, and service= before 1.27.3) are plus-only-directive's since it came; the
      // others stay invalid-server-parameter's. One finding either way, quoting nginx's words.
      const rule = param.startsWith('slow_start=') || param.startsWith('service=') ? 'plus-only-directive' : 'invalid-server-parameter';
      const findings = lintText(setup.text, { settings: (s) => Object.assign(s.nginx, { version: parseVersion('1.22.1'), edition: 'oss' }) }).findings.filter((f) => f.ruleId === rule);
      assert.equal(findings.length, 1, `${param}: ${findings.map((f) => f.message).join('\n')}`);
      assert.ok(findings[0].message.includes(line), `${param}: ${findings[0].message}`);
    } finally {
      setup.cleanup();
    }
    const doc = nginxServerParamDoc(param)!;
    assert.ok(doc.failure.includes(`\`${line}\``) || doc.logLines.includes(line), `${param} hover: ${doc.failure}`);
  }
});
