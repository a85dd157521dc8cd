import { defineScenario } from '../../scenario';

export default defineScenario({
  rule: 'undefined-upstream',
  server: 'nginx',
  claim: { status: 'startup-failure', log: 'host not found in upstream "backnd"', doc: ['host not found in upstream "backnd"'] },
  config: { fromDoc: { replace: [['127.0.0.1:8080', '{{app}}']] } },
  standins: { app: { kind: 'http', behaviour: 'ok' } },
  afterFix: { status: 200 },
});
