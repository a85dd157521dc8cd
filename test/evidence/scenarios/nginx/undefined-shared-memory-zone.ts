import { defineScenario } from '../../scenario';

// The doc's example: limit_req names "perip", the zone is declared as "per_ip". nginx stops once the configuration is
// read, naming no line. No quick fix is offered (the closest name is only a guess).
export default defineScenario({
  rule: 'undefined-shared-memory-zone',
  server: 'nginx',
  claim: { status: 'startup-failure', log: 'zero size shared memory zone "perip"', doc: ['zero size shared memory zone "perip"'] },
  config: { fromDoc: { replace: [['127.0.0.1:8080', '{{app}}']] } },
  standins: { app: { kind: 'http', behaviour: 'ok' } },
  request: { path: '/' },
  fix: false,
});
