import { defineScenario } from '../../scenario';

// The doc's example: two caches declare keys_zone=app. nginx stops at the second. No quick fix is offered (whether
// the sites should share one cache is the user's call).
export default defineScenario({
  rule: 'duplicate-cache-zone',
  server: 'nginx',
  claim: { status: 'startup-failure', log: 'duplicate zone "app"', doc: ['nginx: [emerg] duplicate zone "app"'] },
  config: { fromDoc: { replace: [['127.0.0.1:8080', '{{app}}']] } },
  standins: { app: { kind: 'http', behaviour: 'ok' } },
  request: { path: '/' },
  fix: false,
});
