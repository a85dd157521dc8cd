import type { NginxConfig } from '../model/nginx-tree';
import type { UpstreamGraph } from '../model/nginx-upstreams';
import { PASS_DIRECTIVES, moduleOf } from '../model/nginx-upstreams';
import { nginxDirective, nginxDirectivesFor } from '../model/nginx-directives';
import { contextAt, locate } from './locate';

export interface Candidate {
  label: string;
  kind: 'directive' | 'value' | 'upstream' | 'snippet';
  detail?: string;
  /** Text to insert; with `snippet`, LSP snippet syntax ($1, ${1:default}). */
  insertText?: string;
  snippet?: boolean;
}

export interface Completions {
  items: Candidate[];
  /** The range the chosen item replaces (the partial word before the cursor). */
  start: number;
  end: number;
}

/** Block templates for the common reverse-proxy shapes, offered where the block may appear. */
const SNIPPETS: Record<string, Candidate[]> = {
  http: [
    { label: 'upstream block', kind: 'snippet', detail: 'server group with passive health checks and keep-alive', insertText: 'upstream ${1:backend} {\n\tserver ${2:127.0.0.1:8080} max_fails=3 fail_timeout=10s;\n\tserver ${3:127.0.0.1:8081} max_fails=3 fail_timeout=10s;\n\tkeepalive 16;\n}', snippet: true },
  ],
  server: [
    { label: 'location proxy block', kind: 'snippet', detail: 'reverse proxy with explicit timeouts and keep-alive to the upstream', insertText: 'location ${1:/} {\n\tproxy_pass http://${2:backend};\n\tproxy_http_version 1.1;\n\tproxy_set_header Host \\$host;\n\tproxy_set_header Connection "";\n\tproxy_connect_timeout ${3:5s};\n\tproxy_read_timeout ${4:60s};\n}', snippet: true },
    { label: 'location websocket block', kind: 'snippet', detail: 'WebSocket upgrade with long idle timeouts', insertText: 'location ${1:/ws/} {\n\tproxy_pass http://${2:backend};\n\tproxy_http_version 1.1;\n\tproxy_set_header Upgrade \\$http_upgrade;\n\tproxy_set_header Connection "upgrade";\n\tproxy_read_timeout ${3:1h};\n\tproxy_send_timeout ${3:1h};\n}', snippet: true },
  ],
  location: [
    { label: 'proxy timeouts', kind: 'snippet', detail: 'connect well below read; both explicit', insertText: 'proxy_connect_timeout ${1:5s};\nproxy_send_timeout ${2:60s};\nproxy_read_timeout ${3:60s};', snippet: true },
  ],
};

const TIME_VALUES = ['5s', '10s', '30s', '60s', '120s', '5m', '1h'];

export function nginxCompletions(config: NginxConfig, upstreams: UpstreamGraph, path: string, text: string, offset: number): Completions {
  let start = offset;
  while (start > 0 && /[\w:/.$@-]/.test(text[start - 1])) start--;
  const typed = text.slice(start, offset);
  const loc = locate(config, path, offset);

  if (loc.part === 'arg' && loc.node) {
    const name = loc.node.name;
    if ((PASS_DIRECTIVES as readonly string[]).includes(name) && loc.argIndex === 0) {
      const module = moduleOf(loc.node);
      const prefix = name === 'proxy_pass' && module === 'http' ? (typed.startsWith('https://') ? 'https://' : 'http://') : name === 'grpc_pass' && typed.startsWith('grpc') ? (typed.startsWith('grpcs://') ? 'grpcs://' : 'grpc://') : '';
      const items = upstreams.upstreams
        .filter((u) => u.module === module)
        .map((u): Candidate => ({ label: prefix + u.name, kind: 'upstream', detail: `upstream group: ${u.servers.length} server${u.servers.length === 1 ? '' : 's'}` }));
      return { items, start, end: offset };
    }
    const info = nginxDirective(name);
    const values = info?.values?.map((v): Candidate => ({ label: v, kind: 'value', detail: name })) ?? [];
    if (values.length === 0 && /_timeout$/.test(name)) values.push(...TIME_VALUES.map((v): Candidate => ({ label: v, kind: 'value', detail: 'time: ms, s, m, h, d' })));
    return { items: values, start, end: offset };
  }

  const context = contextAt(config, loc);
  const names = nginxDirectivesFor(context);
  const items: Candidate[] = names.map((n) => {
    const info = nginxDirective(n)!;
    return { label: n, kind: 'directive', detail: info.modules.join(', ') };
  });
  items.push(...(SNIPPETS[context] ?? []));
  return { items, start, end: offset };
}
