import { allApacheDirectiveDocs, apacheDirectiveDoc } from '../docs/directive-doc';
import type { ApacheLintResult } from '../lint-apache';
import { SERVER_ONLY } from '../model/apache-htaccess';
import { balancerName, sectionPath } from '../model/apache-proxy';
import { DIRECTORY_SECTIONS, virtualHostOf, type ApacheNode } from '../model/apache-tree';
import { HC_METHODS, PARAMS, PROXYPASS_FLAGS, type ParamSpec } from '../model/apache-workers';
import { placementVerdict } from '../rules/apache/directive-not-allowed-in-section';
import { completionDoc, urlCanStart, type Candidate, type Completions } from './completion';

/**
 * Completion in httpd files. What may be written depends on where the line stands (httpd refuses a ProxyTimeout in a
 * <Location>, a <Location> in a <Location>), on the directive and, for `key=value` parameters, on what they configure:
 * on a `balancer://` URL (ProxyPass, ProxySet) httpd takes balancer parameters only and on a backend URL or a
 * BalancerMember worker parameters only; anything else stops it ("ProxyPass unknown Balancer parameter",
 * "BalancerMember unknown Worker parameter", apache2 2.4.71 -t).
 * https://httpd.apache.org/docs/2.4/mod/mod_proxy.html#proxypass
 */
export function apacheCompletions(result: ApacheLintResult, path: string, text: string, offset: number): Completions {
  const c = completionsAt(result, path, text, offset);
  // The word goes on to a space or quote, or the ">" of a section line; a closing tag (whose items hold the ">") takes it.
  let end = offset;
  while (end < text.length && !/[\s"'>]/.test(text[end])) end++;
  if (text[end] === '>' && text.slice(c.start, offset).startsWith('</')) end++;
  // In the key of a `key=value` parameter (`time|out=5`), the items are keys with their "=": the value stays.
  const eq = text.slice(offset, end).indexOf('=');
  if (eq >= 0 && !text.slice(c.start, offset).includes('=')) end = offset + eq + 1;
  return { ...c, replaceEnd: end };
}

function completionsAt(result: ApacheLintResult, path: string, text: string, offset: number): Completions {
  const lineStart = logicalLineStart(text, offset);
  const typed = joinContinued(text.slice(lineStart, offset));
  let start = offset;
  while (start > lineStart && !/[\s"']/.test(text[start - 1])) start--;
  const partial = text.slice(start, offset);
  const words = splitWords(typed.slice(0, typed.length - partial.length));
  const none = { items: [], start, end: offset };
  if (words.length === 0 && typed.trimStart().startsWith('#')) return none;
  const parent = enclosingNode(result, path, lineStart);
  if (words.length === 0) return nameCompletions(result, parent, partial, start, offset);

  const lname = words[0].toLowerCase();
  const args = words.slice(1);
  // After a "#" word the line is no better: httpd takes it as one more argument (see inline-comment-is-argument).
  if (args.some((a) => a.startsWith('#'))) return none;
  if (lname.startsWith('<')) {
    // A <Proxy> header for a balancer that ProxyPass lines of this server use but nothing defines yet.
    if (lname !== '<proxy' || args.length > 0) return none;
    // Only the server's own balancer gets the section (one the main server's hides would stay unused).
    const vhost = serverOf(parent);
    const wanted = result.proxy.balancers.filter((b) => b.vhost === vhost && !b.hiddenBy && b.members.length === 0 && !b.section && b.users.length > 0);
    return { items: wanted.map((b): Candidate => ({ label: b.name, kind: 'upstream', detail: 'balancer used by ProxyPass, not defined yet' })), start, end: offset };
  }
  const target = paramTarget(lname, args, parent);
  if (target === 'path') return none;
  if (!target) return { items: directiveValues(lname, args.length), start, end: offset };
  if (target === 'url') return { items: balancerNames(result, parent, lname, args).filter((c) => urlCanStart(partial, c.label)), start, end: offset };

  const pass = lname === 'proxypass' || lname === 'proxypassmatch';
  const fits = (spec: ParamSpec) => (spec.scope === 'p' ? pass : inScope(spec, target));
  const eq = partial.indexOf('=');
  if (eq > 0) {
    const key = partial.slice(0, eq).toLowerCase();
    const spec = PARAMS[key];
    if (!spec || !fits(spec)) return { items: [], start: start + eq + 1, end: offset };
    return { items: paramValues(key, spec).map((v): Candidate => ({ label: v, kind: 'value', detail: `${key}=` })), start: start + eq + 1, end: offset };
  }
  // Each key once: httpd keeps the last, so a second one would only hide the first.
  const written = new Set(args.map((a) => a.slice(0, a.indexOf('=')).toLowerCase()).filter(Boolean));
  const items = Object.entries(PARAMS)
    .filter(([k, spec]) => fits(spec) && !written.has(k))
    .map(([k, spec]): Candidate => ({ label: `${k}=`, kind: 'value', detail: paramDetail(spec, target) }));
  if (pass) {
    for (const f of PROXYPASS_FLAGS) if (!args.some((a) => a.toLowerCase() === f)) items.push({ label: f, kind: 'value', detail: `${words[0]} flag` });
  }
  return { items, start, end: offset };
}

/** Where the logical line holding `offset` starts: httpd joins a line ending in a single `\` with the next. */
function logicalLineStart(text: string, offset: number): number {
  let start = text.lastIndexOf('\n', offset - 1) + 1;
  while (start > 0) {
    let end = start - 1;
    if (end > 0 && text[end - 1] === '\r') end--;
    const prev = text.lastIndexOf('\n', start - 2) + 1;
    if (!continues(text.slice(prev, end))) break;
    start = prev;
  }
  return start;
}

/** The parser's rule (ap_cfg_getline): a line continues when it ends in one `\`, not two. */
const continues = (line: string) => line.length >= 2 && line.endsWith('\\') && line[line.length - 2] !== '\\';

function joinContinued(lines: string): string {
  return lines
    .split('\n')
    .map((l, i, all) => {
      const t = l.endsWith('\r') ? l.slice(0, -1) : l;
      return i < all.length - 1 && continues(t) ? t.slice(0, -1) : t;
    })
    .join('');
}

/** Words as httpd splits them (quotes removed), enough to tell which argument the cursor is on. */
function splitWords(s: string): string[] {
  const out: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"?|'((?:[^'\\]|\\.)*)'?|(\S+)/g;
  for (let m = re.exec(s); m; m = re.exec(s)) out.push(m[1] ?? m[2] ?? m[3]);
  return out;
}

/**
 * The section a line at `lineStart` is written in (null: the main server), as the configuration places the file: the
 * innermost section of this file whose body holds the line, else the one the file is included in.
 */
function enclosingNode(result: ApacheLintResult, path: string, lineStart: number): ApacheNode | null {
  let inner: ApacheNode | null = null;
  // The first node of the file in document order is at its top: its parent is where the file is included.
  let top: ApacheNode | null | undefined;
  for (const n of result.config.all) {
    if (n.file.path !== path) continue;
    if (top === undefined) top = n.parent;
    const d = n.directive;
    // A "<" typed alone is no section yet (httpd would refuse it): the line below it is still in the one around it.
    if (!d.section || !n.name) continue;
    const bodyStart = n.file.text.indexOf('\n', d.args.at(-1)?.end ?? d.nameSpan.end);
    const bodyEnd = d.section.close?.start ?? d.section.end;
    if (bodyStart >= 0 && bodyStart < lineStart && lineStart <= bodyEnd) inner = n;
  }
  return inner ?? top ?? null;
}

/** The <VirtualHost> a line under `parent` belongs to, or null for the main server. */
const serverOf = (parent: ApacheNode | null): ApacheNode | null => (parent ? (parent.lname === 'virtualhost' ? parent : virtualHostOf(parent)) : null);

/** The innermost per-directory section (<Location>, <Directory>, <Proxy>, <If>, …) at or above `n`. */
function perDirectory(n: ApacheNode | null): ApacheNode | null {
  for (let p = n; p; p = p.parent) if (DIRECTORY_SECTIONS.has(p.lname) || p.lname === 'if' || p.lname === 'elseif' || p.lname === 'else') return p;
  return null;
}

const isBalancerSection = (n: ApacheNode | null) => !!n && n.lname === 'proxy' && /^balancer:\/\//i.test(n.args[0] ?? '');

/** Sections and where httpd takes them (apache2 2.4.71 -t, each inside each of the others). */
const SECTIONS: { name: string; arg: string; where: 'main' | 'server' | 'files' | 'any' }[] = [
  { name: 'VirtualHost', arg: '${1:*:80}', where: 'main' },
  { name: 'Location', arg: '${1:/path/}', where: 'server' },
  { name: 'LocationMatch', arg: '"${1:^/path/}"', where: 'server' },
  { name: 'Proxy', arg: '"balancer://${1:name}"', where: 'server' },
  { name: 'ProxyMatch', arg: '"${1:^http://backend/}"', where: 'server' },
  { name: 'Directory', arg: '"${1:/var/www/}"', where: 'server' },
  { name: 'DirectoryMatch', arg: '"${1:^/var/www/}"', where: 'server' },
  { name: 'Files', arg: '"${1:name}"', where: 'files' },
  { name: 'FilesMatch', arg: '"${1:\\\\.php\\$}"', where: 'files' },
  { name: 'IfModule', arg: '${1:mod_proxy.c}', where: 'any' },
  { name: 'IfDefine', arg: '${1:NAME}', where: 'any' },
];
const SECTION_NAMES = new Set(SECTIONS.map((s) => s.name.toLowerCase()));

let directiveNames: string[] | undefined;

/** The directive or section name at the start of a line: only those httpd accepts where the line stands. */
function nameCompletions(result: ApacheLintResult, parent: ApacheNode | null, partial: string, start: number, end: number): Completions {
  const htaccess = result.config.htaccess;
  if (partial.startsWith('</')) {
    // The tag that closes the section the line is in.
    const open = parent?.directive.section ? parent : null;
    return { items: open ? [{ label: `</${open.name}>`, kind: 'directive', detail: `closes <${open.name}> (line ${open.file.lines.positionAt(open.directive.start).line + 1})` }] : [], start, end };
  }
  const perDir = perDirectory(parent);
  const inVhost = serverOf(parent) !== null;
  const sections = SECTIONS.filter((s) => {
    if (s.where === 'any') return true;
    if (s.where === 'files') return !perDir || (perDir.lname !== 'location' && perDir.lname !== 'locationmatch');
    return !htaccess && !perDir && (s.where === 'server' || !inVhost);
  }).map((s): Candidate => ({ label: partial.startsWith('<') ? `<${s.name}>` : s.name, kind: 'snippet', detail: `section <${s.name} …> … </${s.name}>`, insertText: `<${s.name} ${s.arg}>\n\t$0\n</${s.name}>`, snippet: true }));
  if (partial.startsWith('<')) return { items: sections, start, end };
  directiveNames ??= [...new Set(allApacheDirectiveDocs().map((d) => d.name))].filter((n) => !SECTION_NAMES.has(n.toLowerCase()));
  const names = directiveNames.filter((n) => {
    const l = n.toLowerCase();
    if (htaccess && SERVER_ONLY.has(l)) return false;
    // A BalancerMember belongs in its <Proxy balancer://…>, or at server level with the balancer named first.
    if (l === 'balancermember') return perDir === null || isBalancerSection(perDir);
    return placementVerdict(l, parent) === undefined;
  });
  return { items: [...names.map((n): Candidate => ({ label: n, kind: 'directive', documentation: completionDoc(apacheDirectiveDoc(n)) })), ...sections], start, end };
}

type Target = 'url' | 'worker' | 'balancer';

/**
 * What the word after `args` is for a directive that takes a backend URL and parameters: the URL (or balancer name),
 * or a parameter of a worker or of a balancer. Undefined for other directives, and for a ProxyPass path.
 */
function paramTarget(lname: string, args: string[], parent: ApacheNode | null): Target | 'path' | undefined {
  const section = perDirectory(parent);
  const kindOf = (url: string | undefined): Target => (/^balancer:\/\//i.test(url ?? '') ? 'balancer' : 'worker');
  if (lname === 'proxypass' || lname === 'proxypassmatch') {
    // In a <Location> the path is the section's: the URL comes first.
    const urlIndex = section && (section.lname === 'location' || section.lname === 'locationmatch') ? 0 : 1;
    if (args.length < urlIndex) return 'path';
    if (args.length === urlIndex) return 'url';
    return kindOf(args[urlIndex]);
  }
  if (lname === 'balancermember') {
    if (isBalancerSection(section)) return args.length === 0 ? undefined : 'worker';
    return args.length === 0 ? 'url' : args.length === 1 ? undefined : 'worker';
  }
  if (lname === 'proxyset') {
    if (section && (section.lname === 'proxy' || section.lname === 'proxymatch')) return kindOf(section.args[0]);
    return args.length === 0 ? 'url' : kindOf(args[0]);
  }
  return undefined;
}

const inScope = (spec: ParamSpec, target: Target | 'path') => (target === 'balancer' ? spec.scope.includes('b') : target === 'worker' ? spec.scope.includes('w') : false);

function paramDetail(spec: ParamSpec, target: Target): string {
  const notes = [spec.module ? `needs mod_${spec.module}` : '', spec.since ? `httpd ${spec.since} and later` : ''].filter(Boolean);
  return `${target} parameter${notes.length ? ` (${notes.join('; ')})` : ''}`;
}

function paramValues(key: string, spec: ParamSpec): string[] {
  if (spec.kind === 'onoff') return ['On', 'Off'];
  if (spec.kind === 'hcmethod') return HC_METHODS.map((m) => m.toUpperCase());
  if (key === 'lbmethod') return ['byrequests', 'bybusyness', 'bytraffic', 'heartbeat'];
  if (key === 'flushpackets') return ['on', 'off', 'auto'];
  if (key === 'upgrade') return ['websocket'];
  if (spec.kind === 'mapping') return ['servlet', 'encoded'];
  return [];
}

/**
 * `balancer://` names for the URL of a ProxyPass (or the balancer a BalancerMember or ProxySet names): those the
 * line's server sees, its own and the main server's (a virtual host never sees another's, and there it would have no
 * member: 503, see undefined-balancer).
 */
function balancerNames(result: ApacheLintResult, parent: ApacheNode | null, lname: string, args: string[]): Candidate[] {
  const vhost = serverOf(parent);
  const section = perDirectory(parent);
  // The backend gets the path after the local one: a local path ending in "/" wants the URL to end in one too.
  const path = lname.startsWith('proxypass') ? (section && /^location/.test(section.lname) ? sectionPath(section) : args[args[0] === '~' ? 1 : 0]) : undefined;
  const slash = path?.endsWith('/') ? '/' : '';
  const out: Candidate[] = [];
  const names = new Set(result.proxy.balancers.filter((b) => b.vhost === null || b.vhost === vhost).map((b) => b.name));
  for (const key of names) {
    // The balancer this server uses by the name (see takesMainBalancers); one only a ProxyPass defines has no members.
    const b = result.proxy.balancerFor(vhost, key);
    if (!b || (!b.section && b.members.length === 0)) continue;
    const written = b.section?.args[0];
    const name = written && balancerName(written) === b.name ? written.replace(/\/+$/, '') : b.name;
    out.push({ label: `${name}${slash}`, kind: 'upstream', detail: `balancer: ${b.members.length} member${b.members.length === 1 ? '' : 's'}` });
  }
  return out;
}

const ON_OFF = new Set([
  'proxypreservehost', 'proxyrequests', 'proxyerroroverride', 'proxyaddheaders', 'proxywebsocketfallbacktoproxyhttp', 'sslproxyengine',
  'sslproxycheckpeername', 'sslproxycheckpeercn', 'sslproxycheckpeerexpire', 'keepalive',
]);

/** Keywords for the first argument of the directives that take one of a few words. */
function directiveValues(lname: string, argIndex: number): Candidate[] {
  if (argIndex !== 0) return [];
  const words = ON_OFF.has(lname) ? ['On', 'Off'] : lname === 'proxybadheader' ? ['IsError', 'Ignore', 'StartBody'] : lname === 'sslproxyverify' ? ['none', 'optional', 'require', 'optional_no_ca'] : [];
  return words.map((w): Candidate => ({ label: w, kind: 'value', detail: lname }));
}
