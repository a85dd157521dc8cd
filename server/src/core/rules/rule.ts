import type { Fix, RelatedLocation, Severity } from '../finding';
import type { Effective } from '../model/nginx-effective';
import type { ConfigNode, NginxConfig, SourceFile } from '../model/nginx-tree';
import type { UpstreamGraph } from '../model/nginx-upstreams';
import type { NginxTarget } from '../model/nginx-defaults';
import type { Settings } from '../settings';
import type { ByteOrderMark } from '../host';
import type { Span } from '../syntax/nginx/ast';

/**
 * What a user sees when the problem bites ('source-leak': 200 with a script's source code instead of its output; '400':
 * nginx itself refuses the client's request, as with gRPC clients on a server without HTTP/2).
 */
export type Outcome = '502' | '503' | '504' | '500' | '502/504' | '400' | 'startup-failure' | 'silent' | 'wrong-backend-path' | 'lint' | 'source-leak';

export const DOCS_BASE = 'https://github.com/proxylint/proxylint/blob/main/server/src/core/rules';

export interface RuleMeta {
  /** Stable kebab-case id that names the problem; never renamed or reused. */
  id: string;
  server: 'nginx' | 'apache' | 'any';
  severity: Severity;
  outcome: Outcome;
  /** One line, shown in rule lists and SARIF. */
  summary: string;
  /** Directives the rule looks at; the corpus report measures how often it fires among files that use them. */
  directives?: string[];
  /** nginx versions the rule applies to, as stated on its doc page (e.g. "all", "< 1.29.7"). */
  versions?: string;
  /**
   * The options `.proxylintrc.json` may give the rule (`"rules": { id: [level, { name: value }] }`), by name. Any
   * other name, or a value of the wrong kind, is a configuration problem: a rule would otherwise fall back to its
   * default without a word, and a CI job would pass on a threshold the user never got.
   */
  options?: Record<string, RuleOption>;
}

/**
 * The kind of value a rule option takes: `seconds`, a number of seconds (0 or more); `time`, that or an nginx time
 * (`"5s"`, `"1m30s"`); `count`, a whole number of 1 or more.
 */
export interface RuleOption {
  kind: 'seconds' | 'time' | 'count';
  /** What it sets, for the schema (editors show it), with its default. */
  description: string;
}

export function docsUrl(meta: Pick<RuleMeta, 'id' | 'server'>): string {
  return `${DOCS_BASE}/${meta.server === 'any' ? 'common' : meta.server}/${meta.id}.md`;
}

export interface Report {
  /** Where: a node (its whole directive), or a span in a file. */
  node?: ConfigNode;
  at?: { file: SourceFile } & Span;
  message: string;
  fix?: Fix;
  suggestions?: Fix[];
  related?: RelatedLocation[];
  /** A finding may be milder than the rule's default (never harsher), e.g. a missing absolute include. */
  severity?: Severity;
  /**
   * The finding is milder only because nginx.version is not set, and has the rule's own severity on these versions
   * ("nginx before 1.29.7"): the CLI says so, since a CI run that fails on warnings lets it pass.
   */
  milderForUnknownVersion?: string;
}

export interface NginxRuleContext {
  config: NginxConfig;
  target: NginxTarget;
  settings: Settings;
  upstreams: UpstreamGraph;
  options: Record<string, unknown>;
  /** Every node with this directive name, in document order. */
  nodes(name: string): ConfigNode[];
  /** The value in force inside block `scope` (null = top level), with its origin. */
  effective(scope: ConfigNode | null, name: string): Effective;
  /** The byte-order mark the file starts with on disk (or in the text handed over), which the reader keeps out of `text`. */
  byteOrderMark(file: SourceFile): ByteOrderMark | undefined;
  report(r: Report): void;
}

export interface NginxRule extends RuleMeta {
  server: 'nginx' | 'any';
  /**
   * A start-up failure nginx finds only when it merges the values in force (after reading every line): where one
   * of them is written twice at one level, nginx stops at that duplicate first, and there is no value to judge.
   */
  judgesMergedValues?: true;
  check(ctx: NginxRuleContext): void;
}

export function defineNginxRule(rule: NginxRule): NginxRule {
  return rule;
}
