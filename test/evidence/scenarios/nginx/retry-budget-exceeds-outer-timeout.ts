import { defineScenario } from '../../scenario';

// Scaled 30:1: read 30s → 1s, balancer idle 60 s → 2.5 s, the fix's proxy_next_upstream_timeout 25s → 800ms.
// Three servers that each answer after 3 s: nginx tries them one after another (3 × 1 s), so the balancer gives up
// at 2.5 s. After the fix nginx starts no retry after 0.8 s and answers its own 504 at 1 s, before the balancer.
const fromLb = (o: { responses: { body: string }[] }) => o.responses.every((r) => r.body.includes('outer load balancer'));
export default defineScenario({
  rule: 'retry-budget-exceeds-outer-timeout',
  server: 'nginx',
  lintOriginal: true,
  scaled: true,
  note: "times scaled 30:1 (read 30s → 1s, balancer 60 s → 2.5 s, the fix's 25s → 800ms)",
  claim: {
    status: 504,
    label: '504 from the balancer',
    log: 'upstream timed out (110: Connection timed out) while reading response header from upstream',
    check: (o) => (fromLb(o) ? undefined : 'the 504 did not come from the balancer'),
    show: (o) => `${o.statuses.join(',')} from ${fromLb(o) ? 'the balancer' : 'nginx'}`,
    doc: ['504', 'upstream timed out (110: Connection timed out) while reading response header from upstream'],
  },
  config: {
    fromDoc: {
      prepend: 'http {\n',
      append: '}\n',
      replace: [
        ['10.0.0.1:8080', '{{a}}'],
        ['10.0.0.2:8080', '{{b}}'],
        ['10.0.0.3:8080', '{{c}}'],
        ['proxy_read_timeout 30s;', 'proxy_read_timeout 1s;'],
        ['proxy_next_upstream_timeout 25s;', 'proxy_next_upstream_timeout 800ms;', 'optional'],
      ],
    },
  },
  standins: {
    a: { kind: 'http', behaviour: 'ok', delayMs: 3000 },
    b: { kind: 'http', behaviour: 'ok', delayMs: 3000 },
    c: { kind: 'http', behaviour: 'ok', delayMs: 3000 },
    lb: { kind: 'lb', idleMs: 2500 },
  },
  request: { via: 'lb', path: '/report' },
  fix: { use: 'suggestion' },
  afterFix: {
    status: 504,
    log: 'upstream timed out (110: Connection timed out) while reading response header from upstream',
    check: (o) => (fromLb(o) ? 'the balancer still answered first' : undefined),
    show: (o) => `${o.statuses.join(',')} from ${fromLb(o) ? 'the balancer' : 'nginx'}`,
  },
});
