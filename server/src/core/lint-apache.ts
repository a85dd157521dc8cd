import type { Finding } from './finding';
import type { Host } from './host';
import { applySuppressions, INTERNAL_ERROR, mildest, demoteSharedFileFixes } from './lint';
import { buildModuleView, type ModuleView } from './model/apache-modules';
import { buildProxyModel, type ProxyModel } from './model/apache-proxy';
import { loadApacheConfig, type ApacheConfig, type ApacheNode, type ApacheSourceFile } from './model/apache-tree';
import type { ApacheReport, ApacheRule, ApacheRuleContext } from './rules/apache-rule';
import { apacheRules } from './rules/families/apache';
import type { Settings } from './settings';

export interface ApacheLintOptions {
  settings: Settings;
  rules?: ApacheRule[];
  parse?: (path: string, text: string) => ApacheSourceFile;
  /** Lint as an .htaccess file (default: by the file name). */
  htaccess?: boolean;
}

export interface ApacheLintResult {
  config: ApacheConfig;
  modules: ModuleView;
  proxy: ProxyModel;
  findings: Finding[];
}

/** Lints an httpd configuration (a full httpd.conf/apache2.conf with its Includes, a fragment, or an .htaccess). */
export function lintApache(path: string, text: string, host: Host, options: ApacheLintOptions): ApacheLintResult {
  const { settings } = options;
  const config = loadApacheConfig(path, text, host, {
    serverRoot: settings.apache.serverRoot,
    pathMap: settings.apache.pathMap,
    parse: options.parse,
    htaccess: options.htaccess,
  });
  const modules = buildModuleView(config);
  const proxy = buildProxyModel(config);
  const byName = new Map<string, ApacheNode[]>();
  for (const n of config.all) {
    const list = byName.get(n.lname);
    if (list) list.push(n);
    else byName.set(n.lname, [n]);
  }
  const findings: Finding[] = [];
  const ran = new Set<string>();
  const lineOf = (n: ApacheNode) => n.file.lines.positionAt(n.directive.start).line + 1;

  for (const rule of options.rules ?? apacheRules) {
    const userLevel = settings.rules.get(rule.id)?.level;
    if (userLevel === 'off') continue;
    ran.add(rule.id);
    const report = (r: ApacheReport) => {
      const file = r.node?.file ?? r.at?.file ?? config.entry;
      // A section is reported on its opening line, not on everything up to its closing tag.
      const span = r.node ? (r.node.directive.section ? { start: r.node.directive.start, end: r.node.directive.nameSpan.end } : r.node.directive) : r.at ?? { start: 0, end: 0 };
      findings.push({
        ruleId: rule.id,
        severity: userLevel ?? mildest(rule.severity, r.severity),
        message: r.message,
        path: file.path,
        start: span.start,
        end: span.end,
        fix: r.fix,
        suggestions: r.suggestions ?? [],
        related: r.related ?? [],
      });
    };
    const ctx: ApacheRuleContext = {
      config,
      version: settings.apache.version,
      settings,
      modules,
      proxy,
      options: settings.rules.get(rule.id)?.options ?? {},
      nodes: (name) => byName.get(name) ?? [],
      lineOf,
      report,
    };
    try {
      rule.check(ctx);
    } catch (e) {
      findings.push({
        ruleId: INTERNAL_ERROR,
        severity: 'error',
        message: `proxylint bug: rule "${rule.id}" failed on this file (${e instanceof Error ? e.message : String(e)}); please report it`,
        path: config.entry.path,
        start: 0,
        end: 0,
        suggestions: [],
        related: [],
      });
    }
  }
  return { config, modules, proxy, findings: applySuppressions(demoteSharedFileFixes(findings, config.all), config.files, settings, ran) };
}
