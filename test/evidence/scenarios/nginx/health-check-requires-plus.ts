import { defineScenario } from '../../scenario';

export default defineScenario({
  rule: 'health-check-requires-plus',
  server: 'nginx',
  claim: { status: 'startup-failure', log: 'unknown directive "health_check"', doc: ['nginx: [emerg] unknown directive "health_check"'] },
  config: { fromDoc: { replace: [['10.0.0.1:8080', '{{a}}'], ['10.0.0.2:8080', '{{b}}']] } },
  standins: { a: { kind: 'http', behaviour: 'ok' }, b: { kind: 'http', behaviour: 'ok' } },
  fix: { use: 'safe' },
  afterFix: { status: 200 },
});
