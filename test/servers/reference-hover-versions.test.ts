// Hovers built from the nginx.org reference text had no word on when a directive appeared (the reference library
// leaves out "This directive appeared in version …"): a reader on an older nginx learned only from nginx -t that
// proxy_pass_trailers does not exist there. The hover now says it, from proxylint's version table; the installed
// nginx 1.22.1 agrees on each directive below.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { referenceDoc } from '../../server/src/lsp/docs';
import { nginxTestText, requireBinary } from '../helpers';
import { STREAM_MODULE } from './harness/nginx';

requireBinary('nginx');

const http = (line: string) => `events {}\nhttp {\n    proxy_cache_path /tmp/proxylint-ref-cache keys_zone=c:1m;\n    server {\n        listen 127.0.0.1:18996;\n        location / {\n            ${line}\n            proxy_pass http://127.0.0.1:18997;\n        }\n    }\n}\n`;
const stream = (line: string) => `load_module ${STREAM_MODULE};\nevents {}\nstream {\n    server {\n        listen 127.0.0.1:18998;\n        ${line}\n        proxy_pass 127.0.0.1:18999;\n    }\n}\n`;

const CASES: { name: string; context: string; conf: string; says: RegExp; starts: boolean }[] = [
  { name: 'proxy_pass_trailers', context: 'location', conf: http('proxy_pass_trailers on;'), says: /\*\*Versions:\*\* appeared in nginx 1\.27\.2/, starts: false },
  { name: 'proxy_cache_convert_head', context: 'location', conf: http('proxy_cache c; proxy_cache_convert_head off;'), says: /\*\*Versions:\*\* appeared in nginx 1\.9\.7/, starts: true },
  { name: 'proxy_download_rate', context: 'stream-server', conf: stream('proxy_download_rate 100k;'), says: /\*\*Versions:\*\* appeared in nginx 1\.9\.3/, starts: true },
];

for (const c of CASES) {
  test(`reference hover of ${c.name}: says when it appeared, and nginx 1.22.1 ${c.starts ? 'accepts' : 'refuses'} it`, () => {
    assert.match(referenceDoc(c.name, c.context) ?? '', c.says);
    const t = nginxTestText(c.conf);
    assert.equal(t.ok, c.starts, t.output);
    if (!c.starts) assert.match(t.output, new RegExp(`\\[emerg\\] unknown directive "${c.name}"`));
  });
}

test('reference hover: no version line for a directive the table has nothing on; the stream twin is told apart from http', () => {
  assert.doesNotMatch(referenceDoc('proxy_cache_valid', 'location') ?? '', /\*\*Versions:\*\*/);
  // proxy_bind came to the stream module in 1.9.2 (before that nginx says "not allowed here": the http one is older).
  assert.match(referenceDoc('proxy_bind', 'stream-server') ?? '', /\*\*Versions:\*\* allowed here since nginx 1\.9\.2/);
  assert.doesNotMatch(referenceDoc('proxy_bind', 'location') ?? '', /\*\*Versions:\*\*/);
});
