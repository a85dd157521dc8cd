import { defineScenario } from '../../scenario';

// The doc's example is a location fragment: it is placed in a server block so nginx reaches the missing ";".
export default defineScenario({
  rule: 'syntax-error',
  server: 'nginx',
  claim: { status: 'startup-failure', log: 'unexpected "}"', doc: ['nginx: [emerg] unexpected "}"'] },
  config: { fromDoc: { prepend: 'http {\n    server {\n        listen 8000;\n', append: '    }\n}\n', replace: [['127.0.0.1:8080', '{{app}}']] } },
  standins: { app: { kind: 'http', behaviour: 'ok' } },
  request: { path: '/api/x' },
  fix: false,
});
