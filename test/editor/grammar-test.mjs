// Tokenizes sample lines with the TextMate grammars in syntaxes/, using the same vscode-textmate and
// vscode-oniguruma that code-server's VS Code uses (no project dependency), and checks the scopes.
// usage: node grammar-test.mjs <vscode node_modules folder>   (run.sh passes code-server's lib/vscode/node_modules)
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const modules = process.argv[2];
if (!modules) { console.error('usage: node grammar-test.mjs <node_modules with vscode-textmate and vscode-oniguruma>'); process.exit(2); }
const require = createRequire(join(modules, 'x.js'));
const tm = require('vscode-textmate');
const onig = require('vscode-oniguruma');
const syntaxes = new URL('../../syntaxes/', import.meta.url);

const wasm = readFileSync(join(modules, 'vscode-oniguruma', 'release', 'onig.wasm')).buffer;
await onig.loadWASM(wasm);
const registry = new tm.Registry({
  onigLib: Promise.resolve({ createOnigScanner: (p) => new onig.OnigScanner(p), createOnigString: (s) => new onig.OnigString(s) }),
  loadGrammar: async (scope) => {
    const file = { 'source.nginx': 'nginx.tmLanguage.json', 'source.apacheconf': 'apacheconf.tmLanguage.json' }[scope];
    return file ? tm.parseRawGrammar(readFileSync(new URL(file, syntaxes), 'utf8'), file) : null;
  },
});

/** [source text, [substring, expected scope]...]: substrings in document order; the scope is a prefix of one of the token's. */
const cases = {
  'source.nginx': [
    [
      'http {\n    # upstream timeouts\n    upstream app { server 127.0.0.1:9000 max_fails=3; keepalive 16; }\n    server {\n        location ~* \\.php$ {\n            proxy_pass http://app;\n            proxy_read_timeout 1m30s;\n            proxy_set_header Host "$host:${server_port}";\n            proxy_buffering off;\n            client_max_body_size 10m;\n        }\n    }\n}\n',
      ['http', 'keyword.control.block.nginx'],
      ['# upstream timeouts', 'comment.line.number-sign.nginx'],
      ['upstream app', 'keyword.control.block.nginx'],
      ['server 127', 'keyword.other.directive.nginx'],
      ['127.0.0.1:9000', 'string.unquoted.address.nginx'],
      ['max_fails', 'variable.parameter.nginx'],
      ['keepalive', 'keyword.other.directive.nginx'],
      ['16', 'constant.numeric.nginx'],
      ['location', 'keyword.control.block.nginx'],
      ['~*', 'keyword.operator.location-modifier.nginx'],
      ['proxy_pass', 'keyword.other.directive.nginx'],
      ['http://app', 'markup.underline.link.nginx'],
      ['proxy_read_timeout', 'keyword.other.directive.nginx'],
      ['1m30s', 'constant.numeric.nginx'],
      ['"$host', 'string.quoted.double.nginx'],
      ['$host', 'variable.other.nginx'],
      ['server_port', 'variable.other.nginx'],
      ['off', 'constant.language.boolean.nginx'],
      ['10m', 'constant.numeric.nginx'],
      [';', 'punctuation.terminator.nginx'],
    ],
  ],
  'source.apacheconf': [
    [
      '# reverse proxy\n<VirtualHost *:80>\n    ProxyPass "/api" "http://127.0.0.1:9000/" timeout=60 retry=0\n    ProxyTimeout 300\n    ProxyPreserveHost On\n    RewriteRule ^/old(.*)$ /new$1 [R=301,L]\n    <IfModule mod_proxy.c>\n        Header set X-Host %{HTTP_HOST}e\n    </IfModule>\n</VirtualHost>\n',
      ['# reverse proxy', 'comment.line.number-sign.apacheconf'],
      ['<', 'punctuation.definition.tag.begin.apacheconf'],
      ['VirtualHost', 'entity.name.tag.apacheconf'],
      ['ProxyPass', 'keyword.other.directive.apacheconf'],
      ['"/api"', 'string.quoted.double.apacheconf'],
      ['timeout', 'variable.parameter.apacheconf'],
      ['60', 'constant.numeric.apacheconf'],
      ['ProxyTimeout', 'keyword.other.directive.apacheconf'],
      ['300', 'constant.numeric.apacheconf'],
      ['On', 'constant.language.boolean.apacheconf'],
      ['$1', 'variable.other.backreference.apacheconf'],
      ['[R=301,L]', 'constant.other.flags.apacheconf'],
      ['IfModule', 'entity.name.tag.apacheconf'],
      ['%{HTTP_HOST}', 'variable.other.server.apacheconf'],
      ['</', 'punctuation.definition.tag.begin.apacheconf'],
    ],
  ],
};

let passed = 0;
let failed = 0;
for (const [scope, samples] of Object.entries(cases)) {
  const grammar = await registry.loadGrammar(scope);
  for (const [text, ...expectations] of samples) {
    const tokens = [];
    let state = tm.INITIAL;
    let offset = 0;
    for (const line of text.split('\n')) {
      const r = grammar.tokenizeLine(line, state);
      for (const t of r.tokens) tokens.push({ start: offset + t.startIndex, end: offset + t.endIndex, scopes: t.scopes });
      state = r.ruleStack;
      offset += line.length + 1;
    }
    let from = 0;
    for (const [needle, want] of expectations) {
      const at = text.indexOf(needle, from);
      const tok = tokens.find((t) => t.start <= at && at < t.end);
      const ok = at >= 0 && tok && tok.scopes.some((s) => s.split(' ').some((x) => x.startsWith(want)));
      if (at >= 0) from = at;
      ok ? passed++ : failed++;
      if (!ok) console.log(`FAIL - ${scope}: ${JSON.stringify(needle)} should be ${want}, got ${tok ? tok.scopes.join(' ') : 'no token'}`);
    }
  }
}
console.log(`grammar scopes: ${passed} passed, ${failed} failed`);
console.log(`${failed ? 0 : 1} passed, ${failed ? 1 : 0} failed`);
process.exit(failed ? 1 : 0);
