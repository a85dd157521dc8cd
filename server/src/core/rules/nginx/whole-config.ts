import type { ConfigNode, NginxConfig } from '../../model/nginx-tree';
import type { NginxRuleContext } from '../rule';

/**
 * Whether every include brought something in: none missing, unreadable, not followed, in a cycle or too deep, and no
 * glob that matched nothing (sites-enabled/* in a checkout without the server's files).
 */
export function allIncludesFollowed(ctx: NginxRuleContext): boolean {
  // Asked by several rules, and the answer walks every node: worked out once per configuration loaded.
  let followed = followedIn.get(ctx.config);
  if (followed === undefined) followedIn.set(ctx.config, (followed = everyIncludeBroughtSomething(ctx)));
  return followed;
}

const followedIn = new WeakMap<NginxConfig, boolean>();

function everyIncludeBroughtSomething(ctx: NginxRuleContext): boolean {
  if (ctx.config.problems.some((p) => p.kind !== 'bad-directive-name')) return false;
  const includes = ctx.nodes('include');
  if (!includes.length) return true;
  const brought = new Set<ConfigNode>();
  const all = ctx.config.all;
  for (let k = 0; k < all.length; k++) if (all[k].via) brought.add(all[k].via!);
  return includes.every((i) => brought.has(i));
}

/**
 * Whether proxylint sees all nginx will read: the entry is a whole configuration (nginx.conf, not a fragment) and every
 * include was followed. Only then is something that is not defined anywhere certainly undefined.
 */
export function wholeConfiguration(ctx: NginxRuleContext): boolean {
  return ctx.config.rootContext === 'main' && allIncludesFollowed(ctx);
}
