// proxy-timeout-too-low, proxytimeout-inherits-timeout and no-connectiontimeout judge a main-server ProxyPass with the
// ProxyTimeout or Timeout of each server that reaches it: httpd reads them from the server the request came to
// (measured on the real httpd in test/servers/apache-vhost-timeouts.test.ts and apache-per-server-rule-waits.test.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintApache } from '../../server/src/core/lint-apache';
import { defaultSettings } from '../../server/src/core/settings';
import { memHost } from '../helpers';

const PATH = '/c/httpd.conf';
/** A complete configuration (it loads an MPM): Listen lines say which ports the main server answers. */
const conf = (lines: string[]) => ['LoadModule mpm_event_module modules/mod_mpm_event.so', ...lines, ''].join('\n');

function findings(text: string, ruleId: string) {
  const r = lintApache(PATH, text, memHost({ [PATH]: text }), { settings: defaultSettings() });
  return r.findings.filter((f) => f.ruleId === ruleId).map((f) => ({ line: text.slice(0, f.start).split('\n').length, message: f.message }));
}
const lineOf = (text: string, start: string) => text.split('\n').findIndex((l) => l.trimStart().startsWith(start)) + 1;

test('proxy-timeout-too-low: a virtual host\'s short ProxyTimeout is reported for a main-server ProxyPass, naming that host', () => {
  const text = conf([
    'Listen 80',
    'Listen 81',
    'Listen 82',
    'Timeout 30',
    'ProxyPass "/m/" "http://10.0.0.5:8080/m/"',
    'ProxyPass "/n/" "http://10.0.0.6:8080/n/"',
    '<VirtualHost *:80>',
    '    ServerName a.test',
    '    ProxyTimeout 2',
    '</VirtualHost>',
    '<VirtualHost *:81>',
    '    ServerName b.test',
    '</VirtualHost>',
  ]);
  const f = findings(text, 'proxy-timeout-too-low');
  assert.deepEqual(f.map((x) => x.line), [lineOf(text, 'ProxyTimeout 2')], f.map((x) => x.message).join('\n'));
  assert.match(f[0].message, /^requests to a\.test \(<VirtualHost \*:80> on line \d+\) get 2 s \(ProxyTimeout 2, line \d+\) for http:\/\/10\.0\.0\.5:8080\/m\/ \(a main-server ProxyPass on line 6, which each virtual host uses with its own ProxyTimeout or Timeout\) and 1 more backend to answer: a slower answer gets 502 from mod_proxy_http/);
  assert.doesNotMatch(f[0].message, /b\.test|the main server/);
});

test('proxy-timeout-too-low: the main server\'s short Timeout is not reported when no request waits it (every port goes to a virtual host with its own)', () => {
  const lines = [
    'Listen 80',
    'Timeout 3',
    'ProxyPass "/m/" "http://10.0.0.5:8080/m/"',
    '<VirtualHost *:80>',
    '    ServerName a.test',
    '    Timeout 8',
    '</VirtualHost>',
  ];
  assert.deepEqual(findings(conf(lines), 'proxy-timeout-too-low'), []);
  // With a port left to the main server its requests wait 3 s: reported, naming the main server only.
  const text = conf(['Listen 81', ...lines]);
  const f = findings(text, 'proxy-timeout-too-low');
  assert.deepEqual(f.map((x) => x.line), [lineOf(text, 'Timeout 3')]);
  assert.match(f[0].message, /^requests to the main server get 3 s \(Timeout 3 on line \d+, which ProxyTimeout inherits\) for http:\/\/10\.0\.0\.5:8080\/m\//);
  // All servers alike: the message stays as it was, without a list of servers.
  const same = conf(['Listen 81', 'Timeout 3', 'ProxyPass "/m/" "http://10.0.0.5:8080/m/"', '<VirtualHost *:80>', '</VirtualHost>']);
  assert.match(findings(same, 'proxy-timeout-too-low')[0].message, /^backends get 3 s \(Timeout 3 on line 3, which ProxyTimeout inherits\) to answer/);
});

test('proxytimeout-inherits-timeout: a main-server ProxyPass reached through a virtual host with a long Timeout is reported on that Timeout; a main Timeout that no server waits is not', () => {
  const text = conf([
    'Listen 80',
    'Listen 81',
    'Listen 82',
    'Timeout 600',
    'ProxyPass "/m/" "http://10.0.0.5:8080/m/"',
    '<VirtualHost *:80>',
    '    ServerName a.test',
    '    ProxyTimeout 30',
    '</VirtualHost>',
    '<VirtualHost *:81>',
    '    ServerName b.test',
    '    Timeout 900',
    '</VirtualHost>',
    '<VirtualHost *:82>',
    '    ServerName c.test',
    '    ProxyTimeout 20',
    '</VirtualHost>',
  ]);
  const f = findings(text, 'proxytimeout-inherits-timeout');
  assert.deepEqual(f.map((x) => x.line), [lineOf(text, 'Timeout 900')], f.map((x) => x.message).join('\n'));
  assert.match(f[0].message, /^Timeout 900 is also how long httpd waits for backends in <VirtualHost \*:81> \(line \d+\), because no ProxyTimeout is set in that virtual host or in the main server: a stalled backend holds each request 900 s/);
  // A virtual host without its own values waits the main server's Timeout 600: that line is reported, naming it.
  const open = text.replace('    ProxyTimeout 20\n', '');
  const g = findings(open, 'proxytimeout-inherits-timeout');
  assert.deepEqual(g.map((x) => x.line), [lineOf(open, 'Timeout 600'), lineOf(open, 'Timeout 900')]);
  assert.match(g[0].message, /^Timeout 600 is also how long httpd waits for backends in <VirtualHost \*:82> \(line \d+\), because/);
});

test('no-connectiontimeout: a main-server ProxyPass is reported when a virtual host reaching it waits long, and names that host and its wait', () => {
  const text = conf([
    'Listen 80',
    'Listen 81',
    'Listen 82',
    // After the line: written before it, httpd would copy 3 s into the worker for every server (see below).
    'ProxyPass "/m/" "http://10.0.0.5:8080/m/"',
    'ProxyTimeout 3',
    '<VirtualHost *:80>',
    '    ServerName a.test',
    '    ProxyTimeout 30',
    '</VirtualHost>',
    '<VirtualHost *:81>',
    '    ServerName b.test',
    '    ProxyTimeout 5',
    '</VirtualHost>',
  ]);
  const f = findings(text, 'no-connectiontimeout');
  assert.deepEqual(f.map((x) => x.line), [lineOf(text, 'ProxyPass "/m/"')], f.map((x) => x.message).join('\n'));
  assert.match(f[0].message, /if the backend host is down or drops packets, each request to a\.test \(<VirtualHost \*:80> on line \d+\) waits for the TCP connection up to 30 s \(ProxyTimeout 30, line \d+\); then httpd answers 503/);
  assert.doesNotMatch(f[0].message, /b\.test|main server/);
  // The main server's ProxyTimeout 30 written after the line does not reach virtual hosts that set a short one, when
  // every port is theirs.
  const short = conf(['Listen 80', 'ProxyPass "/m/" "http://10.0.0.5:8080/m/"', 'ProxyTimeout 30', '<VirtualHost *:80>', '    ProxyTimeout 4', '</VirtualHost>']);
  assert.deepEqual(findings(short, 'no-connectiontimeout'), []);
  // Written before it, httpd copies it into the worker (add_pass): the virtual host's 4 s no longer applies and its
  // requests wait 30 s (measured in test/servers/apache-proxytimeout-fixed-at-line.test.ts).
  const fixedIn = conf(['Listen 80', 'ProxyTimeout 30', 'ProxyPass "/m/" "http://10.0.0.5:8080/m/"', '<VirtualHost *:80>', '    ProxyTimeout 4', '</VirtualHost>']);
  const g = findings(fixedIn, 'no-connectiontimeout');
  assert.deepEqual(g.map((x) => x.line), [lineOf(fixedIn, 'ProxyPass "/m/"')], g.map((x) => x.message).join('\n'));
  assert.match(g[0].message, /up to 30 s \(ProxyTimeout 30, line \d+\)/);
});
