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

// A server-level line an earlier line of its server's list shadows (ProxyModel.shadowedBy) is dead the same way; the
// layouts that real apache2 showed are in test/servers/apache-shadowed-worker.test.ts.
const vh = (...lines: string[]) => `<VirtualHost *:80>\n${lines.map((l) => `    ${l}\n`).join('')}</VirtualHost>\n`;

test('unreachable: a line shadowed in its own list, or by the main server\'s, wherever that is written', () => {
  assert.deepEqual(unreachable(vh('ProxyPass / http://a/', 'ProxyPass /api/ http://h/api/ timeout=1')), ['http://h/api/']);
  assert.deepEqual(unreachable(`${vh('ProxyPass /api/ http://h/api/ timeout=1')}ProxyPass / http://a/\n`), ['http://h/api/']);
  // A main-server line shadowed in the main server's list is shadowed in every virtual host's.
  assert.deepEqual(unreachable(`ProxyPass /x/ http://a/x/\nProxyPass /x/api/ http://h/api/ timeout=1\n${vh('ProxyPass /v/ http://v/')}`), ['http://h/api/']);
  // Not a line whose path the earlier one does not cover all of ("/api" does not take /apix/).
  assert.deepEqual(unreachable(vh('ProxyPass /api http://a/api', 'ProxyPass /apix/ http://h/apix/ timeout=1')), []);
});

test('unreachable: a shadowed line\'s worker that a live line, another server\'s line or a forward proxy reaches', () => {
  const dead = ['ProxyPass / http://a/', 'ProxyPass /api/ http://h/api/ timeout=1'];
  // The main server's "/" to the same backend: the virtual host's own, longer worker name is found for /api/x.
  assert.deepEqual(unreachable(`ProxyPass / http://h/\n${vh('ProxyPass /api/ http://h/api/ timeout=1')}`), []);
  // A live line of the same server with the same URL shares it (a second line after "/" is dead too: both lines' Worker
  // are unreachable); another virtual host's line does not reach it.
  assert.deepEqual(unreachable(vh(...dead, 'ProxyPass /legacy http://h/api/')), ['http://h/api/', 'http://h/api/']);
  assert.deepEqual(unreachable(`${vh('ProxyPass /api/ http://h/api/ timeout=1', 'ProxyPass /legacy/ http://h/api/')}ProxyPass /api/ http://a/\n`), []);
  assert.deepEqual(unreachable(`${vh(...dead)}<VirtualHost *:81>\n    ProxyPassMatch "^/m/(.*)$" "http://h/api/$1"\n</VirtualHost>\n`), ['http://h/api/']);
  assert.deepEqual(unreachable(`ProxyRequests On\n${vh(...dead)}`), []);
  // A balancer's member with the URL is a worker of its own.
  assert.deepEqual(unreachable(vh('ProxyPass /bal/ balancer://b/', ...dead, '<Proxy "balancer://b">', '    BalancerMember http://h/api/', '</Proxy>')), ['http://h/api/']);
});

test('unreachable: a shadowed ProxyPassMatch\'s worker is found by any URL its $1 can take', () => {
  const dead = ['ProxyPass / http://a/', 'ProxyPassMatch "^/m/(.*)$" "http://h/m/$1" timeout=1'];
  assert.deepEqual(unreachable(vh(...dead)), ['http://h/m/$1']);
  // The [P] rule's URLs (http://h/m/x/…) start with the name's text before $1: its $1 takes the rest.
  assert.deepEqual(unreachable(vh(...dead, 'RewriteEngine On', 'RewriteRule "^/old/(.*)" "http://h/m/x/$1" [P]')), []);
  assert.deepEqual(unreachable(vh(...dead, 'RewriteEngine On', 'RewriteRule "^/old/(.*)" "http://h/other/$1" [P]')), ['http://h/m/$1']);
});
