// parseNginxTime against the real `nginx -t` (Debian nginx 1.22.1). For a table of tricky times and a few hundred
// random ones, in both forms (proxy_read_timeout reads milliseconds, ssl_session_timeout seconds), nginx refuses a value
// exactly when parseNginxTime returns null. The value of each accepted time is checked too, through nginx's 64-bit
// limit: the same text with K ms (seconds: K s) more is accepted when the total is exactly 2^63-1 and refused one unit
// above, so nginx and proxylint agree on the value to the unit.
// proxylint-test: untimed
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseNginxTime, type NginxTimeForm } from '../../server/src/core/model/units';
import { requireBinary } from '../helpers';
import { nginxTRunner, pool } from './harness/nginx-t';

const MAX_INT_T = 2n ** 63n - 1n;
/** A directive of each form, allowed in http and silent about anything but its value. */
const DIRECTIVE: Record<NginxTimeForm, string> = { msec: 'proxy_read_timeout', sec: 'ssl_session_timeout' };

const { nginxT, cleanup } = nginxTRunner('time');
test.after(() => cleanup());

/** The line under test is line 3; its value is quoted, so blanks are part of it. */
const config = (line: string) => `events {}\nhttp {\n    ${line}\n}\n`;

/** Whether nginx takes the line: no [emerg] at all; a refusal must be about line 3, or the test is not testing the value. */
async function accepts(line: string): Promise<boolean> {
  const out = await nginxT(config(line));
  if (!out.includes('[emerg]')) return true;
  assert.match(out, /\[emerg\] .*(invalid|time value).* in \S+:3\b/, `${line}\n${out}`);
  return false;
}

/** Times nginx is known to read in surprising ways, and the edges of its rules. */
const TABLE = [
  '', ' ', '0', '5', '90', '007', '1h30', '1m30', '1m 30', '1m 30s', '1m  30s', '1m30s', '1h30m', '1h 30m 15', '1d2h', '2w', '1w1d',
  '1y', '1M', '1y1M', '1M1w', '1y2M3w4d5h6m7s', '500ms', '1s500ms', '5ms500', '1m1ms', '1ms1s', 'ms', 's', 's5', 'h', 'hms', 'ms5',
  '5s ', '5 s', ' 5s', '5 ', ' 7', '7 1', '7 1 ', '5  5', '1m5 ', '1h 5 ', '1s5 ', '5ms1 ', '5 ms', '5 1s', '1.5s', '1.5', '0.5', '1,5s', '-1', '+1', '1e3', '0x10', '5x', '5S', '5H', '5D', '5W', '10MS', '5sec', '5min',
  '30s1m', '1m1m', '1s1s', '1m1h', '1s1', '1s1s1', '1h1', '1h 1', '1 h', '5m s', '5ms s', '1mm', '1ss', '1yy', '1y1y', '1M1M',
  '2147483647', '2147483648', '4294967296', '2147484s', '99999999999999999', '9223372036854775', '9223372036854776',
  '9223372036854775807', '9223372036854775808', '9223372036854775 ', '9223372036854776 ', '9223372036854775807ms', '9223372036854775808ms', '9223372036854775s807ms',
  '9223372036854775s808ms', '292471208677y', '292471208678y', '106751991167d', '106751991168d', '106751991d',
  '106751992d', '00000000000000000000000000001s',
];

/** A seeded generator (the same strings on every run) of times built from digits, units, blanks and a few wrong characters. */
function randomTimes(count: number): string[] {
  let seed = 20240613;
  // A 32-bit linear congruential generator, read from its high bits (the low ones cycle quickly).
  const rnd = (n: number) => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return (seed >>> 16) % n;
  };
  const digits = ['0', '1', '5', '7', '30', '90', '500', '1000'];
  const units = ['y', 'M', 'w', 'd', 'h', 'm', 's', 'ms', 'ms', 's', 'm', ' ', '.', 'x', 'S', '-'];
  const out = new Set<string>();
  for (let tries = 0; out.size < count && tries < 100 * count; tries++) {
    let s = '';
    for (let k = 1 + rnd(4); k > 0; k--) s += (rnd(6) ? digits[rnd(digits.length)] : '') + (rnd(5) ? units[rnd(units.length)] : '');
    out.add(s);
  }
  return [...out].filter((s) => !TABLE.includes(s));
}

/**
 * `text` with `k` more units of the form's smallest kind (ms, or s for seconds) written before its trailing number, or
 * undefined where that is not a well-formed addition (the text already has that unit): then its value is not probed.
 */
function plus(text: string, form: NginxTimeForm, k: bigint): string | undefined {
  const tail = /\d*$/.exec(text)![0];
  const head = text.slice(0, text.length - tail.length);
  const unit = form === 'msec' ? 'ms' : 's';
  const v = parseNginxTime(text, form);
  if (v !== null && parseNginxTime(`${head}0${unit}${tail}`, form) === v) return `${head}${k}${unit}${tail}`;
  // Seconds: a text that ends in a unit takes the seconds as a trailing number.
  if (form === 'sec' && tail === '' && v !== null && parseNginxTime(`${text}0`, form) === v) return `${text}${k}`;
  return undefined;
}

interface Probe {
  form: NginxTimeForm;
  text: string;
  /** What parseNginxTime says: accepted or not. */
  ours: boolean;
  /** For value probes: the time being measured. */
  of?: string;
}

test('parseNginxTime refuses exactly what nginx -t refuses, and reads the same value, in milliseconds and in seconds', { timeout: 300_000 }, async (t) => {
  requireBinary('nginx');
  const texts = [...TABLE, ...randomTimes(300)];
  const probes: Probe[] = [];
  let valueProbes = 0;
  for (const form of ['msec', 'sec'] as const) {
    for (const text of texts) {
      const ms = parseNginxTime(text, form);
      probes.push({ form, text, ours: ms !== null });
      if (ms === null || ms > Number.MAX_SAFE_INTEGER) continue;
      const room = MAX_INT_T - (form === 'msec' ? BigInt(ms) : BigInt(ms / 1000));
      const full = plus(text, form, room);
      const over = plus(text, form, room + 1n);
      if (!full || !over) continue;
      valueProbes++;
      probes.push({ form, text: full, ours: parseNginxTime(full, form) !== null, of: text });
      probes.push({ form, text: over, ours: parseNginxTime(over, form) !== null, of: text });
      // Our side of the probe: exactly at the limit is a time, one more is not.
      assert.equal(probes[probes.length - 2].ours, true, full);
      assert.equal(probes[probes.length - 1].ours, false, over);
    }
  }
  const verdicts = await pool(probes.map((p) => () => accepts(`${DIRECTIVE[p.form]} '${p.text}';`)), 2);
  const wrong = probes
    .map((p, k) => ({ ...p, nginx: verdicts[k] }))
    .filter((p) => p.nginx !== p.ours)
    .map((p) => `${p.form} "${p.text}"${p.of ? ` (value of "${p.of}")` : ''}: nginx ${p.nginx ? 'accepts' : 'refuses'}, parseNginxTime ${p.ours ? 'accepts' : 'refuses'}`);
  assert.deepEqual(wrong, []);
  // Not a test of nothing: both verdicts are common, and most accepted times had their value measured.
  const accepted = probes.filter((p, k) => !p.of && verdicts[k]).length;
  assert.ok(accepted > 150 && probes.filter((p) => !p.of).length - accepted > 150, `${accepted} of ${probes.length} accepted`);
  assert.ok(valueProbes > 150, `only ${valueProbes} values probed`);
  t.diagnostic(`${texts.length} times in 2 forms, ${accepted} accepted; ${valueProbes} values probed; ${probes.length} nginx -t runs`);
});

/** The directives proxylint's callers read, each with the form it passes to parseNginxTime. */
const FORMS: { line: (v: string) => string; form: NginxTimeForm }[] = [
  { line: (v) => `proxy_read_timeout '${v}';`, form: 'msec' },
  { line: (v) => `proxy_connect_timeout '${v}';`, form: 'msec' },
  { line: (v) => `proxy_next_upstream_timeout '${v}';`, form: 'msec' },
  { line: (v) => `keepalive_timeout '${v}';`, form: 'msec' },
  { line: (v) => `resolver_timeout '${v}';`, form: 'msec' },
  { line: (v) => `ssl_session_timeout '${v}';`, form: 'sec' },
  { line: (v) => `proxy_cache_valid 502 '${v}';`, form: 'sec' },
  { line: (v) => `upstream u { server 127.0.0.1:2 'fail_timeout=${v}'; }`, form: 'sec' },
];

test('each directive proxylint reads a time of takes the form its caller passes ("500ms" only in msec, "1y" only in sec)', { timeout: 120_000 }, async () => {
  requireBinary('nginx');
  const cases = FORMS.flatMap((f) => ['500ms', '1y', '1M', '1h30', '1m 30s', '1.5s'].map((v) => ({ line: f.line(v), ours: parseNginxTime(v, f.form) !== null })));
  const verdicts = await pool(cases.map((c) => () => accepts(c.line)), 2);
  assert.deepEqual(
    cases.filter((c, k) => c.ours !== verdicts[k]).map((c) => c.line),
    [],
  );
});
