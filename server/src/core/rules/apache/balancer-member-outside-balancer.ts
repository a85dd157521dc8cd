import { apacheFix } from '../../apache-fix';
import type { Fix } from '../../finding';
import { sectionIsRegex, sectionPath } from '../../model/apache-proxy';
import { virtualHostOf, type ApacheNode } from '../../model/apache-tree';
import { defineApacheRule } from '../apache-rule';

/** Sections that give httpd a path (cmd->path), which add_member takes for the balancer's name. */
const PATH_SECTIONS = new Set(['directory', 'directorymatch', 'location', 'locationmatch', 'files', 'filesmatch', 'proxy', 'proxymatch', 'if', 'elseif', 'else']);

/** The path httpd 2.4.71 has for a section, as "Bad syntax for a balancer name (…)" prints it. */
function httpdPath(section: ApacheNode): string {
  if (section.lname === 'if' || section.lname === 'elseif' || section.lname === 'else') return '*if';
  const p = sectionPath(section);
  const regex = sectionIsRegex(section);
  if (section.lname === 'directory' && !regex && !p.endsWith('/')) return p + '/';
  return p;
}

/** ap_proxy_define_balancer accepts any name with "://" and something after it (balancer://x, even http://x). */
const balancerLike = (name: string) => /^[^:]*:\/\/./.test(name);

/** A word httpd reads as it is written: no white space, quotes, backslash or "#". */
const PLAIN_WORD = /^[^\s"'\\#]+$/;

/** Error-log text: httpd escapes backslashes in the message it logs. */
const logged = (s: string) => s.replace(/\\/g, '\\\\');

/** The section whose path add_member would take for the balancer's name, if any. */
function pathSectionOf(n: ApacheNode): ApacheNode | undefined {
  for (let p = n.parent; p; p = p.parent) if (PATH_SECTIONS.has(p.lname)) return p;
  return undefined;
}

/** BalancerMember lines outside any section with a URL and no balancer name: the members of a balancer the user did not name. */
export function unnamedMembers(nodes: ApacheNode[]): ApacheNode[] {
  return nodes.filter((n) => !n.unresolved && !pathSectionOf(n) && n.args.filter((w) => !w.includes('=')).length === 1);
}

/**
 * BalancerMember outside a <Proxy balancer://…> section (add_member in mod_proxy.c, httpd 2.4.71): words without
 * "=" are the balancer's name and then the member's URL, and a section's path, when there is one, is the name.
 * - No section: `BalancerMember http://a:8080/` has a name and no URL: "BalancerMember must define remote proxy
 *   server" (no word at all: "… must define balancer name when outside <Proxy > section").
 * - <Location>, <Directory>, <Files>, <If>, <Proxy *>: the section's path is no balancer name, "BalancerMember Bad
 *   syntax for a balancer name (/x)"; with a name on the line as well, "… can not have a balancer name when defined
 *   in a location".
 * - Any place: a URL holding "=" (`http://a/?x=y`) is read as a parameter, so the URL is missing.
 */
export default defineApacheRule({
  id: 'balancer-member-outside-balancer',
  server: 'apache',
  severity: 'error',
  outcome: 'startup-failure',
  summary: 'A BalancerMember outside a <Proxy balancer://…> section that does not name its balancer first (or sits in a <Location>): httpd refuses to start.',
  directives: ['BalancerMember'],
  versions: 'all 2.4',
  check(ctx) {
    // Each server's balancers, without those the main server's of the same name hides (their members get no requests).
    const shown = ctx.proxy.balancers.filter((b) => !b.hiddenBy);
    const unnamed = unnamedMembers(ctx.nodes('balancermember'));
    for (const n of ctx.nodes('balancermember')) {
      if (n.unresolved) continue;
      const positional = n.directive.args.filter((_, k) => !n.args[k].includes('='));
      const urlAsParam = n.directive.args.find((_, k) => n.args[k].includes('=') && /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^=]*\?/.test(n.args[k]));
      const section = pathSectionOf(n);
      const name = section ? httpdPath(section) : undefined;
      let says: string;
      let why: string;
      if (positional.length === 0) {
        says = section ? 'BalancerMember must define remote proxy server' : 'BalancerMember must define balancer name when outside <Proxy > section';
        why = urlAsParam ? `the URL "${urlAsParam.value}" holds "=", so httpd reads it as a key=value parameter and the line has no URL` : 'the line names no backend URL';
      } else if (!section) {
        if (positional.length >= 2) continue;
        says = 'BalancerMember must define remote proxy server';
        why = `outside a <Proxy balancer://…> section httpd reads BalancerMember's first word as the balancer's name and the second as the member's URL, so "${positional[0].value}" is taken for a balancer's name and the member has no URL${urlAsParam ? ` ("${urlAsParam.value}" holds "=", so it counts as a parameter)` : ''}`;
      } else if (balancerLike(name!)) {
        continue;
      } else {
        says = positional.length >= 2 ? 'BalancerMember can not have a balancer name when defined in a location' : `BalancerMember Bad syntax for a balancer name (${logged(name!)})`;
        why = `inside <${section.name}> httpd takes the section's path ("${name}") for the balancer's name; a BalancerMember belongs in a <Proxy balancer://…> section, or outside any section after the balancer's name`;
      }

      // Which balancer the member was meant for: one that has no member at all, else the only one there is. The
      // fix names it on every unnamed member of the same virtual host at once (each finding offers the same edits,
      // which replace whole words, so applying several of them writes each name once).
      let fix: Fix | undefined;
      const suggestions: Fix[] = [];
      if (!section && positional.length === 1) {
        const scope = virtualHostOf(n);
        const group = unnamed.filter((m) => virtualHostOf(m) === scope);
        // Named, the member joins its own server's balancer of that name, which a virtual host does not use when the
        // main server has one of the name (see takesMainBalancers): such a name would leave it without requests.
        const balancers = shown.filter((b) => scope === null || ctx.proxy.balancerFor(scope, b.name)?.vhost !== null);
        const empty = balancers.filter((b) => b.members.length === 0);
        // The ones this line's server uses come first.
        const near = (list: typeof balancers) => {
          const same = list.filter((b) => b.vhost === scope || b.users.some((u) => u.vhost === scope));
          return same.length ? same : list;
        };
        const chosen = empty.length ? near(empty) : near(balancers);
        // Several servers may have a balancer of one name: each name is offered once. Only a name that is one plain
        // word can be written in front of the URL as it stands: one read from a broken line (an unclosed quote takes
        // the rest of it, spaces and "#" included) would be split into other words, and --fix would never settle.
        const candidates = [...new Map(chosen.filter((b) => PLAIN_WORD.test(b.name)).map((b) => [b.name, b])).values()];
        const add = (b: (typeof balancers)[number]) =>
          apacheFix(
            group.length > 1 ? `Name the balancer: "BalancerMember ${b.name} …" on the ${group.length} BalancerMember lines here` : `Name the balancer: "BalancerMember ${b.name} ${positional[0].value}"`,
            ...group.map((m) => {
              const url = m.directive.args.find((_, k) => !m.args[k].includes('='))!;
              return { path: m.file.path, start: url.start, end: url.end, newText: `${b.name} ${m.file.text.slice(url.start, url.end)}` };
            }),
          );
        if (empty.length && chosen.length === 1 && candidates.length === 1) fix = add(candidates[0]);
        else suggestions.push(...candidates.slice(0, 3).map(add));
      }
      const hint = !section && positional.length === 1 ? `; name the balancer first ("BalancerMember balancer://NAME ${positional[0].value}") or move the line into its <Proxy balancer://NAME> section` : '';
      ctx.report({ node: n, message: `httpd refuses to start: "${says}": ${why}${hint}`, fix, suggestions });
    }
  },
});
