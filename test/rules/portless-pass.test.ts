// invalid-upstream-address on a pass target that is an address without a port, against the real nginx -t (1.22.1):
// every pass but proxy_pass in http {} needs a port, and nginx says "no port in upstream".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyEdits } from '../../server/src/core/fix';
import { lintText, nginxTestText } from '../helpers';

const STREAM = 'load_module /usr/lib/nginx/modules/ngx_stream_module.so;\n';
const http = (line: string) => `${STREAM}events {}\nhttp {\n    server {\n        listen 127.0.0.1:18820;\n        location / {\n            ${line}\n        }\n    }\n}\n`;
const stream = (line: string) => `${STREAM}events {}\nstream {\n    server {\n        listen 127.0.0.1:18821;\n        ${line}\n    }\n}\n`;

const CASES: { text: string; refused: boolean }[] = [
  { text: http('fastcgi_pass 127.0.0.1;'), refused: true },
  { text: http('fastcgi_pass [::1];'), refused: true },
  { text: http('grpc_pass grpc://127.0.0.1;'), refused: true },
  { text: http('uwsgi_pass localhost;'), refused: true },
  { text: http('scgi_pass 127.0.0.1;'), refused: true },
  { text: http('memcached_pass 127.0.0.1;'), refused: true },
  { text: stream('proxy_pass 127.0.0.1;'), refused: true },
  // A default port from the scheme, a port, a socket: accepted.
  { text: http('proxy_pass http://127.0.0.1;'), refused: false },
  { text: http('fastcgi_pass 127.0.0.1:9000;'), refused: false },
  { text: http('fastcgi_pass unix:/run/php/php-fpm.sock;'), refused: false },
  { text: stream('proxy_pass 127.0.0.1:5432;'), refused: false },
];

test('a pass to an address without a port: reported exactly where nginx -t refuses it, with its words', () => {
  for (const c of CASES) {
    const t = nginxTestText(c.text);
    const findings = lintText(c.text).findings.filter((f) => f.ruleId === 'invalid-upstream-address');
    assert.equal(!t.ok, c.refused, `${c.text}\n${t.output}`);
    assert.equal(findings.length, c.refused ? 1 : 0, `${c.text}\n${findings.map((f) => f.message).join('\n')}`);
    if (c.refused) {
      const quoted = /no port in upstream "[^"]+"/.exec(findings[0].message)![0];
      assert.ok(t.output.includes(quoted), `nginx said: ${t.output}\nproxylint quotes: ${quoted}`);
    }
  }
});

test('the suggested port for fastcgi_pass and memcached_pass gives a configuration nginx -t accepts', () => {
  // memcached_pass also needs the key it looks up, which nginx checks once the address is valid.
  for (const line of ['fastcgi_pass 127.0.0.1;', 'fastcgi_pass [::1];', 'set $memcached_key $uri; memcached_pass 127.0.0.1;']) {
    const text = http(line);
    const f = lintText(text).findings.find((x) => x.ruleId === 'invalid-upstream-address')!;
    assert.equal(f.suggestions.length, 1, line);
    const fixed = applyEdits(text, f.suggestions[0].edits).text;
    const t = nginxTestText(fixed);
    assert.ok(t.ok, `${fixed}\n${t.output}`);
  }
});
