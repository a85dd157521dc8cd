// The worker user and group of nginx when no `user` line is written: compiled in by configure, not fixed by nginx.
// The reference says "user nobody nobody"; configure takes --user=/--group= (nginx -V lists them) and otherwise picks
// the group nobody only where the build host has such a group, else nogroup. Debian 12's nginx 1.22.1 lists neither
// in nginx -V, and its worker (master started as root, no user line) runs as nobody:nogroup, read from /proc. explain
// shows that default, and says it depends on the build; so does the hover's reference part.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { nginxHover } from '../../server/src/core/features/hover';
import { defaultSettings } from '../../server/src/core/settings';
import { docLookup } from '../../server/src/lsp/docs';
import { lintText, requireBinary, runCli } from '../helpers';
import { request } from './harness/client';
import { prepareNginx, rewriteNginx, startNginx } from './harness/nginx';
import { childPids } from './harness/proc';

requireBinary('nginx');

/** The name of a numeric id in /etc/passwd or /etc/group. */
const nameOf = (file: string, id: string) => readFileSync(file, 'utf8').split('\n').map((l) => l.split(':')).find((f) => f[2] === id)?.[0];

test('nginx without a user line: the Debian build\'s workers run as nobody:nogroup, and explain shows that default (real nginx)', { skip: process.getuid?.() !== 0 && 'needs root: nginx reads `user` only when its master runs as root' }, async () => {
  const v = spawnSync('nginx', ['-V'], { encoding: 'utf8', timeout: 10_000 });
  const configure = v.stderr + v.stdout;
  assert.match(configure, /configure arguments:/);
  // What this test is about: a build that leaves the user and group to configure's defaults.
  assert.doesNotMatch(configure, /--user=|--group=/, configure);

  const setup = await prepareNginx(`http {\n    server {\n        listen 127.0.0.1:8000;\n        location /denied/ { proxy_pass http://unix:SOCK:; }\n    }\n}\n`);
  // A socket only root may connect to: the worker's (13) line is the one whose explanation lists `user`.
  const sock = join(setup.dir, 'denied.sock');
  const listener = createServer((s) => s.destroy());
  await new Promise<void>((resolve) => listener.listen(sock, () => resolve()));
  chmodSync(sock, 0o600);
  rewriteNginx(setup, setup.text.replace('SOCK', sock));
  const nginx = await startNginx(setup);
  try {
    const workers = childPids(nginx.proc.pid);
    assert.equal(workers.length, 1, 'one worker');
    const status = readFileSync(`/proc/${workers[0]}/status`, 'utf8');
    const uid = /^Uid:\s+(\d+)/m.exec(status)![1];
    const gid = /^Gid:\s+(\d+)/m.exec(status)![1];
    assert.deepEqual([nameOf('/etc/passwd', uid), nameOf('/etc/group', gid)], ['nobody', 'nogroup'], status);

    const r = await request({ port: setup.port, path: '/denied/x', timeoutMs: 5000 });
    await nginx.stop();
    assert.equal(r.status, 502, nginx.errorLog());
    assert.match(nginx.errorLog(), /\(13: Permission denied\) while connecting to upstream/);
    const out = runCli(['explain', '--in', setup.confPath, '--log', setup.errorLogPath]);
    assert.equal(out.code, 0, out.stderr);
    assert.match(out.stdout, /\n {4}user nobody nogroup {2}\(default; compiled in: nobody nogroup in Debian's package [^\n]*nobody nobody where the build host has one[^\n]*--user=\/--group=[^\n]*\)\n/, out.stdout);
    assert.doesNotMatch(out.stdout, /user nobody nobody/);
  } finally {
    await nginx.stop();
    await new Promise<void>((resolve) => listener.close(() => resolve()));
    setup.cleanup();
  }
});

test('the hover on a user line gives the build\'s default (nobody nogroup on Debian, as measured above), not the reference\'s "nobody nobody"', () => {
  const text = 'user www-data;\nevents {}\nhttp {}\n';
  const md = nginxHover(lintText(text), '/cfg/nginx.conf', 1, defaultSettings().nginx, docLookup)?.markdown ?? '';
  assert.match(md, /\*\*Default:\*\* `nobody nogroup` \(compiled in: nobody nogroup in Debian's package/, md);
  assert.doesNotMatch(md, /`nobody nobody`/, md);
});
