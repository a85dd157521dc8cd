import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseNginx } from '../../server/src/core/syntax/nginx/parser';
import { NGINX_PARSE_OPTIONS } from '../../server/src/core/model/nginx-tree';
import { LineIndex } from '../../server/src/core/text';
import type { Directive } from '../../server/src/core/syntax/nginx/ast';
import { seededRandom } from '../helpers';

const parse = (text: string) => parseNginx(text, NGINX_PARSE_OPTIONS);
const lineOf = (text: string, offset: number) => new LineIndex(text).positionAt(offset).line + 1;
const names = (ds: Directive[]): string[] => ds.map((d) => d.name);

test('directives, args, blocks and comments carry exact offsets', () => {
  const text = 'http {\n  # hello\n  server { listen 127.0.0.1:80; }\n}\n';
  const ast = parse(text);
  assert.deepEqual(ast.problems, []);
  const http = ast.directives[0];
  assert.equal(http.name, 'http');
  assert.equal(text.slice(http.start, http.end), text.trimEnd());
  const server = http.block!.children[0];
  assert.equal(server.parent, http);
  const listen = server.block!.children[0];
  assert.equal(text.slice(listen.start, listen.end), 'listen 127.0.0.1:80;');
  assert.equal(text.slice(listen.args[0].start, listen.args[0].end), '127.0.0.1:80');
  assert.equal(ast.comments.length, 1);
  assert.equal(ast.comments[0].text, ' hello');
  assert.equal(text.slice(ast.comments[0].start, ast.comments[0].end), '# hello');
});

test('quoted arguments keep raw text and unescape like nginx', () => {
  const text = `add_header X "a \\"b\\" {;#}" 'c\\'d';\nreturn 200 "x\\ty\\nz";\nset $a \\;b;\n`;
  const ast = parse(text);
  assert.deepEqual(ast.problems, []);
  const [h, r, s] = ast.directives;
  assert.equal(h.args[1].value, 'a "b" {;#}');
  assert.equal(h.args[1].quote, '"');
  assert.equal(h.args[1].raw, '"a \\"b\\" {;#}"');
  assert.equal(h.args[2].value, "c'd");
  assert.equal(r.args[1].value, 'x\ty\nz');
  // nginx unescapes only quotes, backslash, \t, \r and \n; any other backslash stays.
  assert.equal(s.args[1].value, '\\;b');
});

test('${var} stays one word, and } or # inside a word are ordinary characters', () => {
  const ast = parse('rewrite ^ https://${server_name}$1 permanent;\nset $x a#b}c;\n');
  assert.deepEqual(ast.problems, []);
  assert.equal(ast.directives[0].args[1].value, 'https://${server_name}$1');
  assert.equal(ast.directives[1].args[1].value, 'a#b}c');
  assert.equal(ast.comments.length, 0);
});

test('if (...) conditions, map/geo/types blocks and CRLF/tabs parse cleanly', () => {
  const text = 'map $http_upgrade $c {\r\n\tdefault upgrade;\r\n\t"" close;\r\n}\r\nserver {\r\n\tif ($request_method = POST) { return 405; }\r\n\ttypes { text/html html; }\r\n}\r\n';
  const ast = parse(text);
  assert.deepEqual(ast.problems, []);
  assert.deepEqual(names(ast.directives[0].block!.children), ['default', '']);
  const iff = ast.directives[1].block!.children[0];
  assert.deepEqual(iff.args.map((a) => a.value), ['($request_method', '=', 'POST)']);
  assert.equal(lineOf(text, iff.start), 6);
});

test('*_by_lua_block bodies are opaque, braces in Lua strings and comments do not count', () => {
  const text = 'location / {\n  content_by_lua_block {\n    local t = { a = "}" } -- }\n    ngx.say([[ { ]])\n  }\n  return 200;\n}\n';
  const ast = parse(text);
  assert.deepEqual(ast.problems, []);
  const loc = ast.directives[0];
  assert.deepEqual(names(loc.block!.children), ['content_by_lua_block', 'return']);
  assert.equal(loc.block!.children[0].block!.opaque, true);
  assert.equal(loc.block!.children[0].block!.children.length, 0);
});

test('recovers from a missing ";" before "}" and keeps later directives', () => {
  const text = 'location / {\n    proxy_pass http://a\n}\nlocation /b { return 204; }\n';
  const ast = parse(text);
  assert.equal(ast.problems.length, 1);
  assert.match(ast.problems[0].message, /missing ";" before "}"/);
  assert.equal(lineOf(text, ast.problems[0].start), 2);
  assert.deepEqual(names(ast.directives), ['location', 'location']);
  assert.equal(ast.directives[0].block!.children[0].terminated, false);
});

test('recovers from a missing ";" when the next line starts a directive at the same indentation', () => {
  const text = 'server {\n    proxy_pass http://a\n    proxy_read_timeout 5s;\n    add_header X-Frame-Options\n        deny;\n}\n';
  const ast = parse(text);
  assert.equal(ast.problems.length, 1, JSON.stringify(ast.problems));
  assert.equal(lineOf(text, ast.problems[0].start), 2);
  const kids = ast.directives[0].block!.children;
  assert.deepEqual(names(kids), ['proxy_pass', 'proxy_read_timeout', 'add_header']);
  // A deeper-indented continuation line is an argument, as nginx reads it.
  assert.deepEqual(kids[2].args.map((a) => a.value), ['X-Frame-Options', 'deny']);
});

test('a missing ";" that nginx accepts (the next line becomes arguments) is flagged as probable, not as a syntax error', () => {
  const text = 'server {\n    server_name a.example\n    listen 127.0.0.1:80;\n}\n';
  const ast = parse(text);
  assert.equal(ast.problems.length, 1);
  assert.equal(ast.problems[0].kind, 'probable-missing-semicolon');
  assert.equal(lineOf(text, ast.problems[0].start), 2);
  // proxy_pass takes one argument: nginx rejects the joined line, so that one stays a real syntax error.
  assert.equal(parse('server {\n    proxy_pass http://a\n    proxy_read_timeout 5s;\n}\n').problems[0].kind, undefined);
});

test('a block directive without "{" is named as such', () => {
  const ast = parse('location /a\n    return 200;\n');
  assert.match(ast.problems[0].message, /"location" needs a "\{ \.\.\. \}" block/);
});

test('unbalanced braces: stray "}" and unclosed block at end of file', () => {
  const stray = 'events {}\n}\n';
  const p1 = parse(stray);
  assert.equal(p1.problems.length, 1);
  assert.match(p1.problems[0].message, /unexpected "}"/);
  assert.equal(lineOf(stray, p1.problems[0].start), 2);

  const open = 'http {\n  server {\n    listen 80;\n';
  const p2 = parse(open);
  assert.equal(p2.problems.length, 2);
  for (const p of p2.problems) {
    assert.match(p.message, /unexpected end of file, expecting "}"/);
    assert.equal(p.start, open.length);
  }
  assert.deepEqual(p2.problems.map((p) => lineOf(open, p.related!.start)).sort(), [1, 2]);
});

test('unterminated quote is reported at the quote, recovered at the end of its line, and nginx\'s EOF line is related', () => {
  const text = 'server {\n    add_header X "abc;\n    return 200;\n}\n';
  const ast = parse(text);
  const q = ast.problems.find((p) => /unterminated/.test(p.message))!;
  assert.ok(q);
  assert.equal(lineOf(text, q.start), 2);
  assert.equal(q.related!.start, text.length);
  // The rest of the file is still understood.
  assert.ok(names(ast.directives[0].block!.children).includes('return'));
});

test('a character right after a closing quote is an error, ")" is allowed', () => {
  assert.match(parse('a "x"b;').problems[0].message, /unexpected "b" right after a quoted string/);
  assert.deepEqual(parse('if ($a = "x") { }').problems, []);
});

test('"{" inside a map entry is an error, as nginx reports it', () => {
  const text = 'map $a $b {\n    ~^x{1,5}$ 1;\n}\n';
  const ast = parse(text);
  assert.ok(ast.problems.some((p) => /unexpected "\{"/.test(p.message) && lineOf(text, p.start) === 2));
});

test('half-typed lines at the end of the file become directives plus one problem', () => {
  const text = 'http {\n  server {\n    proxy_rea';
  const ast = parse(text);
  const names2 = names(ast.directives[0].block!.children[0].block!.children);
  assert.deepEqual(names2, ['proxy_rea']);
  assert.ok(ast.problems.some((p) => /expecting ";" or "}"/.test(p.message)));
});

test('never throws on hostile input and every problem lies inside the text', () => {
  const samples = ['', '{', '}', ';;;', '"', "'", '\\', '${', '#', '{{{{', '}}}}', 'a "b\\', '\u0000\u0001\uffff', 'x'.repeat(10000), '{'.repeat(5000) + '}'.repeat(4000)];
  const rnd = seededRandom(7);
  const alphabet = ' \t\n\r;{}"\'#$\\abc()';
  for (let k = 0; k < 300; k++) samples.push(Array.from({ length: 1 + Math.floor(rnd() * 80) }, () => alphabet[Math.floor(rnd() * alphabet.length)]).join(''));
  for (const s of samples) {
    const ast = parse(s);
    for (const p of ast.problems) assert.ok(p.start >= 0 && p.end <= s.length && p.start <= p.end, JSON.stringify({ s, p }));
  }
});

test('LineIndex.offsetAt: a character past the end of a line stays on that line (LF, CRLF, lone CR, last line)', () => {
  for (const eol of ['\n', '\r\n', '\r']) {
    const text = `events {}${eol}http {}${eol}`;
    const li = new LineIndex(text);
    assert.equal(li.offsetAt({ line: 0, character: 500 }), 9, JSON.stringify(eol));
    assert.equal(li.offsetAt({ line: 1, character: 500 }), 9 + eol.length + 7, JSON.stringify(eol));
    assert.equal(li.offsetAt({ line: 2, character: 5 }), text.length);
  }
  assert.equal(new LineIndex('a;').offsetAt({ line: 0, character: 99 }), 2);
});

test('an unterminated quote is the only problem: the statement it opens ends with its line, not at the next "}" or directive', () => {
  // nginx 1.22.1 reads the quote to the end of the file and reports only "unexpected end of file": the "}" and the
  // directive on the next lines are inside the string for it, so no 'missing ";"' is reported at them.
  for (const text of [
    'http {\n    server {\n        location / {\n            proxy_pass "http://app\n        }\n    }\n}\n',
    'server {\n    add_header X "abc;\n    return 200;\n}\n',
    "server {\n    return 200 'abc\n}\n",
  ]) {
    const ast = parse(text);
    assert.deepEqual(ast.problems.map((p) => p.message), [`unterminated ${text.includes("'abc") ? 'single' : 'double'}-quoted string: nginx reads to the end of the file and stops there`], text);
  }
});

test('a "server" line of an upstream block that lacks its ";" is not said to need a "{ ... }" block', () => {
  // nginx 1.22.1 reads "server 127.0.0.1: keepalive 8;" as one server line: 'invalid parameter "keepalive"'. In an
  // upstream block "server" is an address line, not the http/stream server block.
  const text = 'http {\n    upstream app {\n        server 127.0.0.1:9001;\n        server 127.0.0.1:\n        keepalive 8;\n    }\n}\n';
  const ast = parse(text);
  assert.ok(ast.problems.length > 0);
  for (const p of ast.problems) assert.doesNotMatch(p.message, /needs a "\{ \.\.\. \}" block/, p.message);
  assert.equal(lineOf(text, ast.problems[0].start), 4);
  // The http server block still needs its block.
  assert.match(parse('http {\n    server example\n    keepalive_timeout 5s;\n}\n').problems[0].message, /"server" needs a "\{ \.\.\. \}" block here/);
});
