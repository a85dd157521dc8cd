// websocket-upgrade-not-enabled: the RewriteCond %{HTTP:Upgrade} recipe counts only for the server it is in.
// Real httpd 2.4.71 (Debian), handshake to a backend that answers 426 without Upgrade and 101 with it: the vhost with
// the recipe got 101, another vhost's ProxyPass without upgrade= got 426; a vhost with RewriteEngine On got the main
// server's recipe (101) with RewriteOptions Inherit in it or InheritDown in the main server, and 426 without either.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintApache } from '../../server/src/core/lint-apache';
import { defaultSettings } from '../../server/src/core/settings';
import { memHost } from '../helpers';

const RECIPE = 'RewriteEngine On\nRewriteCond %{HTTP:Upgrade} websocket [NC]\nRewriteRule ^/ws/(.*) ws://127.0.0.1:3000/ws/$1 [P,L]\n';
const lines = (text: string) =>
  lintApache('/c/httpd.conf', text, memHost({ '/c/httpd.conf': text }), { settings: defaultSettings() })
    .findings.filter((f) => f.ruleId === 'websocket-upgrade-not-enabled')
    .map((f) => text.slice(0, f.start).split('\n').length);

test('websocket-upgrade-not-enabled: another vhost\'s rewrite recipe does not count', () => {
  const text = `<VirtualHost *:80>\n${RECIPE}ProxyPass "/ws/" "http://127.0.0.1:3000/ws/"\n</VirtualHost>\n<VirtualHost *:81>\nProxyPass "/ws/" "http://127.0.0.1:3000/ws/"\n</VirtualHost>\n`;
  assert.deepEqual(lines(text), [8]);
});

test('websocket-upgrade-not-enabled: the main server\'s recipe counts for a vhost only with RewriteEngine On and Inherit / InheritDown', () => {
  const vhost = (body: string) => `<VirtualHost *:81>\n${body}ProxyPass "/ws/" "http://127.0.0.1:3000/ws/"\n</VirtualHost>\n`;
  assert.equal(lines(RECIPE + vhost('')).length, 1, 'no RewriteEngine in the vhost');
  assert.equal(lines(RECIPE + vhost('RewriteEngine On\n')).length, 1, 'no inheritance');
  assert.deepEqual(lines(RECIPE + vhost('RewriteEngine On\nRewriteOptions Inherit\n')), []);
  assert.deepEqual(lines('RewriteOptions InheritDown\n' + RECIPE + vhost('RewriteEngine On\n')), []);
  assert.deepEqual(lines(RECIPE + 'ProxyPass "/ws/" "http://127.0.0.1:3000/ws/"\n'), [], 'the main server\'s own rule');
});
