import { defineScenario } from '../../scenario';

// A stand-in load balancer with a 2 s idle timeout stands for the doc's 60 s one; nginx's 300s runs as 4s and the
// fix's 55s as 500ms, the backend takes 5 s. Before the fix the balancer answers 504 and nginx logs no timeout;
// after it nginx answers 504 itself, with its own log line. The gaps are wide (1.5 s, 2 s) because a loaded CI
// machine delayed nginx's 504 past the balancer's with a 1 s balancer and 500 ms between them.
const wrap = { prepend: 'http {\n    server {\n        listen 8000;\n', append: '    }\n}\n' };
const fromLb = (o: { responses: { body: string }[] }) => o.responses.every((r) => r.body.includes('outer load balancer'));
export default defineScenario({
  rule: 'timeout-exceeds-outer-idle-timeout',
  server: 'nginx',
  lintOriginal: true,
  scaled: true,
  note: "times scaled (balancer 60 s → 2 s, nginx 300s → 4s, the fix's 55s → 500ms, backend 5 s)",
  claim: {
    status: 504,
    label: '504 from the balancer',
    log: 'client prematurely closed connection',
    noLog: 'upstream timed out',
    check: (o) => (fromLb(o) ? undefined : 'the 504 did not come from the balancer'),
    show: (o) => `${o.statuses.join(',')} from ${fromLb(o) ? 'the balancer' : 'nginx'}`,
    doc: ['504', 'client prematurely closed connection'],
  },
  config: {
    fromDoc: {
      ...wrap,
      replace: [
        ['127.0.0.1:8080', '{{slow}}'],
        ['proxy_read_timeout 300s;', 'proxy_read_timeout 4s;', 'optional'],
        ['proxy_read_timeout 55s;', 'proxy_read_timeout 500ms;', 'optional'],
      ],
    },
  },
  standins: { slow: { kind: 'http', behaviour: 'ok', delayMs: 5000 }, lb: { kind: 'lb', idleMs: 2000 } },
  request: { path: '/api/slow', via: 'lb' },
  fix: { use: 'suggestion' },
  afterFix: {
    status: 504,
    log: 'upstream timed out (110: Connection timed out) while reading response header from upstream',
    check: (o) => (fromLb(o) ? 'the balancer still answered first' : undefined),
    show: (o) => `${o.statuses.join(',')} from ${fromLb(o) ? 'the balancer' : 'nginx'}`,
  },
});
