import { atLeast, type Version } from './version';
import { nginxDirective } from './nginx-directives';

export interface NginxTarget {
  version: Version;
  edition: 'oss' | 'plus' | 'unknown';
  /** Memory page size in bytes; nginx's default buffer sizes are one page (4k on x86-64). */
  pageSize: number;
}

/** A default nginx changed in one or more releases: `before` until the first change, then each change's value. */
export interface VersionedDefault {
  before: string;
  changes: readonly { since: string; value: string }[];
}

/**
 * The TLS protocols nginx enables when none are written (every *ssl_protocols directive shares them): TLSv1.3 was
 * added in 1.23.4 (CHANGES 1.23.4, and the directive pages' note), and TLSv1 and TLSv1.1 were dropped in 1.27.3
 * (nginx pull request 252, merged 2024-10-31, first released in 1.27.3). On 1.22.1 a TLSv1.3-only backend fails the
 * handshake with the defaults (test/servers/nginx-tls-upstream.test.ts).
 */
const TLS_PROTOCOLS: VersionedDefault = {
  before: 'TLSv1 TLSv1.1 TLSv1.2',
  changes: [
    { since: '1.23.4', value: 'TLSv1 TLSv1.1 TLSv1.2 TLSv1.3' },
    { since: '1.27.3', value: 'TLSv1.2 TLSv1.3' },
  ],
};

/** Defaults nginx changed in a release: 1.29.7 turned HTTP/1.1 and upstream keep-alive on (CHANGES 1.29.7); TLS protocols above. */
const VERSIONED_DEFAULTS: Record<string, VersionedDefault> = {
  proxy_http_version: { before: '1.0', changes: [{ since: '1.29.7', value: '1.1' }] },
  keepalive: { before: 'off', changes: [{ since: '1.29.7', value: '32 local' }] },
  ssl_protocols: TLS_PROTOCOLS,
  proxy_ssl_protocols: TLS_PROTOCOLS,
  grpc_ssl_protocols: TLS_PROTOCOLS,
  uwsgi_ssl_protocols: TLS_PROTOCOLS,
  zone_sync_ssl_protocols: TLS_PROTOCOLS,
};

/**
 * The default of a directive whose default changed between releases, for a target whose version is not known:
 * there is always a default, only which one is unknown (`1.0` before 1.29.7, `1.1` from it).
 */
export function versionedDefault(name: string): VersionedDefault | undefined {
  return Object.prototype.hasOwnProperty.call(VERSIONED_DEFAULTS, name) ? VERSIONED_DEFAULTS[name] : undefined;
}

/** The value of a versioned default for `version`; undefined when the version is unknown. */
function versionedValue(v: VersionedDefault, version: Version): string | undefined {
  let value = v.before;
  for (const c of v.changes) {
    const after = atLeast(version, c.since);
    if (after === undefined) return undefined;
    if (after) value = c.value;
  }
  return value;
}

/**
 * Defaults compiled into the nginx binary by configure rather than fixed by nginx, where the reference shows one
 * build's value. `user`: configure's --user= and --group= (nginx -V lists them when given); without them the user is
 * nobody, and the group nobody when the build host's /etc/group has such a group, else nogroup (auto/options). Debian
 * 12's nginx 1.22.1 is built without them (nginx -V), the binary holds "nogroup", and with no user line its worker ran
 * as nobody:nogroup under a master started as root (test/servers/nginx-user-default.test.ts).
 */
export const BUILD_DEPENDENT_DEFAULTS: Readonly<Record<string, { value: string; note: string }>> = {
  user: {
    value: 'nobody nogroup',
    note: 'compiled in: nobody nogroup in Debian\'s package (built without --user/--group on a host that has no "nobody" group); nobody nobody where the build host has one; the --user=/--group= that nginx -V lists where the build set them. It applies only when the master runs as root',
  },
};

/**
 * Built-in defaults that depend on the nginx version or the machine, where the reference text is
 * ambiguous ("4k|8k") or changed (1.29.7 turned upstream keep-alive and HTTP/1.1 on by default).
 * Returns undefined when the default cannot be stated for the target (unknown version).
 */
export function nginxDefault(name: string, target: NginxTarget, stream = false): string | undefined {
  const page = target.pageSize >= 8192 ? '8k' : '4k';
  const versioned = versionedDefault(name);
  if (versioned) return versionedValue(versioned, target.version);
  // The stream module's proxy_buffer_size is a fixed 16k (ngx_stream_proxy_module), not the page-sized http one.
  if (!stream) switch (name) {
    case 'proxy_buffer_size':
    case 'fastcgi_buffer_size':
    case 'uwsgi_buffer_size':
    case 'scgi_buffer_size':
    case 'grpc_buffer_size':
      return page;
    case 'proxy_buffers':
    case 'fastcgi_buffers':
    case 'uwsgi_buffers':
    case 'scgi_buffers':
      return `8 ${page}`;
    case 'proxy_busy_buffers_size':
    case 'fastcgi_busy_buffers_size':
    case 'uwsgi_busy_buffers_size':
    case 'scgi_busy_buffers_size':
      return page === '8k' ? '16k' : '8k';
  }
  // Rules ask for the same few defaults once per directive: computed once per name and kind of context.
  const key = stream ? 's\0' + name : name;
  if (referenceDefaults.has(key)) return referenceDefaults.get(key);
  const value = referenceDefault(name, stream);
  referenceDefaults.set(key, value);
  return value;
}

const referenceDefaults = new Map<string, string | undefined>();

function referenceDefault(name: string, stream: boolean): string | undefined {
  const info = nginxDirective(name);
  if (!info) return undefined;
  // Directives shared by the http and stream modules can have different defaults (proxy_next_upstream is
  // "error timeout" in http, "on" in stream): take the module of the context being asked about.
  const own = Object.entries(info.defaults).filter(([m]) => m.startsWith(stream ? 'ngx_stream_' : 'ngx_http_') || (!stream && !m.startsWith('ngx_stream_') && !m.startsWith('ngx_mail_')));
  const values = [...new Set((own.length ? own : Object.entries(info.defaults)).map(([, v]) => v))];
  return values.length === 1 ? values[0] : undefined;
}
