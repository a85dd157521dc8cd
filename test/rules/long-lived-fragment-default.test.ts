// long-lived-location-default-timeout on a file checked on its own: the timeout it calls "the default" may be set by
// the configuration that includes the file, so the message hedges as the other rules' do (README, Fragments). It
// used to state "keeps the default proxy_read_timeout (60s)" as a fact for a conf.d/ file with nothing above it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintText } from '../helpers';

const ID = 'long-lived-location-default-timeout';
const site = `server {
    listen 80;
    location /ws/ {
        proxy_pass http://127.0.0.1:9100;
        proxy_http_version 1.1;
        proxy_set_header Upgrade $http_upgrade;
        proxy_set_header Connection "upgrade";
    }
}
`;
const messages = (text: string, rootContext?: string) => lintText(text, { path: rootContext ? 'conf.d/app.conf' : 'nginx.conf', rootContext }).findings.filter((f) => f.ruleId === ID).map((f) => f.message);

test(`${ID}: a fragment's default timeout is hedged: the including configuration may set it`, () => {
  const [m, ...rest] = messages(site, 'http');
  assert.equal(rest.length, 0);
  assert.match(m, /the default proxy_read_timeout \(60s, unless the configuration that includes this file sets it\)/);
});

test(`${ID}: a whole configuration's default is stated as it is`, () => {
  const [m, ...rest] = messages(`events {}\nhttp {\n${site}}\n`);
  assert.equal(rest.length, 0);
  assert.match(m, /the default proxy_read_timeout \(60s\):/);
});
