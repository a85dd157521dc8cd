import { APX_LOG, CHECKED_BY_SERVER_TEST, CORRECTED_BY_EVIDENCE, NGX_CHECKED_BY_SERVER_TEST, NGX_LOG } from '../../server/src/core/docs/log-lines';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  allApacheDirectiveDocs,
  allApacheExtraDocs,
  allApacheWorkerParamDocs,
  allNginxDirectiveDocs,
  allNginxServerParamDocs,
  apacheDirectiveDoc,
  apacheEnvDoc,
  apacheModuleDoc,
  apacheWorkerParamDoc,
  nginxDirectiveDoc,
  nginxServerParamDoc,
  renderHover,
  type DirectiveDoc,
} from '../../server/src/core/docs/directive-doc';
import { outcomeText } from '../../server/src/core/docs/render';
import { allRules } from '../../server/src/core/rules/index';
import { docsUrl } from '../../server/src/core/rules/rule';
import reference from '../../server/src/core/model/nginx-directives.json';
import { DIRECTIVE_VERSIONS } from '../../server/src/core/model/nginx-directive-versions';
import { SHARED, sharedSkip } from '../helpers';

const CATALOGUE_SKIP = sharedSkip('reference/proxy-failure-catalogue.md');
const CATALOGUE = CATALOGUE_SKIP ? '' : readFileSync(join(SHARED, 'reference', 'proxy-failure-catalogue.md'), 'utf8');
const REF = reference as unknown as Record<string, { defaults: Record<string, string>; modules: string[] }>;

const MODULES = ['proxy', 'fastcgi', 'uwsgi', 'scgi', 'grpc'] as const;
const FAMILIES = [
  'pass', 'connect_timeout', 'read_timeout', 'send_timeout', 'next_upstream', 'next_upstream_tries', 'next_upstream_timeout',
  'buffer_size', 'buffers', 'busy_buffers_size', 'buffering', 'request_buffering', 'ssl_server_name', 'ssl_name', 'ssl_verify',
  'ssl_trusted_certificate', 'ssl_certificate', 'ssl_certificate_key', 'ssl_password_file', 'ssl_protocols', 'ssl_ciphers', 'ssl_conf_command',
  'ssl_verify_depth', 'ssl_crl', 'ssl_session_reuse', 'ssl_certificate_cache', 'cache_valid', 'cache_use_stale', 'intercept_errors',
  'socket_keepalive', 'bind', 'pass_request_body', 'pass_request_headers', 'max_temp_file_size', 'ignore_client_abort',
];
const TLS_ONLY = FAMILIES.filter((f) => f.startsWith('ssl_'));
/** Where nginx has no such directive (checked against the official reference below). */
const ABSENT: Record<string, string[]> = {
  grpc: ['buffers', 'busy_buffers_size', 'buffering', 'request_buffering', 'cache_valid', 'cache_use_stale', 'pass_request_body', 'pass_request_headers', 'max_temp_file_size', 'ignore_client_abort'],
  fastcgi: TLS_ONLY,
  scgi: TLS_ONLY,
};
const NGINX_OTHERS = [
  'proxy_http_version', 'proxy_set_header', 'fastcgi_keep_conn', 'grpc_set_header', 'fastcgi_catch_stderr',
  'upstream', 'server', 'keepalive', 'keepalive_timeout', 'keepalive_requests', 'keepalive_time', 'zone', 'least_conn', 'hash', 'ip_hash', 'random', 'health_check',
  'resolver', 'resolver_timeout', 'client_body_timeout', 'client_header_timeout', 'send_timeout', 'client_max_body_size', 'large_client_header_buffers',
  'error_page', 'auth_request', 'limit_req', 'limit_conn',
];
const NGINX_STREAM = ['proxy_pass', 'proxy_connect_timeout', 'proxy_timeout', 'proxy_next_upstream', 'proxy_next_upstream_tries', 'proxy_next_upstream_timeout', 'proxy_responses'];
const NGINX_IN_UPSTREAM = ['server', 'keepalive_timeout', 'keepalive_requests', 'keepalive_time', 'resolver', 'resolver_timeout'];
const SERVER_PARAMS = ['weight', 'max_fails', 'fail_timeout', 'backup', 'down', 'max_conns', 'resolve', 'slow_start', 'service'];

const APACHE = [
  'ProxyPass', 'ProxyPassMatch', 'ProxyPassReverse', 'ProxyTimeout', 'Timeout', 'ProxyBadHeader', 'ProxyPreserveHost', 'ProxyRequests', 'ProxyErrorOverride',
  'ProxySet', 'BalancerMember', 'Proxy', 'ProxyHCExpr', 'ProxyHCTemplate', 'SSLProxyEngine', 'SSLProxyVerify', 'SSLProxyCheckPeerName', 'KeepAlive',
  'KeepAliveTimeout', 'RequestReadTimeout', 'LimitRequestFieldSize', 'SetEnv', 'ProxyIOBufferSize', 'ProxyReceiveBufferSize', 'ProxyAddHeaders',
  'ProxyWebsocketFallbackToProxyHttp', 'LoadModule',
];
const WORKER_PARAMS = [
  'timeout', 'connectiontimeout', 'retry', 'ttl', 'keepalive', 'disablereuse', 'addressttl', 'hcmethod', 'hcuri', 'hcinterval', 'hcpasses', 'hcfails',
  'failonstatus', 'failontimeout', 'status', 'upgrade', 'responsefieldsize', 'ping', 'max', 'smax', 'flushpackets', 'lbmethod', 'maxattempts',
];
const APACHE_ENV = ['proxy-initial-not-pooled', 'proxy-nokeepalive', 'force-proxy-request-1.0'];
const APACHE_MODULES = [
  'proxy_module', 'proxy_http_module', 'proxy_fcgi_module', 'proxy_wstunnel_module', 'proxy_balancer_module', 'proxy_hcheck_module', 'proxy_ajp_module',
  'lbmethod_byrequests_module', 'lbmethod_bybusyness_module', 'slotmem_shm_module', 'ssl_module',
];

const OUTCOMES = new Set(['startup-failure', 'truncated-200', 'connection-closed', 'none']);

function assertWellFormed(doc: DirectiveDoc | undefined, what: string): DirectiveDoc {
  assert.ok(doc, `no doc for ${what}`);
  assert.ok(doc.summary.trim().length > 20, `${what}: summary`);
  assert.ok(doc.failure.trim().length > 40, `${what}: failure`);
  assert.ok(doc.statusCodes.length > 0, `${what}: statusCodes`);
  for (const c of doc.statusCodes) assert.ok(/^\d{3}$/.test(c) || OUTCOMES.has(c), `${what}: status code ${c}`);
  for (const r of doc.rules ?? []) assert.match(r, /^[a-z0-9]+(-[a-z0-9]+)*$/, `${what}: rule id ${r}`);
  return doc;
}

function anchor(url: string): string {
  return url.slice(url.indexOf('#') + 1);
}

test('nginx: every family exists for every module nginx has it in, and only there (official reference)', () => {
  for (const m of MODULES) {
    for (const f of FAMILIES) {
      const name = `${m}_${f}`;
      const inReference = REF[name]?.modules.includes(`ngx_http_${m}_module`) ?? false;
      const expectedAbsent = ABSENT[m]?.includes(f) ?? false;
      assert.equal(inReference, !expectedAbsent, `reference disagrees with the test's table for ${name}`);
      const doc = nginxDirectiveDoc(name);
      if (expectedAbsent) {
        assert.equal(doc, undefined, `${name} does not exist in nginx but has a doc`);
        continue;
      }
      assertWellFormed(doc, name);
      assert.equal(doc!.url, `https://nginx.org/en/docs/http/ngx_http_${m}_module.html#${name}`);
    }
  }
});

test('nginx: gRPC templates have no response buffering, caching or temp-file directives', () => {
  for (const f of ['buffers', 'busy_buffers_size', 'buffering', 'request_buffering', 'cache_valid', 'cache_use_stale', 'max_temp_file_size']) {
    assert.equal(nginxDirectiveDoc(`grpc_${f}`), undefined, `grpc_${f}`);
  }
  const grpcBuffer = nginxDirectiveDoc('grpc_buffer_size')!;
  assert.deepEqual(grpcBuffer.statusCodes, ['502'], 'grpc_buffer_size alone cannot break the busy-buffers arithmetic');
  assert.doesNotMatch(grpcBuffer.failure, /grpc_buffers|grpc_busy_buffers_size/);
  assert.match(nginxDirectiveDoc('proxy_buffer_size')!.failure, /proxy_busy_buffers_size/);
  assert.match(nginxDirectiveDoc('fastcgi_buffer_size')!.failure, /fastcgi_busy_buffers_size/);
  assert.match(nginxDirectiveDoc('grpc_read_timeout')!.failure, /UNAVAILABLE/);
  assert.doesNotMatch(nginxDirectiveDoc('uwsgi_read_timeout')!.failure, /UNAVAILABLE/);
});

test('nginx: core, upstream-block and module-specific directives', () => {
  for (const name of NGINX_OTHERS) {
    const doc = assertWellFormed(nginxDirectiveDoc(name), name);
    assert.match(doc.url, /^https:\/\/nginx\.org\/en\/docs\/http\/ngx_http_\w+_module\.html#/, name);
    assert.equal(anchor(doc.url), name, `${name}: anchor`);
  }
  assert.match(nginxDirectiveDoc('health_check')!.url, /ngx_http_upstream_hc_module/);
  assert.match(nginxDirectiveDoc('keepalive_timeout')!.url, /ngx_http_core_module/, 'without a context keepalive_timeout is the client-side one');
  assert.match(nginxDirectiveDoc('auth_request')!.url, /ngx_http_auth_request_module/);
});

test('nginx: the context picks the meaning of reused names', () => {
  for (const name of NGINX_STREAM) {
    for (const ctx of ['stream', 'stream-server']) {
      const doc = assertWellFormed(nginxDirectiveDoc(name, ctx), `${name}@${ctx}`);
      assert.equal(doc.url, `https://nginx.org/en/docs/stream/ngx_stream_proxy_module.html#${name}`);
      assert.ok(doc.statusCodes.includes('connection-closed'), `${name}: stream has no HTTP status`);
      assert.doesNotMatch(doc.failure, /\*\*50[24]\*\*/, `${name}: stream docs must not promise 502/504`);
    }
  }
  assert.match(nginxDirectiveDoc('proxy_pass', 'location')!.url, /ngx_http_proxy_module/);
  assert.match(nginxDirectiveDoc('proxy_timeout')!.url, /ngx_stream_proxy_module/, 'proxy_timeout exists only in stream');
  for (const name of NGINX_IN_UPSTREAM) {
    const doc = assertWellFormed(nginxDirectiveDoc(name, 'upstream'), `${name}@upstream`);
    assert.equal(doc.url, `https://nginx.org/en/docs/http/ngx_http_upstream_module.html#${name}`);
  }
  assert.equal(nginxDirectiveDoc('server', 'http'), undefined, 'server {} is a virtual server, not an upstream server');
  assert.equal(nginxDirectiveDoc('server', 'stream'), undefined);
  assert.match(nginxDirectiveDoc('server', 'stream-upstream')!.url, /ngx_stream_upstream_module\.html#server$/);
  assert.match(nginxDirectiveDoc('upstream', 'stream')!.url, /ngx_stream_upstream_module\.html#upstream$/);
  assert.match(nginxDirectiveDoc('upstream', 'http')!.url, /ngx_http_upstream_module\.html#upstream$/);
  assert.equal(nginxDirectiveDoc('proxy_buffer_size', 'stream-server'), undefined, 'no http proxy_* text (502/504) for stream');
  assert.match(nginxDirectiveDoc('server')!.url, /ngx_http_upstream_module\.html#server$/);
  assert.match(nginxDirectiveDoc('resolver', 'location')!.url, /ngx_http_core_module/);
  assert.equal(nginxDirectiveDoc('no_such_directive'), undefined);
});

test('nginx: upstream server parameters', () => {
  for (const key of SERVER_PARAMS) {
    const doc = assertWellFormed(nginxServerParamDoc(key), key);
    assert.equal(doc.url, `https://nginx.org/en/docs/http/ngx_http_upstream_module.html#${key}`);
  }
  assert.equal(nginxServerParamDoc('max_fails=3')?.name, 'max_fails');
  assert.equal(nginxServerParamDoc('bogus'), undefined);
});

test('nginx: status codes follow what nginx really returns', () => {
  for (const m of MODULES) {
    // 504 when nginx's timer fires; 502 when the kernel gives up on the handshake first (servers/nginx-hover-behaviour).
    assert.deepEqual(nginxDirectiveDoc(`${m}_connect_timeout`)!.statusCodes, ['504', '502'], `${m}_connect_timeout`);
    assert.deepEqual(nginxDirectiveDoc(`${m}_send_timeout`)!.statusCodes, ['504'], `${m}_send_timeout`);
    const read = nginxDirectiveDoc(`${m}_read_timeout`)!;
    assert.ok(read.statusCodes.includes('504') && read.statusCodes.includes('truncated-200'), `${m}_read_timeout`);
    const buf = nginxDirectiveDoc(`${m}_buffer_size`)!;
    assert.ok(buf.statusCodes.includes('502') && !buf.statusCodes.includes('504'), `${m}_buffer_size: too big header is a 502`);
  }
  assert.ok(!nginxDirectiveDoc('resolver')!.statusCodes.includes('504'), 'resolver failures are 502');
  assert.deepEqual(nginxDirectiveDoc('client_max_body_size')!.statusCodes, ['413']);
  assert.match(nginxDirectiveDoc('client_max_body_size')!.failure, /not\* a 502\/504/);
  assert.deepEqual(nginxDirectiveDoc('limit_req')!.statusCodes, ['503']);
  assert.deepEqual(nginxDirectiveDoc('limit_conn')!.statusCodes, ['503']);
  assert.deepEqual(nginxDirectiveDoc('auth_request')!.statusCodes, ['500']);
  assert.ok(nginxDirectiveDoc('health_check')!.statusCodes.includes('startup-failure'));
  for (const doc of allNginxDirectiveDocs()) assert.doesNotMatch(doc.failure + doc.summary, /\bAH\d{5}\b/, `${doc.name}: Apache log codes in an nginx doc`);
});

test('nginx: defaults agree with the official reference', () => {
  const intentional = new Set(['proxy_set_header']); // the reference still lists "Connection close"; 1.29.7 stopped sending it
  let compared = 0;
  for (const doc of [...allNginxDirectiveDocs()]) {
    const m = /\/(http|stream)\/ngx_(?:http|stream)_(\w+?)_module\.html#/.exec(doc.url);
    const module = m ? `ngx_${m[1]}_${m[2]}_module` : '';
    const ref = REF[doc.name]?.defaults[module];
    if (!ref || !doc.defaultValue || intentional.has(doc.name)) continue;
    const ours = doc.defaultValue.replace(/`/g, '').split(/ \(|;| since /)[0].trim();
    assert.equal(ours, ref, `${doc.name} (${module})`);
    compared++;
  }
  assert.ok(compared > 80, `only ${compared} defaults compared`);
});

test('Apache: directives, case-insensitive lookup and official anchors', () => {
  for (const name of APACHE) {
    for (const spelling of [name, name.toLowerCase(), name.toUpperCase()]) {
      const doc = assertWellFormed(apacheDirectiveDoc(spelling), spelling);
      assert.equal(doc.name, name);
      assert.match(doc.url, /^https:\/\/httpd\.apache\.org\/docs\/2\.4\/mod\/[\w.]+\.html#/, name);
      assert.equal(anchor(doc.url), name.toLowerCase(), `${name}: anchor`);
    }
  }
  assert.equal(apacheDirectiveDoc('<Proxy>')?.name, 'Proxy');
  assert.equal(apacheDirectiveDoc('<proxy')?.name, 'Proxy');
  assert.equal(apacheDirectiveDoc('</Proxy>')?.name, 'Proxy');
  assert.equal(apacheDirectiveDoc('NoSuchDirective'), undefined);
});

test('Apache: worker and balancer parameters, env variables and modules', () => {
  for (const key of WORKER_PARAMS) {
    for (const spelling of [key, key.toUpperCase()]) {
      const doc = assertWellFormed(apacheWorkerParamDoc(spelling), spelling);
      assert.match(doc.url, /^https:\/\/httpd\.apache\.org\/docs\/2\.4\/mod\/mod_proxy(_hcheck)?\.html/, key);
    }
  }
  const workerTimeout = apacheWorkerParamDoc('timeout')!;
  const balancerTimeout = apacheWorkerParamDoc('timeout', 'balancer')!;
  assert.notEqual(workerTimeout, balancerTimeout);
  assert.ok(workerTimeout.statusCodes.includes('502') && workerTimeout.statusCodes.includes('504'));
  assert.deepEqual(balancerTimeout.statusCodes, ['503']);
  assert.equal(apacheWorkerParamDoc('lbmethod', 'balancer')?.name, 'lbmethod');
  assert.equal(apacheWorkerParamDoc('hcmethod', 'balancer')?.name, 'hcmethod', 'worker keys still resolve for balancers');
  assert.equal(apacheWorkerParamDoc('nope'), undefined);
  for (const v of APACHE_ENV) assertWellFormed(apacheEnvDoc(v), v);
  for (const id of APACHE_MODULES) assertWellFormed(apacheModuleDoc(id), id);
  assert.equal(apacheModuleDoc('modules/mod_proxy_fcgi.so')?.name, 'proxy_fcgi_module');
  assert.equal(apacheModuleDoc('mod_lbmethod_byrequests')?.name, 'lbmethod_byrequests_module');
  assert.equal(apacheModuleDoc('proxy_hcheck')?.name, 'proxy_hcheck_module');
});

test('Apache: status codes follow what httpd really returns', () => {
  const pt = apacheDirectiveDoc('ProxyTimeout')!;
  assert.ok(pt.statusCodes.includes('502') && pt.statusCodes.includes('504'), 'slow backend: 502 via http, 504 via fcgi');
  assert.deepEqual(apacheWorkerParamDoc('connectiontimeout')!.statusCodes, ['503'], 'unreachable backend is a 503');
  assert.deepEqual(apacheDirectiveDoc('SSLProxyEngine')!.statusCodes, ['500']);
  assert.deepEqual(apacheDirectiveDoc('ProxyBadHeader')!.statusCodes, ['502']);
  assert.deepEqual(apacheDirectiveDoc('RequestReadTimeout')!.statusCodes, ['408']);
  assert.ok(apacheDirectiveDoc('ProxyPass')!.statusCodes.includes('500'), 'DNS failure / missing module / no SSLProxyEngine are 500');
  for (const doc of [...allApacheDirectiveDocs(), ...allApacheWorkerParamDocs(), ...allApacheExtraDocs()]) {
    for (const line of doc.logLines) assert.doesNotMatch(line, /while (connecting to|reading response header from) upstream/, `${doc.name}: nginx log line in an Apache doc`);
  }
});

test('every exact log line occurs verbatim in the lab catalogue', { skip: CATALOGUE_SKIP }, () => {
  const docs = [...allNginxDirectiveDocs(), ...allNginxServerParamDocs(), ...allApacheDirectiveDocs(), ...allApacheWorkerParamDocs(), ...allApacheExtraDocs()];
  let checked = 0;
  for (const doc of docs) {
    for (const line of doc.logLines) {
      const corrected = Object.entries(CORRECTED_BY_EVIDENCE).find(([key]) => (APX_LOG as Record<string, string>)[key] === line);
      const serverTest =
        Object.entries(CHECKED_BY_SERVER_TEST).find(([key]) => doc.server === 'apache' && (APX_LOG as Record<string, string>)[key] === line) ??
        Object.entries(NGX_CHECKED_BY_SERVER_TEST).find(([key]) => doc.server === 'nginx' && (NGX_LOG as Record<string, string>)[key] === line);
      if (serverTest) {
        // Not in the catalogue at all: a test against the real server checks the line.
        const source = readFileSync(join(__dirname, '..', serverTest[1]), 'utf8');
        const ref = `${doc.server === 'apache' ? 'APX_LOG' : 'NGX_LOG'}.${serverTest[0]}`;
        assert.ok(source.includes(ref), `${serverTest[1]} does not check ${ref}`);
      } else if (corrected) {
        // Not in the catalogue because the catalogue's copy was wrong: the evidence scenario must reproduce it.
        const scenario = readFileSync(join(__dirname, '..', 'evidence', 'scenarios', `${corrected[1]}.ts`), 'utf8');
        const code = /AH\d{5}/.exec(line)![0];
        assert.ok(scenario.includes(code), `${corrected[1]} does not check ${code}`);
      } else {
        assert.ok(CATALOGUE.includes(line), `${doc.server} ${doc.name}: not in the catalogue (mark it expected-form): ${line}`);
      }
      checked++;
    }
    for (const line of doc.expectedLogLines ?? []) assert.ok(!doc.logLines.includes(line), `${doc.name}: a line cannot be both exact and expected-form`);
  }
  assert.ok(checked > 150, `only ${checked} log lines checked`);
});

test('every line a server test is said to check exists and is used by that test, even if no hover quotes it', () => {
  // explain's patterns are tested on these lines too (test/unit/explain.test.ts), so they must be what the server wrote.
  for (const [table, lines, name] of [
    [CHECKED_BY_SERVER_TEST, APX_LOG, 'APX_LOG'],
    [NGX_CHECKED_BY_SERVER_TEST, NGX_LOG, 'NGX_LOG'],
  ] as const) {
    for (const [key, file] of Object.entries(table)) {
      assert.ok(key in lines, `${name}.${key} does not exist`);
      assert.ok(readFileSync(join(__dirname, '..', file), 'utf8').includes(`${name}.${key}`), `${file} does not check ${name}.${key}`);
    }
  }
});

test('renderHover: sections, server wording, official link and rule links', () => {
  const md = renderHover(nginxDirectiveDoc('proxy_read_timeout')!);
  for (const part of ['**proxy_read_timeout**', 'How this leads to 504/502 or a truncated 200 on nginx', '**In the error log**', '```text', '**Default:** `60s`', '[nginx docs ↗](https://nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_read_timeout)']) {
    assert.ok(md.includes(part), `missing ${part}\n${md}`);
  }
  assert.ok(renderHover(nginxDirectiveDoc('client_max_body_size')!).includes('Expected form (not reproduced in the lab)'));
  const ap = renderHover(apacheDirectiveDoc('ProxyTimeout')!);
  for (const part of ['How this leads to 502/504/503 or a truncated 200 on Apache', 'AH01102', '[Apache docs ↗](https://httpd.apache.org/docs/2.4/mod/mod_proxy.html#proxytimeout)']) {
    assert.ok(ap.includes(part), `missing ${part}\n${ap}`);
  }
  assert.ok(renderHover(nginxDirectiveDoc('keepalive', 'upstream')!).includes('**Versions:**'));
  assert.ok(renderHover(nginxDirectiveDoc('proxy_timeout', 'stream')!).includes('How this leads to a closed connection on nginx'));
  assert.ok(renderHover(apacheDirectiveDoc('ProxyRequests')!).includes('How this relates to 5xx errors on Apache'));

  const registered = allRules.find((r) => r.server === 'nginx' && allNginxDirectiveDocs().some((d) => d.rules?.includes(r.id)));
  assert.ok(registered, 'some registered nginx rule is referenced by a doc');
  const doc = allNginxDirectiveDocs().find((d) => d.rules?.includes(registered.id))!;
  assert.ok(renderHover(doc).includes(`[${registered.id}](${docsUrl(registered)})`), 'registered rules are links');
  const planned = renderHover({ ...doc, rules: ['not-yet-a-rule'] });
  assert.ok(planned.includes('Related rules: not-yet-a-rule') && !planned.includes('](not-yet'), 'unregistered ids are plain text');

  for (const d of [...allNginxDirectiveDocs(), ...allNginxServerParamDocs(), ...allApacheDirectiveDocs(), ...allApacheWorkerParamDocs(), ...allApacheExtraDocs()]) {
    const out = renderHover(d);
    assert.ok(out.includes(d.summary) && out.includes('**Default:**') && out.includes('docs ↗'), d.name);
    assert.equal((out.match(/```/g) ?? []).length % 2, 0, `${d.name}: unbalanced code fences`);
  }
});

test('outcome wording', () => {
  assert.equal(outcomeText(['502', '504']), '502/504');
  assert.equal(outcomeText(['502', 'startup-failure']), '502 or a failed start or reload');
  assert.equal(outcomeText(['none']), '');
  assert.equal(outcomeText(['413']), '413');
});

test('every rule a hover doc names exists, for that doc\'s server (a dead id renders as plain text and misleads)', () => {
  const missing: string[] = [];
  for (const d of [...allNginxDirectiveDocs(), ...allNginxServerParamDocs(), ...allApacheDirectiveDocs(), ...allApacheWorkerParamDocs(), ...allApacheExtraDocs()]) {
    for (const id of d.rules ?? []) if (!allRules.some((r) => r.id === id && (r.server === d.server || r.server === 'any'))) missing.push(`${d.server} ${d.name}${d.variant ? ` (${d.variant})` : ''}: ${id}`);
  }
  assert.deepEqual(missing, []);
});

test('Apache: ws:// and wss:// docs say mod_proxy_http handles them from 2.4.47 on (mod_proxy_wstunnel is required only before)', () => {
  const docs = [apacheDirectiveDoc('ProxyWebsocketFallbackToProxyHttp')!, apacheModuleDoc('proxy_wstunnel_module')!, apacheDirectiveDoc('LoadModule')!, apacheModuleDoc('proxy_http_module')!];
  for (const d of docs) {
    const text = `${d.summary}\n${d.failure}\n${d.versions ?? ''}`;
    assert.match(text, /2\.4\.47/, `${d.name}: no version note`);
    assert.doesNotMatch(text, /still need mod_proxy_wstunnel|`ws:\/\/`\/`wss:\/\/` mod_proxy_wstunnel/, `${d.name}: claims mod_proxy_wstunnel is always needed`);
  }
  for (const d of docs.slice(0, 3)) assert.match(d.failure, /neither/, `${d.name}: the 500 needs neither module loaded`);
});

test('nginx: no gRPC doc dates a directive before the grpc module itself (1.13.10)', () => {
  const older = (v: string) => {
    const [a, b, c] = v.split('.').map(Number);
    return a < 1 || (a === 1 && (b < 13 || (b === 13 && c < 10)));
  };
  const grpc = allNginxDirectiveDocs().filter((d) => d.name.startsWith('grpc_'));
  assert.ok(grpc.length > 10);
  for (const d of grpc) for (const v of d.versions?.match(/\d+\.\d+\.\d+/g) ?? []) assert.ok(!older(v), `${d.name}: ${d.versions}`);
  assert.equal(nginxDirectiveDoc('grpc_next_upstream_timeout')!.versions, 'The grpc module appeared in 1.13.10.');
  assert.equal(nginxDirectiveDoc('proxy_next_upstream_timeout')!.versions, 'Since 1.7.5.');
  // grpc_socket_keepalive came after the grpc module, with the rest of the family (CHANGES 1.15.6 names it).
  assert.equal(nginxDirectiveDoc('grpc_socket_keepalive')!.versions, 'Since 1.15.6.');
});

test('nginx: a hover note that dates a directive of the version table gives the table\'s version', () => {
  const wrong: string[] = [];
  for (const e of DIRECTIVE_VERSIONS.filter((x) => x.since && x.where.includes('http'))) {
    // Only notes about when the directive came ("Since 1.15.6.", "The grpc module appeared in 1.13.10."), not later changes.
    const first = nginxDirectiveDoc(e.name)?.versions?.match(/^(?:Since|The \w+ module appeared in) (\d+\.\d+\.\d+)/)?.[1];
    if (first && first !== e.since) wrong.push(`${e.name}: hover says ${first}, table ${e.since}`);
  }
  assert.deepEqual(wrong, []);
});
