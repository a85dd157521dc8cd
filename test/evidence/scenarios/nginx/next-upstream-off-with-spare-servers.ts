import { defineScenario } from '../../scenario';

export default defineScenario({
  rule: 'next-upstream-off-with-spare-servers',
  server: 'nginx',
  claim: {
    statuses: ['502', '200', '200'],
    log: /connect\(\) failed \(111: Connection refused\) while connecting to upstream[\s\S]*upstream server temporarily disabled while connecting to upstream/,
    doc: ['502', 'connect() failed (111: Connection refused) while connecting to upstream', 'upstream server temporarily disabled while connecting to upstream'],
  },
  config: { fromDoc: { replace: [['10.0.0.1:8080', '{{down}}'], ['10.0.0.2:8080', '{{up}}']] } },
  standins: { down: { kind: 'refused' }, up: { kind: 'http', behaviour: 'ok' } },
  request: { count: 3 },
  fix: { use: 'suggestion' },
  afterFix: { status: 200 },
});
