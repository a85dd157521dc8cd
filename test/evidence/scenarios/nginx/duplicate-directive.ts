import { defineScenario } from '../../scenario';

// The doc's example: a location includes a snippet with proxy_http_version and sets it again itself. After the
// suggestion (remove the later line) nginx starts and proxies.
export default defineScenario({
  rule: 'duplicate-directive',
  server: 'nginx',
  claim: { status: 'startup-failure', log: /"proxy_http_version" directive is duplicate/, doc: ['"proxy_http_version" directive is duplicate'] },
  config: { fromDoc: { replace: [['127.0.0.1:8080', '{{app}}']] } },
  standins: { app: { kind: 'http', behaviour: 'ok' } },
  fix: { use: 'suggestion', title: /Remove/ },
  afterFix: { status: 200 },
});
