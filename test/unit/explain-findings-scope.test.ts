// explain lists what proxylint finds "in that location": the lines that apply to the request the location handled
// (its own, and those of the levels it inherits from), not those of a location nested in it that did not handle it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { explainLog } from '../../server/src/core/explain/explain';
import { defaultSettings } from '../../server/src/core/settings';
import { lintText } from '../helpers';

const line = (path: string) =>
  `2026/11/22 13:40:01 [error] 4242#4242: *17 upstream timed out (110: Connection timed out) while reading response header from upstream, client: 10.1.2.3, server: shop.example.com, request: "GET ${path} HTTP/1.1", upstream: "http://127.0.0.1:9001${path}", host: "shop.example.com"`;

function explained(conf: string, path: string) {
  const r = lintText(conf);
  const e = explainLog([line(path)], [{ config: r.config, findings: r.findings, target: defaultSettings().nginx, upstreams: r.upstreams }]).entries[0];
  const lineOf = (offset: number) => conf.slice(0, offset).split('\n').length;
  return { entry: e, all: r.findings, lines: e.findings.map((f) => `${f.ruleId}:${lineOf(f.start)}`) };
}

const conf = (serverLevel: string) => `events {}
http {
    server {
        listen 80;
        server_name shop.example.com;
${serverLevel}        location /api/ {
            proxy_pass http://127.0.0.1:9001;
            location ~ /api/slow {
                proxy_read_timeout 3s;
                proxy_pass http://127.0.0.1:9001;
            }
        }
    }
}
`;

test('explain: a finding of a nested location that did not handle the request is not listed for the one that did', () => {
  const { entry, all, lines } = explained(conf(''), '/api/x');
  assert.equal(entry.place?.location?.directive.args[0].value, '/api/');
  // The nested location's short read timeout is reported by the linter, but GET /api/x never ran under it.
  assert.ok(all.some((f) => f.ruleId === 'read-timeout-too-low'), all.map((f) => f.ruleId).join(', '));
  assert.deepEqual(lines.filter((l) => l.startsWith('read-timeout-too-low')), []);
  // The request it did handle gets it.
  const slow = explained(conf(''), '/api/slow');
  assert.equal(slow.entry.place?.location?.directive.args[0].value, '~');
  assert.deepEqual(slow.lines.filter((l) => l.startsWith('read-timeout-too-low')), ['read-timeout-too-low:9']);
});

test('explain: a finding on a level the handling location inherits from (its server) is listed', () => {
  const { lines } = explained(conf('        proxy_read_timeout 3s;\n'), '/api/x');
  assert.deepEqual(lines.filter((l) => l.startsWith('read-timeout-too-low')), ['read-timeout-too-low:6']);
});
