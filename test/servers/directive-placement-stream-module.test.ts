// A stream directive in an http block: what nginx says depends on whether it knows the directive. Debian's nginx
// 1.22.1 has the stream module as a dynamic module: without its load_module line nginx -t says unknown directive,
// with it (or with a stream {} block, which needs it) "directive is not allowed here". directive-not-allowed-here
// quotes the second and, where the configuration does not settle which, names the first too, so that either line in
// the log is recognised.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintText, requireBinary } from '../helpers';
import { nginxTRunner, STREAM_MODULE } from './harness/nginx-t';

requireBinary('nginx');

const HTTP = 'http {\n    server { listen 127.0.0.1:18999; proxy_responses 1; }\n}\n';
const CASES = [
  { name: 'no load_module', text: `events {}\n${HTTP}`, nginx: /unknown directive "proxy_responses"/, both: true },
  { name: 'load_module', text: `load_module ${STREAM_MODULE};\nevents {}\n${HTTP}`, nginx: /"proxy_responses" directive is not allowed here/, both: false },
  {
    name: 'load_module and a stream block',
    text: `load_module ${STREAM_MODULE};\nevents {}\n${HTTP}stream {\n    server { listen 127.0.0.1:18998; proxy_pass 127.0.0.1:9; }\n}\n`,
    nginx: /"proxy_responses" directive is not allowed here/,
    both: false,
  },
];

test('a stream directive in http: nginx -t says unknown directive or not allowed here, and the finding names what nginx can say (real nginx)', async () => {
  const { nginxT, cleanup } = nginxTRunner('stream-module');
  try {
    for (const c of CASES) {
      const out = await nginxT(c.text);
      assert.match(out, c.nginx, `${c.name}: ${out}`);
      const found = lintText(c.text).findings.filter((f) => f.ruleId === 'directive-not-allowed-here');
      assert.equal(found.length, 1, `${c.name}: ${JSON.stringify(found)}`);
      assert.match(found[0].message, /"proxy_responses" directive is not allowed here/, c.name);
      assert.equal(/says unknown directive "proxy_responses" instead/.test(found[0].message), c.both, `${c.name}: ${found[0].message}`);
    }
  } finally {
    cleanup();
  }
});
