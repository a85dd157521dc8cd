import type { ApacheArg } from '../syntax/apache/ast';
import { parseBackendUrl, type BackendUrl } from './apache-proxy';
import { DIRECTORY_SECTIONS, virtualHostOf, type ApacheNode } from './apache-tree';

/** A `RewriteRule pattern scheme://… [P]` that runs: mod_rewrite hands its requests to mod_proxy. */
export interface ProxyRewrite {
  node: ApacheNode;
  /** The substitution as written. */
  arg: ApacheArg;
  url: string;
  target: BackendUrl;
  /**
   * The servers whose requests this rule sees (null: the main server): a virtual host's rule its own; a main-server
   * rule the main server's (when it answers any) and those of the virtual hosts that take it with RewriteOptions
   * Inherit or InheritBefore. Empty when no request reaches it.
   */
  servers: (ApacheNode | null)[];
  /** The virtual hosts among `servers` that run a main-server rule only because of their RewriteOptions line. */
  inheritedBy: ApacheNode[];
  /**
   * Set for a rule in a <Directory> section or an .htaccess file: there mod_rewrite matches the pattern against the
   * file path below that folder ("app/x" for /srv/www/app/x in <Directory "/srv/www">), not the URL-path. `folder` is
   * the section's path; undefined for an .htaccess file (the checkout does not show where it sits on the server), for
   * a folder written as a pattern, and when an Alias may map URL-paths to folders outside DocumentRoot. https://httpd.apache.org/docs/2.4/mod/mod_rewrite.html#rewriterule
   */
  perDirectory?: { folder?: string };
}

/**
 * The part of a [P] target that names its worker whatever the request: the text before the first $N or %{…}, which
 * mod_rewrite fills in per request (a longer worker name may still be reached through what they give).
 */
export function rewriteLookupUrl(url: string): string {
  const cut = url.search(/\$\d|%\{/);
  return cut < 0 ? url : url.slice(0, cut);
}

/** The scope a RewriteEngine or RewriteRule belongs to: its per-directory section, else its virtual host, else the server (null). */
export function rewriteScope(n: ApacheNode): ApacheNode | null {
  for (let p = n.parent; p; p = p.parent) if (DIRECTORY_SECTIONS.has(p.lname) || p.lname === 'virtualhost' || p.lname === 'if' || p.lname === 'elseif' || p.lname === 'else') return p;
  return null;
}

/** True when `RewriteRule … [flags]` has the P (proxy) flag. */
export function hasProxyFlag(flags: string | undefined): boolean {
  if (!flags || !/^\[.*\]$/.test(flags)) return false;
  return flags.slice(1, -1).split(',').some((f) => /^\s*(p|proxy)\s*$/i.test(f));
}

/**
 * Whether RewriteEngine is on for a scope: httpd 2.4.71 takes the nearest RewriteEngine outwards: the rule's section,
 * enclosing sections, its virtual host, then the main server (a vhost rule ran with RewriteEngine On only in the main
 * server; RewriteEngine Off in the vhost stopped it).
 */
export function engineOn(all: readonly ApacheNode[]): (scope: ApacheNode | null) => boolean {
  const engineAt = new Map<ApacheNode | null, boolean>();
  for (const e of all) if (e.lname === 'rewriteengine') engineAt.set(rewriteScope(e), /^on$/i.test(e.args[0] ?? ''));
  return (scope) => {
    for (let c = scope; ; c = c && rewriteScope(c)) {
      if (engineAt.has(c)) return engineAt.get(c)!;
      if (c === null) return false;
    }
  };
}

/**
 * The virtual hosts that run the main server's rewrite rules: those whose own server-level RewriteOptions says Inherit
 * or InheritBefore (mod_rewrite merges the main server's rules into them), and, when the main server says
 * RewriteOptions InheritDown or InheritDownBefore, those with RewriteEngine On of their own. Checked on httpd 2.4.68
 * with a main-server "RewriteRule … https://… [P]" and a request to a virtual host: it ran with "RewriteOptions Inherit"
 * or "InheritBefore" in the virtual host, also with no RewriteEngine of its own there (the main server's On held), and
 * not with "RewriteEngine Off" in it; it did not run with no RewriteOptions in the virtual host, nor with
 * "RewriteOptions Inherit", "InheritDown" or "InheritDownBefore" in the main server only
 * (test/servers/apache-rewrite-inherit.test.ts). On 2.4.71 the same rule ran (500 AH00961 / AH01144) in a virtual
 * host with "RewriteEngine On" of its own under the main server's InheritDown or InheritDownBefore (same test), and a
 * main-server WebSocket recipe there got 101, 426 without InheritDown. https://httpd.apache.org/docs/2.4/mod/mod_rewrite.html#rewriteoptions
 */
export function inheritingHosts(all: readonly ApacheNode[]): Map<ApacheNode, 'Inherit' | 'InheritDown'> {
  const out = new Map<ApacheNode, 'Inherit' | 'InheritDown'>();
  const down = all.some((n) => n.lname === 'rewriteoptions' && !n.unresolved && n.parent === null && n.args.some((a) => /^inheritdown(before)?$/i.test(a)));
  for (const n of all) {
    const vhost = n.parent;
    if (n.unresolved || !vhost || vhost.lname !== 'virtualhost') continue;
    if (n.lname === 'rewriteoptions' && n.args.some((a) => /^inherit(before)?$/i.test(a))) out.set(vhost, 'Inherit');
    else if (down && n.lname === 'rewriteengine' && /^on$/i.test(n.args[0] ?? '') && !out.has(vhost)) out.set(vhost, 'InheritDown');
  }
  return out;
}

/**
 * The RewriteRule lines with the P (proxy) flag whose substitution is a URL with a scheme, where RewriteEngine On is in
 * effect, with the servers whose requests they see. A host written with variables (https://%{HTTP_HOST}/$1) still
 * has its scheme. `all` is every node httpd reads; `mainServerAnswers` whether requests reach the main server
 * itself; `vhosts` every <VirtualHost>.
 */
export function proxyRewritesOf(all: readonly ApacheNode[], mainServerAnswers: boolean, vhosts: readonly ApacheNode[], htaccess = false): ProxyRewrite[] {
  const on = engineOn(all);
  const aliased = all.some((n) => /^(script)?alias(match)?$/.test(n.lname));
  let inheriting: Map<ApacheNode, 'Inherit' | 'InheritDown'> | undefined;
  const out: ProxyRewrite[] = [];
  for (const n of all) {
    if (n.lname !== 'rewriterule') continue;
    const a = n.directive.args[1];
    const sub = n.args[1] ?? '';
    if (!a || n.unresolved || !hasProxyFlag(n.args[2])) continue;
    if (!/^(unix:[^|]*\|)?[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(sub)) continue;
    const target = parseBackendUrl(sub, 'RewriteRule');
    if (target.error || !target.scheme) continue;
    const scope = rewriteScope(n);
    const vhost = virtualHostOf(n);
    let servers: (ApacheNode | null)[] = [];
    let inheritedBy: ApacheNode[] = [];
    if (vhost) {
      if (on(scope)) servers = [vhost];
    } else if (scope !== null) {
      // A main-server <Directory>, <Location>, <If>…: the per-directory sections hold for every server's requests.
      if (on(scope)) servers = [...(mainServerAnswers ? [null] : []), ...vhosts];
    } else {
      inheriting ??= inheritingHosts(all);
      inheritedBy = vhosts.filter((v) => inheriting!.has(v) && on(v));
      servers = [...(mainServerAnswers && on(null) ? [null] : []), ...inheritedBy];
    }
    const perDirectory = perDirectoryOf(scope, htaccess, aliased);
    out.push({ node: n, arg: a, url: sub, target, servers, inheritedBy, ...(perDirectory ? { perDirectory } : {}) });
  }
  return out;
}

/** ProxyRewrite.perDirectory for a rule in `scope` (its rewriteScope), or undefined when it sees the URL-path. */
function perDirectoryOf(scope: ApacheNode | null, htaccess: boolean, aliased: boolean): ProxyRewrite['perDirectory'] {
  if (scope === null) return htaccess ? {} : undefined;
  if (scope.lname === 'directorymatch') return {};
  if (scope.lname !== 'directory') return undefined;
  const folder = scope.args[0] ?? '';
  // <Directory ~ "regex">, and a path with wildcards: which folder matched is not known.
  if (folder === '~' || /[*?[]/.test(folder) || !folder.startsWith('/') || aliased) return {};
  return { folder: folder.replace(/\/+$/, '') };
}
