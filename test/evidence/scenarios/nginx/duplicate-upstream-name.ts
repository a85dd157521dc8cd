import { defineScenario } from '../../scenario';

// The doc's example: two blocks named "app". nginx stops at the second. No quick fix is offered (which servers the
// name should mean is the user's call).
export default defineScenario({
  rule: 'duplicate-upstream-name',
  server: 'nginx',
  claim: { status: 'startup-failure', log: 'duplicate upstream "app"', doc: ['nginx: [emerg] duplicate upstream "app"'] },
  config: { fromDoc: { replace: [['127.0.0.1:8080', '{{app}}'], ['127.0.0.1:8081', '{{app}}']] } },
  standins: { app: { kind: 'http', behaviour: 'ok' } },
  request: { path: '/' },
  fix: false,
});
