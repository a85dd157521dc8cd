import { atLeast, parseVersion } from '../model/version';
import type { DirectiveDoc } from './directive-doc';

/** The five http upstream modules and how they differ, for the family templates. */
export type ModuleId = 'proxy' | 'fastcgi' | 'uwsgi' | 'scgi' | 'grpc';

export interface ModuleInfo {
  id: ModuleId;
  /** What sits behind the pass directive, e.g. "HTTP backend", and its indefinite article. */
  backend: string;
  article: 'a' | 'an';
  /** The module can speak TLS to its backend (proxy https://, uwsgi suwsgi://, grpc grpcs://). */
  tls: boolean;
  /** How a TLS target is written, for text. */
  tlsScheme?: string;
  /** Response buffering, request buffering, *_buffers, *_busy_buffers_size, caching and temp files exist. */
  buffering: boolean;
  /** Version the module's directives appeared in, when the whole module is newer than the family. */
  since?: string;
}

export const MODULES: ModuleInfo[] = [
  { id: 'proxy', backend: 'HTTP backend', article: 'an', tls: true, tlsScheme: '`https://`', buffering: true },
  { id: 'fastcgi', backend: 'FastCGI server (PHP-FPM and similar)', article: 'a', tls: false, buffering: true },
  { id: 'uwsgi', backend: 'uwsgi server', article: 'a', tls: true, tlsScheme: '`suwsgi://`', buffering: true },
  { id: 'scgi', backend: 'SCGI server', article: 'an', tls: false, buffering: true },
  { id: 'grpc', backend: 'gRPC server', article: 'a', tls: true, tlsScheme: '`grpcs://`', buffering: false, since: '1.13.10' },
];

export function moduleUrl(m: ModuleId, directive: string): string {
  return `https://nginx.org/en/docs/http/ngx_http_${m}_module.html#${directive}`;
}

/** gRPC clients do not show HTTP codes; they map 502/503/504 from a proxy to status UNAVAILABLE. */
export const GRPC_CLIENT_NOTE = ' gRPC clients usually report these gateway errors as status `UNAVAILABLE` (14), not as HTTP codes.';

/** The part of a doc a family template writes; name, server and url are filled in per module. */
export type Body = Omit<DirectiveDoc, 'name' | 'server' | 'url'>;

/** One directive family (`*_read_timeout`, …): which modules have it and its text for one module. */
export interface Family {
  suffix: string;
  applies(m: ModuleInfo): boolean;
  build(m: ModuleInfo, d: (suffix: string) => string): Body;
}

export const all = () => true;
export const buffered = (m: ModuleInfo) => m.buffering;
export const tls = (m: ModuleInfo) => m.tls;
export const grpcNote = (m: ModuleInfo) => (m.id === 'grpc' ? GRPC_CLIENT_NOTE : '');
/**
 * The version note of a family directive for module `m`: the family's own note `v`, or the module's version when the
 * module itself is newer than the version `v` names (grpc_next_upstream_tries, "since 1.7.5" elsewhere, came with the
 * grpc module in 1.13.10; grpc_socket_keepalive came later than the module, with the rest of its family in 1.15.6).
 */
export const since = (m: ModuleInfo, v?: string) => {
  const family = v?.match(/\d+\.\d+\.\d+/)?.[0];
  if (m.since && !(family && atLeast(parseVersion(family), m.since))) return `The ${m.id} module appeared in ${m.since}.`;
  return v || undefined;
};
