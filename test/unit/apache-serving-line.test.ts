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

/** The server-level lines takenByLocation holds, by their backend's port. */
function taken(conf: string): string[] {
  const proxy = buildProxyModel(lintApache('/c/httpd.conf', conf, memHost({ '/c/httpd.conf': conf }), { settings: defaultSettings() }).config);
  return proxy.rules.filter((r) => proxy.takenByLocation.has(r.node)).map((r) => /:(\d+)\//.exec(r.url)![1]);
}
const vh = (...lines: string[]) => `<VirtualHost *:80>\n${lines.map((l) => `    ${l}\n`).join('')}</VirtualHost>\n`;
const X = '<Location "/x/">\n    ProxyPass http://127.0.0.1:2/x/\n</Location>';
const section = (open: string, close: string) => `${open}\n    ProxyPass http://127.0.0.1:3/\n</${close}>`;

test('takenByLocation: a ProxyPassMatch whose every match starts with text a plain <Location> covers', () => {
  assert.deepEqual(taken(vh('ProxyPassMatch "^/x/(.*)$" http://127.0.0.1:1/x/$1', X)), ['1']);
  assert.deepEqual(taken(vh('ProxyPassMatch "^/x/a(.*)$" http://127.0.0.1:1/x/$1', '<Location "/x">\n    ProxyPass http://127.0.0.1:2/x\n</Location>')), ['1']);
  // "^/x(.*)$" also matches /xy; a regex with no literal start ("^(/x/.*)$", or unanchored) may match anywhere.
  assert.deepEqual(taken(vh('ProxyPassMatch "^/x(.*)$" http://127.0.0.1:1/x$1', X)), []);
  assert.deepEqual(taken(vh('ProxyPassMatch "^(/x/.*)$" http://127.0.0.1:1$1', X)), []);
  assert.deepEqual(taken(vh('ProxyPassMatch "/x/(.*)$" http://127.0.0.1:1/x/$1', X)), []);
  // A main-server line runs in the main server too, where no <Location "/x/"> is.
  assert.deepEqual(taken(`ProxyPassMatch "^/x/(.*)$" http://127.0.0.1:1/x/$1\n${vh(X)}`), []);
});

test('takenByLocation: a later regex or wildcard section counts only when it may take a path under the line', () => {
  const line = 'ProxyPass /x/ http://127.0.0.1:1/x/';
  assert.deepEqual(taken(vh(line, X, section('<LocationMatch "^/other/">', 'LocationMatch'))), ['1']);
  assert.deepEqual(taken(vh(line, X, section('<Location "/static/*">', 'Location'))), ['1']);
  assert.deepEqual(taken(vh(line, X, section('<Location ~ "^/img/">', 'Location'))), ['1']);
  // These may: an unanchored regex, one whose start is under /x/ or above it, a wildcard under /x/ or with no start.
  for (const [open, close] of [['<LocationMatch "/other/">', 'LocationMatch'], ['<LocationMatch "^/x/a">', 'LocationMatch'], ['<LocationMatch "^/x">', 'LocationMatch'], ['<Location "/x/*.php">', 'Location'], ['<Location "*.php">', 'Location'], ['<LocationMatch "(?i)^/other/">', 'LocationMatch']]) {
    assert.deepEqual(taken(vh(line, X, section(open, close))), [], open);
  }
  // Before the taking section it does not matter: that section is merged after it.
  assert.deepEqual(taken(vh(line, section('<LocationMatch "/x/">', 'LocationMatch'), X)), ['1']);
});
