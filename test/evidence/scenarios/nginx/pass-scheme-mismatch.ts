import { defineScenario } from '../../scenario';

export default defineScenario({
  rule: 'pass-scheme-mismatch',
  server: 'nginx',
  claim: { status: 'startup-failure', log: 'invalid URL prefix', doc: ['nginx: [emerg] invalid URL prefix'] },
  config: { fromDoc: { prepend: 'http {\n    server {\n        listen 8000;\n', append: '    }\n}\n', replace: [['127.0.0.1:8080', '{{app}}']] } },
  standins: { app: { kind: 'http', behaviour: 'ok' } },
  afterFix: { status: 200 },
});
