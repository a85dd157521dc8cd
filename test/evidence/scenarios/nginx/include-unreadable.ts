import { defineScenario } from '../../scenario';

export default defineScenario({
  rule: 'include-unreadable',
  server: 'nginx',
  claim: { status: 'startup-failure', log: /conf\.d" failed \(21: Is a directory\)/, doc: ['(21: Is a directory)'] },
  config: { fromDoc: { replace: [['127.0.0.1:8080', '8080']] } },
  fix: false,
});
