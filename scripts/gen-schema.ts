// Writes schemas/proxylintrc.schema.json (the JSON schema VS Code uses for .proxylintrc.json) and the rule-id
// list of the `proxylint.rules` setting in package.json: npm run docs:schema
// test/unit/schema.test.ts fails when either is out of date.
//
// Rule ids and summaries come from the rule registry. The keys come from settings.ts itself: the script reads
// the key lists its "unknown key" checks use, and refuses to run when a key has no description below, so a
// key added there cannot silently miss from the schema.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { allRules } from '../server/src/core/rules/index';
import { docsUrl, type RuleMeta, type RuleOption } from '../server/src/core/rules/rule';

const ROOT = join(__dirname, '..');
export const SCHEMA_PATH = join(ROOT, 'schemas', 'proxylintrc.schema.json');
const SETTINGS_TS = join(ROOT, 'server', 'src', 'core', 'settings.ts');

type Schema = Record<string, unknown>;

export const LEVELS = ['off', 'info', 'warning', 'error'];
/**
 * A time as nginx reads a timeout (parseNginxTime, the msec form): "60s", "1m30s", "500ms", "1h30"; units from largest
 * to smallest, a number without a unit (or with a blank after it) is seconds. Only the 64-bit limit is left to the reader.
 */
export const TIME_PATTERN = '^(?=.*\\d)(\\d*w *)?(\\d*d *)?(\\d*h *)?(\\d*m(?!s) *)?((\\d*s *)?(\\d*ms *)?|\\d* +)\\d*$';
const VERSION_PATTERN = '^(unknown|\\d+\\.\\d+(\\.\\d+)?)$';
const time = (description: string): Schema => ({ type: 'string', pattern: TIME_PATTERN, description, examples: ['60s', '5s'] });

/** Every key settings.ts knows, with the text the editor shows for it. */
const KEYS: Record<string, Schema | Record<string, Schema>> = {
  $schema: { type: 'string', description: 'The schema of this file (editors only).' },
  nginx: {
    version: {
      type: 'string',
      pattern: VERSION_PATTERN,
      default: 'unknown',
      description: 'Target nginx version, e.g. "1.22.1". Rules about defaults that changed between versions (1.29.7 turned upstream keep-alive on) stay conservative while it is "unknown".',
    },
    edition: { enum: ['oss', 'plus', 'unknown'], default: 'unknown', description: 'nginx Open Source ("oss") or NGINX Plus ("plus"): some directives exist only in Plus.' },
    pageSize: {
      type: ['string', 'integer'],
      pattern: '^\\d+[kKmMgG]?$',
      default: '4k',
      description: 'Memory page size of the target machine (buffer defaults are one page), e.g. "4k".',
    },
    prefix: { type: 'string', description: 'Folder that relative include paths resolve against, relative to this file (default: the main config\'s folder).' },
    pathMap: {
      type: 'object',
      additionalProperties: { type: 'string' },
      description: 'Maps absolute path prefixes on the server to folders in your checkout, e.g. { "/etc/nginx/": "./nginx/" }.',
    },
  },
  apache: {
    version: { type: 'string', pattern: VERSION_PATTERN, default: 'unknown', description: 'Target Apache httpd version, e.g. "2.4.62".' },
    serverRoot: { type: 'string', description: 'ServerRoot of the target, relative to this file: relative Include paths resolve against it (default: a ServerRoot directive, else the main config\'s folder and the folders above it). Set it to have missing relative includes reported as errors.' },
    pathMap: {
      type: 'object',
      additionalProperties: { type: 'string' },
      description: 'Maps absolute path prefixes on the server to folders in your checkout, e.g. { "/etc/apache2/": "./apache2/" }.',
    },
    defines: {
      type: 'array',
      items: { type: 'string', pattern: '^[^\\s!]\\S*$' },
      uniqueItems: true,
      description: 'The names httpd is started with -D (e.g. ["SSL"]; [] for none: Debian\'s apache2ctl passes none unless APACHE_ARGUMENTS in envvars adds some, Red Hat\'s unit and the Docker image pass FOREGROUND). With it, an <IfDefine> for a name that neither these nor a Define above set is known to be skipped; without it, such a section is checked as if read.',
    },
  },
  environment: {
    outerIdleTimeout: time('Idle timeout of a load balancer in front of the proxy (AWS ALB: 60s). It answers 504 itself when the proxy waits longer. Rules that need it stay silent until it is set.'),
    backendKeepaliveTimeout: time('Idle keep-alive timeout of the backends (Node.js up to 25: 5s, gunicorn: 2s). Pooled connections must close before it, or requests race the close and get 502.'),
  },
  rules: {},
  ignore: { type: 'array', items: { type: 'string' }, description: 'Glob patterns (relative to this file) of files not to lint.' },
};

/** The key lists settings.ts checks against: top level, and per section where it reports unknown keys. */
export function settingsKeys(source = readFileSync(SETTINGS_TS, 'utf8')): { top: string[]; sections: Record<string, string[]> } {
  const list = (s: string) => [...s.matchAll(/'([^']+)'/g)].map((m) => m[1]);
  const top = /const TOP_KEYS = \[([^\]]*)\]/.exec(source);
  if (!top) throw new Error('settings.ts: TOP_KEYS not found; update scripts/gen-schema.ts');
  const sections: Record<string, string[]> = {};
  // for (const k of Object.keys(nginx)) if (!['version', …].includes(k)) problems.push(`unknown key "nginx.${k}"`)
  for (const m of source.matchAll(/if \(!\[([^\]]*)\]\.includes\(k\)\) problems\.push\(`unknown key "(\w+)\.\$\{k\}"`\)/g)) sections[m[2]] = list(m[1]);
  // if (k !== 'a' && k !== 'b') problems.push(`unknown key "environment.${k}"`)
  for (const m of source.matchAll(/if \(((?:k !== '[^']+'(?: && )?)+)\) problems\.push\(`unknown key "(\w+)\.\$\{k\}"`\)/g)) sections[m[2]] = list(m[1]);
  return { top: list(top[1]), sections };
}

/** One option as settings.ts checks it (optionProblems). */
function optionSchema(o: RuleOption): Schema {
  const seconds = { type: 'number', minimum: 0 };
  if (o.kind === 'count') return { type: 'integer', minimum: 1, description: o.description };
  if (o.kind === 'seconds') return { ...seconds, description: o.description };
  // The string's syntax is nginx's ("1m 30s" too): settings.ts checks it with the parser the rules use.
  return { anyOf: [seconds, { type: 'string' }], description: o.description };
}

/** A rule's value: a level, or [level, {options}] with the options the rule declares, and no others. */
function ruleValue(level: Schema, rule: RuleMeta): Schema {
  const options: Schema = { type: 'object', description: 'Rule options (see the rule\'s page).', properties: Object.fromEntries(Object.entries(rule.options ?? {}).map(([k, o]) => [k, optionSchema(o)])), additionalProperties: false };
  return {
    oneOf: [level, { type: 'array', items: [level, options], additionalItems: false, minItems: 1 }],
  };
}

export function buildSchema(source?: string): Schema {
  const { top, sections } = settingsKeys(source);
  const missing = top.filter((k) => !(k in KEYS)).concat(Object.entries(sections).flatMap(([s, ks]) => ks.filter((k) => !(k in ((KEYS[s] as Record<string, Schema>) ?? {}))).map((k) => `${s}.${k}`)));
  if (missing.length) throw new Error(`describe ${missing.join(', ')} in scripts/gen-schema.ts`);
  const levels: Schema = { enum: LEVELS };
  const properties: Record<string, Schema> = {};
  for (const key of top) {
    const spec = KEYS[key];
    if (key === 'rules') {
      properties.rules = {
        type: 'object',
        description: 'Severity per rule id: "off", "info", "warning" or "error", or [level, {options}].',
        properties: Object.fromEntries(
          allRules.map((r) => [r.id, { ...ruleValue(levels, r), description: `${r.summary} (default: ${r.severity})`, markdownDescription: `${r.summary} Default: \`${r.severity}\`. [Rule page](${docsUrl(r)})` }]),
        ),
        additionalProperties: false,
      };
    } else if ('type' in spec || 'enum' in spec) {
      properties[key] = spec as Schema;
    } else {
      // Sections that settings.ts checks key by key are closed; others (apache, for now) accept more keys.
      const checked = sections[key];
      const props = Object.fromEntries(Object.entries(spec as Record<string, Schema>).filter(([k]) => !checked || checked.includes(k)));
      properties[key] = { type: 'object', properties: props, additionalProperties: !checked };
    }
  }
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'https://github.com/proxylint/proxylint/blob/main/schemas/proxylintrc.schema.json',
    title: 'proxylint project configuration (.proxylintrc.json)',
    description: 'Read by the proxylint CLI and the editor extension; generated by scripts/gen-schema.ts from the rule registry and settings.ts.',
    type: 'object',
    properties,
    additionalProperties: false,
  };
}

/**
 * The `proxylint.rules` setting in package.json: the same rule ids and values as .proxylintrc.json's `rules` (a level,
 * or [level, {options}] for a rule that has options): the server reads both the same way, and a settings.json value
 * the schema refused would be flagged by VS Code and dropped.
 */
export function rulesSetting(): Schema {
  const levels: Schema = { enum: LEVELS };
  return {
    type: 'object',
    default: {},
    markdownDescription:
      'Severity per rule id (`off`, `info`, `warning`, `error`), or `[level, {options}]` for a rule with options (see its page). A `.proxylintrc.json` sets the same per rule and wins for the rules it names; these apply to the others.',
    properties: Object.fromEntries(allRules.map((r) => [r.id, { ...(r.options && Object.keys(r.options).length ? ruleValue(levels, r) : levels), description: `${r.summary} (default: ${r.severity})` }])),
    additionalProperties: false,
  };
}

export const schemaText = (source?: string) => JSON.stringify(buildSchema(source), null, 2) + '\n';

export function withRulesSetting(pkgText: string): string {
  const pkg = JSON.parse(pkgText);
  const props = pkg.contributes?.configuration?.properties;
  if (!props?.['proxylint.rules']) throw new Error('package.json has no proxylint.rules setting');
  props['proxylint.rules'] = rulesSetting();
  return JSON.stringify(pkg, null, 2) + '\n';
}

if (require.main === module) {
  writeFileSync(SCHEMA_PATH, schemaText());
  const pkgPath = join(ROOT, 'package.json');
  writeFileSync(pkgPath, withRulesSetting(readFileSync(pkgPath, 'utf8')));
  console.log(`${allRules.length} rules written to schemas/proxylintrc.schema.json and the proxylint.rules setting in package.json`);
}
