import { atLeast, type Version } from './version';
import { nginxDirective } from './nginx-directives';

export interface NginxTarget {
  version: Version;
  edition: 'oss' | 'plus' | 'unknown';
  /** Memory page size in bytes; nginx's default buffer sizes are one page (4k on x86-64). */
  pageSize: number;
}

/**
 * Built-in defaults that depend on the nginx version or the machine, where the reference text is
 * ambiguous ("4k|8k") or changed (1.29.7 turned upstream keep-alive and HTTP/1.1 on by default).
 * Returns undefined when the default cannot be stated for the target (unknown version).
 */
export function nginxDefault(name: string, target: NginxTarget): string | undefined {
  const page = target.pageSize >= 8192 ? '8k' : '4k';
  const newKeepalive = atLeast(target.version, '1.29.7');
  switch (name) {
    case 'proxy_http_version':
      return newKeepalive === undefined ? undefined : newKeepalive ? '1.1' : '1.0';
    case 'keepalive':
      return newKeepalive === undefined ? undefined : newKeepalive ? '32 local' : 'off';
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
  const info = nginxDirective(name);
  if (!info) return undefined;
  const values = [...new Set(Object.values(info.defaults))];
  return values.length === 1 ? values[0] : undefined;
}
