import type { HttpStandinOptions } from '../servers/standins/http';

/** A stand-in upstream a scenario needs; its address replaces `{{name}}` (and its port `{{name.port}}`) in the config. */
export type StandinSpec =
  | ({ kind: 'http'; /** listen on this UNIX socket in the temp folder instead of TCP */ unix?: string } & HttpStandinOptions)
  | ({ kind: 'tls'; sniName?: string } & Omit<HttpStandinOptions, 'tls'>)
  | { kind: 'refused' }
  | { kind: 'blackhole' }
  | { kind: 'fastcgi'; delayMs?: number; /** listen on this UNIX socket in the temp folder instead of TCP */ unix?: string }
  | { kind: 'dns'; silent?: boolean; answer?: string }
  /** An outer load balancer with an idle timeout; requests go through it when the plan says `via`. */
  | { kind: 'lb'; idleMs: number };

/** What a client observed through the real server (or what `-t` said). */
export interface Observation {
  /** One entry per request: "502", "200 truncated", "non-http", "no-response". */
  statuses: string[];
  /** With holdOpenMs: when the server closed each connection after its header (undefined: still open). */
  closedAfter: (number | undefined)[];
  /** Milliseconds per request. */
  times: number[];
  errorLog: string;
  /** Output of `nginx -t` / `apache2 -t`. */
  configTest: string;
  configOk: boolean;
  /** Requests (or FastCGI requests / DNS questions) and connections each stand-in saw. */
  standins: Record<string, { connections: number; requests: { method?: string; path?: string; version?: string; headers?: Record<string, string>; keepConn?: boolean; connection: number; servername?: string }[]; questions?: string[] }>;
  responses: { status: string; headers: Record<string, string>; body: string }[];
}

export interface Expectation {
  /**
   * 'startup-failure': `-t` must reject the config with `log` in its output. Otherwise every request's status must be
   * this ("200 truncated" for a cut body, "non-http" for an HTTP/0.9 relay); `statuses` gives an exact sequence instead.
   * 'config-ok': only `-t` must accept the configuration (nothing is started).
   */
  status?: number | 'startup-failure' | 'config-ok' | '200 truncated' | 'non-http';
  statuses?: string[];
  /** Must occur in the error log (or the -t output for start-up failures). */
  log?: string | RegExp;
  /** Must not occur in the error log. */
  noLog?: string | RegExp;
  /** Further conditions; returns what went wrong, or undefined. */
  check?: (o: Observation) => string | undefined;
  /** Shown in the "claimed" column when `status` does not say it (e.g. "some 502"). */
  label?: string;
  /** Shown in the table instead of the status list. */
  show?: (o: Observation) => string;
}

export interface RequestPlan {
  path?: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  bodyBytes?: number;
  /** How many requests (default 1), one after the other unless `parallel`. */
  count?: number;
  parallel?: boolean;
  /** Pause before each request after the first (e.g. to let a keep-alive connection go idle). */
  pauseMs?: number;
  timeoutMs?: number;
  /** Before the counted requests: requests whose statuses are not judged (e.g. to mark servers failed). */
  warmup?: { path?: string; method?: string; count: number };
  headOnly?: boolean;
  /** Keep each connection open this long after the response header (WebSocket tunnels). */
  holdOpenMs?: number;
  /** Start each request as a gRPC client over cleartext does: the HTTP/2 preface instead of an HTTP/1.1 request. */
  h2Preface?: boolean;
  /** Before the counted requests: this many clients that send a request and never read the answer. */
  stalledReaders?: { count: number; path?: string; settleMs?: number };
  /** Send the requests to this stand-in (an `lb`), which forwards them to the server under test. */
  via?: string;
  /** Runs before any request of a phase (e.g. to bring a backend up). */
  before?: (ctx: { dir: string; vars: Record<string, string>; standins: Record<string, unknown> }) => void | Promise<void>;
  /** Runs after the warm-up requests, before the counted ones (e.g. to change what a name resolves to). */
  midway?: (ctx: { dir: string; vars: Record<string, string>; standins: Record<string, unknown> }) => void | Promise<void>;
}

/** A literal replacement in an example; with 'optional' it may find nothing (e.g. a value only the fix writes). */
export type Replacement = [string | RegExp, string] | [string | RegExp, string, 'optional'];

export type ConfigSource =
  | string
  /** The doc page's example (section Incorrect, first block by default) with literal replacements; each `from` must occur. */
  | { fromDoc: { section?: 'Incorrect' | 'Correct'; index?: number; replace?: Replacement[]; prepend?: string; append?: string } }
  /** A fixture file under test/rules/<server>/<rule>/ with literal replacements. */
  | { fixture: string; replace?: Replacement[] };

export interface Scenario {
  rule: string;
  server: 'nginx' | 'apache';
  /** Tells variants of one rule apart in the table. */
  variant?: string;
  /** What the rule's doc page claims, and how to see it. */
  claim: Expectation & {
    /** Fragments the doc page must contain (default: the status code, and `log` when it is a string). */
    doc?: string[];
  };
  config: ConfigSource;
  /** Other files in the prefix/ServerRoot, with the same placeholders. */
  files?: Record<string, string>;
  standins?: Record<string, StandinSpec>;
  request?: RequestPlan;
  /** Apache: modules to load around the config (default: proxy modules unless the config loads its own). */
  modules?: string[];
  logLevel?: string;
  /**
   * Run `-t` in a private network namespace (`unshare -n`): a name that is not in /etc/hosts then fails to resolve
   * without a DNS query leaving the machine. Such scenarios can only claim start-up failures.
   */
  isolatedNetwork?: boolean;
  /**
   * The /etc/hosts the server sees (placeholders allowed), bind-mounted in a private mount namespace; the file is
   * {{dir}}/hosts, so a `midway` hook can change it while the server runs.
   */
  hosts?: string;
  /**
   * Lint and fix the example as the doc writes it (for rules that judge by the port, e.g. https:// to :8080), then
   * rewrite it for the stand-ins: the replacements must still apply to the fixed text.
   */
  lintOriginal?: boolean;
  /** Lint this file of the setup (relative to its folder, e.g. "www/.htaccess") instead of the main configuration. */
  lintPath?: string;
  /** Run `-t` with this open-files limit (`ulimit -n`), e.g. 1024, systemd's default for services. */
  nofile?: number;
  /**
   * Which quick fix to apply: the rule's safe fix (default when it has one) or a suggestion (first, or the one whose
   * title matches); `edit` then fills what the fix leaves to the user (a placeholder). `false`: the rule offers none.
   */
  /** The run is scaled in time, so the finding's message (which speaks of the real values) is not compared with it. */
  scaled?: boolean;
  /** Why this variant does not apply the fix (another variant of the rule does). */
  noFixHere?: string;
  fix?: false | { use?: 'safe' | 'suggestion'; title?: RegExp; edit?: (text: string, vars: Record<string, string>) => string; stillFlagged?: boolean };
  /** What the doc promises once the fix is in (the -t check always runs first). */
  afterFix?: Expectation;
  /** When the outcome is a risk rather than a certainty, or the scenario forces a race: said in the table. */
  note?: string;
}

export const defineScenario = (s: Scenario) => s;
