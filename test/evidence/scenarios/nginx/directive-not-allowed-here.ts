import { defineScenario } from '../../scenario';

// nginx stops at the first misplaced line, the server block's proxy_pass; the upstream block's proxy_read_timeout
// would be the next.
export default defineScenario({
  rule: 'directive-not-allowed-here',
  server: 'nginx',
  claim: { status: 'startup-failure', log: '"proxy_pass" directive is not allowed here', doc: ['nginx: [emerg] "proxy_pass" directive is not allowed here'] },
  config: { fromDoc: { replace: [['127.0.0.1:8080', '{{app}}']] } },
  standins: { app: { kind: 'http', behaviour: 'ok' } },
  request: { path: '/' },
  fix: false,
});
