// ProxyModel.unreachable: the worker of an overridden <Location> ProxyPass counts as unreachable only when no live line
// can land on it (the lines that did on real apache2 2.4.71 are in test/servers/apache-unreachable-worker.test.ts);
// these are the cases around the servers each line runs in, which that test does not vary.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintApache } from '../../server/src/core/lint-apache';
import { defaultSettings } from '../../server/src/core/settings';
import { memHost } from '../helpers';

const DEAD = '    <Location "/x/">\n        ProxyPass "http://h/x/" timeout=1\n    </Location>\n    <Location "/x/">\n        ProxyPass "http://h/app/x/"\n    </Location>\n';

/** The URLs of the workers the model calls unreachable. */
function unreachable(text: string): string[] {
  const { proxy } = lintApache('/c/httpd.conf', text, memHost({ '/c/httpd.conf': text }), { settings: defaultSettings() });
  return [...proxy.unreachable].map((w) => w.url).sort();
}

test('unreachable: the dead line alone; a second dead line sharing its worker is unreachable with it', () => {
  assert.deepEqual(unreachable(`<VirtualHost *:80>\n${DEAD}</VirtualHost>\n`), ['http://h/x/']);
  const twoDead = `<VirtualHost *:80>\n    <Location "/y/">\n        ProxyPass "http://h/x/"\n    </Location>\n${DEAD}    <Location "/">\n        ProxyPass "http://g/"\n    </Location>\n</VirtualHost>\n`;
  // The "/" section overrides all three; "/y/"'s line defines http://h/x/ first, and the /x/ line shares it.
  assert.deepEqual(unreachable(twoDead), ['http://h/app/x/', 'http://h/x/', 'http://h/x/']);
});

test('unreachable: a main-server ProxyPassMatch or RewriteRule runs in the virtual host too and reaches its worker', () => {
  assert.deepEqual(unreachable(`ProxyPassMatch "^/m/(.*)$" "http://h/x/$1"\n<VirtualHost *:80>\n${DEAD}</VirtualHost>\n`), []);
  // A virtual host's line does not reach another virtual host's worker.
  assert.deepEqual(unreachable(`<VirtualHost *:80>\n    ProxyPassMatch "^/m/(.*)$" "http://h/x/$1"\n</VirtualHost>\n<VirtualHost *:81>\n${DEAD}</VirtualHost>\n`), ['http://h/x/']);
  // A [P] target whose $1 may go on into the worker's name.
  assert.deepEqual(unreachable(`<VirtualHost *:80>\n${DEAD}    RewriteEngine On\n    RewriteRule "^/(.*)" "http://h/$1" [P]\n</VirtualHost>\n`), []);
});

test('unreachable: nothing with a forward proxy (ProxyRequests On takes any URL a client asks for)', () => {
  assert.deepEqual(unreachable(`ProxyRequests On\n<VirtualHost *:80>\n${DEAD}</VirtualHost>\n`), []);
});
