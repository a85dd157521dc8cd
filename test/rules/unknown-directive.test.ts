// unknown-directive against the real nginx -t (1.22.1): each name the rule reports stops nginx with "unknown
// directive", on the line proxylint names; with a load_module of a module nginx.org does not ship, the same name is
// only a warning (that module may provide it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintText, nginxTestText } from '../helpers';

const conf = (line: string, top = '') => `${top}events {}\nhttp {\n    server {\n        listen 127.0.0.1:18760;\n        location / {\n            ${line}\n            proxy_pass http://127.0.0.1:18761;\n        }\n    }\n}\n`;
const LINE = 6;

for (const line of ['grpc_buffering off;', 'grpc_buffers 8 16k;', 'grpc_keep_conn on;', 'fastcgi_set_header X-A b;', 'proxy_passs http://127.0.0.1:1;', 'uwsgi_ssl_alpn on;']) {
  const name = line.split(' ')[0];
  test(`unknown-directive: ${name} — nginx -t says unknown directive on that line, and so does proxylint`, () => {
    const text = conf(line);
    const t = nginxTestText(text);
    assert.match(t.output, new RegExp(`\\[emerg\\] unknown directive "${name}" in \\S+:${LINE}\\b`), t.output);
    const r = lintText(text);
    const found = r.findings.filter((f) => f.ruleId === 'unknown-directive');
    assert.equal(found.length, 1, JSON.stringify(found));
    assert.equal(r.at(found[0]).line, LINE);
    assert.equal(found[0].severity, 'error');
    assert.ok(found[0].message.startsWith(`nginx will not start: unknown directive "${name}"`), found[0].message);
  });
}

test('unknown-directive: a load_module of a third-party module makes it a warning; a stock module does not', () => {
  const third = lintText(conf('grpc_buffering off;', 'load_module modules/ngx_http_fancy_module.so;\n')).findings.find((f) => f.ruleId === 'unknown-directive');
  assert.equal(third?.severity, 'warning');
  assert.match(third!.message, /unless the module loaded from "modules\/ngx_http_fancy_module\.so" provides it/);
  const stock = lintText(conf('grpc_buffering off;', 'load_module /usr/lib/nginx/modules/ngx_stream_module.so;\n')).findings.find((f) => f.ruleId === 'unknown-directive');
  assert.equal(stock?.severity, 'error');
});
