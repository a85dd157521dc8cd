import { defineScenario } from '../../scenario';

// A WebSocket location copied without its map: nginx stops once it has read the files. After the safe fix (the map
// added to http {}) the location answers from the stand-in.
export default defineScenario({
  rule: 'undefined-variable',
  server: 'nginx',
  claim: { status: 'startup-failure', log: 'unknown "connection_upgrade" variable', doc: ['nginx: [emerg] unknown "connection_upgrade" variable'] },
  config: { fromDoc: { replace: [['127.0.0.1:8080', '{{app}}']] } },
  standins: { app: { kind: 'http', behaviour: 'ok' } },
  request: { path: '/ws/' },
  fix: { use: 'safe' },
  afterFix: { status: 200 },
});
