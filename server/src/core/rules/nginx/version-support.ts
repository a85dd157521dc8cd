import type { ConfigNode } from '../../model/nginx-tree';
import { hasVersionEntries, missingInVersion, paramMatches, parametersMissingInVersion, type ParameterVersion, type VersionMiss } from '../../model/nginx-directive-versions';
import type { Version } from '../../model/version';
import { HTTP2_SINCE } from './proxy-http-version-unsupported';

/**
 * The oldest nginx that a still-supported long-term distribution release ships: 1.18.0 (Ubuntu 22.04 LTS). A directive
 * or parameter older than that is taken as there on any nginx a user runs, so a config full of proxy_http_version
 * (1.1.4) or proxy_ssl_server_name (1.7.0) is not "version-dependent" for the note below.
 */
const OLDEST_IN_USE: Version = [1, 18, 0];
/** Later than any release: a directive nginx removed (`ssl on`, 1.25.1) is missing here. */
const NEWEST: Version = [999, 0, 0];

/** A line the start-failure checks would judge by the target version, which they skip while it is unknown. */
export interface VersionDependentUse {
  path: string;
  start: number;
  /** `resolver "ipv4="`, `http2`: what is version-dependent. */
  what: string;
  /** `nginx 1.23.1 or later`, `nginx before 1.25.1`. */
  needs: string;
  /** Not a skipped check but a finding reported as info for want of the version (`what` is its rule id). */
  milder?: true;
}

/** What the version tables say of one directive name in one context (see versionDependentUses). */
interface NameInContext {
  /** The parameters nginx OLDEST_IN_USE lacks there (parametersMissingInVersion), usually none. */
  params: ParameterVersion[];
  /** Why the directive is missing there in OLDEST_IN_USE, or removed by NEWEST. */
  miss: VersionMiss | undefined;
}
/** Marks a name the tables know nothing of. */
const NO_ENTRIES = new Map<string, NameInContext>();

/** The rules that check these lines against nginx.version, and say nothing while it is unknown. */
export const VERSION_GATED_RULES = ['directive-not-in-target-version', 'proxy-http-version-unsupported', 'plus-only-directive'];

/**
 * The directives, parameters and values whose acceptance changed in nginx after OLDEST_IN_USE (or that a later nginx
 * removed): those directive-not-in-target-version, proxy-http-version-unsupported (`proxy_http_version 2`) and
 * plus-only-directive (what NGINX Plus had first: sticky, least_time, service=) would judge with nginx.version set,
 * of the rules in `ran`. Cheap: one pass over the nodes, looking up only names the tables have.
 */
export function versionDependentUses(all: readonly ConfigNode[], ran: ReadonlySet<string> = new Set(VERSION_GATED_RULES)): VersionDependentUse[] {
  const uses: VersionDependentUse[] = [];
  // Each line counts only when the rule that would judge it runs: what NGINX Plus had first (sticky, service=) is
  // plus-only-directive's, proxy_http_version 2 proxy-http-version-unsupported's, the rest directive-not-in-target-version's.
  const versions = ran.has('directive-not-in-target-version');
  const plus = ran.has('plus-only-directive');
  // This pass runs once per CLI run, over every line of the tree, before the JIT has warmed up to it: what the tables
  // say of a name in a context (the directive missing, the parameters missing) is the same for each of its lines, so
  // it is looked up once per name and context here. Local to the call: nothing is kept between runs or edits.
  const byName = new Map<string, Map<string, NameInContext>>();
  for (let k = 0; k < all.length; k++) {
    const node = all[k];
    let byContext = byName.get(node.name);
    if (byContext === undefined) {
      // proxy_http_version is in the tables (1.1.4): its "2" is checked below.
      byContext = hasVersionEntries(node.name) ? new Map() : NO_ENTRIES;
      byName.set(node.name, byContext);
    }
    if (byContext === NO_ENTRIES) continue;
    let known = byContext.get(node.context);
    if (known === undefined) {
      known = {
        params: parametersMissingInVersion(node.name, node.context, OLDEST_IN_USE),
        miss: missingInVersion(node.name, node.context, OLDEST_IN_USE) ?? missingInVersion(node.name, node.context, NEWEST),
      };
      byContext.set(node.context, known);
    }
    const d = node.directive;
    const params = known.params;
    if (params.length) {
      const args = d.args;
      for (let a = 0; a < args.length; a++) {
        const arg = args[a];
        let p: ParameterVersion | undefined;
        for (let j = 0; j < params.length && !p; j++) if (paramMatches(params[j], arg.value)) p = params[j];
        if (p && (p.plusBefore ? plus : versions)) uses.push({ path: node.file.path, start: arg.start, what: `${node.name} "${p.param}"`, needs: `nginx ${p.since} or later` });
      }
    }
    const miss = known.miss;
    // A sticky line not in NGINX Plus's words (cookie, route, learn) is a third-party module's: no release of nginx has it.
    const thirdParty = node.name === 'sticky' && !/^(cookie|route|learn)$/.test(d.args[0]?.value ?? '');
    if (miss && !thirdParty && (miss.entry.plusBefore ? plus : versions)) {
      const { entry } = miss;
      uses.push({ path: node.file.path, start: d.start, what: node.name, needs: miss.why === 'removed' ? `nginx before ${entry.removed}` : `nginx ${entry.since} or later` });
    }
    if (node.name === 'proxy_http_version' && d.args.length === 1 && d.args[0].value === '2' && ran.has('proxy-http-version-unsupported')) {
      uses.push({ path: node.file.path, start: d.args[0].start, what: 'proxy_http_version 2', needs: `nginx ${HTTP2_SINCE} or later` });
    }
  }
  return uses;
}
