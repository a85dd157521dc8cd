// The number of words of a `location` line against the real `nginx -t` (1.22.1): invalid-number-of-arguments
// reports the line exactly when nginx refuses it for its count, in nginx's words.
// proxylint-test: untimed
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintText, nginxTestText, requireBinary } from '../helpers';

const config = (line: string) => `events {}\nhttp {\n    server {\n        listen 127.0.0.1:18994;\n        location /outer/ {\n            ${line} { return 204; }\n        }\n        ${line} { return 204; }\n    }\n}\n`;
const LINES = ['location', 'location /outer/a/', 'location = /outer/b', 'location ~ ^/outer/c', 'location ~ ^/outer/d x', 'location @named', 'location = /outer/e x y'];

for (const line of LINES) {
  test(`"${line} { … }" is reported exactly when nginx -t refuses its number of words`, () => {
    requireBinary('nginx');
    // Placed in a server and in a location: nginx refuses the first one it meets (the nested one).
    const text = config(line);
    const t = nginxTestText(text);
    const refused = t.output.includes('invalid number of arguments in "location" directive');
    const found = lintText(text).findings.filter((f) => f.ruleId === 'invalid-number-of-arguments');
    assert.equal(found.length, refused ? 2 : 0, `${t.output}\n${found.map((f) => f.message).join('\n')}`);
    for (const f of found) assert.ok(f.message.includes('invalid number of arguments in "location" directive'));
  });
}
