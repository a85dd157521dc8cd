import type { Severity } from './finding';
import { parseVersion, type Version } from './model/version';
import type { NginxTarget } from './model/nginx-defaults';
import { parseNginxSize, parseNginxTime } from './model/units';
import { resolve } from './paths';
import type { RuleOption } from './rules/rule';

export type RuleLevel = Severity | 'off';

export interface RuleConfig {
  level?: RuleLevel;
  options: Record<string, unknown>;
}

export interface Settings {
  nginx: NginxTarget & { prefix?: string; pathMap: Record<string, string> };
  /**
   * Apache httpd target: version (null = "unknown"), ServerRoot (against which relative Include paths resolve), and
   * the names httpd is started with `-D` (for `<IfDefine>`; undefined = not known).
   */
  apache: { version: Version; serverRoot?: string; pathMap: Record<string, string>; defines?: string[] };
  /** Facts about the world around the proxy that the config cannot show (e.g. an outer load balancer). */
  environment: {
    /** Idle timeout of a load balancer in front of nginx (AWS ALB: 60 s): it answers 504 itself when nginx waits longer. */
    outerIdleTimeoutMs?: number;
    /** Idle keep-alive timeout of the backends (Node.js ≤ 25: 5 s, gunicorn: 2 s): pooled connections must close before it. */
    backendKeepaliveTimeoutMs?: number;
  };
  rules: Map<string, RuleConfig>;
  ignore: string[];
  /** Analysis limits (README "Limits"): the CLI sets them from --max-include-depth, --max-directives and --max-findings-per-rule. */
  limits?: { maxIncludeDepth?: number; maxDirectives?: number; maxFindingsPerRule?: number };
}

export function defaultSettings(): Settings {
  return {
    nginx: { version: null, edition: 'unknown', pageSize: 4096, pathMap: {} },
    apache: { version: null, pathMap: {} },
    environment: {},
    rules: new Map(),
    ignore: [],
  };
}

const LEVELS = ['off', 'info', 'warning', 'error'];
const TOP_KEYS = ['$schema', 'nginx', 'apache', 'environment', 'rules', 'ignore'];

/** The options a rule declares (RuleMeta.options), by rule id; undefined for a rule that takes none. */
export type RuleOptionsOf = (id: string) => Readonly<Record<string, RuleOption>> | undefined;

/**
 * Reads a parsed `.proxylintrc.json` object. Problems are returned, not thrown: the CLI turns them into
 * a usage error (exit 2) and the editor into a notification, and neither should die on a typo.
 * With `optionsOf`, a rule's options are checked against what the rule declares.
 */
export function readProjectConfig(json: unknown, configDir: string, knownRules: ReadonlySet<string>, optionsOf?: RuleOptionsOf): { settings: Settings; problems: string[] } {
  const settings = defaultSettings();
  const problems: string[] = [];
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return { settings, problems: ['the configuration must be a JSON object'] };
  const o = json as Record<string, unknown>;
  for (const k of Object.keys(o)) if (!TOP_KEYS.includes(k)) problems.push(`unknown key "${k}" (expected one of ${TOP_KEYS.join(', ')})`);

  const nginx = objectAt(o, 'nginx', problems);
  if (nginx) {
    if (nginx.version !== undefined) {
      if (typeof nginx.version !== 'string' || (nginx.version !== 'unknown' && !parseVersion(nginx.version))) problems.push('nginx.version must be "unknown" or a version such as "1.22.1"');
      else settings.nginx.version = parseVersion(nginx.version);
    }
    if (nginx.edition !== undefined) {
      if (nginx.edition === 'oss' || nginx.edition === 'plus' || nginx.edition === 'unknown') settings.nginx.edition = nginx.edition;
      else problems.push('nginx.edition must be "oss", "plus" or "unknown"');
    }
    if (nginx.pageSize !== undefined) {
      const size = typeof nginx.pageSize === 'string' ? parseNginxSize(nginx.pageSize) : typeof nginx.pageSize === 'number' ? nginx.pageSize : null;
      if (!size) problems.push('nginx.pageSize must be a size such as "4k"');
      else settings.nginx.pageSize = size;
    }
    if (nginx.prefix !== undefined) {
      if (typeof nginx.prefix !== 'string') problems.push('nginx.prefix must be a path');
      else settings.nginx.prefix = resolve(configDir, nginx.prefix);
    }
    if (nginx.pathMap !== undefined) {
      const map = nginx.pathMap;
      if (typeof map !== 'object' || map === null || Array.isArray(map) || Object.values(map).some((v) => typeof v !== 'string')) problems.push('nginx.pathMap must map absolute path prefixes to folders');
      else for (const [from, to] of Object.entries(map as Record<string, string>)) settings.nginx.pathMap[from] = resolve(configDir, to);
    }
    for (const k of Object.keys(nginx)) if (!['version', 'edition', 'pageSize', 'prefix', 'pathMap'].includes(k)) problems.push(`unknown key "nginx.${k}"`);
  }

  const apache = objectAt(o, 'apache', problems);
  if (apache) {
    if (apache.version !== undefined) {
      if (typeof apache.version !== 'string' || (apache.version !== 'unknown' && !parseVersion(apache.version))) problems.push('apache.version must be "unknown" or a version such as "2.4.62"');
      else settings.apache.version = parseVersion(apache.version);
    }
    if (apache.serverRoot !== undefined) {
      if (typeof apache.serverRoot !== 'string') problems.push('apache.serverRoot must be a path');
      else settings.apache.serverRoot = resolve(configDir, apache.serverRoot);
    }
    if (apache.pathMap !== undefined) {
      const map = apache.pathMap;
      if (typeof map !== 'object' || map === null || Array.isArray(map) || Object.values(map).some((v) => typeof v !== 'string')) problems.push('apache.pathMap must map absolute path prefixes to folders');
      else for (const [from, to] of Object.entries(map as Record<string, string>)) settings.apache.pathMap[from] = resolve(configDir, to);
    }
    if (apache.defines !== undefined) {
      const names = apache.defines;
      // httpd takes `-D NAME` as one word; IfDefine compares it as written (case-sensitive).
      if (!Array.isArray(names) || names.some((n) => typeof n !== 'string' || !/^[^\s!]\S*$/.test(n))) problems.push('apache.defines must list the names httpd is started with -D, such as ["SSL"] ([] for none)');
      else settings.apache.defines = [...names] as string[];
    }
    for (const k of Object.keys(apache)) if (!['version', 'serverRoot', 'pathMap', 'defines'].includes(k)) problems.push(`unknown key "apache.${k}"`);
  }

  const env = objectAt(o, 'environment', problems);
  if (env) {
    const time = (key: string): number | undefined => {
      if (env[key] === undefined) return undefined;
      const ms = typeof env[key] === 'string' ? parseNginxTime(env[key] as string, 'msec') : null;
      if (ms === null) problems.push(`environment.${key} must be a time such as "60s"`);
      return ms ?? undefined;
    };
    settings.environment.outerIdleTimeoutMs = time('outerIdleTimeout');
    settings.environment.backendKeepaliveTimeoutMs = time('backendKeepaliveTimeout');
    for (const k of Object.keys(env)) if (k !== 'outerIdleTimeout' && k !== 'backendKeepaliveTimeout') problems.push(`unknown key "environment.${k}"`);
  }

  const rules = objectAt(o, 'rules', problems);
  if (rules) {
    for (const [id, value] of Object.entries(rules)) {
      if (!knownRules.has(id)) {
        problems.push(`unknown rule "${id}"`);
        continue;
      }
      // ["warning"] is a level without options, as the schema allows (minItems 1); more than two items is a mistake.
      if (Array.isArray(value) && (value.length === 0 || value.length > 2)) {
        problems.push(`rules.${id}: use "off", "info", "warning" or "error" (optionally as [level, {options}])`);
        continue;
      }
      const [level, options = {}] = Array.isArray(value) ? value : [value, {}];
      if (typeof level !== 'string' || !LEVELS.includes(level)) {
        problems.push(`rules.${id}: use "off", "info", "warning" or "error" (optionally as [level, {options}])`);
        continue;
      }
      if (typeof options !== 'object' || options === null || Array.isArray(options)) {
        problems.push(`rules.${id}: options must be an object`);
        continue;
      }
      if (optionsOf) {
        const wrong = optionProblems(id, options as Record<string, unknown>, optionsOf(id) ?? {});
        if (wrong.length) {
          problems.push(...wrong);
          continue;
        }
      }
      settings.rules.set(id, { level: level as RuleLevel, options: options as Record<string, unknown> });
    }
  }

  if (o.ignore !== undefined) {
    if (!Array.isArray(o.ignore) || o.ignore.some((g) => typeof g !== 'string')) problems.push('ignore must be a list of glob patterns');
    else settings.ignore = o.ignore as string[];
  }
  return { settings, problems };
}

/** What is wrong with the options given to rule `id`, against the ones it declares. */
function optionProblems(id: string, given: Record<string, unknown>, declared: Readonly<Record<string, RuleOption>>): string[] {
  const names = Object.keys(declared);
  const out: string[] = [];
  for (const [name, value] of Object.entries(given)) {
    const spec = declared[name];
    if (!spec) {
      out.push(names.length ? `rules.${id}: unknown option "${name}" (expected ${names.map((n) => `"${n}"`).join(' or ')})` : `rules.${id}: this rule takes no options (got "${name}")`);
      continue;
    }
    if (spec.kind === 'count') {
      if (!(typeof value === 'number' && Number.isInteger(value) && value >= 1)) out.push(`rules.${id}: option "${name}" must be a whole number of 1 or more`);
    } else if (typeof value === 'number') {
      if (!(Number.isFinite(value) && value >= 0)) out.push(`rules.${id}: option "${name}" must be a number of seconds of 0 or more`);
    } else if (spec.kind === 'time' && typeof value === 'string') {
      if (parseNginxTime(value, 'msec') === null) out.push(`rules.${id}: option "${name}" must be a number of seconds or an nginx time such as "10s" (got "${value}")`);
    } else {
      out.push(`rules.${id}: option "${name}" must be a number of seconds${spec.kind === 'time' ? ' or an nginx time such as "10s"' : ''}`);
    }
  }
  return out;
}

function objectAt(o: Record<string, unknown>, key: string, problems: string[]): Record<string, unknown> | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    problems.push(`"${key}" must be an object`);
    return undefined;
  }
  return v as Record<string, unknown>;
}

/**
 * The entries of a project file that read without a problem on their own, for layering it over the editor's settings:
 * merged first and checked after, `"rules": { "x": "loud" }` would replace the user's valid `"x": "off"` and then be
 * dropped, so the rule came back at its default. Checked per top-level key, or per second-level key inside objects
 * (`rules.<id>`, `nginx.version`, …). The problems themselves are still reported from the whole file.
 */
export function validEntries(json: unknown, configDir: string, knownRules: ReadonlySet<string>, optionsOf?: RuleOptionsOf): Record<string, unknown> {
  const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  const out: Record<string, unknown> = {};
  if (!isObj(json)) return out;
  const ok = (candidate: unknown) => readProjectConfig(candidate, configDir, knownRules, optionsOf).problems.length === 0;
  for (const [k, v] of Object.entries(json)) {
    if (!isObj(v)) {
      if (ok({ [k]: v })) out[k] = v;
      continue;
    }
    const kept: Record<string, unknown> = {};
    for (const [sk, sv] of Object.entries(v)) if (ok({ [k]: { [sk]: sv } })) kept[sk] = sv;
    if (Object.keys(kept).length || ok({ [k]: {} })) out[k] = kept;
  }
  return out;
}
