// A statement without its ";" (a line still being typed, or a forgotten semicolon) stops nginx there with a syntax
// error before it reads the name or the value. It used to get a second error or a finding about its half-typed value
// on the same spot (unknown-directive for "proxy_read_tim", connect-timeout-above-read-timeout for
// "proxy_read_timeout 6"): one error per line, as nginx itself reports, and the others once the ";" is typed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintText } from '../helpers';

const conf = (line: string) => `events {}\nhttp {\n  server {\n    listen 127.0.0.1:8080;\n    location / {\n      proxy_pass http://127.0.0.1:9000;\n      ${line}\n    }\n  }\n}\n`;
const onLine7 = (line: string) => {
  const r = lintText(conf(line));
  return r.findings.filter((f) => r.at(f).line === 7).map((f) => f.ruleId).sort();
};

for (const [typed, done, rule] of [
  ['proxy_read_tim', 'proxy_read_tim;', 'unknown-directive'],
  ['proxy_read_timeout 6', 'proxy_read_timeout 6;', 'connect-timeout-above-read-timeout'],
] as const) {
  test(`half-typed "${typed}": only syntax-error on the line; with its ";" the line gets ${rule}`, () => {
    assert.deepEqual(onLine7(typed), ['syntax-error']);
    assert.ok(onLine7(done).includes(rule), `${rule} once the line is terminated: ${onLine7(done)}`);
  });
}

// The finding about a half-typed read timeout was dropped only where it was placed on that line: with the connect
// timeout set in the same location it sits on the connect timeout's (terminated) line and still compared against "6".
test('half-typed "proxy_read_timeout 6" below a proxy_connect_timeout: no finding compares against the half-typed value', () => {
  const text = conf('proxy_connect_timeout 10s;\n      proxy_read_timeout 6');
  const r = lintText(text);
  assert.deepEqual(r.findings.map((f) => f.ruleId), ['syntax-error']);
  // Once the line is terminated the comparison is made again, on the connect timeout's line.
  const done = lintText(conf('proxy_connect_timeout 10s;\n      proxy_read_timeout 6;'));
  assert.ok(done.findings.some((f) => f.ruleId === 'connect-timeout-above-read-timeout' && done.at(f).line === 7));
});

// An include being typed names a file that does not exist yet ("snippets/pro" on the way to "snippets/proxy.conf;"),
// or a folder ("snippets" on the way to "snippets/*.conf;"): nginx stops at the missing ";" before it opens anything
// (nginx 1.22.1 -t on `include sites-enab` then "}": only `unexpected "}"`).
for (const [typed, done, rule] of [
  ['include snippets/pro', 'include snippets/pro;', 'include-not-found'],
  ['include snippets', 'include snippets;', 'include-unreadable'],
] as const) {
  test(`half-typed "${typed}": only syntax-error on the line; with its ";" the line gets ${rule}`, () => {
    const files = { 'snippets/proxy.conf': 'proxy_read_timeout 60s;\n' };
    const rules = (line: string) => {
      const r = lintText(conf(line), { files });
      return r.findings.filter((f) => r.at(f).line === 7 && f.path === '/cfg/nginx.conf').map((f) => f.ruleId).sort();
    };
    assert.deepEqual(rules(typed), ['syntax-error']);
    assert.ok(rules(done).includes(rule), `${rule} once the line is terminated: ${rules(done)}`);
  });
}

// Rules that place their finding on a span of the line (an argument) rather than on the statement: the driver dropped
// only the latter, so a half-typed upstream, variable, cache zone or time still had its own finding beside the
// syntax error ("proxy_pass http://ap" on the way to "http://app;": undefined-upstream).
for (const [typed, done, rule] of [
  ['proxy_pass http://ap', 'proxy_pass http://ap;', 'undefined-upstream'],
  ['proxy_set_header Connection $connection_upg', 'proxy_set_header Connection $connection_upg;', 'undefined-variable'],
  ['proxy_cache zo', 'proxy_cache zo;', 'undefined-cache-zone'],
  ['proxy_read_timeout 1h30', 'proxy_read_timeout 1h30;', 'misread-time-value'],
] as const) {
  test(`half-typed "${typed}" (a finding on an argument): only syntax-error on the line; with its ";" the line gets ${rule}`, () => {
    // An upstream "app" makes "http://ap" a misspelt group, not a host name.
    const line = (l: string) => conf(l).replace('proxy_pass http://127.0.0.1:9000;\n      ', '').replace('http {\n', 'http {\n  upstream app { server 127.0.0.1:9001; }\n');
    const rules = (l: string) => {
      const r = lintText(line(l));
      return r.findings.filter((f) => r.at(f).line === 7).map((f) => f.ruleId).sort();
    };
    assert.deepEqual(rules(typed), ['syntax-error']);
    assert.ok(rules(done).includes(rule), `${rule} once the line is terminated: ${rules(done)}`);
  });
}
