import { test } from 'node:test';
import assert from 'node:assert/strict';
import { explainLog, type CheckedNginx } from '../../server/src/core/explain/explain';
import { defaultSettings } from '../../server/src/core/settings';
import { resolverNames } from '../../server/src/core/explain/nginx-place';
import { lintText } from '../helpers';

// The resolver's own lines name the DNS server as nginx writes it (address:port, port 53 filled in, IPv6 in
// brackets). Which block's resolver that is decides whether the line is about http or stream; the real-nginx case
// is in test/servers/explain-nginx-resolver-lines.test.ts.
const LINE = (dns: string) => `2026/11/23 05:00:00 [error] 123#123: recv() failed (111: Connection refused) while resolving, resolver: ${dns}`;

test('explain: resolver addresses are matched as nginx writes them', () => {
  const r = lintText(`events {}
stream {
    resolver 10.0.0.2 [::1] 127.0.0.1:5353 valid=10s ipv6=off;
    server { listen 9000; set $b backend.example:80; proxy_pass $b; }
}
`);
  const node = r.config.all.find((n) => n.name === 'resolver')!;
  for (const yes of ['10.0.0.2:53', '[::1]:53', '127.0.0.1:5353']) assert.equal(resolverNames(node, yes), true, yes);
  for (const no of ['10.0.0.2:5353', '127.0.0.1:53', '[::1]:5353', 'valid=10s:53', '10.0.0.20:53']) assert.equal(resolverNames(node, no), false, no);
});

test('explain: a resolver line is a stream line only when the DNS server it names is a stream resolver alone', () => {
  const checked = (conf: string): CheckedNginx[] => {
    const r = lintText(conf);
    return [{ config: r.config, upstreams: r.upstreams, findings: r.findings, target: defaultSettings().nginx }];
  };
  const both = `events {}
stream {
    resolver 127.0.0.1:5353;
    server { listen 9000; set $b backend.example:80; proxy_pass $b; }
    server { listen 9001; resolver 127.0.0.2; set $b backend.example:80; proxy_pass $b; }
}
http {
    resolver 127.0.0.2;
    server { listen 80; location / { proxy_pass http://$host; } }
}
`;
  const one = (conf: string, dns: string) => explainLog([LINE(dns)], checked(conf)).entries[0];
  const stream = one(both, '127.0.0.1:5353');
  assert.match(stream.explanation.pattern.status, /^no HTTP status/);
  assert.equal(stream.place?.server.directive.block?.children.length, 3, 'the stream server on port 9000 (its resolver is the stream block\'s)');
  assert.match(stream.place!.how, /only stream server block whose resolver is 127\.0\.0\.1:5353/);
  // 127.0.0.2 is named in http too: the line alone cannot say which; it stays as an http line reads.
  assert.equal(one(both, '127.0.0.2:53').explanation.pattern.status, '502');
  // Named nowhere (a resolver given by name, or another configuration): as the line reads.
  assert.equal(one(both, '10.9.9.9:53').explanation.pattern.status, '502');
});
