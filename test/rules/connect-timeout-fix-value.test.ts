// connect-timeout-above-os-limit's safe fix stops at the read timeout in force when that is under 75 s (else
// connect-timeout-above-read-timeout reports the fixed line), and offers no safe fix below 10 s, where lowering the
// connect timeout would cut into the SYN retransmissions a lossy link needs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintText } from '../helpers';

function fixesAt(lines: string[], upstream = 'server 127.0.0.1:18811;') {
  const text = ['events {}', 'http {', `    upstream app { ${upstream} }`, '    server {', '        listen 127.0.0.1:18810;', ...lines.map((l) => `        ${l}`), '    }', '}', ''].join('\n');
  const r = lintText(text);
  return r.findings
    .filter((f) => f.ruleId === 'connect-timeout-above-os-limit')
    .map((f) => ({ line: r.at(f).line, fix: f.fix?.edits[0].newText, suggestions: f.suggestions.map((s) => s.edits[0].newText), title: f.fix?.title ?? f.suggestions[0]?.title }));
}

test('no read timeout under 75 s in force: 75s, with 10s suggested', () => {
  const [f] = fixesAt(['location / { proxy_connect_timeout 120s; proxy_read_timeout 300s; proxy_pass http://app; }']);
  assert.equal(f.fix, '75s');
  assert.deepEqual(f.suggestions, ['10s']);
});

test('the default proxy_read_timeout (60s) caps the fix at 60s; its title says why', () => {
  const [f] = fixesAt(['location / { proxy_connect_timeout 120s; proxy_pass http://app; }']);
  assert.equal(f.fix, '60s');
  assert.deepEqual(f.suggestions, ['10s']);
  assert.match(f.title!, /^Lower to 60s \(the proxy_read_timeout in force here/);
});

test('a server-level value takes the shortest read timeout of the locations it reaches', () => {
  const f = fixesAt([
    'proxy_connect_timeout 90s;',
    'location /a/ { proxy_read_timeout 300s; proxy_pass http://app; }',
    'location /b/ { proxy_read_timeout 20s; proxy_pass http://app; }',
    // A location that sets its own connect timeout does not lower the server's.
    'location /c/ { proxy_connect_timeout 5s; proxy_read_timeout 15s; proxy_pass http://app; }',
  ]);
  assert.deepEqual(f.map((x) => [x.line, x.fix]), [[6, '20s']]);
});

test('a read timeout under 10 s: the lower value is only suggested, --fix leaves the line alone', () => {
  const [f] = fixesAt(['location / { proxy_connect_timeout 120s; proxy_read_timeout 5s; proxy_pass http://app; }']);
  assert.equal(f.fix, undefined);
  assert.deepEqual(f.suggestions, ['5s']);
});

test('a pass to UNIX sockets only does not lower the fix (no handshake there)', () => {
  const f = fixesAt([
    'proxy_connect_timeout 90s;',
    'location / { proxy_read_timeout 120s; proxy_pass http://app; }',
    'location /sock/ { proxy_read_timeout 20s; proxy_pass http://unix:/run/app.sock; }',
  ]);
  assert.deepEqual(f.map((x) => x.fix), ['75s']);
});
