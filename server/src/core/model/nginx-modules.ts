import { parseNginxTime } from './units';
import type { Arg } from '../syntax/nginx/ast';

/**
 * The upstream modules that share the same timeout/buffer/retry directive families. Rules that
 * apply "for every proxy module" iterate these instead of hard-coding proxy_*.
 */
export const HTTP_UPSTREAM_MODULES = ['proxy', 'fastcgi', 'uwsgi', 'scgi', 'grpc'] as const;
export type UpstreamModule = (typeof HTTP_UPSTREAM_MODULES)[number];

/** The pass directive of each module. */
export const PASS_OF: Record<UpstreamModule, string> = {
  proxy: 'proxy_pass',
  fastcgi: 'fastcgi_pass',
  uwsgi: 'uwsgi_pass',
  scgi: 'scgi_pass',
  grpc: 'grpc_pass',
};

/** `proxy_read_timeout` → "proxy"; undefined for directives outside the families. */
export function moduleOfDirective(name: string): UpstreamModule | undefined {
  const prefix = name.slice(0, name.indexOf('_'));
  return (HTTP_UPSTREAM_MODULES as readonly string[]).includes(prefix) ? (prefix as UpstreamModule) : undefined;
}

/**
 * Milliseconds of a time argument read as nginx reads the timeouts (ngx_conf_set_msec_slot), or undefined when it is
 * not a literal time nginx takes (a variable, a typo).
 */
export function timeMs(arg: Arg | undefined): number | undefined {
  // No separate test for "$": parseNginxTime rejects any text with a variable in it.
  if (!arg) return undefined;
  return parseNginxTime(arg.value, 'msec') ?? undefined;
}
