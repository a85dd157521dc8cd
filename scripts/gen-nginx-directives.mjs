// Derives the compact directive table the core needs (names, contexts, block-ness, defaults, modules)
// from @nginx/reference-lib, so the core and the CLI do not load the 1.7 MB reference at start-up.
// Run after bumping @nginx/reference-lib: node scripts/gen-nginx-directives.mjs
import { createRequire } from 'node:module';
import { writeFileSync } from 'node:fs';
const require = createRequire(import.meta.url);
const { getDirectives } = require('@nginx/reference-lib');

// The reference names the stream and mail modules' blocks "server" and "upstream" like http's; qualify them
// so a stream-only directive is not taken as valid in an http server block.
function qualify(module, contexts) {
  const prefix = module.startsWith('ngx_stream_') ? 'stream-' : module.startsWith('ngx_mail_') ? 'mail-' : '';
  return contexts.map((c) => (prefix && (c === 'server' || c === 'upstream') ? prefix + c : c));
}

/**
 * [min, max] argument counts from the reference's syntax lines ("name value [always]", "code … uri",
 * "error | timeout …"): "[…]" is optional, "…" repeats, "a | b" is one argument; max -1 = unbounded.
 */
function arity(syntaxes) {
  let min = Infinity, max = 0;
  for (const raw of syntaxes) {
    const text = raw
      .replace(/<[^>]+>/g, '')
      .replace(/\{\s*(\.\.\.|&hellip;|…)\s*\}/g, '')
      .replace(/&hellip;|\.\.\./g, ' … ')
      .replace(/\s*\|\s*/g, '|')
      .trim();
    const tokens = [];
    let depth = 0, cur = '';
    for (const ch of text) {
      if (ch === '[') depth++;
      if (ch === ']') depth--;
      if (/\s/.test(ch) && depth === 0) {
        if (cur) tokens.push(cur);
        cur = '';
      } else cur += ch;
    }
    if (cur) tokens.push(cur);
    let lo = 0, hi = 0;
    for (const t of tokens) {
      if (t === '…' || t.endsWith('…')) hi = Infinity;
      // "[level1 [level2 [level3]]]" is three optional words; "[protocol://]address" is one required word.
      // Each "[" opens one optional word (nested groups count each level).
      else if (t.startsWith('[') && !/^\[[^\]]*\][^[\]|]+$/.test(t)) hi += t.includes('…') ? Infinity : t.split('[').length - 1;
      else {
        lo++;
        hi++;
      }
    }
    min = Math.min(min, lo);
    max = Math.max(max, hi);
  }
  return [min === Infinity ? 0 : min, max === Infinity ? -1 : max];
}

/** Literal keywords a directive accepts (`<code>on</code>` but not `<em><code>time</code></em>`), for value completion. */
function literals(syntaxes) {
  const out = new Set();
  for (const raw of syntaxes) {
    const plain = raw.replace(/<em><code>[^<]*<\/code><\/em>/g, '');
    for (const m of plain.matchAll(/<code>([^<]+)<\/code>(=?)/g)) out.add(m[1] + m[2]);
  }
  return [...out];
}

/**
 * Where the syntax line lists each optional word once but nginx's parser takes any number of them (NGX_CONF_1MORE,
 * NGX_CONF_2MORE): `*_ssl_protocols` needs at least one protocol, `*_cache_path` repeats parameters. Checked against
 * nginx 1.22.1 by test/servers/directive-placement.test.ts.
 */
const ARITY_OVERRIDES = {
  ssl_protocols: [1, -1],
  proxy_ssl_protocols: [1, -1],
  grpc_ssl_protocols: [1, -1],
  uwsgi_ssl_protocols: [1, -1],
  proxy_cache_path: [2, -1],
  fastcgi_cache_path: [2, -1],
  scgi_cache_path: [2, -1],
  uwsgi_cache_path: [2, -1],
};

/** Where nginx's parser accepts a directive in more places than its page's "Context:" line says (nginx 1.22.1). */
const CONTEXT_OVERRIDES = {
  fastcgi_split_path_info: ['http', 'server', 'location'],
};

/** A syntax line as plain as it gets: no paragraph tags, no line breaks. */
const plain = (syntax) => syntax.map((s) => s.replace(/<\/?p>/g, '').replace(/\s+/g, ' ').trim());

/**
 * A switch: the module's whole syntax is "on | off". nginx reads such a directive with its flag slot and refuses any
 * other word (`it must be "on" or "off"`). A syntax with more (`proxy_store on | off | string`) is not one.
 */
const isFlag = (syntax) => plain(syntax).join(';') === '<code>on</code> | <code>off</code>';

/**
 * The first argument is a time: "time" or "timeout" alone, or followed by optional words (keepalive_timeout's
 * header_timeout). nginx refuses a word its time parser does not read ("5x": `"…" directive invalid value`).
 */
const isTime = (syntax) => syntax.length === 1 && /^<em><code>(time|timeout)<\/code><\/em>( \[.*\])?$/.test(plain(syntax)[0]);

const table = {};
for (const d of getDirectives()) {
  const e = (table[d.name] ??= { contexts: [], block: false, defaults: {}, modules: [], args: [Infinity, 0] });
  const [lo, hi] = arity(d.syntax);
  for (const v of literals(d.syntax)) if (!(e.values ??= []).includes(v)) e.values.push(v);
  e.args = [Math.min(e.args[0], lo), e.args[1] === -1 || hi === -1 ? -1 : Math.max(e.args[1], hi)];
  for (const c of qualify(d.module, d.contexts)) if (!e.contexts.includes(c)) e.contexts.push(c);
  // Per context, not per name: stream's proxy_next_upstream is a switch, http's takes a list of keywords.
  if (isFlag(d.syntax)) for (const c of qualify(d.module, d.contexts)) if (!(e.flagIn ??= []).includes(c)) e.flagIn.push(c);
  if (isTime(d.syntax)) for (const c of qualify(d.module, d.contexts)) if (!(e.timeIn ??= []).includes(c)) e.timeIn.push(c);
  e.block ||= d.isBlock;
  if (d.default) e.defaults[d.module] = d.default;
  if (!e.modules.includes(d.module)) e.modules.push(d.module);
}
for (const [name, args] of Object.entries(ARITY_OVERRIDES)) if (table[name]) table[name].args = args;
for (const [name, contexts] of Object.entries(CONTEXT_OVERRIDES)) if (table[name]) table[name].contexts = contexts;
const sorted = Object.fromEntries(Object.keys(table).sort().map((k) => [k, table[k]]));
writeFileSync(new URL('../server/src/core/model/nginx-directives.json', import.meta.url), JSON.stringify(sorted) + '\n');
console.log(`${Object.keys(sorted).length} directives`);
