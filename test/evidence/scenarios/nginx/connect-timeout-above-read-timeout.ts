import { defineScenario } from '../../scenario';

// Scaled 20:1: the default 60 s connect timeout runs as 3s, the read timeout 5s as 250ms, the suggested 5 s connect
// timeout as 250ms. The backend host "does not answer": its listen queue is full, the handshake never completes.
export default defineScenario({
  rule: 'connect-timeout-above-read-timeout',
  server: 'nginx',
  lintOriginal: true,
  scaled: true,
  note: 'times scaled 20:1 (connect 60 s → 3 s, read 5s and the suggested 5s → 250ms)',
  claim: {
    status: 504,
    log: 'upstream timed out (110: Connection timed out) while connecting to upstream',
    check: (o) => (o.times[0] >= 2900 ? undefined : `answered after ${o.times[0]} ms`),
    show: (o) => `${o.statuses.join(',')} after ${(o.times[0] / 1000).toFixed(1)} s`,
  },
  config: {
    fromDoc: {
      prepend: 'http {\n    server {\n        listen 8000;\n',
      append: '    }\n}\n',
      replace: [
        ['127.0.0.1:8080', '{{hole}}'],
        [/proxy_read_timeout 5s;(?![\s\S]*proxy_connect_timeout)/, 'proxy_read_timeout 250ms;\n    proxy_connect_timeout 3s;', 'optional'],
        ['proxy_connect_timeout 5s;', 'proxy_connect_timeout 250ms;', 'optional'],
        ['proxy_read_timeout 5s;', 'proxy_read_timeout 250ms;', 'optional'],
      ],
    },
  },
  standins: { hole: { kind: 'blackhole' } },
  request: { path: '/api/x' },
  fix: { use: 'suggestion' },
  afterFix: {
    status: 504,
    log: 'while connecting to upstream',
    check: (o) => (o.times[0] < 1000 ? undefined : `still ${o.times[0]} ms`),
    show: (o) => `${o.statuses.join(',')} after ${(o.times[0] / 1000).toFixed(1)} s`,
  },
});
