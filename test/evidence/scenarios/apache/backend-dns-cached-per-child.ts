import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defineScenario } from '../../scenario';

// httpd sees its own /etc/hosts. app.internal points at the backend (127.0.0.1) for a first request; then the name
// is changed to 127.0.0.2 (where nothing listens in this test: only 127.0.0.1 is bound here).
type Revivable = { revive(): Promise<void>; reset(): Promise<void> };
const CONNECT = (addr: string) => new RegExp(`AH00957: http: attempt to connect to ${addr.replace(/\./g, '\\.')}:\\d+ \\(app\\.internal:\\d+\\) failed`);
const hostsNow = (dir: string) => writeFileSync(join(dir, 'hosts'), '127.0.0.1 localhost\n127.0.0.2 app.internal\n');
const common = {
  rule: 'backend-dns-cached-per-child',
  server: 'apache' as const,
  hosts: '127.0.0.1 localhost\n127.0.0.1 app.internal\n',
  config: { fromDoc: { replace: [['app.internal:8080', 'app.internal:{{app.port}}']] as [string, string][] } },
  standins: { app: { kind: 'refused' as const } },
};

export default [
  // The old address keeps answering (in real life: the IP now belongs to another machine). httpd keeps using it.
  defineScenario({
    ...common,
    variant: 'old address still answers',
    claim: {
      status: 200,
      label: 'requests still go to the old address',
      noLog: /attempt to connect to 127\.0\.0\.2/,
      check: (o) => (o.standins.app.requests.length === 3 ? undefined : `the old backend got ${o.standins.app.requests.length} of 3 requests`),
      doc: ['keeps sending requests to the old address'],
    },
    request: {
      path: '/app/x',
      before: async ({ standins }) => (standins.app as Revivable).revive(),
      warmup: { count: 1, path: '/app/x' },
      midway: async ({ dir }) => {
        hostsNow(dir);
        await new Promise((r) => setTimeout(r, 1500));
      },
      count: 2,
    },
    note: 'addressttl scaled (30 → 1)',
    fix: { use: 'suggestion', edit: (t) => t.replace('addressttl=30', 'addressttl=1') },
    // After addressttl the name is looked up again: httpd now tries the new address (nothing listens there here).
    afterFix: { status: 503, label: '503, new address tried', log: CONNECT('127.0.0.2') },
  }),
  // The old address refuses: httpd 2.4.71 looks the name up again within the same request and tries the new one.
  defineScenario({
    ...common,
    variant: 'old address refuses',
    claim: {
      label: 'old address tried once, then the new one',
      status: 503,
      log: new RegExp(`${CONNECT('127.0.0.1').source}[^\\n]*\\n[^\\n]*${CONNECT('127.0.0.2').source}`),
      doc: ['looks the name up again'],
    },
    request: {
      path: '/app/x',
      before: async ({ standins }) => (standins.app as Revivable).revive(),
      warmup: { count: 1, path: '/app/x' },
      midway: async ({ dir, standins }) => {
        hostsNow(dir);
        await (standins.app as Revivable).reset();
      },
      count: 1,
    },
    noFixHere: 'the other variant',
  }),
];
