// no-connectiontimeout's "host down or drops packets" story is for another machine. On loopback, a port with nothing
// listening is refused at once (httpd 2.4.71: 503 in about 1 ms, "(111)Connection refused: AH00957"); the one way a
// local connect waits is a full listen queue (the evidence scenario's black hole is such a port on 127.0.0.1), so a
// loopback backend is an info finding worded for that, and a UNIX socket is not reported at all.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintApacheExample } from './rule-harness';

const conf = `<VirtualHost 127.0.0.1:18499>
    ProxyPass /remote/ http://10.0.0.5:8080/
    ProxyPass /ws/ ws://127.0.0.1:8000/ws/
    ProxyPass /php/ fcgi://127.0.0.1:9000/
    ProxyPass /v6/ http://[::1]:3000/
    ProxyPass /named/ http://localhost:3000/
    ProxyPass /other/ http://127.0.1.1:3000/
    ProxyPass /sock/ unix:/run/app.sock|http://localhost/
    ProxyPassMatch ^/(.*\\.php)$ unix:/run/php/php8.2-fpm.sock|fcgi://localhost/var/www/$1
</VirtualHost>
`;

test('no-connectiontimeout: loopback backends are info about a full listen queue, other hosts a warning, UNIX sockets nothing', () => {
  const got = lintApacheExample(conf).filter((f) => f.ruleId === 'no-connectiontimeout');
  const line = (f: { start: number }) => conf.slice(0, f.start).split('\n').length;
  // The five loopback lines wait the same for the same reason: one finding at the first, the others related.
  assert.deepEqual(got.map((f) => `${line(f)} ${f.severity}`), ['2 warning', '3 info']);
  assert.match(got[0].message, /if the backend host is down or drops packets/);
  assert.doesNotMatch(got[1].message, /host is down|drops packets/);
  assert.match(got[1].message, /nothing listening is refused at once .*listen queue is full/);
  assert.deepEqual(got[1].related.map((r) => line(r)), [4, 5, 6, 7]);
});
