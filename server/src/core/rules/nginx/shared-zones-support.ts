import type { ConfigNode } from '../../model/nginx-tree';
import { TEMPLATE_MARKUP } from '../../model/template-markup';
import { parseNginxSize } from '../../model/units';

export const CACHE_PATHS = ['proxy_cache_path', 'fastcgi_cache_path', 'uwsgi_cache_path', 'scgi_cache_path'];
/** Every directive that makes or names a shared memory zone, as far as these rules read them. */
export const ZONE_DIRECTIVES = ['limit_req_zone', 'limit_conn_zone', 'zone', 'ssl_session_cache', ...CACHE_PATHS, 'limit_req', 'limit_conn'];

export interface Zone {
  node: ConfigNode;
  name: string;
  /** Bytes, or 0 for a line that only names the zone (an upstream's `zone name;`): nginx then takes the other's size. */
  size: number;
  /** nginx's tag for the zone: the module that owns it, http and stream apart (each has its own module). */
  owner: string;
  /** What the owner is called in a message. */
  label: string;
  /** The key of a limit_req_zone / limit_conn_zone, which nginx binds to the zone once. */
  key?: string;
  /** A limit_req / limit_conn line: it names a zone of its kind, and nginx registers the name with that kind. */
  ref?: boolean;
}

const moduleOf = (n: ConfigNode) => (n.context.startsWith('stream') ? 'stream' : n.context.startsWith('mail') ? 'mail' : 'http');

/** `name:size` as the zone= / keys_zone= / shared: parameters write it; undefined when nginx would stop on it first. */
function nameAndSize(text: string): { name: string; size: number } | undefined {
  const colon = text.lastIndexOf(':');
  if (colon <= 0) return undefined;
  const name = text.slice(0, colon);
  const size = parseNginxSize(text.slice(colon + 1));
  // nginx takes a "$" in a zone name literally, but such a name is more likely a template's placeholder.
  return size && !name.includes('$') ? { name, size } : undefined;
}

export function readZone(node: ConfigNode): Zone | undefined {
  const args = node.directive.args;
  // Template markup ({{ zone }}) is not what nginx will read.
  if (!args.length || args.some((a) => TEMPLATE_MARKUP.test(a.raw))) return undefined;
  const module = moduleOf(node);
  switch (node.name) {
    case 'limit_req_zone':
    case 'limit_conn_zone': {
      const zone = args.find((a) => a.value.startsWith('zone='));
      const z = zone ? nameAndSize(zone.value.slice(5)) : undefined;
      if (!z) return undefined;
      const key = args.find((a) => a !== zone && !a.value.includes('='))?.value;
      return { node, ...z, owner: `${module} ${node.name}`, label: `${module === 'http' ? '' : `${module} `}${node.name}`, key };
    }
    case 'limit_req':
    case 'limit_conn': {
      // limit_req zone=name …; limit_conn name number. nginx adds the name with size 0 and its module's tag.
      const arg = node.name === 'limit_req' ? args.find((a) => a.value.startsWith('zone=')) : args[0];
      const name = arg && (node.name === 'limit_req' ? arg.value.slice(5) : arg.value);
      if (!name || name.includes('$')) return undefined;
      return { node, name, size: 0, owner: `${module} ${node.name}_zone`, label: `${module === 'http' ? '' : `${module} `}${node.name}`, ref: true };
    }
    case 'zone': {
      // Only the upstream block's zone (http or stream); NGINX Plus's other zone directives are not read here.
      if (node.context !== 'upstream' && node.context !== 'stream-upstream') return undefined;
      const name = args[0].value;
      if (args.length > 2 || name.includes('$')) return undefined;
      const size = args.length === 2 ? parseNginxSize(args[1].value) : 0;
      if (size === null) return undefined;
      return { node, name, size, owner: `${module} upstream`, label: `${module === 'http' ? '' : `${module} `}upstream zone` };
    }
    case 'ssl_session_cache': {
      const shared = args.find((a) => a.value.startsWith('shared:'));
      const z = shared ? nameAndSize(shared.value.slice(7)) : undefined;
      return z && { node, ...z, owner: `${module} ssl`, label: `${module === 'http' ? '' : `${module} `}ssl_session_cache` };
    }
    default: {
      // *_cache_path: each module's cache is its own kind. Two cache paths against each other are duplicate-cache-zone's.
      const keys = args.find((a) => a.value.startsWith('keys_zone='));
      const z = keys ? nameAndSize(keys.value.slice(10)) : undefined;
      return z && { node, ...z, owner: `http ${node.name}`, label: node.name };
    }
  }
}
