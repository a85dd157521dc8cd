import { defineScenario } from '../../scenario';

// The doc's example: limit_req_zone and limit_conn_zone both call their zone "one". nginx stops at the second line.
// No quick fix is offered (the lines that use the zone must be renamed with it).
export default defineScenario({
  rule: 'shared-memory-zone-conflict',
  server: 'nginx',
  claim: { status: 'startup-failure', log: 'the shared memory zone "one" is already declared for a different use', doc: ['the shared memory zone "one" is already declared for a different use'] },
  config: { fromDoc: { replace: [['127.0.0.1:8080', '{{app}}']] } },
  standins: { app: { kind: 'http', behaviour: 'ok' } },
  request: { path: '/' },
  fix: false,
});
