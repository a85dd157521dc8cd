// The real php-fpm (Debian's php8.2-fpm) as a FastCGI backend on a 127.0.0.1 port, with a static pool of children:
// for the claims a FastCGI stand-in cannot make (how php-fpm itself answers, and how many connections it serves).
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { freePort } from '../harness/ports';
import { startProcess, waitFor } from '../harness/proc';

export const FPM = '/usr/sbin/php-fpm8.2';
/** Tests that need it are skipped without it (apt-get install php8.2-fpm). */
export const hasFpm = spawnSync('sh', ['-c', `command -v ${FPM}`]).status === 0;

const listening = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = connect({ port, host: '127.0.0.1' });
    s.on('connect', () => (s.destroy(), resolve(true)));
    s.on('error', () => resolve(false));
  });

/**
 * Starts php-fpm in the foreground with its configuration and log in `dir` (which holds the scripts; php-fpm's
 * children run as www-data, so it must be readable by them), on `port` or a free one, with more `pool` lines
 * (e.g. "request_terminate_timeout = 4s"), and waits until it accepts.
 */
export async function startPhpFpm(dir: string, opts: { maxChildren: number; port?: number; pool?: string[] }): Promise<{ port: number; address: string; stop(): Promise<void> }> {
  const port = opts.port ?? (await freePort());
  const pool = (opts.pool ?? []).map((l) => `${l}\n`).join('');
  writeFileSync(join(dir, 'fpm.conf'), `[global]\nerror_log = ${dir}/fpm.log\ndaemonize = no\n[www]\nuser = www-data\ngroup = www-data\nlisten = 127.0.0.1:${port}\npm = static\npm.max_children = ${opts.maxChildren}\n${pool}`);
  const proc = startProcess(FPM, ['-F', '-y', join(dir, 'fpm.conf')]);
  if (!(await waitFor(() => listening(port), 5000))) {
    await proc.stop();
    throw new Error(`php-fpm did not listen on 127.0.0.1:${port}`);
  }
  return { port, address: `127.0.0.1:${port}`, stop: () => proc.stop() };
}
