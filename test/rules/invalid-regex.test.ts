// invalid-regex against the real nginx -t (1.22.1, PCRE2 10.42): every line bad.conf marks, kept alone, makes nginx
// fail at that line with the pcre2_compile() words the finding quotes; ok.conf, full of PCRE2 syntax JavaScript would
// refuse, passes. And the pattern check itself, compared with nginx on random patterns: it may miss an error, but it
// must never claim one nginx does not have, and when both see one they must name the same.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { checkPcre } from '../../server/src/core/model/pcre-check';
import { moveMisplacedHyphens } from '../../server/src/core/model/pcre-hyphen-fix';
import { assertOneFindingQuoting, eachMarkedLineAlone, lintText, nginxTest, nginxTestText, seededRandom, tempTree } from '../helpers';
import { fixtureDir } from './rule-harness';

const ID = 'invalid-regex';
const dir = fixtureDir({ server: 'nginx', id: ID } as never);
const bad = readFileSync(join(dir, 'bad.conf'), 'utf8');

test(`${ID}: each marked line alone makes nginx -t fail there with the words the finding quotes`, () => {
  const cases = eachMarkedLineAlone(bad, ID);
  assert.equal(cases.length, 12);
  for (const { line, text } of cases) {
    const t = nginxTestText(text);
    const m = /\[emerg\] (pcre2_compile\(\) failed: .*? in ".*?")(?: at "[^"]*")? in \S+?:(\d+)\n/.exec(t.output);
    assert.ok(m, `line ${line}: ${t.output}`);
    assert.equal(Number(m[2]), line, t.output);
    assertOneFindingQuoting(text, ID, line, m[1]);
  }
});

test(`${ID}: ok.conf passes nginx -t`, () => {
  const t = nginxTestText(readFileSync(join(dir, 'ok.conf'), 'utf8'));
  assert.ok(t.ok, t.output);
});

test(`${ID}: the pattern check never claims an error nginx does not have (random patterns, fixed seed)`, () => {
  const pieces = ['a', 'b', '(', ')', '[', ']', '*', '+', '?', '{2}', '{2,1}', '{1,}', '|', '^', '$', '\\d', '\\w', '\\b', '\\1', '\\.', '-', 'z', '(?:', '(?i)', '(?<n>', '(?=', '(?!', '[:alpha:]', '.', '{', '}', ',', '\\Q', '\\E', '(?#x)', 'A', '%', '*+', '+?', '[a-', '\\p{L}', '[.a.]', '(*UTF)', '(*', '\\k<n>', '(?P=n)', '(?1)', '[^', '\\-', '\\]', '[.-', '[=', '.]'];
  const rnd = seededRandom(20261123);
  const patterns = new Set<string>();
  while (patterns.size < Number(process.env.PCRE_CASES ?? 300)) {
    let s = '';
    for (let n = 1 + Math.floor(rnd() * 6); n > 0; n--) s += pieces[Math.floor(rnd() * pieces.length)];
    patterns.add(s);
  }
  const tree = tempTree({ 'nginx.conf': '' });
  try {
    let both = 0;
    for (const p of patterns) {
      // Quoted, with nginx's own escapes, so that "{" and ";" stay inside the argument.
      const conf = `events {}\nhttp {\n    server {\n        listen 127.0.0.1:18510;\n        location ~ "${p.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}" { return 200; }\n    }\n}\n`;
      const file = join(tree.dir, 'nginx.conf');
      writeFileSync(file, conf);
      const t = nginxTest(tree.dir, file);
      const m = /pcre2_compile\(\) failed: (.*?) in "/.exec(t.output);
      assert.ok(t.ok || m, `${p}: ${t.output}`);
      const mine = checkPcre(p);
      if (mine) {
        assert.ok(m, `claimed "${mine.message}" for ${JSON.stringify(p)}, which nginx accepts`);
        assert.equal(mine.message, m[1], JSON.stringify(p));
        both++;
      }
    }
    // The check must find a fair share of the errors, or this test proves nothing.
    assert.ok(both > patterns.size / 4, `only ${both} errors found`);
  } finally {
    tree.cleanup();
  }
});

test(`${ID}: the settings a pattern may start with are those PCRE2 takes, and any other (*NAME) is left to PCRE2's own words`, () => {
  const check = (p: string) => {
    const conf = `events {}\nhttp {\n    server {\n        listen 127.0.0.1:18510;\n        location ~ "${p}" { return 200; }\n    }\n}\n`;
    const t = nginxTestText(conf);
    return { ok: t.ok, says: /pcre2_compile\(\) failed: (.*?) in "/.exec(t.output)?.[1] ?? t.output, mine: checkPcre(p)?.message };
  };
  const known = ['UTF', 'UTF8', 'UCP', 'NO_AUTO_POSSESS', 'NO_DOTSTAR_ANCHOR', 'NO_JIT', 'NO_START_OPT', 'NOTEMPTY', 'NOTEMPTY_ATSTART', 'CR', 'LF', 'CRLF', 'ANYCRLF', 'ANY', 'NUL', 'BSR_ANYCRLF', 'BSR_UNICODE', 'LIMIT_HEAP=5', 'LIMIT_MATCH=10', 'LIMIT_DEPTH=5', 'LIMIT_RECURSION=5'];
  for (const name of known) {
    const a = check(`(*${name})a`);
    assert.ok(a.ok, `${name}: ${a.says}`);
    assert.equal(a.mine, undefined, name);
    // Nothing before the quantifier to repeat: the setting is not an item.
    const r = check(`(*${name})*`);
    assert.equal(r.says, 'quantifier does not follow a repeatable item', name);
    assert.equal(r.mine, r.says, name);
  }
  // Found by the random patterns above: an unknown name, a lower-case one or one that is not closed at once is refused
  // with PCRE2's own words, which the check does not model; it must not put "nothing to repeat" in their place.
  for (const p of ['(*FOO)*', '(*b(?P=n)*+', '(*utf)*', '(*LIMIT_MATCH=x)*', 'a(*UTF)*']) {
    const r = check(p);
    assert.ok(!r.ok && /not recognized/.test(r.says), `${p}: ${r.says}`);
    assert.equal(r.mine, undefined, p);
  }
});

test(`${ID}: a regex nginx never gets to compile is left to the rule that says why`, () => {
  const server = (line: string) => `events {}\nhttp {\n    server {\n        listen 127.0.0.1:18510;\n        ${line}\n    }\n}\n`;
  for (const [line, other] of [
    // In a map, the unquoted "{" ends the key and nginx stops at it: unexpected "{" (syntax-error).
    ['}\n    map $http_origin $o {\n        ~^https://(www\\.)?example\\.com(:[0-9]{1,5})?$ $http_origin;\n    }\n    server {', 'syntax-error'],
    // An unquoted space splits the regex: nginx counts the arguments first (invalid-number-of-arguments).
    ['location / { rewrite ^/a/([a-z] +) /b?x=$1 last; }', 'invalid-number-of-arguments'],
  ]) {
    const text = server(line);
    const t = nginxTestText(text);
    assert.ok(!t.ok && !t.output.includes('pcre2_compile'), t.output);
    const ids = lintText(text).findings.map((f) => f.ruleId);
    assert.ok(!ids.includes(ID), `${line}: ${ids.join(', ')}`);
    assert.ok(ids.includes(other), `${line}: ${ids.join(', ')}`);
  }
});

test(`${ID}: in a location, nginx compiles what an unquoted "{" leaves of the regex, and the finding names the "{"`, () => {
  const text = 'events {}\nhttp {\n    server {\n        listen 127.0.0.1:18510;\n        location ~ ^/(x{2}$ { return 200; }\n    }\n}\n';
  assert.match(nginxTestText(text).output, /pcre2_compile\(\) failed: missing closing parenthesis in "\^\/\(x"/);
  const found = lintText(text).findings.filter((f) => f.ruleId === ID);
  assert.equal(found.length, 1);
  assert.match(found[0].message, /missing closing parenthesis in "\^\/\(x" — the unquoted "\{"/);
});

test(`${ID}: the hyphen fix repairs only what nginx refuses, nginx accepts the repair, and Perl reads both alike (random classes, fixed seed)`, () => {
  // Perl reads a "-" next to \w, [:alpha:] and the like as a literal hyphen (as PCRE did before it grew strict):
  // the repaired pattern must match exactly the strings the original matches under that reading.
  const items = ['\\w', '\\d', '\\s', '\\W', '[:alpha:]', '[:digit:]', '\\p{L}', '-', '-', '-', '-', '.', 'a', 'z', '_', '\\.', '\\-', '\\]', '/', 'a-f', '0-9', '[', ':', '!'];
  const rnd = seededRandom(20261124);
  const pick = <T>(a: T[]) => a[Math.floor(rnd() * a.length)];
  const pairs = new Map<string, string>();
  for (let tries = 0; pairs.size < Number(process.env.HYPHEN_CASES ?? 150) && tries < 20000; tries++) {
    let p = '';
    for (let k = 1 + Math.floor(rnd() * 2); k > 0; k--) {
      p += '[' + (rnd() < 0.2 ? '^' : '');
      for (let n = 1 + Math.floor(rnd() * 4); n > 0; n--) p += pick(items);
      p += ']';
    }
    const fixed = moveMisplacedHyphens(p);
    if (fixed !== undefined) pairs.set(p, fixed);
  }
  assert.ok(pairs.size >= 100, `only ${pairs.size} repairs`);
  const tree = tempTree({ 'nginx.conf': '', 'pairs.txt': [...pairs].map(([a, b]) => `${a}\t${b}\n`).join('') });
  try {
    const file = join(tree.dir, 'nginx.conf');
    const conf = (p: string) => `events {}\nhttp {\n    server {\n        listen 127.0.0.1:18510;\n        location ~ "^${p.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}$" { return 200; }\n    }\n}\n`;
    for (const [p, fixed] of pairs) {
      writeFileSync(file, conf(p));
      assert.match(nginxTest(tree.dir, file).output, /invalid range in character class/, p);
      writeFileSync(file, conf(fixed));
      const t = nginxTest(tree.dir, file);
      assert.ok(t.ok, `${p} → ${fixed}: ${t.output}`);
    }
    // Every string of one or two characters from a set that meets each item: the same answer for both patterns.
    const perl = String.raw`
      no warnings;
      my @c = ('-', '.', '_', 'a', 'f', 'g', 'z', 'A', '0', '9', '/', ']', '[', ':', '\\', ' ', '!', "\t");
      my @s = (@c, map { my $x = $_; map { $x . $_ } @c } @c);
      open(my $f, '<', $ARGV[0]) or die;
      while (my $l = <$f>) {
        chomp $l; my ($a, $b) = split /\t/, $l;
        my ($ra, $rb) = (qr/^(?:$a)$/, qr/^(?:$b)$/);
        for my $s (@s) { if (($s =~ $ra) != ($s =~ $rb)) { print "$a | $b | '$s'\n"; last } }
      }`;
    const r = spawnSync('perl', ['-e', perl, join(tree.dir, 'pairs.txt')], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, '', 'the repair changes what these match (original | repaired | string)');
  } finally {
    tree.cleanup();
  }
});

test(`${ID}: no fix where the reading is not certain or another error remains`, () => {
  for (const p of ['[\\w--z]', '[a--\\w]', '[\\w-.](', '[\\w-.][z-a]', '(?x)[\\w-.]', '[\\w-\\x41]', '^/[a-z]+$', '[\\w-]', '[\\w.-]'])
    assert.equal(moveMisplacedHyphens(p), undefined, p);
  // A pattern nginx reads with escapes of its own ("\\" in quotes) is not edited: the offsets would not be the pattern's.
  const quoted = 'events {}\nhttp {\n    server {\n        listen 127.0.0.1:18510;\n        location ~ "^/[\\w-.]+\\\\.x$" { return 200; }\n    }\n}\n';
  const found = lintText(quoted).findings.filter((f) => f.ruleId === ID);
  assert.equal(found.length, 1);
  assert.equal(found[0].fix, undefined);
});
