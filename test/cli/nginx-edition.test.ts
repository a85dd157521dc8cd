// --nginx-edition sets nginx.edition for the run, over .proxylintrc.json, as --nginx-version does for the version: a
// 3 a.m. check of a server known to run open source nginx gets the NGINX Plus lines as errors without writing a file.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { join } from 'node:path';
import { runJson, tree } from './util';

const CONF = `events {}
http {
    upstream app {
        zone app 64k;
        server 127.0.0.1:8081;
        queue 100 timeout=70;
    }
    server {
        listen 127.0.0.1:8080;
        location / { proxy_pass http://app; }
    }
}
`;
const t = tree({ 'nginx.conf': CONF, 'plus/.proxylintrc.json': JSON.stringify({ nginx: { edition: 'plus' } }), 'plus/nginx.conf': CONF });
after(() => t.cleanup());

const plusOnly = (args: string[]) => {
  const r = runJson(args, { cwd: t.dir });
  return r.report.files.flatMap((f) => f.findings).filter((f) => f.ruleId === 'plus-only-directive').map((f) => `${f.line} ${f.severity}`);
};

test('--nginx-edition: oss makes the Plus line an error, unknown (the default) a warning, plus nothing', () => {
  assert.deepEqual(plusOnly(['nginx.conf']), ['6 warning']);
  assert.deepEqual(plusOnly(['--nginx-edition', 'oss', 'nginx.conf']), ['6 error']);
  assert.deepEqual(plusOnly(['--nginx-edition=plus', 'nginx.conf']), []);
});

test('--nginx-edition overrides nginx.edition of .proxylintrc.json', () => {
  assert.deepEqual(plusOnly([join('plus', 'nginx.conf')]), []);
  assert.deepEqual(plusOnly(['--nginx-edition', 'oss', join('plus', 'nginx.conf')]), ['6 error']);
});
