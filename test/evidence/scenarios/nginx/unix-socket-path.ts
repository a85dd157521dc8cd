import { defineScenario } from '../../scenario';

export default [
  defineScenario({
    rule: 'unix-socket-path',
    server: 'nginx',
    variant: 'URI without the closing colon',
    claim: {
      status: 502,
      log: /\[crit\].*connect\(\) to unix:\S*gunicorn\.sock\/api\/ failed \((20: Not a directory|2: No such file or directory)\) while connecting to upstream/,
      doc: ['502', '(20: Not a directory)'],
    },
    config: { fromDoc: { replace: [['/run/gunicorn.sock', '{{dir}}/gunicorn.sock']] } },
    standins: { app: { kind: 'http', behaviour: 'ok', unix: 'gunicorn.sock' } },
    request: { path: '/api/users' },
    // The safe fix inserts the ":"; the relative fastcgi socket in the same example has no fix and stays flagged.
    fix: { use: 'safe', stillFlagged: true },
    afterFix: { status: 200, check: (o) => (o.standins.app.requests[0]?.path === '/api/users' ? undefined : `backend saw ${o.standins.app.requests[0]?.path}`) },
  }),
  defineScenario({
    rule: 'unix-socket-path',
    server: 'nginx',
    variant: 'relative socket path',
    claim: {
      status: 502,
      log: /\[crit\].*connect\(\) to unix:php-fpm\.sock failed \(2: No such file or directory\) while connecting to upstream/,
      doc: ['502', 'failed (2: No such file or directory) while connecting to upstream'],
    },
    config: { fromDoc: { replace: [['/run/gunicorn.sock', '{{dir}}/gunicorn.sock']] } },
    request: { path: '/index.php' },
    fix: false,
  }),
];
