import type { ByteOrderMark } from '../host';
import type { Fix, RelatedLocation, Severity } from '../finding';
import type { ModuleView } from '../model/apache-modules';
import type { ProxyModel } from '../model/apache-proxy';
import type { ApacheConfig, ApacheNode, ApacheSourceFile } from '../model/apache-tree';
import type { Version } from '../model/version';
import type { Settings } from '../settings';
import type { Span } from '../syntax/apache/ast';
import type { RuleMeta } from './rule';

export interface ApacheReport {
  /** Where: a node (its whole directive line, or section), or a span in a file. */
  node?: ApacheNode;
  at?: { file: ApacheSourceFile } & Span;
  message: string;
  fix?: Fix;
  suggestions?: Fix[];
  related?: RelatedLocation[];
  /** A finding may be milder than the rule's default (never harsher). */
  severity?: Severity;
}

export interface ApacheRuleContext {
  /** The configuration, without the lines of an .htaccess file that httpd rejects (see `notAllowed`). */
  config: ApacheConfig;
  /** In an .htaccess file: the lines httpd rejects with "… not allowed here", in file order (they never take effect). */
  notAllowed: ApacheNode[];
  /** The httpd version the configuration is for (settings `apache.version`; null = unknown). */
  version: Version;
  settings: Settings;
  modules: ModuleView;
  proxy: ProxyModel;
  options: Record<string, unknown>;
  /** Every node with this (lower-case) directive name, in document order. */
  nodes(lname: string): ApacheNode[];
  /** One-based line of a node, for messages. */
  lineOf(node: ApacheNode): number;
  report(r: ApacheReport): void;
  /** The byte-order mark the file starts with (kept out of its text; undefined when none or the host cannot tell). */
  byteOrderMark(file: ApacheSourceFile): ByteOrderMark | undefined;
}

export interface ApacheRule extends RuleMeta {
  server: 'apache' | 'any';
  check(ctx: ApacheRuleContext): void;
}

export function defineApacheRule(rule: ApacheRule): ApacheRule {
  return rule;
}
