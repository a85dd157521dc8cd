import { defineScenario } from '../../scenario';

// The page's Incorrect example: the Define comes after the ProxyPass, so httpd keeps "${BACKEND_HOST}" as the host
// (AH00111 at start-up, apache2 -t says Syntax OK) and the request gets 500 from the failed lookup. The Correct
// example (the Define first) reaches the stand-in.
export default [
  defineScenario({
    rule: 'undefined-variable-in-backend-url',
    server: 'apache',
    claim: {
      status: 500,
      log: /AH00898: DNS lookup failure for: \$\{backend_host\} returned by \/api\/x/,
      doc: ['500', 'AH00111: Config variable ${BACKEND_HOST} is not defined', 'AH00898: DNS lookup failure for: ${backend_host}'],
    },
    config: { fromDoc: { replace: [['8080', '{{app.port}}']] } },
    standins: { app: { kind: 'http', behaviour: 'ok' } },
    request: { path: '/api/x' },
    fix: false,
    noFixHere: 'no automatic fix: the value (or the environment) is the operator\'s',
  }),
];
