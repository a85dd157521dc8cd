import { defineScenario } from '../../scenario';

const servers: [string, string][] = [['10.0.0.1:8080', '{{a}}'], ['10.0.0.2:8080', '{{b}}'], ['10.0.0.9:8080', '{{c}}']];
const standins = { a: { kind: 'http', behaviour: 'ok' }, b: { kind: 'http', behaviour: 'ok' }, c: { kind: 'http', behaviour: 'ok' } } as const;
export default [
  defineScenario({
    rule: 'backup-with-hash-balancing',
    server: 'nginx',
    variant: 'hash before the servers',
    claim: { status: 'startup-failure', log: 'balancing method does not support parameter "backup"', doc: ['nginx: [emerg] balancing method does not support parameter "backup"'] },
    config: { fromDoc: { replace: servers } },
    standins,
    fix: { use: 'suggestion' },
    afterFix: { status: 200 },
  }),
  // ip_hash after the servers: accepted by nginx 1.22.1, as the doc says (reported as a warning).
  defineScenario({
    rule: 'backup-with-hash-balancing',
    server: 'nginx',
    variant: 'ip_hash after the servers',
    claim: { status: 200, label: 'starts (warning only)', doc: ['without a word'] },
    config: { fromDoc: { index: 1, replace: [['10.0.0.1:8080', '{{a}}'], ['10.0.0.9:8080', '{{c}}']] } },
    standins,
    fix: { use: 'suggestion' },
    afterFix: { status: 200 },
  }),
];
