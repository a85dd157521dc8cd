import { defineScenario } from '../../scenario';

export default defineScenario({
  rule: 'include-not-found',
  server: 'nginx',
  claim: { status: 'startup-failure', log: /open\(\) "[^"]*conf\.d\/upstreams-missing\.conf" failed \(2: No such file or directory\)/, doc: ['failed (2: No such file or directory)'] },
  config: { fromDoc: { append: '\n' } },
  fix: false,
});
