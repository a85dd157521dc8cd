import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findNginxPlace } from '../../server/src/core/explain/nginx-place';
import { lintText } from '../helpers';

// The hand-offs explain follows from the location a path matched, and those it must not follow (the real-nginx
// cases are in test/servers/explain-nginx-handoff.test.ts).
test('explain placement: hand-offs followed and not followed', () => {
  const r = lintText(`events {}
http {
    server {
        listen 80;
        location /redir/ { rewrite ^/redir/(.*)$ /new/$1 redirect; }
        location /brk/ { rewrite ^/brk/(.*)$ /new/$1 break; }
        location /var/ { rewrite ^ /new/$host last; }
        location /static/ { root /srv; error_page 502 504 @app; }
        location /files/ { root /srv; error_page 404 @app; }
        location /a/ { rewrite ^/a/(.*)$ /b/$1 last; }
        location /b/ { rewrite ^/b/(.*)$ /a/$1 last; }
        location /eq/ { try_files $uri =404; }
        location @app { proxy_pass http://127.0.0.1:9001; }
        location /new/ { proxy_pass http://127.0.0.1:9001; }
    }
}
`);
  const at = (path: string) => {
    const p = findNginxPlace(r.config, { serverName: '', path, upstream: `http://127.0.0.1:9001${path}` }, r.upstreams)!;
    return `${p.location?.directive.args.map((a) => a.value).join(' ')}${p.handoff ? ' via ' + p.handoff.map((h) => h.via.name).join(',') : ''}`;
  };
  // A redirect is a new request from the client (logged with its own path); break keeps the location; a variable
  // other than $1… leaves the new URI unknown; =404 is no location. None is followed: the path decides.
  for (const path of ['/redir/x', '/brk/x', '/var/x', '/eq/x']) assert.equal(at(path), path.replace(/x$/, ''), path);
  // A location that passes nowhere makes no 502 or 504, so an error_page for those alone hands nothing on; a 404 does.
  assert.equal(at('/static/x'), '/static/');
  assert.equal(at('/files/x'), '@app via error_page');
  // Two hand-offs to two locations that pass to the backend: neither is picked, both are listed.
  const two = lintText(`events {}
http {
    server {
        listen 80;
        location /both/ { root /srv; try_files $uri @a; error_page 404 = @b; }
        location @a { proxy_read_timeout 1s; proxy_pass http://127.0.0.1:9001; }
        location @b { proxy_read_timeout 9s; proxy_pass http://127.0.0.1:9001; }
    }
}
`);
  const both = findNginxPlace(two.config, { serverName: '', path: '/both/x', upstream: 'http://127.0.0.1:9001/both/x' }, two.upstreams)!;
  assert.deepEqual([both.location, ...(both.others ?? []).map((o) => o.location)].map((l) => l?.directive.args[0].value), ['@a', '@b']);
  assert.match(both.how, /; 2 locations could have passed it to http:\/\/127\.0\.0\.1:9001, and the line does not tell which: all are listed$/);
  // The error_page of the http level is in force in a server and location that have none.
  const inherited = lintText(`events {}
http {
    error_page 404 = @app;
    server {
        listen 80;
        location /files/ { root /srv; }
        location @app { proxy_pass http://127.0.0.1:9001; }
        location /new/ { proxy_pass http://127.0.0.1:9001; }
    }
}
`);
  const p = findNginxPlace(inherited.config, { serverName: '', path: '/files/x', upstream: 'http://127.0.0.1:9001/files/x' }, inherited.upstreams)!;
  assert.equal(p.location?.directive.args[0].value, '@app');
  // A loop of rewrites ends (nginx gives up after 10 internal redirects; here every location is visited once).
  assert.equal(at('/a/x'), '/a/');
});
