import { apacheFix } from '../../apache-fix';
import type { ApacheArg } from '../../syntax/apache/ast';
import { virtualHostOf, type ApacheNode } from '../../model/apache-tree';
import { proxySetTarget, proxySetTargetError } from '../../model/apache-proxy';
import { balancerKey, workerName } from '../../model/apache-worker-names';
import { checkParamValue, HC_METHODS, PARAMS, parseParams, type ParamSpec, type WorkerParam } from '../../model/apache-workers';
import { hcDefinition } from '../../model/apache-balancer-checks';
import { atLeast } from '../../model/version';
import { defineApacheRule, type ApacheRuleContext } from '../apache-rule';

function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) for (let j = 1; j <= b.length; j++) d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
  return d[a.length][b.length];
}

/** What a line configures: one backend (a worker) or a balancer:// (which takes only balancer parameters). */
interface Target {
  kind: 'worker' | 'balancer';
  /** The URL as written, for ProxySet's message. */
  url?: string;
  /** ProxySet inside <Proxy> or <ProxyMatch>: the section that names the worker. */
  section?: ApacheNode | null;
}

/**
 * ProxySet and the <Proxy> line name the word and the worker or balancer in httpd's message: "ProxySet: unknown Worker
 * parameter bogus=1; http://a/", "<Proxy unknown Worker parameter bogus=1; http://a/" (apache2 -t 2.4.71).
 */
const namesTarget = (label: string) => label === 'ProxySet' || label === '<Proxy';
const prefixOf = (label: string) => (label === 'ProxySet' ? 'ProxySet:' : label);

/**
 * A parameter of the wrong kind for the line: httpd hands the words after a balancer:// URL to set_balancer_param and
 * all others to set_worker_param, and each rejects what belongs to the other. Its words (Apache 2.4.71):
 * "ProxyPass unknown Balancer parameter" (ProxyPassMatch says "ProxyPass" too),
 * "ProxySet: unknown Balancer parameter keepalive=On; balancer://app", "BalancerMember unknown Worker parameter",
 * "ProxySet: unknown Worker parameter failonstatus=500; http://127.0.0.1:3001/" (checked in
 * test/servers/apache-param-scope.test.ts).
 */
function wrongScope(p: WorkerParam, spec: ParamSpec, label: string, target: Target, hcheck: boolean): string | undefined {
  if (spec.scope === 'p') {
    if (label === 'ProxyPass') return undefined;
    // Refused as an unknown key, which mod_proxy_hcheck (when loaded) gets to see first.
    const worker = `unknown Worker${hcheck ? ' hcheck' : ''} parameter`;
    const said = namesTarget(label) ? `${prefixOf(label)} ${target.kind === 'balancer' ? 'unknown Balancer parameter' : worker} ${p.arg.value}; ${target.url}` : `${label} ${worker}`;
    return `httpd refuses to start: "${said}": ${p.key}= is read by ProxyPass and ProxyPassMatch only; put it on the ProxyPass line`;
  }
  const balancerOnly = spec.scope === 'b';
  const workerOnly = spec.scope === 'w';
  if (target.kind === 'balancer' && workerOnly) {
    const said = namesTarget(label) ? `${prefixOf(label)} unknown Balancer parameter ${p.arg.value}; ${target.url}` : `${label} unknown Balancer parameter`;
    return `httpd refuses to start: "${said}": ${p.key}= is a worker parameter and a balancer:// takes only balancer parameters; put it on the BalancerMember lines`;
  }
  if (target.kind === 'worker' && balancerOnly) {
    const said = namesTarget(label) ? `${prefixOf(label)} unknown Worker parameter ${p.arg.value}; ${target.url}` : `${label} unknown Worker parameter`;
    return `httpd refuses to start: "${said}": ${p.key}= is a balancer parameter; it belongs on the ProxyPass to the balancer:// or a ProxySet in its <Proxy balancer://…> section`;
  }
  return undefined;
}

/** What httpd takes instead, where its own message does not say. */
const VALUE_HINT: Record<string, string> = {
  mapping: 'httpd takes encoded or servlet',
  retry: 'a whole number of seconds, 0 or more',
  hcmethod: `httpd takes ${HC_METHODS.map((m) => m.toUpperCase()).join(', ')}`,
  connectiontimeout: 'a whole number with an optional unit: ms, s, min or h (seconds without one)',
  ping: 'a whole number with an optional unit: ms, s, min or h (seconds without one)',
  acquire: 'a whole number with an optional unit: ms, s, min or h (milliseconds without one)',
  hcinterval: 'a whole number with an optional unit: ms, s, min or h (seconds without one)',
  addressttl: 'whole seconds (a unit s, min or h may follow), or -1',
};

export default defineApacheRule({
  id: 'invalid-worker-parameter',
  server: 'apache',
  severity: 'error',
  outcome: 'startup-failure',
  summary: 'A ProxyPass/BalancerMember/ProxySet/ProxyHCTemplate/<Proxy> line parameter httpd rejects (unknown key, bad value, not key=value, a worker parameter on a balancer:// or the reverse, an hcexpr= or hctemplate= its server does not define above it, too new for the target): httpd refuses to start.',
  directives: ['ProxyPass', 'ProxyPassMatch', 'BalancerMember', 'ProxySet', 'ProxyHCTemplate'],
  versions: 'all 2.4',
  check(ctx) {
    const hcheck = ctx.modules.known && ctx.modules.isLoaded('proxy_hcheck');
    const order = new Map(ctx.config.all.map((n, k) => [n, k]));
    const check = (n: ApacheNode, from: number, label: string, target: Target) => {
      if (n.unresolved) return;
      // Words from an unquoted "#" on are a would-be comment: inline-comment-is-argument reports them once.
      const hash = n.directive.args.findIndex((a, k) => k >= from && a.quote === null && a.value.startsWith('#'));
      const cut = (a: { start: number }) => hash < 0 || a.start < n.directive.args[hash].start;
      const parsed = parseParams(n, from);
      const params = parsed.params.filter((p) => cut(p.arg));
      // ProxySet takes no flags: every word must hold "=" (set_proxy_param in mod_proxy.c).
      const invalid = (namesTarget(label) ? [...parsed.invalid, ...parsed.flags].sort((a, b) => a.start - b.start) : parsed.invalid).filter(cut);
      for (const a of invalid) {
        if (label === 'ProxySet') {
          reportProxySetWord(ctx, n, a, target);
          continue;
        }
        if (label === '<Proxy') {
          ctx.report({ at: { file: n.file, start: a.start, end: a.end }, message: `httpd refuses to start: "Invalid Proxy parameter. Parameter must be in the form 'key=value'" ("${a.value}" on the <Proxy> line)` });
          continue;
        }
        ctx.report({ at: { file: n.file, start: a.start, end: a.end }, message: `httpd refuses to start: "Invalid ProxyPass|ProxyPassMatch parameter. Parameter must be in the form 'key=value'." ("${a.value}" after the URL)` });
      }
      for (const p of params) {
        const spec = PARAMS[p.key];
        const at = { file: n.file, start: p.arg.start, end: p.arg.end };
        if (!spec) {
          const close = Object.keys(PARAMS).filter((k) => distance(k, p.key) <= 2);
          const fix = close.length === 1 ? apacheFix(`Use "${close[0]}="`, { path: n.file.path, start: p.arg.start, end: p.arg.start + p.arg.raw.indexOf('=') , newText: (p.arg.quote ?? '') + close[0] }) : undefined;
          const unknown = label === '<Proxy' ? `<Proxy unknown ${target.kind === 'balancer' ? 'Balancer' : 'Worker'} parameter ${p.arg.value}; ${target.url}` : `${label} unknown Worker parameter`;
          ctx.report({ at, message: `httpd refuses to start: "${unknown}": "${p.key}" is not a mod_proxy parameter${close.length ? ` (did you mean ${close.map((c) => `"${c}"`).join(' or ')}?)` : ''}`, fix });
          continue;
        }
        const scope = wrongScope(p, spec, label, target, hcheck);
        if (scope) {
          ctx.report({ at, message: scope });
          continue;
        }
        if (spec.module) {
          // hc* parameters: hcheck-params-without-module knows whether the module is loaded, and without it httpd never
          // reads their values. With it loaded, hcexpr= must name a ProxyHCExpr (real httpd 2.4.71: "BalancerMember
          // Unknown health check condition expr: ok234" from apache2 -t). Only said when the whole configuration is visible.
          if (!hcheck) continue;
          if (p.key === 'hcexpr' || p.key === 'hctemplate') {
            const bad = hcNameProblem(ctx, n, p, order, `${label} `);
            if (bad) ctx.report({ at, message: bad });
            continue;
          }
        }
        if (spec.since && atLeast(ctx.version, spec.since) === false) {
          ctx.report({ at, message: `httpd refuses to start: "${label} unknown Worker parameter": ${p.key}= needs httpd ${spec.since} or later, and apache.version is older` });
          continue;
        }
        const bad = checkParamValue(p, { balancer: target.kind === 'balancer' });
        if (!bad) continue;
        // httpd prefixes the directive's name; ProxySet adds the word and the worker or balancer; ProxyPass reads
        // mapping= itself and says so without its name.
        const said = p.key === 'mapping' ? bad : namesTarget(label) ? `${prefixOf(label)} ${bad} ${p.arg.value}; ${target.url}` : `${label} ${bad}`;
        ctx.report({ at, message: `httpd refuses to start: "${said}" (${p.key}=${p.value}${VALUE_HINT[p.key] ? `: ${VALUE_HINT[p.key]}` : ''})` });
      }
    };
    const kindOf = (url: string | undefined): Target => ({ kind: url && /^balancer:\/\//i.test(url) ? 'balancer' : 'worker', url });
    // httpd says "ProxyPass" for ProxyPassMatch lines too (add_pass in mod_proxy.c).
    for (const r of ctx.proxy.rules) if (!r.exclusion && r.urlArg) check(r.node, r.node.directive.args.indexOf(r.urlArg) + 1, 'ProxyPass', kindOf(r.url));
    for (const w of ctx.proxy.workers) if (w.kind === 'member') check(w.node, w.node.directive.args.indexOf(w.urlArg) + 1, 'BalancerMember', kindOf(undefined));
    if (hcheck) for (const n of ctx.nodes('proxyhctemplate')) checkTemplate(ctx, n, order);
    for (const n of ctx.nodes('proxyset')) {
      const target = proxySetTarget(n);
      // A name httpd cannot use stops it before the parameters (proxyset-target-invalid reports it).
      if (target && proxySetTargetError(target)) continue;
      // ProxySet takes any name starting with "balancer:" for a balancer (ap_proxy_valid_balancer_name).
      check(n, target?.urlFromLine ? 1 : 0, 'ProxySet', { kind: target && /^balancer:/i.test(target.url) ? 'balancer' : 'worker', url: target?.url, section: target?.section });
    }
    // Parameters on the section line (<Proxy "fcgi://localhost/" enablereuse=on>): proxysection in mod_proxy.c refuses
    // them for <ProxyMatch>, for a URL with a wildcard and for a name without ":", and otherwise checks each as ProxySet
    // would, with "<Proxy" before its message (apache2 -t 2.4.71).
    for (const n of [...ctx.nodes('proxy'), ...ctx.nodes('proxymatch')]) {
      const a = n.directive.args;
      if (n.unresolved || a.length < 2) continue;
      const url = n.args[0];
      const at = { file: n.file, start: a[1].start, end: a[a.length - 1].end };
      // proxysection in 2.4.71 has no "~" form (unlike <Directory ~>): "~" is the section's name and the regex after it
      // is one more parameter, refused like any other on a name without ":". apache2 -t 2.4.71 stops on
      // <Proxy ~ "^http://h/"> with or without key=value words after the regex
      // (test/servers/apache-proxy-line-param-check.test.ts).
      if (n.lname === 'proxy' && url === '~') {
        // httpd reads the lines inside before the section line's words, and a ProxySet there stops it first ("ProxySet
        // URL must be absolute!: ~"): proxyset-target-invalid reports that line, and this one only after it is gone.
        const inner = ctx.nodes('proxyset').some((p) => {
          for (let up = p.parent; up; up = up.parent) if (up === n) return true;
          return false;
        });
        if (inner) continue;
        ctx.report({ at, message: `httpd refuses to start: "<Proxy> arguments are not supported for non url.": httpd takes "~" as the section's name, not as the sign of a regular expression, and reads "${a[1].value}"${a.length > 2 ? ' and the words after it' : ''} as parameters; for a regular expression write <ProxyMatch "${a[1].value}">${a.length > 2 ? ', and put the parameters on the ProxyPass or BalancerMember lines' : ''}` });
        continue;
      }
      const refused =
        n.lname === 'proxymatch' ? 'Multiple <ProxyMatch> arguments not (yet) supported.'
        : /[*?[]/.test(url) ? '<Proxy> arguments are not supported for wildchar url.'
        : !url.includes(':') ? '<Proxy> arguments are not supported for non url.'
        : undefined;
      if (refused) {
        ctx.report({ at, message: `httpd refuses to start: "${refused}": parameters on the section line need one worker or balancer URL; move them to the ProxyPass or BalancerMember lines` });
        continue;
      }
      check(n, 1, '<Proxy', { kind: /^balancer:/i.test(url) ? 'balancer' : 'worker', url, section: n });
    }
  },
});

/** The keys a ProxyHCTemplate takes: mod_proxy_hcheck's own (set_worker_hc_param). */
const HC_KEYS = new Set(Object.entries(PARAMS).filter(([, spec]) => spec.module === 'proxy_hcheck').map(([k]) => k));

/**
 * `ProxyHCTemplate name key=value…` is read when httpd reads the line, each word through set_worker_hc_param: a word
 * that is not an hc* parameter, a value it rejects, an hcexpr= or hctemplate= it does not find stop httpd. Its words
 * on httpd 2.4.68 (apache2 -t, test/servers/apache-param-where.test.ts): "ProxyHCTemplate: unknown Worker hcheck
 * parameter timeout=5; t1", "ProxyHCTemplate: Unknown method hcmethod=BOGUS; t1", "ProxyHCTemplate: Unparse-able
 * hcinterval setting hcinterval=abc; t1", "ProxyHCTemplate: Unknown ProxyHCTemplate name: t0 hctemplate=t0; t1",
 * and "Invalid ProxyHCTemplate parameter. Parameter must be in the form 'key=value'" for a word without "=".
 */
function checkTemplate(ctx: ApacheRuleContext, n: ApacheNode, order: ReadonlyMap<ApacheNode, number>): void {
  if (n.unresolved || n.args.length < 1) return;
  const name = n.args[0];
  const hash = n.directive.args.findIndex((a, k) => k >= 1 && a.quote === null && a.value.startsWith('#'));
  const cut = (a: { start: number }) => hash < 0 || a.start < n.directive.args[hash].start;
  const parsed = parseParams(n, 1);
  // A would-be comment is inline-comment-is-argument's; PROXYPASS_FLAGS mean nothing here, they are words without "=".
  for (const a of [...parsed.invalid, ...parsed.flags].filter(cut).sort((x, y) => x.start - y.start)) {
    ctx.report({ at: { file: n.file, start: a.start, end: a.end }, message: `httpd refuses to start: "Invalid ProxyHCTemplate parameter. Parameter must be in the form 'key=value'" ("${a.value}")` });
    return;
  }
  for (const p of parsed.params.filter((x) => cut(x.arg))) {
    const at = { file: n.file, start: p.arg.start, end: p.arg.end };
    const said = (what: string) => `httpd refuses to start: "ProxyHCTemplate: ${what} ${p.arg.value}; ${name}"`;
    if (!HC_KEYS.has(p.key)) {
      ctx.report({ at, message: `${said('unknown Worker hcheck parameter')}: a ProxyHCTemplate holds health-check parameters only (hcmethod, hcuri, hcinterval, hcpasses, hcfails, hcexpr, hctemplate); put ${p.key}= on the BalancerMember lines` });
      return;
    }
    if (p.key === 'hcexpr' || p.key === 'hctemplate') {
      const bad = hcNameProblem(ctx, n, p, order, 'ProxyHCTemplate: ', ` ${p.arg.value}; ${name}`);
      if (bad) {
        ctx.report({ at, message: bad });
        return;
      }
      continue;
    }
    const bad = checkParamValue(p);
    if (bad) {
      ctx.report({ at, message: `${said(bad)} (${p.key}=${p.value}${VALUE_HINT[p.key] ? `: ${VALUE_HINT[p.key]}` : ''})` });
      return;
    }
  }
}

/**
 * hcexpr= or hctemplate= naming a ProxyHCExpr or ProxyHCTemplate that httpd does not find from line `n` (see
 * hcDefinition): the finding's message, else undefined. `prefix` and `suffix` wrap httpd's words as the line's
 * directive writes them.
 */
function hcNameProblem(ctx: ApacheRuleContext, n: ApacheNode, p: WorkerParam, order: ReadonlyMap<ApacheNode, number>, prefix: string, suffix = ''): string | undefined {
  const directive = p.key === 'hcexpr' ? 'ProxyHCExpr' : 'ProxyHCTemplate';
  const defs = ctx.nodes(directive.toLowerCase()).filter((d) => d.args.length >= 1);
  const { found, other } = hcDefinition(defs, order, p.value, n);
  if (found) return undefined;
  const said = `httpd refuses to start: "${prefix}${p.key === 'hcexpr' ? 'Unknown health check condition expr' : 'Unknown ProxyHCTemplate name'}: ${p.value}${suffix}"`;
  if (other) {
    const server = virtualHostOf(n);
    const home = virtualHostOf(other);
    const where = home !== server ? (home ? `in <VirtualHost ${home.args.join(' ')}>` : 'in the main server') : other === n ? 'this line itself' : 'further down';
    return `${said}: the ${directive} ${p.value} on line ${ctx.lineOf(other)}${other.file !== n.file ? ` of ${other.file.path}` : ''} is ${where}, and httpd takes only those of the line's own server (the main server or its <VirtualHost>) written above the line; define it there`;
  }
  const names = [...new Set(defs.map((e) => e.args[0]))];
  const example = p.key === 'hcexpr' ? `ProxyHCExpr ${p.value} {%{REQUEST_STATUS} =~ /^[23]/}` : `ProxyHCTemplate ${p.value} hcmethod=GET hcuri=/health`;
  return `${said}: no ${directive} defines "${p.value}"${names.length ? ` (defined: ${names.join(', ')})` : `; define it above the line, e.g. ${example}`}`;
}

/**
 * A ProxySet word without "=". Inside <Proxy "url"> the section names the worker and every word is a parameter, so
 * `ProxySet "url" key=value` there fails on the URL (checked with apache2 -t in test/servers/apache-proxyset-lookup.test.ts).
 */
function reportProxySetWord(ctx: ApacheRuleContext, n: ApacheNode, a: ApacheArg, target: Target): void {
  const said = "Invalid ProxySet parameter. Parameter must be in the form 'key=value'";
  const at = { file: n.file, start: a.start, end: a.end };
  const section = target.section;
  if (!section || !/^[A-Za-z][A-Za-z0-9+.-]*:/.test(a.value)) {
    ctx.report({ at, message: `httpd refuses to start: "${said}": "${a.value}" is no key=value word` });
    return;
  }
  const name = section.args[0] ?? '';
  const isBalancer = /^balancer:/i.test(name);
  const key = (u: string) => (isBalancer ? balancerKey(u) : workerName(u, false));
  const same = key(name) !== undefined && key(name) === key(a.value);
  const where = `inside <${section.name} ${section.directive.args.map((x) => x.raw).join(' ')}> (line ${ctx.lineOf(section)}) the section names the ${isBalancer ? 'balancer' : 'worker'} and ProxySet takes only key=value words`;
  const args = n.directive.args;
  const k = args.indexOf(a);
  // The word and the blanks after it (before it, when it is the last word).
  const edit = k + 1 < args.length ? { start: a.start, end: args[k + 1].start } : { start: k > 0 ? args[k - 1].end : n.directive.nameSpan.end, end: a.end };
  ctx.report({
    at,
    message: same
      ? `httpd refuses to start: "${said}": ${where}, so "${a.value}" is read as a parameter: remove it (the section already names it)`
      : `httpd refuses to start: "${said}": ${where}, so "${a.value}" is read as a parameter: parameters for another backend go on its own ProxyPass or BalancerMember line`,
    fix: same ? apacheFix(`Remove "${a.value}" (the section names it)`, { path: n.file.path, ...edit, newText: '' }) : undefined,
  });
}
