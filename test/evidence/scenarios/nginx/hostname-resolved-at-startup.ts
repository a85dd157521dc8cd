import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defineScenario } from '../../scenario';

const ELB = 'internal-app-123456.eu-west-1.elb.amazonaws.com';

export default [
  // The name resolves at start-up to an address where nothing answers; then it is changed to the address where the
  // backend runs. nginx keeps the address it found at start-up: still 502. nginx sees its own /etc/hosts.
  defineScenario({
    rule: 'hostname-resolved-at-startup',
    server: 'nginx',
    variant: 'address changes while nginx runs',
    hosts: `127.0.0.1 localhost\n127.0.0.2 ${ELB}\n`,
    claim: {
      status: 502,
      log: /connect\(\) failed \(111: Connection refused\) while connecting to upstream, .*upstream: "http:\/\/127\.0\.0\.2:\d+\/"/,
      doc: ['502', 'connect() failed (111: Connection refused) while connecting to upstream'],
    },
    config: { fromDoc: { replace: [[ELB, `${ELB}:{{app.port}}`]] } },
    standins: { app: { kind: 'http', behaviour: 'ok' }, dns: { kind: 'dns' } },
    request: {
      warmup: { count: 1 },
      midway: ({ dir }) => writeFileSync(join(dir, 'hosts'), `127.0.0.1 localhost\n127.0.0.1 ${ELB}\n`),
      count: 2,
    },
    // The suggestion (a variable plus a resolver, for an unknown version) makes nginx ask the resolver per request;
    // its placeholder address points at the DNS stand-in, which answers 127.0.0.1.
    fix: { use: 'suggestion', title: /variable/, edit: (t, v) => t.replace(/127\.0\.0\.(11|53)\b/, v.dns) },
    afterFix: { status: 200 },
  }),
  // No DNS leaves this machine: -t runs in an empty network namespace, where the name cannot resolve.
  defineScenario({
    rule: 'hostname-resolved-at-startup',
    server: 'nginx',
    variant: 'name does not resolve at start-up',
    isolatedNetwork: true,
    claim: { status: 'startup-failure', log: `host not found in upstream "${ELB}"`, doc: ['nginx: [emerg] host not found in upstream'] },
    config: { fromDoc: {} },
    fix: { use: 'suggestion', title: /variable/ },
    afterFix: { status: 'config-ok' },
  }),
];
