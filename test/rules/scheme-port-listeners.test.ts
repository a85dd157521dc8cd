// scheme-port-mismatch judges a local target by the listener nginx would really hand the connection to.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintText } from '../helpers';

const mismatches = (servers: string, pass: string, httpLevel = '') =>
  lintText(`events {}\nhttp {\n${httpLevel}    server {\n        listen 127.0.0.1:18000;\n        location / { proxy_pass ${pass}; }\n    }\n${servers}}\n`).findings.filter((f) => f.ruleId === 'scheme-port-mismatch');

const CERT = 'ssl_certificate /etc/ssl/certs/ssl-cert-snakeoil.pem; ssl_certificate_key /etc/ssl/private/ssl-cert-snakeoil.key;';

test('an exact-address listener wins over a wildcard one, and IPv4 and IPv6 wildcards are separate sockets', () => {
  // Plain on 127.0.0.1:18443, TLS on every other address: nginx serves 127.0.0.1 in plain HTTP (checked with curl).
  assert.deepEqual(mismatches(`    server { listen 127.0.0.1:18443; }\n    server { listen 18443 ssl; ${CERT} }\n`, 'http://127.0.0.1:18443'), []);
  // listen 18444 (IPv4) and [::]:18444 ssl (IPv6 only): 127.0.0.1 reaches the plain IPv4 one.
  assert.deepEqual(mismatches(`    server { listen 18444; listen [::]:18444 ssl; ${CERT} }\n`, 'http://127.0.0.1:18444'), []);
  // …and ::1 the TLS one: plain HTTP there is the mistake.
  assert.equal(mismatches(`    server { listen 18444; listen [::]:18444 ssl; ${CERT} }\n`, 'http://[::1]:18444').length, 1);
  // The mirror case: https to the address served in plain HTTP while the wildcard speaks TLS.
  assert.equal(mismatches(`    server { listen 127.0.0.1:18445; }\n    server { listen 18445 ssl; ${CERT} }\n`, 'https://127.0.0.1:18445').length, 1);
});

test('"ssl on" at http level (nginx before 1.25.1) makes the listeners TLS', () => {
  assert.deepEqual(mismatches(`    server { listen 127.0.0.1:18446; }\n`, 'https://127.0.0.1:18446', `    ssl on;\n    ${CERT}\n`), []);
});
