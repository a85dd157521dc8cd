import { clientGot, explainLog, nginxNotes, type CheckedNginx, type ExplainedEntry, type ExplainedRequest } from '../core/explain/explain';
import { HEALTH_CHECK_PROBE, type LogExplanation } from '../core/explain/log-patterns';
import { errorPageNote, nginxLineRoles, outcomeText, triedText, type NginxOutcome } from '../core/explain/nginx-requests';
import type { ErrorPageTurn } from '../core/explain/nginx-error-page';
import type { NginxPlace, PlaceCandidate, ValueHere } from '../core/explain/nginx-place';
import type { ConfigNode } from '../core/model/nginx-tree';
import type { ApacheNode } from '../core/model/apache-tree';
import { apacheValueKey, type ApacheValue } from '../core/explain/apache-place';
import { lintNginx, type LintResult } from '../core/lint';
import { lintApache, type ApacheLintResult } from '../core/lint-apache';
import { docsUrl } from '../core/rules/rule';
import { ruleMeta } from '../core/rules/index';
import { dirname, resolve } from '../core/paths';
import { allRuleIds, ruleOptionsOf } from '../core/rules/index';
import { defaultSettings, readProjectConfig, type Settings } from '../core/settings';
import { parseVersion } from '../core/model/version';
import { classify } from './classify';
import type { CliIo } from './io';

export const EXPLAIN_HELP = `Usage: proxylint explain [--in <nginx.conf|httpd.conf>... [--nginx-version <x.y.z>]] [--format text|json] [<log line>...]
       proxylint explain [--in <nginx.conf|httpd.conf>... [--nginx-version <x.y.z>]] --log <error.log|->

Says what nginx or Apache httpd error-log lines about a failed proxied request mean:
the status the client got, the likely causes, the directives that decide it and
the proxylint rules that check them. With --in, the configuration is read as
well: an nginx line is placed at the server block and location that handled the
request, with the values in force there (set here, inherited, or the default)
and what proxylint finds on the lines that apply there (the location's own
and those it inherits, not a nested location's); an Apache httpd line at the
ProxyPass or BalancerMember of the backend it names (a balancer line at its
<Proxy balancer://…>, mod_proxy_fcgi's at the fcgi:// workers), with its
timeouts: those of the virtual host the lines name (ErrorLogFormat %v, %V,
%{Host}i or %A, or AH01075's port), else each candidate's. The
httpd lines one thread logged for one request ([pid N:tid M], a moment apart)
are shown together, and a line that names only the backend's host (AH01114)
takes the port from the line before it; with the balancer members tried and
what the client got: sure after AH01170, or with --in when every try
maxattempts allows was used (or for a ProxyPass worker). nginx's lines for one request (its
connection number *N) are shown together too, with the servers tried and what
the client got: given as sure only when nginx could try no other server after
the last line (with --in: all servers of the group tried, the tries limit
reached, or a failure proxy_next_upstream does not pass on); so is a line
logged alone when nginx had no other server to try (a group of one server, a
proxy_pass address, proxy_next_upstream off). With --in, the error_page and
the cache in force there are read as well: a stale copy proxy_cache_use_stale
sent instead, a 502 proxy_cache_valid keeps, an error page that failed in its
turn (nginx's own page) or looped (500). The rules listed for a placed line are
those that can apply there (by the group's or balancer's size, the pass
directive, TLS or not, a host name or an IP address), and any that report
on the lines that applied. Lines from
docker's json-file logs, Kubernetes (CRI), docker compose logs, kubectl logs,
syslog (as received, as rsyslog writes it) and journalctl are read inside their
wrapper. --nginx-version sets the nginx release the defaults at the place are
those of (as for a check; it overrides nginx.version of .proxylintrc.json).

--in may be given more than once (several nginx or httpd configurations, as an
editor's workspace holds). An nginx line is then placed in the configuration
whose server block fits it: one nginx could have chosen for the line's server:
and Host on one of its listen ports, a location that passes to the line's
backend, a block listening on the Host's port. When several fit alike, the line
does not tell which: each one's block is listed.

What nginx -t and apache2 -t (a failed start or reload) print about a
configuration they refuse is explained too, as a start-up failure with the
rules that catch it; httpd's two lines ("AH00526: Syntax error on line N of
FILE:" and the reason) are read as one, and with --in the findings at the file
and line httpd names are listed. An .htaccess file httpd cannot read
([core:alert] … /path/.htaccess: …) is a 500 for the requests under it.

Lines proxylint does not know are counted and skipped. A log over 32 MiB needs
--max-file-size <bytes> (or tail it). Exit codes: 0 when at least one line was
explained, 1 when none was, 2 for usage or I/O errors.`;

interface ExplainArgs {
  /** Each --in, in order: a log line is placed in the one whose server block fits it (see placeIn). */
  configs: string[];
  log?: string;
  nginxVersion?: string;
  format: 'text' | 'json';
  lines: string[];
}

function parse(argv: string[]): ExplainArgs | string {
  const out: ExplainArgs = { configs: [], format: 'text', lines: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => (a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[++i]);
    if (a === '--in' || a.startsWith('--in=')) {
      const v = value();
      if (v === undefined || v === '') return `${a.replace(/=.*$/, '')} needs a value`;
      out.configs.push(v);
    }
    else if (a === '--log' || a.startsWith('--log=')) out.log = value();
    else if (a === '--nginx-version' || a.startsWith('--nginx-version=')) {
      const v = value();
      if (v === undefined || (v !== 'unknown' && !parseVersion(v))) return '--nginx-version takes a version such as 1.22.1';
      out.nginxVersion = v;
    }    else if (a === '--format' || a === '-f' || a.startsWith('--format=')) {
      const f = value();
      if (f !== 'text' && f !== 'json') return `--format takes text or json for explain`;
      out.format = f;
    } else if (a === '--max-file-size' || a.startsWith('--max-file-size=')) {
      // Read by the process before the CLI starts (node/cli.ts): it sets the limit for --in and --log alike.
      const n = Number(value());
      if (!Number.isFinite(n) || n <= 0) return '--max-file-size takes a number of bytes';
    } else if (a === '-h' || a === '--help') return 'help';
    else if (a.startsWith('-') && a !== '-') return `unknown option ${a} (see proxylint explain --help)`;
    else out.lines.push(a);
    if ((a === '--log' || a.startsWith('--log=')) && !out.log) return `${a.replace(/=.*$/, '')} needs a value`;
  }
  if (!out.log && out.lines.length === 0) return 'give a log line, or --log <file> (- for standard input)';
  // Without a configuration no value is looked up, so a version would change nothing: said rather than ignored.
  if (out.nginxVersion !== undefined && out.configs.length === 0) return '--nginx-version applies to the configuration read with --in';
  return out;
}

export function runExplain(argv: string[], io: CliIo): number {
  const args = parse(argv);
  if (args === 'help') {
    io.stdout(EXPLAIN_HELP + '\n');
    return 0;
  }
  if (typeof args === 'string') {
    io.stderr(`proxylint explain: ${args}\n`);
    return 2;
  }
  // An argument may hold several lines, as `proxylint explain "$(apache2ctl configtest 2>&1)"` passes httpd's two-line
  // start-up error: each is a line of its own, as in a log, so that the two are read together.
  let lines = args.lines.flatMap((l) => l.split(/\r?\n/));
  if (args.log) {
    // NUL bytes do not make an error log binary: nginx writes a malformed request line as the client sent it ("client
    // sent invalid method" at info, "broken header: … while reading PROXY protocol" at error), and FastCGI or TLS sent
    // to one of its own HTTP ports is such a request (nginx 1.22.1, test/servers/wrong-protocol-to-local-listener.test.ts).
    const r = args.log === '-' ? io.readStdin({ log: true }) : io.kind(resolve(io.cwd, args.log)) === 'dir' ? { ok: false as const, message: 'it is a folder: give the error log file' } : io.read(resolve(io.cwd, args.log), { log: true });
    // `grep … | proxylint explain --log -` with no match: no line to explain, the same answer as a log of other lines.
    const emptyStdin = !r.ok && args.log === '-' && 'empty' in r && r.empty === true;
    if (!r.ok && !emptyStdin) {
      // The readers speak of configurations; here it is a log.
      io.stderr(`proxylint explain: cannot read ${args.log === '-' ? 'standard input' : args.log}: ${r.message.replace(', not a configuration', '')}\n`);
      return 2;
    }
    // A compressed log (a rotated error.log.2.gz) would read as one line of noise: say what it is instead.
    if (r.ok && r.text.startsWith('\x1f\x8b')) {
      io.stderr(`proxylint explain: ${args.log === '-' ? 'standard input' : args.log} is gzip-compressed: give it uncompressed (zcat ${args.log === '-' ? 'FILE' : args.log} | proxylint explain --log -)\n`);
      return 2;
    }
    // concat, not push(...): a log has more lines than a call can take arguments.
    if (r.ok) lines = lines.concat(r.text.split(/\r?\n/));
  }

  const nginxConfigs: CheckedNginx[] = [];
  const apacheConfigs: ApacheLintResult[] = [];
  for (const given of args.configs) {
    const configPath = resolve(io.cwd, given);
    if (io.kind(configPath) === 'dir') {
      io.stderr(`proxylint explain: ${given} is a folder: give the main configuration file (nginx.conf, apache2.conf or httpd.conf), whose includes are read with it\n`);
      return 2;
    }
    const r = io.read(configPath);
    if (!r.ok) {
      io.stderr(`proxylint explain: cannot read ${given}: ${r.message}\n`);
      return 2;
    }
    // Each configuration with the settings of its own nearest .proxylintrc.json, as a check of it would use.
    const settings: Settings = settingsNear(configPath, io);
    if (args.nginxVersion !== undefined) settings.nginx.version = parseVersion(args.nginxVersion);
    if (classify(configPath, r.text) === 'apache') apacheConfigs.push(lintApache(configPath, r.text, io.host(() => undefined), { settings }));
    else {
      const lint: LintResult = lintNginx(configPath, r.text, io.host(() => undefined), { settings });
      nginxConfigs.push({ config: lint.config, findings: lint.findings, target: settings.nginx, upstreams: lint.upstreams });
    }
  }

  const { entries: list, requests, unknown, blank } = explainLog(lines, nginxConfigs, apacheConfigs);
  const placing = nginxConfigs.length + apacheConfigs.length > 0;
  if (args.format === 'json') {
    const requestsJson = requests.map((r) => ({
      server: r.server,
      count: r.count,
      thread: r.thread,
      client: r.client ?? null,
      ...(r.server === 'nginx' ? { request: r.request ?? null } : {}),
      tried: r.tried ?? [],
      outcome: r.outcome ? outcomeJson(r.outcome) : null,
      lines: r.lines.map((l) => ({ line: l.text, explained: list.indexOf(l.entry) })),
    }));
    io.stdout(JSON.stringify({ version: 1, explained: list.map((x) => toJson(x, placing)), requests: requestsJson, unknownLines: unknown }, null, 2) + '\n');
  } else {
    const blocks = [...requests.map((r) => requestText(r, placing, io.cwd)), ...list.filter((x) => x.alone > 0).map((x) => toText(x, placing, io.cwd))];
    io.stdout(list.length ? blocks.join('\n') + summary(list, requests, unknown, blank, lines.length) : nothingExplained(lines));
  }
  return list.length ? 0 : 1;
}

/** The settings of the nearest .proxylintrc.json (target version, edition), as the lint run would use; defaults when it is missing or invalid. */
function settingsNear(path: string, io: CliIo): Settings {
  const found = io.findUp(dirname(path), '.proxylintrc.json');
  const r = found ? io.read(found) : undefined;
  if (!found || !r?.ok) return defaultSettings();
  try {
    const read = readProjectConfig(JSON.parse(r.text), dirname(found), allRuleIds(), ruleOptionsOf);
    return read.problems.length ? defaultSettings() : read.settings;
  } catch {
    return defaultSettings();
  }
}

function where(node: { file: { path: string; lines: { positionAt(o: number): { line: number } } }; directive: { start: number } }, cwd: string): string {
  const rel = node.file.path.startsWith(cwd + '/') ? node.file.path.slice(cwd.length + 1) : node.file.path;
  return `${rel}:${node.file.lines.positionAt(node.directive.start).line + 1}`;
}

function originText(v: ValueHere, cwd: string): string {
  if (v.group !== undefined) return v.node ? `in upstream ${v.group}, ${where(v.node, cwd)}` : `${v.origin === 'default' ? 'default' : 'not set'} in upstream ${v.group}`;
  return v.node ? `${v.origin === 'here' ? 'set here' : 'inherited'}, ${where(v.node, cwd)}${v.lines ? ` and the ${v.lines - 1} line${v.lines > 2 ? 's' : ''} before it at that level, taken together` : ''}` : (v.origin === 'default' ? (v.versionDependent ? 'default; which one depends on the nginx version: set nginx.version in .proxylintrc.json' : v.buildDependent ? `default; ${v.buildDependent}` : 'default') : 'not set') + (v.includerMaySet ? ', unless the configuration that includes this file sets it' : '');
}

const match = (n: ConfigNode) => n.directive.args.map((a) => a.raw).join(' ');

/** "location @app at nginx.conf:11, handed on from location / at nginx.conf:8 by try_files $uri @app (nginx.conf:9)". */
function locationText(c: PlaceCandidate, cwd: string): string {
  const steps = (c.handoff ?? []).map((h) => `from location ${match(h.from)} at ${where(h.from, cwd)} by ${h.via.name} ${match(h.via)} (${where(h.via, cwd)})`);
  return `location ${match(c.location!)} at ${where(c.location!, cwd)}${steps.length ? `, handed on ${steps.join(', then ')}` : ''}`;
}

interface TextOptions {
  placing: boolean;
  cwd: string;
  /** Within a request: the rules are listed once for all its lines, and what an earlier line showed is not repeated. */
  inRequest?: { shownApacheValues?: Set<string>; shownPlace?: unknown; shownValues?: Set<string>; shownFindings: Set<unknown>; shownMeanings: Set<string> };
  /** The line itself, when it is shown for its own sake (in a request): its backend and path, not the first line's of its kind. */
  own?: LogExplanation;
  /** Where that line itself was placed: the entry's block and location, said with the line's own path and backend. */
  ownPlace?: NginxPlace;
}

/** The explanation of one kind of line (or of one line of a request), without the example line itself. */
function explanationText(x: ExplainedEntry, o: TextOptions): string[] {
  const { pattern } = x.explanation;
  const fields = (o.own ?? x.explanation).fields;
  const out: string[] = [];
  // A lone line whose configuration left nginx no other try has a sure outcome (within a request, its role is said instead).
  const at = (node: Parameters<typeof where>[0]) => where(node, o.cwd);
  const said = o.inRequest ? undefined : x.outcome ?? x.hedge;
  const got = said ? outcomeText(said, at) : `${clientGot(x)}${x.errorPage && !o.inRequest ? `; an error_page then made that ${x.errorPage.answer} (${errorPageNote(x.errorPage, at)})` : ''}`;
  out.push(`${pattern.server === 'nginx' ? 'nginx' : 'Apache httpd'}: ${got}.`);
  // A balancer's second attempt logs the same kinds of line again: their meaning is said once per request.
  if (!o.inRequest?.shownMeanings.has(pattern.id)) out.push(`What happened: ${pattern.meaning}`);
  o.inRequest?.shownMeanings.add(pattern.id);
  for (const note of nginxNotes(x, at)) {
    if (o.inRequest?.shownMeanings.has(note)) continue;
    o.inRequest?.shownMeanings.add(note);
    out.push(`Note: ${note}`);
  }
  // A line that names the host of a unix: worker's URL ("localhost", AH01079/AH01114 without the AH02454 before
  // them) is about the worker's socket when the configuration places it at one such worker.
  const placedSocket = !fields.socket && fields.upstream && x.apache && !x.apache.ambiguous ? x.apache.worker?.target.socket : undefined;
  const backend = fields.socket
    ? `backend unix:${fields.socket}`
    : placedSocket
      ? `backend unix:${placedSocket} (the line names ${fields.upstream}, the host of the worker's unix: URL)`
      : fields.upstream
        ? `backend ${fields.upstream}`
        : undefined;
  const req = [fields.method && fields.path ? `${fields.method} ${fields.path}` : fields.path, backend].filter(Boolean);
  // The lines of one httpd request mostly name one worker (AH00957, AH00959, AH01114 of one try): its Backend line is
  // said once, and so is a Request line that names nothing but that backend.
  const apacheAt = x.apache ? (x.apache.worker?.node ?? x.apache.node) : undefined;
  const backendShown = !!o.inRequest && apacheAt !== undefined && o.inRequest.shownPlace === apacheAt;
  // A health check probe's line is about the member it probed, not a request.
  const probe = x.explanation.pattern.statuses.includes(HEALTH_CHECK_PROBE);
  if (req.length && !(backendShown && !fields.path)) out.push(`${probe ? 'Probed' : 'Request'}: ${req.join(', ')}`);
  // Within a request, the line's own place: the entry's was found for the first line of its kind, whose backend
  // (another server of the group) and path its words name.
  const place = o.ownPlace ?? x.place;
  if (place) {
    const loc = place.location;
    // The lines of one nginx request were handled in one place: it is said once.
    const at = loc ?? place.server;
    if (o.inRequest?.shownPlace !== at) {
      // A stream server block is its own "location" (proxy_pass and its settings are in it): said once.
      out.push(`Handled by: ${place.server.context === 'stream' ? 'stream ' : ''}server at ${where(place.server, o.cwd)} (${place.how})${loc && loc !== place.server ? `, ${locationText(place, o.cwd)}` : ''}`);
      for (const other of place.others ?? []) out.push(`  or: server at ${where(other.server, o.cwd)}${other.location ? `, ${locationText(other, o.cwd)}` : ''}`);
      if (o.inRequest) {
        o.inRequest.shownPlace = at;
        o.inRequest.shownValues = new Set();
      }
    }
  } else if (x.apache) {
    const w = x.apache;
    if (o.inRequest) o.inRequest.shownPlace = apacheAt;
    if (backendShown) {
      // Said with the request's earlier line.
    } else if (w.worker) out.push(`Backend: ${w.worker.node.name} ${w.worker.url} at ${where(w.worker.node, o.cwd)} (${w.how})${w.rule && w.rule.node !== w.worker.node ? `, used by ${w.rule.node.name} ${w.rule.path} at ${where(w.rule.node, o.cwd)}` : ''}`);
    else if (w.rewrite) out.push(`Backend: RewriteRule ${w.rewrite.url} [P] at ${where(w.node, o.cwd)} (${w.how})`);
    else if (w.handler) out.push(`Backend: SetHandler "proxy:${w.handler.url}" at ${where(w.node, o.cwd)} (${w.how})`);
    else out.push(`Balancer: ${w.balancer?.name} at ${where(w.node, o.cwd)} (${w.how})`);
    // Each value of one request's lines is said once (the lines of a request mostly share their worker's values).
    const key = apacheValueKey;
    const shown = (o.inRequest ? (o.inRequest.shownApacheValues ??= new Set()) : new Set<string>());
    const fresh = w.values.filter((v) => !shown.has(key(v)));
    if (fresh.length) out.push(...apacheValuesText(fresh, (n) => where(n, o.cwd)));
    for (const v of fresh) shown.add(key(v));
  } else if (o.placing && !x.findingAt) {
    out.push(
      fields.socket
        ? // A SetHandler "proxy:unix:…|fcgi://…" (PHP-FPM) reaches its socket through a worker of its own, not one a
          // ProxyPass or BalancerMember defines.
          `Handled by: no ProxyPass or BalancerMember names the socket ${fields.socket}: a SetHandler "proxy:unix:${fields.socket}|…" may send requests there`
        : fields.beforeRequest
        ? `Handled by: no server block of the configuration listens on ${fields.serverName ?? 'the line\'s address'} with proxy_protocol`
        : fields.path || fields.upstream || fields.balancer
        ? `Handled by: nothing in the configuration matches this line`
        : `Handled by: this line names no request or backend; ${o.inRequest ? 'nor do the other lines of its request' : 'no other line of its request (same [pid N:tid M], a moment apart) is in the log to say it'}`,
    );
  }
  if (pattern.inConfig && fields.configFile) out.push(...configFileText(x, o.cwd));
  const values = x.values.filter((v) => !o.inRequest?.shownValues?.has(v.directive));
  for (const v of values) o.inRequest?.shownValues?.add(v.directive);
  if (values.length) {
    out.push('In force there:');
    for (const v of values) {
      const origin = originText(v, o.cwd);
      out.push(`  ${v.directive} ${v.value ?? '(none)'}  (${origin})${v.others ? `; ${v.others.map((w) => `${w.value.value ?? '(none)'} in the server at ${where(w.server, o.cwd)} (${originText(w.value, o.cwd)})`).join('; ')}: the line does not tell which` : ''}`);
    }
  } else if (!x.apache && !x.values.length && x.explanation.directives.length) out.push(`Check: ${x.explanation.directives.join(', ')}`);
  if (x.nextStep && !o.inRequest?.shownMeanings.has(`next: ${x.nextStep}`)) {
    o.inRequest?.shownMeanings.add(`next: ${x.nextStep}`);
    out.push(`Next step: ${x.nextStep}`);
  }
  x.findings.forEach((f, k) => {
    if (o.inRequest?.shownFindings.has(f)) return;
    o.inRequest?.shownFindings.add(f);
    const at = x.findingAt?.[k];
    out.push(`proxylint: ${at ? `${at.path.startsWith(o.cwd + '/') ? at.path.slice(o.cwd.length + 1) : at.path}:${at.line}: ` : ''}${f.message} [${f.ruleId}]`);
  });
  // A refusal no rule looks for (a certificate file nginx cannot load) has no rule to name.
  if (o.placing && x.findingAt && !x.findingAt.length && !x.configFiles && pattern.rules.length) out.push(`proxylint: none of ${pattern.rules.join(', ')} reports anything in the configuration given`);
  if (!o.inRequest && x.rules.length) out.push(rulesText(x.rules));
  return out;
}

/**
 * Where an httpd line about a configuration file points: the file and line as httpd names them; with a configuration,
 * which of its files that is, and when proxylint reports nothing there (or the file is not one it read), that too. The
 * findings themselves follow, each with its place.
 */
function configFileText(x: ExplainedEntry, cwd: string): string[] {
  const { configFile, configLine } = x.explanation.fields;
  const rel = (p: string) => (p.startsWith(cwd + '/') ? p.slice(cwd.length + 1) : p);
  const startup = x.explanation.pattern.statuses.includes('startup-failure');
  const named = `${configFile}${configLine !== undefined ? `:${configLine}` : ''}`;
  const read = x.configFiles?.filter((p) => p !== configFile) ?? [];
  const out = [`${startup ? 'Refused at' : 'File'}: ${named}${read.length ? ` (in the configuration given: ${read.map(rel).join(', ')})` : ''}`];
  if (!x.configFiles) return out;
  const rules = x.explanation.pattern.rules;
  const where = configLine !== undefined ? `at line ${configLine} of ${x.configFiles.map(rel).join(', ')}` : `in ${x.configFiles.map(rel).join(', ')}`;
  if (!x.configFiles.length) {
    const hint = startup ? '' : `; check it on its own: proxylint ${configFile}`;
    out.push(`proxylint: ${configFile} is not one of the files read with the configuration given${hint}${x.findings.length ? `; what ${rules.join(', ')} report${rules.length === 1 ? 's' : ''} elsewhere:` : ''}`);
  } else if (!x.findings.length) out.push(rules.length ? `proxylint: none of ${rules.join(', ')} reports anything ${where}` : `proxylint: nothing is reported ${where}`);
  return out;
}

/**
 * "In force there:" and the values; when they depend on what the line does not say (which worker, which server the
 * request came to), each candidate's values on a line of their own.
 */
function apacheValuesText(values: readonly ApacheValue[], at: (n: ApacheNode) => string): string[] {
  const one = (v: ApacheValue) => `${v.name} ${v.value}  (${v.origin}${v.node ? `, ${at(v.node)}` : ''})`;
  if (!values.some((v) => v.scope)) return ['In force there:', ...values.map((v) => `  ${one(v)}`)];
  const out = ['In force there, for each candidate (the lines do not say which one it was):'];
  const scopes = new Map<string, ApacheValue[]>();
  for (const v of values) scopes.set(v.scope!.label, [...(scopes.get(v.scope!.label) ?? []), v]);
  for (const [label, vs] of scopes) {
    const node = vs[0].scope!.node;
    out.push(`  ${label}${node ? ` (${at(node)})` : ''}: ${vs.map((v) => one(v).replace('  (', ' (')).join('; ')}`);
  }
  return out;
}

/** The rules line, for an indent of two: the rules after the first line up under it. */
function rulesText(rules: readonly string[]): string {
  return `Rules: ${rules.map((id) => `${id} (${docsUrl(ruleMeta(id)!)})`).join('\n         ')}`;
}

/** A log line as shown: control bytes (nginx logs a malformed request line's NULs as they came) written as \xNN, cut at 200. */
const shorten = (raw: string) => {
  const line = raw.replace(/[\x00-\x08\x0b-\x1f\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return line.length > 200 ? line.slice(0, 197) + '...' : line;
};

function toText(x: ExplainedEntry, placing: boolean, cwd: string): string {
  const count = x.alone;
  return [`${count > 1 ? `${count} × ` : ''}${shorten(x.example)}`, ...explanationText(x, { placing, cwd }).map((l) => `  ${l}`)].join('\n') + '\n';
}

/** One request's lines, each with its meaning; the timeouts in force and the rules once. */
function requestText(r: ExplainedRequest, placing: boolean, cwd: string): string {
  const inRequest = { shownFindings: new Set<unknown>(), shownMeanings: new Set<string>() };
  const out: string[] = [];
  if (r.server === 'nginx') {
    const first = [`connection ${r.thread}`, r.client && `client ${r.client}`, r.request].filter(Boolean).join(', ');
    out.push(`${r.count > 1 ? `${r.count} × ` : ''}one request, logged in ${r.lines.length} lines by nginx (${r.count > 1 ? `the first: ${first}` : first}):`);
    if (r.tried?.length) out.push(`  Tried: ${triedText(r.tried)}`);
    out.push(`  ${capital(outcomeText(r.outcome!, (node) => where(node, cwd)))}.`);
  } else {
    const first = `${r.thread}${r.client ? `, client ${r.client}` : ''}`;
    out.push(`${r.count > 1 ? `${r.count} × ` : ''}one request, logged in ${r.lines.length} lines by one httpd thread (${r.count > 1 ? `the first: ${first}` : first}):`);
    if (r.tried?.length) out.push(`  Tried: ${triedText(r.tried)}`);
    if (r.outcome) out.push(`  ${capital(outcomeText(r.outcome))}.`);
  }
  const roles = r.server === 'nginx' ? nginxLineRoles(r.lines.map((l) => l.entry.explanation), r.outcome) : r.roles ?? [];
  r.lines.forEach((line, n) => {
    out.push(`  ${shorten(line.text)}`);
    const text = explanationText(line.entry, { placing, cwd, inRequest, own: line.explanation, ownPlace: line.place });
    if (roles[n]) text[0] = `${r.server === 'nginx' ? 'nginx' : 'Apache httpd'}: ${roles[n]}.`;
    out.push(...text.map((l) => `    ${l}`));
  });
  const rules = [...new Set(r.lines.flatMap((l) => l.entry.rules))];
  if (rules.length) out.push(`  ${rulesText(rules)}`);
  return out.join('\n') + '\n';
}

/** How many of the lines nothing was known about are shown, when none was: enough to see a wrong file or a cut line. */
const SHOWN_UNKNOWN = 3;

/** Nothing explained: which lines were read (the first few), and what explain reads, instead of a bare count. */
function nothingExplained(lines: readonly string[]): string {
  const read = lines.map((text, k) => ({ text, n: k + 1 })).filter((l) => l.text.trim() !== '');
  if (!read.length) return 'No log lines given.\n';
  const out = [`No line explained: ${read.length === 1 ? 'the line is not' : `none of the ${read.length} lines is`} about a failed proxied request that proxylint knows.`];
  for (const l of read.slice(0, SHOWN_UNKNOWN)) out.push(`  line ${l.n}: ${shorten(l.text)}`);
  if (read.length > SHOWN_UNKNOWN) out.push(`  … and ${read.length - SHOWN_UNKNOWN} more`);
  out.push('explain reads error-log lines of nginx (error.log) and Apache httpd (error_log), whole, as logged; access-log lines carry no cause.');
  return out.join('\n') + '\n';
}

const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

function summary(list: ExplainedEntry[], requests: ExplainedRequest[], unknown: number, blank: number, total: number): string {
  const explained = list.reduce((n, x) => n + x.count, 0);
  if (total - blank <= 1 && unknown === 0) return '';
  const grouped = (server: string) => requests.filter((r) => r.server === server).reduce((n, r) => n + r.count, 0);
  const of = (n: number, who: string) => (n ? `; ${n} ${who} request${n === 1 ? '' : 's'} of several lines` : '');
  return `\n${explained} line${explained === 1 ? '' : 's'} explained (${list.length} distinct${of(grouped('apache'), 'httpd')}${of(grouped('nginx'), 'nginx')}), ${unknown} not about a failed proxied request or not known to proxylint.\n`;
}

const pos = (n: { file: { path: string; lines: { positionAt(o: number): { line: number } } }; directive: { start: number } }) => ({ path: n.file.path, line: n.file.lines.positionAt(n.directive.start).line + 1 });

function toJson(x: ExplainedEntry, placing: boolean) {
  return {
    id: x.explanation.pattern.id,
    server: x.explanation.pattern.server,
    count: x.count,
    alone: x.alone,
    example: x.example,
    status: x.explanation.pattern.status,
    statuses: x.explanation.pattern.statuses,
    ...(x.explanation.pattern.server === 'nginx'
      ? {
          outcome: x.outcome ? outcomeJson(x.outcome) : null,
          hedge: x.hedge ? outcomeJson(x.hedge) : null,
          errorPage: x.errorPage ? errorPageJson(x.errorPage) : null,
          cache: x.cache ? { stale: x.cache.stale ? { ...pos(x.cache.stale.node), word: x.cache.stale.word } : null, keepsError: x.cache.keepsError ? { ...pos(x.cache.keepsError.node), status: x.cache.keepsError.status, time: x.cache.keepsError.time } : null } : null,
          notes: nginxNotes(x, (n) => `${n.file.path}:${pos(n).line}`),
        }
      : {}),
    meaning: x.explanation.pattern.meaning,
    fields: x.explanation.fields,
    directives: x.explanation.directives,
    rules: x.rules.map((id) => ({ id, docs: docsUrl(ruleMeta(id)!) })),
    ...(x.nextStep ? { nextStep: x.nextStep } : {}),
    ...(placing
      ? {
          ...(x.apache
            ? {
                backend: x.apache.worker
                  ? { ...pos(x.apache.worker.node), directive: x.apache.worker.node.name, url: x.apache.worker.url, how: x.apache.how, rule: x.apache.rule ? { ...pos(x.apache.rule.node), path: x.apache.rule.path } : null }
                  : x.apache.rewrite
                    ? { ...pos(x.apache.rewrite.node), directive: x.apache.rewrite.node.name, url: x.apache.rewrite.url, how: x.apache.how, rule: null }
                    : x.apache.handler
                      ? { ...pos(x.apache.handler.node), directive: x.apache.handler.node.name, url: x.apache.handler.url, how: x.apache.how, rule: null }
                      : null,
                ...(x.apache.balancer && !x.apache.worker ? { balancer: { ...pos(x.apache.node), name: x.apache.balancer.name, how: x.apache.how } } : {}),
                timeouts: x.apache.values.map((v) => ({ name: v.name, value: v.value, origin: v.origin, ...(v.node ? { at: pos(v.node) } : {}), ...(v.scope ? { for: { label: v.scope.label, ...(v.scope.node ? { at: pos(v.scope.node) } : {}) } } : {}) })),
              }
            : {}),
          place: x.place ? { ...candidateJson(x.place), how: x.place.how, others: (x.place.others ?? []).map(candidateJson) } : null,
          values: x.values.map((v) => ({ ...valueJson(v), ...(v.others ? { others: v.others.map((w) => ({ server: pos(w.server), ...valueJson(w.value) })) } : {}) })),
          findings: x.findings.map((f, k) => ({ ruleId: f.ruleId, message: f.message, ...(x.findingAt?.[k] ?? {}) })),
          ...(x.configFiles ? { configFiles: x.configFiles } : {}),
        }
      : {}),
  };
}

/** A place in JSON: the server block, the location (null for a stream server, which is its own) and the hand-offs that led there. */
function candidateJson(c: PlaceCandidate) {
  const loc = c.location && c.location !== c.server ? { ...pos(c.location), match: c.location.directive.args.map((a) => a.value).join(' ') } : null;
  const node = (n: ConfigNode) => ({ ...pos(n), match: n.directive.args.map((a) => a.value).join(' ') });
  return { server: pos(c.server), location: loc, handoff: (c.handoff ?? []).map((h) => ({ from: node(h.from), via: { ...pos(h.via), directive: `${h.via.name} ${match(h.via)}` }, to: node(h.to) })) };
}

function valueJson(v: ValueHere) {
  return { directive: v.directive, value: v.value ?? null, origin: v.origin, ...(v.node ? { at: pos(v.node) } : {}), ...(v.includerMaySet ? { includerMaySet: true } : {}), ...(v.buildDependent ? { buildDependent: v.buildDependent } : {}), ...(v.group !== undefined ? { upstream: v.group } : {}) };
}

/** An outcome in JSON: `status` is what the client got (null when no line says, or when an error page's own answer decides). */
function outcomeJson(o: NginxOutcome) {
  return { status: o.status ?? null, final: o.final, why: o.why, ...(o.errorPage ? { errorPage: errorPageJson(o.errorPage) } : {}), ...(o.stale ? { stale: pos(o.stale) } : {}) };
}

/** The error_page that replaced the status nginx made: where it is, as written, and what the client got instead. */
function errorPageJson(t: ErrorPageTurn) {
  return { path: t.node.file.path, line: t.node.file.lines.positionAt(t.node.directive.start).line + 1, directive: `error_page ${t.node.directive.args.map((a) => a.raw).join(' ')}`, generated: t.generated, status: t.status ?? null, answer: t.answer };
}
