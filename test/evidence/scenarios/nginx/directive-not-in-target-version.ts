import { defineScenario } from '../../scenario';

// The doc's example targets nginx 1.22.1, the one here: "http2 on;" (1.25.1) stops it. No quick fix is offered
// (removing the line is the user's call).
export default defineScenario({
  rule: 'directive-not-in-target-version',
  server: 'nginx',
  claim: { status: 'startup-failure', log: 'unknown directive "http2"', doc: ['nginx: [emerg] unknown directive "http2"'] },
  config: { fromDoc: { replace: [['127.0.0.1:8080', '{{app}}']] } },
  standins: { app: { kind: 'http', behaviour: 'ok' } },
  request: { path: '/' },
  fix: false,
});
