import { defineScenario } from '../../scenario';

export default [
  defineScenario({
    rule: 'undefined-upstream',
    server: 'nginx',
    claim: { status: 'startup-failure', log: 'host not found in upstream "backnd"', doc: ['host not found in upstream "backnd"'] },
    config: { fromDoc: { replace: [['127.0.0.1:8080', '{{app}}']] } },
    standins: { app: { kind: 'http', behaviour: 'ok' } },
    afterFix: { status: 200 },
  }),
  // The group exists, but in stream {}: nginx reports the name as if there were no group at all. No quick fix (which
  // block should own the group is the user's call); the doc's Correct example gives http {} a group of its own.
  defineScenario({
    rule: 'undefined-upstream',
    server: 'nginx',
    variant: 'group only in stream {}',
    claim: { status: 'startup-failure', log: 'host not found in upstream "db"', doc: ['nginx: [emerg] host not found in upstream "db"', 'no port in upstream "web"'] },
    config: { fromDoc: { index: 1, replace: [['127.0.0.1:8080', '{{app}}']] } },
    standins: { app: { kind: 'http', behaviour: 'ok' } },
    fix: false,
  }),
];
