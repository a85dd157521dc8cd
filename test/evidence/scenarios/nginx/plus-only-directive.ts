import { defineScenario } from '../../scenario';

// NGINX Plus's request queue in a group: open source nginx stops at the line. The suggestion comments it out, and the
// site then starts and answers.
export default defineScenario({
  rule: 'plus-only-directive',
  server: 'nginx',
  claim: { status: 'startup-failure', log: 'unknown directive "queue"', doc: ['nginx: [emerg] unknown directive "queue"'] },
  config: { fromDoc: { replace: [['127.0.0.1:8080', '{{app}}']] } },
  standins: { app: { kind: 'http', behaviour: 'ok' } },
  fix: { use: 'suggestion' },
  afterFix: { status: 200 },
});
