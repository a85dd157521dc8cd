import { defineScenario } from '../../scenario';

const count = (xs: string[], x: string) => xs.filter((y) => y === x).length;
export default defineScenario({
  rule: 'failover-ignores-5xx',
  server: 'nginx',
  claim: {
    label: '503 on every 2nd request',
    check: (o) => (count(o.statuses, '503') === 2 && count(o.statuses, '200') === 2 ? undefined : `statuses ${o.statuses.join(',')}`),
    noLog: '[error]',
    doc: ['503', 'served every second request with it'],
  },
  config: { fromDoc: { replace: [['10.0.0.1:8080', '{{bad}}'], ['10.0.0.2:8080', '{{good}}']] } },
  standins: { bad: { kind: 'http', behaviour: 'ok', status: 503 }, good: { kind: 'http', behaviour: 'ok' } },
  request: { count: 4 },
  fix: { use: 'suggestion' },
  afterFix: { status: 200, log: 'upstream server temporarily disabled while reading response header from upstream' },
});
