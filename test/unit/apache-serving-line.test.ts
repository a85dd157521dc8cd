// ProxyModel.servedBy looks a path up through indexes (a plain prefix by the path's own prefixes); this compares it
// with the definition walked line by line (servingLines' doc: the last merged section's line when it maps the path,
// else the first line of the server's list that does) on layouts mixing plain, wildcard and regex sections, main-server
// and virtual-host lines, ProxyPassMatch, "!" and slash runs. Which layouts real httpd agrees with is checked in
// test/servers/apache-serving-line.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintApache } from '../../server/src/core/lint-apache';
import { buildProxyModel, locationTakes, type ProxyModel, type ProxyPassRule } from '../../server/src/core/model/apache-proxy';
import { passTakes } from '../../server/src/core/model/apache-proxypass-order';
import type { ApacheNode } from '../../server/src/core/model/apache-tree';
import { defaultSettings } from '../../server/src/core/settings';
import { memHost } from '../helpers';

const text = `ProxyPass /m/ http://127.0.0.1:1/m/
<Location "/x">
    ProxyPass http://127.0.0.1:2/x
</Location>
<VirtualHost *:80>
    ProxyPassMatch "^/re/(a|b)$" http://127.0.0.1:3/$1
    ProxyPass /x/y http://127.0.0.1:4/x/y
    ProxyPass /api//v1 http://127.0.0.1:5/v1
    ProxyPass /api http://127.0.0.1:6/api
    ProxyPass /skip !
    ProxyPass / http://127.0.0.1:7/
    <Location "/x/y/z">
        ProxyPass http://127.0.0.1:8/z
    </Location>
    <LocationMatch "^/x/">
        ProxyPass http://127.0.0.1:9/
    </LocationMatch>
    <Location "/w*">
        ProxyPass http://127.0.0.1:10/w
    </Location>
    <Location "/no">
        ProxyPass !
    </Location>
</VirtualHost>
<VirtualHost *:81>
    ProxyPass /x/ http://127.0.0.1:11/x/
</VirtualHost>
`;

/** The definition, line by line. */
function walk(proxy: ProxyModel, server: ApacheNode | null, path: string): ProxyPassRule | undefined {
  const sections = proxy.rules.filter((r) => r.location && !r.misplacedPath && (r.vhost === null || r.vhost === server));
  sections.sort((a, b) => Number(a.vhost !== null) - Number(b.vhost !== null));
  let last: ProxyPassRule | undefined;
  for (const r of sections) if (locationTakes(r.location!, path)) last = r;
  if (last && passTakes(last, path)) return last;
  return proxy.rulesFor(server).find((r) => passTakes(r, path));
}

test('servedBy gives the line the definition gives, for every server and path', () => {
  const proxy = buildProxyModel(lintApache('/c/httpd.conf', text, memHost({ '/c/httpd.conf': text }), { settings: defaultSettings() }).config);
  const paths = ['/', '/m/', '/m/a', '/m', '/x', '/x/', '/x/y', '/x/y/', '/x/y/z', '/x/y/z/q', '/xy', '/re/a', '/re/c', '/api', '/api/', '/api/v1', '/api/v1/q', '/apiv1',
    '/skip', '/skip/x', '/w', '/wx', '/w/x', '/no', '/no/x', '/other'];
  const servers = [null, ...proxy.servers.flatMap((s) => (s.vhost ? [s.vhost] : []))];
  assert.equal(servers.length, 3);
  let proxied = 0;
  for (const server of servers) {
    for (const path of paths) {
      const s = proxy.servedBy(server, path);
      assert.ok(s.known, path);
      const want = walk(proxy, server, path);
      assert.equal(s.rule, want, `${server ? 'vhost' : 'main'} ${path}: ${s.rule?.node.args.join(' ')} vs ${want?.node.args.join(' ')}`);
      if (want && !want.exclusion) proxied++;
    }
  }
  // Not a comparison of two empty answers.
  assert.ok(proxied > 30, String(proxied));
});
