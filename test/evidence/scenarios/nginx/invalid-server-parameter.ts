import { defineScenario } from '../../scenario';

// The doc's first example: weight=0. The first suggestion ("down") makes it load; the other server answers.
export default defineScenario({
  rule: 'invalid-server-parameter',
  server: 'nginx',
  claim: { status: 'startup-failure', log: 'invalid parameter "weight=0"', doc: ['invalid parameter "weight=0"'] },
  config: { fromDoc: { replace: [['127.0.0.1:8080', '{{app}}'], ['127.0.0.1:8081', '{{app}}']] } },
  standins: { app: { kind: 'http', behaviour: 'ok' } },
  fix: { use: 'suggestion' },
  afterFix: { status: 200 },
});
