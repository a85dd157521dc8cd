import { defineScenario } from '../../scenario';

// FastCGI has no http_502: nginx stops at the word. After the suggestion (remove it) the location answers from the
// FastCGI stand-in.
export default defineScenario({
  rule: 'invalid-argument-value',
  server: 'nginx',
  claim: { status: 'startup-failure', log: 'invalid value "http_502"', doc: ['nginx: [emerg] invalid value "http_502"'] },
  config: { fromDoc: { replace: [['127.0.0.1:9000', '{{php}}']] } },
  standins: { php: { kind: 'fastcgi' } },
  request: { path: '/index.php' },
  fix: { use: 'suggestion', title: /Remove "http_502"/ },
  afterFix: { status: 200 },
});
