import { defineScenario } from '../../scenario';

// The first suggestion takes "backup" off the first server: nginx starts, and that server answers.
export default defineScenario({
  rule: 'no-primary-server',
  server: 'nginx',
  claim: { status: 'startup-failure', log: 'no servers in upstream "app"', doc: ['nginx: [emerg] no servers in upstream "app"'] },
  config: { fromDoc: { replace: [['127.0.0.1:8081', '{{a}}'], ['127.0.0.1:8082', '{{b}}']] } },
  standins: { a: { kind: 'http', behaviour: 'ok' }, b: { kind: 'http', behaviour: 'ok' } },
  request: { count: 2 },
  fix: { use: 'suggestion' },
  afterFix: { status: 200, check: (o) => (o.standins.a.requests.length === 2 && o.standins.b.requests.length === 0 ? undefined : `primary saw ${o.standins.a.requests.length}, backup ${o.standins.b.requests.length} of 2 requests`) },
});
