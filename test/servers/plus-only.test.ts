// The NGINX Plus table (model/nginx-plus.ts) against the real open source nginx 1.22.1 here: every directive of it, in
// each part of nginx the table puts it (http, stream), must be refused with `unknown directive`, every server parameter
// and random's least_time= with `invalid parameter`; and plus-only-directive must report exactly that line, as an error
// with nginx.edition "oss", a warning with it unknown, and not at all with "plus". A name copied wrong, or one that
// open source nginx has after all, fails here.
// proxylint-test: untimed
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PLUS_DIRECTIVE_PARAMETERS, PLUS_DIRECTIVES, PLUS_SERVER_PARAMETERS } from '../../server/src/core/model/nginx-plus';
import type { Settings } from '../../server/src/core/settings';
import { lintText, requireBinary } from '../helpers';
import { STREAM_MODULE, nginxTRunner, pool } from './harness/nginx-t';

const ID = 'plus-only-directive';

interface Case {
  what: string;
  text: string;
  line: number;
  /** What nginx -t must say. */
  says: string;
}

/** A configuration with `line` in the block of `where` (our context names); its line number. */
function configWith(where: string, line: string): { text: string; line: number } {
  const at = (c: string) => (c === where ? ` ${line} ` : ' ');
  if (where === 'events') {
    const lines = [`events { ${line} }`, 'http {}', ''];
    return { text: lines.join('\n'), line: 1 };
  }
  const lines = where.startsWith('stream')
    ? [`load_module ${STREAM_MODULE};`, 'events {}', 'stream {', at('stream'), `    upstream su { server 127.0.0.1:2;${at('stream-upstream')}}`, `    server { listen 127.0.0.1:1; proxy_pass su;${at('stream-server')}}`, '}', '']
    : ['events {}', 'http {', at('http'), `    upstream hu { server 127.0.0.1:2;${at('upstream')}}`, '    server { listen 127.0.0.1:1;', `        location / {${at('location')}}`, at('server'), '    }', '}', ''];
  const text = lines.join('\n');
  return { text, line: lines.findIndex((l) => l.includes(line)) + 1 };
}

function cases(): Case[] {
  const out: Case[] = [];
  for (const e of PLUS_DIRECTIVES) {
    // One block of each part of nginx the entry names: the innermost, where the directive most often stands.
    const where = e.where.includes('location') ? 'location' : e.where.includes('stream-server') ? 'stream-server' : e.where[0];
    const { text, line } = configWith(where, `${e.name} x;`);
    out.push({ what: `${e.name} in ${where}`, text, line, says: `unknown directive "${e.name}"` });
  }
  for (const p of PLUS_SERVER_PARAMETERS) {
    for (const where of p.where) {
      const arg = p.param.endsWith('=') ? `${p.param}30s` : p.param;
      const { text, line } = configWith(where, `server 127.0.0.1:3 ${arg};`);
      out.push({ what: `server ${arg} in ${where}`, text, line, says: `invalid parameter "${arg}"` });
    }
  }
  // Parameters of directives open source nginx has (limit_req_zone's sync, purger=, status_zone=, json, a
  // server_tokens string): each example line in its http block (or the first block it may stand in).
  for (const p of PLUS_DIRECTIVE_PARAMETERS) {
    const where = p.where.includes('http') ? 'http' : p.where[0];
    const { text, line } = configWith(where, p.example);
    const words = p.example.replace(/;$/, '').split(/\s+/).slice(1);
    const arg = words.find((w, k) => p.is(w, k, words.length));
    assert.ok(arg, p.example);
    out.push({ what: p.example, text, line, says: p.says(arg) });
  }
  for (const where of ['upstream', 'stream-upstream']) {
    const { text, line } = configWith(where, 'random two least_time=header;'.replace('header', where === 'upstream' ? 'header' : 'connect'));
    const arg = where === 'upstream' ? 'least_time=header' : 'least_time=connect';
    out.push({ what: `random ${arg} in ${where}`, text, line, says: `invalid parameter "${arg}"` });
  }
  return out;
}

const edition = (e: 'oss' | 'plus' | 'unknown') => (s: Settings) => {
  s.nginx.edition = e;
};

test('every entry of the NGINX Plus table: nginx 1.22.1 refuses it, and plus-only-directive reports exactly that line by edition', { timeout: 300_000 }, async (t) => {
  requireBinary('nginx');
  const { nginxT, cleanup } = nginxTRunner('plus-only');
  try {
    const all = cases();
    const outputs = await pool(all.map((c) => () => nginxT(c.text)), 4);
    const wrong: string[] = [];
    all.forEach((c, k) => {
      if (!outputs[k].includes(`[emerg] ${c.says}`)) wrong.push(`${c.what}: expected nginx -t to say ${c.says}, it said: ${outputs[k].trim() || 'nothing (accepted)'}`);
      const lines = (e: 'oss' | 'plus' | 'unknown', severity?: string) =>
        lintText(c.text, { settings: edition(e) })
          .findings.filter((f) => f.ruleId === ID && (!severity || f.severity === severity))
          .map((f) => c.text.slice(0, f.start).split('\n').length)
          .join();
      if (lines('oss', 'error') !== String(c.line)) wrong.push(`${c.what}: edition oss, errors on lines [${lines('oss')}], expected ${c.line}`);
      if (lines('unknown', 'warning') !== String(c.line)) wrong.push(`${c.what}: edition unknown, warnings on lines [${lines('unknown')}], expected ${c.line}`);
      if (lines('plus') !== '') wrong.push(`${c.what}: edition plus, reported on lines [${lines('plus')}]`);
      // One line, one finding: no other rule says the same of it (unknown-directive, invalid-server-parameter …).
      const others = lintText(c.text, { settings: edition('oss') }).findings.filter((f) => f.ruleId !== ID && c.text.slice(0, f.start).split('\n').length === c.line && f.severity === 'error');
      if (others.length) wrong.push(`${c.what}: also reported by ${others.map((f) => f.ruleId).join(', ')}`);
    });
    t.diagnostic(`${all.length} cases checked`);
    assert.deepEqual(wrong, []);
    assert.ok(all.length >= 60, `${all.length} cases`);
  } finally {
    cleanup();
  }
});

test('open source values of the same directives: nginx 1.22.1 accepts them, and plus-only-directive says nothing', { timeout: 120_000 }, async () => {
  requireBinary('nginx');
  const { nginxT, cleanup } = nginxTRunner('plus-only-oss');
  // The words beside the Plus ones in each directive the table checks, as people write them (server_tokens' enum is
  // read without regard to case).
  const lines = [
    'server_tokens On;',
    'server_tokens OFF;',
    'server_tokens Build;',
    'error_log /tmp/proxylint-plus-oss-error.log debug;',
    'resolver 127.0.0.1 valid=30s ipv6=off;',
    'limit_req_zone $binary_remote_addr zone=one:10m rate=1r/s;',
    'proxy_cache_path /tmp/proxylint-plus-oss-cache levels=1:2 keys_zone=oc:1m manager_files=10 loader_files=10;',
  ];
  try {
    const texts = lines.map((l) => configWith('http', l).text);
    const outputs = await pool(texts.map((text) => () => nginxT(text)), 4);
    const wrong: string[] = [];
    lines.forEach((l, k) => {
      if (outputs[k].includes('[emerg]')) wrong.push(`${l}: nginx -t said ${outputs[k].trim()}`);
      for (const e of ['oss', 'unknown'] as const) {
        const n = lintText(texts[k], { settings: edition(e) }).findings.filter((f) => f.ruleId === ID).length;
        if (n) wrong.push(`${l}: edition ${e}, ${n} finding(s)`);
      }
    });
    assert.deepEqual(wrong, []);
  } finally {
    cleanup();
  }
});
