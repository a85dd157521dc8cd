// Tokenizes sample lines with the TextMate grammars in syntaxes/, using the same vscode-textmate and
// vscode-oniguruma that code-server's VS Code uses (no project dependency), and checks the scopes: samples, the
// regressions (a construct must not leave a rule open for the lines after it), and, when ../shared/corpus is there,
// every corpus nginx file against a reference reader of nginx's tokenizer (nginx-reference-tokenizer.mjs).
// usage: node grammar-test.mjs [vscode node_modules folder]   (run.sh passes code-server's lib/vscode/node_modules;
//        default: the one test/editor/setup.sh installs under $E2E_HOME or ~/.cache/proxylint-e2e)
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { readNginx } from './nginx-reference-tokenizer.mjs';

const modules = process.argv[2] || join(process.env.E2E_HOME || join(homedir(), '.cache', 'proxylint-e2e'), 'code-server/node_modules/code-server/lib/vscode/node_modules');
if (!existsSync(join(modules, 'vscode-textmate'))) { console.error(`no vscode-textmate in ${modules}: run test/editor/setup.sh, or pass a node_modules with vscode-textmate and vscode-oniguruma`); process.exit(2); }
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

/**
 * Regressions: each text triggers a construct that once left a begin/end rule open (or closed one too early); the
 * checks are on the lines after it. A check is [substring, scope prefix the token must have (or null),
 * { not: [scope prefixes it must not have], blocks: how many meta.block.nginx enclose it }]. Every text must end with
 * the grammar back at the top level.
 */
const regressions = [
  {
    name: 'G1 nginx ${var} inside an argument does not open a block',
    scope: 'source.nginx',
    text: 'server {\n    location / {\n        proxy_pass http://${backend_host}:8080;\n    }\n    location /b {\n        return 204;\n    }\n}\nhttp {}\n',
    checks: [
      ['proxy_pass', 'keyword.other.directive.nginx', { blocks: 2, not: ['meta.block-directive'] }],
      ['backend_host', 'variable.other.nginx', { blocks: 2 }],
      ['}\n    location /b', 'punctuation.section.block.end.nginx', { blocks: 2 }],
      ['location /b', 'keyword.control.block.nginx', { blocks: 1 }],
      ['return', 'keyword.other.directive.nginx', { blocks: 2 }],
      ['http {}', 'keyword.control.block.nginx', { blocks: 0 }],
    ],
  },
  {
    name: 'G1 nginx ${var} in a block directive\'s arguments',
    scope: 'source.nginx',
    text: 'map ${host}x $m {\n    default 1;\n}\nserver_tokens off;\n',
    checks: [
      ['map', 'keyword.control.block.nginx'],
      ['host', 'variable.other.nginx', { blocks: 0 }],
      ['default', 'keyword.other.directive.nginx', { blocks: 1 }],
      ['server_tokens', 'keyword.other.directive.nginx', { blocks: 0 }],
    ],
  },
  {
    name: 'G2 nginx # inside a word is not a comment',
    scope: 'source.nginx',
    text: 'server {\n    location ~* (?:#.*#|\\.(?:bak|conf)|~)$ {\n        deny all;\n    }\n    set $a x#y;\n    location / {\n        proxy_pass http://127.0.0.1:8080;\n    }\n}\n',
    checks: [
      ['location ~*', 'keyword.control.block.nginx', { blocks: 1 }],
      ['#.*#', null, { not: ['comment'] }],
      ['deny', 'keyword.other.directive.nginx', { blocks: 2 }],
      ['x#y', null, { not: ['comment'], blocks: 1 }],
      [';\n    location /', 'punctuation.terminator.nginx'],
      ['location /', 'keyword.control.block.nginx', { blocks: 1 }],
      ['proxy_pass', 'keyword.other.directive.nginx', { blocks: 2 }],
      ['127.0.0.1:8080', 'markup.underline.link.nginx'],
    ],
  },
  {
    name: 'G2 nginx # after whitespace is a comment, also after a statement',
    scope: 'source.nginx',
    text: 'server { # main\n    listen 80; # http\n}\n',
    checks: [['# main', 'comment.line.number-sign.nginx'], ['listen', 'keyword.other.directive.nginx', { blocks: 1 }], ['# http', 'comment.line.number-sign.nginx']],
  },
  {
    name: 'G3 nginx a quote inside a word is a literal character',
    scope: 'source.nginx',
    text: 'server {\n    return 200 "ok";\n    add_header X-Note dont\'cache;\n    proxy_pass http://127.0.0.1:8080;\n}\nhttp {}\n',
    checks: [
      ["dont'cache", null, { not: ['string'] }],
      ["'cache", null, { not: ['string'] }],
      [';\n    proxy_pass', 'punctuation.terminator.nginx', { not: ['string'] }],
      ['proxy_pass', 'keyword.other.directive.nginx', { blocks: 1, not: ['string'] }],
      ['http {}', 'keyword.control.block.nginx', { blocks: 0, not: ['string'] }],
    ],
  },
  {
    name: 'G3 nginx a Lua block body is Lua: an apostrophe in a Lua comment opens nothing',
    scope: 'source.nginx',
    text: 'server {\n    location /lua {\n        content_by_lua_block {\n            if ngx.var.arg_x then -- don\'t cache this\n                ngx.say("x") -- } not the end\n                local t = { a = "}" }\n            end\n        }\n    }\n    location / {\n        proxy_pass http://127.0.0.1:8080;\n    }\n}\n',
    checks: [
      ['content_by_lua_block', 'keyword.control.block.nginx', { blocks: 2 }],
      ["-- don't", 'comment.line.double-dash.lua'],
      ['ngx.say', 'meta.embedded.block.lua', { not: ['string', 'comment', 'keyword'] }],
      ['local t', 'meta.embedded.block.lua', { not: ['string', 'comment', 'keyword'] }],
      ['end\n', 'meta.embedded.block.lua', { not: ['string', 'comment', 'keyword'] }],
      ['}\n    }\n    location', 'punctuation.section.block.end.nginx', { blocks: 3 }],
      ['}\n    location', 'punctuation.section.block.end.nginx', { blocks: 2 }],
      ['location /', 'keyword.control.block.nginx', { blocks: 1, not: ['meta.embedded'] }],
      ['proxy_pass', 'keyword.other.directive.nginx', { blocks: 2, not: ['meta.embedded'] }],
    ],
  },
  {
    name: 'G3 nginx quoted keys at the start of a statement (map, geo, split_clients)',
    scope: 'source.nginx',
    text: 'map $http_accept $webp_suffix {\n    default "";\n    "~*webp" ".webp";\n}\nmap $http_upgrade $connection_upgrade {\n    default upgrade;\n    \'\' close;\n}\nsplit_clients $remote_addr $v {\n    51.2% ".one";\n    * "";\n}\nserver {}\n',
    checks: [
      ['"~*webp"', 'string.quoted.double.nginx', { blocks: 1 }],
      ['".webp"', 'string.quoted.double.nginx', { blocks: 1 }],
      ["'' close", 'string.quoted.single.nginx', { blocks: 1 }],
      ['close', null, { not: ['string'], blocks: 1 }],
      ['".one"', 'string.quoted.double.nginx', { blocks: 1 }],
      ['server {}', 'keyword.control.block.nginx', { blocks: 0, not: ['string', 'meta.directive'] }],
    ],
  },
  {
    name: 'G4 Apache a trailing backslash carries the directive onto the next line',
    scope: 'source.apacheconf',
    text: 'ProxyPass /app \\\n    http://127.0.0.1:9000/app retry=0\nRewriteCond %{HTTP_HOST} ^www \\\n    [NC]\nProxyTimeout 60\n',
    checks: [
      ['ProxyPass', 'keyword.other.directive.apacheconf'],
      ['\\\n', 'constant.character.escape.line-continuation.apacheconf'],
      ['http://127', 'markup.underline.link.apacheconf', { not: ['keyword'] }],
      ['retry', 'variable.parameter.apacheconf'],
      ['RewriteCond', 'keyword.other.directive.apacheconf'],
      ['[NC]', 'constant.other.flags.apacheconf', { not: ['keyword'] }],
      ['ProxyTimeout', 'keyword.other.directive.apacheconf'],
      ['60', 'constant.numeric.apacheconf'],
    ],
  },
  {
    name: 'G4 Apache a continued quoted string, in a directive and in <If>',
    scope: 'source.apacheconf',
    text: 'SecRule ARGS "@rx a" \\\n    "id:1,\\\n    phase:1,\\\n    deny"\nProxyTimeout 60\n<If "-f %{REQUEST_FILENAME} \\\n     && %{HTTP_HOST} != \'x\'">\n    Require all granted\n</If>\n',
    checks: [
      ['phase:1', 'string.quoted.double.apacheconf'],
      ['deny"', 'string.quoted.double.apacheconf'],
      ['ProxyTimeout', 'keyword.other.directive.apacheconf', { not: ['string'] }],
      ['&& %{HTTP_HOST}', 'string.quoted.double.apacheconf'],
      ['HTTP_HOST', 'variable.other.server.apacheconf'],
      ['">', 'string.quoted.double.apacheconf'],
      ['>\n', 'punctuation.definition.tag.end.apacheconf', { not: ['string'] }],
      ['Require', 'keyword.other.directive.apacheconf', { not: ['string', 'meta.tag'] }],
    ],
  },
  {
    name: 'G5 Apache a comment ending in a backslash goes on over the next line (httpd 2.4 ignores that line)',
    scope: 'source.apacheconf',
    text: '<VirtualHost *:80>\n    # old backend, disabled \\\n    ProxyPass "/" "http://127.0.0.1:9000/" retry=0 timeout=1\n    ProxyTimeout 1\n    # not continued \\ \n    ProxyTimeout 2\n</VirtualHost>\n',
    checks: [
      ['# old backend', 'comment.line.number-sign.apacheconf'],
      ['ProxyPass', 'comment.line.number-sign.apacheconf', { not: ['keyword', 'string'] }],
      ['retry', 'comment.line.number-sign.apacheconf', { not: ['variable'] }],
      ['ProxyTimeout 1', 'keyword.other.directive.apacheconf', { not: ['comment'] }],
      ['# not continued', 'comment.line.number-sign.apacheconf'],
      ['ProxyTimeout 2', 'keyword.other.directive.apacheconf', { not: ['comment'] }],
    ],
  },
];

const grammars = {};
for (const scope of ['source.nginx', 'source.apacheconf']) grammars[scope] = await registry.loadGrammar(scope);

/** Tokens of a text, with offsets in the text, and the rule stack at the end. */
function tokenize(scope, text) {
  const tokens = [];
  let state = tm.INITIAL;
  let offset = 0;
  for (const line of text.split('\n')) {
    const r = grammars[scope].tokenizeLine(line, state);
    for (const t of r.tokens) tokens.push({ start: offset + t.startIndex, end: offset + t.endIndex, scopes: t.scopes });
    state = r.ruleStack;
    offset += line.length + 1;
  }
  return { tokens, state };
}
const has = (tok, prefix) => tok.scopes.some((s) => s.split(' ').some((x) => x.startsWith(prefix)));
/** Depth of the rule stack (1: top level, no begin/end rule open). vscode-textmate's StateStack has `depth`. */
function stackDepth(state) {
  if (typeof state.depth !== 'number') throw new Error('this vscode-textmate has no StateStack.depth');
  return state.depth;
}

let passed = 0;
let failed = 0;
const check = (ok, message) => { ok ? passed++ : failed++; if (!ok) console.log(`FAIL - ${message}`); };

for (const [scope, samples] of Object.entries(cases)) {
  for (const [text, ...expectations] of samples) {
    const { tokens } = tokenize(scope, text);
    let from = 0;
    for (const [needle, want] of expectations) {
      const at = text.indexOf(needle, from);
      const tok = tokens.find((t) => t.start <= at && at < t.end);
      if (at >= 0) from = at;
      check(at >= 0 && tok && has(tok, want), `${scope}: ${JSON.stringify(needle)} should be ${want}, got ${tok ? tok.scopes.join(' ') : 'no token'}`);
    }
  }
}

for (const { name, scope, text, checks } of regressions) {
  const { tokens, state } = tokenize(scope, text);
  let from = 0;
  for (const [needle, want, { not = [], blocks } = {}] of checks) {
    const at = text.indexOf(needle, from);
    if (at < 0) { check(false, `${name}: ${JSON.stringify(needle)} not found`); continue; }
    from = at;
    const tok = tokens.find((t) => t.start <= at && at < t.end);
    const got = tok ? tok.scopes.join(' ') : 'no token';
    const problems = [];
    if (!tok) problems.push('no token');
    else {
      if (want && !has(tok, want)) problems.push(`should be ${want}`);
      for (const bad of not) if (has(tok, bad)) problems.push(`should not be ${bad}`);
      const depth = tok.scopes.filter((s) => s === 'meta.block.nginx').length;
      if (blocks !== undefined && depth !== blocks) problems.push(`should be in ${blocks} blocks, is in ${depth}`);
    }
    check(problems.length === 0, `${name}: ${JSON.stringify(needle)} ${problems.join(', ')}; got ${got}`);
  }
  check(stackDepth(state) === 1, `${name}: the text should end at the top level, ends with ${stackDepth(state) - 1} rule(s) open`);
}
console.log(`grammar scopes and regressions: ${passed} passed, ${failed} failed`);

// The corpus: for every nginx file that nginx's tokenizer reads to its end without an error (per the reference
// reader), the grammar must end at the top level, and at the start of every line that nginx sees between
// statements it must be inside as many blocks as nginx, with no statement, string or comment open.
const shared = process.env.PROXYLINT_SHARED ? resolve(process.env.PROXYLINT_SHARED) : new URL('../../../shared', import.meta.url).pathname;
const corpus = join(shared, 'corpus', 'nginx');
if (!existsSync(corpus)) {
  if (process.env.PROXYLINT_REQUIRE_SHARED === '1') check(false, `no corpus at ${corpus}, and PROXYLINT_REQUIRE_SHARED=1`);
  else console.log(`corpus check skipped: no ${corpus}`);
} else {
  const t0 = Date.now();
  const files = [];
  (function walk(dir) {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      statSync(p).isDirectory() ? walk(p) : files.push(p);
    }
  })(corpus);
  let balanced = 0;
  let openAtEnd = [];
  let linesChecked = 0;
  const lineMismatch = [];
  const probe = (state) => grammars['source.nginx'].tokenizeLine('', state).tokens[0].scopes;
  for (const file of files) {
    const text = readFileSync(file, 'utf8').replace(/\r\n/g, '\n');
    const ref = readNginx(text);
    if (!ref.ok) continue;
    balanced++;
    let state = tm.INITIAL;
    let firstBad = null;
    let bad = 0;
    text.split('\n').forEach((line, i) => {
      const at = ref.lines[i];
      if (at && at.between) {
        linesChecked++;
        const scopes = probe(state);
        const depth = scopes.filter((s) => s === 'meta.block.nginx').length;
        const open = scopes.filter((s) => /^(meta\.directive|meta\.block-directive|string|comment|meta\.embedded)/.test(s));
        if (depth !== at.depth || open.length) { bad++; firstBad ??= `line ${i + 1}: nginx depth ${at.depth}, grammar ${depth}${open.length ? ` in ${open.join(' ')}` : ''}`; }
      }
      state = grammars['source.nginx'].tokenizeLine(line, state).ruleStack;
    });
    const rel = relative(corpus, file);
    if (bad) lineMismatch.push(`${rel}: ${bad} line(s), first ${firstBad}`);
    if (stackDepth(state) !== 1) openAtEnd.push(`${rel}: ${stackDepth(state) - 1} rule(s) open at the end`);
  }
  console.log(`corpus: ${files.length} nginx files, ${balanced} read by nginx's tokenizer without an error; of those, ${openAtEnd.length} end with a grammar rule open, ${lineMismatch.length} have lines (${linesChecked} checked) where the grammar's block depth or open statement differs from nginx's (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  for (const l of openAtEnd.slice(0, 20)) console.log(`  open at end: ${l}`);
  for (const l of lineMismatch.slice(0, 20)) console.log(`  line state: ${l}`);
  check(openAtEnd.length === 0, `corpus: ${openAtEnd.length} balanced nginx file(s) end with a grammar rule open`);
  check(lineMismatch.length === 0, `corpus: ${lineMismatch.length} balanced nginx file(s) where a line starts in the wrong grammar state`);
}

// language-configuration: the word a double-click selects (VS Code runs wordPattern with the g flag and takes the
// match around the cursor), and the lines after which Enter indents.
const langConf = (name) => JSON.parse(readFileSync(new URL(`${name}.language-configuration.json`, syntaxes), 'utf8'));
const wordAt = (pattern, line, col) => {
  const re = new RegExp(pattern, 'g');
  for (const m of line.matchAll(re)) if (m.index <= col && col < m.index + m[0].length) return m[0];
  return null;
};
const languageConfig = {
  nginx: {
    words: [
      ['    proxy_read_timeout 1m30s;', ['proxy_read_timeout', '1m30s']],
      ['    server 127.0.0.1:9000 max_fails=3;', ['127.0.0.1:9000', 'max_fails']],
      ['    proxy_pass http://my-backend;', ['my-backend', 'http']],
      ['    add_header X-Upstream $upstream_addr;', ['$upstream_addr', 'X-Upstream']],
      ['    proxy_pass http://${backend_host}:8080;', ['${backend_host}']],
    ],
    indent: [
      ['server {', true], ['    location / { # don\'t cache', true], ['    location ~* (?:#.*#|\\.(?:bak|conf)|~)$ {', true],
      ['    content_by_lua_block {', true], ['    if ($http_x = "{") {', true],
      ['    location / { return 204; }', false], ['http {}', false], ['    # server {', false], ['    listen 80; # see {', false],
      ['    proxy_pass http://${backend_host}:8080;', false],
    ],
  },
  apacheconf: {
    words: [
      ['    ProxyPass "/app" "http://127.0.0.1:9000/" retry=0', ['127.0.0.1:9000', 'retry']],
      ['    Header set X-Host %{HTTP_HOST}e', ['%{HTTP_HOST}']],
      ['    Define backend-host ${APACHE_HOST}', ['backend-host', '${APACHE_HOST}']],
      ['    ProxyTimeout 1m30s', ['ProxyTimeout', '1m30s']],
    ],
    indent: [
      ['<VirtualHost *:80>', true], ['<If "%{X} > 1">', true], ['    <If "%{HTTP_HOST} == \'a>b\'">', true],
      ['</VirtualHost>', false], ['    ProxyPass / http://b/', false],
    ],
  },
};
for (const [lang, { words, indent }] of Object.entries(languageConfig)) {
  const conf = langConf(lang);
  for (const [line, wanted] of words) {
    for (const word of wanted) {
      const at = line.indexOf(word);
      for (const col of [at, at + Math.floor(word.length / 2), at + word.length - 1]) {
        const got = wordAt(conf.wordPattern, line, col);
        check(got === word, `${lang} wordPattern: at ${col} in ${JSON.stringify(line)} the word should be ${word}, is ${got}`);
      }
    }
  }
  const inc = new RegExp(conf.indentationRules.increaseIndentPattern);
  for (const [line, want] of indent) check(inc.test(line) === want, `${lang} increaseIndentPattern: ${JSON.stringify(line)} should ${want ? '' : 'not '}indent the next line`);
}

// Apache: nothing runs over lines but a line continuation, so a line starts at the top level exactly when the line
// before it does not end in a backslash (httpd 2.4: even a comment line goes on; see the G5 regression).
const apacheCorpus = join(shared, 'corpus', 'apache');
if (existsSync(apacheCorpus)) {
  const t0 = Date.now();
  const files = [];
  (function walk(dir) {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      statSync(p).isDirectory() ? walk(p) : files.push(p);
    }
  })(apacheCorpus);
  const bad = [];
  let lines = 0;
  for (const file of files) {
    const text = readFileSync(file, 'utf8').replace(/\r\n/g, '\n');
    let state = tm.INITIAL;
    let continued = false;
    let first = null;
    let count = 0;
    text.split('\n').forEach((line, i) => {
      lines++;
      const top = stackDepth(state) === 1;
      if (top === continued) { count++; first ??= `line ${i + 1}: ${continued ? 'continues the line before, grammar at the top level' : 'starts a new line, grammar has a rule open'}`; }
      state = grammars['source.apacheconf'].tokenizeLine(line, state).ruleStack;
      continued = line.endsWith('\\');
    });
    if (count) bad.push(`${relative(apacheCorpus, file)}: ${count} line(s), first ${first}`);
  }
  console.log(`corpus: ${files.length} Apache files, ${lines} lines; ${bad.length} file(s) where a line's grammar state does not follow httpd's line continuation (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  for (const l of bad.slice(0, 20)) console.log(`  ${l}`);
  check(bad.length === 0, `corpus: ${bad.length} Apache file(s) where a line's grammar state does not follow httpd's line continuation`);
}

console.log(`grammar: ${passed} passed, ${failed} failed`);
console.log(`${failed ? 0 : 1} passed, ${failed ? 1 : 0} failed`);
process.exit(failed ? 1 : 0);
