import { defineScenario } from '../../scenario';

// The harness moves TCP listen lines to free ports but not the pass addresses that name them, so nginx's own
// listener and the pass meet on a UNIX socket in the scenario's folder instead of 127.0.0.1:8080 (the rule reads both
// kinds of address alike). No stand-in: the backend is nginx itself.
const SOCKET = 'unix:{{dir}}/web.sock';

export default [
  defineScenario({
    rule: 'wrong-protocol-to-local-listener',
    server: 'nginx',
    variant: 'fastcgi_pass to its own HTTP listener',
    claim: {
      status: 502,
      log: 'upstream sent unsupported FastCGI protocol version: 72 while reading response header from upstream',
    },
    config: { fromDoc: { replace: [['127.0.0.1:8080', SOCKET]] } },
    request: { path: '/index.php' },
    fix: false,
  }),
  defineScenario({
    rule: 'wrong-protocol-to-local-listener',
    server: 'nginx',
    variant: 'grpc_pass to a listener without http2',
    claim: {
      status: 502,
      log: 'upstream sent too large http2 frame: 4740180 while reading response header from upstream',
    },
    config: { fromDoc: { index: 1, replace: [['localhost:8080', SOCKET], ['grpc_pass 127.0.0.1:8080', `grpc_pass ${SOCKET}`], ['listen 8080;', `listen ${SOCKET};`]] } },
    request: { path: '/api.v1.Service/Call' },
    fix: false,
  }),
  defineScenario({
    rule: 'wrong-protocol-to-local-listener',
    server: 'nginx',
    variant: 'uwsgi_pass (through a group) to an HTTP listener',
    // The listener's 400 is a well-formed uwsgi answer: the client gets it, and nothing is logged at error level.
    claim: { status: 400, noLog: /\[(error|crit|alert|emerg)\]/, doc: ['400', 'nothing at error level'] },
    config: { fromDoc: { index: 1, replace: [['localhost:8080', SOCKET], ['grpc_pass 127.0.0.1:8080', `grpc_pass ${SOCKET}`], ['listen 8080;', `listen ${SOCKET};`]] } },
    request: { path: '/app/' },
    fix: false,
  }),
  defineScenario({
    rule: 'wrong-protocol-to-local-listener',
    server: 'nginx',
    variant: 'proxy_pass to its own proxy_protocol listener',
    claim: {
      status: 502,
      log: 'upstream prematurely closed connection while reading response header from upstream',
      doc: ['502', 'upstream prematurely closed connection while reading response header from upstream', 'while reading PROXY protocol'],
    },
    config: { fromDoc: { index: 2, replace: [['127.0.0.1:8081', 'unix:{{dir}}/pp.sock']] } },
    request: { path: '/internal/' },
    fix: false,
  }),
];
