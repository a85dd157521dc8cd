// The hover of an http *_pass line lists only the log lines and related rules its target can bring (pass-view.ts);
// a target with variables, or a group whose servers are not all known, keeps the whole documentation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nginxHover } from '../../server/src/core/features/hover';
import { NGX_LOG } from '../../server/src/core/docs/log-lines';
import { defaultSettings } from '../../server/src/core/settings';
import { docLookup } from '../../server/src/lsp/docs';
import { lintText, readable } from '../helpers';

function hover(http: string, needle: string): string {
  const text = `events {}\nhttp {\n${http}\n}\n`;
  const at = text.indexOf(needle);
  assert.ok(at >= 0, needle);
  return readable(nginxHover(lintText(text), '/cfg/nginx.conf', at + 1, defaultSettings().nginx, docLookup)?.markdown ?? '');
}
const logBlock = (md: string) => /\*\*In the error log\*\*\n\n```text\n([\s\S]*?)\n```/.exec(md)?.[1].split('\n') ?? [];
const rules = (md: string) => [...md.slice(md.indexOf('Related rules:')).matchAll(/\[([a-z0-9-]+)\]\(/g)].map((m) => m[1]);
const site = (loc: string) => `  server {\n    listen 80;\n    resolver 127.0.0.53;\n${loc}\n  }`;

test('an IP address: no socket, resolver, host-name, TLS or "no live upstreams" line, and none of their rules', () => {
  const md = hover(site('    location / { proxy_pass http://10.0.0.5:8080; }'), 'proxy_pass');
  assert.deepEqual(logBlock(md), [NGX_LOG.refused, NGX_LOG.premature, NGX_LOG.connectTimeout, NGX_LOG.headerTimeout]);
  assert.deepEqual(rules(md), ['invalid-upstream-address', 'pass-scheme-mismatch', 'scheme-port-mismatch']);
});

test('a group with a UNIX socket and a host name: their lines and rules come back', () => {
  const md = hover(`  upstream app { server unix:/run/app.sock; server app.internal:8080; server localhost:8081; }\n${site('    location / { proxy_pass https://app; }')}`, 'proxy_pass');
  const log = logBlock(md);
  for (const line of [NGX_LOG.unixMissing, NGX_LOG.noLive, NGX_LOG.hostNotFound, NGX_LOG.wrongVersion]) assert.ok(log.includes(line), line);
  assert.ok(!log.includes(NGX_LOG.noResolver));
  for (const rule of ['unix-socket-path', 'hostname-resolved-at-startup', 'localhost-upstream', 'tls-upstream-without-sni', 'undefined-upstream']) assert.ok(rules(md).includes(rule), rule);
});

test('variables, or a group nginx cannot read, keep the whole documentation', () => {
  const full = logBlock(hover(site('    location / { set $b 10.0.0.5:8080; proxy_pass http://$b; }'), 'proxy_pass'));
  assert.ok(full.includes(NGX_LOG.noResolver) && full.includes(NGX_LOG.unixMissing) && full.includes(NGX_LOG.uriPart), full.join('\n'));
  const bad = logBlock(hover(`  upstream app { server $x; }\n${site('    location / { proxy_pass http://app; }')}`, 'proxy_pass'));
  assert.ok(bad.includes(NGX_LOG.unixMissing));
});

test('the URI-part line only where that problem is reported on the line', () => {
  const ok = logBlock(hover(site('    location /a/ { proxy_pass http://10.0.0.5:8080/b/; }'), 'proxy_pass'));
  assert.ok(!ok.includes(NGX_LOG.uriPart));
  const bad = logBlock(hover(site('    location ~ ^/a/ { proxy_pass http://10.0.0.5:8080/b/; }'), 'proxy_pass'));
  assert.ok(bad.includes(NGX_LOG.uriPart), bad.join('\n'));
});

test('fastcgi_pass to a UNIX socket: the socket line and the PHP-FPM lines, no "no live upstreams"', () => {
  const md = hover(site('    location ~ \\.php$ { include fastcgi_params; fastcgi_pass unix:/run/php/php8.2-fpm.sock; }'), 'fastcgi_pass');
  const log = logBlock(md);
  assert.ok(log.includes(NGX_LOG.unixMissing) && log.includes(NGX_LOG.fcgiStdoutClosed) && log.includes(NGX_LOG.resetBeforeHeader), log.join('\n'));
  assert.ok(!log.includes(NGX_LOG.noLive) && !log.includes(NGX_LOG.hostNotFound));
});
