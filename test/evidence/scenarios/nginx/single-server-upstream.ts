import { defineScenario } from '../../scenario';

export default defineScenario({
  rule: 'single-server-upstream',
  server: 'nginx',
  claim: {
    status: 502,
    log: 'connect() failed (111: Connection refused) while connecting to upstream',
    noLog: 'upstream server temporarily disabled',
    check: (o) => (o.errorLog.split('Connection refused').length - 1 === 3 ? undefined : 'not one attempt per request'),
    doc: ['502', 'connect() failed (111: Connection refused) while connecting to upstream', 'upstream server temporarily disabled'],
  },
  config: { fromDoc: { replace: [['10.0.0.6:8080', '{{down}}']] } },
  standins: { down: { kind: 'refused' } },
  request: { count: 3 },
  fix: false,
});
