import table from './nginx-directives.json';

/** What the official reference says about one directive (merged across the modules that define it). */
export interface DirectiveInfo {
  contexts: string[];
  block: boolean;
  /** Default value per module, as written in the docs (e.g. "60s", "8 4k|8k"). */
  defaults: Record<string, string>;
  modules: string[];
  /** [min, max] arguments over all of the directive's syntaxes; max -1 = unbounded. */
  args: [number, number];
  /** Literal keywords it accepts ("on", "off", "http_502", "local", "ssl", "setfib="). */
  values?: string[];
  /**
   * The contexts (the reference's names) where it is an on/off switch: "on | off" is its whole syntax there. Per
   * context because one name can be two directives: stream's proxy_next_upstream is a switch, http's is not.
   */
  flagIn?: string[];
  /** The contexts where its first argument is a time ("time" or "timeout" in its syntax). */
  timeIn?: string[];
}

const directives = table as unknown as Record<string, DirectiveInfo>;
/**
 * The same table as a Map: nearly every line of a configuration is looked up here, by the parser and by many rules
 * (several hundred thousand lookups for a 100k-line tree), and a Map lookup neither needs the own-property check
 * ("constructor" is not a directive) nor goes through the object's dictionary of 800 names.
 */
const byName = new Map<string, DirectiveInfo>(Object.entries(directives));

/** Third-party directives common enough in real configs that calling them unknown would be noise. */
const THIRD_PARTY_BLOCKS = /_by_lua_block$/;

export function nginxDirective(name: string): DirectiveInfo | undefined {
  return byName.get(name);
}

export function isKnownNginxDirective(name: string): boolean {
  return nginxDirective(name) !== undefined || THIRD_PARTY_BLOCKS.test(name);
}

export function isNginxBlockDirective(name: string): boolean {
  return nginxDirective(name)?.block === true || THIRD_PARTY_BLOCKS.test(name);
}

export function allNginxDirectiveNames(): string[] {
  return Object.keys(directives);
}

/** Most arguments nginx accepts for the directive, in any module; Infinity when unbounded or unknown. */
export function nginxMaxArgs(name: string): number {
  const a = nginxDirective(name)?.args;
  return !a || a[1] < 0 ? Infinity : a[1];
}

/** Our context names → the reference's ("if in location" …); stream/mail blocks were qualified at generation. */
const REFERENCE_CONTEXT: Record<string, string> = { 'if-location': 'if in location', 'if-server': 'if' };

let byContext: Map<string, string[]> | undefined;
/** Directive names the reference allows in one of our contexts (main, http, server, location, if-location, upstream, stream-server …). */
export function nginxDirectivesFor(context: string): string[] {
  if (!byContext) {
    byContext = new Map();
    for (const [name, info] of Object.entries(directives)) {
      for (const c of info.contexts) {
        const list = byContext.get(c) ?? [];
        list.push(name);
        byContext.set(c, list);
      }
    }
  }
  return byContext.get(REFERENCE_CONTEXT[context] ?? context) ?? [];
}
