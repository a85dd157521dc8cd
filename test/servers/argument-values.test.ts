// invalid-argument-value against the real `nginx -t` (Debian nginx 1.22.1 with its stream module). The rule takes the
// switches and the time directives from the reference table (nginx-directives.json) and the *_next_upstream keywords
// from its own lists; this test is what shows they say what nginx does: for every switch and time directive this nginx
// knows, in a block the table allows it in, and for every keyword in each module's *_next_upstream, nginx refuses a
// word exactly when proxylint reports it, on that line, in nginx's words.
// proxylint-test: untimed
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allNginxDirectiveNames, nginxDirective } from '../../server/src/core/model/nginx-directives';
import { parseVersion } from '../../server/src/core/model/version';
import { UNCHECKED_TIMES } from '../../server/src/core/rules/nginx/invalid-argument-value';
import { lintText, requireBinary } from '../helpers';
import { nginxTRunner, pool as poolOf, STREAM_MODULE } from './harness/nginx-t';

/** The blocks a line can be tried in, by the reference's names for them. */
const SLOTS = ['main', 'events', 'http', 'server', 'location', 'upstream', 'stream', 'stream-server'] as const;
type Slot = (typeof SLOTS)[number];

/** A whole configuration with `line` in `slot`; the line's number is returned with it. */
function config(slot: Slot, line: string): { text: string; line: number } {
  const at = (s: Slot) => (s === slot ? ` ${line} ` : ' ');
  const text = [
    `load_module ${STREAM_MODULE};`,
    at('main'),
    `events {${at('events')}}`,
    'http {',
    at('http'),
    `    upstream hu { server 127.0.0.1:2;${at('upstream')}}`,
    '    server { listen 127.0.0.1:1;',
    at('server'),
    '        location / {',
    at('location'),
    '            proxy_pass http://hu;',
    '        }',
    '    }',
    '}',
    'stream {',
    at('stream'),
    `    upstream su { server 127.0.0.1:3; }`,
    `    server { listen 127.0.0.1:4; proxy_pass su;${at('stream-server')}}`,
    '}',
    '',
  ].join('\n');
  return { text, line: text.split('\n').findIndex((l) => l.includes(line)) + 1 };
}

const { nginxT, cleanup } = nginxTRunner('values');
/** Runs the jobs 2 at a time (two cores here). */
const pool = <T>(jobs: (() => Promise<T>)[]) => poolOf(jobs, 2);

/** proxylint's invalid-argument-value messages on the case's line, the target being this nginx. */
function reported(slot: Slot, line: string): string[] {
  const c = config(slot, line);
  const r = lintText(c.text, { settings: (s) => (s.nginx.version = parseVersion('1.22.1')) });
  return r.findings.filter((f) => f.ruleId === 'invalid-argument-value' && r.at(f).line === c.line).map((f) => f.message);
}

/** The `[emerg]` text of nginx's output, without " in <file>:<line>". */
const emerg = (out: string) => /\[emerg\] (.*) in \S+:\d+/.exec(out)?.[1];

interface Case {
  slot: Slot;
  line: string;
}
interface Verdict extends Case {
  out: string;
  refused: string | undefined;
  messages: string[];
}

async function judge(cases: Case[]): Promise<Verdict[]> {
  const outs = await pool(cases.map((c) => () => nginxT(config(c.slot, c.line).text)));
  return cases.map((c, k) => ({ ...c, out: outs[k], refused: emerg(outs[k]), messages: reported(c.slot, c.line) }));
}

/** Where nginx and proxylint disagree: nginx refuses and proxylint is silent or uses other words, or the reverse. */
function disagreements(verdicts: Verdict[]): string[] {
  const out: string[] = [];
  for (const v of verdicts) {
    if (v.refused === undefined && v.messages.length) out.push(`${v.slot}: ${v.line} — nginx accepts it, proxylint says: ${v.messages[0]}`);
    else if (v.refused !== undefined && !v.messages.some((m) => m.includes(v.refused!) || m.includes(v.refused!.replace(/"/g, '')))) {
      out.push(`${v.slot}: ${v.line} — nginx: ${v.refused}; proxylint: ${v.messages.join(' | ') || 'nothing'}`);
    }
  }
  return out;
}

/** The first block of `contexts` (the reference's names) a line can be tried in here. */
const slotOf = (contexts: string[]) => SLOTS.find((s) => contexts.includes(s));

test('the configuration slots sit in the blocks they are named for', () => {
  for (const slot of SLOTS) {
    const c = config(slot, 'proxylint_slot_marker;');
    const node = lintText(c.text).config.all.find((n) => n.name === 'proxylint_slot_marker');
    assert.equal(node?.context, slot);
  }
});

test('every on/off switch nginx knows refuses any other word, as proxylint says, and takes ON and Off', { timeout: 300_000 }, async () => {
  requireBinary('nginx');
  const names = allNginxDirectiveNames().filter((n) => nginxDirective(n)!.flagIn && slotOf(nginxDirective(n)!.flagIn!));
  const cases: Case[] = [];
  for (const name of names) for (const word of ['yes', 'ON', 'Off', '1']) cases.push({ slot: slotOf(nginxDirective(name)!.flagIn!)!, line: `${name} ${word};` });
  // `ssl on` is accepted as a word, and then wants a certificate: that refusal is not about the value.
  const verdicts = (await judge(cases))
    .filter((v) => !v.out.includes('unknown directive'))
    .map((v) => (v.refused?.startsWith('no "ssl_certificate" is defined') ? { ...v, refused: undefined } : v));
  const known = new Set(verdicts.map((v) => v.line.split(' ')[0]));
  assert.ok(known.size > 100, `only ${known.size} switches known to this nginx`);
  assert.deepEqual(disagreements(verdicts), []);
  // Not a test of nothing: "yes" is refused by every one of them, with the switch's own words.
  for (const v of verdicts.filter((x) => x.line.endsWith(' yes;'))) assert.match(v.refused ?? '', /it must be "on" or "off"$/, v.line);
});

test('every time directive nginx knows refuses what proxylint reports (5x, 1.5s, 1M …) and takes what it does not', { timeout: 300_000 }, async () => {
  requireBinary('nginx');
  const names = allNginxDirectiveNames().filter((n) => nginxDirective(n)!.timeIn);
  const placeable = names.filter((n) => slotOf(nginxDirective(n)!.timeIn!));
  const words = ['5x', '1.5s', '30sec', '10S', '1M', '1y', '500ms', '1m30s', '1h30', "'1m 30s'", '0', '90'];
  const cases: Case[] = [];
  for (const name of placeable) for (const word of words) cases.push({ slot: slotOf(nginxDirective(name)!.timeIn!)!, line: `${name} ${word};` });
  const all = await judge(cases);
  const unknown = new Set([...names.filter((n) => !placeable.includes(n)), ...all.filter((v) => v.out.includes('unknown directive')).map((v) => v.line.split(' ')[0])]);
  // The rule's list of unchecked directives is exactly the ones this nginx does not know.
  assert.deepEqual([...UNCHECKED_TIMES].sort(), [...unknown].sort());
  const verdicts = all.filter((v) => !unknown.has(v.line.split(' ')[0]));
  assert.ok(verdicts.length > 40 * words.length, `only ${verdicts.length / words.length} time directives known to this nginx`);
  assert.deepEqual(disagreements(verdicts), []);
  assert.ok(verdicts.filter((v) => v.line.endsWith(' 5x;') && v.refused?.endsWith('directive invalid value')).length > 40);
});

test('*_next_upstream: each module takes its own keywords (no http_502/http_504 for FastCGI, uwsgi, SCGI), stream only on/off', async () => {
  requireBinary('nginx');
  const words = ['error', 'timeout', 'denied', 'invalid_header', 'invalid_response', 'not_found', 'updating', 'http_500', 'http_502', 'http_503', 'http_504', 'http_403', 'http_404', 'http_429', 'http_400', 'non_idempotent', 'off', 'on', 'HTTP_502', 'yes'];
  const cases: Case[] = [];
  for (const m of ['proxy', 'fastcgi', 'uwsgi', 'scgi', 'grpc', 'memcached']) for (const w of words) cases.push({ slot: 'location', line: `${m}_next_upstream error ${w};` });
  for (const w of words) cases.push({ slot: 'stream-server', line: `proxy_next_upstream ${w};` });
  const verdicts = await judge(cases);
  assert.deepEqual(disagreements(verdicts), []);
  const refused = (line: string) => verdicts.find((v) => v.line === line)?.refused;
  // The reviewer's cases, in nginx's words.
  assert.equal(refused('fastcgi_next_upstream error http_502;'), 'invalid value "http_502"');
  assert.equal(refused('uwsgi_next_upstream error http_504;'), 'invalid value "http_504"');
  assert.equal(refused('scgi_next_upstream error http_502;'), 'invalid value "http_502"');
  assert.equal(refused('proxy_next_upstream error;'), 'invalid value "error" in "proxy_next_upstream" directive, it must be "on" or "off"');
  assert.equal(refused('grpc_next_upstream error http_502;'), undefined);
});

test('error_page: status codes from 300 to 599 but 499, and "=" with digits or nothing', async () => {
  requireBinary('nginx');
  const lines = [
    'error_page 200 /x.html;',
    'error_page 600 /x.html;',
    'error_page 300 599 /x.html;',
    'error_page 0502 /x.html;',
    'error_page 499 /x.html;',
    'error_page 50x /x.html;',
    'error_page 502 =abc /x.html;',
    'error_page 502 =-1 /x.html;',
    'error_page 502 = /x.html;',
    'error_page 502 =999 /x.html;',
    'error_page 502 =200 /x.html;',
    'error_page =200 /x.html;',
    'error_page 502 = =200 /x.html;',
    'error_page 502 503 =204;',
    'error_page 502 @named;',
    'error_page 99999999999999999999 /x.html;',
  ];
  const verdicts = await judge(lines.map((line) => ({ slot: 'location' as Slot, line: line.replace('@named', '/named') })));
  assert.deepEqual(disagreements(verdicts), []);
  assert.equal(verdicts.filter((v) => v.refused).length, 9, verdicts.map((v) => `${v.line} ${v.refused}`).join('\n'));
});

test.after(() => cleanup());
