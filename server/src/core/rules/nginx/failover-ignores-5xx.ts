import { MAX_RELATED, type Fix, type RelatedLocation, type TextEdit } from '../../finding';
import { insertLinesAfter } from '../../fix';
import { unlessIncluderSets, type ConfigNode } from '../../model/nginx-tree';
import type { PassTarget, Upstream } from '../../model/nginx-upstreams';
import { defineNginxRule, type NginxRuleContext } from '../rule';
import { nextUpstreamRejected } from './invalid-argument-value';
import { isSharedFile, unlessShared } from './shared-files';
import { defaultArgs, describeGroup, describeGroupsOf, effectiveAtPasses, familyOf, hasSpareServers, insertionAnchor, lastNode, NEXT_UPSTREAM, NEXT_UPSTREAM_OF, PASSES, passRelated, passUsesItHere, PerLine, singleTry, type RetryFamily } from './failover-support';
import { flagsInForce } from '../../model/nginx-effective';

const FIVE_XX = ['http_500', 'http_502', 'http_503', 'http_504'];

/**
 * The 5xx codes to add per module: fastcgi, uwsgi and scgi accept only http_500 and http_503
 * (nginx 1.22.1 -t rejects http_502/http_504 there with `invalid value`); http_500 is left out because a
 * 500 is usually the application's own error, which another server would repeat.
 */
const TO_ADD: Record<RetryFamily, string[]> = {
  proxy: ['http_502', 'http_503', 'http_504'],
  grpc: ['http_502', 'http_503', 'http_504'],
  fastcgi: ['http_503'],
  uwsgi: ['http_503'],
  scgi: ['http_503'],
};

/** The texts of one family's findings and fixes, made once: they are the same in each of them. */
interface FamilyTexts {
  name: string;
  /** What is appended to a written line, and the title of that fix. */
  appended: string;
  appendTitle: string;
  /** The line added where the default is in force (shared: do not modify), and the title for one place. */
  line: string[];
  addTitle: string;
  /** "502/503/504" */
  answers: string;
}
const TEXTS = new Map<RetryFamily, FamilyTexts>();

function textsOf(family: RetryFamily): FamilyTexts {
  let x = TEXTS.get(family);
  if (!x) {
    const codes = TO_ADD[family];
    const name = `${family}_next_upstream`;
    const line = `${name} error timeout ${codes.join(' ')};`;
    x = {
      name,
      appended: ' ' + codes.join(' '),
      appendTitle: `Also count ${codes.join(', ')} as failures`,
      line: [line],
      addTitle: `Add "${line}"`,
      answers: codes.map((c) => c.slice(5)).join('/'),
    };
    TEXTS.set(family, x);
  }
  return x;
}

/** Whether a value of *_next_upstream turns retries off or already counts a 5xx answer: nothing to report then. */
function offOrCounts5xx(args: readonly string[]): boolean {
  for (let k = 0; k < args.length; k++) {
    const a = args[k];
    if (a === 'off' || FIVE_XX.includes(a)) return true;
  }
  return false;
}

/**
 * The value in force as the message names it: the line's words, or, where the level has several lines (nginx ORs
 * them into one set of flags), their merged words and how many lines make them.
 */
function words(at: ConfigNode, flags: readonly string[]): string {
  const lines = (at.parent?.children ?? []).filter((c) => c.name === at.name).length;
  return lines > 1 ? `${flags.join(' ')} (its ${lines} lines at this level taken together)` : at.directive.args.map((a) => a.value).join(' ');
}

function suggestion(ctx: NginxRuleContext, family: RetryFamily, written: ConfigNode | undefined, passes: PassTarget[]): Fix | undefined {
  const x = textsOf(family);
  if (written) {
    // A line without arguments (half-typed, or broken) has nothing to append to.
    const last = written.directive.args[written.directive.args.length - 1];
    if (!last) return undefined;
    return unlessShared(ctx.config, { title: x.appendTitle, edits: [{ path: written.file.path, start: last.end, end: last.end, newText: x.appended }] });
  }
  // One line per level that uses the default (a pass inside `if` goes with its location), never in a shared snippet.
  const anchors = new Map<ConfigNode | null, ConfigNode>();
  for (let k = 0; k < passes.length; k++) {
    const a = insertionAnchor(passes[k]);
    if (!anchors.has(a.parent) && !isSharedFile(ctx.config, a.file.path)) anchors.set(a.parent, a);
  }
  if (!anchors.size) return undefined;
  const edits: TextEdit[] = [];
  for (const a of anchors.values()) edits.push(insertLinesAfter(a, x.line));
  return { title: anchors.size === 1 ? x.addTitle : `${x.addTitle} to the ${anchors.size} locations that use the default`, edits };
}

/** Passes of one file that use nginx's default of one family's *_next_upstream, to one group or several. */
interface DefaultUse {
  family: RetryFamily;
  args: string[];
  passes: PassTarget[];
}

/**
 * "The cases of http_500, http_502, http_503, http_504, and http_429 are considered unsuccessful
 * attempts only if they are specified in the directive"
 * (https://nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_next_upstream): with the default
 * `error timeout`, a server that answers 502/503/504 (a deploy, an overloaded app) is neither retried
 * nor counted towards max_fails, so it stays in rotation and its errors go to clients.
 */
export default defineNginxRule({
  id: 'failover-ignores-5xx',
  server: 'nginx',
  severity: 'info',
  outcome: '502/504',
  summary: 'A group of several servers is used with *_next_upstream that counts no 5xx answer as a failure: a server answering 502/503/504 stays in rotation.',
  directives: [...PASSES, ...NEXT_UPSTREAM],
  versions: 'all',
  check(ctx) {
    // A written line is reported once, where it is written (every pass that inherits it as related). Where nginx's
    // default is in force, nothing is written to point at: the finding is once per file and module, at its first
    // such pass, with every group the file sends requests to that way (one missing line, one finding; a file with
    // ten groups is not ten findings). Per file rather than per configuration, so that each site's file still shows
    // its own groups' finding in the editor.
    // The loop over the passes and the reports are separate functions: each is compiled (and optimised) on its own.
    const { perLine, defaults, unbuffered } = collect(ctx);
    perLine.forEach((at, passes, use) => reportLine(ctx, at, passes, use, unbuffered));
    for (let k = 0; k < defaults.length; k++) reportDefault(ctx, defaults[k], unbuffered);
  },
});

/** The family of a written line and the flags in force with it. */
interface LineUse {
  family: RetryFamily;
  flags: readonly string[];
}

/** The request buffering switch of each family that reaches this rule (grpc is left out before). */
const REQUEST_BUFFERING: Partial<Record<RetryFamily, string>> = {
  proxy: 'proxy_request_buffering',
  fastcgi: 'fastcgi_request_buffering',
  uwsgi: 'uwsgi_request_buffering',
  scgi: 'scgi_request_buffering',
};

/**
 * With *_request_buffering off, nginx passes no request it began to send while its body was still arriving to
 * another server, whatever *_next_upstream lists: a 5xx answer to an upload reaches the client and is not counted
 * towards max_fails (nginx 1.22.1, test/servers/unbuffered-body-retry.test.ts). Requests without a body (and bodies
 * that came whole with the header) are still passed on, so the finding stands, but the message says what the fix
 * does not cover.
 */
function unbufferedNote(family: RetryFamily, passes: readonly PassTarget[], unbuffered: ReadonlySet<PassTarget>): string {
  for (let k = 0; k < passes.length; k++) if (!unbuffered.has(passes[k])) return '';
  return `; with ${REQUEST_BUFFERING[family]} off here, listing the codes helps only requests without a body (or whose body came with the header): an upload that got a 5xx is passed to the client whatever is listed`;
}

function collect(ctx: NginxRuleContext): { perLine: PerLine<LineUse>; defaults: DefaultUse[]; unbuffered: Set<PassTarget> } {
  const perLine = new PerLine<LineUse>();
  const unbuffered = new Set<PassTarget>();
  // Per file its uses by family (almost always one), and all of them in the order they were first seen.
  const byFile = new Map<string, DefaultUse[]>();
  const defaults: DefaultUse[] = [];
  const effectiveAt = effectiveAtPasses(ctx);
  const enabled = (id: string) => ctx.settings.rules.get(id)?.level !== 'off';
  const passes = ctx.upstreams.passes;
  for (let k = 0; k < passes.length; k++) {
    const t = passes[k];
    const family = familyOf(t);
    // gRPC: listing 5xx codes in grpc_next_upstream changes nothing. nginx looks at a 5xx only after the request was
    // sent, and passes no sent gRPC request on (grpc_pass streams every request body), nor counts the answer towards
    // max_fails (nginx 1.22.1, test/servers/explain-nginx-grpc-retry.test.ts: with http_503 listed, a server
    // answering 503 got the next request of its turn again, and its 503 reached the client).
    if (!family || family === 'grpc' || t.module !== 'http' || !hasSpareServers(t.upstream)) continue;
    // With one try nginx passes nothing on, whatever the list says.
    if (singleTry(effectiveAt, t, family)) continue;
    const e = effectiveAt(t, NEXT_UPSTREAM_OF[family]);
    // Only a written "off" counts (the default is on); looked up only for passes that may be reported.
    const isUnbuffered = () => lastNode(effectiveAt(t, REQUEST_BUFFERING[family]!))?.directive.args[0]?.value === 'off';
    const written = lastNode(e);
    if (written) {
      // A line nginx refuses (a word it does not take) is invalid-argument-value's error: no advice on its list.
      if (enabled('invalid-argument-value') && e.nodes.some((n) => nextUpstreamRejected(ctx, n))) continue;
      // Every line at the deciding level counts: nginx ORs them (flagsInForce), so a 5xx on any of them is retried.
      const flags = flagsInForce(e);
      if (!offOrCounts5xx(flags)) {
        perLine.add(written, t, { family, flags });
        if (isUnbuffered()) unbuffered.add(t);
      }
      continue;
    }
    // nginx's default (http: "error timeout"), the same words at every pass.
    const args = defaultArgs(e.defaultValue ?? 'error timeout');
    if (offOrCounts5xx(args)) continue;
    let uses = byFile.get(t.node.file.path);
    if (!uses) byFile.set(t.node.file.path, (uses = []));
    let use = uses.find((u) => u.family === family);
    if (!use) {
      use = { family, args, passes: [] };
      uses.push(use);
      defaults.push(use);
    }
    use.passes.push(t);
    if (isUnbuffered()) unbuffered.add(t);
  }
  return { perLine, defaults, unbuffered };
}

function reportLine(ctx: NginxRuleContext, at: ConfigNode, passes: PassTarget[], { family, flags }: LineUse, unbuffered: ReadonlySet<PassTarget>): void {
  const x = textsOf(family);
  const fix = suggestion(ctx, family, at, passes);
  ctx.report({
    node: at,
    message: `${x.name} ${words(at, flags)} counts no 5xx answer as a failure: when a server of ${describeGroupsOf(passes)} answers ${x.answers}, for example during a deploy, nginx passes that error to the client instead of trying another server, and keeps the server in rotation${unbufferedNote(family, passes, unbuffered)}`,
    related: passes.map(passUsesItHere),
    suggestions: fix ? [fix] : [],
  });
}

function reportDefault(ctx: NginxRuleContext, { family, args, passes }: DefaultUse, unbuffered: ReadonlySet<PassTarget>): void {
  const x = textsOf(family);
  const first = passes[0];
  const others = passes.length - 1;
  const fix = suggestion(ctx, family, undefined, passes);
  const groups = groupsOf(passes);
  const these = groups.length === 1 ? 'this group' : 'these groups';
  const also = others ? ` (and ${others} more ${others === 1 ? 'place' : 'places'} that use${others === 1 ? 's' : ''} ${these}, listed as related${others > MAX_RELATED ? `: the first ${MAX_RELATED}` : ''})` : '';
  const related: RelatedLocation[] = [];
  const texts = new Map<Upstream, string>();
  // runRules keeps MAX_RELATED of them; the message above already says how many there are.
  for (let j = 1; j < passes.length && j <= MAX_RELATED; j++) {
    const up = passes[j].upstream!;
    let text = texts.get(up);
    if (!text) texts.set(up, (text = `also sends requests to upstream "${up.name}" with the default ${x.name}`));
    related.push(passRelated(passes[j], text));
  }
  const which = groups.length === 1 ? '' : ` for the ${groups.length} groups of several servers this file sends requests to that way`;
  ctx.report({
    node: first.node,
    message: `${x.name} ${args.join(' ')} (the default${unlessIncluderSets(ctx.config)}) counts no 5xx answer as a failure${which}${also}: when a server of ${anyOf(groups)} answers ${x.answers}, for example during a deploy, nginx passes that error to the client instead of trying another server, and keeps the server in rotation${unbufferedNote(family, passes, unbuffered)}`,
    related,
    suggestions: fix ? [fix] : [],
  });
}

/** The groups of these passes, each once, in order of first use. */
function groupsOf(passes: readonly PassTarget[]): Upstream[] {
  const out = new Set<Upstream>();
  for (let k = 0; k < passes.length; k++) out.add(passes[k].upstream!);
  return [...out];
}

/** 'upstream "a" (2 servers)', or 'upstream "a" (…), upstream "b" (…) or upstream "c" (…)', the first three named. */
function anyOf(groups: readonly Upstream[]): string {
  const named = groups.slice(0, 3).map(describeGroup);
  if (groups.length > 3) return `${named.join(', ')} or one of the ${groups.length - 3} other groups`;
  return named.length === 1 ? named[0] : `${named.slice(0, -1).join(', ')} or ${named[named.length - 1]}`;
}
