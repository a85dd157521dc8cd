import { defineScenario } from '../../scenario';

// The rule judges by the port (https:// to 8080), so it is linted and fixed as the doc writes it; the server then
// runs it with app.internal:8080 pointed at the stand-in.
export default defineScenario({
  rule: 'scheme-port-mismatch',
  server: 'nginx',
  variant: 'https:// to a plain-HTTP port',
  lintOriginal: true,
  hosts: '127.0.0.1 localhost app.internal\n',
  claim: {
    status: 502,
    log: 'SSL_do_handshake() failed (SSL: error:0A00010B:SSL routines::wrong version number) while SSL handshaking to upstream',
    doc: ['502', 'SSL_do_handshake() failed (SSL: error:0A00010B:SSL routines::wrong version number) while SSL handshaking to upstream'],
  },
  config: { fromDoc: { replace: [['app.internal:8080', 'app.internal:{{app.port}}']] } },
  standins: { app: { kind: 'http', behaviour: 'ok' } },
  fix: { use: 'suggestion', title: /http:\/\//i },
  afterFix: { status: 200 },
});
