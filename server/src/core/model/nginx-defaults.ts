import { atLeast, type Version } from './version';
import { nginxDirective } from './nginx-directives';

export interface NginxTarget {
  version: Version;
  edition: 'oss' | 'plus' | 'unknown';
  /** Memory page size in bytes; nginx's default buffer sizes are one page (4k on x86-64). */
  pageSize: number;
}

/** Defaults nginx changed in a release: 1.29.7 turned HTTP/1.1 and upstream keep-alive on (CHANGES 1.29.7). */
const VERSIONED_DEFAULTS: Record<string, { since: string; before: string; after: string }> = {
  proxy_http_version: { since: '1.29.7', before: '1.0', after: '1.1' },
  keepalive: { since: '1.29.7', before: 'off', after: '32 local' },
};

/**
 * The default of a directive whose default changed between releases, for a target whose version is not known:
 * there is always a default, only which one is unknown (`1.0` before 1.29.7, `1.1` from it).
 */
export function versionedDefault(name: string): { since: string; before: string; after: string } | undefined {
  return Object.prototype.hasOwnProperty.call(VERSIONED_DEFAULTS, name) ? VERSIONED_DEFAULTS[name] : undefined;
}

/**
 * Built-in defaults that depend on the nginx version or the machine, where the reference text is
 * ambiguous ("4k|8k") or changed (1.29.7 turned upstream keep-alive and HTTP/1.1 on by default).
 * Returns undefined when the default cannot be stated for the target (unknown version).
 */
export function nginxDefault(name: string, target: NginxTarget, stream = false): string | undefined {
  const page = target.pageSize >= 8192 ? '8k' : '4k';
  const versioned = versionedDefault(name);
  if (versioned) {
    const after = atLeast(target.version, versioned.since);
    return after === undefined ? undefined : after ? versioned.after : versioned.before;
  }
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
