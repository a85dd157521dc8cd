import { defineScenario } from '../../scenario';

// Scaled 30:1: the balancer's 60 s idle timeout runs as 2 s, httpd's default 60 s as Timeout 3, backend 5 s.
const fromLb = (o: { responses: { body: string }[] }) => o.responses.every((r) => r.body.includes('outer load balancer'));
export default defineScenario({
  rule: 'apache-timeout-not-below-outer-timeout',
  server: 'apache',
  lintOriginal: true,
  scaled: true,
  note: 'times scaled 30:1 (balancer 60 s → 2 s, httpd 60 s → 3 s)',
  claim: {
    status: 504,
    label: '504 from the balancer',
    check: (o) => (fromLb(o) ? undefined : 'the 504 did not come from the balancer'),
    show: (o) => `${o.statuses.join(',')} from ${fromLb(o) ? 'the balancer' : 'httpd'}`,
    doc: ['504'],
  },
  config: { fromDoc: { replace: [['ProxyPass "/api/"', 'Timeout 3\nProxyPass "/api/"'], ['127.0.0.1:8080', '{{slow}}']] } },
  standins: { slow: { kind: 'http', behaviour: 'ok', delayMs: 5000 }, lb: { kind: 'lb', idleMs: 2000 } },
  request: { via: 'lb', path: '/api/x' },
  fix: false,
});
