// Short stream servers are often written on one line (`server { listen 443; ssl_preread on; proxy_pass $b; }`).
// A suggestion that adds a line with a "# TODO" comment there must not put the comment in front of the rest of the
// line, which nginx would then skip up to the line's end, closing "}" included.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyEdits } from '../../server/src/core/fix';
import { lintText, nginxTestText } from '../helpers';

const STREAM_HEAD = 'load_module /usr/lib/nginx/modules/ngx_stream_module.so;\nevents {}\n';

const CASES: { name: string; rule: string; text: string }[] = [
  {
    name: 'stream: a resolver added in front of the first directive of a one-line server',
    rule: 'variable-pass-without-resolver',
    text: `${STREAM_HEAD}stream {
    map $ssl_preread_server_name $b { default backend.internal:443; }
    server { listen 127.0.0.1:18443; ssl_preread on; proxy_pass $b; }
}
`,
  },
  {
    name: 'stream: a CA bundle added after proxy_ssl_verify in a one-line server',
    rule: 'tls-verify-without-trusted-certificate',
    text: `${STREAM_HEAD}stream {
    server { listen 127.0.0.1:18444; proxy_ssl on; proxy_ssl_verify on; proxy_ssl_server_name on; proxy_ssl_name db.internal; proxy_pass 127.0.0.1:5432; }
}
`,
  },
  {
    name: 'http: a resolver added in front of the first directive of a one-line server',
    rule: 'variable-pass-without-resolver',
    text: `events {}
http {
    map $host $b { default backend.internal:8080; }
    server { listen 127.0.0.1:18445; location / { proxy_pass http://$b; } }
}
`,
  },
];

for (const c of CASES) {
  test(`${c.name}: each suggestion with a comment line keeps the rest of the line, and nginx -t accepts the result`, () => {
    const findings = lintText(c.text).findings.filter((f) => f.ruleId === c.rule);
    const withComment = findings.flatMap((f) => f.suggestions).filter((s) => s.edits.some((e) => e.newText.includes('# TODO')));
    assert.ok(withComment.length > 0, `${c.rule} offers a suggestion with a "# TODO" line`);
    for (const s of withComment) {
      const { text } = applyEdits(c.text, s.edits);
      for (const line of text.split('\n')) {
        const comment = line.indexOf('#');
        if (comment >= 0) assert.doesNotMatch(line.slice(comment), /[;{}]/, `"${s.title}" put a comment in front of more configuration:\n${text}`);
      }
      const t = nginxTestText(text);
      assert.ok(t.ok, `nginx -t rejected "${s.title}":\n${t.output}\n${text}`);
    }
  });
}
