import { defineScenario } from '../../scenario';

// The doc's two catch-alls on one address: nginx stops at the second default_server. After the suggestion (remove
// default_server from that line) the first block stays the default, nginx starts and proxies.
export default defineScenario({
  rule: 'listen-conflict',
  server: 'nginx',
  claim: { status: 'startup-failure', log: /a duplicate default server for 127\.0\.0\.1:\d+/, doc: ['nginx: [emerg] a duplicate default server for 127.0.0.1:8080'] },
  config: { fromDoc: { replace: [['127.0.0.1:9000', '{{app}}']] } },
  standins: { app: { kind: 'http', behaviour: 'ok' } },
  request: { path: '/' },
  fix: { use: 'suggestion', title: /default_server/ },
  afterFix: { status: 200 },
});
