import type { Finding } from './finding';
import { validateFindings } from './validate';
import type { Host } from './host';
import { applySuppressions, demoteSharedFileFixes } from './lint';
import { runRules } from './run-rules';
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
    maxIncludeDepth: settings.limits?.maxIncludeDepth,
    maxDirectives: settings.limits?.maxDirectives,
  });
  const modules = buildModuleView(config);
  const proxy = buildProxyModel(config);
  const byName = new Map<string, ApacheNode[]>();
  for (const n of config.all) {
    const list = byName.get(n.lname);
    if (list) list.push(n);
    else byName.set(n.lname, [n]);
  }
  const lineOf = (n: ApacheNode) => n.file.lines.positionAt(n.directive.start).line + 1;
  const { findings, ran } = runRules(
    options.rules ?? apacheRules,
    settings,
    config.entry.path,
    (rule, place): ApacheRuleContext => ({
      config,
      version: settings.apache.version,
      settings,
      modules,
      proxy,
      options: settings.rules.get(rule.id)?.options ?? {},
      nodes: (name) => byName.get(name) ?? [],
      lineOf,
      report: (r: ApacheReport) => {
        const file = r.node?.file ?? r.at?.file ?? config.entry;
        // A section is reported on its opening line, not on everything up to its closing tag.
        const span = r.node ? (r.node.directive.section ? { start: r.node.directive.start, end: r.node.directive.nameSpan.end } : r.node.directive) : r.at ?? { start: 0, end: 0 };
        place({ ...r, path: file.path, start: span.start, end: span.end });
      },
    }),
    (rule, ctx) => rule.check(ctx),
  );
  return { config, modules, proxy, findings: applySuppressions(demoteSharedFileFixes(validateFindings(findings, config.files), config.all), config.files, settings, ran) };
}
