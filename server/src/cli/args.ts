export type Format = 'text' | 'json' | 'sarif' | 'github' | 'gitlab' | 'baseline';

export interface CliArgs {
  paths: string[];
  format: Format;
  fix: boolean;
  fixDryRun: boolean;
  config?: string;
  /** A baseline file (see baseline.ts): the findings it lists are not reported and do not fail the run. */
  baseline?: string;
  maxWarnings?: number;
  /** Undefined when not given: the default is warning, and -q then counts errors only (see run.ts). */
  failOn?: 'error' | 'warning' | 'info';
  stdin: boolean;
  stdinFilename?: string;
  context?: string;
  nginxVersion?: string;
  nginxEdition?: 'oss' | 'plus' | 'unknown';
  maxFileSize?: number;
  maxIncludeDepth?: number;
  maxDirectives?: number;
  maxFindingsPerRule?: number;
  quiet: boolean;
  timing: boolean;
  /** --timing=all: every rule in the --timing table, not only the 15 slowest. */
  timingAllRules?: boolean;
  help: boolean;
  version: boolean;
  listRules: boolean;
}

export class UsageError extends Error {}

const FORMATS = ['text', 'json', 'sarif', 'github', 'gitlab', 'baseline'];

export const HELP = `Usage: proxylint [options] <file|dir|glob>...
       proxylint lsp --stdio
       proxylint explain [--in <nginx.conf>] <error-log line>... | --log <file>

Finds nginx and Apache reverse-proxy settings that cause 502 and 504 errors.
A folder (or a quoted glob) is searched for nginx and Apache configs; files
pulled in by an nginx.conf are checked in its context, the rest as fragments
(context inferred or declared with "# proxylint: context http").

Options:
  -f, --format <text|json|sarif|github|gitlab|baseline>
                                         output format (default: text); gitlab: a Code Quality
                                         report; baseline: every finding, as a file for
                                         --baseline (exit 0)
      --fix                              apply safe fixes to the files
      --fix-dry-run                      show what --fix would change, write nothing
  -c, --config <file>                    use this .proxylintrc.json (default: nearest one up from each file)
      --baseline <file>                  report only findings not in this baseline (made with --format baseline)
      --max-warnings <n>                 exit 1 when there are more than n warnings (with --fail-on info:
                                         warnings and infos together); errors always fail
      --fail-on <error|warning|info>     lowest severity that makes the exit code 1 (default: warning)
      --stdin, -                         read the config from standard input
      --stdin-filename <path>            path to report (and resolve includes from) for --stdin
      --context <ctx>                    context of the files' top level (main, http, server, location, ...)
      --nginx-version <x.y.z>            target nginx version (overrides the config file)
      --nginx-edition <oss|plus|unknown> open source nginx or NGINX Plus (overrides the config file)
      --max-file-size <bytes>            skip files larger than this (>= 1; default: 33554432)
      --max-include-depth <n>            follow includes at most n (>= 1) levels deep (default: 64)
      --max-directives <n>               stop following includes past n (>= 1) directives (default: 2000000)
      --max-findings-per-rule <n>        report at most n (>= 1) findings of one rule per file (default: 1000)
  -q, --quiet                            report errors only (warnings fail the run only
                                         with an explicit --fail-on or --max-warnings)
      --timing[=all]                     print where the time went (phases, the 15 slowest rules; =all: every rule) to stderr
      --list-rules                       print the rules and exit (--format json: as a JSON array)
  -h, --help                             show this help
  -v, --version                          print the version
  --                                     end of options: every argument after it is a path

An option that takes a value is given once: twice with different values
(-f json -f sarif) is a usage error.

Exit codes: 0 clean, 1 findings at or above --fail-on (or over --max-warnings),
2 usage or I/O error.`;

/** The long name of an option that takes a value, as the messages name it. */
const LONG: Record<string, string> = { '-f': '--format', '-c': '--config' };

export function parseArgs(argv: string[]): CliArgs {
  const a: CliArgs = { paths: [], format: 'text', fix: false, fixDryRun: false, stdin: false, quiet: false, timing: false, help: false, version: false, listRules: false };
  // An option that takes a value, given twice with different values (`-f json -f sarif`, often a wrapper script's
  // default and the caller's choice): taking the last one silently would write a report the CI job may not read.
  // None is meant to be repeated (no option collects a list), so that is a usage error; the same value twice is not.
  const given = new Map<string, string>();
  const once = (name: string, v: string): string => {
    const long = LONG[name] ?? name;
    const prev = given.get(long);
    if (prev !== undefined && prev !== v) throw new UsageError(`${long} given twice, as "${prev}" and "${v}": give it once`);
    given.set(long, v);
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    const raw = argv[i];
    // "--" ends the options: what follows is a path, even one that starts with "-".
    if (raw === '--') {
      a.paths.push(...argv.slice(i + 1));
      break;
    }
    const eq = raw.startsWith('--') ? raw.indexOf('=') : -1;
    const flag = eq > 0 ? raw.slice(0, eq) : raw;
    const value = (): string => {
      if (eq > 0) return once(flag, raw.slice(eq + 1));
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`${flag} needs a value`);
      return once(flag, v);
    };
    switch (flag) {
      case '-f':
      case '--format': {
        const f = value();
        if (!FORMATS.includes(f)) throw new UsageError(`unknown format "${f}" (use ${FORMATS.join(', ')})`);
        a.format = f as Format;
        break;
      }
      case '--fix':
        a.fix = true;
        break;
      case '--fix-dry-run':
        a.fixDryRun = true;
        break;
      case '-c':
      case '--config':
        a.config = value();
        break;
      case '--baseline':
        a.baseline = value();
        break;
      case '--max-warnings': {
        const v = value();
        if (!/^\d+$/.test(v)) throw new UsageError('--max-warnings takes a whole number');
        a.maxWarnings = Number(v);
        break;
      }
      case '--fail-on': {
        const v = value();
        if (v !== 'error' && v !== 'warning' && v !== 'info') throw new UsageError('--fail-on takes error, warning or info');
        a.failOn = v;
        break;
      }
      case '--stdin':
        a.stdin = true;
        break;
      case '--stdin-filename':
        a.stdinFilename = value();
        break;
      case '--context':
        a.context = value();
        break;
      case '--nginx-version':
        a.nginxVersion = value();
        break;
      case '--nginx-edition': {
        const v = value();
        if (v !== 'oss' && v !== 'plus' && v !== 'unknown') throw new UsageError('--nginx-edition takes oss, plus or unknown');
        a.nginxEdition = v;
        break;
      }
      case '--max-file-size': {
        const v = value();
        if (!/^\d+$/.test(v)) throw new UsageError('--max-file-size takes a number of bytes');
        // 0 would refuse every file that has anything in it: each one named would be an I/O error, and nothing checked.
        if (Number(v) < 1) throw new UsageError('--max-file-size takes a number of bytes of at least 1');
        a.maxFileSize = Number(v);
        break;
      }
      case '--max-include-depth':
      case '--max-directives':
      case '--max-findings-per-rule': {
        const v = value();
        if (!/^\d+$/.test(v)) throw new UsageError(`${flag} takes a whole number`);
        // 0 would report no finding of any rule, only the note that findings were held back (as information):
        // every error would pass.
        if (flag === '--max-findings-per-rule' && Number(v) < 1) throw new UsageError('--max-findings-per-rule takes a whole number of at least 1 (to turn a rule off, use "rules" in .proxylintrc.json)');
        // 0 would follow no include at all and report every include line as an error (include-unreadable): a check
        // of the files without their includes is not what the limit is for, and would fail every run.
        if (flag !== '--max-findings-per-rule' && Number(v) < 1) throw new UsageError(`${flag} takes a whole number of at least 1`);
        if (flag === '--max-include-depth') a.maxIncludeDepth = Number(v);
        else if (flag === '--max-directives') a.maxDirectives = Number(v);
        else a.maxFindingsPerRule = Number(v);
        break;
      }
      case '-q':
      case '--quiet':
        a.quiet = true;
        break;
      case '--timing': {
        a.timing = true;
        // `--timing=all` lists every rule (the growth check of npm run bench compares them across sizes).
        if (eq > 0) {
          const v = value();
          if (v !== 'all') throw new UsageError(`--timing takes no value, or "all" to list every rule (got "${v}")`);
          a.timingAllRules = true;
        }
        break;
      }
      case '--list-rules':
        a.listRules = true;
        break;
      case '-h':
      case '--help':
        a.help = true;
        break;
      case '-v':
      case '--version':
        a.version = true;
        break;
      default:
        // "-" is standard input, as for most tools that read files (a file named "-" is "./-", or follows "--").
        if (raw === '-') {
          a.stdin = true;
          break;
        }
        if (raw.startsWith('-')) throw new UsageError(`unknown option "${raw}" (see --help)`);
        a.paths.push(raw);
    }
  }
  if (a.fix && a.fixDryRun) throw new UsageError('use either --fix or --fix-dry-run');
  if (a.fix && a.stdin) throw new UsageError('--fix cannot write to standard input; use --fix-dry-run');
  // SARIF, GitHub annotations and GitLab's report have no place for the changed text; saying nothing would look like "no change".
  if (a.fixDryRun && (a.format === 'sarif' || a.format === 'github' || a.format === 'gitlab')) throw new UsageError(`--fix-dry-run shows its changes as a diff (--format text) or as "output" per file (--format json), not in ${a.format} output${a.format === 'sarif' ? '; SARIF results carry each safe fix anyway' : ''}`);
  // A baseline written through an older one would leave out what that one lists: the new file would forget them.
  if (a.format === 'baseline' && a.baseline) throw new UsageError('--format baseline lists every finding, to replace the baseline: leave out --baseline');
  if (a.format === 'baseline' && a.fixDryRun) throw new UsageError('--format baseline lists findings; --fix-dry-run shows changes: use one or the other');
  if (a.stdinFilename && !a.stdin) throw new UsageError('--stdin-filename goes with --stdin');
  // Checking standard input and quietly not the files named would pass a CI job that checked nothing it was given.
  if (a.stdin && a.paths.length) throw new UsageError(`--stdin checks standard input only, not also ${a.paths.join(' ')}: give either --stdin or files (--stdin-filename names the input)`);
  if (!a.stdin && a.paths.length === 0 && !a.help && !a.version && !a.listRules) throw new UsageError('no files given (try "proxylint ." or --help)');
  return a;
}
