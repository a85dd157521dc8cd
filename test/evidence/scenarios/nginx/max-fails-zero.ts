import { defineScenario } from '../../scenario';

const refused = (log: string) => log.split('Connection refused').length - 1;
export default defineScenario({
  rule: 'max-fails-zero',
  server: 'nginx',
  claim: {
    status: 200,
    label: '200, a failed attempt on every 2nd request',
    log: 'connect() failed (111: Connection refused) while connecting to upstream',
    noLog: 'upstream server temporarily disabled',
    check: (o) => (refused(o.errorLog) === 2 ? undefined : `${refused(o.errorLog)} refused attempts for 4 requests`),
    show: (o) => `${o.statuses.join(',')}; ${refused(o.errorLog)} refused attempts`,
    doc: ['connect() failed (111: Connection refused) while connecting to upstream', 'upstream server temporarily disabled'],
  },
  config: { fromDoc: { replace: [['10.0.0.1:8080', '{{down}}'], ['10.0.0.2:8080', '{{up}}']] } },
  standins: { down: { kind: 'refused' }, up: { kind: 'http', behaviour: 'ok' } },
  request: { count: 4 },
  fix: { use: 'suggestion', title: /remove/i },
  afterFix: {
    status: 200,
    log: 'upstream server temporarily disabled',
    check: (o) => (refused(o.errorLog) === 1 ? undefined : `${refused(o.errorLog)} refused attempts`),
    show: (o) => `${o.statuses.join(',')}; ${refused(o.errorLog)} refused attempt`,
  },
});
