// Shared by the SARIF tests (not a test file itself): the official SARIF 2.1.0 JSON schema, compiled once, and the
// further requirements GitHub code scanning puts on an uploaded log.
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { readFileSync } from 'node:fs';

/**
 * The OASIS SARIF 2.1.0 schema as the npm package @microsoft/jest-sarif ships it (sarif-2.1.0-rtm.5, the final
 * one). It is written for draft-04, which ajv 8 does not read; its only draft-04 spelling is the top-level "id", so
 * with that as "$id" it compiles as draft-07 and means the same. One pattern in it ("language") is not valid as a
 * Unicode regular expression ("]?"): ajv must compile patterns without the "u" flag, as draft-04 validators did.
 */
function compile() {
  const schema = JSON.parse(readFileSync(require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8')) as Record<string, unknown>;
  const { $schema: _draft, id, ...rest } = schema;
  const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
  // "uri", "uri-reference" and "date-time" are checked, not ignored: GitHub reads artifact URIs.
  addFormats(ajv);
  return ajv.compile({ ...rest, $id: id as string });
}

let validator: ReturnType<typeof compile> | undefined;

/** The schema's complaints about `log`, one line each (JSON pointer and message); empty when it is valid. */
export function schemaErrors(log: unknown): string[] {
  validator ??= compile();
  if (validator(log)) return [];
  return (validator.errors ?? []).slice(0, 20).map((e) => `${e.instancePath || '/'} ${e.message}${e.params ? ' ' + JSON.stringify(e.params) : ''}`);
}

/** GitHub code scanning's limits on one uploaded SARIF file (docs: "SARIF support for code scanning"). */
export const GITHUB = {
  runsPerFile: 20,
  resultsPerRun: 25_000,
  rulesPerRun: 25_000,
  tagsPerRule: 20,
  locationsPerResult: 10,
  relatedLocationsPerResult: 1_000,
  identifierLength: 255,
  descriptionLength: 1024,
} as const;

interface Region {
  startLine?: number;
  startColumn?: number;
  endLine?: number;
  endColumn?: number;
}
interface ArtifactLocation {
  uri?: string;
  uriBaseId?: string;
}
interface Location {
  id?: number;
  physicalLocation?: { artifactLocation?: ArtifactLocation; region?: Region };
  message?: { text?: string };
}
export interface LooseSarif {
  $schema?: string;
  version?: string;
  runs?: {
    tool: { driver: { name?: string; rules?: { id?: string; name?: string; shortDescription?: { text?: string }; fullDescription?: { text?: string }; help?: { text?: string }; helpUri?: string; properties?: { tags?: string[] } }[] } };
    originalUriBaseIds?: Record<string, { uri?: string }>;
    invocations?: { executionSuccessful: boolean; toolExecutionNotifications?: { level?: string; message: { text: string } }[] }[];
    results?: { ruleId?: string; ruleIndex?: number; level?: string; message?: { text?: string }; locations?: Location[]; relatedLocations?: Location[]; partialFingerprints?: Record<string, string>; fixes?: unknown[] }[];
  }[];
}

/**
 * What GitHub code scanning would reject, or not show, in `log`: its required properties (non-empty, as it takes
 * no empty string for them), its hard limits, and locations it can place in the repository (a path relative to
 * %SRCROOT%, or an absolute file: URI). Empty when there is nothing.
 */
export function githubProblems(log: LooseSarif): string[] {
  const out: string[] = [];
  const nonEmpty = (s: unknown) => typeof s === 'string' && s.trim() !== '';
  if (!/sarif-2\.1\.0(-rtm\.[56])?\.json$/.test(log.$schema ?? '')) out.push(`$schema ${log.$schema} is not the final SARIF 2.1.0 schema`);
  if (log.version !== '2.1.0') out.push(`version ${log.version}`);
  const runs = log.runs ?? [];
  if (runs.length === 0 || runs.length > GITHUB.runsPerFile) out.push(`${runs.length} runs`);
  runs.forEach((run, i) => {
    const at = `runs[${i}]`;
    if (!nonEmpty(run.tool?.driver?.name)) out.push(`${at}: tool.driver.name missing`);
    const rules = run.tool?.driver?.rules;
    if (!Array.isArray(rules)) out.push(`${at}: tool.driver.rules missing`);
    else {
      if (rules.length > GITHUB.rulesPerRun) out.push(`${at}: ${rules.length} rules`);
      rules.forEach((r, k) => {
        const rat = `${at}.rules[${k}] (${r.id})`;
        if (!nonEmpty(r.id) || r.id!.length > GITHUB.identifierLength) out.push(`${rat}: id`);
        if (r.name !== undefined && r.name.length > GITHUB.identifierLength) out.push(`${rat}: name longer than ${GITHUB.identifierLength}`);
        for (const key of ['shortDescription', 'fullDescription'] as const) {
          const text = r[key]?.text;
          if (!nonEmpty(text) || text!.length > GITHUB.descriptionLength) out.push(`${rat}: ${key}.text missing or longer than ${GITHUB.descriptionLength}`);
        }
        if (!nonEmpty(r.help?.text)) out.push(`${rat}: help.text missing`);
        if ((r.properties?.tags?.length ?? 0) > GITHUB.tagsPerRule) out.push(`${rat}: too many tags`);
      });
    }
    const base = run.originalUriBaseIds?.['%SRCROOT%']?.uri;
    if (!base || !/^file:\/\/\/.*\/$/.test(base)) out.push(`${at}: originalUriBaseIds %SRCROOT% ${base} is not an absolute file: URI of a folder`);
    const results = run.results;
    if (!Array.isArray(results)) {
      out.push(`${at}: results missing`);
      return;
    }
    if (results.length > GITHUB.resultsPerRun) out.push(`${at}: ${results.length} results, over GitHub's ${GITHUB.resultsPerRun}`);
    const place = (l: Location | undefined, where: string) => {
      const a = l?.physicalLocation?.artifactLocation;
      if (!a || !nonEmpty(a.uri)) return out.push(`${where}: artifactLocation.uri missing`);
      if (a.uriBaseId !== undefined ? a.uriBaseId !== '%SRCROOT%' || /^[a-z][a-z0-9+.-]*:/i.test(a.uri!) || a.uri!.startsWith('/') : !a.uri!.startsWith('file:///')) {
        out.push(`${where}: ${a.uriBaseId ?? ''} ${a.uri} is neither relative to %SRCROOT% nor an absolute file: URI`);
      }
      const g = l!.physicalLocation!.region;
      if (!g || !(g.startLine! >= 1 && g.startColumn! >= 1 && g.endLine! >= g.startLine! && g.endColumn! >= 1)) out.push(`${where}: region ${JSON.stringify(g)}`);
    };
    results.forEach((r, k) => {
      const rat = `${at}.results[${k}] (${r.ruleId})`;
      if (!nonEmpty(r.ruleId)) out.push(`${rat}: ruleId`);
      if (r.ruleIndex !== undefined && rules?.[r.ruleIndex]?.id !== r.ruleId) out.push(`${rat}: ruleIndex ${r.ruleIndex} is not that rule`);
      if (!rules?.some((x) => x.id === r.ruleId)) out.push(`${rat}: no rule metadata for it`);
      if (!['error', 'warning', 'note'].includes(r.level ?? 'warning')) out.push(`${rat}: level ${r.level}`);
      if (!nonEmpty(r.message?.text)) out.push(`${rat}: message.text missing`);
      const locations = r.locations ?? [];
      if (locations.length < 1 || locations.length > GITHUB.locationsPerResult) out.push(`${rat}: ${locations.length} locations`);
      locations.forEach((l, j) => place(l, `${rat}.locations[${j}]`));
      const related = r.relatedLocations ?? [];
      if (related.length > GITHUB.relatedLocationsPerResult) out.push(`${rat}: ${related.length} related locations`);
      related.forEach((l, j) => {
        place(l, `${rat}.relatedLocations[${j}]`);
        if (!nonEmpty(l.message?.text)) out.push(`${rat}.relatedLocations[${j}]: no message`);
      });
      if (!r.partialFingerprints || Object.keys(r.partialFingerprints).length === 0) out.push(`${rat}: no partialFingerprints`);
    });
  });
  return out;
}
