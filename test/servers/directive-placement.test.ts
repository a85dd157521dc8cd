// directive-not-allowed-here and invalid-number-of-arguments against the real `nginx -t` (Debian nginx 1.22.1 with
// its stream module), for every proxy and upstream directive that nginx knows and in every block it could be
// written in. The rules read the reference table (nginx-directives.json, made from nginx.org's pages); this test is
// what shows the table says what nginx does. The few places where they differ on purpose are listed below, and a
// new difference fails the test.
// proxylint-test: untimed
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allNginxDirectiveNames, nginxDirective } from '../../server/src/core/model/nginx-directives';
import { inPlacementScope } from '../../server/src/core/rules/nginx/placement-support';
import { lintText, requireBinary } from '../helpers';
import { nginxTRunner, pool as poolOf, STREAM_MODULE } from './harness/nginx-t';

const CONTEXTS = ['main', 'events', 'http', 'server', 'location', 'if-location', 'if-server', 'limit_except', 'upstream', 'stream', 'stream-server', 'stream-upstream'] as const;
type Context = (typeof CONTEXTS)[number];

/**
 * Where the table allows more than nginx 1.22.1 does because a later nginx allows it (the rules follow the table, so
 * they stay silent on what some version accepts): `resolver` in an upstream block (http and stream) since 1.27.3; `keepalive 32 local`
 * since 1.29.7. Each entry must still differ, so a stale one fails too.
 */
const LATER_VERSIONS = new Set(['resolver in upstream', 'resolver_timeout in upstream', 'resolver in stream-upstream', 'resolver_timeout in stream-upstream', 'keepalive in upstream: 2 args']);

/** A whole configuration with `line` in `context`; the line's number is returned with it. */
function config(context: Context, line: string): { text: string; line: number } {
  const at = (c: Context) => (c === context ? ` ${line} ` : ' ');
  const text = [
    `load_module ${STREAM_MODULE};`,
    `${at('main')}`,
    `events {${at('events')}}`,
    'http {',
    `${at('http')}`,
    `    upstream hu { server 127.0.0.1:2;${at('upstream')}}`,
    '    server { listen 127.0.0.1:1;',
    `        if ($arg_x) {${at('if-server')}}`,
    '        location / {',
    `${at('location')}`,
    `            if ($arg_y) {${at('if-location')}}`,
    `            limit_except GET {${at('limit_except')}}`,
    '        }',
    `${at('server')}`,
    '    }',
    '}',
    'stream {',
    `${at('stream')}`,
    `    upstream su { server 127.0.0.1:3;${at('stream-upstream')}}`,
    `    server { listen 127.0.0.1:4; proxy_pass su;${at('stream-server')}}`,
    '}',
    '',
  ].join('\n');
  return { text, line: text.split('\n').findIndex((l) => l.includes(line)) + 1 };
}

const { nginxT, cleanup } = nginxTRunner('placement');
/** Runs the jobs 4 at a time (two cores here). */
const pool = <T>(jobs: (() => Promise<T>)[]) => poolOf(jobs, 4);

const words = (n: number) => Array.from({ length: n }, () => 'x').join(' ');

function flagged(ruleId: string, context: Context, line: string): boolean {
  const c = config(context, line);
  return lintText(c.text).findings.some((f) => f.ruleId === ruleId && c.text.slice(0, f.start).split('\n').length === c.line);
}

test('each slot of the test configuration sits in the block it is named for', () => {
  // The "server" slot once sat inside the location block: no directive was ever tried directly in a server block.
  for (const context of CONTEXTS) {
    const marker = 'proxylint_slot_marker';
    const c = config(context, `${marker};`);
    const node = lintText(c.text).config.all.find((n) => n.name === marker);
    assert.equal(node?.context, context, `the ${context} slot is in ${node?.context}`);
  }
});

test('proxylint and nginx -t agree on where each proxy and upstream directive may stand, and on its argument count', { timeout: 600_000 }, async () => {
  requireBinary('nginx');
  try {
    const names = allNginxDirectiveNames().filter(inPlacementScope).filter((n) => !nginxDirective(n)!.block);
    // Directives this nginx does not know (newer, or NGINX Plus) answer "unknown directive" everywhere: left out.
    const known = (await pool(names.map((n) => () => nginxT(config('location', `${n} ${words(Math.max(1, nginxDirective(n)!.args[0]))};`).text)))).map(
      (out, k) => !out.includes(`unknown directive "${names[k]}"`),
    );
    const checked = names.filter((_, k) => known[k]);
    assert.ok(checked.length > 200, `only ${checked.length} directives known to this nginx`);

    const disagreements: string[] = [];
    const how = new Map<string, string>();
    const disagree = (key: string, refused: boolean) => {
      disagreements.push(key);
      how.set(key, refused ? 'nginx refuses it, proxylint is silent' : 'nginx accepts it, proxylint reports it');
    };
    const placement: { name: string; context: Context; line: string }[] = [];
    for (const name of checked) {
      const [min, max] = nginxDirective(name)!.args;
      // A count inside the table's range: only the place can make nginx refuse it as "not allowed here".
      const n = Math.max(min, max === 0 ? 0 : 1);
      for (const context of CONTEXTS) placement.push({ name, context, line: `${name} ${words(n)};`.replace(' ;', ';') });
    }
    const placementOut = await pool(placement.map((p) => () => nginxT(config(p.context, p.line).text)));
    const allowed = new Map<string, Context[]>();
    placement.forEach((p, k) => {
      const refused = placementOut[k].includes(`"${p.name}" directive is not allowed here`);
      if (!refused) allowed.set(p.name, [...(allowed.get(p.name) ?? []), p.context]);
      const reported = flagged('directive-not-allowed-here', p.context, p.line);
      if (refused !== reported) disagree(`${p.name} in ${p.context}`, refused);
    });

    // Argument counts, in every block nginx accepts the directive in: one too few, the bounds, one too many.
    const arity: { name: string; context: Context; count: number }[] = [];
    for (const name of checked) {
      const [min, max] = nginxDirective(name)!.args;
      const counts = [min - 1, min, max, max + 1].filter((c, k, all) => c >= 0 && (max >= 0 || k < 2) && all.indexOf(c) === k);
      for (const context of allowed.get(name) ?? []) for (const count of counts) arity.push({ name, context, count });
    }
    const arityOut = await pool(arity.map((a) => () => nginxT(config(a.context, `${a.name} ${words(a.count)};`.replace(' ;', ';')).text)));
    arity.forEach((a, k) => {
      const refused = arityOut[k].includes(`invalid number of arguments in "${a.name}" directive`);
      const reported = flagged('invalid-number-of-arguments', a.context, `${a.name} ${words(a.count)};`.replace(' ;', ';'));
      if (refused !== reported) disagree(`${a.name} in ${a.context}: ${a.count} args`, refused);
    });

    const unexpected = disagreements.filter((d) => !LATER_VERSIONS.has(d)).map((d) => `${d}: ${how.get(d)}`);
    const stale = [...LATER_VERSIONS].filter((d) => !disagreements.includes(d));
    assert.deepEqual({ unexpected, stale }, { unexpected: [], stale: [] }, `checked ${checked.length} directives, ${placement.length} placements, ${arity.length} argument counts`);
  } finally {
    cleanup();
  }
});
