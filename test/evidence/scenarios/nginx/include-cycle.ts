import { defineScenario } from '../../scenario';

// Observed on nginx 1.22.1: what a loop does depends on the open-files limit and on whether the loop goes through
// a wildcard. A plain loop hits the limit and nginx reports it; a wildcard loop under a 1024 limit is cut off
// silently (glob() cannot open the folder any more, which nginx takes for "no match") and -t succeeds; with a high
// limit (20000 here) the recursion overflows the stack first and nginx crashes.
const twoFiles = `# file: nginx.conf
http {
    include conf.d/a.conf;
}
# file: conf.d/a.conf
include conf.d/b.conf;
# file: conf.d/b.conf
include conf.d/a.conf;
`;

export default [
  defineScenario({
    rule: 'include-cycle',
    server: 'nginx',
    variant: 'a.conf ↔ b.conf, 1024 files',
    nofile: 1024,
    claim: { status: 'startup-failure', log: /open\(\) "[^"]*conf\.d\/[ab]\.conf" failed \(24: Too many open files\)/, doc: ['(24: Too many open files)'] },
    config: twoFiles,
    fix: false,
  }),
  defineScenario({
    rule: 'include-cycle',
    server: 'nginx',
    variant: 'wildcard, 20000 files',
    nofile: 20000,
    claim: { status: 'startup-failure', log: '(killed by SIGSEGV)', doc: ['segmentation fault'] },
    config: { fromDoc: {} },
    fix: false,
  }),
  defineScenario({
    rule: 'include-cycle',
    server: 'nginx',
    variant: 'wildcard, 1024 files',
    nofile: 1024,
    claim: { status: 'config-ok', doc: ['test is successful'] },
    config: { fromDoc: {} },
    fix: false,
  }),
];
