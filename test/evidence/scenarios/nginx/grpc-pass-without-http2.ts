import { defineScenario } from '../../scenario';

// A gRPC client over cleartext starts with the HTTP/2 preface. Without http2 on the listen line nginx answers it with
// an HTTP/1.1 400 and writes nothing to the error log; with it (the suggestion), nginx answers with HTTP/2 frames,
// its SETTINGS first. The backend is never reached in either case: this is about what nginx speaks to clients.
/** The answer starts with an HTTP/2 frame header of type SETTINGS (4); the body is kept as latin1 text. */
const settingsFrame = (body: string | undefined) => body !== undefined && body.length >= 9 && body.charCodeAt(3) === 0x04;
export default defineScenario({
  rule: 'grpc-pass-without-http2',
  server: 'nginx',
  claim: { status: 400, noLog: /\[(error|crit|alert|emerg)\]/, doc: ['"PRI * HTTP/2.0" 400', 'no application protocol'] },
  config: { fromDoc: { replace: [['127.0.0.1:8080', '{{app}}']] } },
  standins: { app: { kind: 'http', behaviour: 'ok' } },
  request: { h2Preface: true, timeoutMs: 1500 },
  fix: { use: 'suggestion', title: /listen lines/ },
  afterFix: {
    status: 'non-http',
    label: 'HTTP/2 frames',
    check: (o) => (settingsFrame(o.responses[0]?.body) ? undefined : 'no HTTP/2 SETTINGS frame in the answer'),
    show: () => 'HTTP/2 SETTINGS frame',
  },
});
