// proxypass-shadowed on <Location> ProxyPass lines when more than one later section matches: httpd merges the
// <Location> and <LocationMatch> sections that match a request in the order they are written, so the LAST one's
// ProxyPass serves it (real apache2 2.4.71: test/servers/apache-location-order.test.ts). The message and the related
// locations name that last section, not the first later one that covers the path.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintApache } from '../../server/src/core/lint-apache';
import { defaultSettings } from '../../server/src/core/settings';
import { memHost } from '../helpers';

const section = (kind: string, path: string, url: string) => `    <${kind} "${path}">\n        ProxyPass "${url}"\n    </${kind}>`;
const vhost = (...lines: string[]) => `<VirtualHost *:80>\n${lines.join('\n')}\n</VirtualHost>\n`;
const lineAt = (text: string, at: number) => text.slice(0, at).split('\n').length;

/** The proxypass-shadowed findings: their line, the lines of their related locations, and their message. */
function shadowed(text: string) {
  return lintApache('/c/httpd.conf', text, memHost({ '/c/httpd.conf': text }), { settings: defaultSettings() })
    .findings.filter((f) => f.ruleId === 'proxypass-shadowed')
    .map((f) => ({ line: lineAt(text, f.start), related: f.related.map((r) => lineAt(text, r.start)), message: f.message }));
}

test('proxypass-shadowed names the last later <Location> that matches, not the first', () => {
  const text = vhost(section('Location', '/x/y', 'http://127.0.0.1:8081/x/y'), section('Location', '/x', 'http://127.0.0.1:8082/x'), section('Location', '/', 'http://127.0.0.1:8083/'));
  const got = shadowed(text);
  assert.deepEqual(got.map((f) => [f.line, f.related]), [[3, [9]], [6, [9]]]);
  assert.match(got[0].message, /the later <Location "\/"> \(line 8\) also matches every path under "\/x\/y" and is the last section that matches "\/x\/y", so its ProxyPass wins; they go to http:\/\/127\.0\.0\.1:8083\//);
  assert.doesNotMatch(got[0].message, /8082/);
});

test('proxypass-shadowed: <Location "/x">, <Location "/x/y">, <Location "/x"> again: both earlier lines go to the third', () => {
  const text = vhost(section('Location', '/x', 'http://127.0.0.1:8081/x'), section('Location', '/x/y', 'http://127.0.0.1:8082/x/y'), section('Location', '/x', 'http://127.0.0.1:8083/x'));
  assert.deepEqual(shadowed(text).map((f) => [f.line, f.related]), [[3, [9]], [6, [9]]]);
});

test('proxypass-shadowed: a <LocationMatch> after the covering <Location> that takes the path serves it; both are related', () => {
  const text = vhost(section('Location', '/x/y', 'http://127.0.0.1:8081/x/y'), section('Location', '/x', 'http://127.0.0.1:8082/x'), section('LocationMatch', '^/x/.*', 'http://127.0.0.1:8083/'));
  const [f] = shadowed(text);
  assert.deepEqual([f.line, f.related], [3, [9, 6]]);
  assert.match(f.message, /the later <Location "\/x"> \(line 5\) also matches every path under "\/x\/y", and the last section that matches "\/x\/y" is <LocationMatch "\^\/x\/\.\*"> \(line 8\): for requests to "\/x\/y" they go to http:\/\/127\.0\.0\.1:8083\//);
  // Written first, the <LocationMatch> is merged before the others: <Location "/x"> serves /x/y.
  const before = vhost(section('LocationMatch', '^/x/.*', 'http://127.0.0.1:8083/'), section('Location', '/x/y', 'http://127.0.0.1:8081/x/y'), section('Location', '/x', 'http://127.0.0.1:8082/x'));
  assert.deepEqual(shadowed(before).map((f) => [f.line, f.related]), [[6, [9]]]);
  // A <LocationMatch> that does not take "/x/y" changes nothing.
  const other = vhost(section('Location', '/x/y', 'http://127.0.0.1:8081/x/y'), section('Location', '/x', 'http://127.0.0.1:8082/x'), section('LocationMatch', '^/z/.*', 'http://127.0.0.1:8083/'));
  assert.deepEqual(shadowed(other).map((f) => [f.line, f.related]), [[3, [6]]]);
});

test('proxypass-shadowed: a last <LocationMatch> whose ProxyPass is a prefix that does not match sends the path to the server lines', () => {
  const text = vhost(section('Location', '/x/y', 'http://127.0.0.1:8081/x/y'), section('Location', '/x', 'http://127.0.0.1:8082/x'), section('LocationMatch', '^/x/', 'http://127.0.0.1:8083/'), '    ProxyPass "/" "http://127.0.0.1:8084/"');
  const [f] = shadowed(text);
  assert.equal(f.line, 3);
  assert.match(f.message, /<LocationMatch "\^\/x\/"> \(line 8\): for requests to "\/x\/y" its ProxyPass does not match "\/x\/y" itself, so httpd tries the server's own ProxyPass lines for it/);
});
