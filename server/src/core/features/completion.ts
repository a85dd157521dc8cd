import type { ConfigNode, NginxConfig } from '../model/nginx-tree';
import type { Arg } from '../syntax/nginx/ast';
import type { UpstreamGraph } from '../model/nginx-upstreams';
import { PASS_DIRECTIVES, moduleOf } from '../model/nginx-upstreams';
import { isNginxBlockDirective, nginxDirective, nginxDirectivesFor } from '../model/nginx-directives';
import { contextAt, locate } from './locate';
import { DENIED_SINCE, nextUpstreamKeywords } from '../rules/nginx/invalid-argument-value';
import { nginxDirectiveDoc, type DirectiveDoc } from '../docs/directive-doc';

/**
 * A directive's one-paragraph summary and its default, for the list's side pane: its name and module alone (all the
 * item says otherwise) do not tell proxy_read_timeout from proxy_send_timeout. The hover has the rest.
 */
export function completionDoc(doc: DirectiveDoc | undefined): string | undefined {
  if (!doc) return undefined;
  return doc.defaultValue ? `${doc.summary}\n\nDefault: ${doc.defaultValue}` : doc.summary;
}

export interface Candidate {
  label: string;
  kind: 'directive' | 'value' | 'upstream' | 'snippet';
  detail?: string;
  /** What the item is, as markdown: the editor shows it beside the list for the selected item. */
  documentation?: string;
  /** Text to insert; with `snippet`, LSP snippet syntax ($1, ${1:default}). */
  insertText?: string;
  snippet?: boolean;
}

export interface Completions {
  items: Candidate[];
  /** The range the chosen item replaces (the partial word before the cursor). */
  start: number;
  end: number;
  /**
   * Where the word under the cursor ends: an editor that can replace the whole word (LSP InsertReplaceEdit) replaces
   * [start, replaceEnd) when the user asks for it, instead of inserting at the cursor.
   */
  replaceEnd?: number;
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

/** The braces of a block directive, with the cursor inside (the reference's "{...}" is a placeholder, not text). */
const BLOCK_BODY: Candidate = { label: '{…}', kind: 'snippet', detail: 'block', insertText: '{\n\t$0\n}', snippet: true };

/**
 * The reference's keyword list as text worth inserting: it also holds placeholders ("{...}", "$variable"), bare
 * separators ("=", "@") and optional parts ("gzip[=]"). Location modifiers only make sense as its first argument.
 */
function keyword(name: string, argIndex: number): (v: string) => string | undefined {
  return (v) => {
    if (name === 'location') return argIndex === 0 && ['=', '~', '~*', '^~'].includes(v) ? v : undefined;
    if (v === '{...}' || v === '=' || v === '@' || v.startsWith('$')) return undefined;
    return v.replace(/\[=\]$/, '');
  };
}

const KEYWORD_ORDER = ['error', 'timeout', 'invalid_header', 'http_500', 'http_502', 'http_503', 'http_504', 'http_403', 'http_404', 'http_429', 'non_idempotent', 'off'];

/**
 * The words a directive takes where it stands. The directive table merges the modules that share a name: http's
 * proxy_next_upstream is a keyword list and stream's a switch (on | off), and nginx -t refuses "on" in the one and
 * "error" in the other; FastCGI, uwsgi and SCGI take no http_502 or http_504 (invalid-argument-value has the lists).
 */
function valueWords(node: ConfigNode, merged: string[]): string[] {
  if (node.name === 'proxy_next_upstream' && node.context.startsWith('stream')) return ['on', 'off'];
  const listed = nextUpstreamKeywords(node.name);
  if (!listed) return merged;
  // The rule's lists put the proxy module's http_502 / http_504 after the words every module takes, after "off":
  // the menu shows the failures in order instead (5xx by number, then 4xx), words it does not rank before "off".
  const rank = (w: string) => (KEYWORD_ORDER.includes(w) ? KEYWORD_ORDER.indexOf(w) : KEYWORD_ORDER.indexOf('off') - 0.5);
  const words = [...listed].sort((a, b) => rank(a) - rank(b));
  // denied (NGINX Plus) is in the reference's list and none of the rule's: offered, marked as such.
  return merged.includes('denied') ? [...words, 'denied'] : words;
}

/** Whether the arguments typed so far can be followed by the block's `{` (enough of them; a location modifier needs its URI). */
function opensBlockHere(node: ConfigNode, argIndex: number, minArgs: number): boolean {
  if (node.name === 'location' && ['=', '~', '~*', '^~'].includes(node.directive.args[0]?.value ?? '')) return argIndex >= 2;
  return argIndex >= minArgs;
}

/**
 * Parameters of a `server` line in an upstream block (https://nginx.org/en/docs/http/ngx_http_upstream_module.html#server).
 * Plus-only ones are marked: open-source nginx refuses to start on them (see invalid-server-parameter).
 */
const SERVER_PARAMS: { label: string; detail: string; http?: true }[] = [
  { label: 'weight=', detail: 'relative share of requests (default 1)' },
  { label: 'max_fails=', detail: 'failed attempts within fail_timeout before the server is skipped (default 1; 0 turns it off)' },
  { label: 'fail_timeout=', detail: 'window for max_fails, and how long the server is then skipped (default 10s)' },
  { label: 'backup', detail: 'used only while all primary servers are unavailable' },
  { label: 'down', detail: 'marks the server permanently unavailable' },
  { label: 'max_conns=', detail: 'most simultaneous connections (default 0: no limit)' },
  { label: 'resolve', detail: 'follows DNS changes at run time; needs zone and resolver (open source since 1.27.3)' },
  { label: 'service=', detail: 'DNS SRV lookup; needs resolve (open source since 1.27.3)' },
  { label: 'slow_start=', detail: 'NGINX Plus only: ramps weight up after recovery' },
  { label: 'route=', detail: 'route name for sticky sessions (NGINX Plus; open source since 1.29.6)', http: true },
  { label: 'drain', detail: 'only requests bound to this server (sticky) go to it (NGINX Plus; open source since 1.29.6)', http: true },
];

/** After the address: the parameters not written on the line yet. The address itself is the user's to type. */
function serverParams(node: ConfigNode, stream: boolean, argIndex: number, typing: Arg | undefined): Candidate[] {
  if (argIndex === 0) return [];
  const written = new Set(node.directive.args.slice(1).filter((a) => a !== typing).map((a) => a.value.split('=')[0]));
  return SERVER_PARAMS.filter((p) => !(stream && p.http) && !written.has(p.label.replace(/=$/, ''))).map((p) => ({ label: p.label, kind: 'value', detail: p.detail }));
}

/**
 * Whether a URL (a scheme and a name) may still be completed from the word typed so far: while it is empty or a bare
 * word (the editor filters those), or a start of the URL offered. Once the word holds a whole address of its own
 * (`http://app/`, `http://backend:8080/`, `127.0.0.1:`), no URL starts there: an item would replace what is written
 * with a different target (a trigger character such as "/" asks right after the URL's last character). Shared with
 * the Apache completion (ProxyPass, BalancerMember and ProxySet URLs).
 */
export function urlCanStart(typed: string, label: string): boolean {
  return !/[:/]/.test(typed) || label.toLowerCase().startsWith(typed.toLowerCase());
}

const TIME_VALUES = ['5s', '10s', '30s', '60s', '120s', '5m', '1h'];

/** The characters of a word completion replaces in nginx files (a directive name, a keyword, a URL or a variable). */
const NGINX_WORD = /[\w:/.$@-]/;

export function nginxCompletions(config: NginxConfig, upstreams: UpstreamGraph, path: string, text: string, offset: number): Completions {
  const c = completionsAt(config, upstreams, path, text, offset);
  let end = offset;
  while (end < text.length && NGINX_WORD.test(text[end])) end++;
  // An upstream server parameter's key (`wei|ght=5`): its items end in "=", which the text already has.
  if (text[end] === '=' && c.items.some((i) => i.label.endsWith('='))) end++;
  return { ...c, replaceEnd: end };
}

function completionsAt(config: NginxConfig, upstreams: UpstreamGraph, path: string, text: string, offset: number): Completions {
  let start = offset;
  while (start > 0 && NGINX_WORD.test(text[start - 1])) start--;
  const typed = text.slice(start, offset);
  const loc = locate(config, path, offset);

  if (loc.part === 'arg' && loc.node) {
    const name = loc.node.name;
    if ((PASS_DIRECTIVES as readonly string[]).includes(name) && loc.argIndex === 0) {
      const module = moduleOf(loc.node);
      const prefix = name === 'proxy_pass' && module === 'http' ? (typed.startsWith('https://') ? 'https://' : 'http://') : name === 'grpc_pass' && typed.startsWith('grpc') ? (typed.startsWith('grpcs://') ? 'grpcs://' : 'grpc://') : '';
      const items = upstreams.upstreams
        .filter((u) => u.module === module)
        .map((u): Candidate => ({ label: prefix + u.name, kind: 'upstream', detail: `upstream group: ${u.servers.length} server${u.servers.length === 1 ? '' : 's'}` }))
        .filter((c) => urlCanStart(typed, c.label));
      return { items, start, end: offset };
    }
    if (name === 'server' && (loc.node.context === 'upstream' || loc.node.context === 'stream-upstream')) {
      return { items: serverParams(loc.node, loc.node.context === 'stream-upstream', loc.argIndex ?? 0, loc.arg), start, end: offset };
    }
    const info = nginxDirective(name);
    const argIndex = loc.argIndex ?? 0;
    // Once the directive has all the arguments it takes, another keyword would only make nginx refuse the line.
    const room = !info || info.args[1] < 0 || argIndex < info.args[1];
    // A keyword list (proxy_next_upstream error timeout …) takes each word once: the words written elsewhere on the
    // line are not offered again.
    const written = new Set(loc.node.directive.args.filter((_, k) => k !== argIndex).map((a) => a.value));
    const values = room ? valueWords(loc.node, info?.values ?? []).map(keyword(name, argIndex)).filter((v): v is string => !!v && !written.has(v)).map((v): Candidate => ({ label: v, kind: 'value', detail: v === 'denied' ? `${name}: NGINX Plus only (${DENIED_SINCE} and later); open source nginx refuses it` : name })) : [];
    if (room && values.length === 0 && /_timeout$/.test(name)) values.push(...TIME_VALUES.map((v): Candidate => ({ label: v, kind: 'value', detail: 'time: ms, s, m, h, d' })));
    if (info?.block && isNginxBlockDirective(name) && opensBlockHere(loc.node, argIndex, info.args[0])) values.push(BLOCK_BODY);
    return { items: values, start, end: offset };
  }

  const context = contextAt(config, loc);
  const names = nginxDirectivesFor(context);
  const items: Candidate[] = names.map((n) => {
    const info = nginxDirective(n)!;
    return { label: n, kind: 'directive', detail: info.modules.join(', '), documentation: completionDoc(nginxDirectiveDoc(n, context)) };
  });
  items.push(...(SNIPPETS[context] ?? []));
  return { items, start, end: offset };
}
