import { defineScenario } from '../../scenario';

export default defineScenario({
  rule: 'invalid-number-of-arguments',
  server: 'nginx',
  claim: { status: 'startup-failure', log: 'invalid number of arguments in "proxy_set_header" directive', doc: ['nginx: [emerg] invalid number of arguments in "proxy_set_header" directive'] },
  config: { fromDoc: { replace: [['127.0.0.1:8080', '{{app}}']] } },
  standins: { app: { kind: 'http', behaviour: 'ok' } },
  request: { path: '/' },
  fix: false,
});
