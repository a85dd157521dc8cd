// A UTF-8 byte-order mark at the start of a configuration file stops nginx: it reads the mark as part of the first
// word. utf8-bom-at-file-start quotes the directive nginx will call unknown; this writes the mark for real (the file
// reader keeps it out of the text), in the main file and in an included one, and runs the real nginx -t.
// proxylint-test: untimed
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { lintNginx } from '../../server/src/core/lint';
import { defaultSettings } from '../../server/src/core/settings';
import { createNodeHost, readConfigFile } from '../../server/src/node/node-host';
import { nginxTest, requireBinary, tempTree } from '../helpers';

requireBinary('nginx');

const RULE = 'utf8-bom-at-file-start';
const BOM = '\ufeff';

/** The finding's one message, and the directive name it says nginx -t will call unknown. */
function finding(confPath: string, expectedFile: string): { message: string; word: string } {
  const r = readConfigFile(confPath);
  assert.ok(r.ok);
  const found = lintNginx(confPath, r.text, createNodeHost(), { settings: defaultSettings() }).findings.filter((f) => f.ruleId === RULE);
  assert.equal(found.length, 1, found.map((f) => f.message).join('\n'));
  assert.equal(found[0].path, expectedFile);
  const word = /nginx -t says unknown directive "(.*?)", with the invisible mark/.exec(found[0].message)?.[1];
  assert.ok(word !== undefined, found[0].message);
  return { message: found[0].message, word };
}

test('a BOM at the start of the main file or an included one stops nginx -t at the directive the finding names (real nginx -t)', () => {
  const firstLines = ['worker_processes 1;', '# a comment first', '', '"worker_processes" 1;', 'events{}'];
  for (const first of firstLines) {
    const rest = first.startsWith('events') ? 'http { include inc.conf; }\n' : 'events {}\nhttp { include inc.conf; }\n';
    // In the main file.
    const main = tempTree({ 'nginx.conf': Buffer.from(BOM + first + '\n' + rest), 'inc.conf': 'proxy_read_timeout 30s;\n' });
    try {
      const conf = join(main.dir, 'nginx.conf');
      const { word, message } = finding(conf, conf);
      const t = nginxTest(main.dir, conf);
      assert.ok(!t.ok, `nginx -t accepted a BOM before ${JSON.stringify(first)}`);
      assert.ok(t.output.includes(`unknown directive "${BOM}${word}"`), `nginx said:\n${t.output}\nthe finding: ${message}`);
      if (first.startsWith('#')) assert.match(message, /no comment/);
    } finally {
      main.cleanup();
    }
    if (first.startsWith('events') || first.startsWith('worker')) continue;
    // In a file included inside http {}.
    const inc = tempTree({ 'nginx.conf': 'events {}\nhttp { include inc.conf; }\n', 'inc.conf': Buffer.from(BOM + first + '\nproxy_read_timeout 30s;\n') });
    try {
      const conf = join(inc.dir, 'nginx.conf');
      const { word, message } = finding(conf, join(inc.dir, 'inc.conf'));
      const t = nginxTest(inc.dir, conf);
      assert.ok(!t.ok);
      assert.ok(t.output.includes(`unknown directive "${BOM}${word}"`) && t.output.includes('inc.conf'), `nginx said:\n${t.output}\nthe finding: ${message}`);
    } finally {
      inc.cleanup();
    }
  }
});

test('without the mark the same files pass nginx -t and the rule is silent (false-positive guard)', () => {
  const tree = tempTree({ 'nginx.conf': '# a comment first\nevents {}\nhttp { include inc.conf; }\n', 'inc.conf': `# a mark inside a comment is only a character: ${BOM}\nproxy_read_timeout 30s;\n` });
  try {
    const conf = join(tree.dir, 'nginx.conf');
    const r = readConfigFile(conf);
    assert.ok(r.ok);
    assert.deepEqual(lintNginx(conf, r.text, createNodeHost(), { settings: defaultSettings() }).findings.filter((f) => f.ruleId === RULE), []);
    const t = nginxTest(tree.dir, conf);
    assert.ok(t.ok, t.output);
  } finally {
    tree.cleanup();
  }
});

test('in a map or types block the marked first word is a key: reported exactly where nginx -t fails (real nginx -t)', () => {
  // [block, first bytes of the included file after the mark]: nginx 1.22.1 accepts a map whose first statement is a
  // key and a value, and any types statement; a comment or blank line first, or `hostnames;`, breaks the map.
  const cases: [string, string][] = [
    ['map $host $x', 'example.com 1;\n'],
    ['map $host $x', '\nexample.com 1;\n'],
    ['map $host $x', '# keys\nexample.com 1;\n'],
    ['map $host $x', 'hostnames;\nexample.com 1;\n'],
    ['types', 'text/html html;\n'],
    ['types', '# types\ntext/html html;\n'],
    ['types', 'html;\n'],
    // geo parses its keys as networks: "invalid network"; a comment first makes the statement too long.
    ['geo $g', '10.0.0.0/8 1;\n'],
    ['geo $g', '# nets\n10.0.0.0/8 1;\n'],
  ];
  for (const [block, body] of cases) {
    const t = tempTree({ 'nginx.conf': `events {}\nhttp {\n    ${block} {\n        include inc.conf;\n    }\n}\n`, 'inc.conf': Buffer.from(BOM + body) });
    try {
      const conf = join(t.dir, 'nginx.conf');
      const r = readConfigFile(conf);
      assert.ok(r.ok);
      const all = lintNginx(conf, r.text, createNodeHost(), { settings: defaultSettings() }).findings.filter((f) => f.ruleId === RULE);
      // Errors say nginx will not start; a map that starts gets a warning instead (its first key never matches:
      // nginx-bom-map-key.test.ts), a types block nothing.
      const found = all.filter((f) => f.severity === 'error');
      const real = nginxTest(t.dir, conf);
      assert.equal(all.length - found.length, real.ok && block.startsWith('map') ? 1 : 0, `${block} { ${JSON.stringify(body)} }: ${all.map((f) => f.message).join('\n')}`);
      assert.equal(found.length === 1, !real.ok, `${block} { ${JSON.stringify(body)} }: nginx -t ${real.ok ? 'passed' : 'failed'}, the rule ${found.length ? 'reported' : 'did not'}\n${real.output}`);
      if (found.length === 1) {
        // The message quotes what nginx -t says in that block: a phrase of its own ("invalid number of the map
        // parameters"), or a phrase and the marked word (unknown directive / invalid network "\uFEFF…").
        const said = /nginx -t says (?:"([^"]+)"|([a-z ]+) "([^"]*)")/.exec(found[0].message);
        assert.ok(said, found[0].message);
        const words = said[1] ?? `${said[2]} "${BOM}${said[3]}"`;
        assert.ok(real.output.includes(words), `${block} { ${JSON.stringify(body)} }: the finding says nginx -t says ${JSON.stringify(words)}; nginx said:\n${real.output}`);
      }
    } finally {
      t.cleanup();
    }
  }
});
