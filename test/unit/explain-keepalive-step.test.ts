// explain's next step for a backend that closed or reset a connection, where the request's upstream group keeps
// connections alive: the keep-alive race is one cause, and only environment.backendKeepaliveTimeout lets proxylint
// check it (an on-call review found nothing pointed to that setting). No step without keepalive, or with keepalive 0.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { explainLog, type CheckedNginx } from '../../server/src/core/explain/explain';
import { lintNginx } from '../../server/src/core/lint';
import { defaultSettings } from '../../server/src/core/settings';
import { memHost } from '../helpers';

function checked(text: string): CheckedNginx {
  const path = '/cfg/nginx.conf';
  const settings = defaultSettings();
  const r = lintNginx(path, text, memHost({ [path]: text }), { settings });
  return { config: r.config, findings: r.findings, target: settings.nginx, upstreams: r.upstreams };
}

const conf = (group: string) => `events {}
http {
    upstream app { server 127.0.0.1:9101; ${group} }
    server {
        listen 127.0.0.1:8080;
        location / { proxy_http_version 1.1; proxy_set_header Connection ""; proxy_pass http://app; }
    }
}
`;
const line = (what: string) => `2026/11/22 13:40:01 [error] 4242#4242: *17 ${what} while reading response header from upstream, client: 10.1.2.3, server: , request: "POST /api/orders HTTP/1.1", upstream: "http://127.0.0.1:9101/api/orders", host: "127.0.0.1:8080"`;
const stepFor = (group: string, what: string) => explainLog([line(what)], [checked(conf(group))]).entries[0]?.nextStep;

test('a closed or reset kept-alive connection: the next step names the group, its keepalive_timeout and environment.backendKeepaliveTimeout', () => {
  for (const what of ['upstream prematurely closed connection', 'recv() failed (104: Connection reset by peer)']) {
    const step = stepFor('keepalive 16;', what);
    assert.match(step ?? '', /keepalive_timeout in upstream app \(60s now\) shorter than the backend's idle timeout/, what);
    assert.match(step ?? '', /environment\.backendKeepaliveTimeout/, what);
    assert.match(stepFor('keepalive 16; keepalive_timeout 4s;', what) ?? '', /\(4s now\)/, what);
  }
});

test('no keep-alive step without keepalive in the group, with keepalive 0, or for a line keep-alive does not explain', () => {
  assert.equal(stepFor('', 'upstream prematurely closed connection'), undefined);
  assert.equal(stepFor('keepalive 0;', 'upstream prematurely closed connection'), undefined);
  assert.equal(stepFor('keepalive 16;', 'upstream timed out (110: Connection timed out)'), undefined);
});
