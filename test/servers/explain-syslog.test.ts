// Error logs sent to syslog, as the real servers send them (nginx 1.22.1 `error_log syslog:server=unix:…`, httpd
// 2.4.71 `ErrorLog syslog:local7`, which goes through libc's syslog() to /dev/log) and as journalctl prints them once
// the machine's systemd-journald has received them. explain reads the nginx or httpd line inside each form, places
// it, and groups the lines of a request as it does in the servers' own files. Everything binds 127.0.0.1 or UNIX
// sockets in temp folders; nothing of the machine's own logging is touched (journald runs alone in a namespace).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { requireBinary, runCli } from '../helpers';
import { request } from './harness/client';
import { prepareApache, startApache } from './harness/apache';
import { prepareNginx, startNginx } from './harness/nginx';
import { sleep, waitFor } from './harness/proc';
import { JOURNALD, startJournald, startSyslogReceiver, withDevLog, PYTHON } from './harness/syslog';
import { refusedPort } from './standins/http';

requireBinary('nginx');
requireBinary('apache2');
requireBinary(PYTHON);

interface Explained {
  requests: { server: string; count: number; thread: string; tried?: { server: string }[]; outcome?: { status: string; final: boolean }; lines: { line: string; explained: number }[] }[];
  explained: { id: string; count: number; place?: { location: { line: number } | null } | null; backend?: { line: number; how: string } | null }[];
  unknownLines: number;
}

function explainJson(confPath: string, lines: string[]): Explained {
  const log = `${confPath}.syslog`;
  writeFileSync(log, lines.join('\n') + '\n');
  const out = runCli(['explain', '--in', confPath, '--log', log, '--format', 'json']);
  assert.equal(out.code, 0, out.stderr + out.stdout);
  return JSON.parse(out.stdout) as Explained;
}

const NGINX_CONF = (sock: string, a: number, b: number) => `error_log syslog:server=unix:${sock} info;
http {
    upstream pair { server 127.0.0.1:${a}; server 127.0.0.1:${b}; }
    server {
        listen 127.0.0.1:8000;
        server_name syslog.test;
        location /pair/ { proxy_pass http://pair; }
    }
}
`;

test('syslog: what a real nginx sends to a syslog socket, and explain reads it like its error-log file', async () => {
  const rx = await startSyslogReceiver();
  const a = await refusedPort();
  const b = await refusedPort();
  const setup = await prepareNginx(NGINX_CONF(rx.path, a.port, b.port));
  const nginx = await startNginx(setup);
  try {
    const r = await request({ port: setup.port, path: '/pair/x', timeoutMs: 5000 });
    assert.equal(r.status, 502);
    await waitFor(() => rx.datagrams().filter((d) => d.includes('temporarily disabled')).length >= 2, 3000);
    const datagrams = rx.datagrams();
    const file = nginx.errorLog().split('\n');
    const errors = datagrams.filter((d) => d.includes('[error]') || d.includes('[warn]'));
    assert.equal(errors.length, 4, datagrams.join('\n'));
    for (const d of errors) {
      // <PRI>Mmm dd hh:mm:ss host nginx: and the error-log line itself, as nginx writes it to its file.
      const m = /^<(\d+)>([A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d) (\S+) nginx: (.*)$/.exec(d);
      assert.ok(m, d);
      assert.equal(m[1], d.includes('[warn]') ? '188' : '187', 'local7 (23 × 8) + err (3) or warning (4)');
      assert.equal(m[3], hostname());
      assert.ok(file.includes(m[4]), `${m[4]}\nis not a line of the file:\n${file.join('\n')}`);
    }
    const j = explainJson(setup.confPath, datagrams);
    const nginxRequests = j.requests.filter((q) => q.server === 'nginx');
    assert.equal(nginxRequests.length, 1, JSON.stringify(j, null, 1));
    assert.deepEqual(nginxRequests[0].tried!.map((t) => t.server), [`127.0.0.1:${a.port}`, `127.0.0.1:${b.port}`]);
    assert.deepEqual(nginxRequests[0].outcome, { status: '502', final: true, why: 'every server nginx could use (2) was tried' });
    assert.equal(nginxRequests[0].thread.startsWith(`${hostname()} *`), true, nginxRequests[0].thread);
    const line = setup.text.split('\n').findIndex((l) => l.includes('location /pair/')) + 1;
    assert.ok(j.explained.filter((e) => e.id === 'nginx-refused').every((e) => e.place?.location?.line === line), JSON.stringify(j.explained));
  } finally {
    await nginx.stop();
    await rx.stop();
    await a.stop();
    await b.stop();
    setup.cleanup();
  }
});

/** httpd with its error log sent to syslog (the harness's ErrorLog replaced), /dev/log being `socketPath`. */
async function startSyslogApache(socketPath: string, backend: number) {
  const setup = await prepareApache(`ProxyPass "/a/" "http://127.0.0.1:${backend}/"\n`);
  setup.text = setup.text.replace(/^ErrorLog .*$/m, 'ErrorLog syslog:local7');
  writeFileSync(setup.confPath, setup.text);
  let dev = '';
  const httpd = await startApache(setup, {
    wrap: (argv) => {
      const w = withDevLog(socketPath, argv);
      dev = w.dir;
      return w.argv;
    },
  });
  return { setup, httpd, cleanup: () => (setup.cleanup(), rmSync(dev, { recursive: true, force: true })) };
}

test('syslog: what a real httpd sends to /dev/log with ErrorLog syslog:, and explain reads it and pairs AH01114 with its AH00957', async () => {
  const rx = await startSyslogReceiver();
  const a = await refusedPort();
  const { setup, httpd, cleanup } = await startSyslogApache(rx.path, a.port);
  try {
    const r = await request({ port: setup.port, path: '/a/x', timeoutMs: 5000 });
    assert.equal(r.status, 503);
    await waitFor(() => rx.datagrams().some((d) => d.includes('AH01114')), 3000);
    const datagrams = rx.datagrams();
    const proxy = datagrams.filter((d) => /AH00957|AH01114/.test(d));
    assert.equal(proxy.length, 2, datagrams.join('\n'));
    for (const d of proxy) {
      // libc's form: no host; the tag is the program and its pid. httpd leaves its own time out.
      const m = /^<187>([A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d) apache2\[(\d+)\]: \[proxy(?:_http)?:error\] \[pid (\d+):tid \d+\] /.exec(d);
      assert.ok(m, d);
      assert.equal(m[2], m[3]);
    }
    const j = explainJson(setup.confPath, datagrams);
    const q = j.requests.filter((x) => x.server === 'apache');
    assert.equal(q.length, 1, JSON.stringify(j, null, 1));
    assert.deepEqual(q[0].lines.map((l) => j.explained[l.explained].id), ['apache-connect-failed', 'apache-no-connection']);
    const at = setup.text.split('\n').findIndex((l) => l.startsWith('ProxyPass "/a/"')) + 1;
    assert.deepEqual(q[0].lines.map((l) => j.explained[l.explained].backend?.line), [at, at]);
    assert.match(j.explained[q[0].lines[1].explained].backend!.how, /the AH00957 line before it in the same request \(same httpd thread\) names the port/);
  } finally {
    await httpd.stop();
    await rx.stop();
    await a.stop();
    cleanup();
  }
});

test('journalctl: nginx and httpd lines a real systemd-journald received are read inside journalctl\'s output', { skip: !existsSync(JOURNALD) && `${JOURNALD} is not installed` }, async () => {
  const journald = await startJournald();
  const a = await refusedPort();
  const b = await refusedPort();
  const n = await prepareNginx(NGINX_CONF(journald.devLog, a.port, b.port));
  const nginx = await startNginx(n);
  const { setup, httpd, cleanup } = await startSyslogApache(journald.devLog, a.port);
  try {
    assert.equal((await request({ port: n.port, path: '/pair/x', timeoutMs: 5000 })).status, 502);
    assert.equal((await request({ port: setup.port, path: '/a/x', timeoutMs: 5000 })).status, 503);
    await waitFor(() => journald.lines().filter((l) => /AH01114|temporarily disabled/.test(l)).length >= 3, 5000);
    await sleep(200);
    const lines = journald.lines();
    const host = hostname().replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const file = nginx.errorLog().split('\n');
    // journald takes "<PRI>time tag: message" as libc sends it. nginx puts its host before the tag, so journald takes
    // "host nginx: …" for the message and the process name and pid for the tag: the line shows both.
    const fromNginx = lines.filter((l) => /\[(error|warn)\]/.test(l) && l.includes(' nginx['));
    assert.equal(fromNginx.length, 4, lines.join('\n'));
    for (const l of fromNginx) {
      const m = new RegExp(`^[A-Z][a-z]{2} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d ${host} nginx\\[(\\d+)\\]: ${host} nginx: (.*)$`).exec(l);
      assert.ok(m, l);
      assert.ok(file.includes(m[2]), `${m[2]}\nis not a line of the file`);
      assert.ok(m[2].includes(` ${m[1]}#${m[1]}: `), 'the pid is the worker\'s');
    }
    // What nginx logged while it started, before it knew its host name ("<189>Nov 22 13:40:01  nginx: …"), has no second prefix.
    assert.ok(lines.some((l) => new RegExp(`^[A-Z][a-z]{2} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d ${host} nginx\\[\\d+\\]: \\d{4}/\\d\\d/\\d\\d .*\\[notice\\]`).test(l)), lines.join('\n'));
    const fromHttpd = lines.filter((l) => /AH00957|AH01114/.test(l));
    assert.equal(fromHttpd.length, 2, lines.join('\n'));
    for (const l of fromHttpd) assert.match(l, new RegExp(`^[A-Z][a-z]{2} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d ${host} apache2\\[(\\d+)\\]: \\[proxy(?:_http)?:error\\] \\[pid \\1:tid \\d+\\] `));

    const withNginx = explainJson(n.confPath, lines);
    const nginxRequest = withNginx.requests.filter((q) => q.server === 'nginx');
    assert.deepEqual(nginxRequest.map((q) => [q.lines.length, q.tried!.length, q.outcome]), [[4, 2, { status: '502', final: true, why: 'every server nginx could use (2) was tried' }]]);
    const withHttpd = explainJson(setup.confPath, lines);
    const httpdRequest = withHttpd.requests.filter((q) => q.server === 'apache');
    const at = setup.text.split('\n').findIndex((l) => l.startsWith('ProxyPass "/a/"')) + 1;
    assert.deepEqual(httpdRequest.map((q) => q.lines.map((l) => `${withHttpd.explained[l.explained].id}@${withHttpd.explained[l.explained].backend?.line}`)), [[`apache-connect-failed@${at}`, `apache-no-connection@${at}`]]);
  } finally {
    await httpd.stop();
    await nginx.stop();
    await journald.stop();
    await a.stop();
    await b.stop();
    cleanup();
    n.cleanup();
    journald.cleanup();
  }
});
