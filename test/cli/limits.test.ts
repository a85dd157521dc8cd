// The numeric analysis limits of the command line: what a value means, and that the values that cannot mean
// anything useful are refused (the usage-error cases themselves are in exit-codes.test.ts).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { allFindings, runJson, tree } from './util';

let dir = '';
let cleanup = () => {};
before(() => {
  ({ dir, cleanup } = tree({
    // nginx.conf → a.conf → b.conf → c.conf: c.conf sits three levels below the entry.
    'nginx/nginx.conf': 'events {}\nhttp {\n    include a.conf;\n}\n',
    'nginx/a.conf': 'include b.conf;\n',
    'nginx/b.conf': 'include c.conf;\n',
    'nginx/c.conf': 'proxy_read_timeout 30s;\n',
    'apache/apache2.conf': 'Listen 127.0.0.1:8080\nInclude a.conf\n',
    'apache/a.conf': 'Include b.conf\n',
    'apache/b.conf': 'Include c.conf\n',
    'apache/c.conf': 'ProxyTimeout 30\n',
  }));
});
after(() => cleanup());

for (const server of ['nginx', 'apache']) {
  const entry = server === 'nginx' ? 'nginx.conf' : 'apache2.conf';
  test(`${server}: --max-include-depth n follows includes n levels below the entry, and says so at the first one it does not follow`, () => {
    const at = (n: number) => {
      const { report } = runJson(['--max-include-depth', String(n), join(dir, server, entry)]);
      return { report, limit: allFindings(report).filter((f) => /nest deeper/.test(f.message)) };
    };
    // Three levels are all there is: nothing held back.
    const three = at(3);
    assert.deepEqual(three.limit, [], JSON.stringify(three.report));
    // One level: a.conf is read, its include of b.conf is not.
    const one = at(1);
    assert.equal(one.limit.length, 1, JSON.stringify(one.report));
    assert.equal(one.limit[0].path, join(dir, server, 'a.conf'));
    assert.match(one.limit[0].message, /includes nest deeper than 1 levels; not following ".*\/b\.conf"/);
    const two = at(2);
    assert.deepEqual(two.limit.map((f) => f.path), [join(dir, server, 'b.conf')]);
  });
}

test('--max-directives n: includes are followed while the configuration has fewer than n directives', () => {
  const nginxConf = join(dir, 'nginx/nginx.conf');
  // events, http and the include line: 3 directives before a.conf is read.
  const held = runJson(['--max-directives', '3', nginxConf]);
  const limit = allFindings(held.report).filter((f) => /over the limit of 3/.test(f.message));
  assert.equal(limit.length, 1, JSON.stringify(held.report));
  assert.equal(limit[0].path, nginxConf);
  const all = runJson(['--max-directives', '10', nginxConf]);
  assert.deepEqual(allFindings(all.report).filter((f) => /over the limit/.test(f.message)), []);
});
