// cached-error-responses in a file checked on its own: a list with a pass under it is judged by where it applies, as
// in a whole configuration; a snippet with no pass under it (included in locations elsewhere) is judged as written.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintText } from '../helpers';

const ID = 'cached-error-responses';
const found = (text: string, rootContext: string) => lintText(text, { path: 'conf.d/x.conf', rootContext }).findings.filter((f) => f.ruleId === ID);

test(`${ID}: a server fragment's list that no caching location takes is not reported`, () => {
  // "proxy_cache off" in /: in a fragment, a location with no proxy_cache line may cache with one from nginx.conf.
  const text = `proxy_cache_valid any 10m;
location /c {
    proxy_cache pages;
    proxy_cache_valid 200 10m;
    proxy_pass http://127.0.0.1:1;
}
location / {
    proxy_cache off;
    proxy_pass http://127.0.0.1:1;
}
`;
  assert.deepEqual(found(text, 'server'), []);
  // Once /c writes no list of its own, the server's list is the one in force where it caches.
  assert.equal(found(text.replace('    proxy_cache_valid 200 10m;\n', ''), 'server').length, 1);
});

test(`${ID}: a snippet for locations, with no pass of its own, is judged as written`, () => {
  assert.equal(found('proxy_cache_valid any 30m;\n', 'location').length, 1);
});

test(`${ID}: in a fragment, a cache not written above the pass may come from nginx.conf; "off" caches nothing`, () => {
  const text = 'proxy_cache_valid any 10m;\nlocation / {\n    proxy_pass http://127.0.0.1:1;\n}\n';
  assert.equal(found(text, 'server').length, 1);
  assert.deepEqual(found(text.replace('location / {\n', 'location / {\n    proxy_cache off;\n'), 'server'), []);
  // A location fragment: its top level is the location.
  assert.equal(found('proxy_cache pages;\nproxy_cache_valid any 10m;\nproxy_pass http://127.0.0.1:1;\n', 'location').length, 1);
  assert.deepEqual(found('proxy_cache off;\nproxy_cache_valid any 10m;\nproxy_pass http://127.0.0.1:1;\n', 'location'), []);
});
