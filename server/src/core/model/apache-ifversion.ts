import type { Version } from './version';

type Cmp = -1 | 0 | 1;

const NUMERIC = /^(\d+)(?:\.(\d+))?(?:\.(\d+))?$/;

function compare(a: readonly number[], b: readonly number[]): Cmp {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] > b[i] ? 1 : -1;
  return 0;
}

function holds(op: string, c: Cmp): boolean {
  switch (op) {
    case '<':
      return c < 0;
    case '<=':
      return c <= 0;
    case '>':
      return c > 0;
    case '>=':
      return c >= 0;
    default:
      return c === 0;
  }
}

/**
 * The outcome of a numeric comparison. With the target unknown, any 2.4 release is assumed (proxylint checks httpd
 * 2.4): a version outside 2.4 compares the same way with all of them, and 2.4.N can compare either way.
 */
function numericHolds(op: string, written: readonly number[], target: Version): boolean | undefined {
  if (target) return holds(op, compare(target, written));
  const possible: Cmp[] =
    written[0] !== 2 || written[1] !== 4 ? [compare([2, 4, 0], [written[0], written[1], 0])] : written[2] > 0 ? [-1, 0, 1] : [0, 1];
  const outcomes = new Set(possible.map((c) => holds(op, c)));
  return outcomes.size === 1 ? [...outcomes][0] : undefined;
}

/** A regular expression is matched against "major.minor.patch"; only a known target can be matched. */
function regexHolds(source: string, target: Version): boolean | undefined {
  if (!target) return undefined;
  try {
    return new RegExp(source).test(target.join('.'));
  } catch {
    return undefined;
  }
}

/**
 * Whether httpd reads what is inside `<IfVersion …>`, from the section's arguments as mod_version reads them
 * (https://httpd.apache.org/docs/2.4/mod/mod_version.html): `[[!]operator] version`, where the operator is `=`/`==`,
 * `<`, `<=`, `>`, `>=` (a version `major[.minor[.patch]]`, missing parts being 0, so `< 2.4` means before 2.4.0),
 * `= /regex/` or `~ regex`, a leading `!` reverses it, and no operator means `=`. A false section is skipped whole:
 * httpd follows no Include and reads no directive in it. `target` is `apache.version`; when it is unknown, any 2.4
 * release is assumed, which settles `< 2.4`, `>= 2.3.6` or `>= 2.5` but not `>= 2.4.26`. undefined when it cannot be
 * told, or when httpd would refuse the section itself.
 */
export function ifVersionHolds(args: readonly string[], target: Version): boolean | undefined {
  if (args.length < 1 || args.length > 2) return undefined;
  let [op, written] = args.length === 1 ? ['=', args[0]] : [args[0], args[1]];
  let reverse = false;
  if (op.length > 1 && op.startsWith('!')) {
    reverse = true;
    op = op.slice(1);
  }
  let result: boolean | undefined;
  if ((op === '=' || op === '==') && written.startsWith('/')) {
    if (written.length < 2 || !written.endsWith('/')) return undefined;
    result = regexHolds(written.slice(1, -1), target);
  } else if (op === '~') {
    result = regexHolds(written, target);
  } else if (['=', '==', '<', '<=', '>', '>='].includes(op)) {
    const m = NUMERIC.exec(written);
    if (!m) return undefined;
    result = numericHolds(op, [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0)], target);
  } else return undefined;
  return result === undefined ? undefined : result !== reverse;
}
